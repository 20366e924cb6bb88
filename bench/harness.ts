import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { createDataSource, dropDatabase, ensureDatabase, seedBase } from '@taiwa/persistence';

/**
 * What the benchmarks share: their own database and Temporal dev server, the built worker and
 * API as child processes, an HTTP client with dev-login tokens, and percentile maths.
 */
export const ROOT = join(__dirname, '../..');
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const log = (msg: string): void => void process.stderr.write(`[bench] ${msg}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs a benchmark and prints its result as one JSON line, after the benchmark has closed every
 * process and connection, so the JSON is always the last line.
 */
export function runBenchmark(main: () => Promise<unknown>): void {
  main().then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
}

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

export function stats(values: number[]): { p50: number; p95: number; n: number } {
  return { p50: percentile(values, 50), p95: percentile(values, 95), n: values.length };
}

/** The machine the figures come from. */
export async function machine(ds: DataSource): Promise<Record<string, unknown>> {
  const [{ server_version: pg }] = (await ds.query('SHOW server_version')) as Array<{
    server_version: string;
  }>;
  let redis = 'unknown';
  try {
    const { Redis } = await import('ioredis');
    const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
    await r.connect();
    redis = /redis_version:(\S+)/.exec(await r.info('server'))?.[1] ?? 'unknown';
    r.disconnect();
  } catch {
    // Redis is not needed by these benchmarks
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: pg,
    redis,
  };
}

/** A fresh database with the schema and the seeded users. */
export async function benchDatabase(
  name: string,
): Promise<{ url: string; ds: DataSource; drop: () => Promise<void> }> {
  const u = new URL(ADMIN_URL);
  u.pathname = `/taiwa_bench_${name}_${randomBytes(3).toString('hex')}`;
  const url = u.toString();
  await ensureDatabase(url);
  const ds = createDataSource({ url, applicationName: 'taiwa-bench', poolSize: 8 });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await seedBase(ds);
  return {
    url,
    ds,
    drop: async () => {
      await ds.destroy().catch(() => undefined);
      if (!process.env.BENCH_KEEP_DATABASE) await dropDatabase(url).catch(() => undefined);
    },
  };
}

/** The Temporal dev server (in memory) on a free port, from TEMPORAL_CLI_PATH. */
export async function startTemporal(): Promise<{ address: string; process: ChildProcess; stop: () => void }> {
  const cli = process.env.TEMPORAL_CLI_PATH;
  if (!cli) throw new Error('TEMPORAL_CLI_PATH is not set (run through npm run bench:<name>).');
  const port = await freePort();
  const child = spawn(
    cli,
    [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--namespace',
      'default',
      '--log-level',
      'error',
      '--dynamic-config-value',
      'frontend.enableUpdateWorkflowExecution=true',
    ],
    { stdio: 'ignore', detached: true },
  );
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const c = await Connection.connect({ address, connectTimeout: '1s' });
      await c.workflowService.describeNamespace({ namespace: 'default' });
      await c.close();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`Temporal did not start on ${address}`);
      await sleep(250);
    }
  }
  return {
    address,
    process: child,
    stop: () => void (child.exitCode === null && process.kill(-child.pid!, 'SIGTERM')),
  };
}

export interface Services {
  baseUrl: string;
  worker: ChildProcess;
  api: ChildProcess;
  stop: () => Promise<void>;
}

/** The built worker and API as child processes, on their own task queue. */
export async function startServices(opts: {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
}): Promise<Services> {
  const port = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'production-like',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: opts.taskQueue,
    TEMPORAL_ADDRESS: opts.temporalAddress,
    TEMPORAL_TASK_QUEUE: opts.taskQueue,
    AUTH_MODE: 'dev',
    LOG_LEVEL: 'warn',
    WORKFLOW_BUNDLE: join(ROOT, 'dist/workflow-bundle.js'),
  };
  const start = (script: string) =>
    spawn(process.execPath, [join(ROOT, script)], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const worker = start('dist/apps/worker/src/main.js');
  const api = start('dist/apps/api/src/main.js');
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    const ok = await fetch(`${baseUrl}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (api.exitCode !== null || worker.exitCode !== null)
      throw new Error('The API or the worker exited at start.');
    if (Date.now() > deadline) throw new Error('The API did not become healthy.');
    await sleep(300);
  }
  const stop = async () => {
    for (const c of [api, worker]) {
      if (c.exitCode !== null) continue;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000).then(() => c.kill('SIGKILL'))]);
    }
  };
  return { baseUrl, worker, api, stop };
}

/** Resident set size of a process in MiB (Linux). */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? round(Number(m[1]) / 1024) : NaN;
}

export interface ApiResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  ms: number;
}

/** A tiny HTTP client for the API as seeded users. */
export class ApiClient {
  private readonly tokens = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  async token(username: string): Promise<string> {
    const hit = this.tokens.get(username);
    if (hit) return hit;
    const res = await this.call('POST', '/api/v1/auth/dev-login', { body: { username } });
    if (res.status !== 200) throw new Error(`dev-login ${username}: ${res.status}`);
    const token = (res.body as { accessToken: string }).accessToken;
    this.tokens.set(username, token);
    return token;
  }

  async call(method: string, path: string, opts: { as?: string; body?: unknown } = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = {};
    if (opts.as) headers.authorization = `Bearer ${await this.token(opts.as)}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const t0 = performance.now();
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    const ms = performance.now() - t0;
    return { status: res.status, body: text ? JSON.parse(text) : null, ms };
  }
}

/** Runs `task(i)` for i in [0, n) with at most `concurrency` at a time. */
export async function pool(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

export function planned(days: number): string {
  return new Date(Date.now() + 9 * 3600_000 + days * 86400_000).toISOString().slice(0, 10);
}

export function advanceReport() {
  return {
    technologyCategory: 'LITHOGRAPHY_RESIST',
    technologyDescription: 'Resist formulation and purification process know-how',
    transactionType: 'MANUFACTURING_TRANSFER_SUBSIDIARY',
    counterparty: { name: 'Example Precision Co., Ltd.', country: 'VN', relationship: 'SUBSIDIARY' },
    plannedContractDate: planned(120),
    contact: { name: 'Alice Example', email: 'alice@acme.example' },
  };
}
