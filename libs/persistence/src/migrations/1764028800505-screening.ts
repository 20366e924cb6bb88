import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Screening: End User List versions (public and non-public), stored catch-all screenings that a
 * company can attach to its case, and the append-only audit of every end-user check.
 */
export class Screening1764028800505 implements MigrationInterface {
  name = 'Screening1764028800505';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- Who uploaded a reference-data version through the admin API (null: the seed).
      ALTER TABLE reference_data_versions ADD COLUMN created_by text;

      -- One row per uploaded version; the highest version of a list is in force.
      CREATE TABLE end_user_list_versions (
        list_id text NOT NULL,
        version integer NOT NULL,
        mode text NOT NULL CHECK (mode IN ('PUBLIC', 'NON_PUBLIC')),
        entries jsonb NOT NULL,
        entry_count integer NOT NULL,
        uploaded_by text NOT NULL,
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (list_id, version)
      );

      CREATE TABLE screenings (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('CATCH_ALL')),
        organization_id text NOT NULL REFERENCES organizations(id),
        created_by text NOT NULL,
        input jsonb NOT NULL,
        result jsonb NOT NULL,
        reference_versions jsonb NOT NULL,
        -- Which End User List versions were consulted: for the regulator only (non-public lists).
        list_versions jsonb NOT NULL,
        case_id uuid REFERENCES cases(id),
        attached_by text,
        attached_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX screenings_case ON screenings (case_id, attached_at) WHERE case_id IS NOT NULL;
      CREATE INDEX screenings_org ON screenings (organization_id, created_at);

      -- Every end-user check, in both modes, whatever its outcome. Append-only like audit_log.
      CREATE TABLE screening_audit (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        username text NOT NULL,
        organization_id text NOT NULL,
        list_id text NOT NULL,
        list_version integer,
        mode text NOT NULL CHECK (mode IN ('PUBLIC', 'NON_PUBLIC')),
        context text NOT NULL CHECK (context IN ('END_USER_CHECK', 'CATCH_ALL', 'SUBMISSION')),
        query_name text NOT NULL,
        query_country text,
        -- sha256 of the normalised name: repeated probing of one name shows up however it is spelt.
        query_hash text NOT NULL,
        verdict text NOT NULL CHECK (verdict IN ('MATCH', 'NO_MATCH', 'RATE_LIMITED')),
        case_id uuid,
        screening_id uuid
      );
      CREATE INDEX screening_audit_org ON screening_audit (organization_id, at);
      CREATE INDEX screening_audit_list ON screening_audit (list_id, at);
      CREATE TRIGGER screening_audit_append_only BEFORE UPDATE OR DELETE ON screening_audit
        FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
      CREATE TRIGGER screening_audit_no_truncate BEFORE TRUNCATE ON screening_audit
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER screening_audit_append_only ON screening_audit;
      DROP TRIGGER screening_audit_no_truncate ON screening_audit;
      DROP TABLE screening_audit, screenings, end_user_list_versions;
      ALTER TABLE reference_data_versions DROP COLUMN created_by;
    `);
  }
}
