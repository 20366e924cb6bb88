import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { DEFAULT_SLA_POLICY, nationalHolidays, queueFor, REFERENCE_DATA, tokyoDate } from '@taiwa/domain';
import { CASE_WORKFLOW_TYPE, type CaseWorkflowInput } from '@taiwa/workflows';
import { readyUpdate, stepUpdate } from './bare-workflow';
import {
  advanceReport,
  ApiClient,
  benchDatabase,
  log,
  machine,
  pool,
  ROOT,
  round,
  rssMiB,
  sleep,
  startServices,
  startTemporal,
  stats,
  runBenchmark,
} from './harness';

/**
 * npm run bench:lifecycle — N cases driven submit → accept → conclude over HTTP by concurrent
 * clients, against a bare workflow with the same number of updates on the same Temporal server;
 * then worker RSS with many open cases waiting on their SLA timers. Prints one JSON object last.
 *
 *   BENCH_CASES (200)  BENCH_CONCURRENCY (16)  BENCH_OPEN_CASES (10000)  BENCH_OPEN_BUDGET_S (150)
 */
const N = Number(process.env.BENCH_CASES ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const OPEN_TARGET = Number(process.env.BENCH_OPEN_CASES ?? 10_000);
const OPEN_BUDGET_MS = Number(process.env.BENCH_OPEN_BUDGET_S ?? 150) * 1000;
const APPLICANT = 'alice@acme.example';
const OFFICER = 'olivia@regulator.example';

async function main(): Promise<unknown> {
  const started = Date.now();
  const db = await benchDatabase('lifecycle');
  const temporal = await startTemporal();
  const taskQueue = `bench-lifecycle-${randomBytes(3).toString('hex')}`;
  const services = await startServices({ databaseUrl: db.url, temporalAddress: temporal.address, taskQueue });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: 'default' });
  const bare = spawn(process.execPath, [join(ROOT, 'dist/bench/bare-worker.js')], {
    env: { ...process.env, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: `${taskQueue}-bare` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const bareReady = new Promise<void>((resolve) =>
    bare.stdout.on('data', (c: Buffer) => c.toString().includes('ready') && resolve()),
  );
  try {
    const api = new ApiClient(services.baseUrl);
    await api.token(APPLICANT);
    await api.token(OFFICER);

    // ---- Taiwa over HTTP ------------------------------------------------------------------
    const lifecycle = async (record: boolean, lat: Record<string, number[]>) => {
      const t0 = performance.now();
      const filed = await api.call('POST', '/api/v1/cases', { as: APPLICANT, body: advanceReport() });
      if (filed.status !== 201) throw new Error(`submit: ${filed.status} ${JSON.stringify(filed.body)}`);
      const accepted = await api.call('POST', `/api/v1/cases/${filed.body.id}/accept`, {
        as: OFFICER,
        body: {},
      });
      if (accepted.status !== 200) throw new Error(`accept: ${accepted.status}`);
      const concluded = await api.call('POST', `/api/v1/cases/${filed.body.id}/conclude`, {
        as: OFFICER,
        body: { summary: 'No concern.' },
      });
      if (concluded.status !== 200) throw new Error(`conclude: ${concluded.status}`);
      if (record) {
        lat.submit!.push(filed.ms);
        lat.accept!.push(accepted.ms);
        lat.conclude!.push(concluded.ms);
        lat.lifecycle!.push(performance.now() - t0);
      }
      return filed.body.id as string;
    };
    log(`taiwa: warm-up, then ${N} lifecycles with ${CONCURRENCY} concurrent clients`);
    const scratch = { submit: [], accept: [], conclude: [], lifecycle: [] } as Record<string, number[]>;
    await pool(10, CONCURRENCY, async () => void (await lifecycle(false, scratch)));
    const lat = { submit: [], accept: [], conclude: [], lifecycle: [] } as Record<string, number[]>;
    let lastCase = '';
    const t0 = performance.now();
    await pool(N, CONCURRENCY, async () => void (lastCase = await lifecycle(true, lat)));
    const taiwaSeconds = (performance.now() - t0) / 1000;
    const history = await client.workflow.getHandle(lastCase).fetchHistory();

    // ---- The bare engine: same server, same count of updates -------------------------------
    await bareReady;
    const bareQueue = `${taskQueue}-bare`;
    const bareLifecycle = async (record: boolean, bl: Record<string, number[]>) => {
      const t = performance.now();
      const handle = await client.workflow.start('bareLifecycle', {
        taskQueue: bareQueue,
        workflowId: randomUUID(),
        args: [2],
      });
      await handle.executeUpdate(readyUpdate);
      const t1 = performance.now();
      await handle.executeUpdate(stepUpdate);
      const t2 = performance.now();
      await handle.executeUpdate(stepUpdate);
      const t3 = performance.now();
      if (record) {
        bl.submit!.push(t1 - t);
        bl.accept!.push(t2 - t1);
        bl.conclude!.push(t3 - t2);
        bl.lifecycle!.push(t3 - t);
      }
      return handle.workflowId;
    };
    log(`bare: warm-up, then ${N} workflows with ${CONCURRENCY} concurrent clients`);
    await pool(10, CONCURRENCY, async () => void (await bareLifecycle(false, scratch)));
    const bl = { submit: [], accept: [], conclude: [], lifecycle: [] } as Record<string, number[]>;
    let lastBare = '';
    const b0 = performance.now();
    await pool(N, CONCURRENCY, async () => void (lastBare = await bareLifecycle(true, bl)));
    const bareSeconds = (performance.now() - b0) / 1000;
    await client.workflow.getHandle(lastBare).result();
    const bareHistory = await client.workflow.getHandle(lastBare).fetchHistory();

    // ---- Open cases waiting on their SLA timers --------------------------------------------
    const rssBefore = rssMiB(services.worker.pid!);
    const opened = await openCases(client, taskQueue);
    const projection = await waitForProjection(db.ds, opened.started, services.worker.pid!);
    await sleep(5000); // settled: every open case now waits on its timer
    const rssAfter = rssMiB(services.worker.pid!);

    const taiwaRate = N / taiwaSeconds;
    const bareRate = N / bareSeconds;
    const result = {
      benchmark: 'lifecycle',
      date: new Date().toISOString(),
      machine: await machine(db.ds),
      cases: N,
      concurrency: CONCURRENCY,
      taiwa: {
        casesPerSecond: round(taiwaRate, 2),
        latencyMs: {
          submit: stats(lat.submit!),
          accept: stats(lat.accept!),
          conclude: stats(lat.conclude!),
          lifecycle: stats(lat.lifecycle!),
        },
        historyEventsPerLifecycle: history.events?.length ?? null,
      },
      bare: {
        casesPerSecond: round(bareRate, 2),
        latencyMs: {
          start: stats(bl.submit!),
          update1: stats(bl.accept!),
          update2: stats(bl.conclude!),
          lifecycle: stats(bl.lifecycle!),
        },
        historyEventsPerLifecycle: bareHistory.events?.length ?? null,
      },
      ratio: round(taiwaRate / bareRate, 3),
      ratioMeaning:
        'Taiwa lifecycles per second over bare-workflow lifecycles per second (1 = no overhead over the engine)',
      openCases: {
        target: OPEN_TARGET,
        started: opened.started,
        projected: projection.projected,
        startSeconds: round(opened.seconds),
        projectedWithinSeconds: projection.seconds,
        reachedTarget: opened.started >= OPEN_TARGET,
        workerRssMiB: { before: rssBefore, peak: Math.max(projection.peakRss, rssAfter), after: rssAfter },
        workerMaxCachedWorkflows: Number(process.env.WORKER_MAX_CACHED_WORKFLOWS) || 500,
        note: 'started directly on the task queue (not over HTTP), each then waiting on its acknowledgement SLA timer',
      },
      totalSeconds: round((Date.now() - started) / 1000),
    };
    // Printed by the caller after every process and connection is closed: the JSON is the last line.
    return result;
  } finally {
    bare.kill('SIGTERM');
    // Its shutdown logs must not land after the result line.
    await new Promise((resolve) => {
      if (bare.exitCode !== null) return resolve(undefined);
      bare.once('exit', resolve);
      setTimeout(resolve, 10000).unref();
    });
    await connection.close().catch(() => undefined);
    await services.stop();
    temporal.stop();
    await db.drop();
  }
}

/** Starts as many cases as fit in the budget, straight on the case task queue. */
async function openCases(client: Client, taskQueue: string): Promise<{ started: number; seconds: number }> {
  const year = Number(tokyoDate(Date.now()).slice(0, 4));
  const holidays = nationalHolidays(year - 1, year + 5);
  const report = advanceReport();
  const queue = queueFor(REFERENCE_DATA, report.technologyCategory)!;
  const deadline = Date.now() + OPEN_BUDGET_MS;
  const t0 = performance.now();
  let started = 0;
  log(`open cases: starting up to ${OPEN_TARGET} within ${OPEN_BUDGET_MS / 1000}s`);
  await pool(OPEN_TARGET, 64, async (i) => {
    if (Date.now() > deadline) return;
    const input: CaseWorkflowInput = {
      caseId: randomUUID(),
      caseNumber: `BENCH-${year}-${String(i).padStart(6, '0')}`,
      organizationId: 'ACME',
      queue,
      submittedBy: APPLICANT,
      report: report as CaseWorkflowInput['report'],
      referenceVersion: REFERENCE_DATA.version,
      policy: DEFAULT_SLA_POLICY,
      holidays,
    };
    await client.workflow.start(CASE_WORKFLOW_TYPE, { taskQueue, workflowId: input.caseId, args: [input] });
    started++;
  });
  return { started, seconds: (performance.now() - t0) / 1000 };
}

/** Waits (bounded) until the worker has projected the started cases, sampling its peak RSS. */
async function waitForProjection(
  ds: DataSource,
  started: number,
  workerPid: number,
): Promise<{ projected: number; peakRss: number; seconds: number }> {
  const t0 = performance.now();
  const deadline = Date.now() + Number(process.env.BENCH_PROJECTION_WAIT_S ?? 200) * 1000;
  let projected = 0;
  let peakRss = 0;
  while (Date.now() < deadline) {
    peakRss = Math.max(peakRss, rssMiB(workerPid));
    const rows: Array<{ n: string }> = await ds.query(
      `SELECT count(*) AS n FROM cases WHERE case_number LIKE 'BENCH-%'`,
    );
    projected = Number(rows[0]!.n);
    if (projected >= started) break;
    await sleep(1000);
  }
  return { projected, peakRss, seconds: round((performance.now() - t0) / 1000) };
}

runBenchmark(main);
