import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { CASE_STATUSES, REFERENCE_DATA, STAGE_OF } from '@taiwa/domain';
import {
  advanceReport,
  ApiClient,
  benchDatabase,
  log,
  machine,
  round,
  startServices,
  startTemporal,
  stats,
  runBenchmark,
} from './harness';

/**
 * npm run bench:queue — loads many cases straight into the projection with generate_series (not
 * through workflows), then times an officer's queue page (queue + status filter, deadline sort,
 * keyset pages) through the API against the same query in raw SQL. Prints one JSON object last.
 *
 *   BENCH_QUEUE_CASES (1000000)  BENCH_QUEUE_LOAD_BUDGET_S (300)  BENCH_QUEUE_ROUNDS (200)
 *   BENCH_QUEUE_SKIP_INDEXES (none; e.g. cases_queue_status_deadline to see the page without it)
 */
const TARGET = Number(process.env.BENCH_QUEUE_CASES ?? 1_000_000);
const LOAD_BUDGET_MS = Number(process.env.BENCH_QUEUE_LOAD_BUDGET_S ?? 300) * 1000;
const ROUNDS = Number(process.env.BENCH_QUEUE_ROUNDS ?? 200);
const BATCH = 50_000;
const PAGES = 4;
const LIMIT = 25;
const OFFICER = 'olivia@regulator.example';

