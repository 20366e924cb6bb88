import fc from 'fast-check';
import { advanceReport, startStack, type Stack } from '../support/stack';
import { hostileRequest, type FuzzOperation, type FuzzRequest } from './hostile';
import { SEED_USERS } from '@taiwa/persistence';

/**
 * Property-based fuzzing of every operation in the OpenAPI document with invalid and hostile
 * input, as every seeded user and anonymously. Whatever a client sends, the API answers with a
 * non-5xx status, every error is an RFC 9457 problem, and a refused request changes no row of
 * any table. FUZZ_SEED replays a run; FUZZ_RUNS sets the total number of requests.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20260523);
const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 800);

const USERS: string[] = SEED_USERS.map((u) => u.username);

interface OpenApiDoc {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ name: string; in: string }>;
        requestBody?: { content?: Record<string, { schema?: unknown }> };
      }
    >
  >;
}

interface Outcome {
  op: string;
  status: number;
  contentType: string;
  body: unknown;
  sent: FuzzRequest;
}

describe('fuzzing every endpoint of the OpenAPI document with hostile input', () => {
  let stack: Stack;
  let operations: FuzzOperation[];
  let fingerprintSql: string;
  const realIds: string[] = [];
  const perEndpoint = new Map<string, { requests: number; statuses: Record<number, number> }>();

  /** Every application table's row count and content hash; a refused request must not move it. */
  async function fingerprint(): Promise<Record<string, string>> {
    const rows: Array<{ t: string; n: string; h: string }> = await stack.ds.query(fingerprintSql);
    return Object.fromEntries(rows.map((r) => [r.t, `${r.n}:${r.h}`]));
  }

  /** After an accepted request the workflow may still be projecting: wait until nothing moves. */
  async function settled(): Promise<Record<string, string>> {
    let previous = await fingerprint();
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 150));
      const next = await fingerprint();
      if (JSON.stringify(next) === JSON.stringify(previous)) return next;
      previous = next;
    }
    throw new Error('The database kept changing for 7.5 s after an accepted request.');
  }

  beforeAll(async () => {
    stack = await startStack({ dispatcher: false });
    // Real resources, so hostile bodies also reach validation behind the existence checks.
    for (const [who, org] of [
      ['alice@acme.example', 'ACME'],
      ['bob@globex.example', 'GLOBEX'],
    ] as const) {
      const res = await stack.http('POST', '/api/v1/cases', { as: who, body: advanceReport() });
      expect(res.status).toBe(201);
      expect(res.body.organizationId).toBe(org);
      realIds.push(res.body.id as string);
    }
    const sub = await stack.http('POST', '/api/v1/webhook-subscriptions', {
      as: 'partner@toolvendor.example',
      body: { url: 'http://127.0.0.1:9/hooks', eventTypes: ['*'] },
    });
    if (sub.status === 201) realIds.push(sub.body.id as string);

    const docRes = await fetch(`${stack.baseUrl}/api/docs-json`);
    expect(docRes.status).toBe(200);
    const doc = (await docRes.json()) as OpenApiDoc;
    operations = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const params = op.parameters ?? [];
        operations.push({
          method: method.toUpperCase(),
          path,
          pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
          queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
          bodySchema: op.requestBody?.content?.['application/json']?.schema,
        });
      }
    }

    const tables: Array<{ table_name: string }> = await stack.ds.query(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY 1`,
    );
    fingerprintSql = tables
      .map(
        ({ table_name: t }) =>
          `SELECT '${t}' AS t, count(*)::text AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${t}" x`,
      )
      .join(' UNION ALL ');
  });

  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  it('answers every generated request without a 5xx, with RFC 9457 problems, and refusals change nothing', async () => {
    expect(operations.length).toBeGreaterThan(10);
    const runsPerOperation = Math.ceil(TOTAL_RUNS / operations.length);
    const failures: Outcome[] = [];
    const changedByRefusal: Array<{ outcome: Outcome; tables: string[] }> = [];
    let baseline = await settled();

    for (const op of operations) {
      const name = `${op.method} ${op.path}`;
      const stats = { requests: 0, statuses: {} as Record<number, number> };
      perEndpoint.set(name, stats);
      await fc.assert(
        fc.asyncProperty(hostileRequest(op, { users: USERS, realIds }), async (req) => {
          const outcome = await send(stack, op, req);
          stats.requests++;
          stats.statuses[outcome.status] = (stats.statuses[outcome.status] ?? 0) + 1;
          if (!isAcceptableAnswer(outcome)) failures.push(outcome);
          if (outcome.status >= 200 && outcome.status < 300) {
            baseline = await settled(); // accepted: its changes are allowed; later ones are not
          } else {
            const after = await fingerprint();
            const tables = Object.keys(after).filter((t) => after[t] !== baseline[t]);
            if (tables.length > 0) {
              changedByRefusal.push({ outcome, tables });
              baseline = await settled();
            }
          }
          return true;
        }),
        { numRuns: runsPerOperation, seed: SEED + operations.indexOf(op), endOnFailure: true },
      );
    }

    const report = [...perEndpoint.entries()].map(
      ([op, s]) => `${String(s.requests).padStart(4)}  ${op}  ${JSON.stringify(s.statuses)}`,
    );
    const total = [...perEndpoint.values()].reduce((n, s) => n + s.requests, 0);
    process.stdout.write(
      `\nFuzz seed ${SEED}: ${total} requests over ${operations.length} operations\n${report.join('\n')}\n`,
    );

    expect(total).toBeGreaterThanOrEqual(500);
    expect(failures.map(describeOutcome)).toEqual([]);
    expect(
      changedByRefusal.map((c) => `${describeOutcome(c.outcome)} changed ${c.tables.join(', ')}`),
    ).toEqual([]);
    // Nothing a client sent (keys like __proto__ or constructor) reached the prototypes of this process.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'isAdmin')).toBe(false);
  }, 120_000);
});

async function send(stack: Stack, op: FuzzOperation, req: FuzzRequest): Promise<Outcome> {
  const headers: Record<string, string> = { ...req.headers };
  if (req.user === 'FORGED') headers.authorization = req.forgedAuthorization;
  else if (req.user) headers.authorization = `Bearer ${await stack.token(req.user)}`;
  const hasBody = op.method !== 'GET' && req.body !== undefined;
  if (hasBody && req.contentType) headers['content-type'] = req.contentType;
  const res = await fetch(`${stack.baseUrl}${req.url}`, {
    method: op.method,
    headers,
    body: hasBody ? req.body : undefined,
    signal: AbortSignal.timeout(30000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: reported by the check below when it is an error
  }
  return {
    op: `${op.method} ${op.path}`,
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    body,
    sent: req,
  };
}

function isAcceptableAnswer(o: Outcome): boolean {
  if (o.status >= 500) return false;
  if (o.status < 400) return true;
  const b = o.body as Record<string, unknown> | null;
  return (
    o.contentType.startsWith('application/problem+json') &&
    !!b &&
    typeof b.type === 'string' &&
    typeof b.title === 'string' &&
    b.status === o.status &&
    typeof b.detail === 'string'
  );
}

function describeOutcome(o: Outcome): string {
  const sent = {
    ...o.sent,
    body:
      o.sent.body && o.sent.body.length > 300
        ? `${o.sent.body.slice(0, 300)}… (${o.sent.body.length} chars)`
        : o.sent.body,
  };
  return `${o.op} → ${o.status} ${o.contentType} ${JSON.stringify(o.body).slice(0, 300)} for ${JSON.stringify(sent).slice(0, 600)}`;
}
