import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { advanceReport, eventually, type HttpResult } from '../support/stack';
import { freePort } from '../support/temporal-server';
import { outboxGaps, ProcessStack, projectionDrift, sleep, timelineCounts } from './process-stack';

/**
 * This test's own PostgreSQL cluster (never the shared one on 5432) is stopped while officers
 * accept cases. While it is down the API answers 503 (not 500) and /health names postgres; the
 * workflows keep the accepted commands and their projection activity retries, so after the
 * restart no case and no event is missing and every command was applied once.
 */
const PG_BIN = process.env.TAIWA_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const OFFICER = 'olivia@regulator.example';

/** A throwaway cluster under a temp dir, owned by the postgres user, trust auth on loopback. */
class OwnPostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'taiwa-fault-pg-'));
  port = 0;

  private pg(tool: string, ...args: string[]): void {
    const asPostgres =
      process.getuid?.() === 0
        ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, tool), ...args]]
        : [join(PG_BIN, tool), args];
    execFileSync(asPostgres[0] as string, asPostgres[1] as string[], { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  async init(): Promise<void> {
    if (process.getuid?.() === 0) chownSync(this.dir, uidOf('postgres'), gidOf('postgres'));
    this.port = await freePort();
    this.pg(
      'initdb',
      '-D',
      join(this.dir, 'data'),
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
      '--encoding',
      'UTF8',
    );
    this.start();
  }

  start(): void {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    this.pg(
      'pg_ctl',
      '-D',
      join(this.dir, 'data'),
      '-o',
      opts,
      '-l',
      join(this.dir, 'log'),
      '-w',
      '-t',
      '60',
      'start',
    );
  }

  /** Immediate mode: like a crash, no checkpoint, sessions cut. */
  stop(): void {
    this.pg('pg_ctl', '-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop');
  }

  url(db: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${db}`;
  }

  destroy(): void {
    try {
      this.stop();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const uidOf = (user: string) => Number(execFileSync('id', ['-u', user]).toString().trim());
const gidOf = (user: string) => Number(execFileSync('id', ['-g', user]).toString().trim());

describe('fault: PostgreSQL restarts', () => {
  const pg = new OwnPostgres();
  let stack: ProcessStack;
  const caseIds: string[] = [];

  beforeAll(async () => {
    await pg.init();
    stack = await ProcessStack.start({ databaseUrl: pg.url('taiwa_fault') });
    for (let i = 0; i < 12; i++) {
      const res = await stack.http('POST', '/api/v1/cases', {
        as: 'alice@acme.example',
        body: advanceReport(),
      });
      expect(res.status).toBe(201);
      caseIds.push(res.body.id);
    }
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    pg.destroy();
  }, 60_000);

  it('answers 503 while PostgreSQL is down, and loses no case or event after the restart', async () => {
    const keys = new Map(caseIds.map((id) => [id, randomUUID()]));
    const accept = (id: string) =>
      stack.http('POST', `/api/v1/cases/${id}/accept`, {
        as: OFFICER,
        body: {},
        headers: { 'idempotency-key': keys.get(id)! },
        timeoutMs: 60_000,
      });
    // Warm the token and the user cache, then accept half, and stop the database under the rest.
    for (const id of caseIds.slice(0, 6)) expect((await accept(id)).status).toBe(200);
    const inFlight = caseIds.slice(6).map((id) => accept(id));
    await sleep(100);
    pg.stop();

    const health = await stack.waitForHealth(503, 20_000);
    expect(health.body.checks.postgres).toBe('down');
    expect(health.body.failing.postgres).toBeTruthy();
    const read = await stack.http('GET', `/api/v1/cases/${caseIds[0]}`, { as: OFFICER });
    expectUnavailable(read);
    const list = await stack.http('GET', '/api/v1/cases?sort=deadline', { as: OFFICER });
    expectUnavailable(list);
    const filing = await stack.http('POST', '/api/v1/cases', {
      as: 'alice@acme.example',
      body: advanceReport(),
    });
    expectUnavailable(filing);

    const first = await Promise.all(inFlight);
    for (const r of first) {
      expect([200, 503]).toContain(r.status);
      if (r.status === 503) expectUnavailable(r);
    }
    await sleep(3000);
    pg.start();
    await stack.waitForHealth(200, 60_000);

    // Clients retry with the same key; a command the workflow already took is not taken twice.
    for (const id of caseIds.slice(6)) {
      const res = await eventually(
        () => accept(id),
        (r) => r.status !== 503,
        60_000,
        `accept of ${id} after the restart`,
      );
      expect({ id, status: res.status, caseStatus: res.body.status, detail: res.body.detail }).toEqual({
        id,
        status: 200,
        caseStatus: 'IN_CONSULTATION',
        detail: undefined,
      });
    }
    // The projection activity retried until the database was back: the read model catches up.
    await eventually(
      () => projectionDrift(stack, caseIds),
      (d) => d.length === 0,
      60_000,
      'projections equal to the workflows',
    );
    const rows: Array<{ status: string }> = await stack.ds.query('SELECT status FROM cases');
    expect(rows.map((r) => r.status)).toEqual(caseIds.map(() => 'IN_CONSULTATION'));
    expect(await outboxGaps(stack.ds)).toEqual([]);
    const accepted = await timelineCounts(stack.ds, 'ACCEPTED');
    expect(caseIds.map((id) => accepted.get(id))).toEqual(caseIds.map(() => 1));
    const audit = await stack.http('GET', `/api/v1/cases/${caseIds[11]}/audit/verify`, {
      as: 'ada@regulator.example',
    });
    expect(audit.status).toBe(200);
    expect(audit.body.valid).toBe(true);
    process.stdout.write(
      `postgres restart: in-flight accepts answered ${JSON.stringify(first.map((r) => r.status))}\n`,
    );
  }, 240_000);
});

function expectUnavailable(res: HttpResult): void {
  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({
    status: 503,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
}
