import { driveTo, fileCase, type Call, type DriveTarget } from '../../apps/api/src/demo/seed-demo-cases';
import { advanceReport, startStack, type HttpResult, type Stack } from '../support/stack';

/**
 * The permission matrix: every endpoint of the API × every seeded user of API.md → the status the
 * user gets. Cases are ACME's, in queue SEMICONDUCTORS (olivia's, not oscar's), filed by alice.
 * A refusal is checked on a case in the status where the action is otherwise allowed, so the
 * answer is about who asks, not about the status; cells that succeed get a case of their own.
 */
const USERS = {
  alice: 'alice@acme.example',
  akira: 'akira@acme.example',
  bob: 'bob@globex.example',
  olivia: 'olivia@regulator.example',
  oscar: 'oscar@regulator.example',
  sam: 'sam@regulator.example',
  sue: 'sue@regulator.example',
  ada: 'ada@regulator.example',
  partner: 'partner@toolvendor.example',
} as const;
type User = keyof typeof USERS;
const COLUMNS = Object.keys(USERS) as User[];

interface Fixture {
  id: string;
  approvalId?: string;
  queryId?: string;
}
interface Row {
  endpoint: string;
  /** Status the case must be in (none: the endpoint is not about one case). */
  on?: DriveTarget;
  /** A success moves the case on, so each successful caller needs a fresh case. */
  moves?: boolean;
  withQuery?: boolean;
  request: (f: Fixture) => { method: string; path: string; body?: unknown };
  expected: number[];
}

/** Subscriptions made by akira (ACME) in beforeAll. */
const subs = { acme: '', doomed: '' };
const c = (f: Fixture, tail = '') => `/api/v1/cases/${f.id}${tail}`;
const webhookUrl = 'http://127.0.0.1:9/hook';

