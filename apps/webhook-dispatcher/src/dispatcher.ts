import { createServer, type Server } from 'node:http';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createDataSource } from '@taiwa/persistence';
import { EgressPolicy, parseAllowList } from '@taiwa/webhooks';
import type { DataSource } from 'typeorm';
import { DELIVERY_QUEUE, type DispatcherConfig } from './config';
import { Deliverer, type DeliveryJobData } from './deliverer';
import { createMetrics } from './metrics';
import { OutboxRelay } from './relay';

export interface Dispatcher {
  relay: OutboxRelay;
  queue: Queue<DeliveryJobData>;
  worker: Worker<DeliveryJobData>;
  dataSource: DataSource;
  metricsServer: Server | null;
  /** Stops taking work, lets in-flight deliveries finish (or returns them), closes everything. */
  close(timeoutMs?: number): Promise<void>;
}

/** Waits for `p`, but no longer than `ms` (its outcome is then ignored). */
async function within(p: Promise<unknown>, ms: number): Promise<void> {
  await Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, ms).unref())]);
}

/** The relay, the BullMQ worker and the metrics endpoint, wired together. */
export async function startDispatcher(config: DispatcherConfig, log: Logger): Promise<Dispatcher> {
  const dataSource = createDataSource({
    url: config.databaseUrl,
    poolSize: 10,
    applicationName: 'taiwa-dispatcher',
  });
  await dataSource.initialize();
  const connection = { maxRetriesPerRequest: null, enableOfflineQueue: true } as const;
  const queueConnection = new Redis(config.redisUrl, { ...connection, enableOfflineQueue: false });
  queueConnection.on('error', (err) => log.warn({ err: err.message }, 'redis (queue) error'));
  const queue = new Queue<DeliveryJobData>(DELIVERY_QUEUE, {
    connection: queueConnection,
    prefix: config.redisPrefix,
    defaultJobOptions: {
      removeOnComplete: true,
      removeOnFail: true,
      // Infrastructure errors (database down mid-job) retry here; HTTP failures are scheduled by the Deliverer.
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
    },
  });
  queue.on('error', (err) => log.warn({ err: err.message }, 'delivery queue error'));
  const policy = new EgressPolicy({ allowList: parseAllowList(config.allowPrivateNetworks) });
  if (config.allowPrivateNetworks) {
    log.warn(
      { allowList: config.allowPrivateNetworks },
      'webhook egress allows private networks (tests and local demos only)',
    );
  }
  const metrics = createMetrics(queue);
  const deliverer = new Deliverer(dataSource, log, metrics, {
    policy,
    timeoutMs: config.timeoutMs,
    retryScheduleMs: config.retryScheduleMs,
    disableAfterMs: config.disableAfterMs,
    maxRetryAfterMs: config.maxRetryAfterMs,
  });
  const workerConnection = new Redis(config.redisUrl, connection);
  workerConnection.on('error', (err) => log.warn({ err: err.message }, 'redis (worker) error'));
  const worker = new Worker<DeliveryJobData>(DELIVERY_QUEUE, (job, token) => deliverer.process(job, token), {
    connection: workerConnection,
    prefix: config.redisPrefix,
    concurrency: config.concurrency,
    // The lock is renewed while a delivery runs; a crashed dispatcher's jobs go back to the
    // queue once it lapses (checked as often).
    lockDuration: config.lockMs,
    stalledInterval: config.lockMs,
  });
  worker.on('error', (err) => log.warn({ err: err.message }, 'delivery worker error'));
  const relay = new OutboxRelay(
    dataSource,
    queue,
    log,
    {
      databaseUrl: config.databaseUrl,
      pollMs: config.relayPollMs,
      staleQueuedMs: config.staleQueuedMs,
    },
    queueConnection,
  );
  await relay.start();

  let metricsServer: Server | null = null;
  if (config.metricsPort > 0) {
    metricsServer = createServer((req, res) => {
      if (req.url === '/metrics') {
        metrics.registry
          .metrics()
          .then((body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body))
          .catch(() => res.writeHead(503).end());
      } else if (req.url === '/health') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      } else res.writeHead(404).end();
    });
    metricsServer.listen(config.metricsPort, config.metricsHost);
  }

  return {
    relay,
    queue,
    worker,
    dataSource,
    metricsServer,
    async close(timeoutMs = config.shutdownTimeoutMs) {
      await relay.stop();
      // worker.close() waits for active jobs; past the deadline, force-close returns them to the queue.
      const graceful = worker.close();
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), timeoutMs).unref()),
      ]);
      // With Redis unreachable, BullMQ's close and QUIT never finish: bound them, then drop the sockets.
      if (timedOut) await within(worker.close(true), 2000);
      await within(queue.close(), 2000);
      await within(Promise.allSettled([queueConnection.quit(), workerConnection.quit()]), 2000);
      queueConnection.disconnect();
      workerConnection.disconnect();
      metricsServer?.close();
      await dataSource.destroy();
    },
  };
}
