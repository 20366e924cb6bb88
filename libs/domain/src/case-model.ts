/**
 * The shapes that cross the workflow boundary: what the API sends the case workflow, what the
 * workflow projects into PostgreSQL, and the case view every reader starts from.
 */
import type { Clearance, Role } from './roles';
import type { CaseStatus, Stage } from './status';
import type { Action } from './transitions';

export const TRANSACTION_RELATIONSHIPS = ['SUBSIDIARY', 'JOINT_VENTURE', 'UNRELATED'] as const;
export type CounterpartyRelationship = (typeof TRANSACTION_RELATIONSHIPS)[number];

export interface AdvanceReport {
  technologyCategory: string;
  technologyDescription: string;
  transactionType: string;
  counterparty: { name: string; country: string; relationship: CounterpartyRelationship };
  plannedContractDate: string;
  contact: { name: string; email: string };
  voluntary?: boolean;
}

/** The fields a resubmission changes; nested objects may be partial too. */
export type ReportChanges = Partial<Omit<AdvanceReport, 'counterparty' | 'contact'>> & {
  counterparty?: Partial<AdvanceReport['counterparty']>;
  contact?: Partial<AdvanceReport['contact']>;
};

/** Who is acting, as established by the API from the verified token and the users table. */
export interface Actor {
  username: string;
  role: Role;
  organizationId: string;
  clearance: Clearance;
  queues: string[];
}

export const DEADLINE_STATES = ['RUNNING', 'PAUSED', 'WARNED', 'BREACHED', 'MET'] as const;
export type DeadlineState = (typeof DEADLINE_STATES)[number];

export interface DeadlineView {
  clock: string;
  /** For per-item clocks (a query, an approval): which one. */
  ref: string | null;
  startedAt: string;
  dueAt: string;
  warnAt: string | null;
  paused: boolean;
  state: DeadlineState;
}

export interface CaseWarning {
  code: 'CONTRACT_DATE_WITHIN_30_DAYS' | 'CONTRACT_DATE_BEFORE_EXPECTED_END' | 'VOLUNTARY_REPORT';
  message: string;
}

export const CONDITION_TYPES = [
  'EQUITY_RATIO_CAP',
  'SALES_DESTINATION_CONTROL',
  'RELOCATION_DETECTION_DEVICE',
  'PERIODIC_REPORTING',
  'OTHER',
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export interface LicenseCondition {
  type: ConditionType;
  description: string;
  /** EQUITY_RATIO_CAP: the cap in percent. */
  maxPercent?: number;
  /** PERIODIC_REPORTING: months between reports. */
  intervalMonths?: number;
}

export const DECISIONS = ['GRANT', 'GRANT_WITH_CONDITIONS', 'DENY'] as const;
export type LicenseDecision = (typeof DECISIONS)[number];

export interface PendingApproval {
  approvalId: string;
  kind: 'INFORM' | 'DECISION';
  proposedBy: string;
  proposedAt: string;
  reasons: string;
  conditions: LicenseCondition[];
  decision: LicenseDecision | null;
}

export interface OpenQuery {
  id: string;
  question: string;
  raisedBy: string;
  raisedAt: string;
  dueAt: string;
}

export interface InformNotice {
  number: string;
  issuedAt: string;
  reasons: string;
  proposedConditions: LicenseCondition[];
  approvedBy: string;
}

export interface Escalation {
  clock: string;
  to: 'supervisor' | 'regulator_admin';
  at: string;
}

/** The case view of API.md, as the workflow knows it. Readers filter it by what they may see. */
export interface CaseSnapshot {
  id: string;
  caseNumber: string;
  organizationId: string;
  status: CaseStatus;
  stage: Stage;
  queue: string;
  assignee: string | null;
  version: number;
  deadlines: DeadlineView[];
  expectedTimeline: Array<{ stage: string; expectedBy: string }>;
  warnings: CaseWarning[];
  report: AdvanceReport;
  createdAt: string;
  updatedAt: string;
  submittedBy: string;
  policyVersion: string;
  referenceVersion: string;
  nextDeadlineAt: string | null;
  overdue: boolean;
  escalations: Escalation[];
  openQueries: OpenQuery[];
  correctionReasons: string[];
  pendingApproval: PendingApproval | null;
  informNotice: InformNotice | null;
  licenseApplication: { description: string; conditionsAccepted: boolean | null; submittedAt: string } | null;
  decision: {
    decision: LicenseDecision;
    conditions: LicenseCondition[];
    reasons: string;
    proposedBy: string;
    approvedBy: string;
    decidedAt: string;
  } | null;
  conclusion: { summary: string; commitments: string[]; concludedBy: string; at: string } | null;
  withdrawal: { reason: string; by: string; at: string; lapsed: boolean } | null;
}

export type TimelineVisibility = 'ALL' | 'REGULATOR';

export interface TimelineEvent {
  sequence: number;
  type: string;
  at: string;
  actor: string | null;
  summary: string;
  visibility: TimelineVisibility;
  data: Record<string, unknown>;
}

/** A webhook event as written to the outbox; `sequence` numbers a case's webhook events. */
export interface OutboxEvent {
  id: string;
  type: string;
  sequence: number;
  at: string;
  data: Record<string, unknown>;
}

export interface MessageRecord {
  id: string;
  sequence: number;
  author: string;
  authorRole: Role;
  body: string;
  at: string;
}

/** Everything one workflow step asks the projection activity to commit in one transaction. */
export interface ProjectionBatch {
  snapshot: CaseSnapshot;
  timeline: TimelineEvent[];
  outbox: OutboxEvent[];
  messages: MessageRecord[];
  /** Concern-information ids made visible by this step, with the timeline sequence that shared them. */
  sharedConcerns: Array<{ id: string; sequence: number; at: string }>;
}

/** The requests the API sends the case workflow (one Temporal update, validated before history). */
export type CaseCommand =
  | { action: 'ACCEPT' }
  | { action: 'REQUEST_CORRECTION'; reasons: string[] }
  | { action: 'RESUBMIT'; changes: ReportChanges }
  | { action: 'CLOSE_LAPSED'; reason?: string }
  | { action: 'CONCLUDE'; summary: string; commitments: string[] }
  | { action: 'PROPOSE_INFORM'; reasons: string; proposedConditions: LicenseCondition[] }
  | { action: 'SUBMIT_LICENSE_APPLICATION'; description: string; conditionsAccepted?: boolean }
  | { action: 'PROPOSE_DECISION'; decision: LicenseDecision; conditions: LicenseCondition[]; reasons: string }
  | { action: 'DECIDE_APPROVAL'; approvalId: string; decision: 'APPROVE' | 'REJECT'; comment?: string }
  | { action: 'WITHDRAW'; reason: string }
  | { action: 'ASSIGN'; assignee: string }
  | { action: 'POST_MESSAGE'; messageId: string; body: string }
  | { action: 'RAISE_QUERY'; queryId: string; question: string }
  | { action: 'ANSWER_QUERY'; queryId: string; body: string; messageId: string }
  | { action: 'SHARE_CONCERN_INFORMATION'; concernId: string; classification: Clearance };

export type CaseCommandName = CaseCommand['action'];

export interface CaseCommandRequest {
  actor: Actor;
  command: CaseCommand;
  /** Set by the API so a retried request is recognisable in the timeline. */
  requestId?: string;
}

export interface CaseCommandResult {
  snapshot: CaseSnapshot;
  approvalId?: string;
  queryId?: string;
  queryDueAt?: string;
}

export type { Action };
