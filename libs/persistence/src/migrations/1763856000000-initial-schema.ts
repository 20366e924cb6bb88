import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema: organisations and users, the case projection with its timeline, the outbox,
 * the hash-chained audit trail, idempotency keys, reference data and webhook delivery.
 *
 * The workflow owns a case's process state; these tables are its read model, written idempotently
 * by activities keyed by (case id, sequence).
 */
export class InitialSchema1763856000000 implements MigrationInterface {
  name = 'InitialSchema1763856000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organizations (
        id text PRIMARY KEY,
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('APPLICANT', 'REGULATOR', 'PARTNER')),
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE users (
        username text PRIMARY KEY,
        display_name text NOT NULL,
        role text NOT NULL CHECK (role IN ('applicant','applicant_admin','officer','supervisor','regulator_admin','partner')),
        organization_id text NOT NULL REFERENCES organizations(id),
        clearance text NOT NULL CHECK (clearance IN ('NONE','RESTRICTED','CONFIDENTIAL')),
        queues text[] NOT NULL DEFAULT '{}',
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      -- An applicant organisation's consent for a partner to receive its status-level data.
      CREATE TABLE partner_consents (
        organization_id text NOT NULL REFERENCES organizations(id),
        partner_organization_id text NOT NULL REFERENCES organizations(id),
        granted_by text NOT NULL,
        granted_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        revoked_by text,
        PRIMARY KEY (organization_id, partner_organization_id)
      );

      CREATE TABLE case_number_counters (
        year integer PRIMARY KEY,
        value integer NOT NULL
      );
      -- A case id keeps the number it was first given, so a retried filing reuses it.
      CREATE TABLE case_numbers (
        case_id uuid PRIMARY KEY,
        case_number text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      -- The case projection (read model). version only grows: a stale write is ignored.
      CREATE TABLE cases (
        id uuid PRIMARY KEY,
        case_number text NOT NULL UNIQUE,
        organization_id text NOT NULL REFERENCES organizations(id),
        status text NOT NULL,
        stage text NOT NULL,
        queue text NOT NULL,
        assignee text,
        version integer NOT NULL,
        next_deadline_at timestamptz,
        -- next_deadline_at with 'infinity' for none: the keyset sort key of the queues.
        deadline_sort timestamptz NOT NULL DEFAULT 'infinity',
        overdue boolean NOT NULL DEFAULT false,
        escalated boolean NOT NULL DEFAULT false,
        pending_approval_kind text,
        regulator_flags jsonb NOT NULL DEFAULT '[]',
        view jsonb NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX cases_deadline ON cases (deadline_sort, id);
      CREATE INDEX cases_queue_deadline ON cases (queue, deadline_sort, id);
      CREATE INDEX cases_org_deadline ON cases (organization_id, deadline_sort, id);
      CREATE INDEX cases_status_deadline ON cases (status, deadline_sort, id);
      CREATE INDEX cases_assignee_deadline ON cases (assignee, deadline_sort, id);
      CREATE INDEX cases_overdue_deadline ON cases (deadline_sort, id) WHERE overdue;
      CREATE INDEX cases_created ON cases (created_at, id);

      CREATE TABLE case_timeline (
        case_id uuid NOT NULL REFERENCES cases(id),
        sequence integer NOT NULL,
        type text NOT NULL,
        at timestamptz NOT NULL,
        actor text,
        summary text NOT NULL,
        visibility text NOT NULL CHECK (visibility IN ('ALL', 'REGULATOR')),
        data jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (case_id, sequence)
      );

      CREATE TABLE case_messages (
        id uuid PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES cases(id),
        sequence integer NOT NULL,
        author text NOT NULL,
        author_role text NOT NULL,
        body text NOT NULL,
        at timestamptz NOT NULL
      );
      CREATE INDEX case_messages_case ON case_messages (case_id, sequence);

      -- Concern information is written by the API before the workflow accepts it (shared_at null
      -- until then), so its title and body never enter workflow history.
      CREATE TABLE concern_information (
        id uuid PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES cases(id),
        title text NOT NULL,
        body text NOT NULL,
        classification text NOT NULL CHECK (classification IN ('NONE','RESTRICTED','CONFIDENTIAL')),
        shared_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        shared_at timestamptz,
        sequence integer
      );
      CREATE INDEX concern_information_case ON concern_information (case_id, shared_at);

      -- Events leave through this outbox, written in the projection's transaction.
      CREATE TABLE outbox (
        id text PRIMARY KEY,
        case_id uuid NOT NULL,
        organization_id text NOT NULL,
        type text NOT NULL,
        sequence integer NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        relayed_at timestamptz,
        UNIQUE (case_id, sequence)
      );
      CREATE INDEX outbox_unrelayed ON outbox (created_at) WHERE relayed_at IS NULL;

      -- Append-only audit trail; each entry holds the hash of the previous one of its case.
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        case_id uuid NOT NULL,
        position integer NOT NULL,
        source_key text NOT NULL,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        prev_hash text NOT NULL,
        hash text NOT NULL,
        UNIQUE (case_id, position),
        UNIQUE (case_id, source_key)
      );
      CREATE FUNCTION audit_log_refuse_change() RETURNS trigger AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
      END;
      $$ LANGUAGE plpgsql;
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

      CREATE TABLE idempotency_keys (
        username text NOT NULL,
        key text NOT NULL,
        route text NOT NULL,
        request_hash text NOT NULL,
        resource_id text,
        status_code integer,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (username, key)
      );

      CREATE TABLE reference_data_versions (
        kind text NOT NULL,
        version text NOT NULL,
        effective_from date NOT NULL,
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, version)
      );

      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY,
        owner_username text NOT NULL REFERENCES users(username),
        owner_organization_id text NOT NULL REFERENCES organizations(id),
        url text NOT NULL,
        event_types text[] NOT NULL,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text,
        disabled_at timestamptz,
        failing_since timestamptz,
        deleted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY,
        event_id text NOT NULL REFERENCES outbox(id),
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions(id),
        case_id uuid NOT NULL,
        sequence integer NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING','QUEUED','SUCCEEDED','FAILED','EXHAUSTED','SKIPPED')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        UNIQUE (event_id, subscription_id)
      );
      CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, created_at);
      CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (status, updated_at) WHERE status IN ('PENDING','QUEUED');

      CREATE TABLE webhook_attempts (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id),
        attempt integer NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        status_code integer,
        duration_ms integer NOT NULL,
        error text,
        response_snippet text
      );
      CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE webhook_attempts, webhook_deliveries, webhook_subscriptions, reference_data_versions,
        idempotency_keys, outbox, case_numbers, concern_information, case_messages, case_timeline, cases,
        case_number_counters, partner_consents, users, organizations CASCADE;
      DROP TRIGGER audit_log_append_only ON audit_log;
      DROP TRIGGER audit_log_no_truncate ON audit_log;
      DROP TABLE audit_log;
      DROP FUNCTION audit_log_refuse_change();
    `);
  }
}
