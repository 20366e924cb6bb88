import type { SlaPolicy } from '@taiwa/domain';
import { eventually, startStack, type Stack } from '../support/stack';
import { act, ADA, ALICE, accept, caseOf, file, OLIVIA, proposeInform, requestCorrection, SUE, timelineOf } from '../histories/paths';


// jest reads testTimeout only from the global config, not from a project's: set it here.
jest.setTimeout(60_000);
/**
 * Every clock of DOMAIN.md's deadline table on the real stack, with a policy in seconds: warnings,
 * breaches, escalations, the pause while a query is open, and the outbox events they produce.
 */
const SECONDS_POLICY: SlaPolicy = {
  version: 'test-seconds',
  clocks: {
    // Warnings come well before the breach, so a poll sees the WARNED state in between.
    acknowledgement: { length: 'PT3S', warnBefore: 'PT2S' },
    correction: { length: 'PT2S', warnBefore: 'PT1S' },
    consultation: { length: 'PT4S', warnAt: 0.5 },
    queryResponse: { length: 'PT3S', warnBefore: 'PT2S' },
    informResponse: { length: 'PT2S', warnBefore: 'PT1S' },
    licenseReview: { length: 'PT60S', warnAt: 0.8 },
    approval: { length: 'PT2S' },
  },
};

interface Deadline {
  clock: string;
  ref: string | null;
  dueAt: string;
  warnAt: string | null;
  paused: boolean;
  state: string;
}

