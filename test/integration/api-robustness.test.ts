import { randomUUID } from 'node:crypto';
import { driveTo, fileCase, type Call } from '../../apps/api/src/demo/seed-demo-cases';
import { advanceReport, startStack, type HttpResult, type Stack } from '../support/stack';

/**
 * Safety: whatever a client sends to any POST endpoint of the OpenAPI document, the answer is a
 * problem document (never a 5xx) and nothing changes; creating POSTs are repeat-safe with
 * Idempotency-Key.
 */
jest.setTimeout(60_000);

const REFUSALS = [400, 404, 409, 422];
/** Tried in this order to find a caller the endpoint admits (so the answer is about the input). */
const CALLERS = [
  'olivia@regulator.example',
  'alice@acme.example',
  'akira@acme.example',
  'sam@regulator.example',
  'ada@regulator.example',
  'partner@toolvendor.example',
];
const TABLES = [
  'cases',
  'case_timeline',
  'outbox',
  'case_messages',
  'concern_information',
  'webhook_subscriptions',
  'partner_consents',
];

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}
interface Operation {
  template: string;
  schema: JsonSchema | null;
}

describe('API robustness', () => {
  let stack: Stack;
  let call: Call;
  let caseId: string;
  let queryId: string;
  let subscriptionId: string;
  let operations: Operation[];

  const counts = async (): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const t of TABLES) out[t] = (await stack.ds.query(`SELECT count(*)::int AS n FROM ${t}`))[0].n;
    return out;
  };

  function pathOf(template: string): string {
    return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (name === 'id') return template.startsWith('/api/v1/cases') ? caseId : subscriptionId;
      if (name === 'queryId') return queryId;
      if (name === 'listId') return 'EUL';
      return randomUUID();
    });
  }

  beforeAll(async () => {
    stack = await startStack({ dispatcher: false });
    call = (method, path, as, body, headers) => stack.http(method, path, { as, body, headers });
    caseId = (await fileCase(call, 'alice@acme.example', advanceReport())).id as string;
    await driveTo(call, caseId, 'IN_CONSULTATION');
    queryId = (
      await call('POST', `/api/v1/cases/${caseId}/queries`, 'olivia@regulator.example', {
        question: 'Which plant?',
      })
    ).body.id;
    const sub = await call('POST', '/api/v1/webhook-subscriptions', 'akira@acme.example', {
      url: 'http://127.0.0.1:9/hook',
      eventTypes: ['*'],
    });
    subscriptionId = sub.body.id;
    const doc = (await stack.http('GET', '/api/docs-json')).body as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
      >;
    };
    operations = Object.entries(doc.paths)
      .filter(([, ops]) => ops.post)
      .map(([template, ops]) => ({
        template,
        schema: ops.post!.requestBody?.content?.['application/json']?.schema ?? null,
      }));
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  /** Why this answer is not the expected problem document, or null when it is. */
  function problemDefect(res: HttpResult, what: string, allowed = REFUSALS): string | null {
    if (!allowed.includes(res.status)) return `${what}: ${res.status}, expected one of ${allowed.join('/')}`;
    if (!(res.headers.get('content-type') ?? '').includes('application/problem+json'))
      return `${what}: not application/problem+json`;
    const b = res.body as Record<string, unknown> | null;
    const complete =
      typeof b?.type === 'string' &&
      typeof b.title === 'string' &&
      b.status === res.status &&
      typeof b.detail === 'string';
    return complete ? null : `${what}: incomplete problem ${JSON.stringify(b).slice(0, 200)}`;
  }
  function expectProblem(res: HttpResult, what: string, allowed = REFUSALS): void {
    expect(problemDefect(res, what, allowed)).toBeNull();
  }

  /** Bad bodies derived from the endpoint's own schema. */
  function badBodies(schema: JsonSchema | null): Array<[string, { body?: unknown; raw?: string }]> {
    const props = Object.keys(schema?.properties ?? {});
    const every = (value: (type: string | undefined) => unknown) =>
      Object.fromEntries(props.map((p) => [p, value(schema!.properties![p]!.type)]));
    const bodies: Array<[string, { body?: unknown; raw?: string }]> = [
      ['not JSON', { raw: 'this is not json' }],
      ['truncated JSON', { raw: '{"body": "unterminated' }],
      ['a JSON array', { body: [] }],
      ['a JSON string', { raw: '"hello"' }],
      ['JSON null', { raw: 'null' }],
      ['an unknown field', { body: { ...every(() => 'x'), zzUnknown: true } }],
    ];
    if ((schema?.required ?? []).length > 0) bodies.push(['no fields', { body: {} }]);
    if (props.length > 0) {
      bodies.push(
        ['wrong types', { body: every((t) => (t === 'string' ? 12345 : 'not-a-' + (t ?? 'value'))) }],
        ['nulls', { body: every(() => null) }],
        ['huge strings', { body: every(() => 'x'.repeat(100_000)) }],
        ['NUL characters', { body: every((t) => (t === 'string' ? 'a\u0000b' : ['a\u0000b'])) }],
        ['deeply nested', { body: every(() => JSON.parse('['.repeat(500) + ']'.repeat(500))) }],
      );
    }
    return bodies;
  }

  async function admittedCaller(path: string): Promise<string | null> {
    for (const user of CALLERS) {
      const res = await stack.http('POST', path, { as: user, body: [] });
      if (res.status !== 403 && res.status !== 401) return user;
    }
    return null;
  }

  it('answers malformed bodies on every POST endpoint with a problem, never a 5xx, and changes nothing', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(20);
    const before = await counts();
    const tried: string[] = [];
    const defects: string[] = [];
    for (const op of operations.filter((o) => o.schema)) {
      const path = pathOf(op.template);
      const user = op.template === '/api/v1/auth/dev-login' ? undefined : await admittedCaller(path);
      if (user === null) throw new Error(`No seeded user is admitted to POST ${op.template}`);
      for (const [label, input] of badBodies(op.schema)) {
        const headers: Record<string, string> =
          input.raw !== undefined ? { 'content-type': 'application/json' } : {};
        const res = await stack.http('POST', path, { as: user, body: input.body, raw: input.raw, headers });
        const defect = problemDefect(res, `POST ${op.template} with ${label}`);
        if (defect) defects.push(defect);
      }
      tried.push(op.template);
    }
    expect(defects).toEqual([]);
    expect(tried).toEqual(
      expect.arrayContaining(['/api/v1/cases', '/api/v1/cases/{id}/accept', '/api/v1/webhook-subscriptions']),
    );
    // A body over the 1 MB limit is 413, also as a problem.
    const big = await stack.http('POST', `/api/v1/cases/${caseId}/messages`, {
      as: 'alice@acme.example',
      body: { body: 'x'.repeat(1_100_000) },
    });
    expectProblem(big, 'a 1.1 MB body', [413]);
    expect(await counts()).toEqual(before);
  });

  const VALID: Record<string, unknown> = {
    '/api/v1/cases/{id}/accept': {},
    '/api/v1/cases/{id}/request-correction': { reasons: ['More detail'] },
    '/api/v1/cases/{id}/resubmit': { changes: { technologyDescription: 'Detail' } },
    '/api/v1/cases/{id}/close-lapsed': {},
    '/api/v1/cases/{id}/assign': { assignee: 'olivia@regulator.example' },
    '/api/v1/cases/{id}/messages': { body: 'Hello' },
    '/api/v1/cases/{id}/queries': { question: 'Why?' },
    '/api/v1/cases/{id}/queries/{queryId}/answer': { body: 'Because.' },
    '/api/v1/cases/{id}/concern-information': { title: 'T', body: 'B', classification: 'NONE' },
    '/api/v1/cases/{id}/conclude': { summary: 'Done.' },
    '/api/v1/cases/{id}/inform-proposals': { reasons: 'Risk.' },
    '/api/v1/cases/{id}/license-application': { description: 'Apply.' },
    '/api/v1/cases/{id}/decision-proposals': { decision: 'GRANT', reasons: 'Fine.' },
    '/api/v1/cases/{id}/approvals/{approvalId}': { decision: 'APPROVE' },
    '/api/v1/cases/{id}/withdraw': { reason: 'Cancelled.' },
    '/api/v1/webhook-subscriptions/{id}/replay': { fromSequence: 1 },
    '/api/v1/webhook-subscriptions/{id}/rotate-secret': {},
    '/api/v1/webhook-subscriptions/{id}/enable': {},
  };

  it('answers unknown or invalid ids with 404 (or 400), with a valid body, and changes nothing', async () => {
    const before = await counts();
    const badIds = [
      randomUUID(),
      'not-a-uuid',
      '..%2F..%2Fetc',
      '%00',
      'x'.repeat(5000),
      '00000000-0000-0000-0000-000000000000',
    ];
    for (const [template, body] of Object.entries(VALID)) {
      const user = await admittedCaller(template.replace(/\{\w+\}/g, () => randomUUID()));
      for (const bad of badIds) {
        const path = template
          .replace('{id}', bad)
          .replace(/\{\w+\}/g, (m) => (m === '{queryId}' ? queryId : randomUUID()));
        const res = await stack.http('POST', path, { as: user!, body });
        expectProblem(res, `POST ${template} with id ${bad.slice(0, 40)}`, [400, 404]);
        // The case exists; the query, approval or delivery named after it does not.
        if (/\}\/.*\{\w+\}/.test(template)) {
          const inner = template
            .replace('{id}', template.startsWith('/api/v1/cases') ? caseId : subscriptionId)
            .replace(/\{\w+\}/g, bad);
          const res2 = await stack.http('POST', inner, { as: user!, body });
          expectProblem(res2, `POST ${template} with inner id ${bad.slice(0, 40)}`, [400, 404, 409]);
        }
      }
    }
    // Known case, unknown query or approval.
    const answer = await stack.http('POST', `/api/v1/cases/${caseId}/queries/${randomUUID()}/answer`, {
      as: 'alice@acme.example',
      body: { body: 'x' },
    });
    expectProblem(answer, 'unknown query', [404]);
    const approve = await stack.http('POST', `/api/v1/cases/${caseId}/approvals/${randomUUID()}`, {
      as: 'sam@regulator.example',
      body: { decision: 'APPROVE' },
    });
    expectProblem(approve, 'unknown approval', [404, 409]);
    const deliveries = await stack.http(
      'POST',
      `/api/v1/webhook-subscriptions/${subscriptionId}/deliveries/${randomUUID()}/retry`,
      { as: 'akira@acme.example' },
    );
    expectProblem(deliveries, 'unknown delivery', [404]);
    expect(await counts()).toEqual(before);
  });

  it('refuses bad query strings and headers with 400', async () => {
    for (const query of [
      '?assignee=%00',
      '?cursor=%00',
      '?limit=-1',
      '?status[]=SUBMITTED',
      '?sort=deadline&sort=created',
    ]) {
      expectProblem(
        await stack.http('GET', `/api/v1/cases${query}`, { as: 'sam@regulator.example' }),
        `GET /cases${query}`,
        [400],
      );
    }
    const badKey = await stack.http('POST', `/api/v1/cases/${caseId}/messages`, {
      as: 'alice@acme.example',
      body: { body: 'Hi' },
      headers: { 'idempotency-key': 'with space' },
    });
    expectProblem(badKey, 'bad Idempotency-Key', [400]);
    const login = await stack.http('POST', '/api/v1/auth/dev-login', {
      body: { username: 'alice\u0000@acme.example' },
    });
    expectProblem(login, 'NUL in dev-login', [400]);
  });

  it('keeps any Unicode text that is not NUL, byte for byte', async () => {
    const text = 'Résumé 日本語 🚀 \u202eRTL\u202c e\u0301 ☃';
    const res = await stack.http('POST', `/api/v1/cases/${caseId}/messages`, {
      as: 'alice@acme.example',
      body: { body: text },
    });
    expect(res.status).toBe(201);
    const thread = await stack.http('GET', `/api/v1/cases/${caseId}/messages`, {
      as: 'olivia@regulator.example',
    });
    expect((thread.body.items as Array<{ body: string }>).map((m) => m.body)).toContain(text);
  });

  it('gives racing transitions on one case one winner and 409s, and a consistent projection', async () => {
    const id = (await fileCase(call, 'alice@acme.example', advanceReport())).id as string;
    const racers = ['olivia@regulator.example', 'sam@regulator.example', 'sue@regulator.example'];
    const results = await Promise.all([
      ...racers.map((as) => stack.http('POST', `/api/v1/cases/${id}/accept`, { as, body: {} })),
      ...racers.map((as) =>
        stack.http('POST', `/api/v1/cases/${id}/request-correction`, { as, body: { reasons: ['Race'] } }),
      ),
    ]);
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) expectProblem(r, 'a losing racer', [409]);
    const view = (await stack.http('GET', `/api/v1/cases/${id}`, { as: 'sam@regulator.example' })).body;
    expect(view.status).toBe(winners[0]!.body.status);
    expect(view.version).toBe(winners[0]!.body.version);
    const moves: Array<{ type: string }> = await stack.ds.query(
      `SELECT type FROM case_timeline WHERE case_id = $1 AND type IN ('ACCEPTED', 'CORRECTION_REQUESTED')`,
      [id],
    );
    expect(moves).toHaveLength(1);
    const verify = await stack.http('GET', `/api/v1/cases/${id}/audit/verify`, {
      as: 'ada@regulator.example',
    });
    expect(verify.body.valid).toBe(true);
  });

  describe('Idempotency-Key on creating POSTs', () => {
    const cases: Array<{
      name: string;
      as: string;
      path: () => string;
      body: () => unknown;
      other: () => unknown;
      table: string;
      idOf: (b: HttpResult['body']) => string;
    }> = [
      {
        name: 'file a case',
        as: 'alice@acme.example',
        path: () => '/api/v1/cases',
        body: () => advanceReport({ plannedContractDate: '2031-01-15' }),
        other: () => advanceReport({ plannedContractDate: '2031-01-16' }),
        table: 'cases',
        idOf: (b) => b.id,
      },
      {
        name: 'post a message',
        as: 'alice@acme.example',
        path: () => `/api/v1/cases/${caseId}/messages`,
        body: () => ({ body: 'Once only' }),
        other: () => ({ body: 'Something else' }),
        table: 'case_messages',
        idOf: (b) => b.message.id,
      },
      {
        name: 'raise a query',
        as: 'olivia@regulator.example',
        path: () => `/api/v1/cases/${caseId}/queries`,
        body: () => ({ question: 'Once?' }),
        other: () => ({ question: 'Twice?' }),
        table: 'case_timeline',
        idOf: (b) => b.id,
      },
      {
        name: 'share concern information',
        as: 'olivia@regulator.example',
        path: () => `/api/v1/cases/${caseId}/concern-information`,
        body: () => ({ title: 'T', body: 'B', classification: 'RESTRICTED' }),
        other: () => ({ title: 'T2', body: 'B', classification: 'RESTRICTED' }),
        table: 'concern_information',
        idOf: (b) => b.concernInformation.id,
      },
      {
        name: 'subscribe a webhook',
        as: 'partner@toolvendor.example',
        path: () => '/api/v1/webhook-subscriptions',
        body: () => ({ url: 'http://127.0.0.1:9/once', eventTypes: ['*'] }),
        other: () => ({ url: 'http://127.0.0.1:9/other', eventTypes: ['*'] }),
        table: 'webhook_subscriptions',
        idOf: (b) => b.id,
      },
    ];

    it.each(cases)(
      '$name: same key and body → the first response, created once; another body → 422',
      async (c) => {
        const key = `robust-${randomUUID()}`;
        const before = await counts();
        const first = await stack.http('POST', c.path(), {
          as: c.as,
          body: c.body(),
          headers: { 'idempotency-key': key },
        });
        expect(first.status).toBe(201);
        const afterFirst = await counts();
        expect(afterFirst[c.table]).toBe(before[c.table]! + 1);
        const again = await stack.http('POST', c.path(), {
          as: c.as,
          body: c.body(),
          headers: { 'idempotency-key': key },
        });
        expect(again.status).toBe(201);
        expect(c.idOf(again.body)).toBe(c.idOf(first.body));
        expect(again.body).toEqual(first.body);
        if (c.path().startsWith('/api/v1/cases'))
          expect(again.headers.get('idempotent-replayed')).toBe('true');
        const other = await stack.http('POST', c.path(), {
          as: c.as,
          body: c.other(),
          headers: { 'idempotency-key': key },
        });
        expectProblem(other, `${c.name} with another body`, [422]);
        expect(await counts()).toEqual(afterFirst);
      },
    );
  });
});
