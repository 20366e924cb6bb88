import { Webhook, WebhookVerificationError as LibError } from 'standardwebhooks';
import { decodeSecret, generateSecret, signatureHeader, webhookHeaders } from './signing';

const now = () => Math.floor(Date.now() / 1000);
const body = JSON.stringify({ specversion: '1.0', id: 'evt_1', data: { caseId: 'c1', sequence: 1 } });

describe('generateSecret / decodeSecret', () => {
  it('makes whsec_ secrets holding 32 random bytes', () => {
    const a = generateSecret();
    const b = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(decodeSecret(a)).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('accepts the secret with or without its prefix and refuses malformed ones', () => {
    const s = generateSecret();
    expect(decodeSecret(s.slice('whsec_'.length))).toEqual(decodeSecret(s));
    expect(() => decodeSecret('whsec_')).toThrow();
    expect(() => decodeSecret('whsec_not base64!')).toThrow();
  });
});

describe('signatureHeader', () => {
  it('matches the standardwebhooks reference implementation byte for byte', () => {
    const secret = generateSecret();
    const ts = 1674087231;
    expect(signatureHeader([secret], 'evt_1', ts, body)).toBe(
      new Webhook(secret).sign('evt_1', new Date(ts * 1000), body),
    );
  });

  it('sends one v1 signature per secret, space-separated', () => {
    const header = signatureHeader([generateSecret(), generateSecret()], 'evt_1', now(), body);
    expect(header).toMatch(/^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('refuses ids that would make the signed string ambiguous, and no secrets', () => {
    expect(() => signatureHeader([generateSecret()], 'evt.1', now(), body)).toThrow();
    expect(() => signatureHeader([generateSecret()], '', now(), body)).toThrow();
    expect(() => signatureHeader([], 'evt_1', now(), body)).toThrow();
    expect(() => signatureHeader([generateSecret()], 'evt_1', 1.5, body)).toThrow();
  });
});

describe('webhookHeaders', () => {
  it('verifies with standardwebhooks Webhook(secret).verify', () => {
    const secret = generateSecret();
    const headers = webhookHeaders({ id: 'evt_1', timestampSec: now(), body, secrets: [secret] });
    expect(headers['content-type']).toBe('application/cloudevents+json');
    expect(headers['webhook-id']).toBe('evt_1');
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('during a rotation, receivers holding either the new or the old secret verify', () => {
    const oldSecret = generateSecret();
    const newSecret = generateSecret();
    const headers = webhookHeaders({
      id: 'evt_2',
      timestampSec: now(),
      body,
      secrets: [newSecret, oldSecret],
    });
    expect(new Webhook(newSecret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(oldSecret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow(LibError);
  });

  it('a changed body or a stale timestamp fails standardwebhooks verification', () => {
    const secret = generateSecret();
    const headers = webhookHeaders({ id: 'evt_3', timestampSec: now(), body, secrets: [secret] });
    expect(() => new Webhook(secret).verify(body.replace('c1', 'c2'), headers)).toThrow(LibError);
    const stale = webhookHeaders({ id: 'evt_3', timestampSec: now() - 301, body, secrets: [secret] });
    expect(() => new Webhook(secret).verify(body, stale)).toThrow(LibError);
  });
});
