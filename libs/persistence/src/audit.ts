import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { canonicalJson } from '@taiwa/domain';

export interface AuditEntryInput {
  /** Idempotency key within the case: a retried writer adds nothing twice. */
  sourceKey: string;
  at: string;
  actor: string;
  action: string;
  details?: Record<string, unknown>;
}

export interface AuditRow {
  position: number;
  at: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);


export function auditHash(caseId: string, entry: Omit<AuditRow, 'hash'>): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        caseId,
        position: entry.position,
        at: new Date(entry.at).toISOString(),
        actor: entry.actor,
        action: entry.action,
        details: entry.details,
        prevHash: entry.prevHash,
      }),
    )
    .digest('hex');
}

/**
 * Appends entries to a case's chain inside the caller's transaction. A per-case advisory lock
 * serialises writers (the worker's projection and the API's read audits).
 */
export async function appendAudit(em: EntityManager, caseId: string, entries: AuditEntryInput[]): Promise<void> {
  if (entries.length === 0) return;
  await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`audit:${caseId}`]);
  const last: Array<{ position: number; hash: string }> = await em.query(
    'SELECT position, hash FROM audit_log WHERE case_id = $1 ORDER BY position DESC LIMIT 1',
    [caseId],
  );
  let position = last[0]?.position ?? 0;
  let prevHash = last[0]?.hash ?? GENESIS_HASH;
  for (const e of entries) {
    const exists: unknown[] = await em.query('SELECT 1 FROM audit_log WHERE case_id = $1 AND source_key = $2', [
      caseId,
      e.sourceKey,
    ]);
    if (exists.length > 0) continue;
    position += 1;
    const row = { position, at: e.at, actor: e.actor, action: e.action, details: e.details ?? {}, prevHash };
    const hash = auditHash(caseId, row);
    await em.query(
      `INSERT INTO audit_log (case_id, position, source_key, at, actor, action, details, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [caseId, position, e.sourceKey, e.at, e.actor, e.action, JSON.stringify(row.details), prevHash, hash],
    );
    prevHash = hash;
  }
}

export interface AuditVerification {
  valid: boolean;
  entries: number;
  /** The first position whose stored hash or link does not match, when invalid. */
  brokenAt: number | null;
  reason: string | null;
}

export async function verifyAuditChain(em: EntityManager, caseId: string): Promise<AuditVerification> {
  const rows: Array<{
    position: number;
    at: Date;
    actor: string;
    action: string;
    details: Record<string, unknown>;
    prev_hash: string;
    hash: string;
  }> = await em.query(
    'SELECT position, at, actor, action, details, prev_hash, hash FROM audit_log WHERE case_id = $1 ORDER BY position',
    [caseId],
  );
  let prev = GENESIS_HASH;
  let expectedPosition = 1;
  for (const r of rows) {
    if (r.position !== expectedPosition) {
      return { valid: false, entries: rows.length, brokenAt: expectedPosition, reason: 'missing entry' };
    }
    if (r.prev_hash !== prev) {
      return { valid: false, entries: rows.length, brokenAt: r.position, reason: 'link to previous entry broken' };
    }
    const recomputed = auditHash(caseId, {
      position: r.position,
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      details: r.details,
      prevHash: r.prev_hash,
    });
    if (recomputed !== r.hash) {
      return { valid: false, entries: rows.length, brokenAt: r.position, reason: 'entry content does not match its hash' };
    }
    prev = r.hash;
    expectedPosition += 1;
  }
  return { valid: true, entries: rows.length, brokenAt: null, reason: null };
}