// prettier-ignore
const MATRIX: Row[] = [
  //                                                                                                                               alice akira bob  olivia oscar sam  sue  ada  partner
  { endpoint: 'GET /me', request: () => ({ method: 'GET', path: '/api/v1/me' }),                                                   expected: [200, 200, 200, 200, 200, 200, 200, 200, 200] },
  { endpoint: 'POST /applicability-checks', request: () => ({ method: 'POST', path: '/api/v1/applicability-checks',
      body: { technologyCategory: 'LITHOGRAPHY_RESIST', transactionType: 'JOINT_RESEARCH', counterpartyCountry: 'VN' } }),      expected: [200, 200, 200, 200, 200, 200, 200, 200, 403] },
  { endpoint: 'POST /cases', request: () => ({ method: 'POST', path: '/api/v1/cases', body: advanceReport() }),                    expected: [201, 201, 201, 403, 403, 403, 403, 403, 403] },
  { endpoint: 'GET /cases', request: () => ({ method: 'GET', path: '/api/v1/cases' }),                                             expected: [200, 200, 200, 200, 200, 200, 200, 200, 200] },
  { endpoint: 'GET /cases/{id}', on: 'SUBMITTED', request: (f) => ({ method: 'GET', path: c(f) }),                                 expected: [200, 200, 404, 200, 200, 200, 200, 200, 200] },
  { endpoint: 'GET /cases/{id}/timeline', on: 'SUBMITTED', request: (f) => ({ method: 'GET', path: c(f, '/timeline') }),           expected: [200, 200, 404, 200, 200, 200, 200, 200, 200] },
  { endpoint: 'GET /cases/{id}/messages', on: 'SUBMITTED', request: (f) => ({ method: 'GET', path: c(f, '/messages') }),           expected: [200, 200, 404, 200, 200, 200, 200, 200, 403] },
  { endpoint: 'POST /cases/{id}/messages', on: 'SUBMITTED',
      request: (f) => ({ method: 'POST', path: c(f, '/messages'), body: { body: 'Hello' } }),                                      expected: [201, 201, 404, 201, 403, 201, 201, 403, 403] },
  { endpoint: 'GET /cases/{id}/concern-information', on: 'IN_CONSULTATION',
      request: (f) => ({ method: 'GET', path: c(f, '/concern-information') }),                                                     expected: [200, 200, 404, 200, 200, 200, 200, 200, 403] },
  { endpoint: 'POST /cases/{id}/concern-information', on: 'IN_CONSULTATION', request: (f) => ({ method: 'POST',
      path: c(f, '/concern-information'), body: { title: 'T', body: 'B', classification: 'NONE' } }),                            expected: [403, 403, 403, 201, 403, 201, 201, 403, 403] },
  { endpoint: 'POST /cases/{id}/accept', on: 'SUBMITTED', moves: true,
      request: (f) => ({ method: 'POST', path: c(f, '/accept'), body: {} }),                                                       expected: [403, 403, 403, 200, 403, 200, 200, 403, 403] },
  { endpoint: 'POST /cases/{id}/request-correction', on: 'SUBMITTED', moves: true,
      request: (f) => ({ method: 'POST', path: c(f, '/request-correction'), body: { reasons: ['More detail'] } }),                expected: [403, 403, 403, 200, 403, 200, 200, 403, 403] },
  { endpoint: 'POST /cases/{id}/resubmit', on: 'CORRECTION_REQUESTED', moves: true, request: (f) => ({ method: 'POST',
      path: c(f, '/resubmit'), body: { changes: { technologyDescription: 'More detail on purification' } } }),                   expected: [200, 200, 404, 403, 403, 403, 403, 403, 403] },
  // The correction deadline has not passed, so even the officer of the queue gets 409.
  { endpoint: 'POST /cases/{id}/close-lapsed', on: 'CORRECTION_REQUESTED',
      request: (f) => ({ method: 'POST', path: c(f, '/close-lapsed'), body: {} }),                                                 expected: [403, 403, 403, 409, 403, 409, 409, 403, 403] },
  { endpoint: 'POST /cases/{id}/assign', on: 'SUBMITTED',
      request: (f) => ({ method: 'POST', path: c(f, '/assign'), body: { assignee: USERS.olivia } }),                               expected: [403, 403, 403, 200, 403, 200, 200, 403, 403] },
  { endpoint: 'POST /cases/{id}/queries', on: 'IN_CONSULTATION',
      request: (f) => ({ method: 'POST', path: c(f, '/queries'), body: { question: 'Who owns the counterparty?' } }),            expected: [403, 403, 403, 201, 403, 201, 201, 403, 403] },
  { endpoint: 'POST /cases/{id}/queries/{q}/answer', on: 'IN_CONSULTATION', moves: true, withQuery: true, request: (f) => ({
      method: 'POST', path: c(f, `/queries/${f.queryId}/answer`), body: { body: 'ACME holds 100 %.' } }),                        expected: [200, 200, 404, 403, 403, 403, 403, 403, 403] },
  { endpoint: 'POST /cases/{id}/conclude', on: 'IN_CONSULTATION', moves: true,
      request: (f) => ({ method: 'POST', path: c(f, '/conclude'), body: { summary: 'No concern.' } }),                             expected: [403, 403, 403, 200, 403, 200, 200, 403, 403] },
  { endpoint: 'POST /cases/{id}/inform-proposals', on: 'IN_CONSULTATION', moves: true,
      request: (f) => ({ method: 'POST', path: c(f, '/inform-proposals'), body: { reasons: 'Risk of diversion.' } }),            expected: [403, 403, 403, 200, 403, 200, 200, 403, 403] },
  // Proposed by olivia; supervisors other than the proposer approve (own proposals: see below).
  { endpoint: 'POST /cases/{id}/approvals/{a}', on: 'INFORM_PENDING_APPROVAL', moves: true, request: (f) => ({
      method: 'POST', path: c(f, `/approvals/${f.approvalId}`), body: { decision: 'APPROVE' } }),                                  expected: [403, 403, 403, 403, 403, 200, 200, 403, 403] },
  { endpoint: 'POST /cases/{id}/license-application', on: 'INFORM_ISSUED', moves: true, request: (f) => ({
      method: 'POST', path: c(f, '/license-application'), body: { description: 'Apply for the license.' } }),                    expected: [200, 200, 404, 403, 403, 403, 403, 403, 403] },
  { endpoint: 'POST /cases/{id}/decision-proposals', on: 'LICENSE_REVIEW', moves: true, request: (f) => ({
      method: 'POST', path: c(f, '/decision-proposals'), body: { decision: 'GRANT', reasons: 'Fine.' } }),                       expected: [403, 403, 403, 200, 403, 200, 200, 403, 403] },
  { endpoint: 'POST /cases/{id}/withdraw', on: 'SUBMITTED', moves: true,
      request: (f) => ({ method: 'POST', path: c(f, '/withdraw'), body: { reason: 'Deal cancelled.' } }),                          expected: [200, 200, 404, 403, 403, 403, 403, 403, 403] },
  { endpoint: 'GET /cases/{id}/audit', on: 'SUBMITTED', request: (f) => ({ method: 'GET', path: c(f, '/audit') }),                expected: [403, 403, 403, 403, 403, 403, 403, 200, 403] },
  { endpoint: 'GET /cases/{id}/audit/verify', on: 'SUBMITTED',
      request: (f) => ({ method: 'GET', path: c(f, '/audit/verify') }),                                                            expected: [403, 403, 403, 403, 403, 403, 403, 200, 403] },
  { endpoint: 'POST /webhook-subscriptions', request: () => ({ method: 'POST', path: '/api/v1/webhook-subscriptions',
      body: { url: webhookUrl, eventTypes: ['case.submitted'] } }),                                                                expected: [403, 201, 403, 403, 403, 403, 403, 403, 201] },
  { endpoint: 'GET /webhook-subscriptions', request: () => ({ method: 'GET', path: '/api/v1/webhook-subscriptions' }),            expected: [403, 200, 403, 403, 403, 403, 403, 403, 200] },
  // Subscriptions belong to the organisation that made them (akira's ACME here): the partner's is another.
  { endpoint: 'GET /webhook-subscriptions/{id}', request: () => ({ method: 'GET', path: `/api/v1/webhook-subscriptions/${subs.acme}` }),
                                                                                                                                   expected: [403, 200, 403, 403, 403, 403, 403, 403, 404] },
  { endpoint: 'GET /webhook-subscriptions/{id}/deliveries', request: () => ({ method: 'GET',
      path: `/api/v1/webhook-subscriptions/${subs.acme}/deliveries` }),                                                            expected: [403, 200, 403, 403, 403, 403, 403, 403, 404] },
  { endpoint: 'POST /webhook-subscriptions/{id}/replay', request: () => ({ method: 'POST',
      path: `/api/v1/webhook-subscriptions/${subs.acme}/replay`, body: { fromSequence: 1 } }),                                    expected: [403, 202, 403, 403, 403, 403, 403, 403, 404] },
  { endpoint: 'POST /webhook-subscriptions/{id}/rotate-secret', request: () => ({ method: 'POST',
      path: `/api/v1/webhook-subscriptions/${subs.acme}/rotate-secret` }),                                                         expected: [403, 200, 403, 403, 403, 403, 403, 403, 404] },
  { endpoint: 'POST /webhook-subscriptions/{id}/enable', request: () => ({ method: 'POST',
      path: `/api/v1/webhook-subscriptions/${subs.acme}/enable` }),                                                                expected: [403, 200, 403, 403, 403, 403, 403, 403, 404] },
  // No such delivery: the owner learns that, the partner not even that the subscription exists.
  { endpoint: 'POST /webhook-subscriptions/{id}/deliveries/{d}/retry', request: () => ({ method: 'POST',
      path: `/api/v1/webhook-subscriptions/${subs.acme}/deliveries/${subs.acme}/retry` }),                                         expected: [403, 404, 403, 403, 403, 403, 403, 403, 404] },
  { endpoint: 'DELETE /webhook-subscriptions/{id}', request: () => ({ method: 'DELETE', path: `/api/v1/webhook-subscriptions/${subs.doomed}` }),
                                                                                                                                   expected: [403, 204, 403, 403, 403, 403, 403, 403, 404] },
  { endpoint: 'GET /partner-consents', request: () => ({ method: 'GET', path: '/api/v1/partner-consents' }),                      expected: [403, 200, 403, 403, 403, 403, 403, 403, 403] },
  { endpoint: 'POST /partner-consents', request: () => ({ method: 'POST', path: '/api/v1/partner-consents',
      body: { partnerOrganizationId: 'TOOLVENDOR' } }),                                                                            expected: [403, 201, 403, 403, 403, 403, 403, 403, 403] },
  // Last on purpose: akira's cell revokes the consent (granted again by the partner tests below).
  { endpoint: 'DELETE /partner-consents/{partner}', request: () => ({ method: 'DELETE', path: '/api/v1/partner-consents/TOOLVENDOR' }),
                                                                                                                                   expected: [403, 200, 403, 403, 403, 403, 403, 403, 403] },
];

