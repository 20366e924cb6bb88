/** Case statuses and stages, spelt exactly as in DOMAIN.md and API.md. */
export const CASE_STATUSES = [
  'SUBMITTED',
  'CORRECTION_REQUESTED',
  'IN_CONSULTATION',
  'INFORM_PENDING_APPROVAL',
  'INFORM_ISSUED',
  'LICENSE_REVIEW',
  'DECISION_PENDING_APPROVAL',
  'CLEARED',
  'LICENSED',
  'DENIED',
  'WITHDRAWN',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const STAGES = ['ADVANCE_NOTIFICATION', 'CONSULTATION', 'INFORM', 'LICENSE', 'CLOSED'] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_OF: Readonly<Record<CaseStatus, Stage>> = {
  SUBMITTED: 'ADVANCE_NOTIFICATION',
  CORRECTION_REQUESTED: 'ADVANCE_NOTIFICATION',
  IN_CONSULTATION: 'CONSULTATION',
  INFORM_PENDING_APPROVAL: 'CONSULTATION',
  INFORM_ISSUED: 'INFORM',
  LICENSE_REVIEW: 'LICENSE',
  DECISION_PENDING_APPROVAL: 'LICENSE',
  CLEARED: 'CLOSED',
  LICENSED: 'CLOSED',
  DENIED: 'CLOSED',
  WITHDRAWN: 'CLOSED',
};

export const TERMINAL_STATUSES: readonly CaseStatus[] = ['CLEARED', 'LICENSED', 'DENIED', 'WITHDRAWN'];

export function stageOf(status: CaseStatus): Stage {
  return STAGE_OF[status];
}

export function isTerminal(status: CaseStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function isCaseStatus(value: unknown): value is CaseStatus {
  return typeof value === 'string' && (CASE_STATUSES as readonly string[]).includes(value);
}

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}
