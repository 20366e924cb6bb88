import type { Role } from './roles';
import type { CaseStatus } from './status';
import { CASE_STATUSES, TERMINAL_STATUSES } from './status';

/**
 * The transition table of DOMAIN.md, as data. The workflow, the API and the UI all read this one
 * table; nothing else decides whether an action is allowed in a status.
 *
 * Status-changing actions have a `to`. Actions that record something on the case without moving it
 * (messages, queries, concern information, assignment) have `to: null` and list the statuses in
 * which they are allowed.
 */
export const ACTIONS = [
  'ACCEPT',
  'REQUEST_CORRECTION',
  'RESUBMIT',
  'CONCLUDE',
  'PROPOSE_INFORM',
  'APPROVE_INFORM',
  'REJECT_INFORM',
  'SUBMIT_LICENSE_APPLICATION',
  'PROPOSE_DECISION',
  'APPROVE_GRANT',
  'APPROVE_DENIAL',
  'REJECT_DECISION',
  'WITHDRAW',
  'CLOSE_LAPSED',
  'ASSIGN',
  'POST_MESSAGE',
  'RAISE_QUERY',
  'ANSWER_QUERY',
  'SHARE_CONCERN_INFORMATION',
] as const;
export type Action = (typeof ACTIONS)[number];

export interface Transition {
  readonly from: CaseStatus;
  readonly action: Action;
  readonly roles: readonly Role[];
  /** The next status, or null for an action that records something without moving the case. */
  readonly to: CaseStatus | null;
}

const OFFICER: readonly Role[] = ['officer', 'supervisor'];
const SUPERVISOR: readonly Role[] = ['supervisor'];
const APPLICANT: readonly Role[] = ['applicant', 'applicant_admin'];
const PARTY: readonly Role[] = ['applicant', 'applicant_admin', 'officer', 'supervisor'];

const OPEN_STATUSES = CASE_STATUSES.filter((s) => !TERMINAL_STATUSES.includes(s));

export const TRANSITIONS: readonly Transition[] = [
  // Advance notification
  { from: 'SUBMITTED', action: 'ACCEPT', roles: OFFICER, to: 'IN_CONSULTATION' },
  { from: 'SUBMITTED', action: 'REQUEST_CORRECTION', roles: OFFICER, to: 'CORRECTION_REQUESTED' },
  { from: 'CORRECTION_REQUESTED', action: 'RESUBMIT', roles: APPLICANT, to: 'SUBMITTED' },
  // The correction clock has run out: the officer may close the case as withdrawn (lapsed).
  { from: 'CORRECTION_REQUESTED', action: 'CLOSE_LAPSED', roles: OFFICER, to: 'WITHDRAWN' },
  // Consultation
  { from: 'IN_CONSULTATION', action: 'CONCLUDE', roles: OFFICER, to: 'CLEARED' },
  { from: 'IN_CONSULTATION', action: 'PROPOSE_INFORM', roles: OFFICER, to: 'INFORM_PENDING_APPROVAL' },
  { from: 'INFORM_PENDING_APPROVAL', action: 'APPROVE_INFORM', roles: SUPERVISOR, to: 'INFORM_ISSUED' },
  { from: 'INFORM_PENDING_APPROVAL', action: 'REJECT_INFORM', roles: SUPERVISOR, to: 'IN_CONSULTATION' },
  // Inform and license
  { from: 'INFORM_ISSUED', action: 'SUBMIT_LICENSE_APPLICATION', roles: APPLICANT, to: 'LICENSE_REVIEW' },
  { from: 'LICENSE_REVIEW', action: 'PROPOSE_DECISION', roles: OFFICER, to: 'DECISION_PENDING_APPROVAL' },
  { from: 'DECISION_PENDING_APPROVAL', action: 'APPROVE_GRANT', roles: SUPERVISOR, to: 'LICENSED' },
  { from: 'DECISION_PENDING_APPROVAL', action: 'APPROVE_DENIAL', roles: SUPERVISOR, to: 'DENIED' },
  { from: 'DECISION_PENDING_APPROVAL', action: 'REJECT_DECISION', roles: SUPERVISOR, to: 'LICENSE_REVIEW' },
  // Withdrawal from any open status (a pending approval is cancelled with it).
  ...OPEN_STATUSES.map((from): Transition => ({ from, action: 'WITHDRAW', roles: APPLICANT, to: 'WITHDRAWN' })),
  // Recording actions
  ...OPEN_STATUSES.map((from): Transition => ({ from, action: 'ASSIGN', roles: OFFICER, to: null })),
  ...OPEN_STATUSES.map((from): Transition => ({ from, action: 'POST_MESSAGE', roles: PARTY, to: null })),
  ...(['IN_CONSULTATION', 'LICENSE_REVIEW'] as const).map(
    (from): Transition => ({ from, action: 'RAISE_QUERY', roles: OFFICER, to: null }),
  ),
  // A query raised in a stage can still be answered while a proposal of that stage awaits approval.
  ...(['IN_CONSULTATION', 'INFORM_PENDING_APPROVAL', 'LICENSE_REVIEW', 'DECISION_PENDING_APPROVAL'] as const).map(
    (from): Transition => ({ from, action: 'ANSWER_QUERY', roles: APPLICANT, to: null }),
  ),
  ...(['IN_CONSULTATION', 'INFORM_PENDING_APPROVAL', 'INFORM_ISSUED', 'LICENSE_REVIEW'] as const).map(
    (from): Transition => ({ from, action: 'SHARE_CONCERN_INFORMATION', roles: OFFICER, to: null }),
  ),
];

export type TransitionDecision =
  | { ok: true; transition: Transition }
  | {
      ok: false;
      /** ROLE: this role may never take this action (403). STATUS: not in the current status (409). */
      reason: 'ROLE' | 'STATUS';
      message: string;
      status: CaseStatus;
      allowedActions: Action[];
    };

/** The actions a role may take on a case in a status, in table order. */
export function allowedActions(status: CaseStatus, role: Role): Action[] {
  return TRANSITIONS.filter((t) => t.from === status && t.roles.includes(role)).map((t) => t.action);
}

/** May this role take this action on a case in this status? The refusal says what is allowed instead. */
export function decideTransition(status: CaseStatus, role: Role, action: Action): TransitionDecision {
  const transition = TRANSITIONS.find((t) => t.from === status && t.action === action && t.roles.includes(role));
  if (transition) return { ok: true, transition };
  const allowed = allowedActions(status, role);
  const roleEverAllowed = TRANSITIONS.some((t) => t.action === action && t.roles.includes(role));
  if (!roleEverAllowed) {
    return {
      ok: false,
      reason: 'ROLE',
      status,
      allowedActions: allowed,
      message: `The role ${role} may not ${action}.`,
    };
  }
  const allowedText = allowed.length > 0 ? allowed.join(', ') : 'nothing (the case is closed)';
  return {
    ok: false,
    reason: 'STATUS',
    status,
    allowedActions: allowed,
    message: `Cannot ${action} a case in status ${status}; ${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role} may do from ${status}: ${allowedText}.`,
  };
}

export function isAction(value: unknown): value is Action {
  return typeof value === 'string' && (ACTIONS as readonly string[]).includes(value);
}
