import { describeSummary, httpCaller, seedDemoCases } from '../../apps/api/src/demo/seed-demo-cases';
import { startStack, type Stack } from '../support/stack';

/**
 * The demo seeder of `npm run up`, run against a stack over HTTP: it fills the queues with cases
 * in several statuses, and running it again changes nothing.
 */
jest.setTimeout(60_000);

describe('demo cases', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ dispatcher: false });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('seeds cases across the statuses, once', async () => {
    const call = httpCaller(stack.baseUrl);
    const first = await seedDemoCases(call);
    expect(first.created).toBe(9);
    expect(first.byStatus).toEqual({
      SUBMITTED: 2,
      CORRECTION_REQUESTED: 1,
      IN_CONSULTATION: 1,
      INFORM_PENDING_APPROVAL: 1,
      INFORM_ISSUED: 1,
      LICENSE_REVIEW: 1,
      LICENSED: 1,
      CLEARED: 1,
    });
    expect(describeSummary(first)).toMatch(/^demo cases: 9 created, 0 already present \(/);

    const rows = await stack.ds.query('SELECT count(*)::int AS n FROM cases');
    const again = await seedDemoCases(call);
    expect(again).toMatchObject({ created: 0, existing: 9, byStatus: first.byStatus });
    expect((await stack.ds.query('SELECT count(*)::int AS n FROM cases'))[0].n).toBe(rows[0].n);

    // The consultation case has an open query and a concern item; the licence has conditions.
    const sam = 'sam@regulator.example';
    const list = (await call('GET', '/api/v1/cases?limit=200', sam)).body.items as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const consultation = list.find((c) => c.status === 'IN_CONSULTATION')!;
    expect(consultation.openQueries).toHaveLength(1);
    const concerns = await call('GET', `/api/v1/cases/${consultation.id}/concern-information`, sam);
    expect(concerns.body.items).toHaveLength(1);
    const licensed = list.find((c) => c.status === 'LICENSED')!;
    expect(licensed.decision.decision).toBe('GRANT_WITH_CONDITIONS');
    expect(licensed.decision.conditions.length).toBeGreaterThan(0);
    // GLOBEX's case waits in oscar's queue, and only GLOBEX (not ACME) sees it.
    const oscars = (await call('GET', '/api/v1/cases?queue=ELECTRONIC_COMPONENTS', 'oscar@regulator.example'))
      .body.items;
    expect(oscars).toHaveLength(1);
    expect(oscars[0].organizationId).toBe('GLOBEX');
    const alices = (await call('GET', '/api/v1/cases?limit=200', 'alice@acme.example')).body.items as Array<{
      organizationId: string;
    }>;
    expect(alices.every((c) => c.organizationId === 'ACME')).toBe(true);
  });
});
