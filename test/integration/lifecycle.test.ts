import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DEFAULT_SLA_POLICY, nationalHolidays, type AdvanceReport, type CaseStatus } from '@taiwa/domain';
import { awaitProjectedUpdate, caseCommandUpdate, CASE_WORKFLOW_TYPE, type CaseWorkflowInput } from '@taiwa/workflows';
import { advanceReport, startStack, type Stack } from '../support/stack';
import {
  act,
  AKIRA,
  ALICE,
  accept,
  applyForLicense,
  caseOf,
  CONDITIONS,
  conclude,
  decide,
  driveTo,
  file,
  OLIVIA,
  proposeDecision,
  proposeInform,
  requestCorrection,
  resubmit,
  SAM,
  SUE,
  timelineOf,
  withdraw,
} from '../histories/paths';


// jest reads testTimeout only from the global config, not from a project's: set it here.
jest.setTimeout(60_000);
/**
 * Every transition of DOMAIN.md's lifecycle table, through the public API on the real stack:
 * the allowed ones along each path, every refused (status × action) pair, four eyes, races.
 */
const OPEN: CaseStatus[] = [
  'SUBMITTED',
  'CORRECTION_REQUESTED',
  'IN_CONSULTATION',
  'INFORM_PENDING_APPROVAL',
  'INFORM_ISSUED',
  'LICENSE_REVIEW',
  'DECISION_PENDING_APPROVAL',
];
const CLOSED: CaseStatus[] = ['CLEARED', 'LICENSED', 'DENIED', 'WITHDRAWN'];

