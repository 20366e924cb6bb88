/** The applicant portal: applicability check, advance report form, my cases. */
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiFetch, type CaseView, type Page } from '../api';
import { aria, CaseFlags, Field, Loading, NextDeadline, ProblemAlert, StatusBadge } from '../components';
import { applyProblem, useReferenceData } from '../forms';
import { useI18n, type MessageKey } from '../i18n';

const country = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 (VN, US, ...)');
const required = z.string().trim().min(1, '—');

const CheckSchema = z.object({
  technologyCategory: required,
  transactionType: required,
  counterpartyCountry: country,
});
type Check = z.infer<typeof CheckSchema>;

function CodeSelect({
  name,
  options,
  register,
  error,
}: {
  name: 'technologyCategory' | 'transactionType';
  options: Array<{ code: string; nameJa: string; nameEn: string }>;
  register: ReturnType<typeof useForm<Check>>['register'] | ReturnType<typeof useForm<Report>>['register'];
  error?: { message?: string };
}) {
  const { t, lang } = useI18n();
  return (
    <Field id={name} label={t(`field.${name}` as MessageKey)} error={error}>
      <select {...aria(name, error)} {...(register as ReturnType<typeof useForm<Check>>['register'])(name)}>
        <option value="">{t('report.select')}</option>
        {options.map((o) => (
          <option key={o.code} value={o.code}>
            {lang === 'ja' ? o.nameJa : o.nameEn} ({o.code})
          </option>
        ))}
      </select>
    </Field>
  );
}

