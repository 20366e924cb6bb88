import type { DataSource } from 'typeorm';
import { DEFAULT_REFERENCE_VERSIONS, REFERENCE_DATA, SAMPLE_END_USER_LISTS } from '@taiwa/domain';
import { SEED_CONSENTS, SEED_ORGANIZATIONS, SEED_USERS } from './seed-data';

/** Seeds organisations, users, consents and reference data; safe to run again (upserts). */
export async function seedBase(ds: DataSource): Promise<void> {
  await ds.transaction(async (em) => {
    for (const o of SEED_ORGANIZATIONS) {
      await em.query(
        `INSERT INTO organizations (id, name, kind) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind`,
        [o.id, o.name, o.kind],
      );
    }
    for (const u of SEED_USERS) {
      await em.query(
        `INSERT INTO users (username, display_name, role, organization_id, clearance, queues) VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name, role = EXCLUDED.role,
           organization_id = EXCLUDED.organization_id, clearance = EXCLUDED.clearance, queues = EXCLUDED.queues`,
        [u.username, u.name, u.role, u.org, u.clearance, u.queues],
      );
    }
    for (const c of SEED_CONSENTS) {
      await em.query(
        `INSERT INTO partner_consents (organization_id, partner_organization_id, granted_by) VALUES ($1, $2, $3)
         ON CONFLICT (organization_id, partner_organization_id) DO NOTHING`,
        [c.organizationId, c.partnerOrganizationId, c.grantedBy],
      );
    }
    await em.query(
      `INSERT INTO reference_data_versions (kind, version, effective_from, data) VALUES ('advance-report', $1, $2, $3)
       ON CONFLICT (kind, version) DO NOTHING`,
      [REFERENCE_DATA.version, REFERENCE_DATA.effectiveFrom, JSON.stringify(REFERENCE_DATA)],
    );
    // Screening: the versioned reference kinds, and the sample End User Lists as version 1 of a
    // list that has none yet (an uploaded list is never overwritten by a re-seed).
    for (const v of DEFAULT_REFERENCE_VERSIONS) {
      await em.query(
        `INSERT INTO reference_data_versions (kind, version, effective_from, data) VALUES ($1, $2, $3, $4)
         ON CONFLICT (kind, version) DO NOTHING`,
        [v.kind, v.version, v.effectiveFrom, JSON.stringify(v.data)],
      );
    }
    for (const list of SAMPLE_END_USER_LISTS) {
      await em.query(
        `INSERT INTO end_user_list_versions (list_id, version, mode, entries, entry_count, uploaded_by)
         SELECT $1, 1, $2, $3, $4, 'seed' WHERE NOT EXISTS (SELECT 1 FROM end_user_list_versions WHERE list_id = $1)`,
        [list.listId, list.mode, JSON.stringify(list.entries), list.entries.length],
      );
    }
  });
}
