import { Client, Connection } from '@temporalio/client';
import { driveTo, fileCase, type Call } from '../../apps/api/src/demo/seed-demo-cases';
import { advanceReport, startStack, type Stack } from '../support/stack';

/**
 * Concern information: the regulator's classified notes on a case. Readers with enough clearance
 * see them in full, everyone else sees only that something is withheld; CONFIDENTIAL reads are
 * audited; the text never reaches the workflow history or the timeline.
 */
jest.setTimeout(30_000);

const U = {
  alice: 'alice@acme.example', // applicant, NONE
  akira: 'akira@acme.example', // applicant_admin, CONFIDENTIAL
  bob: 'bob@globex.example',
  olivia: 'olivia@regulator.example', // officer SEMICONDUCTORS, CONFIDENTIAL
  oscar: 'oscar@regulator.example', // officer ELECTRONIC_COMPONENTS, RESTRICTED
  sam: 'sam@regulator.example',
  sue: 'sue@regulator.example',
  ada: 'ada@regulator.example', // regulator_admin, NONE
  partner: 'partner@toolvendor.example',
};

const ITEMS = {
  NONE: { title: 'Public press report', body: 'The counterparty announced a new plant (press-7f3a).' },
  RESTRICTED: {
    title: 'Restricted trade data',
    body: 'Shipments rose sharply last quarter (restricted-91c2).',
  },
  CONFIDENTIAL: {
    title: 'Confidential intelligence note',
    body: 'A shareholder is linked to a listed end user (secret-4d8e).',
  },
};
type Level = keyof typeof ITEMS;

