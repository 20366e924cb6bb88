import { createServer } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { createApiApp } from '../../apps/api/src/app';
import { loadConfig } from '../../apps/api/src/config';
import { advanceReport, eventually, startStack, type Stack } from '../support/stack';
import { TestReceiver, type Received } from '../support/receiver';

/**
 * Webhooks partners can rely on, on the real stack (Temporal, PostgreSQL, Redis, the dispatcher
 * in-process): signed, retried with the same webhook-id, never leaked, never a way into our network.
 */

const PARTNER = 'partner@toolvendor.example';
type Event = {
  id: string;
  type: string;
  time: string;
  data: Record<string, unknown> & { caseId: string; sequence: number };
};

function headersOf(r: Received): Record<string, string> {
  return {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  };
}

/** Verifies with the standardwebhooks package, as a partner would. */
function verify(secret: string, r: Received): Event {
  return new Webhook(secret).verify(r.body, headersOf(r)) as Event;
}

function forCase(receiver: TestReceiver, caseId: string): Received[] {
  return receiver.received.filter((r) => (JSON.parse(r.body) as Event).data.caseId === caseId);
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function subscribe(stack: Stack, url: string, as = PARTNER): Promise<{ id: string; secret: string }> {
  const res = await stack.http('POST', '/api/v1/webhook-subscriptions', {
    as,
    body: { url, eventTypes: ['*'] },
  });
  expect(res.status).toBe(201);
  return { id: res.body.id, secret: res.body.secret };
}

async function fileCase(stack: Stack, as = 'alice@acme.example'): Promise<string> {
  const res = await stack.http('POST', '/api/v1/cases', { as, body: advanceReport() });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function accept(stack: Stack, caseId: string): Promise<void> {
  const res = await stack.http('POST', `/api/v1/cases/${caseId}/accept`, { as: 'olivia@regulator.example' });
  expect(res.status).toBe(200);
}

async function deliveries(stack: Stack, subId: string) {
  const res = await stack.http('GET', `/api/v1/webhook-subscriptions/${subId}/deliveries`, { as: PARTNER });
  expect(res.status).toBe(200);
  return res.body.items as Array<{
    id: string;
    eventId: string;
    caseId: string;
    sequence: number;
    status: string;
    attempts: number;
    lastError: string | null;
    attemptLog: Array<{
      attempt: number;
      statusCode: number | null;
      durationMs: number;
      error: string | null;
    }>;
  }>;
}

describe('webhooks on the real stack', () => {
  let stack: Stack;
  let metricsPort: number;
  const receivers: TestReceiver[] = [];
  const receiver = async () => {
    const r = await new TestReceiver().start();
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    metricsPort = await freePort();
    stack = await startStack({
      dispatcherEnv: { WEBHOOK_MAX_RETRY_AFTER_MS: '1500', METRICS_PORT: String(metricsPort) },
    });
  });

  afterAll(async () => {
    for (const r of receivers) await r.stop();
    await stack?.stop();
  });

  // Each test deletes its subscription, so later tests' events do not pile up on old receivers.
  const unsubscribe = async (id: string) =>
    expect((await stack.http('DELETE', `/api/v1/webhook-subscriptions/${id}`, { as: PARTNER })).status).toBe(
      204,
    );

  it('a receiver that fails twice then succeeds gets each event once, with the same webhook-id on every attempt', async () => {
    const rx = await receiver();
    const seen = new Map<string, number>();
    rx.respond = (r) => {
      const id = String(r.headers['webhook-id']);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      return { status: seen.get(id)! <= 2 ? 500 : 204 };
    };
    const sub = await subscribe(stack, rx.url);
    const caseId = await fileCase(stack);
    await accept(stack, caseId);
    await eventually(
      async () => forCase(rx, caseId).length,
      (n) => n >= 6,
      20000,
      'three attempts of two events',
    );
    await new Promise((r) => setTimeout(r, 500)); // nothing more may come

    const got = forCase(rx, caseId);
    expect(got).toHaveLength(6);
    const events = got.map((r) => verify(sub.secret, r)); // every attempt verifies with standardwebhooks
    const ids = [...new Set(events.map((e) => e.id))];
    expect(ids).toHaveLength(2);
    for (const id of ids) {
      const attempts = got.filter((r) => r.headers['webhook-id'] === id);
      expect(attempts).toHaveLength(3);
      expect(attempts.map((r) => r.body)).toEqual([attempts[0]!.body, attempts[0]!.body, attempts[0]!.body]);
    }
    expect(
      events
        .filter((e, i) => events.findIndex((x) => x.id === e.id) === i)
        .map((e) => e.data.sequence)
        .sort(),
    ).toEqual([1, 2]);

    // The attempt log: every attempt with its status code, duration and error.
    const log = (await deliveries(stack, sub.id)).filter((d) => d.caseId === caseId);
    expect(log).toHaveLength(2);
    for (const d of log) {
      expect(d).toMatchObject({ status: 'SUCCEEDED', attempts: 3, lastError: null });
      expect(ids).toContain(d.eventId);
      expect(d.attemptLog.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([
        [1, 500, 'HTTP 500'],
        [2, 500, 'HTTP 500'],
        [3, 204, null],
      ]);
      for (const a of d.attemptLog) expect(a.durationMs).toEqual(expect.any(Number));
    }
    // Only the owner sees the log.
    const other = await stack.http('GET', `/api/v1/webhook-subscriptions/${sub.id}/deliveries`, {
      as: 'akira@acme.example',
    });
    expect(other.status).toBe(404);
    await unsubscribe(sub.id);
  });

  it('numbers a case’s events 1..n without gaps, and never carries messages or concern information', async () => {
    const rx = await receiver();
    const sub = await subscribe(stack, rx.url);
    const caseId = await fileCase(stack);
    await accept(stack, caseId);
    const secretWords = [
      'MESSAGE-SECRET-7731',
      'QUESTION-SECRET-4410',
      'CONCERN-TITLE-9921',
      'CONCERN-BODY-5512',
      'WITHDRAW-REASON-3307',
    ];
    const as = { as: 'olivia@regulator.example' };
    expect(
      (
        await stack.http('POST', `/api/v1/cases/${caseId}/messages`, {
          ...as,
          body: { body: secretWords[0] },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await stack.http('POST', `/api/v1/cases/${caseId}/queries`, {
          ...as,
          body: { question: secretWords[1] },
        })
      ).status,
    ).toBe(201);
    const concern = await stack.http('POST', `/api/v1/cases/${caseId}/concern-information`, {
      ...as,
      body: { title: secretWords[2], body: secretWords[3], classification: 'RESTRICTED' },
    });
    expect(concern.status).toBe(201);
    const withdrawn = await stack.http('POST', `/api/v1/cases/${caseId}/withdraw`, {
      as: 'alice@acme.example',
      body: { reason: secretWords[4] },
    });
    expect(withdrawn.status).toBe(200);

    const outbox: Array<{ n: number }> = await stack.ds.query(
      'SELECT count(*)::int AS n FROM outbox WHERE case_id = $1',
      [caseId],
    );
    const n = outbox[0]!.n;
    expect(n).toBeGreaterThanOrEqual(4); // submitted, accepted, query raised, withdrawn
    await eventually(
      async () => forCase(rx, caseId).length,
      (k) => k >= n,
      20000,
      'every event of the case',
    );
    const events = forCase(rx, caseId).map((r) => verify(sub.secret, r));
    expect(events.map((e) => e.data.sequence).sort((a, b) => a - b)).toEqual(
      Array.from({ length: n }, (_, i) => i + 1),
    );
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'case.submitted',
        'case.status_changed',
        'case.query_raised',
        'case.withdrawn',
      ]),
    );
    for (const r of forCase(rx, caseId)) {
      for (const word of secretWords) expect(r.body).not.toContain(word);
    }
    for (const e of events) {
      expect(Object.keys(e.data)).not.toEqual(expect.arrayContaining(['body']));
      expect(e.data.caseId).toBe(caseId);
    }
    await unsubscribe(sub.id);
  });

  it('never delivers events of an organisation that does not consent (GLOBEX)', async () => {
    const rx = await receiver();
    const sub = await subscribe(stack, rx.url);
    const globexCase = await fileCase(stack, 'bob@globex.example');
    await accept(stack, globexCase);
    const acmeCase = await fileCase(stack); // filed after: once it arrives, GLOBEX's would have too
    await eventually(
      async () => forCase(rx, acmeCase).length,
      (k) => k >= 1,
      20000,
      'the ACME event',
    );
    await eventually(
      async () =>
        (
          await stack.ds.query(
            'SELECT count(*)::int AS n FROM outbox WHERE case_id = $1 AND relayed_at IS NULL',
            [globexCase],
          )
        )[0].n,
      (k: number) => k === 0,
      10000,
      'GLOBEX events relayed',
    );
    expect(forCase(rx, globexCase)).toEqual([]);
    expect(rx.received.every((r) => (JSON.parse(r.body) as Event).data.organizationId === 'ACME')).toBe(true);
    const rows = await stack.ds.query(
      'SELECT count(*)::int AS n FROM webhook_deliveries WHERE case_id = $1',
      [globexCase],
    );
    expect(rows[0].n).toBe(0);
    // Nor can the partner get them by replay.
    const replay = await stack.http('POST', `/api/v1/webhook-subscriptions/${sub.id}/replay`, {
      as: PARTNER,
      body: { fromSequence: 1, caseId: globexCase },
    });
    expect(replay.status).toBe(202);
    expect(replay.body.scheduled).toBe(0);
    await unsubscribe(sub.id);
  });

  it('stops delivering the moment the organisation revokes consent, even an event being retried', async () => {
    const rx = await receiver();
    rx.respond = () => ({ status: 500 });
    const sub = await subscribe(stack, rx.url);
    const caseId = await fileCase(stack);
    await eventually(
      async () => forCase(rx, caseId).length,
      (k) => k >= 1,
      20000,
      'a first (failing) attempt',
    );

    const revoke = await stack.http('DELETE', '/api/v1/partner-consents/TOOLVENDOR', {
      as: 'akira@acme.example',
    });
    expect(revoke.status).toBe(200);
    expect(revoke.body.active).toBe(false);
    const again = await stack.http('DELETE', '/api/v1/partner-consents/TOOLVENDOR', {
      as: 'akira@acme.example',
    });
    expect(again.status).toBe(404);
    rx.respond = () => ({ status: 204 }); // a healthy endpoint now: still nothing may arrive
    const afterRevoke = rx.received.length;

    const retried = await eventually(
      async () => (await deliveries(stack, sub.id)).find((d) => d.caseId === caseId),
      (d) => d?.status === 'SKIPPED',
      10000,
      'the retried delivery skipped',
    );
    expect(retried!.lastError).toContain('consent');
    const later = await fileCase(stack);
    await accept(stack, later);
    await eventually(
      async () =>
        (
          await stack.ds.query(
            'SELECT count(*)::int AS n FROM outbox WHERE case_id = $1 AND relayed_at IS NULL',
            [later],
          )
        )[0].n,
      (k: number) => k === 0,
      10000,
      'later events relayed',
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(rx.received.length).toBe(afterRevoke);
    expect(forCase(rx, later)).toEqual([]);

    const grant = await stack.http('POST', '/api/v1/partner-consents', {
      as: 'akira@acme.example',
      body: { partnerOrganizationId: 'TOOLVENDOR' },
    });
    expect(grant.status).toBe(201);
    await unsubscribe(sub.id);
  });

  it('does not follow a redirect: the second server receives nothing', async () => {
    const elsewhere = await receiver();
    const rx = await receiver();
    rx.respond = () => ({ status: 302, headers: { location: elsewhere.url } });
    const sub = await subscribe(stack, rx.url);
    const caseId = await fileCase(stack);
    const d = await eventually(
      async () => (await deliveries(stack, sub.id)).find((x) => x.caseId === caseId),
      (x) => (x?.attemptLog.length ?? 0) >= 2,
      20000,
      'two redirected attempts',
    );
    expect(d!.attemptLog[0]).toMatchObject({
      statusCode: 302,
      error: `redirect not followed (302 to ${elsewhere.url})`,
    });
    expect(d!.status).not.toBe('SUCCEEDED');
    expect(elsewhere.received).toEqual([]);
    await unsubscribe(sub.id);
  });

  describe('SSRF', () => {
    let strictApi: INestApplication;
    let strictUrl: string;

    beforeAll(async () => {
      // The same API without the test allow-list, as in production.
      const config = loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        DATABASE_URL: stack.databaseUrl,
        REDIS_URL: process.env.TAIWA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: stack.redisPrefix,
        TEMPORAL_ADDRESS: process.env.TAIWA_TEST_TEMPORAL_ADDRESS,
        TEMPORAL_TASK_QUEUE: stack.taskQueue,
        AUTH_MODE: 'dev',
        LOG_LEVEL: 'silent',
      });
      strictApi = await createApiApp(config);
      await strictApi.listen(0, '127.0.0.1');
      strictUrl = `http://127.0.0.1:${(strictApi.getHttpServer().address() as { port: number }).port}`;
    });

    afterAll(async () => {
      await strictApi?.close();
    });

    it('refuses to subscribe private, loopback and metadata addresses (422), and stores nothing', async () => {
      const before = (await stack.ds.query('SELECT count(*)::int AS n FROM webhook_subscriptions'))[0].n;
      const token = await stack.token(PARTNER);
      const post = (url: string) =>
        fetch(`${strictUrl}/api/v1/webhook-subscriptions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ url, eventTypes: ['*'] }),
        });
      for (const url of [
        'https://127.0.0.1/webhooks',
        'https://localhost/webhooks',
        'https://10.0.0.5/webhooks',
        'https://192.168.1.10/webhooks',
        'https://169.254.169.254/latest/meta-data',
        'https://[::1]/webhooks',
        'https://[::ffff:10.0.0.1]/webhooks',
        'https://0.0.0.0/webhooks',
        'https://2130706433/webhooks', // 127.0.0.1 written as a number
      ]) {
        const res = await post(url);
        expect([url, res.status]).toEqual([url, 422]);
        const problem = (await res.json()) as { errors: Array<{ field: string }> };
        expect(problem.errors[0]!.field).toBe('url');
      }
      // Even with the test allow-list (loopback only), other private ranges stay refused.
      for (const url of [
        'http://10.0.0.5/x',
        'http://169.254.169.254/latest/meta-data',
        'http://0.0.0.0:80/x',
      ]) {
        const res = await stack.http('POST', '/api/v1/webhook-subscriptions', {
          as: PARTNER,
          body: { url, eventTypes: ['*'] },
        });
        expect([url, res.status]).toEqual([url, 422]);
      }
      expect((await stack.ds.query('SELECT count(*)::int AS n FROM webhook_subscriptions'))[0].n).toBe(
        before,
      );
    });

    it('the dispatcher itself refuses to connect when the stored URL points at a disallowed address', async () => {
      const rx = await receiver();
      const sub = await subscribe(stack, rx.url);
      const port = new URL(rx.url).port;
      // 0.0.0.0 reaches this host's loopback listeners on Linux: a classic allow-list bypass.
      await stack.ds.query('UPDATE webhook_subscriptions SET url = $2 WHERE id = $1', [
        sub.id,
        `http://0.0.0.0:${port}/webhooks`,
      ]);
      const caseId = await fileCase(stack);
      const d = await eventually(
        async () => (await deliveries(stack, sub.id)).find((x) => x.caseId === caseId),
        (x) => (x?.attemptLog.length ?? 0) >= 2,
        20000,
        'refused attempts',
      );
      expect(d!.attemptLog[0]!.statusCode).toBeNull();
      expect(d!.attemptLog[0]!.error).toContain('destination address not allowed');
      expect(rx.received).toEqual([]);
      await unsubscribe(sub.id);
    });
  });

  it('after a rotation signs with both secrets, each verifying on its own; the old one stops after the overlap', async () => {
    const rx = await receiver();
    const sub = await subscribe(stack, rx.url);
    const rotated = await stack.http('POST', `/api/v1/webhook-subscriptions/${sub.id}/rotate-secret`, {
      as: PARTNER,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(sub.secret);
    const overlap = Date.parse(rotated.body.previousSecretExpiresAt) - Date.now();
    expect(overlap).toBeGreaterThan(23.9 * 3600_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3600_000);

    const caseId = await fileCase(stack);
    await eventually(
      async () => forCase(rx, caseId).length,
      (k) => k >= 1,
      20000,
      'a delivery during the overlap',
    );
    const during = forCase(rx, caseId)[0]!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(rotated.body.secret, during).data.caseId).toBe(caseId);
    expect(verify(sub.secret, during).data.caseId).toBe(caseId);

    // 24 hours later (the overlap's end, moved to now): only the new secret signs.
    await stack.ds.query(
      "UPDATE webhook_subscriptions SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1",
      [sub.id],
    );
    await accept(stack, caseId);
    await eventually(
      async () => forCase(rx, caseId).length,
      (k) => k >= 2,
      20000,
      'a delivery after the overlap',
    );
    const after = forCase(rx, caseId)[1]!;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verify(rotated.body.secret, after).data.sequence).toBe(2);
    expect(() => verify(sub.secret, after)).toThrow();
    await unsubscribe(sub.id);
  });

  it('replays a case from a sequence, or from a time, with the original webhook-ids', async () => {
    const rx = await receiver();
    const sub = await subscribe(stack, rx.url);
    const caseId = await fileCase(stack);
    await accept(stack, caseId);
    const q = await stack.http('POST', `/api/v1/cases/${caseId}/queries`, {
      as: 'olivia@regulator.example',
      body: { question: 'Which fab?' },
    });
    expect(q.status).toBe(201);
    await eventually(
      async () => forCase(rx, caseId).length,
      (k) => k >= 3,
      20000,
      'three events',
    );
    const original = new Map(
      forCase(rx, caseId)
        .map((r) => verify(sub.secret, r))
        .map((e) => [e.data.sequence, e]),
    );
    expect([...original.keys()].sort()).toEqual([1, 2, 3]);

    const bad = await stack.http('POST', `/api/v1/webhook-subscriptions/${sub.id}/replay`, {
      as: PARTNER,
      body: { fromSequence: 2, since: new Date().toISOString() },
    });
    expect(bad.status).toBe(400);
    const none = await stack.http('POST', `/api/v1/webhook-subscriptions/${sub.id}/replay`, {
      as: PARTNER,
      body: {},
    });
    expect(none.status).toBe(400);
    for (const body of [
      { fromSequence: 1e12 },
      { since: '0000-01-01T00:00:00Z' },
      { fromSequence: 1, caseId: 'not-a-uuid' },
    ]) {
      const res = await stack.http('POST', `/api/v1/webhook-subscriptions/${sub.id}/replay`, {
        as: PARTNER,
        body,
      });
      expect([body, res.status]).toEqual([body, 400]);
    }

    const replay = await stack.http('POST', `/api/v1/webhook-subscriptions/${sub.id}/replay`, {
      as: PARTNER,
      body: { fromSequence: 2, caseId },
    });
    expect(replay.status).toBe(202);
    expect(replay.body.scheduled).toBe(2);
    await eventually(
      async () => forCase(rx, caseId).length,
      (k) => k >= 5,
      20000,
      'two replayed events',
    );
    const replayed = forCase(rx, caseId)
      .slice(3)
      .map((r) => verify(sub.secret, r));
    expect(replayed.map((e) => e.data.sequence).sort()).toEqual([2, 3]);
    for (const e of replayed) expect(e.id).toBe(original.get(e.data.sequence)!.id);

    const since = await stack.http('POST', `/api/v1/webhook-subscriptions/${sub.id}/replay`, {
      as: PARTNER,
      body: { since: original.get(3)!.time, caseId },
    });
    expect(since.status).toBe(202);
    expect(since.body.scheduled).toBe(1);
    await eventually(
      async () => forCase(rx, caseId).length,
      (k) => k >= 6,
      20000,
      'the event replayed by time',
    );
    const byTime = verify(sub.secret, forCase(rx, caseId)[5]!);
    expect(byTime.id).toBe(original.get(3)!.id);
    expect(rx.received[rx.received.length - 1]!.headers['webhook-id']).toBe(original.get(3)!.id);
    await unsubscribe(sub.id);
  });

  it('honours Retry-After, but clamps it (1 s is waited; 3600 s becomes the 1.5 s maximum)', async () => {
    const rx = await receiver();
    const first = new Set<string>();
    rx.respond = (r) => {
      const id = String(r.headers['webhook-id']);
      if (first.has(id)) return { status: 204 };
      first.add(id);
      const event = JSON.parse(r.body) as Event;
      return event.data.sequence === 1
        ? { status: 503, headers: { 'retry-after': '1' } }
        : { status: 429, headers: { 'retry-after': '3600' } };
    };
    const sub = await subscribe(stack, rx.url);
    const caseId = await fileCase(stack);
    await accept(stack, caseId);
    await eventually(
      async () => forCase(rx, caseId).length,
      (k) => k >= 4,
      20000,
      'two attempts of two events',
    );
    const gap = (seq: number) => {
      const tries = forCase(rx, caseId).filter((r) => (JSON.parse(r.body) as Event).data.sequence === seq);
      expect(tries).toHaveLength(2);
      return tries[1]!.at - tries[0]!.at;
    };
    // The schedule alone would retry after about 200 ms.
    expect(gap(1)).toBeGreaterThanOrEqual(950);
    expect(gap(1)).toBeLessThan(1450);
    expect(gap(2)).toBeGreaterThanOrEqual(1450);
    expect(gap(2)).toBeLessThan(4000);
    await unsubscribe(sub.id);
  });

  it('a 410 disables the endpoint and tells its owner; re-enabling replays what it missed', async () => {
    const rx = await receiver();
    rx.respond = () => ({ status: 410 });
    const sub = await subscribe(stack, rx.url);
    const caseId = await fileCase(stack);
    const disabled = await eventually(
      async () => (await stack.http('GET', `/api/v1/webhook-subscriptions/${sub.id}`, { as: PARTNER })).body,
      (s) => s.enabled === false,
      20000,
      'the endpoint disabled',
    );
    expect(disabled.disabledReason).toContain('410');
    const notes = await stack.http('GET', `/api/v1/webhook-notifications?subscriptionId=${sub.id}`, {
      as: PARTNER,
    });
    expect(notes.status).toBe(200);
    expect(notes.body.items).toEqual([
      expect.objectContaining({
        subscriptionId: sub.id,
        type: 'webhook.endpoint_disabled',
        reason: expect.stringContaining('410'),
      }),
    ]);
    // Not the business of another organisation.
    const foreign = await stack.http('GET', '/api/v1/webhook-notifications', { as: 'akira@acme.example' });
    expect(foreign.body.items).toEqual([]);

    await accept(stack, caseId); // missed while disabled
    const missed = await eventually(
      async () => (await deliveries(stack, sub.id)).filter((d) => d.caseId === caseId),
      (ds) => ds.length === 2 && ds.every((d) => d.status === 'FAILED'),
      20000,
      'both deliveries failed',
    );
    expect(missed.find((d) => d.sequence === 1)!.attempts).toBe(1); // 410: no retries
    expect(forCase(rx, caseId)).toHaveLength(1);

    rx.respond = () => ({ status: 204 });
    const enabled = await stack.http('POST', `/api/v1/webhook-subscriptions/${sub.id}/enable`, {
      as: PARTNER,
    });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ enabled: true, replayed: 2 });
    await eventually(
      async () => forCase(rx, caseId).length,
      (k) => k >= 3,
      20000,
      'the missed events',
    );
    const replayed = forCase(rx, caseId)
      .slice(1)
      .map((r) => verify(sub.secret, r));
    expect(replayed.map((e) => e.data.sequence).sort()).toEqual([1, 2]);
    expect(replayed.find((e) => e.data.sequence === 1)!.id).toBe(rx.received[0]!.headers['webhook-id']);
    const after = await stack.http('GET', `/api/v1/webhook-notifications?subscriptionId=${sub.id}`, {
      as: PARTNER,
    });
    expect(after.body.items.map((n: { type: string }) => n.type)).toEqual([
      'webhook.endpoint_enabled',
      'webhook.endpoint_disabled',
    ]);
    await unsubscribe(sub.id);
  });

  it('retries one delivery by hand after its schedule ran out, with the same webhook-id', async () => {
    const rx = await receiver();
    rx.respond = () => ({ status: 500 });
    const sub = await subscribe(stack, rx.url);
    const caseId = await fileCase(stack);
    const exhausted = await eventually(
      async () => (await deliveries(stack, sub.id)).find((d) => d.caseId === caseId),
      (d) => d?.status === 'EXHAUSTED',
      20000,
      'the schedule used up',
    );
    expect(exhausted!.attempts).toBe(5);
    rx.respond = () => ({ status: 200 });
    const missing = await stack.http(
      'POST',
      `/api/v1/webhook-subscriptions/${sub.id}/deliveries/00000000-0000-4000-8000-000000000000/retry`,
      { as: PARTNER },
    );
    expect(missing.status).toBe(404);
    const retry = await stack.http(
      'POST',
      `/api/v1/webhook-subscriptions/${sub.id}/deliveries/${exhausted!.id}/retry`,
      { as: PARTNER },
    );
    expect(retry.status).toBe(202);
    const done = await eventually(
      async () => (await deliveries(stack, sub.id)).find((d) => d.id === exhausted!.id),
      (d) => d?.status === 'SUCCEEDED',
      20000,
      'the retried delivery',
    );
    expect(done!.attemptLog.map((a) => a.statusCode)).toEqual([500, 500, 500, 500, 500, 200]);
    const ids = new Set(forCase(rx, caseId).map((r) => r.headers['webhook-id']));
    expect([...ids]).toEqual([exhausted!.eventId]);
    await unsubscribe(sub.id);
  });

  it('a manual retry of a delivery waiting for its next attempt sends it now, not at the scheduled time', async () => {
    const rx = await receiver();
    rx.respond = (_r, n) => (n === 1 ? { status: 503, headers: { 'retry-after': '3600' } } : { status: 204 });
    const sub = await subscribe(stack, rx.url);
    const caseId = await fileCase(stack);
    const waiting = await eventually(
      async () => (await deliveries(stack, sub.id)).find((d) => d.caseId === caseId),
      (d) => d?.status === 'QUEUED' && d.attempts === 1,
      20000,
      'a delivery waiting 1.5 s for its retry',
    );
    await new Promise((r) => setTimeout(r, 150)); // its job is parked as delayed just after the row says QUEUED
    const asked = Date.now();
    const retry = await stack.http(
      'POST',
      `/api/v1/webhook-subscriptions/${sub.id}/deliveries/${waiting!.id}/retry`,
      { as: PARTNER },
    );
    expect(retry.status).toBe(202);
    await eventually(
      async () => rx.received.length,
      (n) => n >= 2,
      5000,
      'the retried attempt',
    );
    expect(rx.received[1]!.at - asked).toBeLessThan(1000); // the schedule (clamped Retry-After) said 1.5 s after the failure
    expect(rx.received[1]!.headers['webhook-id']).toBe(rx.received[0]!.headers['webhook-id']);
    await new Promise((r) => setTimeout(r, 1700)); // the old scheduled attempt must not send it again
    expect(rx.received).toHaveLength(2);
    await unsubscribe(sub.id);
  });

  it('exposes attempts, failures, latency and queue depth on the dispatcher’s /metrics', async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const value = (line: RegExp) => Number(text.match(line)?.[1] ?? NaN);
    expect(value(/^taiwa_webhook_attempts_total\{outcome="success"\} (\d+)/m)).toBeGreaterThan(10);
    expect(value(/^taiwa_webhook_attempts_total\{outcome="failure"\} (\d+)/m)).toBeGreaterThan(10);
    expect(value(/^taiwa_webhook_attempts_total\{outcome="permanent_failure"\} (\d+)/m)).toBe(1);
    expect(value(/^taiwa_webhook_attempt_duration_seconds_count (\d+)/m)).toBeGreaterThan(20);
    expect(value(/^taiwa_webhook_delivery_latency_seconds_count (\d+)/m)).toBeGreaterThan(10);
    expect(text).toMatch(/^taiwa_webhook_queue_depth\{state="waiting"\} \d+/m);
    expect(text).toMatch(/^taiwa_webhook_queue_depth\{state="delayed"\} \d+/m);
  });
});

