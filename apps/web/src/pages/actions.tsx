/**
 * The action forms of the case page. Which of them appear is decided by the case view's
 * `allowedActions` (read by the API from the one transition table); nothing here re-decides it.
 */
import { createContext, useContext, useState, type ReactNode } from 'react';
import {
  useFieldArray,
  useForm,
  type Control,
  type FieldErrors,
  type UseFormRegister,
} from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { CONDITION_TYPES, DECISIONS } from '../../../../libs/domain/src/case-model';
import { CLEARANCES } from '../../../../libs/domain/src/roles';
import { apiFetch, type CaseView, type Me } from '../api';
import { aria, Field, ProblemAlert } from '../components';
import { applyProblem, lines } from '../forms';
import { useI18n, type MessageKey } from '../i18n';

const text = z.string().trim().min(1, '—');
const optionalNumber = z.preprocess(
  (v) => (v === '' || v === null || Number.isNaN(v) ? undefined : Number(v)),
  z.number().optional(),
);
const ConditionSchema = z.object({
  type: z.enum(CONDITION_TYPES),
  description: text,
  maxPercent: optionalNumber,
  intervalMonths: optionalNumber,
});
const ConditionsSchema = z.array(ConditionSchema);

/** Ids of fields are unique per form, since several action forms share a page. */
const FormId = createContext('f');

/** Refreshes everything the case page shows after an action. */
function useRefresh(id: string) {
  const client = useQueryClient();
  return () =>
    client.invalidateQueries({ predicate: (q) => q.queryKey.includes(id) || q.queryKey[0] === 'cases' });
}

/** One action: a disclosure with its form. `fields` are the body fields the API may name in errors. */
function ActionForm<S extends z.ZodType<Record<string, unknown>, Record<string, unknown>>>({
  action,
  schema,
  defaults,
  fields,
  toRequest,
  children,
  caseId,
  open,
  idPrefix,
}: {
  action: string;
  schema: S;
  defaults: z.input<S>;
  fields: string[];
  toRequest: (v: z.output<S>) => { path: string; body: unknown };
  children: (
    register: UseFormRegister<z.input<S>>,
    errors: FieldErrors<z.input<S>>,
    control: Control<z.input<S>, unknown, z.output<S>>,
  ) => ReactNode;
  caseId: string;
  open?: boolean;
  idPrefix?: string;
}) {
  const { tc } = useI18n();
  const refresh = useRefresh(caseId);
  const form = useForm<z.input<S>, unknown, z.output<S>>({
    resolver: zodResolver(schema as never) as never,
    defaultValues: defaults as never,
  });
  const [error, setError] = useState<unknown>(null);
  const [key, setKey] = useState(() => crypto.randomUUID());
  return (
    <details className="action" data-action={action} open={open}>
      <summary>{tc('action', action)}</summary>
      <form
        noValidate
        aria-label={tc('action', action)}
        onSubmit={form.handleSubmit(async (v) => {
          setError(null);
          const { path, body } = toRequest(v);
          try {
            await apiFetch(`/cases/${caseId}${path}`, { method: 'POST', body, idempotencyKey: key });
            form.reset(defaults as never);
            setKey(crypto.randomUUID());
            await refresh();
          } catch (err) {
            // A refused request stored nothing; the corrected one is a new request.
            setKey(crypto.randomUUID());
            setError(applyProblem(err, form.setError, fields));
          }
        })}
      >
        <FormId.Provider value={idPrefix ?? action}>
          {children(form.register, form.formState.errors, form.control)}
        </FormId.Provider>
        <ProblemAlert error={error} />
        <button type="submit" disabled={form.formState.isSubmitting}>
          {tc('action', action)}
        </button>
      </form>
    </details>
  );
}

function TextArea({
  name,
  label,
  register,
  error,
  rows = 3,
}: {
  name: string;
  label: MessageKey;
  register: UseFormRegister<never>;
  error?: { message?: string };
  rows?: number;
}) {
  const { t } = useI18n();
  const id = `${useContext(FormId)}-${name}`;
  return (
    <Field id={id} label={t(label)} error={error}>
      <textarea rows={rows} {...aria(id, error)} {...register(name as never)} />
    </Field>
  );
}

