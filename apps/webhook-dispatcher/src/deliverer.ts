import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import {
  clampRetryAfter,
  deliverWebhook,
  nextRetryDelayMs,
  webhookHeaders,
  type EgressPolicy,
} from '@taiwa/webhooks';
import type { DispatcherMetrics } from './metrics';

export interface DeliveryJobData {
  deliveryId: string;
}

interface DeliveryRow {
  id: string;
  status: string;
  attempts: number;
  event_id: string;
  created_at: Date;
  payload: unknown;
  organization_id: string;
  subscription_id: string;
  url: string;
  enabled: boolean;
  deleted_at: Date | null;
  owner_organization_id: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  may_receive: boolean;
}

export interface DelivererOptions {
  policy: EgressPolicy;
  timeoutMs: number;
  retryScheduleMs: readonly number[];
  disableAfterMs: number;
  /** Upper bound for a partner's Retry-After (24 h; tests shorten it). */
  maxRetryAfterMs?: number;
}

/**
 * Delivers one webhook: re-reads the delivery (a retried or duplicated job sends nothing already
 * sent), checks consent at the moment of sending, signs with the current secret (and the previous
 * one during rotation), posts once, logs the attempt and schedules the next one.
 */
export class Deliverer {
  constructor(
    private readonly ds: DataSource,
    private readonly log: Logger,
    private readonly metrics: DispatcherMetrics,
    private readonly options: DelivererOptions,
  ) {}

  async process(job: Job<DeliveryJobData>, token?: string): Promise<void> {
    const rows: DeliveryRow[] = await this.ds.query(
      `SELECT d.id, d.status, d.attempts, d.event_id, o.created_at, o.payload, o.organization_id,
              s.id AS subscription_id, s.url, s.enabled, s.deleted_at, s.owner_organization_id, s.secret,
              s.previous_secret, s.previous_secret_expires_at, s.failing_since,
              (s.owner_organization_id = o.organization_id OR EXISTS (
                 SELECT 1 FROM partner_consents pc WHERE pc.organization_id = o.organization_id
                 AND pc.partner_organization_id = s.owner_organization_id AND pc.revoked_at IS NULL)) AS may_receive
       FROM webhook_deliveries d
       JOIN outbox o ON o.id = d.event_id
       JOIN webhook_subscriptions s ON s.id = d.subscription_id
       WHERE d.id = $1`,
      [job.data.deliveryId],
    );
    const d = rows[0];
    if (!d || !['PENDING', 'QUEUED'].includes(d.status)) return;
    if (!d.may_receive) return this.settle(d.id, 'SKIPPED', 'consent revoked: not sent');
    if (!d.enabled || d.deleted_at) return this.settle(d.id, 'FAILED', 'endpoint disabled');

    const attempt = d.attempts + 1;
    const body = JSON.stringify(d.payload);
    const now = Date.now();
    const secrets = [d.secret];
    if (d.previous_secret && d.previous_secret_expires_at && d.previous_secret_expires_at.getTime() > now) {
      secrets.push(d.previous_secret);
    }
    const headers = webhookHeaders({ id: d.event_id, timestampSec: Math.floor(now / 1000), body, secrets });
    const result = await deliverWebhook({
      url: d.url,
      headers: { ...headers, 'user-agent': 'Taiwa-Webhooks/1' },
      body,
      policy: this.options.policy,
      timeoutMs: this.options.timeoutMs,
    });
    this.metrics.attempts.inc({
      outcome: result.ok ? 'success' : result.permanent ? 'permanent_failure' : 'failure',
    });
    this.metrics.attemptDuration.observe(result.durationMs / 1000);

    if (result.ok) {
      this.metrics.deliveryLatency.observe((Date.now() - d.created_at.getTime()) / 1000);
      await this.ds.transaction(async (em) => {
        await this.logAttempt(em, d.id, attempt, result);
        await em.query(
          `UPDATE webhook_deliveries SET status = 'SUCCEEDED', attempts = $2, last_status_code = $3, last_error = NULL,
             delivered_at = now(), next_attempt_at = NULL, updated_at = now() WHERE id = $1`,
          [d.id, attempt, result.statusCode],
        );
        await em.query(
          'UPDATE webhook_subscriptions SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL',
          [d.subscription_id],
        );
      });
      return;
    }

    const scheduled = result.permanent ? null : nextRetryDelayMs(attempt, this.options.retryScheduleMs);
    const delay =
      scheduled === null
        ? null
        : clampRetryAfter(result.retryAfterMs, scheduled, this.options.maxRetryAfterMs);
    const failingSince = d.failing_since?.getTime() ?? now;
    const disable = now - failingSince >= this.options.disableAfterMs || result.permanent;
    // A disabled endpoint's delivery is FAILED at once, so re-enabling it sends it again.
    const status = disable ? 'FAILED' : delay === null ? 'EXHAUSTED' : 'QUEUED';
    const nextAt = status === 'QUEUED' && delay !== null ? now + delay : null;
    await this.ds.transaction(async (em) => {
      await this.logAttempt(em, d.id, attempt, result);
      await em.query(
        `UPDATE webhook_deliveries SET status = $2, attempts = $3, last_status_code = $4, last_error = $5,
           next_attempt_at = $6, updated_at = now() WHERE id = $1`,
        [d.id, status, attempt, result.statusCode, result.error, nextAt === null ? null : new Date(nextAt)],
      );
      await em.query(
        `UPDATE webhook_subscriptions SET failing_since = COALESCE(failing_since, $2) WHERE id = $1`,
        [d.subscription_id, new Date(failingSince)],
      );
      if (disable) {
        const reason = result.permanent
          ? `the endpoint answered ${result.statusCode} (gone)`
          : `failing since ${new Date(failingSince).toISOString()}`;
        const disabled: unknown[] = await em.query(
          `UPDATE webhook_subscriptions SET enabled = false, disabled_at = now(), disabled_reason = $2
           WHERE id = $1 AND enabled RETURNING id`,
          [d.subscription_id, reason],
        );
        // The owner is told once, in the same transaction as the flag (GET /webhook-notifications).
        if (disabled.length > 0) {
          await em.query(
            `INSERT INTO webhook_notifications (subscription_id, organization_id, type, reason)
             VALUES ($1, $2, 'webhook.endpoint_disabled', $3)`,
            [d.subscription_id, d.owner_organization_id, reason],
          );
          this.log.warn({ subscriptionId: d.subscription_id, reason }, 'webhook endpoint disabled');
        }
      }
    });
    if (nextAt !== null) {
      await job.moveToDelayed(nextAt, token);
      throw new DelayedError();
    }
  }

  private async settle(id: string, status: 'SKIPPED' | 'FAILED', reason: string): Promise<void> {
    await this.ds.query(
      `UPDATE webhook_deliveries SET status = $2, last_error = $3, updated_at = now() WHERE id = $1`,
      [id, status, reason],
    );
  }

  private async logAttempt(
    em: { query: DataSource['query'] },
    deliveryId: string,
    attempt: number,
    r: {
      statusCode: number | null;
      durationMs: number;
      error: string | null;
      responseSnippet: string | null;
    },
  ): Promise<void> {
    await em.query(
      `INSERT INTO webhook_attempts (delivery_id, attempt, status_code, duration_ms, error, response_snippet)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [deliveryId, attempt, r.statusCode, Math.round(r.durationMs), r.error, r.responseSnippet],
    );
  }
}
