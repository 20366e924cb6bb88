import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import pino from 'pino';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '@taiwa/domain';
import { createDataSource, dropDatabase, ensureDatabase, seedBase } from '@taiwa/persistence';
import { createApiApp } from '../../apps/api/src/app';
import { loadConfig } from '../../apps/api/src/config';
import { createCaseWorker } from '../../apps/worker/src/worker';
import { loadDispatcherConfig } from '../../apps/webhook-dispatcher/src/config';
import { startDispatcher, type Dispatcher } from '../../apps/webhook-dispatcher/src/dispatcher';

const ADMIN_URL = process.env.TAIWA_TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_REDIS_URL = process.env.TAIWA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let runtimeQuiet = false;
function quietRuntime(): void {
  if (runtimeQuiet) return;
  runtimeQuiet = true;
  Runtime.install({ logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m) } });
}

export interface StackOptions {
  slaPolicy?: SlaPolicy;
  /** Start the webhook dispatcher too (default true). */
  dispatcher?: boolean;
  retryScheduleMs?: string;
  staleQueuedMs?: number;
  /** Extra API environment (e.g. AUTH_MODE=oidc with its issuer and JWKS URL). */
  apiEnv?: Record<string, string>;
  /** Another Redis than the shared one (fault tests stop their own). */
  redisUrl?: string;
  /** Extra dispatcher settings (WEBHOOK_DISABLE_AFTER_MS, …). */
  dispatcherEnv?: Record<string, string>;
}

export interface Stack {
  baseUrl: string;
  databaseUrl: string;
  redisPrefix: string;
  taskQueue: string;
  ds: DataSource;
  redis: Redis;
  app: INestApplication;
  worker: Worker;
  dispatcher: Dispatcher | null;
  token(username: string): Promise<string>;
  http(method: string, path: string, options?: { as?: string; body?: unknown; headers?: Record<string, string>; raw?: string }): Promise<HttpResult>;
  startDispatcher(): Promise<Dispatcher>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * One isolated stack per test file on the real components: its own PostgreSQL database, Redis key
 * prefix and Temporal task queue on the shared test Temporal server, with the worker, the API and
 * the dispatcher running in this process.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  quietRuntime();
  const id = randomBytes(5).toString('hex');
  const admin = new URL(ADMIN_URL);
  admin.pathname = `/taiwa_test_${id}`;
  const databaseUrl = admin.toString();
  const redisPrefix = `taiwa-test-${id}`;
  const taskQueue = `taiwa-test-${id}`;
  const REDIS_URL = options.redisUrl ?? DEFAULT_REDIS_URL;
  const temporalAddress = process.env.TAIWA_TEST_TEMPORAL_ADDRESS;
  const bundlePath = process.env.TAIWA_TEST_WORKFLOW_BUNDLE;
  if (!temporalAddress || !bundlePath) throw new Error('The integration global setup did not run.');

  await ensureDatabase(databaseUrl);
  const ds = createDataSource({ url: databaseUrl, applicationName: 'taiwa-test' });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await seedBase(ds);

  const bundleCode = readFileSync(bundlePath, 'utf8');
  const connection = await NativeConnection.connect({ address: temporalAddress });
  let worker = await createCaseWorker({ connection, namespace: 'default', dataSource: ds, taskQueue, workflowBundleCode: bundleCode });
  let running = worker.run();

  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
    AUTH_MODE: 'dev',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8,::1/128',
    LOG_LEVEL: 'silent',
    ...(options.apiEnv ?? {}),
  });
  config.slaPolicy = options.slaPolicy ?? DEFAULT_SLA_POLICY;
  const app = await createApiApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });

  const dispatcherConfig = loadDispatcherConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8,::1/128',
    WEBHOOK_RETRY_SCHEDULE_MS: options.retryScheduleMs ?? '0,200,400,800,1600',
    WEBHOOK_TIMEOUT_MS: '3000',
    RELAY_POLL_MS: '100',
    RELAY_STALE_QUEUED_MS: String(options.staleQueuedMs ?? 2000),
    METRICS_PORT: '0',
    LOG_LEVEL: 'silent',
    ...options.dispatcherEnv,
  });
  const log = pino({ level: 'silent' });
  let dispatcher: Dispatcher | null = options.dispatcher === false ? null : await startDispatcher(dispatcherConfig, log);

  const tokens = new Map<string, string>();
  const stack: Stack = {
    baseUrl,
    databaseUrl,
    redisPrefix,
    taskQueue,
    ds,
    redis,
    app,
    get worker() {
      return worker;
    },
    get dispatcher() {
      return dispatcher;
    },
    async token(username) {
      const cached = tokens.get(username);
      if (cached) return cached;
      const res = await fetch(`${baseUrl}/api/v1/auth/dev-login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username }),
      });
      if (res.status !== 200) throw new Error(`dev-login ${username}: ${res.status}`);
      const { accessToken } = (await res.json()) as { accessToken: string };
      tokens.set(username, accessToken);
      return accessToken;
    },
    async http(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.as) headers.authorization = `Bearer ${await stack.token(opts.as)}`;
      let body: string | undefined;
      if (opts.raw !== undefined) body = opts.raw;
      else if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON
      }
      return { status: res.status, headers: res.headers, body: parsed as HttpResult['body'] };
    },
    async startDispatcher() {
      dispatcher = await startDispatcher(dispatcherConfig, log);
      return dispatcher;
    },
    async stopWorker() {
      worker.shutdown();
      await running;
    },
    async startWorker() {
      worker = await createCaseWorker({ connection, namespace: 'default', dataSource: ds, taskQueue, workflowBundleCode: bundleCode });
      running = worker.run();
    },
    async stop() {
      await dispatcher?.close(5000).catch(() => undefined);
      await app.close();
      if (worker.getState() === 'RUNNING') {
        worker.shutdown();
        await running.catch(() => undefined);
      }
      await connection.close();
      await redis.quit();
      await ds.destroy();
      await dropDatabase(databaseUrl).catch(() => undefined);
    },
  };
  return stack;
}

/** A planned contract date this many days from today (Tokyo), as YYYY-MM-DD. */
export function daysFromNow(days: number): string {
  return new Date(Date.now() + 9 * 3600_000 + days * 86400_000).toISOString().slice(0, 10);
}

export function advanceReport(overrides: Record<string, unknown> = {}) {
  return {
    technologyCategory: 'LITHOGRAPHY_RESIST',
    technologyDescription: 'Resist formulation and purification process know-how',
    transactionType: 'MANUFACTURING_TRANSFER_SUBSIDIARY',
    counterparty: { name: 'Example Precision Co., Ltd.', country: 'VN', relationship: 'SUBSIDIARY' },
    plannedContractDate: daysFromNow(120),
    contact: { name: 'Alice Example', email: 'alice@acme.example' },
    ...overrides,
  };
}

/** Polls until the predicate holds (or fails after the timeout). */
export async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await fn();
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
