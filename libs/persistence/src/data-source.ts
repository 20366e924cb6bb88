import { DataSource } from 'typeorm';
import { InitialSchema1763856000000 } from './migrations/1763856000000-initial-schema';
import { WebhookNotifications1763942400400 } from './migrations/1763942400400-webhook-notifications';
import { Screening1764028800505 } from './migrations/1764028800505-screening';
import { QueuePageIndex1764115200707 } from './migrations/1764115200707-queue-page-index';

export const MIGRATIONS = [InitialSchema1763856000000, WebhookNotifications1763942400400, Screening1764028800505, QueuePageIndex1764115200707];

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/taiwa';

export interface DataSourceOptions {
  url?: string;
  /** Pool size; the worker sizes it to its activity slots. */
  poolSize?: number;
  applicationName?: string;
}

/** The one way every app opens PostgreSQL: explicit migrations, never `synchronize`. */
export function createDataSource(options: DataSourceOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url ?? process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
    applicationName: options.applicationName ?? 'taiwa',
    extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 5000 },
  });
}

/** Creates the database named in the URL when it does not exist (local stack and tests). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Refusing to create database with name "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const ds = new DataSource({ type: 'postgres', url: admin.toString() });
  await ds.initialize();
  try {
    const rows: unknown[] = await ds.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rows.length === 0) await ds.query(`CREATE DATABASE "${name}"`);
  } finally {
    await ds.destroy();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Refusing to drop database with name "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const ds = new DataSource({ type: 'postgres', url: admin.toString() });
  await ds.initialize();
  try {
    await ds.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await ds.destroy();
  }
}
