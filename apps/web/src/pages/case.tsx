/** The case page: the applicant's view and, for regulator staff, the workbench. */
import { useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { apiFetch, isRegulator, useMe, type CaseView, type Condition } from '../api';
import { CaseFlags, DeadlineBadge, Loading, ProblemAlert, StageProgress, StatusBadge } from '../components';
import { useReferenceData } from '../forms';
import { useI18n } from '../i18n';
import { nextStepKey } from './applicant';
import { AnswerForm, CaseActions, MessageForm } from './actions';

interface Message {
  id: string;
  author: string;
  authorRole: string;
  body: string;
  at: string;
}
type Concern = { id: string; classification: string; sharedAt: string } & (
  { withheld: true } | { withheld: false; title: string; body: string; sharedBy: string }
);

function Conditions({ list }: { list: Condition[] }) {
  const { t, tc } = useI18n();
  if (list.length === 0) return null;
  return (
    <>
      <h3>{t('field.conditions')}</h3>
      <ul>
        {list.map((c, i) => (
          <li key={i}>
            <strong>{tc('cond', c.type)}</strong>: {c.description}
            {c.maxPercent !== undefined && ` (≤ ${c.maxPercent}%)`}
            {c.intervalMonths !== undefined && ` (${t('cond.everyMonths', { n: c.intervalMonths })})`}
          </li>
        ))}
      </ul>
    </>
  );
}

export function CasePage() {
  const { id = '' } = useParams();
  const { t, tc, date, lang } = useI18n();
  const me = useMe();
  const ref = useReferenceData();
  /** A reference code with its name in the current language, as far as the reference data knows it. */
  const named = (list: Array<{ code: string; nameJa: string; nameEn: string }> | undefined, code: string) => {
    const hit = list?.find((x) => x.code === code);
    return hit ? `${lang === 'ja' ? hit.nameJa : hit.nameEn} (${code})` : code;
  };
  const view = useQuery({ queryKey: ['case', id], queryFn: () => apiFetch<CaseView>(`/cases/${id}`) });
  const messages = useQuery({
    queryKey: ['messages', id],
    queryFn: () => apiFetch<{ items: Message[] }>(`/cases/${id}/messages`),
  });
  const concerns = useQuery({
    queryKey: ['concerns', id],
    queryFn: () => apiFetch<{ items: Concern[] }>(`/cases/${id}/concern-information`),
  });
  const timeline = useQuery({
    queryKey: ['timeline', id],
    queryFn: () =>
      apiFetch<{
        items: Array<{ sequence: number; type: string; at: string; actor: string | null; summary: string }>;
      }>(`/cases/${id}/timeline`),
  });
  if (view.isLoading || me.isLoading) return <Loading />;
  if (!view.data || !me.data) return <ProblemAlert error={view.error ?? me.error} />;
  const c = view.data;
  if (!c.report) {
    // A partner's view: status-level fields only (API.md "party").
    return (
      <article className="case" data-status={c.status}>
        <h1>
          {c.caseNumber} <StatusBadge status={c.status} />
        </h1>
        <StageProgress stage={c.stage} status={c.status} />
      </article>
    );
  }
  const regulator = isRegulator(me.data);
  const r = c.report;
  return (
    <article className="case" data-status={c.status}>
      <header className="case-head">
        <h1>
          {c.caseNumber} <StatusBadge status={c.status} />
        </h1>
        <CaseFlags c={c} />
        {regulator ? (
          <p>
            {t('case.queue')}: {c.queue} · {t('case.assignee')}: {c.assignee ?? t('case.unassigned')}
          </p>
        ) : (
          <p className="next" data-testid="next-step">
            <span aria-hidden="true">➜ </span>
            {t('cases.next')}: {t(nextStepKey(c))}
          </p>
        )}
      </header>
      <StageProgress stage={c.stage} status={c.status} />
      <div className="columns">
        <div>
          {c.warnings.length > 0 && (
            <section aria-labelledby="warn-h" className="notice">
              <h2 id="warn-h">{t('case.warnings')}</h2>
              <ul>
                {c.warnings.map((w) => (
                  <li key={w.code}>
                    <span aria-hidden="true">▲ </span>
                    {w.message}
                  </li>
                ))}
              </ul>
            </section>
          )}
          {c.correctionReasons.length > 0 && c.status === 'CORRECTION_REQUESTED' && (
            <section aria-labelledby="corr-h" className="notice">
              <h2 id="corr-h">{t('case.correction')}</h2>
              <ul>
                {c.correctionReasons.map((x, i) => (
                  <li key={i}>{x}</li>
                ))}
              </ul>
            </section>
          )}
          <section aria-labelledby="queries-h">
            <h2 id="queries-h">{t('case.queries')}</h2>
            {c.openQueries.length === 0 && <p>{t('common.none')}</p>}
            {c.openQueries.map((q) => (
              <div key={q.id} className="query" data-query={q.id}>
                <p className="question">{q.question}</p>
                <p className="hint">
                  {q.raisedBy} · {date(q.raisedAt)} · {t('case.queryDue')}: {date(q.dueAt)}
                </p>
                {c.allowedActions.includes('ANSWER_QUERY') && <AnswerForm caseId={c.id} queryId={q.id} />}
              </div>
            ))}
          </section>
          {c.pendingApproval && (
            <section aria-labelledby="pending-h" className="notice">
              <h2 id="pending-h">
                {t('case.pending')}:{' '}
                {tc('approvals', c.pendingApproval.kind === 'INFORM' ? 'inform' : 'decision')}
              </h2>
              {c.pendingApproval.decision && <p>{tc('decision', c.pendingApproval.decision)}</p>}
              {c.pendingApproval.proposedBy && (
                <p>
                  {t('case.proposedBy')}: {c.pendingApproval.proposedBy} ·{' '}
                  {date(c.pendingApproval.proposedAt)}
                </p>
              )}
              {c.pendingApproval.reasons && <p className="pre">{c.pendingApproval.reasons}</p>}
              <Conditions list={c.pendingApproval.conditions ?? []} />
            </section>
          )}
          {c.informNotice && (
            <section aria-labelledby="inform-h" className="document" data-testid="inform-notice">
              <h2 id="inform-h">{t('case.inform')}</h2>
              <p>
                {t('case.informNumber')}: <strong>{c.informNotice.number}</strong> · {t('case.issuedAt')}:{' '}
                {date(c.informNotice.issuedAt)}
              </p>
              <p className="pre">{c.informNotice.reasons}</p>
              <Conditions list={c.informNotice.proposedConditions} />
            </section>
          )}
          {c.licenseApplication && (
            <section aria-labelledby="license-h">
              <h2 id="license-h">{t('case.license')}</h2>
              <p className="pre">{c.licenseApplication.description}</p>
              <p className="hint">{date(c.licenseApplication.submittedAt)}</p>
            </section>
          )}
          {c.decision && (
            <section aria-labelledby="decision-h" className="document" data-testid="decision">
              <h2 id="decision-h">{t('case.decision')}</h2>
              <p>
                <strong data-decision={c.decision.decision}>{tc('decision', c.decision.decision)}</strong> ·{' '}
                {t('case.decidedAt')}: {date(c.decision.decidedAt)}
              </p>
              <p className="pre">{c.decision.reasons}</p>
              <Conditions list={c.decision.conditions} />
            </section>
          )}
          {c.conclusion && (
            <section aria-labelledby="concl-h" className="document">
              <h2 id="concl-h">{t('case.conclusion')}</h2>
              <p className="pre">{c.conclusion.summary}</p>
              <ul>
                {c.conclusion.commitments.map((x, i) => (
                  <li key={i}>{x}</li>
                ))}
              </ul>
            </section>
          )}
          {c.withdrawal && (
            <section aria-labelledby="wd-h">
              <h2 id="wd-h">{t('case.withdrawal')}</h2>
              <p>
                {c.withdrawal.reason} · {date(c.withdrawal.at)}
              </p>
            </section>
          )}
          <section aria-labelledby="concerns-h">
            <h2 id="concerns-h">{t('case.concerns')}</h2>
            <ProblemAlert error={concerns.error} />
            {concerns.data?.items.length === 0 && <p>{t('common.none')}</p>}
            <ul className="concerns">
              {concerns.data?.items.map((x) =>
                x.withheld ? (
                  <li key={x.id} className="withheld">
                    <span aria-hidden="true">⊘ </span>
                    {t('case.withheld')} · {tc('clearance', x.classification)} · {date(x.sharedAt)}
                  </li>
                ) : (
                  <li key={x.id}>
                    <strong>{x.title}</strong> ({tc('clearance', x.classification)}) · {date(x.sharedAt)}
                    <p className="pre">{x.body}</p>
                  </li>
                ),
              )}
            </ul>
          </section>
          <section aria-labelledby="thread-h">
            <h2 id="thread-h">{t('case.thread')}</h2>
            <ProblemAlert error={messages.error} />
            {messages.data?.items.length === 0 && <p>{t('common.none')}</p>}
            <ol className="thread">
              {messages.data?.items.map((m) => (
                <li
                  key={m.id}
                  className={m.authorRole.startsWith('applicant') ? 'from-applicant' : 'from-regulator'}
                >
                  <p className="hint">
                    {m.author} ({tc('role', m.authorRole)}) · {date(m.at)}
                  </p>
                  <p className="pre">{m.body}</p>
                </li>
              ))}
            </ol>
            {c.allowedActions.includes('POST_MESSAGE') && <MessageForm caseId={c.id} />}
          </section>
        </div>
        <aside>
          <CaseActions c={c} me={me.data} />
          <section aria-labelledby="deadlines-h">
            <h2 id="deadlines-h">{t('deadline.title')}</h2>
            {c.deadlines.length === 0 && <p>{t('common.none')}</p>}
            <ul className="deadlines">
              {c.deadlines.map((d) => (
                <li key={`${d.clock}-${d.ref ?? ''}`}>
                  <DeadlineBadge deadline={d} />
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="expected-h">
            <h2 id="expected-h">{t('case.expected')}</h2>
            <dl className="expected">
              {c.expectedTimeline.map((e) => (
                <div key={e.stage}>
                  <dt>{tc('stage', e.stage)}</dt>
                  <dd>
                    {t('case.expectedBy')}: {date(e.expectedBy)}
                  </dd>
                </div>
              ))}
            </dl>
          </section>
          {regulator && (c.regulatorFlags?.length ?? 0) > 0 && (
            <section aria-labelledby="flags-h">
              <h2 id="flags-h">{t('case.flags')}</h2>
              <ul>
                {c.regulatorFlags!.map((f, i) => (
                  <li key={i}>
                    <code>{f.code}</code> {f.message}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </aside>
      </div>
      <section aria-labelledby="report-h">
        <h2 id="report-h">{t('case.report')}</h2>
        <dl className="report">
          <dt>{t('field.technologyCategory')}</dt>
          <dd>{named(ref.data?.technologies, r.technologyCategory)}</dd>
          <dt>{t('field.technologyDescription')}</dt>
          <dd className="pre">{r.technologyDescription}</dd>
          <dt>{t('field.transactionType')}</dt>
          <dd>{named(ref.data?.transactionTypes, r.transactionType)}</dd>
          <dt>{t('cases.counterparty')}</dt>
          <dd>
            {r.counterparty.name} ({r.counterparty.country}, {tc('rel', r.counterparty.relationship)})
          </dd>
          <dt>{t('field.plannedContractDate')}</dt>
          <dd>{r.plannedContractDate}</dd>
          <dt>{t('field.contact.name')}</dt>
          <dd>
            {r.contact.name} &lt;{r.contact.email}&gt;
          </dd>
        </dl>
      </section>
      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">{t('case.timeline')}</h2>
        <ol className="timeline">
          {timeline.data?.items.map((e) => (
            <li key={e.sequence}>
              <span className="hint">{date(e.at)}</span> {e.summary}{' '}
              {e.actor && <span className="hint">({e.actor})</span>}
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}
