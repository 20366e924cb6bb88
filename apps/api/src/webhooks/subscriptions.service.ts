import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { EgressDeniedError, EgressPolicy, generateSecret, parseAllowList } from '@taiwa/webhooks';
import { OUTBOX_CHANNEL } from '@taiwa/persistence';
import type { UserRecord } from '../auth/users.service';
import { API_CONFIG, type ApiConfig } from '../config';
import { IdempotencyService } from '../common/idempotency.service';
import { malformed, notFound, ProblemError, unprocessable } from '../common/problem';
import { DATA_SOURCE } from '../common/tokens';

/** Secrets overlap this long after a rotation, so receivers can switch without losing events. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

interface SubscriptionRow {
  id: string;
  owner_username: string;
  owner_organization_id: string;
  url: string;
  event_types: string[];
  enabled: boolean;
  disabled_reason: string | null;
  disabled_at: Date | null;
  failing_since: Date | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function publicView(r: SubscriptionRow) {
  return {
    id: r.id,
    url: r.url,
    eventTypes: r.event_types,
    owner: r.owner_username,
    organizationId: r.owner_organization_id,
    enabled: r.enabled,
    disabledReason: r.disabled_reason,
    disabledAt: r.disabled_at?.toISOString() ?? null,
    failingSince: r.failing_since?.toISOString() ?? null,
    previousSecretExpiresAt: r.previous_secret_expires_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  };
}

@Injectable()
export class SubscriptionsService {
  private readonly egress: EgressPolicy;

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(API_CONFIG) config: ApiConfig,
    private readonly idempotency: IdempotencyService,
  ) {
    this.egress = new EgressPolicy({ allowList: parseAllowList(config.webhookAllowPrivateNetworks) });
  }

  async create(
    user: UserRecord,
    body: { url: string; eventTypes: string[] },
    key: string | undefined,
    raw: unknown,
  ) {
    await this.checkUrl(body.url);
    return this.idempotency.run(user.username, key, 'POST /api/v1/webhook-subscriptions', raw, async (id) => {
      const secret = generateSecret();
      const rows: SubscriptionRow[] = await this.ds.query(
        `INSERT INTO webhook_subscriptions (id, owner_username, owner_organization_id, url, event_types, secret)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING *`,
        [id, user.username, user.organizationId, body.url, body.eventTypes, secret],
      );
      const row = rows[0] ?? (await this.load(user, id));
      return { status: 201, body: { ...publicView(row), secret } };
    });
  }

  private async checkUrl(url: string): Promise<void> {
    try {
      await this.egress.assertUrlAllowed(url);
    } catch (err) {
      if (err instanceof EgressDeniedError || err instanceof TypeError) {
        throw unprocessable(
          [{ field: 'url', message: (err as Error).message }],
          'The webhook URL is not allowed.',
        );
      }
      throw err;
    }
  }

  async list(user: UserRecord) {
    const rows: SubscriptionRow[] = await this.ds.query(
      'SELECT * FROM webhook_subscriptions WHERE owner_organization_id = $1 AND deleted_at IS NULL ORDER BY created_at',
      [user.organizationId],
    );
    return { items: rows.map(publicView), nextCursor: null };
  }

  /** The subscription if it belongs to the caller's organisation; otherwise 404. */
  async load(user: UserRecord, id: string): Promise<SubscriptionRow> {
    if (!UUID.test(id)) throw notFound('Subscription');
    const rows: SubscriptionRow[] = await this.ds.query(
      'SELECT * FROM webhook_subscriptions WHERE id = $1 AND owner_organization_id = $2 AND deleted_at IS NULL',
      [id, user.organizationId],
    );
    if (!rows[0]) throw notFound('Subscription');
    return rows[0];
  }

  async get(user: UserRecord, id: string) {
    return publicView(await this.load(user, id));
  }

  async deliveries(user: UserRecord, id: string, limit: number) {
    await this.load(user, id);
    const rows: Array<{
      id: string;
      event_id: string;
      case_id: string;
      sequence: number;
      type: string;
      status: string;
      attempts: number;
      next_attempt_at: Date | null;
      last_status_code: number | null;
      last_error: string | null;
      created_at: Date;
      delivered_at: Date | null;
    }> = await this.ds.query(
      `SELECT d.id, d.event_id, d.case_id, d.sequence, o.type, d.status, d.attempts, d.next_attempt_at,
              d.last_status_code, d.last_error, d.created_at, d.delivered_at
       FROM webhook_deliveries d JOIN outbox o ON o.id = d.event_id
       WHERE d.subscription_id = $1 ORDER BY d.created_at DESC, d.id LIMIT $2`,
      [id, limit],
    );
    const attempts: Array<{
      delivery_id: string;
      attempt: number;
      at: Date;
      status_code: number | null;
      duration_ms: number;
      error: string | null;
    }> = rows.length
      ? await this.ds.query(
          `SELECT delivery_id, attempt, at, status_code, duration_ms, error FROM webhook_attempts
           WHERE delivery_id = ANY($1) ORDER BY delivery_id, attempt`,
          [rows.map((r) => r.id)],
        )
      : [];
    return {
      items: rows.map((r) => ({
        id: r.id,
        eventId: r.event_id,
        eventType: r.type,
        caseId: r.case_id,
        sequence: r.sequence,
        status: r.status,
        attempts: r.attempts,
        nextAttemptAt: r.next_attempt_at?.toISOString() ?? null,
        lastStatusCode: r.last_status_code,
        lastError: r.last_error,
        createdAt: r.created_at.toISOString(),
        deliveredAt: r.delivered_at?.toISOString() ?? null,
        attemptLog: attempts
          .filter((a) => a.delivery_id === r.id)
          .map((a) => ({
            attempt: a.attempt,
            at: a.at.toISOString(),
            statusCode: a.status_code,
            durationMs: a.duration_ms,
            error: a.error,
          })),
      })),
      nextCursor: null,
    };
  }

  /**
   * Re-sends the events this subscription may receive from a sequence or a time on: existing
   * deliveries go back to PENDING (same webhook-id), missing ones are created.
   */
  async replay(
    user: UserRecord,
    id: string,
    body: { fromSequence?: number; since?: string; caseId?: string },
  ) {
    const sub = await this.load(user, id);
    const result: Array<{ count: string }> = await this.ds.query(
      `WITH visible AS (
         SELECT o.id, o.case_id, o.sequence FROM outbox o
         WHERE (o.organization_id = $2 OR EXISTS (
                  SELECT 1 FROM partner_consents pc WHERE pc.organization_id = o.organization_id
                  AND pc.partner_organization_id = $2 AND pc.revoked_at IS NULL))
           AND ($3::int IS NULL OR o.sequence >= $3)
           AND ($4::timestamptz IS NULL OR o.created_at >= $4)
           AND ($5::uuid IS NULL OR o.case_id = $5)
           AND ('*' = ANY($6::text[]) OR o.type = ANY($6::text[]))
       ), upserted AS (
         INSERT INTO webhook_deliveries (id, event_id, subscription_id, case_id, sequence, status)
         SELECT gen_random_uuid(), v.id, $1, v.case_id, v.sequence, 'PENDING' FROM visible v
         ON CONFLICT (event_id, subscription_id) DO UPDATE
           SET status = 'PENDING', next_attempt_at = NULL, updated_at = now()
         RETURNING 1
       ) SELECT count(*)::text AS count FROM upserted`,
      [
        id,
        sub.owner_organization_id,
        body.fromSequence ?? null,
        body.since ?? null,
        body.caseId ?? null,
        sub.event_types,
      ],
    );
    await this.ds.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, 'replay']);
    return { subscriptionId: id, scheduled: Number(result[0]?.count ?? 0) };
  }

  async rotateSecret(user: UserRecord, id: string) {
    await this.load(user, id);
    const secret = generateSecret();
    // Wrapped in a CTE: TypeORM returns [rows, count] for a bare UPDATE, not the rows.
    const rows: SubscriptionRow[] = await this.ds.query(
      `WITH u AS (
         UPDATE webhook_subscriptions SET previous_secret = secret, secret = $2,
           previous_secret_expires_at = now() + ($3::text || ' milliseconds')::interval
         WHERE id = $1 RETURNING *
       ) SELECT * FROM u`,
      [id, secret, String(ROTATION_OVERLAP_MS)],
    );
    return { ...publicView(rows[0]!), secret };
  }

  async retryDelivery(user: UserRecord, id: string, deliveryId: string) {
    await this.load(user, id);
    if (!UUID.test(deliveryId)) throw notFound('Delivery');
    const rows: unknown[] = await this.ds.query(
      `WITH u AS (
         UPDATE webhook_deliveries SET status = 'PENDING', next_attempt_at = NULL, updated_at = now()
         WHERE id = $1 AND subscription_id = $2 RETURNING id
       ) SELECT id FROM u`,
      [deliveryId, id],
    );
    if (rows.length === 0) throw notFound('Delivery');
    await this.ds.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, 'retry']);
    return { deliveryId, status: 'PENDING' };
  }

  /** Re-enables a disabled endpoint and replays what it missed while disabled. */
  async enable(user: UserRecord, id: string) {
    const sub = await this.load(user, id);
    const replayed = await this.ds.transaction(async (em) => {
      const was: Array<{ enabled: boolean }> = await em.query(
        'SELECT enabled FROM webhook_subscriptions WHERE id = $1 FOR UPDATE',
        [id],
      );
      await em.query(
        `UPDATE webhook_subscriptions SET enabled = true, disabled_reason = NULL, disabled_at = NULL, failing_since = NULL
         WHERE id = $1`,
        [id],
      );
      const rows: unknown[] = await em.query(
        `WITH u AS (
           UPDATE webhook_deliveries SET status = 'PENDING', next_attempt_at = NULL, updated_at = now()
           WHERE subscription_id = $1 AND status IN ('FAILED', 'EXHAUSTED') RETURNING 1
         ) SELECT * FROM u`,
        [id],
      );
      if (was[0] && !was[0].enabled) {
        await em.query(
          `INSERT INTO webhook_notifications (subscription_id, organization_id, type, reason)
           VALUES ($1, $2, 'webhook.endpoint_enabled', $3)`,
          [
            id,
            sub.owner_organization_id,
            `re-enabled by ${user.username}; ${rows.length} missed deliveries replayed`,
          ],
        );
      }
      return rows.length;
    });
    await this.ds.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, 'enable']);
    return {
      ...publicView({ ...sub, enabled: true, disabled_reason: null, disabled_at: null, failing_since: null }),
      replayed,
    };
  }

  /** What the organisation was told about its endpoints (disabled after failing, re-enabled). */
  async notifications(user: UserRecord, subscriptionId: string | undefined, limit: number) {
    if (subscriptionId !== undefined) await this.load(user, subscriptionId);
    const rows: Array<{
      id: string;
      subscription_id: string;
      type: string;
      reason: string | null;
      created_at: Date;
    }> = await this.ds.query(
      `SELECT id::text, subscription_id, type, reason, created_at FROM webhook_notifications
         WHERE organization_id = $1 AND ($2::uuid IS NULL OR subscription_id = $2)
         ORDER BY created_at DESC, id DESC LIMIT $3`,
      [user.organizationId, subscriptionId ?? null, limit],
    );
    return {
      items: rows.map((r) => ({
        id: r.id,
        subscriptionId: r.subscription_id,
        type: r.type,
        reason: r.reason,
        at: r.created_at.toISOString(),
      })),
      nextCursor: null,
    };
  }

  async remove(user: UserRecord, id: string) {
    await this.load(user, id);
    await this.ds.query(
      `UPDATE webhook_subscriptions SET enabled = false, disabled_reason = 'deleted by owner', disabled_at = now(),
         deleted_at = now() WHERE id = $1`,
      [id],
    );
  }

  // ---- consent ------------------------------------------------------------------------------

  async consents(user: UserRecord) {
    const rows: Array<{
      partner_organization_id: string;
      granted_by: string;
      granted_at: Date;
      revoked_at: Date | null;
    }> = await this.ds.query(
      `SELECT partner_organization_id, granted_by, granted_at, revoked_at FROM partner_consents
         WHERE organization_id = $1 ORDER BY partner_organization_id`,
      [user.organizationId],
    );
    return {
      items: rows.map((r) => ({
        partnerOrganizationId: r.partner_organization_id,
        grantedBy: r.granted_by,
        grantedAt: r.granted_at.toISOString(),
        revokedAt: r.revoked_at?.toISOString() ?? null,
        active: r.revoked_at === null,
      })),
    };
  }

  async grantConsent(user: UserRecord, partnerOrganizationId: string) {
    const partner: Array<{ kind: string }> = await this.ds.query(
      'SELECT kind FROM organizations WHERE id = $1',
      [partnerOrganizationId],
    );
    if (partner[0]?.kind !== 'PARTNER') {
      throw unprocessable([
        { field: 'partnerOrganizationId', message: `${partnerOrganizationId} is not a partner organisation` },
      ]);
    }
    await this.ds.query(
      `INSERT INTO partner_consents (organization_id, partner_organization_id, granted_by)
       VALUES ($1, $2, $3)
       ON CONFLICT (organization_id, partner_organization_id)
       DO UPDATE SET granted_by = EXCLUDED.granted_by, granted_at = now(), revoked_at = NULL, revoked_by = NULL`,
      [user.organizationId, partnerOrganizationId, user.username],
    );
    return { organizationId: user.organizationId, partnerOrganizationId, active: true };
  }

  async revokeConsent(user: UserRecord, partnerOrganizationId: string) {
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(partnerOrganizationId)) {
      throw malformed([{ field: 'partnerOrganizationId', message: 'not an organisation id' }]);
    }
    const rows: unknown[] = await this.ds.query(
      `WITH u AS (
         UPDATE partner_consents SET revoked_at = now(), revoked_by = $3
         WHERE organization_id = $1 AND partner_organization_id = $2 AND revoked_at IS NULL RETURNING 1
       ) SELECT * FROM u`,
      [user.organizationId, partnerOrganizationId, user.username],
    );
    if (rows.length === 0) throw new ProblemError(404, `No active consent for ${partnerOrganizationId}.`);
    return { organizationId: user.organizationId, partnerOrganizationId, active: false };
  }
}