export function ApplicabilityPage() {
  const { t } = useI18n();
  const ref = useReferenceData();
  const navigate = useNavigate();
  const form = useForm<Check>({
    resolver: zodResolver(CheckSchema),
    defaultValues: { technologyCategory: '', transactionType: '', counterpartyCountry: '' },
  });
  const check = useMutation({
    mutationFn: (v: Check) =>
      apiFetch<{ reportRequired: boolean; reasons: string[]; ruleRefs: string[] }>('/applicability-checks', {
        method: 'POST',
        body: v,
      }),
  });
  const [error, setError] = useState<unknown>(null);
  const e = form.formState.errors;
  return (
    <section>
      <h1>{t('app.check.title')}</h1>
      <p>{t('app.check.intro')}</p>
      <form
        noValidate
        onSubmit={form.handleSubmit(async (v) => {
          setError(null);
          try {
            await check.mutateAsync(v);
          } catch (err) {
            setError(
              applyProblem(err, form.setError, [
                'technologyCategory',
                'transactionType',
                'counterpartyCountry',
              ]),
            );
          }
        })}
      >
        <CodeSelect
          name="technologyCategory"
          options={ref.data?.technologies ?? []}
          register={form.register}
          error={e.technologyCategory}
        />
        <CodeSelect
          name="transactionType"
          options={ref.data?.transactionTypes ?? []}
          register={form.register}
          error={e.transactionType}
        />
        <Field id="counterpartyCountry" label={t('field.counterpartyCountry')} error={e.counterpartyCountry}>
          <input
            {...aria('counterpartyCountry', e.counterpartyCountry)}
            {...form.register('counterpartyCountry')}
            maxLength={2}
            autoComplete="off"
          />
        </Field>
        <button type="submit">{t('screen.check')}</button>
      </form>
      <ProblemAlert error={error} />
      {check.data && (
        <div className="result" role="status">
          <h2>
            <span aria-hidden="true">{check.data.reportRequired ? '⚠ ' : '✓ '}</span>
            {check.data.reportRequired ? t('app.check.required') : t('app.check.notRequired')}
          </h2>
          <ul>
            {check.data.reasons.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
          {check.data.ruleRefs.length > 0 && <p className="hint">{check.data.ruleRefs.join(' / ')}</p>}
          {check.data.reportRequired && (
            <button
              type="button"
              onClick={() => navigate(`/reports/new?${new URLSearchParams(form.getValues()).toString()}`)}
            >
              {t('app.check.fileNow')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}

const ReportSchema = z.object({
  technologyCategory: required,
  technologyDescription: required,
  transactionType: required,
  counterparty: z.object({
    name: required,
    country,
    relationship: z.enum(['SUBSIDIARY', 'JOINT_VENTURE', 'UNRELATED']),
  }),
  plannedContractDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'),
  contact: z.object({ name: required, email: z.string().trim().email('name@example.jp') }),
  voluntary: z.boolean(),
});
type Report = z.infer<typeof ReportSchema>;
const REPORT_FIELDS = [
  'technologyCategory',
  'technologyDescription',
  'transactionType',
  'counterparty',
  'plannedContractDate',
  'contact',
  'voluntary',
];

export function ReportFormPage() {
  const { t } = useI18n();
  const ref = useReferenceData();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const form = useForm<Report>({
    resolver: zodResolver(ReportSchema),
    defaultValues: {
      technologyCategory: params.get('technologyCategory') ?? '',
      technologyDescription: '',
      transactionType: params.get('transactionType') ?? '',
      counterparty: {
        name: '',
        country: params.get('counterpartyCountry') ?? '',
        relationship: 'SUBSIDIARY',
      },
      plannedContractDate: '',
      contact: { name: '', email: '' },
      voluntary: false,
    },
  });
  // One key per filing attempt, so a double submit files one case.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [error, setError] = useState<unknown>(null);
  const e = form.formState.errors;
  return (
    <section>
      <h1>{t('report.title')}</h1>
      <form
        noValidate
        onSubmit={form.handleSubmit(async (v) => {
          setError(null);
          try {
            const created = await apiFetch<CaseView>('/cases', { method: 'POST', body: v, idempotencyKey });
            navigate(`/cases/${created.id}`);
          } catch (err) {
            setIdempotencyKey(crypto.randomUUID());
            setError(applyProblem(err, form.setError, REPORT_FIELDS));
          }
        })}
      >
        <fieldset>
          <legend>{t('stage.ADVANCE_NOTIFICATION')}</legend>
          <CodeSelect
            name="technologyCategory"
            options={ref.data?.technologies ?? []}
            register={form.register}
            error={e.technologyCategory}
          />
          <Field
            id="technologyDescription"
            label={t('field.technologyDescription')}
            error={e.technologyDescription}
          >
            <textarea
              rows={4}
              {...aria('technologyDescription', e.technologyDescription)}
              {...form.register('technologyDescription')}
            />
          </Field>
          <CodeSelect
            name="transactionType"
            options={ref.data?.transactionTypes ?? []}
            register={form.register}
            error={e.transactionType}
          />
          <Field
            id="plannedContractDate"
            label={t('field.plannedContractDate')}
            error={e.plannedContractDate}
          >
            <input
              type="date"
              {...aria('plannedContractDate', e.plannedContractDate)}
              {...form.register('plannedContractDate')}
            />
          </Field>
        </fieldset>
        <fieldset>
          <legend>{t('cases.counterparty')}</legend>
          <Field id="cp-name" label={t('field.counterparty.name')} error={e.counterparty?.name}>
            <input {...aria('cp-name', e.counterparty?.name)} {...form.register('counterparty.name')} />
          </Field>
          <Field id="cp-country" label={t('field.counterparty.country')} error={e.counterparty?.country}>
            <input
              maxLength={2}
              {...aria('cp-country', e.counterparty?.country)}
              {...form.register('counterparty.country')}
            />
          </Field>
          <Field
            id="cp-rel"
            label={t('field.counterparty.relationship')}
            error={e.counterparty?.relationship}
          >
            <select
              {...aria('cp-rel', e.counterparty?.relationship)}
              {...form.register('counterparty.relationship')}
            >
              {(['SUBSIDIARY', 'JOINT_VENTURE', 'UNRELATED'] as const).map((r) => (
                <option key={r} value={r}>
                  {t(`rel.${r}`)}
                </option>
              ))}
            </select>
          </Field>
        </fieldset>
        <fieldset>
          <legend>{t('field.contact.name')}</legend>
          <Field id="contact-name" label={t('field.contact.name')} error={e.contact?.name}>
            <input
              autoComplete="name"
              {...aria('contact-name', e.contact?.name)}
              {...form.register('contact.name')}
            />
          </Field>
          <Field id="contact-email" label={t('field.contact.email')} error={e.contact?.email}>
            <input
              type="email"
              autoComplete="email"
              {...aria('contact-email', e.contact?.email)}
              {...form.register('contact.email')}
            />
          </Field>
          <div className="check">
            <input type="checkbox" id="voluntary" {...form.register('voluntary')} />
            <label htmlFor="voluntary">{t('field.voluntary')}</label>
          </div>
        </fieldset>
        <ProblemAlert error={error} />
        <button type="submit" disabled={form.formState.isSubmitting}>
          {t('report.submit')}
        </button>
      </form>
    </section>
  );
}

/** What the company must do next, from the status and its open queries. */
export function nextStepKey(c: CaseView): MessageKey {
  if (c.stage === 'CLOSED') return 'next.closed';
  if ((c.openQueries ?? []).length > 0) return 'next.answerQuery';
  return `next.${c.status}` as MessageKey;
}

export function MyCasesPage() {
  const { t } = useI18n();
  const cases = useQuery({
    queryKey: ['cases', 'mine'],
    queryFn: () => apiFetch<Page<CaseView>>('/cases?sort=-created&limit=100'),
  });
  return (
    <section>
      <h1>{t('cases.title')}</h1>
      <p>
        <Link to="/reports/new" className="button">
          {t('nav.newReport')}
        </Link>
      </p>
      {cases.isLoading && <Loading />}
      <ProblemAlert error={cases.error} />
      {cases.data && cases.data.items.length === 0 && <p>{t('cases.empty')}</p>}
      {cases.data && cases.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('cases.caseNumber')}</th>
                <th scope="col">{t('cases.counterparty')}</th>
                <th scope="col">{t('cases.status')}</th>
                <th scope="col">{t('deadline.next')}</th>
                <th scope="col">{t('cases.next')}</th>
              </tr>
            </thead>
            <tbody>
              {cases.data.items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/cases/${c.id}`}>{c.caseNumber}</Link>
                  </td>
                  <td>
                    {c.report?.counterparty.name} ({c.report?.counterparty.country})
                  </td>
                  <td>
                    <StatusBadge status={c.status} /> <CaseFlags c={c} />
                  </td>
                  <td>
                    <NextDeadline c={c} />
                  </td>
                  <td>{t(nextStepKey(c))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