const PARTNER_VIEW_FIELDS = [
  'caseNumber',
  'createdAt',
  'id',
  'organizationId',
  'stage',
  'status',
  'updatedAt',
  'version',
];

jest.setTimeout(30_000);

describe('permissions: every endpoint × every seeded user', () => {
  let stack: Stack;
  let call: Call;
  /** Cases used only by refused calls: nothing may change on them. */
  const untouchable = new Map<string, Promise<Fixture>>();
  /** Cases for successful calls that do not move the case (messages, queries, assignment…). */
  const sharedOk = new Map<string, Promise<Fixture>>();
  const fresh = new Map<string, Promise<Fixture>>();
  let globexCase: string;

  async function makeFixture(row: Row): Promise<Fixture> {
    const view = await fileCase(call, USERS.alice, advanceReport());
    const driven = await driveTo(call, view.id as string, row.on!);
    const f: Fixture = {
      id: view.id as string,
      approvalId: driven.pendingApproval?.approvalId as string | undefined,
    };
    if (row.withQuery) {
      const q = await call('POST', `/api/v1/cases/${f.id}/queries`, USERS.olivia, {
        question: 'Who owns the counterparty?',
      });
      f.queryId = q.body.id as string;
    }
    return f;
  }

  function fixtureFor(row: Row, user: User, expected: number): Promise<Fixture> | undefined {
    if (!row.on) return undefined;
    const key = `${row.endpoint}`;
    const pick = (map: Map<string, Promise<Fixture>>, k: string) => {
      if (!map.has(k)) map.set(k, makeFixture(row));
      return map.get(k)!;
    };
    if (expected >= 300) return pick(untouchable, key);
    return row.moves ? pick(fresh, `${key}|${user}`) : pick(sharedOk, key);
  }

  beforeAll(async () => {
    // No dispatcher: the subscriptions point nowhere and deliveries are not under test here.
    stack = await startStack({ dispatcher: false });
    call = (method, path, as, body, headers) => stack.http(method, path, { as, body, headers });
    // Prepare every case up front, a few at a time.
    const jobs: Array<() => Promise<Fixture> | undefined> = [];
    for (const row of MATRIX)
      COLUMNS.forEach((u, i) => jobs.push(() => fixtureFor(row, u, row.expected[i]!)));
    for (let i = 0; i < jobs.length; i += 8) await Promise.all(jobs.slice(i, i + 8).map((j) => j()));
    for (const name of ['acme', 'doomed'] as const) {
      const sub = await call('POST', '/api/v1/webhook-subscriptions', USERS.akira, {
        url: webhookUrl,
        eventTypes: ['*'],
      });
      subs[name] = sub.body.id as string;
    }
    globexCase = (
      await fileCase(
        call,
        USERS.bob,
        advanceReport({ contact: { name: 'Bob', email: 'bob@globex.example' } }),
      )
    ).id as string;
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  describe.each(MATRIX)('$endpoint', (row) => {
    it(`answers ${COLUMNS.map((u, i) => `${u} ${row.expected[i]}`).join(', ')}`, async () => {
      const untouched = row.on ? await untouchable.get(row.endpoint) : undefined;
      const before = untouched ? await versionOf(untouched.id) : undefined;
      const actual: Record<string, number> = {};
      const expected: Record<string, number> = {};
      const problems: string[] = [];
      for (const [i, user] of COLUMNS.entries()) {
        const f = row.on ? await fixtureFor(row, user, row.expected[i]!)! : ({ id: '' } as Fixture);
        const { method, path, body } = row.request(f);
        const res: HttpResult = await stack.http(method, path, { as: USERS[user], body });
        actual[user] = res.status;
        expected[user] = row.expected[i]!;
        if (res.status >= 400 && !isProblem(res))
          problems.push(`${user}: ${res.status} is not a problem document`);
      }
      expect(actual).toEqual(expected);
      expect(problems).toEqual([]);
      // Refused requests change nothing on the case.
      if (untouched) expect(await versionOf(untouched.id)).toBe(before);
    });
  });

  it('leaves no endpoint of these families out of the matrix', async () => {
    const doc = (await stack.http('GET', '/api/docs-json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const norm = (p: string) => p.replace('/api/v1', '').replace(/\{\w+\}/g, '{}');
    const inMatrix = new Set(
      MATRIX.map((r) => {
        const [m, p] = r.endpoint.split(' ');
        return `${m} ${norm(p!)}`;
      }),
    );
    const owned = /^\/(cases|me|webhook-subscriptions|partner-consents|applicability-checks)(\/|$)/;
    const missing = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .map((m) => `${m.toUpperCase()} ${norm(path)}`)
        .filter((op) => owned.test(op.split(' ')[1]!) && !op.includes('/screenings') && !inMatrix.has(op)),
    );
    expect(missing).toEqual([]);
  });

  async function versionOf(id: string): Promise<number> {
    const rows: Array<{ version: number }> = await stack.ds.query('SELECT version FROM cases WHERE id = $1', [
      id,
    ]);
    return rows[0]!.version;
  }

  it('hides ACME cases from GLOBEX everywhere (404, never in lists) and GLOBEX cases from ACME', async () => {
    const acme = await untouchable.get('GET /cases/{id}')!;
    expect((await stack.http('GET', `/api/v1/cases/${acme.id}`, { as: USERS.bob })).status).toBe(404);
    const bobs = await allCases(USERS.bob);
    expect(bobs.length).toBeGreaterThan(0);
    expect(new Set(bobs.map((v) => v.organizationId))).toEqual(new Set(['GLOBEX']));
    const alices = await allCases(USERS.alice);
    expect(alices.map((v) => v.id)).toContain(acme.id);
    expect(alices.map((v) => v.id)).not.toContain(globexCase);
    expect(new Set(alices.map((v) => v.organizationId))).toEqual(new Set(['ACME']));
    // Regulator staff see both organisations.
    const sams = (await allCases(USERS.sam)).map((v) => v.id);
    expect(sams).toEqual(expect.arrayContaining([acme.id, globexCase]));
  });

  it('lets officers act only on the cases of their queues, and supervisors on all', async () => {
    const components = await fileCase(
      call,
      USERS.bob,
      advanceReport({
        technologyCategory: 'MULTILAYER_CERAMIC_CAPACITOR',
        contact: { name: 'Bob', email: 'bob@globex.example' },
      }),
    );
    expect(components.queue).toBe('ELECTRONIC_COMPONENTS');
    const olivia = await stack.http('POST', `/api/v1/cases/${components.id}/accept`, {
      as: USERS.olivia,
      body: {},
    });
    expect(olivia.status).toBe(403);
    expect(olivia.body.detail).toContain('ELECTRONIC_COMPONENTS');
    expect((await stack.http('GET', `/api/v1/cases/${components.id}`, { as: USERS.olivia })).status).toBe(
      200,
    );
    const oscar = await stack.http('POST', `/api/v1/cases/${components.id}/accept`, {
      as: USERS.oscar,
      body: {},
    });
    expect(oscar.status).toBe(200);
    expect(oscar.body.status).toBe('IN_CONSULTATION');
    const sue = await stack.http('POST', `/api/v1/cases/${components.id}/queries`, {
      as: USERS.sue,
      body: { question: 'Which plant?' },
    });
    expect(sue.status).toBe(201);
  });

  it('never lets a supervisor approve their own proposal (four eyes)', async () => {
    const view = await fileCase(call, USERS.alice, advanceReport());
    await driveTo(call, view.id as string, 'IN_CONSULTATION');
    const proposal = await stack.http('POST', `/api/v1/cases/${view.id}/inform-proposals`, {
      as: USERS.sam,
      body: { reasons: 'Risk.' },
    });
    expect(proposal.status).toBe(200);
    const own = await stack.http('POST', `/api/v1/cases/${view.id}/approvals/${proposal.body.approvalId}`, {
      as: USERS.sam,
      body: { decision: 'APPROVE' },
    });
    expect(own.status).toBe(403);
    expect(own.body.detail).toMatch(/own proposal/);
    expect((await stack.http('GET', `/api/v1/cases/${view.id}`, { as: USERS.sam })).body.status).toBe(
      'INFORM_PENDING_APPROVAL',
    );
  });

  describe('partners', () => {
    it('see status-level fields of consenting organisations only', async () => {
      const granted = await stack.http('POST', '/api/v1/partner-consents', {
        as: USERS.akira,
        body: { partnerOrganizationId: 'TOOLVENDOR' },
      });
      expect(granted.status).toBe(201);
      const acme = await untouchable.get('GET /cases/{id}')!;
      const one = await stack.http('GET', `/api/v1/cases/${acme.id}`, { as: USERS.partner });
      expect(one.status).toBe(200);
      expect(Object.keys(one.body).sort()).toEqual(PARTNER_VIEW_FIELDS);
      const listed = await allCases(USERS.partner);
      expect(listed.length).toBeGreaterThan(0);
      for (const item of listed) expect(Object.keys(item).sort()).toEqual(PARTNER_VIEW_FIELDS);
      expect(new Set(listed.map((v) => v.organizationId))).toEqual(new Set(['ACME']));
      expect((await stack.http('GET', `/api/v1/cases/${globexCase}`, { as: USERS.partner })).status).toBe(
        404,
      );
      expect(
        (await stack.http('GET', `/api/v1/cases/${globexCase}/timeline`, { as: USERS.partner })).status,
      ).toBe(404);
      const timeline = await stack.http('GET', `/api/v1/cases/${acme.id}/timeline`, { as: USERS.partner });
      expect(timeline.body.items.length).toBeGreaterThan(0);
      for (const t of timeline.body.items) expect(t.actor).toBeNull();
      expect(
        (await stack.http('GET', `/api/v1/cases/${acme.id}/messages`, { as: USERS.partner })).status,
      ).toBe(403);
      expect(
        (await stack.http('GET', `/api/v1/cases/${acme.id}/concern-information`, { as: USERS.partner }))
          .status,
      ).toBe(403);
    });

    it('lose sight of ACME cases the moment akira revokes the consent', async () => {
      const acme = await untouchable.get('GET /cases/{id}')!;
      expect((await stack.http('GET', `/api/v1/cases/${acme.id}`, { as: USERS.partner })).status).toBe(200);
      const revoked = await stack.http('DELETE', '/api/v1/partner-consents/TOOLVENDOR', { as: USERS.akira });
      expect(revoked.status).toBe(200);
      expect(revoked.body.active).toBe(false);
      expect((await stack.http('GET', `/api/v1/cases/${acme.id}`, { as: USERS.partner })).status).toBe(404);
      expect(
        (await stack.http('GET', `/api/v1/cases/${acme.id}/timeline`, { as: USERS.partner })).status,
      ).toBe(404);
      expect(await allCases(USERS.partner)).toEqual([]);
      // Revoking twice: there is no active consent any more.
      expect(
        (await stack.http('DELETE', '/api/v1/partner-consents/TOOLVENDOR', { as: USERS.akira })).status,
      ).toBe(404);
    });
  });

  async function allCases(as: string): Promise<Array<{ id: string; organizationId: string }>> {
    const out: Array<{ id: string; organizationId: string }> = [];
    let cursor: string | null = null;
    do {
      const res: HttpResult = await stack.http(
        'GET',
        `/api/v1/cases?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
        { as },
      );
      expect(res.status).toBe(200);
      out.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return out;
  }
});

function isProblem(res: HttpResult): boolean {
  return (
    (res.headers.get('content-type') ?? '').includes('application/problem+json') &&
    typeof res.body?.type === 'string' &&
    typeof res.body?.title === 'string' &&
    res.body?.status === res.status &&
    typeof res.body?.detail === 'string'
  );
}
