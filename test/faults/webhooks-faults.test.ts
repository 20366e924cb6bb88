import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { toCloudEvent } from '@taiwa/webhooks';
import { OUTBOX_CHANNEL } from '@taiwa/persistence';
import { eventually, startStack, type Stack } from '../support/stack';
import { TestReceiver } from '../support/receiver';

/**
 * Faults in the webhook pipeline: Redis goes away mid-stream, the dispatcher is killed
 * mid-delivery or stopped with SIGTERM. Nothing may be lost, and a duplicate always carries the
 * same webhook-id. The dispatcher runs as a real child process from the build (dist/), against a
 * Redis of this file's own (the shared one on 6379 is never touched).
 */

const ROOT = join(__dirname, '..', '..');
// TAIWA_TEST_DIST: another build output (with NODE_PATH pointing at node_modules).
const DISPATCHER_MAIN = join(
  process.env.TAIWA_TEST_DIST ?? join(ROOT, 'dist'),
  'apps/webhook-dispatcher/src/main.js',
);

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** An empty, memory-only redis-server on `port`, resolved once it accepts connections. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
  });
  return child;
}

async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

jest.setTimeout(120_000);

/** How long Redis stays down (the "a minute"; FAULT_REDIS_DOWN_MS shortens it while developing). */
const REDIS_DOWN_MS = Number(process.env.FAULT_REDIS_DOWN_MS) || 60_000;

