import { DEFAULT_SLA_POLICY, type SlaPolicy } from '@taiwa/domain';
import { driveTo, fileCase, type Call } from '../../apps/api/src/demo/seed-demo-cases';
import { advanceReport, eventually, startStack, type Stack } from '../support/stack';

/**
 * The regulator's work lists: filters, sort by the next deadline (cases without one last) or by
 * filing time, and keyset pagination that shows every case exactly once.
 */
jest.setTimeout(30_000);

// The acknowledgement clock runs out in seconds, so a case left SUBMITTED becomes overdue.
const POLICY: SlaPolicy = {
  ...DEFAULT_SLA_POLICY,
  version: 'case-lists-test',
  clocks: { ...DEFAULT_SLA_POLICY.clocks, acknowledgement: { length: 'PT4S' } },
};
const SAM = 'sam@regulator.example';

interface View {
  id: string;
  status: string;
  stage: string;
  queue: string;
  assignee: string | null;
  overdue: boolean;
  nextDeadlineAt: string | null;
  createdAt: string;
}

describe('case lists', () => {
  let stack: Stack;
  let call: Call;
  /** Filing order. */
  const filed: string[] = [];
  let overdueCase: string;
  let componentsCase: string;

  const list = (query: string, as = SAM) => stack.http('GET', `/api/v1/cases${query}`, { as });
  async function all(query: string, limit = 200): Promise<View[]> {
    const out: View[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const sep = query ? '&' : '?';
      const res = await list(
        `${query}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      out.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (!cursor) return out;
    }
    throw new Error('pagination did not end');
  }
  const ids = (views: View[]) => views.map((v) => v.id);

  beforeAll(async () => {
    stack = await startStack({ dispatcher: false, slaPolicy: POLICY });
    call = (method, path, as, body, headers) => stack.http(method, path, { as, body, headers });
    const file = async (overrides: Record<string, unknown> = {}) => {
      const id = (await fileCase(call, 'alice@acme.example', advanceReport(overrides))).id as string;
      filed.push(id);
      return id;
    };
    // Each case leaves SUBMITTED (and its seconds-long clock) at once, except the overdue one.
    const consultation = await file();
    await driveTo(call, consultation, 'IN_CONSULTATION');
    await call('POST', `/api/v1/cases/${consultation}/assign`, SAM, { assignee: 'olivia@regulator.example' });
    const cleared = await file();
    await driveTo(call, cleared, 'CLEARED');
    componentsCase = await file({ technologyCategory: 'DIELECTRIC_FILM' });
    await driveTo(call, componentsCase, 'IN_CONSULTATION');
    await call('POST', `/api/v1/cases/${componentsCase}/assign`, SAM, {
      assignee: 'oscar@regulator.example',
    });
    const correction = await file();
    await driveTo(call, correction, 'CORRECTION_REQUESTED');
    const licence = await file({ technologyCategory: 'SPUTTERING_TARGET' });
    await driveTo(call, licence, 'LICENSE_REVIEW');
    overdueCase = await file();
    await eventually(
      () => stack.http('GET', `/api/v1/cases/${overdueCase}`, { as: SAM }),
      (r) => r.body.overdue === true,
      20000,
      'overdue',
    );
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('filters by status, stage, queue, assignee and overdue', async () => {
    const everything = await all('?sort=created');
    expect(ids(everything)).toEqual(filed);
    const cases: Array<[string, (v: View) => boolean]> = [
      ['status=IN_CONSULTATION', (v) => v.status === 'IN_CONSULTATION'],
      ['status=CLEARED', (v) => v.status === 'CLEARED'],
      ['stage=CONSULTATION', (v) => v.stage === 'CONSULTATION'],
      ['stage=LICENSE', (v) => v.stage === 'LICENSE'],
      ['queue=ELECTRONIC_COMPONENTS', (v) => v.queue === 'ELECTRONIC_COMPONENTS'],
      ['assignee=oscar%40regulator.example', (v) => v.assignee === 'oscar@regulator.example'],
      ['overdue=true', (v) => v.overdue],
      ['overdue=false', (v) => !v.overdue],
      [
        'status=IN_CONSULTATION&queue=SEMICONDUCTORS',
        (v) => v.status === 'IN_CONSULTATION' && v.queue === 'SEMICONDUCTORS',
      ],
    ];
    for (const [query, pred] of cases) {
      const expected = ids(everything.filter(pred));
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(everything.length);
      expect({ query, ids: ids(await all(`?sort=created&${query}`)) }).toEqual({ query, ids: expected });
    }
    expect(ids(await all('?overdue=true'))).toEqual([overdueCase]);
    expect(ids(await all('?assignee=oscar%40regulator.example'))).toEqual([componentsCase]);
  });

  it('sorts by the next deadline, nearest first, cases without a deadline last', async () => {
    const byDeadline = await all('?sort=deadline');
    expect(byDeadline).toHaveLength(filed.length);
    const key = (v: View) => (v.nextDeadlineAt ? Date.parse(v.nextDeadlineAt) : Infinity);
    for (let i = 1; i < byDeadline.length; i++) {
      const [a, b] = [byDeadline[i - 1]!, byDeadline[i]!];
      expect(key(a) < key(b) || (key(a) === key(b) && a.id < b.id)).toBe(true);
    }
    expect(byDeadline[0]!.id).toBe(overdueCase);
    expect(byDeadline[byDeadline.length - 1]!.nextDeadlineAt).toBeNull();
    expect(byDeadline[byDeadline.length - 1]!.status).toBe('CLEARED');
    // The default sort is the deadline.
    expect(ids(await all(''))).toEqual(ids(byDeadline));
  });

  it('sorts by filing time, both ways', async () => {
    expect(ids(await all('?sort=created'))).toEqual(filed);
    expect(ids(await all('?sort=-created'))).toEqual([...filed].reverse());
  });

  it.each(['deadline', 'created', '-created'])(
    'pages with limit=2 over sort=%s: every case exactly once, in order',
    async (sort) => {
      const whole = ids(await all(`?sort=${sort}`));
      const paged = await all(`?sort=${sort}`, 2);
      expect(ids(paged)).toEqual(whole);
      expect(new Set(ids(paged)).size).toBe(filed.length);
      // The last page says there is no more.
      const last = await list(`?sort=${sort}&limit=${filed.length}`);
      expect(last.body.nextCursor).toBeNull();
    },
  );

  it('refuses a cursor from another sort, a garbage cursor, bad limits and unknown parameters with 400', async () => {
    const first = await list('?sort=deadline&limit=2');
    const cursor = first.body.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    const bad = [
      `?sort=created&cursor=${encodeURIComponent(cursor)}`,
      '?cursor=not-a-cursor',
      `?cursor=${Buffer.from('{"s":"deadline","k":"x","id":"y"}').toString('base64url')}`,
      '?limit=0',
      '?limit=201',
      '?limit=ten',
      '?limit=2.5',
      '?colour=red',
      '?status=SHIPPED',
      '?overdue=maybe',
      '?sort=price',
    ];
    for (const query of bad) {
      const res = await list(query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
    expect((await list('?limit=200')).status).toBe(200);
    expect((await list('?limit=1')).body.items).toHaveLength(1);
  });

  it('applies filters within what the caller may see', async () => {
    expect(await all('?status=IN_CONSULTATION').then(ids)).toEqual(expect.arrayContaining([componentsCase]));
    const bob = await list('?status=IN_CONSULTATION', 'bob@globex.example');
    expect(bob.body.items).toEqual([]);
  });
});
