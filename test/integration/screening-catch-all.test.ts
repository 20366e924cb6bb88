import { advanceReport, startStack, type Stack } from '../support/stack';

/**
 * The catch-all screening aid through the API (destination group from the country groups in
 * force, End User List match as a boolean, the figure-3 trace in English and Japanese), stored and
 * attached to a case; and the End User List screening of every advance report at submission,
 * which flags the case for the regulator only.
 */
describe('catch-all screening and screening at submission', () => {
  let stack: Stack;
  const ALICE = 'alice@acme.example';

  beforeAll(async () => {
    stack = await startStack({ dispatcher: false });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const base = {
    listControlled: false,
    catchAllItem: { hsCode: '8456.11', description: 'Laser cutting machine' },
    destinationCountry: 'VN',
    endUser: { name: 'Example Precision Co., Ltd.' },
    knowsWeaponsDevelopmentUse: false,
    endUserHasWeaponsRecordOrPlan: false,
    redFlags: [] as string[],
  };
  const screen = (body: Record<string, unknown>, as = ALICE) =>
    stack.http('POST', '/api/v1/screenings/catch-all', { as, body: { ...base, ...body } });

  it('Group A: without an inform no license is needed, with one it is', async () => {
    const res = await screen({ destinationCountry: 'US', knowsWeaponsDevelopmentUse: true });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      licenseRequired: false,
      destinationGroup: 'GROUP_A',
      endUserListMatch: false,
    });
    expect(res.body.trace.map((t: { step: number; answer: string }) => [t.step, t.answer])).toEqual([
      [1, 'no'],
      [2, 'yes'],
      [3, 'no'],
    ]);
    expect(Object.keys(res.body.trace[0])).toEqual([
      'step',
      'question',
      'answer',
      'outcome',
      'questionJa',
      'outcomeJa',
    ]);
    expect(res.body.summaryJa).toContain('グループA国');
    expect(res.body.referenceVersions).toEqual({
      'country-groups': '2024-12-30',
      'specified-items': '2025-10-09',
      'red-flags': '2025-10-09',
    });
    expect(res.body).not.toHaveProperty('endUserListVersions');
    const inform = await screen({ destinationCountry: 'US', informReceived: true });
    expect(inform.body).toMatchObject({ licenseRequired: true, destinationGroup: 'GROUP_A' });
  });

  it('UN arms-embargoed: every catch-all item is covered, so knowing of weapons use requires a license', async () => {
    const res = await screen({
      destinationCountry: 'IQ',
      catchAllItem: true,
      knowsWeaponsDevelopmentUse: true,
    });
    expect(res.body).toMatchObject({ licenseRequired: true, destinationGroup: 'UN_ARMS_EMBARGO' });
    expect(res.body.trace[3]).toMatchObject({ step: 4, answer: 'yes' });
    const clean = await screen({ destinationCountry: 'IQ', catchAllItem: true });
    expect(clean.body).toMatchObject({ licenseRequired: false, destinationGroup: 'UN_ARMS_EMBARGO' });
    expect(clean.body.trace).toHaveLength(6);
  });

  it('general: only specified items are covered; an End User List match plus a red flag requires a license', async () => {
    const notSpecified = await screen({
      catchAllItem: { hsCode: '0101.21' },
      knowsWeaponsDevelopmentUse: true,
    });
    expect(notSpecified.body).toMatchObject({ licenseRequired: false, destinationGroup: 'GENERAL' });
    const listed = await screen({
      destinationCountry: 'CN',
      endUser: { name: '样本华光机械有限公司', country: 'CN' },
      redFlags: ['rf1', 'RF07'],
    });
    expect(listed.body).toMatchObject({
      licenseRequired: true,
      destinationGroup: 'GENERAL',
      endUserListMatch: true,
      matchedRedFlags: ['RF01', 'RF07'],
    });
    expect(listed.body.trace[5].outcome).toContain('End User List');
    // The match alone (without a red flag) does not decide it.
    const noFlag = await screen({ destinationCountry: 'CN', endUser: { name: 'Sample Huaguang Machinery' } });
    expect(noFlag.body).toMatchObject({ licenseRequired: false, endUserListMatch: true });
    // A non-public list's match is only the boolean: the entry never appears.
    const nonPublic = await screen({
      destinationCountry: 'HK',
      endUser: { name: 'Harbor Sample Components' },
      redFlags: ['RF03'],
    });
    expect(nonPublic.body).toMatchObject({ licenseRequired: true, endUserListMatch: true });
    expect(JSON.stringify(nonPublic.body)).not.toMatch(/METI-CONCERN|港湾|DIVERSION/);
  });

  it('allied and like-minded: screened as general, with the streamlined procedure noted', async () => {
    const res = await screen({ destinationCountry: 'PH', knowsWeaponsDevelopmentUse: true });
    expect(res.body).toMatchObject({ licenseRequired: true, destinationGroup: 'ALLIED' });
    expect(res.body.summary).toContain('streamlined');
    expect(res.body.summaryJa).toContain('同盟国・同志国');
  });

  it('list-controlled items and items outside the catch-all control end the flow at once', async () => {
    expect((await screen({ listControlled: true })).body).toMatchObject({
      licenseRequired: true,
      trace: [expect.objectContaining({ step: 1, answer: 'yes' })],
    });
    expect((await screen({ catchAllItem: null })).body.licenseRequired).toBe(false);
  });

  it('lists every malformed field (400) and every unacceptable one (422), and stores nothing', async () => {
    const count = async () =>
      ((await stack.ds.query('SELECT count(*)::int AS n FROM screenings')) as Array<{ n: number }>)[0]!.n;
    const before = await count();
    const malformed = await stack.http('POST', '/api/v1/screenings/catch-all', {
      as: ALICE,
      body: { listControlled: 'no', destinationCountry: 'Vietnam', endUser: {}, redFlags: 'RF01' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining([
        'listControlled',
        'catchAllItem',
        'destinationCountry',
        'endUser.name',
        'knowsWeaponsDevelopmentUse',
        'endUserHasWeaponsRecordOrPlan',
        'redFlags',
      ]),
    );
    const unacceptable = await screen({
      destinationCountry: 'XX',
      endUser: { name: 'A', country: 'QQ' },
      redFlags: ['RF01', 'RF99'],
    });
    expect(unacceptable.status).toBe(422);
    expect(unacceptable.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'destinationCountry',
      'endUser.country',
      'redFlags[1]',
    ]);
    expect((await screen({}, 'partner@toolvendor.example')).status).toBe(403);
    expect((await screen({}, 'ada@regulator.example')).status).toBe(403);
    expect(await count()).toBe(before);
  });

  it('a screening repeated with the same Idempotency-Key is stored once', async () => {
    const send = () =>
      stack.http('POST', '/api/v1/screenings/catch-all', {
        as: ALICE,
        body: base,
        headers: { 'idempotency-key': 'screening-once' },
      });
    const first = await send();
    const again = await send();
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const rows: Array<{ n: number }> = await stack.ds.query(
      'SELECT count(*)::int AS n FROM screenings WHERE id = $1',
      [first.body.id],
    );
    expect(rows[0]!.n).toBe(1);
  });

  it('a company attaches its screening to its case; the regulator then sees it, other companies never', async () => {
    const created = await stack.http('POST', '/api/v1/cases', { as: ALICE, body: advanceReport() });
    expect(created.status).toBe(201);
    const caseId = created.body.id as string;
    const s = await screen({ destinationCountry: 'VN', knowsWeaponsDevelopmentUse: true });
    const screeningId = s.body.id as string;

    // Before it is attached, the screening is the company's own business.
    expect(
      (await stack.http('GET', `/api/v1/screenings/${screeningId}`, { as: 'olivia@regulator.example' }))
        .status,
    ).toBe(404);
    expect(
      (await stack.http('GET', `/api/v1/screenings/${screeningId}`, { as: 'akira@acme.example' })).status,
    ).toBe(200);
    expect(
      (await stack.http('GET', `/api/v1/screenings/${screeningId}`, { as: 'bob@globex.example' })).status,
    ).toBe(404);
    expect(
      (
        await stack.http('POST', `/api/v1/cases/${caseId}/screenings/${screeningId}`, {
          as: 'bob@globex.example',
        })
      ).status,
    ).toBe(404);

    const attach = await stack.http('POST', `/api/v1/cases/${caseId}/screenings/${screeningId}`, {
      as: ALICE,
    });
    expect(attach.status).toBe(201);
    expect(attach.body).toMatchObject({ id: screeningId, caseId, licenseRequired: true });
    const again = await stack.http('POST', `/api/v1/cases/${caseId}/screenings/${screeningId}`, {
      as: ALICE,
    });
    expect(again.status).toBe(200);

    const other = await stack.http('POST', '/api/v1/cases', { as: ALICE, body: advanceReport() });
    const conflict = await stack.http('POST', `/api/v1/cases/${other.body.id}/screenings/${screeningId}`, {
      as: ALICE,
    });
    expect(conflict.status).toBe(409);

    const forRegulator = await stack.http('GET', `/api/v1/cases/${caseId}/screenings`, {
      as: 'olivia@regulator.example',
    });
    expect(forRegulator.status).toBe(200);
    expect(forRegulator.body.items).toEqual([
      expect.objectContaining({
        id: screeningId,
        licenseRequired: true,
        destinationGroup: 'GENERAL',
        endUserListVersions: expect.any(Array),
      }),
    ]);
    expect(
      (await stack.http('GET', `/api/v1/screenings/${screeningId}`, { as: 'sam@regulator.example' })).status,
    ).toBe(200);
    expect(
      (await stack.http('GET', `/api/v1/cases/${caseId}/screenings`, { as: 'bob@globex.example' })).status,
    ).toBe(404);
    const forCompany = await stack.http('GET', `/api/v1/cases/${caseId}/screenings`, { as: ALICE });
    expect(forCompany.body.items[0]).not.toHaveProperty('endUserListVersions');

    // The attachment is on the case's hash-chained audit trail.
    const audit = await stack.http('GET', `/api/v1/cases/${caseId}/audit`, { as: 'ada@regulator.example' });
    expect(audit.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'SCREENING_ATTACHED',
          actor: ALICE,
          details: expect.objectContaining({ screeningId }),
        }),
      ]),
    );
  });

  it('a counterparty on an End User List flags the case at submission for the regulator only', async () => {
    const filed = await stack.http('POST', '/api/v1/cases', {
      as: ALICE,
      body: advanceReport({
        counterparty: { name: 'ハーバーサンプル部品株式会社', country: 'HK', relationship: 'UNRELATED' },
      }),
    });
    expect(filed.status).toBe(201);
    expect(filed.body).not.toHaveProperty('regulatorFlags');
    const caseId = filed.body.id as string;

    const officer = await stack.http('GET', `/api/v1/cases/${caseId}`, { as: 'olivia@regulator.example' });
    expect(officer.body.regulatorFlags).toEqual([
      expect.objectContaining({
        code: 'END_USER_LIST_MATCH',
        message: expect.stringContaining('METI-CONCERN'),
        at: expect.any(String),
      }),
    ]);
    for (const as of [ALICE, 'akira@acme.example', 'partner@toolvendor.example']) {
      const view = await stack.http('GET', `/api/v1/cases/${caseId}`, { as });
      expect(view.status).toBe(200);
      expect(view.body).not.toHaveProperty('regulatorFlags');
      expect(JSON.stringify(view.body)).not.toContain('END_USER_LIST_MATCH');
      const list = await stack.http('GET', '/api/v1/cases', { as });
      expect(JSON.stringify(list.body)).not.toContain('END_USER_LIST_MATCH');
    }
    const queue = await stack.http('GET', '/api/v1/cases', { as: 'sam@regulator.example' });
    const flagged = queue.body.items.filter(
      (c: { regulatorFlags: unknown[] }) => c.regulatorFlags.length > 0,
    );
    expect(flagged.map((c: { id: string }) => c.id)).toEqual([caseId]);

    // The flag survives later projections of the case (the projection never writes regulator_flags).
    const accepted = await stack.http('POST', `/api/v1/cases/${caseId}/accept`, {
      as: 'sam@regulator.example',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.regulatorFlags).toHaveLength(1);
    expect(
      (await stack.http('GET', `/api/v1/cases/${caseId}`, { as: 'olivia@regulator.example' })).body
        .regulatorFlags,
    ).toHaveLength(1);

    const audited: Array<{ list_id: string; verdict: string }> = await stack.ds.query(
      "SELECT list_id, verdict FROM screening_audit WHERE case_id = $1 AND context = 'SUBMISSION' ORDER BY list_id",
      [caseId],
    );
    expect(audited).toEqual([
      { list_id: 'EUL', verdict: 'NO_MATCH' },
      { list_id: 'METI-CONCERN', verdict: 'MATCH' },
    ]);
  });

  it('the OpenAPI document describes the screening, End User List and reference-data endpoints', async () => {
    const doc = await stack.http('GET', '/api/docs-json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/screenings/catch-all',
        '/api/v1/screenings/{screeningId}',
        '/api/v1/cases/{id}/screenings',
        '/api/v1/cases/{id}/screenings/{screeningId}',
        '/api/v1/end-user-checks',
        '/api/v1/end-user-lists',
        '/api/v1/end-user-lists/{listId}',
        '/api/v1/reference-data/{kind}',
        '/api/v1/reference-data/{kind}/versions',
        '/api/v1/reference-data/{kind}/versions/{version}',
        '/api/v1/applicability-checks',
      ]),
    );
    const catchAll = doc.body.paths['/api/v1/screenings/catch-all'].post;
    expect(Object.keys(catchAll.requestBody.content['application/json'].schema.properties)).toEqual(
      expect.arrayContaining(['listControlled', 'catchAllItem', 'destinationCountry', 'endUser', 'redFlags']),
    );
    expect(Object.keys(doc.body.paths['/api/v1/end-user-lists/{listId}'].put.requestBody.content)).toEqual(
      expect.arrayContaining(['application/json', 'text/csv']),
    );
  });
});
