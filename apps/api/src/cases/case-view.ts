import {
  actionOf,
  allowedActions,
  isApplicantRole,
  isRegulatorRole,
  type Action,
  type CaseSnapshot,
  type Role,
} from '@taiwa/domain';
import type { UserRecord } from '../auth/users.service';

/** Fields a partner may see: status-level data only (API.md "party"). */
const PARTNER_FIELDS = ['id', 'caseNumber', 'organizationId', 'status', 'stage', 'version', 'createdAt', 'updatedAt'] as const;

export interface RegulatorFlag {
  code: string;
  message: string;
  at: string;
}

/**
 * The case view of API.md as this caller may see it. Applicants do not see the regulator's
 * internal proposals, escalations or flags; partners see status-level fields only.
 */
export function caseViewFor(user: UserRecord, snapshot: CaseSnapshot, regulatorFlags: RegulatorFlag[] = []) {
  if (user.role === 'partner') {
    return Object.fromEntries(PARTNER_FIELDS.map((f) => [f, snapshot[f]]));
  }
  const actions = actionsFor(user.role, snapshot);
  if (isRegulatorRole(user.role)) {
    return { ...snapshot, regulatorFlags, allowedActions: actions };
  }
  const { escalations: _e, pendingApproval, ...rest } = snapshot;
  return {
    ...rest,
    pendingApproval: pendingApproval ? { kind: pendingApproval.kind, proposedAt: pendingApproval.proposedAt } : null,
    allowedActions: actions,
  };
}

/** What this caller could do next, read from the one transition table (the UI shows these). */
function actionsFor(role: Role, snapshot: CaseSnapshot): Action[] {
  const actions = allowedActions(snapshot.status, role);
  if (!isApplicantRole(role) && snapshot.pendingApproval) {
    // Approve and reject are one endpoint; name the row that applies to this proposal.
    const approve = actionOf({ action: 'DECIDE_APPROVAL', approvalId: '', decision: 'APPROVE' }, snapshot);
    const reject = actionOf({ action: 'DECIDE_APPROVAL', approvalId: '', decision: 'REJECT' }, snapshot);
    const isDecision = (a: Action) => a.startsWith('APPROVE_') || a.startsWith('REJECT_');
    return actions.filter((a) => !isDecision(a) || a === approve || a === reject);
  }
  return actions;
}
