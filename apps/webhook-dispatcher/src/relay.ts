import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Client } from 'pg';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { OUTBOX_CHANNEL } from '@taiwa/persistence';

const BATCH = 500;

/**
 * Moves committed outbox events to deliveries (one row per event × subscription, unique in
 * PostgreSQL) and due deliveries into BullMQ. Woken by NOTIFY, with polling as the fallback. A
 * delivery becomes QUEUED only after Redis took its job, so nothing is lost while Redis is down;
 * a QUEUED delivery whose job vanished (Redis restarted empty) goes back to PENDING.
 */
export class OutboxRelay {
  private listener: Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private wake = false;
  private busy: Promise<void> = Promise.resolve();
  private lastSweep = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly queue: Queue,
    private readonly log: Logger,
    private readonly options: { databaseUrl: string; pollMs: number; staleQueuedMs: number },
    /** The queue's Redis connection, to check many job keys in one round trip. */
    private readonly redis: Redis,
  ) {}

  async start(): Promise<void> {
    this.running = true;
    await this.listen();
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.busy;
    await this.listener?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    try {
      const client = new Client({ connectionString: this.options.databaseUrl });
      client.on('error', (err) => {
        this.log.warn({ err: err.message }, 'outbox listener lost; polling until it is back');
        this.listener = null;
        setTimeout(() => this.running && void this.listen(), 2000);
      });
      client.on('notification', () => this.poke());
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = client;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'cannot LISTEN for outbox events; polling');
      setTimeout(() => this.running && void this.listen(), 2000);
    }
  }

  /** Run a pass soon (an event was committed). */
  poke(): void {
    this.wake = true;
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.busy = this.busy.then(() => this.pass());
    }, delay);
  }

  private async pass(): Promise<void> {
    if (!this.running) return;
    this.wake = false;
    let more = false;
    try {
      const fanned = await this.fanOut();
      const queued = await this.enqueueDue();
      if (Date.now() - this.lastSweep > Math.min(this.options.staleQueuedMs, 30000)) {
        this.lastSweep = Date.now();
        await this.sweepLostJobs();
      }
      more = fanned === BATCH || queued === BATCH;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'relay pass failed; will retry');
    }
    this.schedule(more || this.wake ? 0 : this.options.pollMs);
  }

  /** Outbox events → delivery rows for every subscription that may receive them. */
  async fanOut(): Promise<number> {
    return this.ds.transaction(async (em) => {
      const events: Array<{ id: string }> = await em.query(
        `SELECT id FROM outbox WHERE relayed_at IS NULL ORDER BY created_at, sequence LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      if (events.length === 0) return 0;
      const ids = events.map((e) => e.id);
      // A disabled endpoint still gets its rows (FAILED), so re-enabling it replays what it missed.
      await em.query(
        `INSERT INTO webhook_deliveries (id, event_id, subscription_id, case_id, sequence, status, last_error)
         SELECT gen_random_uuid(), o.id, s.id, o.case_id, o.sequence,
                CASE WHEN s.enabled THEN 'PENDING' ELSE 'FAILED' END,
                CASE WHEN s.enabled THEN NULL ELSE 'endpoint disabled' END
         FROM outbox o
         JOIN webhook_subscriptions s ON s.deleted_at IS NULL
           AND ('*' = ANY(s.event_types) OR o.type = ANY(s.event_types))
           AND (s.owner_organization_id = o.organization_id OR EXISTS (
                 SELECT 1 FROM partner_consents pc
                 WHERE pc.organization_id = o.organization_id
                   AND pc.partner_organization_id = s.owner_organization_id AND pc.revoked_at IS NULL))
         WHERE o.id = ANY($1)
         ON CONFLICT (event_id, subscription_id) DO NOTHING`,
        [ids],
      );
      await em.query('UPDATE outbox SET relayed_at = now() WHERE id = ANY($1)', [ids]);
      return ids.length;
    });
  }

  /** Due PENDING deliveries → BullMQ jobs (job id = delivery id), then QUEUED. */
  async enqueueDue(): Promise<number> {
    return this.ds.transaction(async (em) => {
      const due: Array<{ id: string; attempts: number }> = await em.query(
        `SELECT id, attempts FROM webhook_deliveries
         WHERE status = 'PENDING' AND (next_attempt_at IS NULL OR next_attempt_at <= now())
         ORDER BY created_at, sequence LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      if (due.length === 0) return 0;
      await this.queue.addBulk(
        due.map((d) => ({ name: 'deliver', data: { deliveryId: d.id }, opts: { jobId: d.id } })),
      );
      // A manual retry, replay or re-enable of a delivery still waiting for its next attempt: its
      // job already exists (so addBulk added nothing) and would fire only at the scheduled time.
      for (const d of due) {
        if (d.attempts === 0) continue;
        const job = await this.queue.getJob(d.id);
        // It may start meanwhile: then there is nothing to promote.
        if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
      }
      await em.query(
        `UPDATE webhook_deliveries SET status = 'QUEUED', updated_at = now() WHERE id = ANY($1)`,
        [due.map((d) => d.id)],
      );
      return due.length;
    });
  }

  /**
   * QUEUED deliveries whose job is gone from Redis are made PENDING again. Walks all of them in
   * pages (a long list of jobs waiting hours for a retry must not hide the lost ones behind it),
   * checking each page's job keys in one pipeline.
   */
  async sweepLostJobs(): Promise<number> {
    let lost = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const stale: Array<{ id: string }> = await this.ds.query(
        `SELECT id FROM webhook_deliveries WHERE status = 'QUEUED'
         AND updated_at < now() - ($1::text || ' milliseconds')::interval AND id > $2
         ORDER BY id LIMIT ${BATCH}`,
        [String(this.options.staleQueuedMs), after],
      );
      if (stale.length === 0) break;
      const pipeline = this.redis.pipeline();
      for (const d of stale) pipeline.exists(this.queue.toKey(d.id));
      const exists = (await pipeline.exec()) ?? [];
      const gone = stale.filter((_, i) => exists[i]?.[0] === null && exists[i]?.[1] === 0).map((d) => d.id);
      if (gone.length > 0) {
        await this.ds.query(
          `UPDATE webhook_deliveries SET status = 'PENDING', updated_at = now() WHERE id = ANY($1) AND status = 'QUEUED'`,
          [gone],
        );
        lost += gone.length;
      }
      if (stale.length < BATCH) break;
      after = stale[stale.length - 1]!.id;
    }
    if (lost > 0) this.log.warn({ lost }, 're-queued deliveries whose jobs were lost');
    return lost;
  }
}
