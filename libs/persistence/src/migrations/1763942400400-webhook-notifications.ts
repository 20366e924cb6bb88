import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a subscription's owner is told about their endpoint (disabled after failing, re-enabled),
 * listed by GET /api/v1/webhook-notifications. Also an index for replay by time.
 */
export class WebhookNotifications1763942400400 implements MigrationInterface {
  name = 'WebhookNotifications1763942400400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_notifications (
        id bigserial PRIMARY KEY,
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions(id),
        organization_id text NOT NULL REFERENCES organizations(id),
        type text NOT NULL CHECK (type IN ('webhook.endpoint_disabled', 'webhook.endpoint_enabled')),
        reason text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX webhook_notifications_org ON webhook_notifications (organization_id, created_at);
      CREATE INDEX outbox_created ON outbox (created_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX outbox_created; DROP TABLE webhook_notifications;');
  }
}
