/** Regulator staff: the queue with filters and assignment, the approvals inbox, escalations. */
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { CASE_STATUSES, STAGES } from '../../../../libs/domain/src/status';
import { apiFetch, useMe, type CaseView, type Page } from '../api';
import { CaseFlags, Loading, NextDeadline, ProblemAlert, StatusBadge } from '../components';
import { useI18n, type MessageKey } from '../i18n';

/** A list of cases from GET /cases with these query parameters, page by page. */
function CaseTable({
  params,
  caption,
  onSortByDeadline,
}: {
  params: Record<string, string>;
  caption: string;
  onSortByDeadline?: () => void;
}) {
  const { t, tc } = useI18n();
  const me = useMe();
  const client = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== ''));
  const list = useInfiniteQuery({
    queryKey: ['cases', qs.toString()],
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      apiFetch<Page<CaseView>>(
        `/cases?${qs.toString()}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const assignToMe = async (c: CaseView) => {
    setError(null);
    try {
      await apiFetch(`/cases/${c.id}/assign`, { method: 'POST', body: { assignee: me.data!.username } });
      await client.invalidateQueries({ queryKey: ['cases'] });
    } catch (err) {
      setError(err);
    }
  };
  if (list.isLoading) return <Loading />;
  return (
    <>
      <ProblemAlert error={list.error ?? error} />
      {items.length === 0 ? (
        <p>{t('queue.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t('cases.caseNumber')}</th>
                <th scope="col">{t('cases.status')}</th>
                <th scope="col" aria-sort={params.sort === 'deadline' ? 'ascending' : undefined}>
                  {onSortByDeadline ? (
                    <button type="button" className="link" onClick={onSortByDeadline}>
                      {t('deadline.next')}{' '}
                      <span aria-hidden="true">{params.sort === 'deadline' ? '▲' : '↕'}</span>
                    </button>
                  ) : (
                    t('deadline.next')
                  )}
                </th>
                <th scope="col">{t('case.queue')}</th>
                <th scope="col">{t('case.assignee')}</th>
                <th scope="col">{t('cases.counterparty')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id} data-case={c.caseNumber} className={c.overdue ? 'row-overdue' : undefined}>
                  <td className="nowrap">
                    <Link to={`/cases/${c.id}`}>{c.caseNumber}</Link>
                  </td>
                  <td>
                    <StatusBadge status={c.status} /> <CaseFlags c={c} />
                  </td>
                  <td>
                    <NextDeadline c={c} />
                  </td>
                  <td>{c.queue}</td>
                  <td>
                    {c.assignee ?? t('case.unassigned')}
                    {c.allowedActions.includes('ASSIGN') && c.assignee !== me.data?.username && (
                      <>
                        {' '}
                        <button
                          type="button"
                          onClick={() => assignToMe(c)}
                          aria-label={`${t('queue.assignMe')}: ${c.caseNumber}`}
                        >
                          {t('queue.assignMe')}
                        </button>
                      </>
                    )}
                  </td>
                  <td>
                    {c.report.counterparty.name} ({c.report.counterparty.country}) · {tc('stage', c.stage)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.hasNextPage && (
        <button type="button" onClick={() => list.fetchNextPage()}>
          {t('common.loadMore')}
        </button>
      )}
    </>
  );
}

const FILTERS = ['status', 'stage', 'queue', 'assignee', 'overdue', 'sort'] as const;

export function QueuePage() {
  const { t, tc } = useI18n();
  const me = useMe();
  const [search, setSearch] = useSearchParams();
  const params = Object.fromEntries(
    FILTERS.map((f) => [f, search.get(f) ?? (f === 'sort' ? 'deadline' : '')]),
  );
  const [draft, setDraft] = useState(params);
  const set = (k: string) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [k]: e.target.value });
  return (
    <section>
      <h1>{t('queue.title')}</h1>
      <form
        className="filters"
        aria-label={t('queue.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== '')));
        }}
      >
        <div className="field">
          <label htmlFor="q-status">{t('cases.status')}</label>
          <select id="q-status" value={draft.status} onChange={set('status')}>
            <option value="">{t('queue.all')}</option>
            {CASE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {tc('status', s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="q-stage">{t('cases.stage')}</label>
          <select id="q-stage" value={draft.stage} onChange={set('stage')}>
            <option value="">{t('queue.all')}</option>
            {STAGES.map((s) => (
              <option key={s} value={s}>
                {tc('stage', s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="q-queue">{t('case.queue')}</label>
          <input id="q-queue" list="my-queues" value={draft.queue} onChange={set('queue')} />
          <datalist id="my-queues">
            {me.data?.queues.map((q) => (
              <option key={q} value={q} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor="q-assignee">{t('case.assignee')}</label>
          <input id="q-assignee" value={draft.assignee} onChange={set('assignee')} />
        </div>
        <div className="field">
          <label htmlFor="q-overdue">{t('flag.overdue')}</label>
          <select id="q-overdue" value={draft.overdue} onChange={set('overdue')}>
            <option value="">{t('queue.all')}</option>
            <option value="true">{t('queue.onlyOverdue')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="q-sort">{t('queue.sort')}</label>
          <select id="q-sort" value={draft.sort} onChange={set('sort')}>
            {(['deadline', 'created', '-created'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`queue.sort.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t('queue.apply')}</button>
      </form>
      <CaseTable
        params={params}
        caption={t('queue.title')}
        onSortByDeadline={() => {
          setDraft({ ...draft, sort: 'deadline' });
          setSearch(
            Object.fromEntries(Object.entries({ ...params, sort: 'deadline' }).filter(([, v]) => v !== '')),
          );
        }}
      />
    </section>
  );
}

export function ApprovalsPage() {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t('approvals.title')}</h1>
      <h2>{t('approvals.inform')}</h2>
      <CaseTable
        params={{ status: 'INFORM_PENDING_APPROVAL', sort: 'deadline' }}
        caption={t('approvals.inform')}
      />
      <h2>{t('approvals.decision')}</h2>
      <CaseTable
        params={{ status: 'DECISION_PENDING_APPROVAL', sort: 'deadline' }}
        caption={t('approvals.decision')}
      />
    </section>
  );
}

export function EscalationsPage() {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t('escalations.title')}</h1>
      <CaseTable params={{ escalated: 'true', sort: 'deadline' }} caption={t('escalations.title')} />
    </section>
  );
}