describe('concern information', () => {
  let stack: Stack;
  let call: Call;
  let temporal: Connection;
  let caseId: string;
  const ids: Partial<Record<Level, string>> = {};

  const share = (as: string, id: string, level: Level, headers: Record<string, string> = {}) =>
    stack.http('POST', `/api/v1/cases/${id}/concern-information`, {
      as,
      body: { ...ITEMS[level], classification: level },
      headers,
    });
  const concernRows = async (): Promise<number> =>
    (await stack.ds.query('SELECT count(*)::int AS n FROM concern_information'))[0].n;
  const readAudits = async (id: string): Promise<Array<{ actor: string; details: { concernId: string } }>> =>
    stack.ds.query(
      `SELECT actor, details FROM audit_log WHERE case_id = $1 AND action = 'CONCERN_INFORMATION_READ' ORDER BY position`,
      [id],
    );

  beforeAll(async () => {
    stack = await startStack({ dispatcher: false });
    call = (method, path, as, body, headers) => stack.http(method, path, { as, body, headers });
    temporal = await Connection.connect({ address: process.env.TAIWA_TEST_TEMPORAL_ADDRESS! });
    caseId = (await fileCase(call, U.alice, advanceReport())).id as string;
    await driveTo(call, caseId, 'IN_CONSULTATION');
    for (const level of ['NONE', 'RESTRICTED', 'CONFIDENTIAL'] as const) {
      const res = await share(U.olivia, caseId, level);
      expect(res.status).toBe(201);
      ids[level] = res.body.concernInformation.id as string;
    }
  }, 60_000);

  afterAll(async () => {
    await temporal?.close();
    await stack?.stop();
  });

  it.each([
    ['alice', U.alice, ['NONE']],
    ['akira', U.akira, ['NONE', 'RESTRICTED', 'CONFIDENTIAL']],
    ['olivia', U.olivia, ['NONE', 'RESTRICTED', 'CONFIDENTIAL']],
    ['oscar', U.oscar, ['NONE', 'RESTRICTED']],
    ['sam', U.sam, ['NONE', 'RESTRICTED', 'CONFIDENTIAL']],
    ['sue', U.sue, ['NONE', 'RESTRICTED', 'CONFIDENTIAL']],
    ['ada', U.ada, ['NONE']],
  ] as const)(
    '%s reads in full only what their clearance allows; the rest is withheld without title or body',
    async (_n, user, readable) => {
      const res = await stack.http('GET', `/api/v1/cases/${caseId}/concern-information`, { as: user });
      expect(res.status).toBe(200);
      const items = res.body.items as Array<Record<string, unknown>>;
      expect(items.map((i) => i.classification)).toEqual(['NONE', 'RESTRICTED', 'CONFIDENTIAL']);
      for (const item of items) {
        const level = item.classification as Level;
        if ((readable as readonly string[]).includes(level)) {
          expect(item).toMatchObject({
            id: ids[level],
            withheld: false,
            ...ITEMS[level],
            sharedBy: U.olivia,
          });
        } else {
          expect(item.withheld).toBe(true);
          expect(Object.keys(item).sort()).toEqual(['classification', 'id', 'sharedAt', 'withheld']);
        }
      }
      const text = JSON.stringify(res.body);
      for (const level of Object.keys(ITEMS) as Level[]) {
        if (!(readable as readonly string[]).includes(level)) {
          expect(text).not.toContain(ITEMS[level].body);
          expect(text).not.toContain(ITEMS[level].title);
        }
      }
    },
  );

  it('is not for GLOBEX (404) nor partners (403)', async () => {
    expect(
      (await stack.http('GET', `/api/v1/cases/${caseId}/concern-information`, { as: U.bob })).status,
    ).toBe(404);
    expect(
      (await stack.http('GET', `/api/v1/cases/${caseId}/concern-information`, { as: U.partner })).status,
    ).toBe(403);
  });

  it('audits every read of a CONFIDENTIAL item, and no read of a lower one', async () => {
    const before = (await readAudits(caseId)).length;
    expect(
      (await stack.http('GET', `/api/v1/cases/${caseId}/concern-information`, { as: U.sue })).status,
    ).toBe(200);
    let audits = await readAudits(caseId);
    expect(audits.length).toBe(before + 1);
    expect(audits[audits.length - 1]).toMatchObject({
      actor: U.sue,
      details: { concernId: ids.CONFIDENTIAL, classification: 'CONFIDENTIAL' },
    });
    // A second read by the same person is audited again.
    await stack.http('GET', `/api/v1/cases/${caseId}/concern-information`, { as: U.sue });
    audits = await readAudits(caseId);
    expect(audits.length).toBe(before + 2);
    // Readers who see the item only as withheld read nothing confidential.
    await stack.http('GET', `/api/v1/cases/${caseId}/concern-information`, { as: U.alice });
    await stack.http('GET', `/api/v1/cases/${caseId}/concern-information`, { as: U.oscar });
    expect((await readAudits(caseId)).length).toBe(before + 2);
    // The read entries are part of the hash chain, which stays valid.
    const verify = await stack.http('GET', `/api/v1/cases/${caseId}/audit/verify`, { as: U.ada });
    expect(verify.body).toMatchObject({ valid: true, brokenAt: null });
  });

  it('does not audit reads of a case that has only NONE and RESTRICTED items', async () => {
    const other = (await fileCase(call, U.alice, advanceReport())).id as string;
    await driveTo(call, other, 'IN_CONSULTATION');
    expect((await share(U.olivia, other, 'RESTRICTED')).status).toBe(201);
    expect((await share(U.olivia, other, 'NONE')).status).toBe(201);
    await stack.http('GET', `/api/v1/cases/${other}/concern-information`, { as: U.sam });
    await stack.http('GET', `/api/v1/cases/${other}/concern-information`, { as: U.olivia });
    expect(await readAudits(other)).toEqual([]);
  });

  it('refuses oscar (RESTRICTED) sharing CONFIDENTIAL on his own queue, and stores nothing', async () => {
    const report = advanceReport({ technologyCategory: 'SAW_BAW_FILTER' });
    const components = (await fileCase(call, U.alice, report)).id as string;
    await driveTo(call, components, 'IN_CONSULTATION');
    const rows = await concernRows();
    const refused = await share(U.oscar, components, 'CONFIDENTIAL');
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/clearance/i);
    expect(await concernRows()).toBe(rows);
    const allowed = await share(U.oscar, components, 'RESTRICTED');
    expect(allowed.status).toBe(201);
    expect(await concernRows()).toBe(rows + 1);
  });

  it('leaves no row behind when the workflow refuses the share (a CLEARED case is 409)', async () => {
    const cleared = (await fileCase(call, U.alice, advanceReport())).id as string;
    await driveTo(call, cleared, 'CLEARED');
    const rows = await concernRows();
    const refused = await share(U.olivia, cleared, 'CONFIDENTIAL', { 'idempotency-key': 'share-on-cleared' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('CLEARED');
    expect(await concernRows()).toBe(rows);
    // A submitted case (before consultation) refuses too.
    const submitted = (await fileCase(call, U.alice, advanceReport())).id as string;
    expect((await share(U.olivia, submitted, 'NONE')).status).toBe(409);
    expect(await concernRows()).toBe(rows);
  });

  it('leaves no row behind when only the workflow knows the case moved on (stale read model)', async () => {
    const lagging = (await fileCase(call, U.alice, advanceReport())).id as string;
    await driveTo(call, lagging, 'CLEARED');
    // The API's fast pre-check reads the projection; make it lag so the workflow is the one to refuse.
    await stack.ds.query(
      `UPDATE cases SET status = 'IN_CONSULTATION', view = jsonb_set(view, '{status}', '"IN_CONSULTATION"') WHERE id = $1`,
      [lagging],
    );
    const rows = await concernRows();
    const refused = await share(U.olivia, lagging, 'CONFIDENTIAL');
    expect(refused.status).toBe(409);
    expect(await concernRows()).toBe(rows);
  });

  it('never puts titles or bodies into the Temporal history', async () => {
    const client = new Client({ connection: temporal, namespace: 'default' });
    const history = await client.workflow.getHandle(caseId).fetchHistory();
    const text = historyText(history);
    // Positive control: the report text does travel through the history, so decoding works.
    expect(text).toContain('Resist formulation and purification process know-how');
    expect(text).toContain(ids.CONFIDENTIAL);
    for (const item of Object.values(ITEMS)) {
      expect(text).not.toContain(item.body);
      expect(text).not.toContain(item.title);
    }
  });

  it('never puts titles or bodies into timeline summaries or audit details', async () => {
    const timeline = await stack.http('GET', `/api/v1/cases/${caseId}/timeline`, { as: U.sam });
    const shared = (timeline.body.items as Array<{ type: string; summary: string }>).filter(
      (t) => t.type === 'CONCERN_SHARED',
    );
    expect(shared).toHaveLength(3);
    const audit = await stack.http('GET', `/api/v1/cases/${caseId}/audit`, { as: U.ada });
    expect(audit.status).toBe(200);
    for (const text of [JSON.stringify(timeline.body), JSON.stringify(audit.body)]) {
      for (const item of Object.values(ITEMS)) {
        expect(text).not.toContain(item.body);
        expect(text).not.toContain(item.title);
      }
    }
  });
});

/** Every string and decoded payload of a history, concatenated. */
function historyText(value: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (v instanceof Uint8Array) parts.push(Buffer.from(v).toString('utf8'));
    else if (typeof v === 'string') parts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return parts.join('\n');
}
