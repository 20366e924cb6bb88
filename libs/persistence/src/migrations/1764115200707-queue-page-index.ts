import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An officer's queue page filters by queue and status and sorts by deadline with a keyset
 * (CasesService.list). With only (queue, …) and (status, …) indexes PostgreSQL walks one of them
 * in deadline order and throws away the rows of the other filter; this index serves the page
 * directly (bench/queue: 10^6 cases, docs/performance.md).
 */
export class QueuePageIndex1764115200707 implements MigrationInterface {
  name = 'QueuePageIndex1764115200707';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE INDEX IF NOT EXISTS cases_queue_status_deadline ON cases (queue, status, deadline_sort, id)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS cases_queue_status_deadline');
  }
}
