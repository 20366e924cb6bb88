import type { Actor, CaseCommand, PendingApproval } from './case-model';
import { DomainRefusal } from './errors';
import { isApplicantRole, type Role } from './roles';
import type { CaseStatus } from './status';
import { decideTransition, type Action, type Transition } from './transitions';

/** What the rules need to know about a case; the workflow has it live, the API from the projection. */
export interface CaseFacts {
  status: CaseStatus;
  organizationId: string;
  queue: string;
  pendingApproval: PendingApproval | null;
  openQueryIds: readonly string[];
  correctionBreached: boolean;
}

/** Officers work the cases of their queues, supervisors every queue: who may act on or be assigned a case. */
export function worksOnQueue(person: { role: Role; queues: readonly string[] }, queue: string): boolean {
  return person.role === 'supervisor' || (person.role === 'officer' && person.queues.includes(queue));
}

/** The row of the transition table a command asks for. */
export function actionOf(command: CaseCommand, facts: Pick<CaseFacts, 'pendingApproval'>): Action {
  if (command.action !== 'DECIDE_APPROVAL') return command.action;
  const pending = facts.pendingApproval;
  if (pending?.kind === 'DECISION') {
    if (command.decision === 'REJECT') return 'REJECT_DECISION';
    return pending.decision === 'DENY' ? 'APPROVE_DENIAL' : 'APPROVE_GRANT';
  }
  return command.decision === 'REJECT' ? 'REJECT_INFORM' : 'APPROVE_INFORM';
}

/** Whether the actor is a party to the case at all; applicants of another organisation never learn it exists. */
export function assertParty(actor: Actor, facts: Pick<CaseFacts, 'organizationId'>): void {
  if (isApplicantRole(actor.role) && actor.organizationId !== facts.organizationId) {
    throw new DomainRefusal('NotFound', 'Case not found.');
  }
}

function requireText(field: string, value: unknown, problems: Array<{ field: string; message: string }>): void {
  if (typeof value !== 'string' || value.trim().length === 0) problems.push({ field, message: 'must not be empty' });
}

/** Payload rules that hold wherever the command comes from (the API checks shape first). */
export function validateCommandPayload(command: CaseCommand): void {
  const problems: Array<{ field: string; message: string }> = [];
  switch (command.action) {
    case 'REQUEST_CORRECTION':
      if (!Array.isArray(command.reasons) || command.reasons.length === 0) {
        problems.push({ field: 'reasons', message: 'give at least one reason' });
      } else command.reasons.forEach((r, i) => requireText(`reasons[${i}]`, r, problems));
      break;
    case 'CONCLUDE':
      requireText('summary', command.summary, problems);
      break;
    case 'PROPOSE_INFORM':
      requireText('reasons', command.reasons, problems);
      break;
    case 'SUBMIT_LICENSE_APPLICATION':
      requireText('description', command.description, problems);
      break;
    case 'PROPOSE_DECISION':
      requireText('reasons', command.reasons, problems);
      if (command.decision === 'GRANT_WITH_CONDITIONS' && command.conditions.length === 0) {
        problems.push({ field: 'conditions', message: 'GRANT_WITH_CONDITIONS needs at least one condition' });
      }
      if (command.decision !== 'GRANT_WITH_CONDITIONS' && command.conditions.length > 0) {
        problems.push({ field: 'conditions', message: `${command.decision} takes no conditions` });
      }
      break;
    case 'WITHDRAW':
      requireText('reason', command.reason, problems);
      break;
    case 'ASSIGN':
      requireText('assignee', command.assignee, problems);
      break;
    case 'POST_MESSAGE':
      requireText('body', command.body, problems);
      break;
    case 'RAISE_QUERY':
      requireText('question', command.question, problems);
      break;
    case 'ANSWER_QUERY':
      requireText('body', command.body, problems);
      break;
    default:
      break;
  }
  if (problems.length > 0) {
    throw new DomainRefusal('Invalid', problems.map((p) => `${p.field}: ${p.message}`).join('; '), { errors: problems });
  }
}

/**
 * May this actor run this command on this case now? Returns the transition, or throws a
 * DomainRefusal that names the current status and what is allowed from it. The workflow's update
 * validator and the API both call this, so the rule lives in one place.
 */
export function authorizeCommand(facts: CaseFacts, actor: Actor, command: CaseCommand): Transition {
  assertParty(actor, facts);
  const action = actionOf(command, facts);
  const decision = decideTransition(facts.status, actor.role, action);
  if (!decision.ok) {
    throw new DomainRefusal(decision.reason === 'ROLE' ? 'Forbidden' : 'TransitionNotAllowed', decision.message, {
      status: facts.status,
      allowedActions: decision.allowedActions,
    });
  }
  if (actor.role === 'officer' && !worksOnQueue(actor, facts.queue)) {
    throw new DomainRefusal(
      'Forbidden',
      `Officers act only on cases of their queues; this case is in queue ${facts.queue}.`,
    );
  }
  if (command.action === 'DECIDE_APPROVAL') {
    const pending = facts.pendingApproval;
    if (!pending || pending.approvalId !== command.approvalId) {
      throw new DomainRefusal('NotFound', `No pending approval ${command.approvalId} on this case.`);
    }
    if (pending.proposedBy === actor.username) {
      throw new DomainRefusal('Forbidden', 'A supervisor may not approve or reject their own proposal (four eyes).');
    }
  }
  if (command.action === 'CLOSE_LAPSED' && !facts.correctionBreached) {
    throw new DomainRefusal(
      'TransitionNotAllowed',
      'A case can be closed as lapsed only after its correction deadline has passed.',
      { status: facts.status },
    );
  }
  if (command.action === 'ANSWER_QUERY' && !facts.openQueryIds.includes(command.queryId)) {
    throw new DomainRefusal('NotFound', `No open query ${command.queryId} on this case.`);
  }
  validateCommandPayload(command);
  return decision.transition;
}

/** The facts of a projected case view (the API's fast pre-check before it asks the workflow). */
export function factsOfSnapshot(snapshot: {
  status: CaseStatus;
  organizationId: string;
  queue: string;
  pendingApproval: PendingApproval | null;
  openQueries: ReadonlyArray<{ id: string }>;
  deadlines: ReadonlyArray<{ clock: string; state: string }>;
}): CaseFacts {
  // Only the latest correction clock counts: an earlier round's breach stays BREACHED in the view.
  const correction = snapshot.deadlines.filter((d) => d.clock === 'correction').pop();
  return {
    status: snapshot.status,
    organizationId: snapshot.organizationId,
    queue: snapshot.queue,
    pendingApproval: snapshot.pendingApproval,
    openQueryIds: snapshot.openQueries.map((q) => q.id),
    correctionBreached: correction?.state === 'BREACHED',
  };
}
