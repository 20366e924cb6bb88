import { z } from 'zod';
import { DEFAULT_RETRY_SCHEDULE_MS } from '@taiwa/webhooks';

const Env = z.object({
  NODE_ENV: z.string().default('development'),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/taiwa'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().default('taiwa'),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: z.string().optional(),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(50),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(10000),
  /** Comma-separated milliseconds; tests and demos shorten the Standard Webhooks schedule. */
  WEBHOOK_RETRY_SCHEDULE_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/)
    .optional(),
  WEBHOOK_DISABLE_AFTER_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(5 * 24 * 3600 * 1000),
  /** The longest wait a partner's Retry-After can ask for. */
  WEBHOOK_MAX_RETRY_AFTER_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(24 * 3600 * 1000),
  /** BullMQ job lock: a job of a crashed dispatcher is taken over about this long after the crash. */
  WEBHOOK_LOCK_MS: z.coerce.number().int().min(1000).max(600000).default(30000),
  /** How long SIGTERM waits for in-flight deliveries before returning them to the queue. */
  WEBHOOK_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(25000),
  RELAY_POLL_MS: z.coerce.number().int().min(10).max(60000).default(1000),
  RELAY_STALE_QUEUED_MS: z.coerce.number().int().min(1000).default(60000),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Where /metrics and /health listen: 0.0.0.0 in a pod, so probes and Prometheus reach them. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.string().default('info'),
});

export interface DispatcherConfig {
  nodeEnv: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  allowPrivateNetworks: string | undefined;
  concurrency: number;
  timeoutMs: number;
  retryScheduleMs: readonly number[];
  disableAfterMs: number;
  maxRetryAfterMs: number;
  lockMs: number;
  shutdownTimeoutMs: number;
  relayPollMs: number;
  staleQueuedMs: number;
  metricsPort: number;
  metricsHost: string;
  logLevel: string;
}

export function loadDispatcherConfig(env: NodeJS.ProcessEnv = process.env): DispatcherConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `Invalid configuration:\n  ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ')}`,
    );
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    allowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    concurrency: e.WEBHOOK_CONCURRENCY,
    timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    retryScheduleMs: e.WEBHOOK_RETRY_SCHEDULE_MS
      ? e.WEBHOOK_RETRY_SCHEDULE_MS.split(',').map(Number)
      : DEFAULT_RETRY_SCHEDULE_MS,
    disableAfterMs: e.WEBHOOK_DISABLE_AFTER_MS,
    maxRetryAfterMs: e.WEBHOOK_MAX_RETRY_AFTER_MS,
    lockMs: e.WEBHOOK_LOCK_MS,
    shutdownTimeoutMs: e.WEBHOOK_SHUTDOWN_TIMEOUT_MS,
    relayPollMs: e.RELAY_POLL_MS,
    staleQueuedMs: e.RELAY_STALE_QUEUED_MS,
    metricsPort: e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
    logLevel: e.LOG_LEVEL,
  };
}

export const DELIVERY_QUEUE = 'webhook-deliveries';
