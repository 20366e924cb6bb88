import { Webhook } from 'standardwebhooks';
import { advanceReport, eventually, startStack, type Stack } from '../support/stack';
import { TestReceiver } from '../support/receiver';

/**
 * The walking skeleton, end to end over HTTP on the real stack: a company files an advance
 * report, the regulator accepts it, and a partner receives signed webhooks.
 */
describe('walking skeleton: file → accept → signed webhook', () => {
  let stack: Stack;
  let receiver: TestReceiver;
  let secret: string;

  beforeAll(async () => {
    stack = await startStack();
    receiver = await new TestReceiver().start();
    const sub = await stack.http('POST', '/api/v1/webhook-subscriptions', {
      as: 'partner@toolvendor.example',
      body: { url: receiver.url, eventTypes: ['*'] },
    });
    expect(sub.status).toBe(201);
    expect(sub.body.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    secret = sub.body.secret;
  });

  afterAll(async () => {
    await receiver?.stop();
    await stack?.stop();
  });

  it('dev login names the seeded user, and /me says who they are', async () => {
    const me = await stack.http('GET', '/api/v1/me', { as: 'olivia@regulator.example' });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      username: 'olivia@regulator.example',
      roles: ['officer'],
      organizationId: 'REGULATOR',
      clearance: 'CONFIDENTIAL',
    });
    const anonymous = await stack.http('GET', '/api/v1/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    const forged = await stack.http('GET', '/api/v1/me', { headers: { authorization: 'Bearer not.a.token' } });
    expect(forged.status).toBe(401);
    const unknown = await stack.http('POST', '/api/v1/auth/dev-login', { body: { username: 'mallory@evil.example' } });
    expect(unknown.status).toBe(401);
  });

  it('lists every malformed field in one 400 problem, and changes nothing', async () => {
    const res = await stack.http('POST', '/api/v1/cases', {
      as: 'alice@acme.example',
      body: { technologyCategory: 7, counterparty: { country: 'Vietnam' }, plannedContractDate: 'soon' },
    });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('/problems/validation-error');
    const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'technologyCategory',
        'technologyDescription',
        'transactionType',
        'counterparty.name',
        'counterparty.country',
        'counterparty.relationship',
        'plannedContractDate',
        'contact',
      ]),
    );
    const notJson = await stack.http('POST', '/api/v1/cases', {
      as: 'alice@acme.example',
      raw: '{"technologyCategory":',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    const cases = await stack.ds.query('SELECT count(*)::int AS n FROM cases');
    expect(cases[0].n).toBe(0);
  });

  it('refuses well-formed but unacceptable reports with 422 and the reasons', async () => {
    const res = await stack.http('POST', '/api/v1/cases', {
      as: 'alice@acme.example',
      body: advanceReport({
        technologyCategory: 'QUANTUM_TOASTER',
        transactionType: 'JOINT_RESEARCH',
        counterparty: { name: 'Allied Corp', country: 'US', relationship: 'UNRELATED' },
        plannedContractDate: '2020-01-01',
      }),
    });
    expect(res.status).toBe(422);
    const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field).sort();
    expect(fields).toEqual(['counterparty.country', 'plannedContractDate', 'technologyCategory', 'transactionType']);
    const applicantOnly = await stack.http('POST', '/api/v1/cases', { as: 'olivia@regulator.example', body: advanceReport() });
    expect(applicantOnly.status).toBe(403);
  });

  let caseId: string;

  it('files an advance report: 201 with a case number and the acknowledgement deadline', async () => {
    const res = await stack.http('POST', '/api/v1/cases', {
      as: 'alice@acme.example',
      body: advanceReport(),
      headers: { 'idempotency-key': 'skeleton-1' },
    });
    expect(res.status).toBe(201);
    expect(res.body.caseNumber).toMatch(/^TT-\d{4}-\d{6}$/);
    expect(res.body).toMatchObject({ status: 'SUBMITTED', stage: 'ADVANCE_NOTIFICATION', queue: 'SEMICONDUCTORS', organizationId: 'ACME' });
    const ack = (res.body.deadlines as Array<{ clock: string; state: string; dueAt: string }>).find((d) => d.clock === 'acknowledgement');
    expect(ack?.state).toBe('RUNNING');
    expect(Date.parse(ack!.dueAt)).toBeGreaterThan(Date.now() + 4 * 86400_000);
    expect(res.body.expectedTimeline.map((e: { stage: string }) => e.stage)).toContain('CONSULTATION');
    expect(res.headers.get('location')).toBe(`/api/v1/cases/${res.body.id}`);
    caseId = res.body.id;
  });

  it('honours Idempotency-Key: the same request returns the same case; another body is 422', async () => {
    const again = await stack.http('POST', '/api/v1/cases', {
      as: 'alice@acme.example',
      body: advanceReport(),
      headers: { 'idempotency-key': 'skeleton-1' },
    });
    // advanceReport() computes the same date today, so the body is identical.
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(caseId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await stack.http('POST', '/api/v1/cases', {
      as: 'alice@acme.example',
      body: advanceReport({ technologyDescription: 'something else' }),
      headers: { 'idempotency-key': 'skeleton-1' },
    });
    expect(other.status).toBe(422);
    const n = await stack.ds.query('SELECT count(*)::int AS n FROM cases');
    expect(n[0].n).toBe(1);
  });

  it('hides the case from another organisation (404, and not in its list)', async () => {
    const read = await stack.http('GET', `/api/v1/cases/${caseId}`, { as: 'bob@globex.example' });
    expect(read.status).toBe(404);
    const list = await stack.http('GET', '/api/v1/cases', { as: 'bob@globex.example' });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    const own = await stack.http('GET', '/api/v1/cases', { as: 'alice@acme.example' });
    expect(own.body.items.map((c: { id: string }) => c.id)).toEqual([caseId]);
  });

  it('lets only an officer of the case queue accept, then refuses a second accept with 409', async () => {
    const byApplicant = await stack.http('POST', `/api/v1/cases/${caseId}/accept`, { as: 'alice@acme.example' });
    expect(byApplicant.status).toBe(403);
    const otherQueue = await stack.http('POST', `/api/v1/cases/${caseId}/accept`, { as: 'oscar@regulator.example' });
    expect(otherQueue.status).toBe(403);
    const accepted = await stack.http('POST', `/api/v1/cases/${caseId}/accept`, { as: 'olivia@regulator.example' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'IN_CONSULTATION', stage: 'CONSULTATION', assignee: 'olivia@regulator.example' });
    const twice = await stack.http('POST', `/api/v1/cases/${caseId}/accept`, { as: 'olivia@regulator.example' });
    expect(twice.status).toBe(409);
    expect(twice.body.detail).toContain('IN_CONSULTATION');
    const read = await stack.http('GET', `/api/v1/cases/${caseId}`, { as: 'alice@acme.example' });
    expect(read.body.status).toBe('IN_CONSULTATION');
  });

  it('delivers signed CloudEvents that verify with the standardwebhooks package', async () => {
    await eventually(async () => receiver.received.length, (n) => n >= 2, 20000, 'two webhook deliveries');
    const wh = new Webhook(secret);
    const events = receiver.received.map((r) =>
      wh.verify(r.body, {
        'webhook-id': String(r.headers['webhook-id']),
        'webhook-timestamp': String(r.headers['webhook-timestamp']),
        'webhook-signature': String(r.headers['webhook-signature']),
      }) as { id: string; type: string; specversion: string; data: { sequence: number; status: string; caseId: string } },
    );
    expect(receiver.received[0]!.headers['content-type']).toBe('application/cloudevents+json');
    const mine = events.filter((e) => e.data.caseId === caseId).sort((a, b) => a.data.sequence - b.data.sequence);
    expect(mine.map((e) => [e.type, e.data.sequence, e.data.status])).toEqual([
      ['case.submitted', 1, 'SUBMITTED'],
      ['case.status_changed', 2, 'IN_CONSULTATION'],
    ]);
    expect(mine[0]!.specversion).toBe('1.0');
    expect(receiver.received[0]!.headers['webhook-id']).toBe(mine[0]!.id);
    const tampered = () =>
      wh.verify(receiver.received[0]!.body.replace('SUBMITTED', 'CLEARED'), {
        'webhook-id': String(receiver.received[0]!.headers['webhook-id']),
        'webhook-timestamp': String(receiver.received[0]!.headers['webhook-timestamp']),
        'webhook-signature': String(receiver.received[0]!.headers['webhook-signature']),
      });
    expect(tampered).toThrow();
  });

  it('reports health of PostgreSQL, Redis and Temporal, and serves the OpenAPI document', async () => {
    const health = await stack.http('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up', temporal: 'up' } });
    const docs = await stack.http('GET', '/api/docs-json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/v1/cases', '/api/v1/cases/{id}/accept']));
  });
});

describe('bodies the API cannot read', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ dispatcher: false });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses a non-JSON body with 415 and does not run the command', async () => {
    const filed = await stack.http('POST', '/api/v1/cases', { as: 'alice@acme.example', body: advanceReport() });
    const res = await stack.http('POST', `/api/v1/cases/${filed.body.id}/accept`, {
      as: 'olivia@regulator.example',
      raw: 'accept it please',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const after = await stack.http('GET', `/api/v1/cases/${filed.body.id}`, { as: 'alice@acme.example' });
    expect(after.body.status).toBe('SUBMITTED');
  });
});
