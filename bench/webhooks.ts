// npm run bench:webhooks [-- N]: the webhook pipeline (outbox relay → BullMQ → signed HTTP
// delivery) against a loopback receiver, on its own fresh database and Redis key prefix, next to
// raw BullMQ no-op jobs on the same Redis. Progress goes to stderr; the last stdout line is JSON.
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { cpus } from 'node:os';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createDataSource, dropDatabase, ensureDatabase, OUTBOX_CHANNEL, seedBase } from '@taiwa/persistence';
import { generateSecret } from '@taiwa/webhooks';
import { loadDispatcherConfig } from '../apps/webhook-dispatcher/src/config';
import { startDispatcher } from '../apps/webhook-dispatcher/src/dispatcher';
import { runBenchmark } from './harness';

const N = Number(process.argv[2] ?? process.env.BENCH_N ?? 10000);
/** The paced phase: this long, at half the measured throughput, for latency without a backlog. */
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.WEBHOOK_CONCURRENCY ?? 50);
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const NOOP_JOBS = Number(process.env.BENCH_NOOP_JOBS ?? 20000);

const log = (msg: string) => process.stderr.write(`[bench:webhooks] ${msg}\n`);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function round(n: number, digits = 1): number {
  return Math.round(n * 10 ** digits) / 10 ** digits;
}

