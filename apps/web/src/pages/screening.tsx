/**
 * Catch-all screening and the end-user check against the End User List. The endpoints may not
 * exist on every server yet: a 404 shows "not available".
 */
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { ApiProblem, apiFetch } from '../api';
import { aria, Field, ProblemAlert } from '../components';
import { applyProblem } from '../forms';
import { useI18n } from '../i18n';

interface RedFlag {
  code: string;
  textJa: string;
  textEn: string;
}
interface CatchAllResult {
  licenseRequired: boolean;
  destinationGroup: string;
  summary?: string;
  summaryJa?: string;
  endUserListMatch: boolean;
  trace: Array<{
    step: string;
    question: string;
    answer: string;
    outcome: string;
    questionJa?: string;
    outcomeJa?: string;
  }>;
}

const upperCountry = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 (VN, US, ...)');
const CatchAllForm = z.object({
  listControlled: z.boolean(),
  catchAllItem: z.boolean(),
  hsCode: z.string().trim(),
  destinationCountry: upperCountry,
  endUserName: z.string().trim().min(1, '—'),
  endUserCountry: z.union([z.literal(''), upperCountry]),
  knowsWeaponsDevelopmentUse: z.boolean(),
  endUserHasWeaponsRecordOrPlan: z.boolean(),
  informReceived: z.boolean(),
  redFlags: z.array(z.string()),
});
type CatchAllInput = z.infer<typeof CatchAllForm>;

