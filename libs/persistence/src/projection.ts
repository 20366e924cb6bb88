import type { DataSource } from 'typeorm';
import { isTerminal, type ProjectionBatch } from '@taiwa/domain';
import { toCloudEvent, type WebhookEventType } from '@taiwa/webhooks';
import { appendAudit } from './audit';

export const OUTBOX_CHANNEL = 'taiwa_outbox';

/**
 * Commits one workflow step: the case row, its timeline, messages, shared concern information, the
 * audit entries and the outbox events, in one transaction. Idempotent: the case row only moves
 * forward in version, and every other row is keyed by (case id, sequence) or its own id, so a
 * retried activity writes nothing twice.
 */
export async function applyProjection(ds: DataSource, batch: ProjectionBatch): Promise<void> {
  const s = batch.snapshot;
  await ds.transaction(async (em) => {
    await em.query(
      `INSERT INTO cases (id, case_number, organization_id, status, stage, queue, assignee, version, next_deadline_at,
                          deadline_sort, overdue, escalated, pending_approval_kind, view, created_by, created_at, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,COALESCE($9::timestamptz, 'infinity'),$10,$11,$12,$13,$14,$15,$16)
       ON CONFLICT (id) DO UPDATE SET
         status = EXCLUDED.status, stage = EXCLUDED.stage, queue = EXCLUDED.queue, assignee = EXCLUDED.assignee,
         version = EXCLUDED.version, next_deadline_at = EXCLUDED.next_deadline_at,
         deadline_sort = EXCLUDED.deadline_sort, overdue = EXCLUDED.overdue,
         escalated = EXCLUDED.escalated, pending_approval_kind = EXCLUDED.pending_approval_kind,
         view = EXCLUDED.view, updated_at = EXCLUDED.updated_at
       WHERE cases.version < EXCLUDED.version`,
      [
        s.id,
        s.caseNumber,
        s.organizationId,
        s.status,
        s.stage,
        s.queue,
        s.assignee,
        s.version,
        s.nextDeadlineAt,
        s.overdue,
        s.escalations.length > 0 && !isTerminal(s.status),
        s.pendingApproval?.kind ?? null,
        JSON.stringify(s),
        s.submittedBy,
        s.createdAt,
        s.updatedAt,
      ],
    );
    for (const t of batch.timeline) {
      await em.query(
        `INSERT INTO case_timeline (case_id, sequence, type, at, actor, summary, visibility, data)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (case_id, sequence) DO NOTHING`,
        [s.id, t.sequence, t.type, t.at, t.actor, t.summary, t.visibility, JSON.stringify(t.data)],
      );
    }
    for (const m of batch.messages) {
      await em.query(
        `INSERT INTO case_messages (id, case_id, sequence, author, author_role, body, at)
         VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (id) DO NOTHING`,
        [m.id, s.id, m.sequence, m.author, m.authorRole, m.body, m.at],
      );
    }
    for (const c of batch.sharedConcerns) {
      await em.query(
        `UPDATE concern_information SET shared_at = $3, sequence = $2 WHERE id = $1 AND case_id = $4 AND shared_at IS NULL`,
        [c.id, c.sequence, c.at, s.id],
      );
    }
    await appendAudit(
      em,
      s.id,
      batch.timeline.map((t) => ({
        sourceKey: `timeline:${t.sequence}`,
        at: t.at,
        actor: t.actor ?? 'system',
        action: t.type,
        details: { sequence: t.sequence, summary: t.summary, ...t.data },
      })),
    );
    for (const e of batch.outbox) {
      const payload = toCloudEvent({ id: e.id, type: e.type as WebhookEventType, caseId: s.id, time: e.at, data: e.data as never });
      await em.query(
        `INSERT INTO outbox (id, case_id, organization_id, type, sequence, payload, created_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING`,
        [e.id, s.id, s.organizationId, e.type, e.sequence, JSON.stringify(payload), e.at],
      );
    }
    if (batch.outbox.length > 0) await em.query(`SELECT pg_notify($1, $2)`, [OUTBOX_CHANNEL, s.id]);
  });
}