describe('an endpoint that keeps failing', () => {
  let stack: Stack;
  let rx: TestReceiver;

  beforeAll(async () => {
    // Disabled after 1 s of failures instead of 5 days; retries every ~300 ms meanwhile.
    stack = await startStack({
      retryScheduleMs: '0,300,300,300,300,300,300,300,300',
      dispatcherEnv: { WEBHOOK_DISABLE_AFTER_MS: '1000' },
    });
    rx = await new TestReceiver().start();
  });

  afterAll(async () => {
    await rx?.stop();
    await stack?.stop();
  });

  it('is disabled after failing too long, its owner is told, and re-enabling replays what it missed', async () => {
    rx.respond = () => ({ status: 500 });
    const sub = await subscribe(stack, rx.url);
    const caseId = await fileCase(stack);
    const off = await eventually(
      async () => (await stack.http('GET', `/api/v1/webhook-subscriptions/${sub.id}`, { as: PARTNER })).body,
      (s) => s.enabled === false,
      20000,
      'the endpoint disabled',
    );
    expect(off.disabledReason).toMatch(/^failing since /);
    expect(off.disabledAt).toEqual(expect.any(String));
    const notes = await stack.http('GET', '/api/v1/webhook-notifications', { as: PARTNER });
    expect(notes.body.items).toEqual([
      expect.objectContaining({ subscriptionId: sub.id, type: 'webhook.endpoint_disabled' }),
    ]);
    const failedAttempts = rx.received.length;
    expect(failedAttempts).toBeGreaterThanOrEqual(3);

    await accept(stack, caseId); // happens while the endpoint is off: recorded, not sent
    await eventually(
      async () =>
        (
          await stack.ds.query(
            "SELECT count(*)::int AS n FROM webhook_deliveries WHERE case_id = $1 AND status = 'FAILED'",
            [caseId],
          )
        )[0].n,
      (n: number) => n === 2,
      10000,
      'both deliveries failed',
    );
    expect(rx.received.length).toBe(failedAttempts);

    rx.respond = () => ({ status: 204 });
    const on = await stack.http('POST', `/api/v1/webhook-subscriptions/${sub.id}/enable`, { as: PARTNER });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ enabled: true, disabledReason: null, replayed: 2 });
    await eventually(
      async () => rx.received.length,
      (n) => n >= failedAttempts + 2,
      20000,
      'the missed events',
    );
    const sent = rx.received.slice(failedAttempts).map((r) => verify(sub.secret, r));
    expect(sent.map((e) => e.data.sequence).sort()).toEqual([1, 2]);
    expect(sent.find((e) => e.data.sequence === 1)!.id).toBe(rx.received[0]!.headers['webhook-id']);
    const ds = await deliveries(stack, sub.id);
    expect(ds.map((d) => d.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  });
});