function CatchAllCheck() {
  const { t, tc, lang } = useI18n();
  const flags = useQuery({
    queryKey: ['reference-data', 'red-flags'],
    queryFn: () => apiFetch<{ data?: { items?: RedFlag[] } }>('/reference-data/red-flags'),
    retry: false,
  });
  // Without the red-flag reference data the form still works, just without the checklist.
  const redFlags = flags.data?.data?.items ?? [];
  const form = useForm<CatchAllInput>({
    resolver: zodResolver(CatchAllForm),
    defaultValues: {
      listControlled: false,
      catchAllItem: true,
      hsCode: '',
      destinationCountry: '',
      endUserName: '',
      endUserCountry: '',
      knowsWeaponsDevelopmentUse: false,
      endUserHasWeaponsRecordOrPlan: false,
      informReceived: false,
      redFlags: [],
    },
  });
  const [result, setResult] = useState<CatchAllResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const e = form.formState.errors;
  const check = (
    name:
      | 'listControlled'
      | 'catchAllItem'
      | 'knowsWeaponsDevelopmentUse'
      | 'endUserHasWeaponsRecordOrPlan'
      | 'informReceived',
    label: Parameters<typeof t>[0],
  ) => (
    <div className="check">
      <input type="checkbox" id={`ca-${name}`} {...form.register(name)} />
      <label htmlFor={`ca-${name}`}>{t(label)}</label>
    </div>
  );
  return (
    <section aria-labelledby="ca-h">
      <h2 id="ca-h">{t('screen.catchAll')}</h2>
      {missing && <p role="status">{t('common.unavailable')}</p>}
      <form
        noValidate
        onSubmit={form.handleSubmit(async (v) => {
          setError(null);
          setResult(null);
          const body = {
            listControlled: v.listControlled,
            catchAllItem: v.hsCode ? { hsCode: v.hsCode } : v.catchAllItem,
            destinationCountry: v.destinationCountry,
            endUser: { name: v.endUserName, ...(v.endUserCountry ? { country: v.endUserCountry } : {}) },
            knowsWeaponsDevelopmentUse: v.knowsWeaponsDevelopmentUse,
            endUserHasWeaponsRecordOrPlan: v.endUserHasWeaponsRecordOrPlan,
            redFlags: v.redFlags,
            informReceived: v.informReceived,
          };
          try {
            setResult(await apiFetch<CatchAllResult>('/screenings/catch-all', { method: 'POST', body }));
          } catch (err) {
            if (err instanceof ApiProblem && err.status === 404) setMissing(true);
            else {
              // The API names endUser.name / catchAllItem.hsCode; the form's fields are flat.
              const renamed =
                err instanceof ApiProblem
                  ? new ApiProblem(
                      err.status,
                      err.title,
                      err.detail,
                      err.errors.map((x) => ({
                        ...x,
                        field: x.field
                          .replace('endUser.name', 'endUserName')
                          .replace('endUser.country', 'endUserCountry')
                          .replace('catchAllItem.hsCode', 'hsCode'),
                      })),
                    )
                  : err;
              setError(
                applyProblem(renamed, form.setError, [
                  'listControlled',
                  'hsCode',
                  'destinationCountry',
                  'endUserName',
                  'endUserCountry',
                  'redFlags',
                ]),
              );
            }
          }
        })}
      >
        {check('listControlled', 'screen.listControlled')}
        {check('catchAllItem', 'screen.catchAllItem')}
        <Field id="ca-hsCode" label={t('screen.hsCode')} error={e.hsCode}>
          <input {...aria('ca-hsCode', e.hsCode)} {...form.register('hsCode')} />
        </Field>
        <Field id="ca-destinationCountry" label={t('screen.destination')} error={e.destinationCountry}>
          <input
            maxLength={2}
            {...aria('ca-destinationCountry', e.destinationCountry)}
            {...form.register('destinationCountry')}
          />
        </Field>
        <Field id="ca-endUserName" label={t('screen.endUserName')} error={e.endUserName}>
          <input {...aria('ca-endUserName', e.endUserName)} {...form.register('endUserName')} />
        </Field>
        <Field id="ca-endUserCountry" label={t('screen.endUserCountry')} error={e.endUserCountry}>
          <input
            maxLength={2}
            {...aria('ca-endUserCountry', e.endUserCountry)}
            {...form.register('endUserCountry')}
          />
        </Field>
        {check('knowsWeaponsDevelopmentUse', 'screen.knowsUse')}
        {check('endUserHasWeaponsRecordOrPlan', 'screen.hasRecord')}
        {check('informReceived', 'screen.informReceived')}
        {redFlags.length > 0 && (
          <fieldset>
            <legend>{t('screen.redFlags')}</legend>
            {redFlags.map((f) => (
              <div className="check" key={f.code}>
                <input type="checkbox" id={`rf-${f.code}`} value={f.code} {...form.register('redFlags')} />
                <label htmlFor={`rf-${f.code}`}>
                  {f.code}: {lang === 'ja' ? f.textJa : f.textEn}
                </label>
              </div>
            ))}
          </fieldset>
        )}
        <button type="submit">{t('screen.check')}</button>
      </form>
      <ProblemAlert error={error} />
      {result && (
        <div className="result" role="status" data-testid="catch-all-result">
          <h3>
            <span aria-hidden="true">{result.licenseRequired ? '⚠ ' : '✓ '}</span>
            {result.licenseRequired ? t('screen.licenseRequired') : t('screen.licenseNotRequired')}
          </h3>
          <p>
            {t('screen.group')}: {tc('group', result.destinationGroup)} · {t('screen.eulMatch')}:{' '}
            {result.endUserListMatch ? `⚠ ${t('common.yes')}` : `— ${t('common.no')}`}
          </p>
          {(lang === 'ja' ? result.summaryJa : result.summary) && (
            <p>{lang === 'ja' ? result.summaryJa : result.summary}</p>
          )}
          <h4>{t('screen.trace')}</h4>
          <ol>
            {result.trace.map((s, i) => (
              <li key={i}>
                {lang === 'ja' && s.questionJa ? s.questionJa : s.question} →{' '}
                <strong>
                  {s.answer === 'yes' ? t('common.yes') : s.answer === 'no' ? t('common.no') : s.answer}
                </strong>{' '}
                · {lang === 'ja' && s.outcomeJa ? s.outcomeJa : s.outcome}
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}

type EndUserResult =
  | {
      mode: 'PUBLIC';
      matches: Array<{
        name: string;
        aliases: string[];
        country: string;
        score: number;
        listVersion: string;
      }>;
    }
  | { mode: 'NON_PUBLIC'; match: boolean; advice: string; adviceJa?: string };

function EndUserCheck() {
  const { t, lang } = useI18n();
  const [name, setName] = useState('');
  const [country, setCountry] = useState('');
  const [result, setResult] = useState<EndUserResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  return (
    <section aria-labelledby="eul-h">
      <h2 id="eul-h">{t('screen.eul')}</h2>
      {missing && <p role="status">{t('common.unavailable')}</p>}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          setResult(null);
          try {
            setResult(
              await apiFetch<EndUserResult>('/end-user-checks', {
                method: 'POST',
                body: { name, ...(country ? { country: country.toUpperCase() } : {}) },
              }),
            );
          } catch (err) {
            if (err instanceof ApiProblem && err.status === 404) setMissing(true);
            else setError(err);
          }
        }}
      >
        <div className="field">
          <label htmlFor="eu-name">{t('field.name')}</label>
          <input id="eu-name" value={name} onChange={(e) => setName(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="eu-country">{t('field.country')}</label>
          <input id="eu-country" value={country} maxLength={2} onChange={(e) => setCountry(e.target.value)} />
        </div>
        <button type="submit">{t('screen.check')}</button>
      </form>
      <ProblemAlert error={error} />
      {result?.mode === 'NON_PUBLIC' && (
        <p role="status">
          <span aria-hidden="true">{result.match ? '⚠ ' : '✓ '}</span>
          {result.match ? t('screen.match') : t('screen.noMatch')}{' '}
          {lang === 'ja' && result.adviceJa ? result.adviceJa : result.advice}
        </p>
      )}
      {result?.mode === 'PUBLIC' && (
        <div role="status">
          {result.matches.length === 0 ? (
            <p>✓ {t('screen.noMatch')}</p>
          ) : (
            <ul>
              {result.matches.map((m, i) => (
                <li key={i}>
                  <span aria-hidden="true">⚠ </span>
                  {m.name} ({m.country}) · score {m.score} · {m.listVersion}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

export function ScreeningPage() {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t('screen.title')}</h1>
      <CatchAllCheck />
      <EndUserCheck />
    </section>
  );
}
