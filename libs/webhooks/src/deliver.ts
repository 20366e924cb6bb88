import type { LookupAddress, LookupOptions } from 'node:dns';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { parseRetryAfter } from './retry';
import { EgressDeniedError, EgressPolicy, type ResolvedAddress } from './ssrf';

/**
 * One HTTP attempt of one webhook. It never throws: every outcome becomes a DeliveryResult for the
 * attempt log, and the caller decides about retries (see retry.ts).
 */

export interface DeliverWebhookInput {
  url: string;
  /** From webhookHeaders(); signed for this attempt. */
  headers: Record<string, string>;
  body: string;
  policy: EgressPolicy;
  /** Covers everything: DNS, connect, TLS, waiting for the answer and reading it. */
  timeoutMs?: number;
  /** How much of the answer is kept for the attempt log; the rest is never read. */
  maxResponseBytes?: number;
}

export interface DeliveryResult {
  /** 2xx. */
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseSnippet: string | null;
  /** From Retry-After on a 429 or 503; pass through clampRetryAfter before using it. */
  retryAfterMs: number | null;
  /** 410 Gone: the partner asked us to stop, so disable the endpoint instead of retrying. */
  permanent: boolean;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A net.connect `lookup` that ignores DNS and always answers with the address we already checked,
 * so a second resolution (DNS rebinding) cannot send the request somewhere else.
 * Node calls it with `all: true` when happy-eyeballs is on, so both answer shapes are supported.
 */
function pinnedLookup(pinned: ResolvedAddress) {
  return (_hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
}

function describe(err: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timeout after ${timeoutMs} ms`;
  if (err instanceof EgressDeniedError) return err.message;
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e?.code ?? e?.cause?.code;
  const message = e?.message ?? String(err);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

export async function deliverWebhook({
  url,
  headers,
  body,
  policy,
  timeoutMs = 10_000,
  maxResponseBytes = 4096,
}: DeliverWebhookInput): Promise<DeliveryResult> {
  const started = performance.now();
  const result = (fields: Partial<DeliveryResult>): DeliveryResult => ({
    ok: false,
    statusCode: null,
    error: null,
    responseSnippet: null,
    retryAfterMs: null,
    permanent: false,
    ...fields,
    durationMs: Math.round(performance.now() - started),
  });

  // One deadline for the whole attempt, DNS included.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timeout after ${timeoutMs} ms`));
  }, timeoutMs);
  let agent: Agent | undefined;

  try {
    // Resolve once and check every address; the same answer is then used for the connection.
    const aborted = new Promise<never>((_, reject) =>
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }),
    );
    aborted.catch(() => undefined); // only observed through the race below
    const destination = await Promise.race([policy.checkUrl(url), aborted]);

    // A fresh agent per attempt: its pinned lookup belongs to this destination only, and a shared
    // pool could hand us a socket opened for another address.
    agent = new Agent({ connect: { lookup: pinnedLookup(destination.addresses[0]) } });

    const response = await request(destination.url, {
      method: 'POST',
      headers,
      body,
      dispatcher: agent,
      signal: controller.signal,
      // undici's request() does not follow redirects unless asked; a 3xx is reported below.
    });

    // Read only the first maxResponseBytes; leaving the loop destroys the stream, so a huge or
    // endless answer costs us no more than that.
    const chunks: Buffer[] = [];
    let size = 0;
    if (maxResponseBytes > 0) {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= maxResponseBytes) break;
      }
    }
    response.body.destroy(); // no-op if fully read; otherwise drops the unread rest
    const snippet = Buffer.concat(chunks).subarray(0, maxResponseBytes).toString('utf8');

    const statusCode = response.statusCode;
    const retryAfterHeader = response.headers['retry-after'];
    const retryAfterMs =
      statusCode === 429 || statusCode === 503
        ? parseRetryAfter(
            Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader,
            Date.now(),
          )
        : null;

    let error: string | null = null;
    if (statusCode >= 300 && statusCode < 400) {
      // Following would send signed data to a URL the partner never registered (and never passed
      // our checks); partners must update the endpoint URL instead.
      const location = response.headers.location;
      error = `redirect not followed (${statusCode}${location ? ` to ${String(location)}` : ''})`;
    } else if (statusCode === 410) {
      error = 'HTTP 410 Gone: endpoint asked to stop receiving webhooks';
    } else if (statusCode < 200 || statusCode >= 300) {
      error = `HTTP ${statusCode}`;
    }

    return result({
      ok: error === null,
      statusCode,
      error,
      responseSnippet: snippet,
      retryAfterMs,
      permanent: statusCode === 410,
    });
  } catch (err) {
    return result({ error: describe(err, timedOut, timeoutMs) });
  } finally {
    clearTimeout(timer);
    // destroy(), not close(): nothing on this agent is worth waiting for.
    agent?.destroy().catch(() => undefined);
  }
}
