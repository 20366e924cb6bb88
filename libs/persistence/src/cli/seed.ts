// Seeds the users of API.md and the reference data (safe to run again).
import { createDataSource, DEFAULT_DATABASE_URL } from '../data-source';
import { seedBase } from '../seed';

async function main(): Promise<void> {
  const ds = createDataSource({ url: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, applicationName: 'taiwa-seed' });
  await ds.initialize();
  await seedBase(ds);
  console.log('[taiwa] seeded organisations, users, consents and reference data');
  await ds.destroy();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
