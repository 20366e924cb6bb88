import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_SLA_POLICY, parseSlaPolicy, SlaPolicyError, type SlaPolicy } from '@taiwa/domain';
import { assertSafeForProduction } from '@taiwa/webhooks';

const EnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/taiwa'),
  DATABASE_READ_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().default('taiwa'),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().optional(),
  AUTH_MODE: z.enum(['dev', 'oidc']).default('dev'),
  AUTH_DEV_SECRET: z.string().min(16).default('taiwa-local-development-signing-secret'),
  OIDC_ISSUER: z.string().optional(),
  OIDC_JWKS_URL: z.string().url().optional(),
  OIDC_AUDIENCE: z.string().optional(),
  SLA_POLICY_FILE: z.string().optional(),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: z.string().optional(),
  LOG_LEVEL: z.string().default('info'),
});

export interface ApiConfig {
  nodeEnv: string;
  port: number;
  host: string;
  databaseUrl: string;
  /** A streaming replica for case lists and queue pages; the primary when unset. */
  databaseReadUrl: string | undefined;
  redisUrl: string;
  redisPrefix: string;
  temporal: { address: string; namespace: string; taskQueue?: string };
  auth:
    | { mode: 'dev'; devSecret: string }
    | { mode: 'oidc'; issuer: string; jwksUrl: string; audience?: string };
  slaPolicy: SlaPolicy;
  webhookAllowPrivateNetworks: string | undefined;
  logLevel: string;
}

export class ConfigError extends Error {}

/** Reads and validates the environment once at start-up; a bad variable is named in the error. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && e.AUTH_MODE === 'dev') {
    throw new ConfigError('AUTH_MODE=dev is refused when NODE_ENV=production; set AUTH_MODE=oidc.');
  }
  let auth: ApiConfig['auth'];
  if (e.AUTH_MODE === 'oidc') {
    if (!e.OIDC_ISSUER || !e.OIDC_JWKS_URL) {
      throw new ConfigError('AUTH_MODE=oidc needs OIDC_ISSUER and OIDC_JWKS_URL.');
    }
    auth = { mode: 'oidc', issuer: e.OIDC_ISSUER, jwksUrl: e.OIDC_JWKS_URL, audience: e.OIDC_AUDIENCE };
  } else {
    auth = { mode: 'dev', devSecret: e.AUTH_DEV_SECRET };
  }
  try {
    assertSafeForProduction(e.NODE_ENV, e.WEBHOOK_ALLOW_PRIVATE_NETWORKS);
  } catch (err) {
    throw new ConfigError(`WEBHOOK_ALLOW_PRIVATE_NETWORKS: ${(err as Error).message}`);
  }
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseReadUrl: e.DATABASE_READ_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, taskQueue: e.TEMPORAL_TASK_QUEUE },
    auth,
    slaPolicy: e.SLA_POLICY_FILE ? readPolicy(e.SLA_POLICY_FILE) : DEFAULT_SLA_POLICY,
    webhookAllowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    logLevel: e.LOG_LEVEL,
  };
}

function readPolicy(file: string): SlaPolicy {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`SLA_POLICY_FILE: cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return parseSlaPolicy(json);
  } catch (err) {
    if (err instanceof SlaPolicyError) {
      throw new ConfigError(`SLA_POLICY_FILE ${file} is invalid:\n  ${err.problems.join('\n  ')}`);
    }
    throw err;
  }
}

export const API_CONFIG = Symbol('API_CONFIG');