/** A partner endpoint on loopback: answers 204 at once and notes when each webhook-id arrived. */
async function startReceiver(arrivals: Map<string, number>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      if (!arrivals.has(id)) arrivals.set(id, Date.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks` };
}

/** Raw BullMQ: `jobs` no-op jobs through one worker of the same concurrency, in jobs/s. */
async function bullmqNoop(prefix: string, jobs: number): Promise<number> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('noop', {
    connection,
    prefix,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
  });
  let done = 0;
  let finished: () => void = () => undefined;
  const allDone = new Promise<void>((r) => (finished = r));
  const worker = new Worker(
    'noop',
    async () => {
      done += 1;
      if (done === jobs) finished();
    },
    { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix, concurrency: CONCURRENCY },
  );
  const started = Date.now();
  for (let i = 0; i < jobs; i += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, jobs - i) }, (_, k) => ({ name: 'noop', data: { i: i + k } })),
    );
  }
  await allDone;
  const seconds = (Date.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
  return jobs / seconds;
}

async function main(): Promise<unknown> {
  const id = randomBytes(4).toString('hex');
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/taiwa_bench_webhooks_${id}`;
  const databaseUrl = dbUrl.toString();
  const redisPrefix = `taiwa-bench-${id}`;
  log(
    `database ${dbUrl.pathname.slice(1)}, Redis prefix ${redisPrefix}, ${N} events, concurrency ${CONCURRENCY}`,
  );

  await ensureDatabase(databaseUrl);
  const ds = createDataSource({ url: databaseUrl, applicationName: 'taiwa-bench' });
  const arrivals = new Map<string, number>();
  const receiver = await startReceiver(arrivals);
  let dispatcher: Awaited<ReturnType<typeof startDispatcher>> | null = null;
  try {
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await seedBase(ds);
    // ToolVendor, to which ACME consents in the seed, subscribes the loopback receiver.
    await ds.query(
      `INSERT INTO webhook_subscriptions (id, owner_username, owner_organization_id, url, event_types, secret)
       VALUES ($1, 'partner@toolvendor.example', 'TOOLVENDOR', $2, '{*}', $3)`,
      [randomUUID(), receiver.url, generateSecret()],
    );

    const config = loadDispatcherConfig({
      NODE_ENV: 'development',
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      WEBHOOK_CONCURRENCY: String(CONCURRENCY),
      RELAY_POLL_MS: '100',
      METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
    });
    dispatcher = await startDispatcher(config, pino({ level: 'warn' }, pino.destination(2)));

    // When each delivery's job was handed to BullMQ (job id = delivery id).
    const enqueuedAt = new Map<string, number>();
    const queue = dispatcher.queue;
    const addBulk = queue.addBulk.bind(queue);
    queue.addBulk = (async (jobs: Parameters<typeof addBulk>[0]) => {
      const at = Date.now();
      const result = await addBulk(jobs);
      for (const j of jobs) enqueuedAt.set(String(j.opts?.jobId), at);
      return result;
    }) as typeof queue.addBulk;

    // Committed events of ACME cases (10 events each), written in bulk as the projection would.
    let inserted = 0;
    const insertEvents = async (count: number) => {
      await ds.query(
        `WITH e AS (
           SELECT g, 'evt_' || gen_random_uuid() AS id,
                  md5('bench-case-' || ((g - 1) / 10))::uuid AS case_id, ((g - 1) % 10) + 1 AS seq
           FROM generate_series($1::int + 1, $1::int + $2::int) g
         )
         INSERT INTO outbox (id, case_id, organization_id, type, sequence, payload, created_at)
         SELECT id, case_id, 'ACME', 'case.status_changed', seq,
                jsonb_build_object('specversion', '1.0', 'id', id, 'source', '/cases/' || case_id, 'type', 'case.status_changed',
                  'subject', case_id, 'time', now(), 'datacontenttype', 'application/json',
                  'data', jsonb_build_object('caseId', case_id, 'caseNumber', 'TT-2026-' || lpad(((g - 1) / 10)::text, 6, '0'),
                    'organizationId', 'ACME', 'sequence', seq, 'status', 'IN_CONSULTATION', 'stage', 'CONSULTATION')),
                now()
         FROM e`,
        [inserted, count],
      );
      inserted += count;
      await ds.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, 'bench']);
    };
    const waitFor = async (total: number) => {
      const deadline = Date.now() + 8 * 60_000;
      let lastReport = Date.now();
      while (arrivals.size < total) {
        if (Date.now() > deadline)
          throw new Error(`only ${arrivals.size} of ${total} delivered in 8 minutes`);
        await new Promise((r) => setTimeout(r, 20));
        if (Date.now() - lastReport > 5000) {
          lastReport = Date.now();
          log(`${arrivals.size}/${total} delivered`);
        }
      }
    };
    const latencyOf = async (eventIds: Set<string> | null) => {
      const pairs: Array<{ id: string; event_id: string }> = await ds.query(
        'SELECT id, event_id FROM webhook_deliveries',
      );
      const ms = pairs
        .filter((p) => eventIds === null || !eventIds.has(p.event_id))
        .map((p) => (arrivals.get(p.event_id) ?? NaN) - (enqueuedAt.get(p.id) ?? NaN))
        .filter((x) => Number.isFinite(x))
        .sort((a, b) => a - b);
      return { p50: percentile(ms, 50), p99: percentile(ms, 99), samples: ms.length };
    };

    // 1. A backlog of N events: throughput (and the latency a backlog means).
    const started = Date.now();
    await insertEvents(N);
    log(`inserted ${N} outbox events in ${Date.now() - started} ms; delivering…`);
    await waitFor(N);
    const deliverySeconds = (Math.max(...arrivals.values()) - started) / 1000;
    const backlogLatency = await latencyOf(null);
    const backlogIds = new Set(arrivals.keys());

    // 2. A steady stream at half that rate: enqueue→delivery latency without a backlog.
    const rate = Math.max(10, Math.floor(N / deliverySeconds / 2));
    log(`${N} delivered in ${round(deliverySeconds, 2)} s; paced phase at ${rate}/s for ${PACED_SECONDS} s…`);
    const pacedStart = Date.now();
    for (let tick = 0; tick < PACED_SECONDS * 10; tick++) {
      await insertEvents(Math.ceil(rate / 10));
      const next = pacedStart + (tick + 1) * 100;
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
    await waitFor(inserted);
    const pacedLatency = await latencyOf(backlogIds);

    const notSucceeded: Array<{ n: number }> = await ds.query(
      "SELECT count(*)::int AS n FROM webhook_deliveries WHERE status <> 'SUCCEEDED'",
    );
    await dispatcher.close();
    dispatcher = null;

    log(`raw BullMQ no-op jobs next (${NOOP_JOBS})…`);
    const noopPerSec = await bullmqNoop(`${redisPrefix}-noop`, NOOP_JOBS);

    const result = {
      benchmark: 'webhooks',
      events: N,
      concurrency: CONCURRENCY,
      deliveriesPerSec: round(N / deliverySeconds),
      wallSeconds: round(deliverySeconds, 2),
      // With N events queued at once, latency is mostly waiting behind the backlog.
      backlogEnqueueToDeliveryMs: backlogLatency,
      pacedRatePerSec: rate,
      enqueueToDeliveryMs: pacedLatency,
      notSucceeded: notSucceeded[0]!.n,
      bullmqNoopJobsPerSec: round(noopPerSec),
      bullmqNoopJobs: NOOP_JOBS,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        platform: process.platform,
      },
    };
    // Printed by the caller after every process and connection is closed: the JSON is the last line.
    return result;
  } finally {
    await dispatcher?.close().catch(() => undefined);
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const cleanup = new Queue('webhook-deliveries', { connection: redis, prefix: redisPrefix });
    await cleanup.obliterate({ force: true }).catch(() => undefined);
    await cleanup.close();
    await redis.quit();
    receiver.server.close();
    if (ds.isInitialized) await ds.destroy();
    await dropDatabase(databaseUrl).catch(() => undefined);
  }
}

runBenchmark(main);
