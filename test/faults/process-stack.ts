import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createDataSource, dropDatabase, ensureDatabase, seedBase } from '@taiwa/persistence';
import { snapshotQuery } from '@taiwa/workflows';
import type { CaseSnapshot } from '@taiwa/domain';
import type { DataSource } from 'typeorm';
import { freePort, startTemporalDevServer, type StartedTemporal } from '../support/temporal-server';
import type { HttpResult } from '../support/stack';

/**
 * The built worker and API as real child processes (so a test can kill -9 them), on their own
 * database, Redis prefix and task queue. Used by the fault tests.
 */
const ROOT = join(__dirname, '../..');
const REDIS_URL = process.env.TAIWA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let built = false;
/** The fault tests run dist/; build it when a source changed (a no-op otherwise). */
export function ensureBuilt(): void {
  if (built) return;
  execFileSync('bash', [join(ROOT, 'infra/scripts/build.sh')], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  built = true;
}

export interface ProcessStackOptions {
  /** Defaults to a new database on the shared test PostgreSQL. */
  databaseUrl?: string;
  /** Defaults to a Temporal dev server (in memory) of this stack's own, stopped with it. */
  temporalAddress?: string;
}

export class ProcessStack {
  readonly taskQueue = `taiwa-fault-${randomBytes(4).toString('hex')}`;
  readonly redisPrefix = this.taskQueue;
  baseUrl = '';
  databaseUrl = '';
  temporalAddress = '';
  ds!: DataSource;
  worker: ChildProcess | null = null;
  api: ChildProcess | null = null;
  private port = 0;
  private ownDatabase = false;
  private readonly tokens = new Map<string, string>();
  private readonly logs: string[] = [];
  private temporal: { connection: Connection; client: Client } | null = null;
  private ownTemporal: StartedTemporal | null = null;

  static async start(options: ProcessStackOptions = {}): Promise<ProcessStack> {
    ensureBuilt();
    const s = new ProcessStack();
    if (options.temporalAddress) s.temporalAddress = options.temporalAddress;
    else {
      // Its own server, so a fault here never reaches another test's workflows.
      s.ownTemporal = await startTemporalDevServer();
      s.temporalAddress = s.ownTemporal.address;
    }
    if (options.databaseUrl) s.databaseUrl = options.databaseUrl;
    else {
      const admin = new URL(
        process.env.TAIWA_TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      );
      admin.pathname = `/taiwa_fault_${randomBytes(5).toString('hex')}`;
      s.databaseUrl = admin.toString();
      s.ownDatabase = true;
    }
    await ensureDatabase(s.databaseUrl);
    s.ds = createDataSource({ url: s.databaseUrl, applicationName: 'taiwa-fault-test', poolSize: 4 });
    await s.ds.initialize();
    await s.ds.runMigrations({ transaction: 'each' });
    await seedBase(s.ds);
    s.port = await freePort();
    s.baseUrl = `http://127.0.0.1:${s.port}`;
    try {
      s.startWorker();
      s.startApi();
      await s.waitForHealth(200, 60_000);
    } catch (err) {
      await s.stop();
      throw err;
    }
    return s;
  }

  private env(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      PORT: String(this.port),
      HOST: '127.0.0.1',
      DATABASE_URL: this.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: this.redisPrefix,
      TEMPORAL_ADDRESS: this.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: this.taskQueue,
      AUTH_MODE: 'dev',
      LOG_LEVEL: 'warn',
      WORKFLOW_BUNDLE: join(ROOT, 'dist/workflow-bundle.js'),
    };
  }

  private spawnNode(name: string, script: string): ChildProcess {
    const child = spawn(process.execPath, [join(ROOT, script)], {
      cwd: ROOT,
      env: this.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (c: Buffer) => {
      this.logs.push(
        ...c
          .toString()
          .split('\n')
          .filter(Boolean)
          .map((l) => `[${name}] ${l}`),
      );
      this.logs.splice(0, Math.max(0, this.logs.length - 200));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // Never leave a child behind when the test process ends early.
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    child.once('exit', () => process.removeListener('exit', reap));
    return child;
  }

  startWorker(): void {
    this.worker = this.spawnNode('worker', 'dist/apps/worker/src/main.js');
  }

  startApi(): void {
    this.api = this.spawnNode('api', 'dist/apps/api/src/main.js');
  }

  /** kill -9: no shutdown hooks, in-flight tasks are simply gone. */
  async killWorker(): Promise<void> {
    await kill(this.worker, 'SIGKILL');
    this.worker = null;
  }

  recentLogs(): string {
    return this.logs.slice(-40).join('\n');
  }

  async waitForHealth(status: number, timeoutMs: number): Promise<HttpResult> {
    const deadline = Date.now() + timeoutMs;
    let last: HttpResult | null = null;
    while (Date.now() < deadline) {
      if (this.api?.exitCode != null)
        throw new Error(`The API exited (${this.api.exitCode}):\n${this.recentLogs()}`);
      last = await this.http('GET', '/health').catch(() => null);
      if (last?.status === status) return last;
      await sleep(250);
    }
    throw new Error(
      `/health did not answer ${status} within ${timeoutMs} ms (last: ${JSON.stringify(last?.body)})\n${this.recentLogs()}`,
    );
  }

  async token(username: string): Promise<string> {
    const cached = this.tokens.get(username);
    if (cached) return cached;
    const res = await this.http('POST', '/api/v1/auth/dev-login', { body: { username } });
    if (res.status !== 200) throw new Error(`dev-login ${username}: ${res.status}`);
    this.tokens.set(username, res.body.accessToken);
    return res.body.accessToken as string;
  }

  async http(
    method: string,
    path: string,
    opts: { as?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<HttpResult> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.as) headers.authorization = `Bearer ${await this.token(opts.as)}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: res.status, headers: res.headers, body: body as HttpResult['body'] };
  }

  /** The case as its workflow holds it (the source of truth the projection must match). */
  async workflowSnapshot(caseId: string): Promise<CaseSnapshot> {
    if (!this.temporal) {
      const connection = await Connection.connect({ address: this.temporalAddress });
      this.temporal = { connection, client: new Client({ connection, namespace: 'default' }) };
    }
    return this.temporal.client.workflow.getHandle(caseId).query(snapshotQuery);
  }

  async stop(): Promise<void> {
    // TAIWA_FAULT_LOGS=<file> keeps the children's last log lines for a post-mortem.
    if (process.env.TAIWA_FAULT_LOGS)
      appendFileSync(process.env.TAIWA_FAULT_LOGS, `${this.logs.join('\n')}\n`);
    await Promise.all([kill(this.api, 'SIGTERM'), kill(this.worker, 'SIGTERM')]);
    await this.temporal?.connection.close().catch(() => undefined);
    await this.ds?.destroy().catch(() => undefined);
    if (this.ownDatabase) await dropDatabase(this.databaseUrl).catch(() => undefined);
    if (this.ownTemporal?.process.exitCode === null) process.kill(-this.ownTemporal.process.pid!, 'SIGTERM');
  }
}

async function kill(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every case's outbox events are numbered 1..n with no gap and no repeat; returns the gaps found. */
export async function outboxGaps(ds: DataSource): Promise<string[]> {
  const rows: Array<{ case_id: string; seqs: number[] }> = await ds.query(
    'SELECT case_id, array_agg(sequence ORDER BY sequence) AS seqs FROM outbox GROUP BY case_id',
  );
  return rows
    .filter((r) => r.seqs.some((s, i) => s !== i + 1))
    .map((r) => `${r.case_id}: ${r.seqs.join(',')}`);
}

/** Cases whose projection differs from their workflow's own state (status, version). */
export async function projectionDrift(stack: ProcessStack, caseIds: string[]): Promise<string[]> {
  const drift: string[] = [];
  for (const id of caseIds) {
    const wf = await stack.workflowSnapshot(id);
    const rows: Array<{ status: string; version: number }> = await stack.ds.query(
      'SELECT status, version FROM cases WHERE id = $1',
      [id],
    );
    const row = rows[0];
    if (!row || row.status !== wf.status || row.version !== wf.version) {
      drift.push(`${id}: projection ${JSON.stringify(row)} vs workflow ${wf.status} v${wf.version}`);
    }
  }
  return drift;
}

/** Timeline entries of this type per case (a command applied twice would show as 2). */
export async function timelineCounts(ds: DataSource, type: string): Promise<Map<string, number>> {
  const rows: Array<{ case_id: string; n: string }> = await ds.query(
    'SELECT case_id, count(*) AS n FROM case_timeline WHERE type = $1 GROUP BY case_id',
    [type],
  );
  return new Map(rows.map((r) => [r.case_id, Number(r.n)]));
}
