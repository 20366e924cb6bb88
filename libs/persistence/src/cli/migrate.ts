// Creates the database if needed and runs pending migrations.
import { createDataSource, DEFAULT_DATABASE_URL, ensureDatabase } from '../data-source';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  await ensureDatabase(url);
  const ds = createDataSource({ url, applicationName: 'taiwa-migrate' });
  await ds.initialize();
  const ran = await ds.runMigrations({ transaction: 'each' });
  console.log(`[taiwa] migrations: ${ran.length ? ran.map((m) => m.name).join(', ') : 'up to date'}`);
  await ds.destroy();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
