import { Webhook } from 'standardwebhooks';
import { generateSecret, webhookHeaders } from './signing';
import { verifyWebhook, WebhookVerificationError } from './verify';

const NOW = 1_800_000_000;
const secret = generateSecret();
const event = {
  specversion: '1.0',
  id: 'evt_9',
  type: 'case.submitted',
  data: { caseId: 'c9', sequence: 1 },
};
const body = JSON.stringify(event);
const signed = (overrides: { ts?: number; secrets?: string[] } = {}) =>
  webhookHeaders({
    id: 'evt_9',
    timestampSec: overrides.ts ?? NOW,
    body,
    secrets: overrides.secrets ?? [secret],
  });

describe('verifyWebhook', () => {
  it('returns the parsed event for a valid delivery (string or Buffer body, any header case)', () => {
    expect(verifyWebhook({ secret, headers: signed(), body, nowSec: NOW })).toEqual(event);
    const upper = Object.fromEntries(Object.entries(signed()).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhook({ secret, headers: upper, body: Buffer.from(body), nowSec: NOW })).toEqual(event);
  });

  it('accepts a fetch Headers object', () => {
    expect(verifyWebhook({ secret, headers: new Headers(signed()), body, nowSec: NOW })).toEqual(event);
  });

  it('accepts any one of several signatures (rotation) and skips unknown versions', () => {
    const other = generateSecret();
    const headers = signed({ secrets: [other, secret] });
    expect(verifyWebhook({ secret, headers, body, nowSec: NOW })).toEqual(event);
    const withV1a = { ...signed(), 'webhook-signature': `v1a,AAAA ${signed()['webhook-signature']}` };
    expect(verifyWebhook({ secret, headers: withV1a, body, nowSec: NOW })).toEqual(event);
  });

  it('agrees with standardwebhooks on what it accepts', () => {
    const nowSec = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders({ id: 'evt_9', timestampSec: nowSec, body, secrets: [secret] });
    expect(verifyWebhook({ secret, headers, body })).toEqual(new Webhook(secret).verify(body, headers));
  });

  const rejects = (input: Parameters<typeof verifyWebhook>[0], message: RegExp) => {
    expect(() => verifyWebhook(input)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(input)).toThrow(message);
  };

  it('rejects a tampered body', () => {
    rejects(
      { secret, headers: signed(), body: body.replace('c9', 'c8'), nowSec: NOW },
      /no matching signature/,
    );
  });

  it('rejects a wrong secret', () => {
    rejects({ secret: generateSecret(), headers: signed(), body, nowSec: NOW }, /no matching signature/);
  });

  it('rejects a changed webhook-id or timestamp (both are signed)', () => {
    rejects({ secret, headers: { ...signed(), 'webhook-id': 'evt_10' }, body, nowSec: NOW }, /no matching/);
    rejects(
      { secret, headers: { ...signed(), 'webhook-timestamp': String(NOW + 1) }, body, nowSec: NOW },
      /no matching/,
    );
  });

  it('rejects stale and future timestamps beyond the tolerance, accepts the edge', () => {
    expect(verifyWebhook({ secret, headers: signed({ ts: NOW - 300 }), body, nowSec: NOW })).toEqual(event);
    rejects({ secret, headers: signed({ ts: NOW - 301 }), body, nowSec: NOW }, /too old/);
    rejects({ secret, headers: signed({ ts: NOW + 301 }), body, nowSec: NOW }, /future/);
    rejects({ secret, headers: signed({ ts: NOW - 61 }), body, nowSec: NOW, toleranceSec: 60 }, /too old/);
  });

  it('rejects missing or malformed headers', () => {
    const { 'webhook-signature': _sig, ...noSignature } = signed();
    rejects({ secret, headers: noSignature, body, nowSec: NOW }, /missing/);
    rejects({ secret, headers: {}, body, nowSec: NOW }, /missing/);
    rejects({ secret, headers: { ...signed(), 'webhook-timestamp': '12abc' }, body, nowSec: NOW }, /invalid/);
    rejects(
      { secret, headers: { ...signed(), 'webhook-signature': 'v1,' }, body, nowSec: NOW },
      /no matching/,
    );
    rejects({ secret, headers: { ...signed(), 'webhook-id': ['a', 'b'] }, body, nowSec: NOW }, /duplicate/);
  });
});
