import { clampRetryAfter, DEFAULT_RETRY_SCHEDULE_MS, nextRetryDelayMs, parseRetryAfter } from './retry';

const H = 3_600_000;

describe('DEFAULT_RETRY_SCHEDULE_MS', () => {
  it('starts as the Standard Webhooks example (now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) and spans ≈3 days', () => {
    expect(DEFAULT_RETRY_SCHEDULE_MS.slice(0, 8)).toEqual([
      0,
      5e3,
      5 * 60e3,
      30 * 60e3,
      2 * H,
      5 * H,
      10 * H,
      10 * H,
    ]);
    expect(DEFAULT_RETRY_SCHEDULE_MS.slice(8)).toEqual([10 * H, 14 * H, 20 * H]);
    const total = DEFAULT_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    expect(total).toBe(71 * H + 35 * 60e3 + 5e3); // the last attempt 71:35:05 after the first
    expect(total).toBeGreaterThan(2.9 * 24 * H);
    expect(total).toBeLessThan(3.1 * 24 * H);
    expect(Object.isFrozen(DEFAULT_RETRY_SCHEDULE_MS)).toBe(true);
  });
});

describe('nextRetryDelayMs', () => {
  it('follows the schedule without jitter and returns null when exhausted', () => {
    expect(nextRetryDelayMs(0, undefined, 0)).toBe(0);
    expect(nextRetryDelayMs(1, undefined, 0)).toBe(5000);
    expect(nextRetryDelayMs(7, undefined, 0)).toBe(10 * H);
    expect(nextRetryDelayMs(10, undefined, 0)).toBe(20 * H);
    expect(nextRetryDelayMs(11, undefined, 0)).toBeNull();
    expect(nextRetryDelayMs(3, [1, 2], 0)).toBeNull();
  });

  it('keeps jitter within ±20% (the extremes of random())', () => {
    expect(nextRetryDelayMs(4, undefined, 0.2, () => 0)).toBe(0.8 * 2 * H);
    expect(nextRetryDelayMs(4, undefined, 0.2, () => 0.999999)).toBeLessThanOrEqual(1.2 * 2 * H);
    expect(nextRetryDelayMs(4, undefined, 0.2, () => 0.5)).toBe(2 * H);
    for (let i = 0; i < 1000; i++) {
      const d = nextRetryDelayMs(2)!;
      expect(d).toBeGreaterThanOrEqual(0.8 * 300_000);
      expect(d).toBeLessThanOrEqual(1.2 * 300_000);
    }
    expect(nextRetryDelayMs(0)).toBe(0); // the first attempt is immediate, jitter or not
  });

  it('refuses a negative or fractional attempt count', () => {
    expect(() => nextRetryDelayMs(-1)).toThrow(RangeError);
    expect(() => nextRetryDelayMs(1.5)).toThrow(RangeError);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-02T09:00:00Z');
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });
  it('reads an HTTP-date, a past date meaning now', () => {
    expect(parseRetryAfter('Mon, 02 Nov 2026 09:05:00 GMT', now)).toBe(300_000);
    expect(parseRetryAfter('Mon, 02 Nov 2026 08:00:00 GMT', now)).toBe(0);
  });
  it('returns null for absent or garbage values', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('1.5', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});

describe('clampRetryAfter', () => {
  it('honours a Retry-After longer than the schedule', () => {
    expect(clampRetryAfter(600_000, 300_000)).toBe(600_000);
  });
  it('never retries sooner than scheduled', () => {
    expect(clampRetryAfter(1000, 300_000)).toBe(300_000);
  });
  it('never waits longer than maxMs', () => {
    expect(clampRetryAfter(7 * 24 * H, 300_000)).toBe(24 * H);
    expect(clampRetryAfter(10 * H, 300_000, 2 * H)).toBe(2 * H);
  });
  it('uses the schedule when there is no Retry-After', () => {
    expect(clampRetryAfter(null, 300_000)).toBe(300_000);
  });
});