describe('webhook delivery under faults', () => {
  let stack: Stack;
  let redis: ChildProcess;
  let redisPort: number;
  let rx: TestReceiver;
  let dispatchers: ChildProcess[] = [];
  let caseSeq = 0;

  function startChildDispatcher(env: Record<string, string> = {}): ChildProcess {
    const child = spawn(process.execPath, [DISPATCHER_MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        ...(process.env.NODE_PATH ? { NODE_PATH: process.env.NODE_PATH } : {}),
        NODE_ENV: 'test',
        DATABASE_URL: stack.databaseUrl,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        REDIS_PREFIX: stack.redisPrefix,
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
        WEBHOOK_RETRY_SCHEDULE_MS: '0,200,400,800,1600,3200',
        WEBHOOK_TIMEOUT_MS: '5000',
        WEBHOOK_LOCK_MS: '2000',
        RELAY_POLL_MS: '100',
        RELAY_STALE_QUEUED_MS: '2000',
        METRICS_PORT: '0',
        LOG_LEVEL: 'error',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (c: Buffer) => process.stderr.write(c));
    dispatchers.push(child);
    return child;
  }

  /** `n` committed events of one new case, as the projection writes them (outbox + NOTIFY). */
  async function insertEvents(n: number): Promise<string[]> {
    const caseId = randomUUID();
    caseSeq += 1;
    const ids: string[] = [];
    for (let seq = 1; seq <= n; seq++) {
      const id = `evt_${randomUUID()}`;
      const time = new Date().toISOString();
      const payload = toCloudEvent({
        id,
        type: 'case.status_changed',
        caseId,
        time,
        data: {
          caseId,
          caseNumber: `TT-2026-9${String(caseSeq).padStart(5, '0')}`,
          organizationId: 'ACME',
          sequence: seq,
          status: 'IN_CONSULTATION',
          stage: 'CONSULTATION',
        },
      });
      await stack.ds.query(
        `INSERT INTO outbox (id, case_id, organization_id, type, sequence, payload, created_at) VALUES ($1, $2, 'ACME', $3, $4, $5, $6)`,
        [id, caseId, payload.type, seq, JSON.stringify(payload), time],
      );
      await stack.ds.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, caseId]);
      ids.push(id);
    }
    return ids;
  }

  /** Every event arrived (answered 2xx per the database) and every copy matches its webhook-id. */
  async function expectAllDeliveredOnce(ids: string[], timeoutMs = 60000): Promise<Map<string, number>> {
    await eventually(
      async () =>
        (
          await stack.ds.query(
            `SELECT count(*)::int AS n FROM webhook_deliveries WHERE event_id = ANY($1) AND status = 'SUCCEEDED'`,
            [ids],
          )
        )[0].n,
      (n: number) => n === ids.length,
      timeoutMs,
      `${ids.length} deliveries succeeded`,
    );
    const copies = new Map<string, number>();
    for (const r of rx.received) {
      const body = JSON.parse(r.body) as { id: string };
      // A duplicate is the same event: its webhook-id and body id agree, so receivers can drop it.
      expect(r.headers['webhook-id']).toBe(body.id);
      copies.set(body.id, (copies.get(body.id) ?? 0) + 1);
    }
    for (const id of ids) expect(copies.get(id) ?? 0).toBeGreaterThanOrEqual(1);
    return copies;
  }

  beforeAll(async () => {
    if (!existsSync(DISPATCHER_MAIN))
      throw new Error(`${DISPATCHER_MAIN} is missing: run bash infra/scripts/build.sh first.`);
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    stack = await startStack({ dispatcher: false, redisUrl: `redis://127.0.0.1:${redisPort}` });
    stack.redis.on('error', () => undefined); // expected while this file's Redis is down
    rx = await new TestReceiver().start();
    const sub = await stack.http('POST', '/api/v1/webhook-subscriptions', {
      as: 'partner@toolvendor.example',
      body: { url: rx.url, eventTypes: ['*'] },
    });
    expect(sub.status).toBe(201);
  });

  afterEach(async () => {
    for (const d of dispatchers) await stopProcess(d, 'SIGKILL');
    dispatchers = [];
    rx.received.length = 0;
    rx.respond = () => ({ status: 204 });
  });

  afterAll(async () => {
    await rx?.stop();
    await stack?.stop();
    if (redis) await stopProcess(redis, 'SIGTERM');
  });

  it('loses nothing when Redis stops for a minute mid-stream and comes back empty', async () => {
    // A slow endpoint that fails each first attempt, so Redis holds waiting and delayed jobs when it dies.
    const tried = new Set<string>();
    rx.respond = (r) => {
      const id = String(r.headers['webhook-id']);
      if (tried.has(id)) return { status: 204, delayMs: 100 };
      tried.add(id);
      return { status: 500 };
    };
    startChildDispatcher({ WEBHOOK_CONCURRENCY: '4' });
    const ids: string[] = [];
    const stream = (async () => {
      for (let i = 0; i < 30; i++) {
        ids.push(...(await insertEvents(3)));
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    await eventually(
      async () => rx.received.length,
      (n) => n >= 10,
      20000,
      'deliveries flowing',
    );
    await stopProcess(redis, 'SIGKILL'); // queued, delayed and active jobs are all gone with it
    const committedBefore = ids.length;
    const inRedis = await stack.ds.query(
      "SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'QUEUED'",
    );
    expect(inRedis[0].n).toBeGreaterThan(0); // jobs that vanished with Redis
    // The API stays up without Redis and says so: health names it, and what needs it is a 503, never a 500.
    const health = await stack.http('GET', '/health');
    expect(health.status).toBe(503);
    expect(health.body.checks).toMatchObject({ postgres: 'up', redis: 'down', temporal: 'up' });
    const check = await stack.http('POST', '/api/v1/end-user-checks', {
      as: 'alice@acme.example',
      body: { name: 'Example Precision Co., Ltd.', listId: 'METI-CONCERN' },
    });
    expect(check.status).toBe(503);
    expect(check.headers.get('content-type')).toContain('application/problem+json');
    expect((await stack.http('GET', '/api/v1/cases', { as: 'alice@acme.example' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, REDIS_DOWN_MS));
    const committedDuring = ids.slice(committedBefore);
    redis = await startRedis(redisPort);
    await stream;
    expect(ids).toHaveLength(90);
    expect(committedDuring.length).toBeGreaterThan(0); // the stream went on while Redis was down
    await expectAllDeliveredOnce(ids, 90000);
  }, 240_000);

  it('loses nothing when the dispatcher is killed mid-delivery; what was in flight is re-sent with the same webhook-id', async () => {
    rx.respond = () => ({ status: 204, delayMs: 1500 });
    const first = startChildDispatcher({ WEBHOOK_CONCURRENCY: '8' });
    const ids = await insertEvents(24);
    await eventually(
      async () => rx.received.length,
      (n) => n >= 8,
      20000,
      'deliveries in flight',
    );
    await stopProcess(first, 'SIGKILL');
    const inFlight = rx.received.map((r) => String(r.headers['webhook-id']));
    const unanswered = (
      await stack.ds.query(
        `SELECT event_id FROM webhook_deliveries WHERE event_id = ANY($1) AND status <> 'SUCCEEDED'`,
        [inFlight],
      )
    ).map((r: { event_id: string }) => r.event_id);
    expect(unanswered.length).toBeGreaterThan(0); // killed before it could record their answers

    rx.respond = () => ({ status: 204, delayMs: 50 });
    startChildDispatcher({ WEBHOOK_CONCURRENCY: '8' });
    const copies = await expectAllDeliveredOnce(ids);
    for (const id of unanswered) expect(copies.get(id)).toBeGreaterThanOrEqual(2);
  });

  it('refuses to start with a private-network allow-list in production', async () => {
    const child = startChildDispatcher({ NODE_ENV: 'production' });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(stderr).toContain('WEBHOOK_ALLOW_PRIVATE_NETWORKS must not be set in production');
  });

  it('still exits on SIGTERM when Redis cannot be reached', async () => {
    const nowhere = await freePort();
    const child = startChildDispatcher({
      REDIS_URL: `redis://127.0.0.1:${nowhere}`,
      WEBHOOK_SHUTDOWN_TIMEOUT_MS: '1000',
      LOG_LEVEL: 'fatal',
    });
    await new Promise((r) => setTimeout(r, 1500));
    const started = Date.now();
    expect(await stopProcess(child, 'SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('on SIGTERM finishes the deliveries in flight, starts no new ones, and exits cleanly', async () => {
    rx.respond = () => ({ status: 204, delayMs: 1500 });
    const dispatcher = startChildDispatcher({ WEBHOOK_CONCURRENCY: '3' });
    const ids = await insertEvents(9);
    await eventually(
      async () => rx.received.length,
      (n) => n >= 3,
      20000,
      'three deliveries in flight',
    );
    const exited = stopProcess(dispatcher, 'SIGTERM');
    const inFlight = rx.received.map((r) => String(r.headers['webhook-id']));
    expect(await exited).toBe(0);
    // The ones in flight were answered and recorded before the process left.
    const recorded = await stack.ds.query(
      `SELECT event_id, status, attempts FROM webhook_deliveries WHERE event_id = ANY($1)`,
      [inFlight],
    );
    expect(recorded.map((r: { status: string; attempts: number }) => [r.status, r.attempts])).toEqual(
      inFlight.map(() => ['SUCCEEDED', 1]),
    );
    expect(rx.received.length).toBe(inFlight.length); // nothing new started after SIGTERM

    rx.respond = () => ({ status: 204 });
    startChildDispatcher();
    const copies = await expectAllDeliveredOnce(ids);
    for (const id of ids) expect(copies.get(id)).toBe(1); // a graceful stop sends nothing twice
  });
});
