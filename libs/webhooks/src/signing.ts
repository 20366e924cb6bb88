import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (spec v1.0.0, symmetric `v1` scheme).
 * Partners verify with any Standard Webhooks library, so the format must match the spec exactly.
 */

export const SECRET_PREFIX = 'whsec_';

/** A new endpoint secret: 32 random bytes (the spec asks for 24–64), shown as `whsec_<base64>`. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

// Node's base64 decoder silently skips bad characters, so check the shape first: a typo in a
// secret must fail loudly rather than sign with a different key.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The raw HMAC key of a `whsec_…` secret (the prefix is optional, as in the reference libraries). */
export function decodeSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (encoded.length === 0 || !BASE64.test(encoded)) {
    throw new Error('webhook secret must be "whsec_" followed by non-empty base64');
  }
  return Buffer.from(encoded, 'base64');
}

function sign(key: Buffer, id: string, timestampSec: number, body: string): string {
  return createHmac('sha256', key).update(`${id}.${timestampSec}.${body}`, 'utf8').digest('base64');
}

/**
 * The `webhook-signature` value: one `v1,<base64>` per secret, space-separated. During a rotation
 * we pass both the new and the old secret, so receivers holding either one keep verifying.
 */
export function signatureHeader(
  secrets: readonly string[],
  id: string,
  timestampSec: number,
  body: string,
): string {
  if (secrets.length === 0) throw new Error('at least one webhook secret is required');
  // The signed string is "id.timestamp.body": an id with a "." would make it ambiguous, and
  // whitespace would break the header, so both are refused (the spec forbids "." in ids).
  if (!/^[^\s.]+$/.test(id)) throw new Error('webhook id must be non-empty, without "." or spaces');
  if (!Number.isSafeInteger(timestampSec) || timestampSec < 0) {
    throw new Error('webhook timestamp must be whole unix seconds');
  }
  return secrets.map((s) => `v1,${sign(decodeSecret(s), id, timestampSec, body)}`).join(' ');
}

export interface WebhookHeaderInput {
  /** The event id; the same on every retry so receivers can dedupe on it. */
  id: string;
  /** Unix seconds of this attempt: re-signed per attempt so a retry is not rejected as stale. */
  timestampSec: number;
  /** The exact bytes that will be sent: any re-serialisation would break the signature. */
  body: string;
  /** Current secret first, then the previous one while a rotation overlaps. */
  secrets: readonly string[];
}

export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
  'content-type': 'application/cloudevents+json';
};

export function webhookHeaders({ id, timestampSec, body, secrets }: WebhookHeaderInput): WebhookHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSec),
    'webhook-signature': signatureHeader(secrets, id, timestampSec, body),
    // CloudEvents structured mode: the whole event (attributes and data) is the JSON body.
    'content-type': 'application/cloudevents+json',
  };
}
