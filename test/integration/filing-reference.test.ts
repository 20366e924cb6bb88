import { REFERENCE_DATA } from '@taiwa/domain';
import { advanceReport, daysFromNow, startStack, type Stack } from '../support/stack';

/**
 * Filing is judged against the reference data in force, not the copy shipped with the code: when
 * the regulator designates a new technology, reports for it are accepted the same day, and the
 * case records the versions it was judged under. A corrected counterparty is screened again.
 */
describe('filing under the reference data in force', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ dispatcher: false });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('accepts a report for a technology designated by a new version, and records that version', async () => {
    const before = await stack.http('POST', '/api/v1/cases', {
      as: 'alice@acme.example',
      body: advanceReport({ technologyCategory: 'SOLID_STATE_BATTERY_ELECTROLYTE' }),
    });
    expect(before.status).toBe(422);
    expect(before.body.errors.map((e: { field: string }) => e.field)).toContain('technologyCategory');

    const put = await stack.http('PUT', '/api/v1/reference-data/technologies/versions/2026-12-amendment', {
      as: 'ada@regulator.example',
      body: {
        effectiveFrom: daysFromNow(0),
        data: {
          items: [
            ...REFERENCE_DATA.technologies,
            { code: 'SOLID_STATE_BATTERY_ELECTROLYTE', queue: 'ADVANCED_MATERIALS', nameJa: '全固体電池用電解質', nameEn: 'Solid-state battery electrolyte' },
          ],
        },
      },
    });
    expect([200, 201]).toContain(put.status);

    const filed = await stack.http('POST', '/api/v1/cases', {
      as: 'alice@acme.example',
      body: advanceReport({ technologyCategory: 'SOLID_STATE_BATTERY_ELECTROLYTE' }),
    });
    expect(filed.status).toBe(201);
    expect(filed.body.queue).toBe('ADVANCED_MATERIALS');
    expect(filed.body.referenceVersion).toContain('technologies@2026-12-amendment');
  });

  it('screens the counterparty again when a correction changes it, flagging the case for the regulator only', async () => {
    const filed = await stack.http('POST', '/api/v1/cases', { as: 'alice@acme.example', body: advanceReport() });
    const id = filed.body.id as string;
    const officer = (await stack.http('GET', `/api/v1/cases/${id}`, { as: 'olivia@regulator.example' })).body;
    expect(officer.regulatorFlags).toEqual([]);
    expect((await stack.http('POST', `/api/v1/cases/${id}/request-correction`, { as: 'olivia@regulator.example', body: { reasons: ['Name the licensee exactly.'] } })).status).toBe(200);
    const resubmitted = await stack.http('POST', `/api/v1/cases/${id}/resubmit`, {
      as: 'alice@acme.example',
      body: { changes: { counterparty: { name: 'Sample Huaguang Machinery Co., Ltd.', country: 'CN' } } },
    });
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body.regulatorFlags).toBeUndefined();
    const flagged = (await stack.http('GET', `/api/v1/cases/${id}`, { as: 'olivia@regulator.example' })).body;
    expect(flagged.regulatorFlags).toEqual([expect.objectContaining({ code: 'END_USER_LIST_MATCH' })]);
    const applicant = (await stack.http('GET', `/api/v1/cases/${id}`, { as: 'alice@acme.example' })).body;
    expect(JSON.stringify(applicant)).not.toContain('END_USER_LIST_MATCH');
  });
});
