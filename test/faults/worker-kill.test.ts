import { randomUUID } from 'node:crypto';
import { advanceReport } from '../support/stack';
import { outboxGaps, ProcessStack, projectionDrift, sleep, timelineCounts } from './process-stack';

/**
 * The worker process is killed with SIGKILL while officers are accepting and concluding cases.
 * Every command either succeeds or gets a clear 503/409; retried with the same Idempotency-Key
 * it lands exactly once, and when the worker is back every case reaches its status with its
 * projection equal to the workflow's own state and its events numbered without a gap.
 */
const CASES = 30;
const OFFICER = 'olivia@regulator.example';

describe('fault: the worker is killed (-9) during in-flight transitions', () => {
  let stack: ProcessStack;
  const caseIds: string[] = [];

  beforeAll(async () => {
    stack = await ProcessStack.start();
    for (let i = 0; i < CASES; i++) {
      const res = await stack.http('POST', '/api/v1/cases', {
        as: 'alice@acme.example',
        body: advanceReport(),
      });
      expect(res.status).toBe(201);
      caseIds.push(res.body.id);
    }
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  /** Sends one command per case concurrently, kills the worker mid-flight, restarts it. */
  async function stormWithKill(
    route: string,
    body: unknown,
    expected: string,
  ): Promise<Record<number, number>> {
    const keys = new Map(caseIds.map((id) => [id, randomUUID()]));
    const send = (id: string) =>
      stack.http('POST', `/api/v1/cases/${id}/${route}`, {
        as: OFFICER,
        body,
        headers: { 'idempotency-key': keys.get(id)! },
        timeoutMs: 60_000,
      });
    let answered = 0;
    const inFlight = caseIds.map((id) => send(id).finally(() => answered++));
    // Kill as the first answers arrive, so the rest are mid-transition in the worker.
    while (answered === 0) await sleep(5);
    await stack.killWorker();
    const pendingAtKill = CASES - answered;
    expect(pendingAtKill).toBeGreaterThan(0);
    await sleep(1500);
    stack.startWorker();
    const first = await Promise.all(inFlight);
    const statuses: Record<number, number> = {};
    for (const r of first) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    process.stdout.write(
      `worker kill during ${route}: ${pendingAtKill} in flight at the kill; first answers ${JSON.stringify(statuses)}\n`,
    );
    // Only success or a clear, retryable refusal; never a 500 or a hang.
    for (const r of first) {
      expect([200, 409, 503]).toContain(r.status);
      if (r.status !== 200) expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    // The client retries what did not succeed, with the same key: each lands exactly once.
    for (const [i, id] of caseIds.entries()) {
      let res = first[i]!;
      for (let attempt = 0; res.status !== 200 && attempt < 20; attempt++) {
        await sleep(500);
        res = await send(id);
      }
      expect({ id, status: res.status, caseStatus: res.body?.status }).toEqual({
        id,
        status: 200,
        caseStatus: expected,
      });
    }
    // Sending a command again with its key repeats the first answer; it is not applied twice.
    const again = await send(caseIds[0]!);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    return statuses;
  }

  it('loses no case and no event, and applies every command exactly once', async () => {
    const accepts = await stormWithKill('accept', {}, 'IN_CONSULTATION');
    const concludes = await stormWithKill(
      'conclude',
      { summary: 'No concern after review.', commitments: [] },
      'CLEARED',
    );
    process.stdout.write(
      `worker kill: first answers to accept ${JSON.stringify(accepts)}, to conclude ${JSON.stringify(concludes)}\n`,
    );

    const rows: Array<{ id: string; status: string }> = await stack.ds.query(
      'SELECT id, status FROM cases ORDER BY id',
    );
    expect(rows.map((r) => r.id).sort()).toEqual([...caseIds].sort());
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['CLEARED']));
    expect(await projectionDrift(stack, caseIds)).toEqual([]);
    expect(await outboxGaps(stack.ds)).toEqual([]);
    const accepted = await timelineCounts(stack.ds, 'ACCEPTED');
    const concluded = await timelineCounts(stack.ds, 'CONCLUDED');
    for (const id of caseIds) {
      expect({ id, accepted: accepted.get(id), concluded: concluded.get(id) }).toEqual({
        id,
        accepted: 1,
        concluded: 1,
      });
    }
    const health = await stack.http('GET', '/health');
    expect(health.status).toBe(200);
  }, 240_000);
});