describe('deadlines, warnings and escalations (seconds-scale policy)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ slaPolicy: SECONDS_POLICY, dispatcher: false });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const deadline = async (id: string, clock: string): Promise<Deadline> =>
    ((await caseOf(stack, id)).deadlines as Deadline[]).filter((d) => d.clock === clock).pop()!;
  const waitForState = (id: string, clock: string, state: string, timeoutMs = 8000) =>
    eventually(() => deadline(id, clock), (d) => d?.state === state, timeoutMs, `${clock} ${state}`);
  /** The timeline entries of one clock, with whom an escalation went to. */
  const clockEvents = async (id: string, clock: string) =>
    (await stack.ds.query('SELECT type, data FROM case_timeline WHERE case_id = $1 ORDER BY sequence', [id]))
      .filter((e: { data: { clock?: string } }) => e.data.clock === clock)
      .map((e: { type: string; data: { escalatedTo?: string } }) => (e.data.escalatedTo ? `${e.type}:${e.data.escalatedTo}` : e.type));
  /** The outbox events of one clock, as the webhook dispatcher would relay them. */
  const outbox = async (id: string, clock: string) =>
    (await stack.ds.query('SELECT type, payload FROM outbox WHERE case_id = $1 ORDER BY sequence', [id]))
      .filter((r: { payload: { data: { clock?: string } } }) => r.payload.data.clock === clock)
      .map((r: { type: string; payload: { data: { escalatedTo?: string } } }) =>
        r.payload.data.escalatedTo ? `${r.type}:${r.payload.data.escalatedTo}` : r.type,
      );

  it('warns, breaches and escalates an unacknowledged report to the supervisors, and lists it as overdue', async () => {
    const id = await file(stack);
    const warned = await waitForState(id, 'acknowledgement', 'WARNED');
    expect(Date.parse(warned.warnAt!)).toBeLessThanOrEqual(Date.now());
    expect((await caseOf(stack, id)).overdue).toBe(false);
    await waitForState(id, 'acknowledgement', 'BREACHED');
    const view = await caseOf(stack, id);
    expect(view.overdue).toBe(true);
    expect(view.escalations).toEqual([{ clock: 'acknowledgement', to: 'supervisor', at: expect.any(String) }]);
    expect(await clockEvents(id, 'acknowledgement')).toEqual(['DEADLINE_WARNING', 'DEADLINE_BREACHED', 'ESCALATED:supervisor']);
    expect(await outbox(id, 'acknowledgement')).toEqual(['case.deadline_warning', 'case.deadline_breached', 'case.escalated:supervisor']);
    // The applicant sees the breach, not the regulator's internal warning and escalation.
    const mine = (await timelineOf(stack, id, ALICE)).map((e) => e.type);
    expect(mine).toEqual(['SUBMITTED', 'DEADLINE_BREACHED']);
    expect((await caseOf(stack, id, ALICE)).escalations).toBeUndefined();

    const overdue = await stack.http('GET', '/api/v1/cases?overdue=true', { as: SUE });
    expect(overdue.body.items.map((c: { id: string }) => c.id)).toContain(id);
    const onTime = await stack.http('GET', '/api/v1/cases?overdue=false', { as: SUE });
    expect(onTime.body.items.map((c: { id: string }) => c.id)).not.toContain(id);
    const escalated = await stack.http('GET', '/api/v1/cases?escalated=true', { as: SUE });
    expect(escalated.body.items.map((c: { id: string }) => c.id)).toContain(id);

    // Accepting late stops the clock: the deadline stays BREACHED in the record, but the case is no longer overdue.
    const accepted = (await accept(stack, id)).body;
    expect(accepted.overdue).toBe(false);
    expect(accepted.deadlines.map((d: Deadline) => [d.clock, d.state])).toEqual([
      ['acknowledgement', 'BREACHED'],
      ['consultation', 'RUNNING'],
    ]);
    const after = await stack.http('GET', '/api/v1/cases?overdue=true', { as: SUE });
    expect(after.body.items.map((c: { id: string }) => c.id)).not.toContain(id);
  });

  it('stops the consultation clock while a query is open and moves its deadline by the paused time', async () => {
    const id = await file(stack);
    const accepted = (await accept(stack, id)).body;
    expect(accepted.deadlines.map((d: Deadline) => [d.clock, d.state])).toEqual([
      ['acknowledgement', 'MET'],
      ['consultation', 'RUNNING'],
    ]);
    const before = await deadline(id, 'consultation');
    const pausedAt = Date.now();
    const raised = await act(stack, id, 'queries', OLIVIA, { question: 'Which fab will use the resist?' }, 201);
    const paused = await deadline(id, 'consultation');
    expect(paused).toMatchObject({ state: 'PAUSED', paused: true, dueAt: before.dueAt });
    await new Promise((r) => setTimeout(r, 1200));
    expect((await deadline(id, 'consultation')).state).toBe('PAUSED');
    await act(stack, id, `queries/${raised.body.id}/answer`, ALICE, { body: 'Example Fab in Hanoi.' });
    const resumed = await deadline(id, 'consultation');
    expect(resumed.paused).toBe(false);
    const shift = Date.parse(resumed.dueAt) - Date.parse(before.dueAt);
    expect(shift).toBeGreaterThanOrEqual(1200);
    expect(shift).toBeLessThanOrEqual(Date.now() - pausedAt);
    expect(Date.parse(resumed.warnAt!) - Date.parse(before.warnAt!)).toBe(shift);
    expect((await deadline(id, 'queryResponse')).state).toBe('MET');

    // Then it runs out: warning and breach, escalated to the supervisors.
    await waitForState(id, 'consultation', 'BREACHED');
    expect(await clockEvents(id, 'consultation')).toEqual(['DEADLINE_WARNING', 'DEADLINE_BREACHED', 'ESCALATED:supervisor']);
    expect(await outbox(id, 'consultation')).toEqual(['case.deadline_warning', 'case.deadline_breached', 'case.escalated:supervisor']);
    const breached = await stack.ds.query(
      `SELECT at FROM case_timeline WHERE case_id = $1 AND type = 'DEADLINE_BREACHED' AND data->>'clock' = 'consultation'`,
      [id],
    );
    // The breach came no earlier than the shifted deadline.
    expect(new Date(breached[0].at).getTime()).toBeGreaterThanOrEqual(Date.parse(resumed.dueAt));
  });

  it('notifies the officer when the applicant lets a query lapse, while the consultation clock stays stopped', async () => {
    const id = await file(stack);
    await accept(stack, id);
    const raised = await act(stack, id, 'queries', OLIVIA, { question: 'Send the draft contract.' }, 201);
    await waitForState(id, 'queryResponse', 'WARNED');
    const query = await waitForState(id, 'queryResponse', 'BREACHED');
    expect(query.ref).toBe(raised.body.id);
    expect(query.dueAt).toBe(raised.body.dueAt);
    expect(await clockEvents(id, 'queryResponse')).toEqual(['DEADLINE_WARNING', 'DEADLINE_BREACHED', 'OFFICER_NOTIFIED']);
    expect(await outbox(id, 'queryResponse')).toEqual(['case.deadline_warning', 'case.deadline_breached']);
    // The warning is for the applicant, so they see it.
    expect((await timelineOf(stack, id, ALICE)).map((e) => e.type)).toEqual(
      expect.arrayContaining(['QUERY_RAISED', 'DEADLINE_WARNING', 'DEADLINE_BREACHED']),
    );
    const view = await caseOf(stack, id);
    expect(view.overdue).toBe(true);
    expect(view.escalations).toEqual([]);
    // The query took longer than the whole consultation clock (4 s) and it has not moved.
    expect((await deadline(id, 'consultation')).state).toBe('PAUSED');
  });

  it('lets the officer close a case as lapsed only after the correction deadline passed', async () => {
    const id = await file(stack);
    await requestCorrection(stack, id);
    const early = await stack.http('POST', `/api/v1/cases/${id}/close-lapsed`, { as: OLIVIA, body: {} });
    expect(early.status).toBe(409);
    expect(early.body.detail).toContain('correction deadline');
    expect((await caseOf(stack, id)).status).toBe('CORRECTION_REQUESTED');

    await waitForState(id, 'correction', 'BREACHED');
    expect(await clockEvents(id, 'correction')).toEqual(['DEADLINE_WARNING', 'DEADLINE_BREACHED', 'OFFICER_NOTIFIED']);
    const byApplicant = await stack.http('POST', `/api/v1/cases/${id}/close-lapsed`, { as: ALICE, body: {} });
    expect(byApplicant.status).toBe(403);
    const closed = (await act(stack, id, 'close-lapsed', OLIVIA, {})).body;
    expect(closed).toMatchObject({ status: 'WITHDRAWN', stage: 'CLOSED' });
    expect(closed.withdrawal).toMatchObject({ by: OLIVIA, lapsed: true });
    expect(closed.deadlines.map((d: Deadline) => [d.clock, d.state])).toEqual([
      ['acknowledgement', 'MET'],
      ['correction', 'BREACHED'],
    ]);
    expect(closed.overdue).toBe(false);
    const types = (await timelineOf(stack, id)).map((e) => e.type);
    expect(types[types.length - 1]).toBe('LAPSED');
  });

  it('escalates an approval left waiting to the regulator admin, and the inform response to the supervisors', async () => {
    const id = await file(stack);
    await accept(stack, id);
    const approvalId = await proposeInform(stack, id);
    const approval = await waitForState(id, 'approval', 'BREACHED');
    expect(approval.ref).toBe(approvalId);
    expect(approval.warnAt).toBeNull();
    // No warning for approvals in the policy: straight to the regulator admin.
    expect(await clockEvents(id, 'approval')).toEqual(['DEADLINE_BREACHED', 'ESCALATED:regulator_admin']);
    expect(await outbox(id, 'approval')).toEqual(['case.deadline_breached', 'case.escalated:regulator_admin']);
    expect((await caseOf(stack, id, ADA)).escalations).toEqual(
      expect.arrayContaining([{ clock: 'approval', to: 'regulator_admin', at: expect.any(String) }]),
    );

    const issued = (await act(stack, id, `approvals/${approvalId}`, SUE, { decision: 'APPROVE' })).body;
    expect(issued.deadlines.find((d: Deadline) => d.clock === 'approval').state).toBe('BREACHED');
    expect(issued.overdue).toBe(false);
    expect(issued.deadlines.find((d: Deadline) => d.clock === 'informResponse').state).toBe('RUNNING');
    await waitForState(id, 'informResponse', 'BREACHED');
    expect(await clockEvents(id, 'informResponse')).toEqual(['DEADLINE_WARNING', 'DEADLINE_BREACHED', 'ESCALATED:supervisor']);
    expect((await caseOf(stack, id)).overdue).toBe(true);

    // Applying closes the inform clock and starts license review.
    const review = (await act(stack, id, 'license-application', ALICE, { description: 'Late application.' })).body;
    expect(review.deadlines.find((d: Deadline) => d.clock === 'informResponse').state).toBe('BREACHED');
    expect(review.deadlines.find((d: Deadline) => d.clock === 'licenseReview').state).toBe('RUNNING');
    expect(review.overdue).toBe(false);
  });
});
