/**
 * The main paths of the case lifecycle, driven over the public API. The lifecycle and clock tests
 * use them to reach a status, and the replay test records the workflow history of each.
 */
import type { CaseStatus } from '@taiwa/domain';
import { advanceReport, type HttpResult, type Stack } from '../support/stack';

export const ALICE = 'alice@acme.example';
export const AKIRA = 'akira@acme.example';
export const OLIVIA = 'olivia@regulator.example';
export const OSCAR = 'oscar@regulator.example';
export const SAM = 'sam@regulator.example';
export const SUE = 'sue@regulator.example';
export const ADA = 'ada@regulator.example';

export const CONDITIONS = [
  { type: 'EQUITY_RATIO_CAP', description: 'The Japanese parent keeps more than half of the shares.', maxPercent: 49 },
  { type: 'PERIODIC_REPORTING', description: 'Report production volumes and customers.', intervalMonths: 6 },
  { type: 'RELOCATION_DETECTION_DEVICE', description: 'Coating lines carry relocation-detection devices.' },
];

/** Any response but the expected one throws with the problem detail, so a broken step names itself. */
export async function act(
  stack: Stack,
  caseId: string,
  path: string,
  as: string,
  body: unknown = {},
  expected = 200,
): Promise<HttpResult> {
  const res = await stack.http('POST', `/api/v1/cases/${caseId}/${path}`, { as, body });
  if (res.status !== expected) {
    throw new Error(`POST ${path} as ${as}: expected ${expected}, got ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return res;
}

export async function file(stack: Stack, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await stack.http('POST', '/api/v1/cases', { as: ALICE, body: advanceReport(overrides) });
  if (res.status !== 201) throw new Error(`filing: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export const accept = (s: Stack, id: string) => act(s, id, 'accept', OLIVIA);
export const requestCorrection = (s: Stack, id: string) =>
  act(s, id, 'request-correction', OLIVIA, { reasons: ['Name the end user of the resist.', 'Attach the draft contract.'] });
export const resubmit = (s: Stack, id: string) =>
  act(s, id, 'resubmit', ALICE, { changes: { technologyDescription: 'Resist formulation know-how for the end user Example Fab' } });
export const conclude = (s: Stack, id: string) =>
  act(s, id, 'conclude', OLIVIA, { summary: 'The end-user concern was dispelled.', commitments: ['No resale to third countries.'] });
export const proposeInform = async (s: Stack, id: string, as = OLIVIA): Promise<string> =>
  (await act(s, id, 'inform-proposals', as, { reasons: 'The end user may divert the resist.', proposedConditions: CONDITIONS.slice(0, 1) }))
    .body.approvalId as string;
export const decide = (s: Stack, id: string, approvalId: string, as: string, decision: 'APPROVE' | 'REJECT', comment?: string) =>
  act(s, id, `approvals/${approvalId}`, as, comment === undefined ? { decision } : { decision, comment });
export const applyForLicense = (s: Stack, id: string) =>
  act(s, id, 'license-application', ALICE, { description: 'Application under the inform notice.', conditionsAccepted: true });
export const proposeDecision = async (
  s: Stack,
  id: string,
  decision: 'GRANT' | 'GRANT_WITH_CONDITIONS' | 'DENY',
  as = OLIVIA,
): Promise<string> =>
  (
    await act(s, id, 'decision-proposals', as, {
      decision,
      conditions: decision === 'GRANT_WITH_CONDITIONS' ? CONDITIONS : [],
      reasons: `Proposed ${decision} after review.`,
    })
  ).body.approvalId as string;
export const withdraw = (s: Stack, id: string) => act(s, id, 'withdraw', ALICE, { reason: 'The transaction is abandoned.' });

/** Files a case and drives it to `status` along the shortest path; returns its id and any pending approval. */
export async function driveTo(stack: Stack, status: CaseStatus): Promise<{ id: string; approvalId: string | null }> {
  const id = await file(stack);
  let approvalId: string | null = null;
  const steps: Record<CaseStatus, Array<() => Promise<unknown>>> = {
    SUBMITTED: [],
    CORRECTION_REQUESTED: [() => requestCorrection(stack, id)],
    IN_CONSULTATION: [() => accept(stack, id)],
    CLEARED: [() => accept(stack, id), () => conclude(stack, id)],
    INFORM_PENDING_APPROVAL: [() => accept(stack, id), async () => (approvalId = await proposeInform(stack, id))],
    INFORM_ISSUED: [],
    LICENSE_REVIEW: [],
    DECISION_PENDING_APPROVAL: [],
    LICENSED: [],
    DENIED: [],
    WITHDRAWN: [() => withdraw(stack, id)],
  };
  const issued = [...steps.INFORM_PENDING_APPROVAL, () => decide(stack, id, approvalId!, SAM, 'APPROVE')];
  const review = [...issued, () => applyForLicense(stack, id)];
  steps.INFORM_ISSUED = issued;
  steps.LICENSE_REVIEW = review;
  steps.DECISION_PENDING_APPROVAL = [...review, async () => (approvalId = await proposeDecision(stack, id, 'GRANT'))];
  steps.LICENSED = [...steps.DECISION_PENDING_APPROVAL, () => decide(stack, id, approvalId!, SAM, 'APPROVE')];
  steps.DENIED = [...review, async () => (approvalId = await proposeDecision(stack, id, 'DENY')), () => decide(stack, id, approvalId!, SAM, 'APPROVE')];
  for (const step of steps[status]) await step();
  const pending = status === 'INFORM_PENDING_APPROVAL' || status === 'DECISION_PENDING_APPROVAL';
  return { id, approvalId: pending ? approvalId : null };
}

/** The case as the regulator sees it, and its timeline. */
export async function caseOf(stack: Stack, id: string, as = SUE): Promise<HttpResult['body']> {
  return (await stack.http('GET', `/api/v1/cases/${id}`, { as })).body;
}
export async function timelineOf(stack: Stack, id: string, as = SUE): Promise<Array<{ sequence: number; type: string; summary: string }>> {
  return (await stack.http('GET', `/api/v1/cases/${id}/timeline`, { as })).body.items;
}
