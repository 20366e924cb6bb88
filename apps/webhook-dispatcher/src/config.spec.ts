import { DEFAULT_RETRY_SCHEDULE_MS } from '@taiwa/webhooks';
import { loadDispatcherConfig } from './config';

describe('dispatcher configuration', () => {
  it('defaults to the three-day schedule, a 10 s timeout, 5 days before disabling and a 24 h Retry-After cap', () => {
    const c = loadDispatcherConfig({});
    expect(c.retryScheduleMs).toBe(DEFAULT_RETRY_SCHEDULE_MS);
    expect(c.timeoutMs).toBe(10_000);
    expect(c.disableAfterMs).toBe(5 * 24 * 3600_000);
    expect(c.maxRetryAfterMs).toBe(24 * 3600_000);
    expect(c.lockMs).toBe(30_000);
    expect(c.allowPrivateNetworks).toBeUndefined();
  });

  it('takes a shortened schedule for tests and demos', () => {
    const c = loadDispatcherConfig({
      WEBHOOK_RETRY_SCHEDULE_MS: '0,200,400',
      WEBHOOK_DISABLE_AFTER_MS: '1000',
    });
    expect(c.retryScheduleMs).toEqual([0, 200, 400]);
    expect(c.disableAfterMs).toBe(1000);
  });

  it('names every bad variable instead of starting with a guess', () => {
    expect(() =>
      loadDispatcherConfig({ WEBHOOK_RETRY_SCHEDULE_MS: '5s,10s', WEBHOOK_TIMEOUT_MS: '5' }),
    ).toThrow(
      /WEBHOOK_RETRY_SCHEDULE_MS[\s\S]*WEBHOOK_TIMEOUT_MS|WEBHOOK_TIMEOUT_MS[\s\S]*WEBHOOK_RETRY_SCHEDULE_MS/,
    );
  });
});
