/** Building blocks shared by the pages: layout, badges, deadline countdowns, form fields. */
import { type ReactNode } from 'react';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import type { FieldError as HookFieldError } from 'react-hook-form';
import { addDays, defaultCalendarFor, tokyoDate } from '../../../libs/domain/src/calendar';
import { STAGES } from '../../../libs/domain/src/status';
import { ApiProblem, hasRole, isRegulator, useMe, useSession, type CaseView, type Deadline } from './api';
import { useI18n, type MessageKey } from './i18n';

export function Layout() {
  const { t, lang, setLang, tc } = useI18n();
  const { signOut } = useSession();
  const me = useMe();
  const navigate = useNavigate();
  const user = me.data;
  const links: Array<[string, MessageKey, boolean]> = [
    ['/cases', 'nav.myCases', hasRole(user, 'applicant', 'applicant_admin')],
    ['/reports/new', 'nav.newReport', hasRole(user, 'applicant', 'applicant_admin')],
    [
      '/applicability',
      'nav.applicability',
      hasRole(user, 'applicant', 'applicant_admin', 'officer', 'supervisor', 'regulator_admin'),
    ],
    ['/screening', 'nav.screening', hasRole(user, 'applicant', 'applicant_admin', 'officer', 'supervisor')],
    ['/queue', 'nav.queue', isRegulator(user)],
    ['/approvals', 'nav.approvals', hasRole(user, 'supervisor')],
    ['/escalations', 'nav.escalations', hasRole(user, 'supervisor', 'regulator_admin')],
    ['/webhooks', 'nav.webhooks', hasRole(user, 'partner', 'applicant_admin')],
    ['/admin', 'nav.admin', hasRole(user, 'regulator_admin')],
  ];
  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <Link to="/" className="brand">
          {t('app.title')}
        </Link>
        <nav aria-label={t('nav.main')}>
          <ul>
            {links
              .filter(([, , show]) => show)
              .map(([to, key]) => (
                <li key={to}>
                  <NavLink to={to}>{t(key)}</NavLink>
                </li>
              ))}
          </ul>
        </nav>
        <div className="who">
          {user && (
            <span data-testid="who">
              {t('signin.as')}: {user.displayName} ({user.roles.map((r) => tc('role', r)).join(', ')})
            </span>
          )}
          <button
            type="button"
            onClick={() => setLang(lang === 'ja' ? 'en' : 'ja')}
            aria-label={t('lang.label')}
            lang={lang === 'ja' ? 'en' : 'ja'}
          >
            {t('lang.switch')}
          </button>
          {user && (
            <button
              type="button"
              onClick={() => {
                signOut();
                navigate('/signin');
              }}
            >
              {t('nav.signOut')}
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { tc } = useI18n();
  return (
    <span className={`badge status-${status}`} data-status={status}>
      {tc('status', status)}
    </span>
  );
}

// ---- business days ---------------------------------------------------------------------------

const thisYear = Number(tokyoDate(Date.now()).slice(0, 4));
const calendar = defaultCalendarFor(thisYear - 1, thisYear + 3);

/** Business days from today (Tokyo) to the due day: positive = left, negative = overdue. */
export function businessDaysUntil(dueAt: string, now = Date.now()): number {
  const today = tokyoDate(now);
  const due = tokyoDate(Date.parse(dueAt));
  if (due === today) return 0;
  const forward = due > today;
  let d = today;
  let n = 0;
  while (d !== due && Math.abs(n) < 400) {
    d = addDays(d, forward ? 1 : -1);
    const counted = forward ? d : addDays(d, 1);
    if (calendar.isBusinessDay(counted)) n += forward ? 1 : -1;
  }
  return n;
}

const STATE_ICON: Record<Deadline['state'], string> = {
  RUNNING: '●',
  PAUSED: '‖',
  WARNED: '▲',
  BREACHED: '⚠',
  MET: '✓',
};

export function DeadlineBadge({ deadline }: { deadline: Deadline }) {
  const { t, tc, date } = useI18n();
  const bd = businessDaysUntil(deadline.dueAt);
  const countdown =
    deadline.state === 'MET'
      ? ''
      : bd > 0
        ? t('deadline.bdLeft', { n: bd })
        : bd === 0
          ? t('deadline.today')
          : t('deadline.bdOver', { n: -bd });
  return (
    <span className={`deadline state-${deadline.state}`} data-clock={deadline.clock}>
      <span aria-hidden="true">{STATE_ICON[deadline.state]} </span>
      <strong>{tc('deadline', deadline.state)}</strong> · {tc('clock', deadline.clock)} · {t('deadline.due')}{' '}
      {date(deadline.dueAt)}
      {countdown && ` · ${countdown}`}
    </span>
  );
}

/** Overdue, warning, escalation and approval flags as text + icon (never colour alone). */
export function CaseFlags({ c }: { c: CaseView }) {
  const { t } = useI18n();
  const warned = (c.deadlines ?? []).some((d) => d.state === 'WARNED');
  if (!c.overdue && !warned && !c.escalations?.length && !c.pendingApproval) return null;
  return (
    <span className="flags">
      {c.overdue && (
        <span className="flag flag-overdue">
          <span aria-hidden="true">⚠ </span>
          {t('flag.overdue')}
        </span>
      )}
      {!c.overdue && warned && (
        <span className="flag flag-warned">
          <span aria-hidden="true">▲ </span>
          {t('flag.warned')}
        </span>
      )}
      {(c.escalations?.length ?? 0) > 0 && (
        <span className="flag flag-escalated">
          <span aria-hidden="true">⇧ </span>
          {t('flag.escalated')}
        </span>
      )}
      {c.pendingApproval && (
        <span className="flag flag-pending">
          <span aria-hidden="true">✎ </span>
          {t('flag.pending')}
        </span>
      )}
    </span>
  );
}

export function NextDeadline({ c }: { c: CaseView }) {
  const { t, date } = useI18n();
  const open = (c.deadlines ?? [])
    .filter((d) => d.state !== 'MET')
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  const next = open[0];
  if (!next) return <span>—</span>;
  const bd = businessDaysUntil(next.dueAt);
  return (
    <span>
      {date(next.dueAt)} (
      {bd > 0
        ? t('deadline.bdLeft', { n: bd })
        : bd === 0
          ? t('deadline.today')
          : t('deadline.bdOver', { n: -bd })}
      )
    </span>
  );
}

export function StageProgress({ stage, status }: { stage: string; status: string }) {
  const { t, tc } = useI18n();
  const steps = STAGES.filter((s) => s !== 'CLOSED');
  const current = stage === 'CLOSED' ? steps.length : steps.indexOf(stage as (typeof steps)[number]);
  return (
    <section aria-labelledby="progress-h">
      <h2 id="progress-h">{t('case.progress')}</h2>
      <ol className="progress">
        {steps.map((s, i) => (
          <li
            key={s}
            className={i < current ? 'done' : i === current ? 'current' : 'todo'}
            aria-current={i === current ? 'step' : undefined}
          >
            <span aria-hidden="true">{i < current ? '✓' : i === current ? '▶' : '○'} </span>
            {tc('stage', s)}
            {i < current && <span className="sr"> ({t('case.progressDone')})</span>}
            {i === current && <span className="sr"> ({t('case.progressCurrent')})</span>}
          </li>
        ))}
        <li
          className={stage === 'CLOSED' ? 'current' : 'todo'}
          aria-current={stage === 'CLOSED' ? 'step' : undefined}
        >
          <span aria-hidden="true">{stage === 'CLOSED' ? '■' : '○'} </span>
          {stage === 'CLOSED' ? tc('status', status) : tc('stage', 'CLOSED')}
        </li>
      </ol>
    </section>
  );
}

export function ProblemAlert({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const p = error instanceof ApiProblem ? error : null;
  return (
    <div role="alert" className="problem">
      <strong>
        <span aria-hidden="true">⚠ </span>
        {t('common.error')}
        {p ? ` ${p.status}: ${p.title}` : ''}
      </strong>
      <p>{p ? p.detail : String((error as Error)?.message ?? error)}</p>
      {p && p.errors.length > 0 && (
        <ul>
          {p.errors.map((e, i) => (
            <li key={i}>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A labelled field; its error (from the schema or from the API's problem) is tied to it. */
export function Field({
  id,
  label,
  error,
  children,
  hint,
}: {
  id: string;
  label: string;
  error?: HookFieldError | { message?: string };
  children: ReactNode;
  hint?: string;
}) {
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children}
      {error?.message && (
        <p className="field-error" id={`${id}-error`} role="alert">
          <span aria-hidden="true">⚠ </span>
          {error.message}
        </p>
      )}
    </div>
  );
}

/** aria props for an input inside Field. */
export const aria = (id: string, error?: { message?: string }) => ({
  id,
  'aria-invalid': error?.message ? true : undefined,
  'aria-describedby': error?.message ? `${id}-error` : undefined,
});

export function Loading() {
  const { t } = useI18n();
  return <p role="status">{t('common.loading')}</p>;
}