async function main(): Promise<unknown> {
  const started = Date.now();
  const db = await benchDatabase('queue');
  const temporal = await startTemporal();
  const taskQueue = `bench-queue-${randomBytes(3).toString('hex')}`;
  const services = await startServices({ databaseUrl: db.url, temporalAddress: temporal.address, taskQueue });
  const sql = new Pool({ connectionString: db.url, max: 2 });
  try {
    const api = new ApiClient(services.baseUrl);
    // One real case through the workflow: its projected view is the template of the bulk rows.
    const filed = await api.call('POST', '/api/v1/cases', {
      as: 'alice@acme.example',
      body: advanceReport(),
    });
    if (filed.status !== 201) throw new Error(`filing the template case: ${filed.status}`);
    const accepted = await api.call('POST', `/api/v1/cases/${filed.body.id}/accept`, {
      as: OFFICER,
      body: {},
    });
    if (accepted.status !== 200) throw new Error(`accepting the template case: ${accepted.status}`);
    const [{ view }] = (await sql.query('SELECT view FROM cases WHERE id = $1', [filed.body.id]))
      .rows as Array<{ view: unknown }>;
    const viewBytes = Buffer.byteLength(JSON.stringify(view));

    const load = await bulkLoad(sql, view);
    const queue = 'SEMICONDUCTORS';
    const status = 'IN_CONSULTATION';
    const [{ n: matching }] = (
      await sql.query('SELECT count(*)::int AS n FROM cases WHERE queue = $1 AND status = $2', [
        queue,
        status,
      ])
    ).rows as Array<{ n: number }>;

    // The SQL the API issues for this page (CasesService.list), run directly.
    const pageSql = (cursor: { k: string; id: string } | null) => ({
      text: `SELECT id, view, regulator_flags, deadline_sort AS sort_key FROM cases
             WHERE queue = $1 AND status = $2${cursor ? ' AND (deadline_sort, id) > ($4::timestamptz, $5::uuid)' : ''}
             ORDER BY deadline_sort, id LIMIT $3`,
      values: cursor ? [queue, status, LIMIT + 1, cursor.k, cursor.id] : [queue, status, LIMIT + 1],
    });
    const plan = (await sql.query(`EXPLAIN (FORMAT JSON) ${pageSql(null).text}`, pageSql(null).values))
      .rows[0]['QUERY PLAN'][0].Plan;

    const apiMs: number[] = [];
    const sqlMs: number[] = [];
    await api.token(OFFICER);
    const runApi = async (record: boolean) => {
      let cursor: string | null = null;
      for (let p = 0; p < PAGES; p++) {
        const qs = `queue=${queue}&status=${status}&sort=deadline&limit=${LIMIT}${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await api.call('GET', `/api/v1/cases?${qs}`, { as: OFFICER });
        if (res.status !== 200 || res.body.items.length !== LIMIT)
          throw new Error(`queue page: ${res.status}`);
        if (record) apiMs.push(res.ms);
        cursor = res.body.nextCursor;
      }
    };
    const runSql = async (record: boolean) => {
      let cursor: { k: string; id: string } | null = null;
      for (let p = 0; p < PAGES; p++) {
        const t0 = performance.now();
        const rows = (await sql.query(pageSql(cursor))).rows as Array<{
          id: string;
          sort_key: Date | number;
        }>;
        const ms = performance.now() - t0;
        if (rows.length !== LIMIT + 1) throw new Error('raw page came back short');
        if (record) sqlMs.push(ms);
        const last = rows[LIMIT - 1]!;
        cursor = { k: last.sort_key instanceof Date ? last.sort_key.toISOString() : 'infinity', id: last.id };
      }
    };
    log(`timing ${ROUNDS} rounds of ${PAGES} keyset pages, API and raw SQL interleaved`);
    for (let i = 0; i < 20; i++) {
      await runApi(false);
      await runSql(false);
    }
    for (let i = 0; i < ROUNDS; i++) {
      await runApi(true);
      await runSql(true);
    }
    // The floor of any authenticated request (HTTP, token, guard, serialisation of a tiny body).
    const floorMs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) floorMs.push((await api.call('GET', '/api/v1/me', { as: OFFICER })).ms);
    const apiStats = stats(apiMs);
    const sqlStats = stats(sqlMs);
    const result = {
      benchmark: 'queue',
      date: new Date().toISOString(),
      machine: await machine(db.ds),
      cases: {
        target: TARGET,
        loaded: load.loaded,
        reachedTarget: load.loaded >= TARGET,
        loadSeconds: load.seconds,
        indexSeconds: load.indexSeconds,
      },
      viewBytes,
      skippedIndexes: process.env.BENCH_QUEUE_SKIP_INDEXES || null,
      query: {
        queue,
        status,
        sort: 'deadline',
        limit: LIMIT,
        pagesPerRound: PAGES,
        matchingCases: matching,
        planRoot:
          `${plan['Node Type']}${plan.Plans?.[0] ? ` > ${plan.Plans[0]['Node Type']} ${plan.Plans[0]['Index Name'] ?? ''}` : ''}`.trim(),
      },
      api: { pageMs: apiStats, authenticatedFloorMs: stats(floorMs) },
      rawSql: { pageMs: sqlStats },
      ratio: round(apiStats.p50 / sqlStats.p50, 2),
      ratioP95: round(apiStats.p95 / sqlStats.p95, 2),
      ratioMeaning:
        'API page p50 over raw-SQL page p50 for the same filter, sort and keyset (1 = no overhead over the database)',
      totalSeconds: round((Date.now() - started) / 1000),
    };
    // Printed by the caller after every process and connection is closed: the JSON is the last line.
    return result;
  } finally {
    await sql.end().catch(() => undefined);
    await services.stop();
    temporal.stop();
    await db.drop();
  }
}

/**
 * Loads cases with generate_series in batches until the target or the time budget: the indexes
 * are dropped first and rebuilt after (the usual bulk-load path), then the table is analysed.
 */
async function bulkLoad(
  sql: Pool,
  template: unknown,
): Promise<{ loaded: number; seconds: number; indexSeconds: number }> {
  const indexes = (
    await sql.query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases' AND indexname NOT LIKE '%pkey' AND indexdef NOT LIKE 'CREATE UNIQUE%'`,
    )
  ).rows as Array<{ indexname: string; indexdef: string }>;
  for (const i of indexes) await sql.query(`DROP INDEX ${i.indexname}`);
  const queues = [...new Set(REFERENCE_DATA.technologies.map((t) => t.queue))];
  const statuses = [...CASE_STATUSES];
  const stages = statuses.map((s) => STAGE_OF[s]);
  const t0 = performance.now();
  let loaded = 0;
  log(`bulk load: up to ${TARGET} cases in batches of ${BATCH} within ${LOAD_BUDGET_MS / 1000}s`);
  while (loaded < TARGET && performance.now() - t0 < LOAD_BUDGET_MS) {
    const from = loaded + 1;
    const to = Math.min(TARGET, loaded + BATCH);
    await sql.query(
      `INSERT INTO cases (id, case_number, organization_id, status, stage, queue, assignee, version, next_deadline_at, deadline_sort,
                          overdue, escalated, pending_approval_kind, regulator_flags, view, created_by, created_at, updated_at)
       SELECT id, num, org, st, stg, q, NULL, 3, dl, COALESCE(dl, 'infinity'), COALESCE(dl < now(), false), false, NULL, '[]',
              $1::jsonb || jsonb_build_object('id', id, 'caseNumber', num, 'organizationId', org, 'status', st, 'stage', stg,
                                              'queue', q, 'nextDeadlineAt', dl, 'overdue', COALESCE(dl < now(), false)),
              'alice@acme.example', now() - interval '1 day', now()
       FROM (SELECT gen_random_uuid() AS id, 'BULK-' || i AS num, CASE WHEN i % 2 = 0 THEN 'ACME' ELSE 'GLOBEX' END AS org,
                    ($4::text[])[1 + (i * 7) % cardinality($4::text[])] AS st, ($5::text[])[1 + (i * 7) % cardinality($4::text[])] AS stg,
                    ($6::text[])[1 + (i / 3) % cardinality($6::text[])] AS q,
                    CASE WHEN i % 10 = 0 THEN NULL ELSE now() + (random() * interval '90 days') - interval '5 days' END AS dl
             FROM generate_series($2::int, $3::int) AS i) g`,
      [JSON.stringify(template), from, to, statuses, stages, queues],
    );
    loaded = to;
    log(`  ${loaded} cases (${round((performance.now() - t0) / 1000)}s)`);
  }
  const seconds = round((performance.now() - t0) / 1000);
  const i0 = performance.now();
  // BENCH_QUEUE_SKIP_INDEXES=a,b leaves indexes out, to measure what they are worth.
  const skip = new Set((process.env.BENCH_QUEUE_SKIP_INDEXES ?? '').split(',').filter(Boolean));
  for (const i of indexes) if (!skip.has(i.indexname)) await sql.query(i.indexdef);
  await sql.query('ANALYZE cases');
  return { loaded, seconds, indexSeconds: round((performance.now() - i0) / 1000) };
}

runBenchmark(main);
