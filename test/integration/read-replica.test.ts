import { randomBytes } from 'node:crypto';
import { createDataSource, dropDatabase, ensureDatabase } from '@taiwa/persistence';
import { advanceReport, startStack, type Stack } from '../support/stack';

/**
 * With DATABASE_READ_URL set, case lists and queue pages read from the replica, while single-case
 * reads and every write stay on the primary. Shown with a "replica" that is a separate database
 * the primary's changes never reach: lists come back empty, the case itself does not.
 */
describe('DATABASE_READ_URL', () => {
  const replica = new URL(process.env.TAIWA_TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  replica.pathname = `/taiwa_test_replica_${randomBytes(4).toString('hex')}`;
  let stack: Stack;

  beforeAll(async () => {
    await ensureDatabase(replica.toString());
    const ds = createDataSource({ url: replica.toString() });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    stack = await startStack({ dispatcher: false, apiEnv: { DATABASE_READ_URL: replica.toString() } });
  });

  afterAll(async () => {
    await stack?.stop();
    await dropDatabase(replica.toString()).catch(() => undefined);
  });

  it('serves lists from the replica and single cases from the primary', async () => {
    const filed = await stack.http('POST', '/api/v1/cases', { as: 'alice@acme.example', body: advanceReport() });
    expect(filed.status).toBe(201);
    const one = await stack.http('GET', `/api/v1/cases/${filed.body.id}`, { as: 'olivia@regulator.example' });
    expect(one.status).toBe(200);
    const list = await stack.http('GET', '/api/v1/cases?queue=SEMICONDUCTORS', { as: 'olivia@regulator.example' });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    // A command still sees the primary's case (its pre-check reads the primary).
    const accepted = await stack.http('POST', `/api/v1/cases/${filed.body.id}/accept`, { as: 'olivia@regulator.example' });
    expect(accepted.status).toBe(200);
  });
});