describe('the case lifecycle over the API', () => {
  let stack: Stack;
  /** One case in each status, reached along the way; the refusal sweep runs against them. */
  const inStatus = new Map<CaseStatus, { id: string; approvalId: string | null }>();

  beforeAll(async () => {
    stack = await startStack({ dispatcher: false });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const statusOf = async (id: string) => (await caseOf(stack, id)).status as CaseStatus;

  it('runs the correction loop: request correction → resubmit → accept', async () => {
    const id = await file(stack);
    const corrected = (await requestCorrection(stack, id)).body;
    expect(corrected).toMatchObject({ status: 'CORRECTION_REQUESTED', stage: 'ADVANCE_NOTIFICATION' });
    expect(corrected.correctionReasons).toHaveLength(2);
    expect(corrected.deadlines.map((d: { clock: string; state: string }) => [d.clock, d.state])).toEqual([
      ['acknowledgement', 'MET'],
      ['correction', 'RUNNING'],
    ]);
    const again = (await resubmit(stack, id)).body;
    expect(again).toMatchObject({ status: 'SUBMITTED', correctionReasons: [] });
    expect(again.report.technologyDescription).toContain('Example Fab');
    expect(again.report.counterparty.country).toBe('VN');
    const accepted = (await accept(stack, id)).body;
    expect(accepted).toMatchObject({ status: 'IN_CONSULTATION', stage: 'CONSULTATION', assignee: OLIVIA });
    expect((await timelineOf(stack, id)).map((e) => e.type)).toEqual([
      'SUBMITTED',
      'CORRECTION_REQUESTED',
      'RESUBMITTED',
      'ACCEPTED',
    ]);
  });

  it('concludes a consultation as cleared, after the case was reassigned', async () => {
    const id = await file(stack);
    await accept(stack, id);
    const assigned = (await act(stack, id, 'assign', OLIVIA, { assignee: SUE })).body;
    expect(assigned).toMatchObject({ status: 'IN_CONSULTATION', assignee: SUE });
    const cleared = (await conclude(stack, id)).body;
    expect(cleared).toMatchObject({ status: 'CLEARED', stage: 'CLOSED', allowedActions: [] });
    expect(cleared.conclusion).toMatchObject({ summary: 'The end-user concern was dispelled.', concludedBy: OLIVIA });
    expect(cleared.deadlines.every((d: { state: string }) => d.state === 'MET')).toBe(true);
    expect((await timelineOf(stack, id)).map((e) => e.type)).toEqual(['SUBMITTED', 'ACCEPTED', 'ASSIGNED', 'CONCLUDED']);
    inStatus.set('CLEARED', { id, approvalId: null });
  });

  it('issues an inform only with a second supervisor, then denies the license after a rejected conditional grant', async () => {
    const id = await file(stack);
    await accept(stack, id);
    await act(stack, id, 'concern-information', OLIVIA, { title: 'End user', body: 'A listed entity.', classification: 'RESTRICTED' }, 201);

    // The officer's first proposal is rejected by a supervisor; consultation goes on.
    const first = await proposeInform(stack, id);
    expect(await statusOf(id)).toBe('INFORM_PENDING_APPROVAL');
    const rejected = (await decide(stack, id, first, SAM, 'REJECT', 'Ask about the end user first.')).body;
    expect(rejected).toMatchObject({ status: 'IN_CONSULTATION', pendingApproval: null });

    // A supervisor may propose too (whatever an officer may), but not approve their own proposal.
    const second = await proposeInform(stack, id, SAM);
    const own = await stack.http('POST', `/api/v1/cases/${id}/approvals/${second}`, { as: SAM, body: { decision: 'APPROVE' } });
    expect(own.status).toBe(403);
    expect(own.body.detail).toContain('four eyes');
    const byOfficer = await stack.http('POST', `/api/v1/cases/${id}/approvals/${second}`, { as: OLIVIA, body: { decision: 'APPROVE' } });
    expect(byOfficer.status).toBe(403);
    const stale = await stack.http('POST', `/api/v1/cases/${id}/approvals/${first}`, { as: SUE, body: { decision: 'APPROVE' } });
    expect(stale.status).toBe(404);
    expect(await statusOf(id)).toBe('INFORM_PENDING_APPROVAL');

    const issued = (await decide(stack, id, second, SUE, 'APPROVE')).body;
    expect(issued).toMatchObject({ status: 'INFORM_ISSUED', stage: 'INFORM' });
    expect(issued.informNotice).toEqual({
      number: expect.stringMatching(/^INF-TT-\d{4}-\d{6}-1$/),
      issuedAt: expect.any(String),
      reasons: 'The end user may divert the resist.',
      proposedConditions: [CONDITIONS[0]],
      approvedBy: SUE,
    });
    // The applicant sees the notice (it obliges them to apply).
    expect((await caseOf(stack, id, ALICE)).informNotice.number).toBe(issued.informNotice.number);

    const review = (await applyForLicense(stack, id)).body;
    expect(review).toMatchObject({ status: 'LICENSE_REVIEW', stage: 'LICENSE' });
    expect(review.licenseApplication).toMatchObject({ description: 'Application under the inform notice.', conditionsAccepted: true });

    const conditional = await proposeDecision(stack, id, 'GRANT_WITH_CONDITIONS');
    const pending = await caseOf(stack, id);
    expect(pending.pendingApproval).toMatchObject({ kind: 'DECISION', decision: 'GRANT_WITH_CONDITIONS', proposedBy: OLIVIA });
    expect(pending.pendingApproval.conditions).toEqual(CONDITIONS);
    expect(pending.pendingApproval.conditions[0]).toMatchObject({ type: 'EQUITY_RATIO_CAP', maxPercent: 49 });
    expect(pending.pendingApproval.conditions[1]).toMatchObject({ type: 'PERIODIC_REPORTING', intervalMonths: 6 });
    // The applicant sees only that a decision is pending, not the regulator's internal proposal.
    expect((await caseOf(stack, id, ALICE)).pendingApproval).toEqual({ kind: 'DECISION', proposedAt: expect.any(String) });

    expect((await decide(stack, id, conditional, SUE, 'REJECT')).body.status).toBe('LICENSE_REVIEW');
    const deny = await proposeDecision(stack, id, 'DENY');
    const denied = (await decide(stack, id, deny, SUE, 'APPROVE')).body;
    expect(denied).toMatchObject({ status: 'DENIED', stage: 'CLOSED' });
    expect(denied.decision).toMatchObject({ decision: 'DENY', conditions: [], proposedBy: OLIVIA, approvedBy: SUE });

    expect((await timelineOf(stack, id)).map((e) => e.type)).toEqual([
      'SUBMITTED',
      'ACCEPTED',
      'CONCERN_SHARED',
      'INFORM_PROPOSED',
      'INFORM_REJECTED',
      'INFORM_PROPOSED',
      'INFORM_ISSUED',
      'LICENSE_APPLIED',
      'DECISION_PROPOSED',
      'DECISION_REJECTED',
      'DECISION_PROPOSED',
      'DECISION_ISSUED',
    ]);
    // The applicant does not see the regulator's internal proposals and rejections.
    expect((await timelineOf(stack, id, ALICE)).map((e) => e.type)).toEqual([
      'SUBMITTED',
      'ACCEPTED',
      'CONCERN_SHARED',
      'INFORM_ISSUED',
      'LICENSE_APPLIED',
      'DECISION_ISSUED',
    ]);
    inStatus.set('DENIED', { id, approvalId: null });
  });

  it('grants a license with conditions, approved by the other supervisor', async () => {
    const { id } = await driveTo(stack, 'LICENSE_REVIEW');
    const approvalId = await proposeDecision(stack, id, 'GRANT_WITH_CONDITIONS', SUE);
    const licensed = (await decide(stack, id, approvalId, SAM, 'APPROVE')).body;
    expect(licensed).toMatchObject({ status: 'LICENSED', stage: 'CLOSED' });
    expect(licensed.decision).toMatchObject({ decision: 'GRANT_WITH_CONDITIONS', conditions: CONDITIONS, proposedBy: SUE, approvedBy: SAM });
    const plain = await driveTo(stack, 'LICENSED');
    expect((await caseOf(stack, plain.id)).decision).toMatchObject({ decision: 'GRANT', conditions: [] });
    inStatus.set('LICENSED', { id, approvalId: null });
  });

  it('reaches every open status for the sweeps below', async () => {
    for (const status of OPEN) {
      const reached = await driveTo(stack, status);
      expect(await statusOf(reached.id)).toBe(status);
      inStatus.set(status, reached);
    }
  });

  /** Every endpoint with a caller whose role may use it somewhere, and the statuses where it is allowed. */
  const UNKNOWN = '11111111-1111-4111-8111-111111111111';
  const ENDPOINTS: Array<{ path: (approvalId: string | null) => string; as: string; body: unknown; allowedIn: CaseStatus[] }> = [
    { path: () => 'accept', as: OLIVIA, body: {}, allowedIn: ['SUBMITTED'] },
    { path: () => 'request-correction', as: OLIVIA, body: { reasons: ['x'] }, allowedIn: ['SUBMITTED'] },
    // In CORRECTION_REQUESTED close-lapsed waits for the clock (clocks.test.ts); elsewhere it is 409.
    { path: () => 'close-lapsed', as: OLIVIA, body: {}, allowedIn: ['CORRECTION_REQUESTED'] },
    { path: () => 'resubmit', as: ALICE, body: { changes: { technologyDescription: 'y' } }, allowedIn: ['CORRECTION_REQUESTED'] },
    { path: () => 'conclude', as: OLIVIA, body: { summary: 'z', commitments: [] }, allowedIn: ['IN_CONSULTATION'] },
    { path: () => 'inform-proposals', as: OLIVIA, body: { reasons: 'r' }, allowedIn: ['IN_CONSULTATION'] },
    {
      path: (a) => `approvals/${a ?? UNKNOWN}`,
      as: SUE,
      body: { decision: 'APPROVE' },
      allowedIn: ['INFORM_PENDING_APPROVAL', 'DECISION_PENDING_APPROVAL'],
    },
    { path: () => 'license-application', as: AKIRA, body: { description: 'd' }, allowedIn: ['INFORM_ISSUED'] },
    { path: () => 'decision-proposals', as: OLIVIA, body: { decision: 'GRANT', reasons: 'r' }, allowedIn: ['LICENSE_REVIEW'] },
    { path: () => 'queries', as: OLIVIA, body: { question: 'q' }, allowedIn: ['IN_CONSULTATION', 'LICENSE_REVIEW'] },
    {
      path: () => `queries/${UNKNOWN}/answer`,
      as: ALICE,
      body: { body: 'a' },
      allowedIn: ['IN_CONSULTATION', 'INFORM_PENDING_APPROVAL', 'LICENSE_REVIEW', 'DECISION_PENDING_APPROVAL'],
    },
    {
      path: () => 'concern-information',
      as: OLIVIA,
      body: { title: 't', body: 'b', classification: 'NONE' },
      allowedIn: ['IN_CONSULTATION', 'INFORM_PENDING_APPROVAL', 'INFORM_ISSUED', 'LICENSE_REVIEW'],
    },
    { path: () => 'withdraw', as: ALICE, body: { reason: 'w' }, allowedIn: OPEN },
    { path: () => 'messages', as: ALICE, body: { body: 'm' }, allowedIn: OPEN },
    { path: () => 'assign', as: OLIVIA, body: { assignee: OLIVIA }, allowedIn: OPEN },
  ];

  it('refuses every action outside its statuses with 409 naming the status, and changes nothing', async () => {
    // WITHDRAWN comes from the withdrawal test; here a fresh one.
    inStatus.set('WITHDRAWN', await driveTo(stack, 'WITHDRAWN'));
    let refusals = 0;
    for (const status of [...OPEN, ...CLOSED]) {
      const target = inStatus.get(status)!;
      const before = await caseOf(stack, target.id);
      const timelineBefore = await timelineOf(stack, target.id);
      const concernsBefore = await stack.ds.query('SELECT count(*)::int AS n FROM concern_information WHERE case_id = $1', [target.id]);
      for (const e of ENDPOINTS.filter((x) => !x.allowedIn.includes(status))) {
        const path = e.path(target.approvalId);
        const res = await stack.http('POST', `/api/v1/cases/${target.id}/${path}`, { as: e.as, body: e.body });
        expect({ status, path, http: res.status }).toEqual({ status, path, http: 409 });
        expect(res.body).toMatchObject({ status: 409, caseStatus: status });
        expect(res.body.detail).toContain(`status ${status}`);
        expect(Array.isArray(res.body.allowedActions)).toBe(true);
        refusals += 1;
      }
      const after = await caseOf(stack, target.id);
      expect({ status, version: after.version, updatedAt: after.updatedAt }).toEqual({
        status,
        version: before.version,
        updatedAt: before.updatedAt,
      });
      expect(await timelineOf(stack, target.id)).toEqual(timelineBefore);
      expect(await stack.ds.query('SELECT count(*)::int AS n FROM concern_information WHERE case_id = $1', [target.id])).toEqual(
        concernsBefore,
      );
    }
    // 11 statuses; every endpoint is refused somewhere.
    expect(refusals).toBe(ENDPOINTS.reduce((n, e) => n + 11 - e.allowedIn.length, 0));
  });

  it('lets the applicant withdraw from every open status, cancelling a pending approval or open query with it', async () => {
    for (const status of ['IN_CONSULTATION', 'LICENSE_REVIEW'] as const) {
      await act(stack, inStatus.get(status)!.id, 'queries', OLIVIA, { question: 'Still planned?' }, 201);
    }
    for (const status of OPEN) {
      const { id } = inStatus.get(status)!;
      const withdrawn = (await withdraw(stack, id)).body;
      expect({ from: status, status: withdrawn.status }).toEqual({ from: status, status: 'WITHDRAWN' });
      expect(withdrawn.withdrawal).toMatchObject({ reason: 'The transaction is abandoned.', by: ALICE, lapsed: false });
      const view = await caseOf(stack, id);
      expect(view.pendingApproval).toBeNull();
      expect(view.openQueries).toEqual([]);
      expect(view.nextDeadlineAt).toBeNull();
      expect(view.deadlines.every((d: { state: string }) => d.state === 'MET')).toBe(true);
      const types = (await timelineOf(stack, id)).map((e) => e.type);
      expect(types[types.length - 1]).toBe('WITHDRAWN');
    }
  });

  it('lets the applicant answer a query while an inform awaits approval, and closes queries left open when it is issued', async () => {
    const { id } = await driveTo(stack, 'IN_CONSULTATION');
    const first = await act(stack, id, 'queries', OLIVIA, { question: 'Who else receives the recipe?' }, 201);
    const second = await act(stack, id, 'queries', OLIVIA, { question: 'Which plant?' }, 201);
    const approvalId = await proposeInform(stack, id);
    const answered = await act(stack, id, `queries/${first.body.id}/answer`, ALICE, { body: 'Nobody else.' });
    expect(answered.body.status).toBe('INFORM_PENDING_APPROVAL');
    expect(answered.body.openQueries.map((q: { id: string }) => q.id)).toEqual([second.body.id]);
    const issued = (await decide(stack, id, approvalId, SUE, 'APPROVE')).body;
    expect(issued.status).toBe('INFORM_ISSUED');
    expect(issued.openQueries).toEqual([]);
    const queryClock = issued.deadlines.find((d: { clock: string; ref: string }) => d.clock === 'queryResponse' && d.ref === second.body.id);
    expect(queryClock.state).toBe('MET');
    expect((await timelineOf(stack, id)).map((e) => e.type)).toContain('QUERIES_CLOSED');
    const late = await stack.http('POST', `/api/v1/cases/${id}/queries/${second.body.id}/answer`, { as: ALICE, body: { body: 'Late.' } });
    expect(late.status).toBe(409);
  });

  it('raises a query (201 with its due date), and the applicant’s answer joins the thread', async () => {
    const { id } = await driveTo(stack, 'IN_CONSULTATION');
    const raised = await act(stack, id, 'queries', OLIVIA, { question: 'Who is the end user of the resist?' }, 201);
    expect(raised.body).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), dueAt: expect.any(String) });
    expect(raised.body.id).not.toBe(id);
    expect(Date.parse(raised.body.dueAt)).toBeGreaterThan(Date.now());
    const open = await caseOf(stack, id, ALICE);
    expect(open.openQueries).toEqual([expect.objectContaining({ id: raised.body.id, question: 'Who is the end user of the resist?' })]);

    const bob = await stack.http('POST', `/api/v1/cases/${id}/queries/${raised.body.id}/answer`, {
      as: 'bob@globex.example',
      body: { body: 'Not my case.' },
    });
    expect(bob.status).toBe(404);
    const answered = await act(stack, id, `queries/${raised.body.id}/answer`, ALICE, { body: 'Example Fab, a subsidiary in Hanoi.' });
    expect(answered.body.openQueries).toEqual([]);
    const twice = await stack.http('POST', `/api/v1/cases/${id}/queries/${raised.body.id}/answer`, { as: ALICE, body: { body: 'Again.' } });
    expect(twice.status).toBe(404);

    await act(stack, id, 'messages', OLIVIA, { body: 'Thank you; we will review.' }, 201);
    const thread = await stack.http('GET', `/api/v1/cases/${id}/messages`, { as: ALICE });
    expect(thread.status).toBe(200);
    expect(thread.body.items.map((m: { author: string; body: string }) => [m.author, m.body])).toEqual([
      [ALICE, 'Example Fab, a subsidiary in Hanoi.'],
      [OLIVIA, 'Thank you; we will review.'],
    ]);
    expect((await timelineOf(stack, id, ALICE)).map((e) => e.type)).toEqual([
      'SUBMITTED',
      'ACCEPTED',
      'QUERY_RAISED',
      'QUERY_ANSWERED',
      'MESSAGE_POSTED',
    ]);
  });

  it('gives racing transitions one winner and 409s, and a consistent projection', async () => {
    const ids = await Promise.all([file(stack), file(stack), file(stack)]);
    const results = await Promise.all(
      ids.map(async (id) => {
        const attempts = await Promise.all([
          stack.http('POST', `/api/v1/cases/${id}/accept`, { as: OLIVIA }),
          stack.http('POST', `/api/v1/cases/${id}/request-correction`, { as: OLIVIA, body: { reasons: ['Attach the contract.'] } }),
          stack.http('POST', `/api/v1/cases/${id}/accept`, { as: SAM }),
          stack.http('POST', `/api/v1/cases/${id}/accept`, { as: SUE }),
        ]);
        return {
          id,
          codes: attempts.map((a) => a.status),
          winner: attempts.find((a) => a.status === 200)?.body,
          losers: attempts.filter((a) => a.status !== 200).map((a) => a.body.detail as string),
        };
      }),
    );
    for (const { id, codes, winner, losers } of results) {
      expect(codes.filter((c) => c === 200)).toHaveLength(1);
      expect(codes.filter((c) => c === 409)).toHaveLength(3);
      // Each loser learns the status the winner left the case in.
      for (const detail of losers) expect(detail).toContain(`status ${winner.status}`);
      const view = await caseOf(stack, id);
      expect(view.status).toBe(winner.status);
      expect(view.version).toBe(winner.version);
      const row = await stack.ds.query('SELECT status, version FROM cases WHERE id = $1', [id]);
      expect(row[0]).toEqual({ status: winner.status, version: winner.version });
      const sequences = (await timelineOf(stack, id)).map((e) => e.sequence);
      expect(sequences).toEqual([1, 2]);
      const outbox = await stack.ds.query('SELECT sequence FROM outbox WHERE case_id = $1 ORDER BY sequence', [id]);
      expect(outbox.map((r: { sequence: number }) => r.sequence)).toEqual([1, 2]);
    }
  });

  describe('rules the workflow enforces itself, whoever calls it', () => {
    let client: Client;
    let connection: Connection;
    beforeAll(async () => {
      connection = await Connection.connect({ address: process.env.TAIWA_TEST_TEMPORAL_ADDRESS! });
      client = new Client({ connection, namespace: 'default' });
    });
    afterAll(async () => {
      await connection?.close();
    });

    const samActor = { username: SAM, role: 'supervisor' as const, organizationId: 'REGULATOR', clearance: 'CONFIDENTIAL' as const, queues: [] };

    it('refuses a supervisor approving their own proposal before it enters history', async () => {
      const { id } = await driveTo(stack, 'IN_CONSULTATION');
      const approvalId = await proposeInform(stack, id, SAM);
      const handle = client.workflow.getHandle(id);
      const eventsBefore = (await handle.fetchHistory()).events!.length;
      const err = await handle
        .executeUpdate(caseCommandUpdate, { args: [{ actor: samActor, command: { action: 'DECIDE_APPROVAL', approvalId, decision: 'APPROVE' } }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (err as WorkflowUpdateFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).type).toBe('Forbidden');
      // A validator refusal leaves no trace in history.
      expect((await handle.fetchHistory()).events!.length).toBe(eventsBefore);
      expect(await statusOf(id)).toBe('INFORM_PENDING_APPROVAL');
    });

    it('continues a long case as new, keeping its state and answering commands', async () => {
      const caseId = randomUUID();
      const input: CaseWorkflowInput = {
        caseId,
        caseNumber: 'TT-2026-900001',
        organizationId: 'ACME',
        queue: 'SEMICONDUCTORS',
        submittedBy: ALICE,
        report: advanceReport() as AdvanceReport,
        referenceVersion: 'test',
        policy: DEFAULT_SLA_POLICY,
        holidays: nationalHolidays(2025, 2031),
        continueAsNewAfterEvents: 40,
      };
      const handle = await client.workflow.start(CASE_WORKFLOW_TYPE, { taskQueue: stack.taskQueue, workflowId: caseId, args: [input] });
      await handle.executeUpdate(awaitProjectedUpdate);
      await accept(stack, caseId);
      const raised = await act(stack, caseId, 'queries', OLIVIA, { question: 'Which fab?' }, 201);
      for (let i = 0; i < 6; i += 1) await act(stack, caseId, 'messages', i % 2 ? OLIVIA : ALICE, { body: `message ${i}` }, 201);

      const latest = await client.workflow.getHandle(caseId).describe();
      expect(latest.runId).not.toBe(handle.firstExecutionRunId);
      const runs = await client.workflow.list({ query: `WorkflowId = '${caseId}'` });
      let count = 0;
      for await (const _ of runs) count += 1;
      expect(count).toBeGreaterThan(1);

      // The new run still knows the open query and the paused consultation clock.
      const view = await caseOf(stack, caseId);
      expect(view.status).toBe('IN_CONSULTATION');
      expect(view.openQueries.map((q: { id: string }) => q.id)).toEqual([raised.body.id]);
      expect(view.deadlines.find((d: { clock: string }) => d.clock === 'consultation').state).toBe('PAUSED');
      await act(stack, caseId, `queries/${raised.body.id}/answer`, ALICE, { body: 'Example Fab.' });
      const cleared = (await conclude(stack, caseId)).body;
      expect(cleared.status).toBe('CLEARED');
      const sequences = (await timelineOf(stack, caseId)).map((e) => e.sequence);
      expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i + 1));
      expect(sequences.length).toBe(1 + 1 + 1 + 6 + 1 + 1);
      expect(cleared.version).toBe(sequences.length);
    });
  });
});
