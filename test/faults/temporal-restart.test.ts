import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { advanceReport } from '../support/stack';
import { startTemporalDevServer, type StartedTemporal } from '../support/temporal-server';
import { outboxGaps, ProcessStack, projectionDrift, sleep } from './process-stack';

/**
 * A file-backed Temporal server (this test's own, not the shared one) is stopped while cases are
 * open. While it is down the API refuses commands and filings with 503 (never 500) and /health
 * names Temporal, reads from the projection keep working; once it is back on the same port and
 * file every case is still there and moves on.
 */
const OFFICER = 'olivia@regulator.example';

function stopTemporal(t: StartedTemporal): Promise<void> {
  return new Promise((resolve) => {
    if (t.process.exitCode !== null) return resolve();
    t.process.once('exit', () => resolve());
    process.kill(-t.process.pid!, 'SIGTERM'); // the CLI runs detached in its own group
  });
}

describe('fault: the Temporal server restarts', () => {
  let dir: string;
  let temporal: StartedTemporal;
  let stack: ProcessStack;
  const caseIds: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'taiwa-fault-temporal-'));
    temporal = await startTemporalDevServer({ dbFile: join(dir, 'temporal.db') });
    stack = await ProcessStack.start({ temporalAddress: temporal.address });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    if (temporal) await stopTemporal(temporal);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('answers 503 while Temporal is down, and keeps every case when it is back', async () => {
    for (let i = 0; i < 6; i++) {
      const res = await stack.http('POST', '/api/v1/cases', {
        as: 'alice@acme.example',
        body: advanceReport(),
      });
      expect(res.status).toBe(201);
      caseIds.push(res.body.id);
    }
    for (const id of caseIds.slice(0, 3)) {
      expect((await stack.http('POST', `/api/v1/cases/${id}/accept`, { as: OFFICER, body: {} })).status).toBe(
        200,
      );
    }

    const port = Number(temporal.address.split(':')[1]);
    await stopTemporal(temporal);

    const health = await stack.waitForHealth(503, 20_000);
    expect(health.body.checks.temporal).toBe('down');
    expect(health.body.checks.postgres).toBe('up');
    const filing = await stack.http('POST', '/api/v1/cases', {
      as: 'alice@acme.example',
      body: advanceReport(),
      headers: { 'idempotency-key': 'while-temporal-down' },
    });
    expect(filing.status).toBe(503);
    expect(filing.headers.get('content-type')).toContain('application/problem+json');
    expect(filing.headers.get('retry-after')).toBeTruthy();
    const accept = await stack.http('POST', `/api/v1/cases/${caseIds[3]}/accept`, { as: OFFICER, body: {} });
    expect(accept.status).toBe(503);
    expect(accept.body.status).toBe(503);
    // The read model does not need Temporal.
    const read = await stack.http('GET', `/api/v1/cases/${caseIds[0]}`, { as: OFFICER });
    expect(read.status).toBe(200);
    expect(read.body.status).toBe('IN_CONSULTATION');
    await sleep(2000);

    temporal = await startTemporalDevServer({ dbFile: join(dir, 'temporal.db'), port });
    await stack.waitForHealth(200, 60_000);

    // The filing refused with 503 can be retried with its key and goes through once.
    const retried = await stack.http('POST', '/api/v1/cases', {
      as: 'alice@acme.example',
      body: advanceReport(),
      headers: { 'idempotency-key': 'while-temporal-down' },
    });
    expect(retried.status).toBe(201);
    caseIds.push(retried.body.id);

    // Every case is still in the engine, in the status it had, and moves on.
    for (const [i, id] of caseIds.entries()) {
      const wf = await stack.workflowSnapshot(id);
      expect(wf.status).toBe(i < 3 ? 'IN_CONSULTATION' : 'SUBMITTED');
      if (i >= 3) {
        const res = await retryOn503(() =>
          stack.http('POST', `/api/v1/cases/${id}/accept`, { as: OFFICER, body: {} }),
        );
        expect(res.status).toBe(200);
      }
      const done = await retryOn503(() =>
        stack.http('POST', `/api/v1/cases/${id}/conclude`, {
          as: OFFICER,
          body: { summary: 'Cleared after the restart.' },
        }),
      );
      expect({ id, status: done.status, caseStatus: done.body.status }).toEqual({
        id,
        status: 200,
        caseStatus: 'CLEARED',
      });
    }
    expect(await projectionDrift(stack, caseIds)).toEqual([]);
    expect(await outboxGaps(stack.ds)).toEqual([]);
    const count: Array<{ n: string }> = await stack.ds.query('SELECT count(*) AS n FROM cases');
    expect(Number(count[0]!.n)).toBe(caseIds.length);
  }, 240_000);
});

/** The worker's pollers reconnect a moment after the server: a client retries 503s. */
async function retryOn503<T extends { status: number }>(fn: () => Promise<T>): Promise<T> {
  let res = await fn();
  for (let i = 0; res.status === 503 && i < 30; i++) {
    await sleep(1000);
    res = await fn();
  }
  return res;
}
