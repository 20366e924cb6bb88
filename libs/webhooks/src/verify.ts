import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeSecret } from './signing';
import type { CloudEvent, CaseEventData } from './envelope';

/**
 * Receiver-side verification of our Standard Webhooks signatures, for partners on Node (and for
 * our own tests). It only needs node:crypto, so partners can also copy it.
 */

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

/** Node's `req.headers`, a plain object with any casing, or a fetch `Headers`. */
export type HeaderSource =
  Record<string, string | string[] | undefined> | { get(name: string): string | null };

export interface VerifyWebhookInput {
  /** The endpoint secret, `whsec_…`. */
  secret: string;
  headers: HeaderSource;
  /** The raw body exactly as received: a re-serialised JSON body will not verify. */
  body: string | Buffer;
  /** Replay window either side of now; 5 min as in the reference libraries. */
  toleranceSec?: number;
  /** For tests; defaults to the clock. */
  nowSec?: number;
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function')
    return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  // A header sent twice is not something we ever do: refuse rather than guess which one counts.
  if (Array.isArray(value)) throw new WebhookVerificationError(`duplicate ${name} header`);
  return value;
}

export function verifyWebhook<T = CaseEventData>({
  secret,
  headers,
  body,
  toleranceSec = 300,
  nowSec = Math.floor(Date.now() / 1000),
}: VerifyWebhookInput): CloudEvent<T> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('missing webhook-* headers');

  if (!/^\d+$/.test(timestamp)) throw new WebhookVerificationError('invalid webhook-timestamp');
  const ts = Number(timestamp);
  // Checked before the signature: an old but validly signed request is exactly what a replay is.
  if (nowSec - ts > toleranceSec) throw new WebhookVerificationError('webhook-timestamp too old');
  if (ts - nowSec > toleranceSec)
    throw new WebhookVerificationError('webhook-timestamp too far in the future');

  const raw = typeof body === 'string' ? body : body.toString('utf8');
  const expected = createHmac('sha256', decodeSecret(secret))
    .update(`${id}.${timestamp}.${raw}`, 'utf8')
    .digest();

  // During a secret rotation there are several signatures; any one matching is enough.
  // Unknown versions (e.g. `v1a`) are skipped, as the spec asks.
  const matched = signatures.split(' ').some((entry) => {
    const [version, sig] = entry.split(',', 2);
    if (version !== 'v1' || !sig) return false;
    const given = Buffer.from(sig, 'base64');
    // The length is public (always 32 bytes), so checking it first leaks nothing; the
    // comparison itself is constant-time so it cannot be used as a signing oracle.
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matched) throw new WebhookVerificationError('no matching signature');

  try {
    return JSON.parse(raw) as CloudEvent<T>;
  } catch {
    throw new WebhookVerificationError('body is not JSON');
  }
}
