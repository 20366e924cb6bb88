/**
 * When to try a failed delivery again. The worker stores `attemptsMade` and asks for the next delay.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The Standard Webhooks example schedule (spec v1.0.0, "Deliverability and reliability":
 * immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), continued so it spans about three days:
 * entry i is the wait before attempt i + 1, measured from the failure of attempt i. Eleven attempts;
 * the last one comes ≈71.6 h after the first, well past the 24 h minimum our API promises.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = Object.freeze([
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
]);

/**
 * Delay before the next attempt, or null when the schedule is used up (the delivery has failed).
 * `attemptsMade` is how many attempts have already been made, so 0 gives the first attempt (now).
 * Jitter spreads retries by ±`jitter` of the delay, so endpoints that failed together (an outage)
 * are not all retried in the same instant.
 */
export function nextRetryDelayMs(
  attemptsMade: number,
  schedule: readonly number[] = DEFAULT_RETRY_SCHEDULE_MS,
  jitter = 0.2,
  random: () => number = Math.random,
): number | null {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 0)
    throw new RangeError('attemptsMade must be a whole number ≥ 0');
  if (attemptsMade >= schedule.length) return null;
  const base = schedule[attemptsMade];
  const factor = 1 + jitter * (2 * random() - 1); // in [1 - jitter, 1 + jitter)
  return Math.max(0, Math.round(base * factor));
}

/**
 * `Retry-After` as milliseconds from `nowMs`: either delta-seconds or an HTTP-date (RFC 9110
 * §10.2.3). Null when absent or unparseable; a date in the past means "now" (0).
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | null {
  if (header == null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * SECOND;
  // Only accept something that looks like a date: Date.parse would also take e.g. "1.5" or "-3".
  if (!/[a-z]/i.test(value)) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/**
 * Honour a partner's Retry-After, within bounds: never sooner than our own schedule (a partner
 * cannot make us retry faster) and never later than `maxMs` (a huge value would otherwise park the
 * delivery past the point where anyone notices it failing).
 */
export function clampRetryAfter(
  retryAfterMs: number | null,
  scheduledMs: number,
  maxMs: number = 24 * HOUR,
): number {
  if (retryAfterMs == null || !Number.isFinite(retryAfterMs)) return scheduledMs;
  return Math.max(scheduledMs, Math.min(retryAfterMs, maxMs));
}