/** Typed license conditions: the parameters each type needs appear with it. */
function ConditionsEditor({
  name,
  control,
  register,
  errors,
}: {
  name: string;
  control: Control<never>;
  register: UseFormRegister<never>;
  errors: FieldErrors;
}) {
  const { t } = useI18n();
  const { fields, append, remove } = useFieldArray({ control, name: name as never });
  const errs = (errors as Record<string, unknown>)[name] as
    Array<Record<string, { message?: string }>> | undefined;
  return (
    <fieldset className="conditions">
      <legend>{t('field.conditions')}</legend>
      {fields.map((f, i) => {
        const e = errs?.[i] ?? {};
        const base = `${name}.${i}`;
        return (
          <div key={f.id} className="condition">
            <Field id={`${base}-type`} label={`${t('field.conditionType')} ${i + 1}`} error={e.type}>
              <select {...aria(`${base}-type`, e.type)} {...register(`${base}.type` as never)}>
                {CONDITION_TYPES.map((c) => (
                  <option key={c} value={c}>
                    {t(`cond.${c}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field id={`${base}-description`} label={t('field.conditionDescription')} error={e.description}>
              <input
                {...aria(`${base}-description`, e.description)}
                {...register(`${base}.description` as never)}
              />
            </Field>
            <Field id={`${base}-maxPercent`} label={t('field.maxPercent')} error={e.maxPercent}>
              <input
                type="number"
                min={0}
                max={100}
                {...aria(`${base}-maxPercent`, e.maxPercent)}
                {...register(`${base}.maxPercent` as never)}
              />
            </Field>
            <Field id={`${base}-intervalMonths`} label={t('field.intervalMonths')} error={e.intervalMonths}>
              <input
                type="number"
                min={1}
                max={120}
                {...aria(`${base}-intervalMonths`, e.intervalMonths)}
                {...register(`${base}.intervalMonths` as never)}
              />
            </Field>
            <button type="button" onClick={() => remove(i)}>
              {t('cond.remove')} {i + 1}
            </button>
          </div>
        );
      })}
      <button type="button" onClick={() => append({ type: 'OTHER', description: '' } as never)}>
        {t('cond.add')}
      </button>
    </fieldset>
  );
}

const clean = (cs: z.output<typeof ConditionsSchema>) =>
  cs.map((c) => ({
    type: c.type,
    description: c.description,
    ...(c.maxPercent !== undefined ? { maxPercent: c.maxPercent } : {}),
    ...(c.intervalMonths !== undefined ? { intervalMonths: c.intervalMonths } : {}),
  }));

function OneClick({ action, path, caseId }: { action: string; path: string; caseId: string }) {
  const { tc } = useI18n();
  const refresh = useRefresh(caseId);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="action" data-action={action}>
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await apiFetch(`/cases/${caseId}${path}`, { method: 'POST', body: {} });
            await refresh();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        {tc('action', action)}
      </button>
      <ProblemAlert error={error} />
    </div>
  );
}

const reasonsSchema = z.object({ reasons: text });
const approvalSchema = z.object({ comment: z.string() });

/** The forms for every allowed action except those shown inline (messages, query answers). */
export function CaseActions({ c, me }: { c: CaseView; me: Me }) {
  const { t } = useI18n();
  const id = c.id;
  const allowed = c.allowedActions.filter((a) => a !== 'POST_MESSAGE' && a !== 'ANSWER_QUERY');
  return (
    <section aria-labelledby="actions-h" className="actions">
      <h2 id="actions-h">{t('case.actions')}</h2>
      {allowed.length === 0 && <p>{t('case.noActions')}</p>}
      {allowed.map((a) => {
        switch (a) {
          case 'ACCEPT':
            return <OneClick key={a} action={a} path="/accept" caseId={id} />;
          case 'REQUEST_CORRECTION':
            return (
              <ActionForm
                key={a}
                action={a}
                caseId={id}
                schema={reasonsSchema}
                defaults={{ reasons: '' }}
                fields={['reasons']}
                toRequest={(v) => ({ path: '/request-correction', body: { reasons: lines(v.reasons) } })}
              >
                {(r, e) => (
                  <TextArea
                    name="reasons"
                    label="field.reasonsLines"
                    register={r as never}
                    error={e.reasons}
                  />
                )}
              </ActionForm>
            );
          case 'RESUBMIT':
            return (
              <ActionForm
                key={a}
                action={a}
                caseId={id}
                schema={z.object({ technologyDescription: z.string(), plannedContractDate: z.string() })}
                defaults={{
                  technologyDescription: c.report.technologyDescription,
                  plannedContractDate: c.report.plannedContractDate,
                }}
                fields={['changes']}
                toRequest={(v) => ({
                  path: '/resubmit',
                  body: {
                    changes: {
                      technologyDescription: v.technologyDescription,
                      plannedContractDate: v.plannedContractDate,
                    },
                  },
                })}
              >
                {(r, e) => (
                  <>
                    <TextArea
                      name="technologyDescription"
                      label="field.technologyDescription"
                      register={r as never}
                      error={e.technologyDescription}
                    />
                    <Field
                      id="f-plannedContractDate"
                      label={t('field.plannedContractDate')}
                      error={e.plannedContractDate}
                    >
                      <input
                        type="date"
                        {...aria('f-plannedContractDate', e.plannedContractDate)}
                        {...r('plannedContractDate')}
                      />
                    </Field>
                  </>
                )}
              </ActionForm>
            );
          case 'CLOSE_LAPSED':
            return (
              <ActionForm
                key={a}
                action={a}
                caseId={id}
                schema={z.object({ reason: z.string() })}
                defaults={{ reason: '' }}
                fields={['reason']}
                toRequest={(v) => ({
                  path: '/close-lapsed',
                  body: v.reason.trim() ? { reason: v.reason } : {},
                })}
              >
                {(r, e) => (
                  <TextArea name="reason" label="field.reason" register={r as never} error={e.reason} />
                )}
              </ActionForm>
            );
          case 'CONCLUDE':
            return (
              <ActionForm
                key={a}
                action={a}
                caseId={id}
                schema={z.object({ summary: text, commitments: z.string() })}
                defaults={{ summary: '', commitments: '' }}
                fields={['summary', 'commitments']}
                toRequest={(v) => ({
                  path: '/conclude',
                  body: { summary: v.summary, commitments: lines(v.commitments) },
                })}
              >
                {(r, e) => (
                  <>
                    <TextArea name="summary" label="field.summary" register={r as never} error={e.summary} />
                    <TextArea
                      name="commitments"
                      label="field.commitments"
                      register={r as never}
                      error={e.commitments as never}
                    />
                  </>
                )}
              </ActionForm>
            );
          case 'PROPOSE_INFORM':
            return (
              <ActionForm
                key={a}
                action={a}
                caseId={id}
                schema={z.object({ reasons: text, proposedConditions: ConditionsSchema })}
                defaults={{ reasons: '', proposedConditions: [] }}
                fields={['reasons', 'proposedConditions']}
                toRequest={(v) => ({
                  path: '/inform-proposals',
                  body: { reasons: v.reasons, proposedConditions: clean(v.proposedConditions) },
                })}
              >
                {(r, e, ctl) => (
                  <>
                    <TextArea name="reasons" label="field.reasons" register={r as never} error={e.reasons} />
                    <ConditionsEditor
                      name="proposedConditions"
                      control={ctl as never}
                      register={r as never}
                      errors={e}
                    />
                  </>
                )}
              </ActionForm>
            );
          case 'PROPOSE_DECISION':
            return (
              <ActionForm
                key={a}
                action={a}
                caseId={id}
                schema={z.object({
                  decision: z.enum(DECISIONS),
                  reasons: text,
                  conditions: ConditionsSchema,
                })}
                defaults={{ decision: 'GRANT', reasons: '', conditions: [] }}
                fields={['decision', 'reasons', 'conditions']}
                toRequest={(v) => ({
                  path: '/decision-proposals',
                  body: { decision: v.decision, reasons: v.reasons, conditions: clean(v.conditions) },
                })}
              >
                {(r, e, ctl) => (
                  <>
                    <Field id="f-decision" label={t('field.decision')} error={e.decision}>
                      <select {...aria('f-decision', e.decision)} {...r('decision')}>
                        {DECISIONS.map((d) => (
                          <option key={d} value={d}>
                            {t(`decision.${d}`)}
                          </option>
                        ))}
                      </select>
                    </Field>
                    <TextArea name="reasons" label="field.reasons" register={r as never} error={e.reasons} />
                    <ConditionsEditor
                      name="conditions"
                      control={ctl as never}
                      register={r as never}
                      errors={e}
                    />
                  </>
                )}
              </ActionForm>
            );
          case 'APPROVE_INFORM':
          case 'APPROVE_GRANT':
          case 'APPROVE_DENIAL':
          case 'REJECT_INFORM':
          case 'REJECT_DECISION': {
            const decision = a.startsWith('APPROVE_') ? 'APPROVE' : 'REJECT';
            const approvalId = c.pendingApproval?.approvalId;
            if (!approvalId) return null;
            return (
              <ActionForm
                key={a}
                action={a}
                caseId={id}
                schema={approvalSchema}
                defaults={{ comment: '' }}
                fields={['comment']}
                toRequest={(v) => ({
                  path: `/approvals/${approvalId}`,
                  body: { decision, ...(v.comment.trim() ? { comment: v.comment } : {}) },
                })}
              >
                {(r, e) => (
                  <TextArea name="comment" label="field.comment" register={r as never} error={e.comment} />
                )}
              </ActionForm>
            );
          }
          case 'SUBMIT_LICENSE_APPLICATION':
            return (
              <ActionForm
                key={a}
                action={a}
                caseId={id}
                schema={z.object({ description: text, conditionsAccepted: z.boolean() })}
                defaults={{ description: '', conditionsAccepted: false }}
                fields={['description', 'conditionsAccepted']}
                toRequest={(v) => ({ path: '/license-application', body: v })}
              >
                {(r, e) => (
                  <>
                    <TextArea
                      name="description"
                      label="field.description"
                      register={r as never}
                      error={e.description}
                      rows={4}
                    />
                    <div className="check">
                      <input type="checkbox" id="f-conditionsAccepted" {...r('conditionsAccepted')} />
                      <label htmlFor="f-conditionsAccepted">{t('field.conditionsAccepted')}</label>
                    </div>
                  </>
                )}
              </ActionForm>
            );
          case 'WITHDRAW':
            return (
              <ActionForm
                key={a}
                action={a}
                caseId={id}
                schema={z.object({ reason: text })}
                defaults={{ reason: '' }}
                fields={['reason']}
                toRequest={(v) => ({ path: '/withdraw', body: v })}
              >
                {(r, e) => (
                  <TextArea name="reason" label="field.reason" register={r as never} error={e.reason} />
                )}
              </ActionForm>
            );
          case 'ASSIGN':
            return (
              <ActionForm
                key={a}
                action={a}
                caseId={id}
                schema={z.object({ assignee: text })}
                defaults={{ assignee: c.assignee ?? me.username }}
                fields={['assignee']}
                toRequest={(v) => ({ path: '/assign', body: v })}
              >
                {(r, e) => (
                  <Field id="f-assignee" label={t('field.assignee')} error={e.assignee}>
                    <input {...aria('f-assignee', e.assignee)} {...r('assignee')} />
                  </Field>
                )}
              </ActionForm>
            );
          case 'RAISE_QUERY':
            return (
              <ActionForm
                key={a}
                action={a}
                caseId={id}
                schema={z.object({ question: text })}
                defaults={{ question: '' }}
                fields={['question']}
                toRequest={(v) => ({ path: '/queries', body: v })}
              >
                {(r, e) => (
                  <TextArea name="question" label="field.question" register={r as never} error={e.question} />
                )}
              </ActionForm>
            );
          case 'SHARE_CONCERN_INFORMATION':
            return (
              <ActionForm
                key={a}
                action={a}
                caseId={id}
                schema={z.object({ title: text, body: text, classification: z.enum(CLEARANCES) })}
                defaults={{ title: '', body: '', classification: 'RESTRICTED' }}
                fields={['title', 'body', 'classification']}
                toRequest={(v) => ({ path: '/concern-information', body: v })}
              >
                {(r, e) => (
                  <>
                    <Field id="f-title" label={t('field.title')} error={e.title}>
                      <input {...aria('f-title', e.title)} {...r('title')} />
                    </Field>
                    <TextArea name="body" label="field.body" register={r as never} error={e.body} />
                    <Field id="f-classification" label={t('field.classification')} error={e.classification}>
                      <select {...aria('f-classification', e.classification)} {...r('classification')}>
                        {CLEARANCES.map((k) => (
                          <option key={k} value={k}>
                            {t(`clearance.${k}`)}
                          </option>
                        ))}
                      </select>
                    </Field>
                  </>
                )}
              </ActionForm>
            );
          default:
            return null;
        }
      })}
    </section>
  );
}

/** Inline forms shown where they belong: the answer under its query, the message under the thread. */
export function AnswerForm({ caseId, queryId }: { caseId: string; queryId: string }) {
  return (
    <ActionForm
      action="ANSWER_QUERY"
      caseId={caseId}
      schema={z.object({ body: text })}
      defaults={{ body: '' }}
      fields={['body']}
      toRequest={(v) => ({ path: `/queries/${queryId}/answer`, body: v })}
      idPrefix={`answer-${queryId}`}
      open
    >
      {(r, e) => <TextArea name={`body`} label="field.answer" register={r as never} error={e.body} />}
    </ActionForm>
  );
}

export function MessageForm({ caseId }: { caseId: string }) {
  return (
    <ActionForm
      action="POST_MESSAGE"
      caseId={caseId}
      schema={z.object({ body: text })}
      defaults={{ body: '' }}
      fields={['body']}
      toRequest={(v) => ({ path: '/messages', body: v })}
    >
      {(r, e) => <TextArea name="body" label="field.message" register={r as never} error={e.body} />}
    </ActionForm>
  );
}
