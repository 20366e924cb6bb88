import { daysFromNow, startStack, type Stack } from '../support/stack';

/**
 * Reference data is versioned by kind with effective dates, loaded from the repo's files by the
 * seed and managed by a regulator admin through the API; the applicability check and the
 * catch-all screening use the versions in force.
 */
describe('reference data: versions, effective dates, admin API', () => {
  let stack: Stack;
  const ADA = 'ada@regulator.example';

  beforeAll(async () => {
    stack = await startStack({ dispatcher: false });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function versionCount(kind: string): Promise<number> {
    const rows: Array<{ n: number }> = await stack.ds.query(
      'SELECT count(*)::int AS n FROM reference_data_versions WHERE kind = $1',
      [kind],
    );
    return rows[0]!.n;
  }

  it('the seed loads every kind from the repo files: Group A has the 27 countries of Appended Table 3', async () => {
    const groups = await stack.http('GET', '/api/v1/reference-data/country-groups', {
      as: 'alice@acme.example',
    });
    expect(groups.status).toBe(200);
    expect(groups.body.data.GROUP_A).toHaveLength(27);
    expect(groups.body.data.GROUP_A).toEqual(expect.arrayContaining(['US', 'GB', 'KR', 'AR', 'BG']));
    expect(groups.body.data.UN_ARMS_EMBARGO).toEqual(expect.arrayContaining(['KP', 'IQ', 'AF']));
    expect(groups.body.data.ALLIED.length).toBeGreaterThan(0);
    const flags = await stack.http('GET', '/api/v1/reference-data/red-flags', { as: 'alice@acme.example' });
    expect(flags.body.data.items).toHaveLength(19);
    expect(flags.body.data.items[0]).toMatchObject({
      code: 'RF01',
      textJa: expect.any(String),
      textEn: expect.any(String),
    });
    for (const kind of ['specified-items', 'technologies', 'transaction-types']) {
      const res = await stack.http('GET', `/api/v1/reference-data/${kind}`, { as: 'bob@globex.example' });
      expect(res.status).toBe(200);
      expect(res.body.data.items.length).toBeGreaterThan(0);
    }
    const unknown = await stack.http('GET', '/api/v1/reference-data/colours', { as: 'alice@acme.example' });
    expect(unknown.status).toBe(404);
  });

  it('only a regulator admin lists versions or loads one; a refused load stores nothing', async () => {
    const before = await versionCount('red-flags');
    const body = {
      effectiveFrom: daysFromNow(0),
      data: { items: [{ code: 'RF01', textJa: 'テスト', textEn: 'test' }] },
    };
    for (const as of [
      'alice@acme.example',
      'akira@acme.example',
      'olivia@regulator.example',
      'sam@regulator.example',
    ]) {
      const put = await stack.http('PUT', '/api/v1/reference-data/red-flags/versions/forbidden-1', {
        as,
        body,
      });
      expect(put.status).toBe(403);
      const list = await stack.http('GET', '/api/v1/reference-data/red-flags/versions', { as });
      expect(list.status).toBe(403);
    }
    expect(await versionCount('red-flags')).toBe(before);
    const list = await stack.http('GET', '/api/v1/reference-data/red-flags/versions', { as: ADA });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ version: '2025-10-09', effectiveFrom: '2025-10-09', inForce: true }),
    ]);
  });

  it('bad data is 422 with every bad field listed, a malformed body 400, and neither stores a version', async () => {
    const before = await versionCount('country-groups');
    const bad = await stack.http('PUT', '/api/v1/reference-data/country-groups/versions/bad-1', {
      as: ADA,
      body: {
        effectiveFrom: daysFromNow(0),
        data: { GROUP_A: ['US', 'XX'], UN_ARMS_EMBARGO: ['KP'], ALLIED: ['US'] },
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'data.ALLIED[0]',
      'data.GROUP_A[1]',
    ]);

    const items = await stack.http('PUT', '/api/v1/reference-data/specified-items/versions/bad-2', {
      as: ADA,
      body: {
        effectiveFrom: daysFromNow(0),
        data: {
          items: [
            { hsPrefix: '84a6', nameJa: '', nameEn: 'x' },
            { hsPrefix: '8456', nameJa: 'a', nameEn: 'b', extra: 1 },
          ],
        },
      },
    });
    expect(items.status).toBe(422);
    expect(items.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['data.items[0].hsPrefix', 'data.items[0].nameJa', 'data.items[1]']),
    );

    const malformed = await stack.http('PUT', '/api/v1/reference-data/country-groups/versions/bad-3', {
      as: ADA,
      body: { effectiveFrom: '2026-02-30', dat: {} },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['effectiveFrom', 'data']),
    );
    const badName = await stack.http('PUT', '/api/v1/reference-data/country-groups/versions/..%2F..', {
      as: ADA,
      body: { effectiveFrom: daysFromNow(0), data: {} },
    });
    expect(badName.status).toBe(400);
    expect(await versionCount('country-groups')).toBe(before);
  });

  it('a future version is listed but not in force; a version effective today takes over, and applicability follows it', async () => {
    const vn = {
      technologyCategory: 'LITHOGRAPHY_RESIST',
      transactionType: 'MANUFACTURING_TRANSFER_SUBSIDIARY',
      counterpartyCountry: 'VN',
    };
    const first = await stack.http('POST', '/api/v1/applicability-checks', {
      as: 'alice@acme.example',
      body: vn,
    });
    expect(first.status).toBe(200);
    expect(first.body.reportRequired).toBe(true);
    expect(first.body.ruleRefs).toEqual(
      expect.arrayContaining(['FEFTA Art. 55-8', 'Export Trade Control Order Appended Table 3']),
    );
    expect(first.body.referenceVersions).toEqual({
      technologies: '2024-12-30',
      'transaction-types': '2024-12-30',
      'country-groups': '2024-12-30',
    });

    const current = (await stack.http('GET', '/api/v1/reference-data/country-groups', { as: ADA })).body.data;
    const withVn = { ...current, GROUP_A: [...current.GROUP_A, 'VN'] };
    const future = await stack.http('PUT', '/api/v1/reference-data/country-groups/versions/2099-01-01', {
      as: ADA,
      body: { effectiveFrom: '2099-01-01', data: withVn },
    });
    expect(future.status).toBe(201);
    expect(future.body).toMatchObject({
      kind: 'country-groups',
      version: '2099-01-01',
      inForce: false,
      createdBy: ADA,
    });
    const still = await stack.http('POST', '/api/v1/applicability-checks', {
      as: 'alice@acme.example',
      body: vn,
    });
    expect(still.body.reportRequired).toBe(true);

    const today = await stack.http('PUT', '/api/v1/reference-data/country-groups/versions/vn-today', {
      as: ADA,
      body: { effectiveFrom: daysFromNow(0), data: withVn },
    });
    expect(today.status).toBe(201);
    expect(today.body.inForce).toBe(true);
    const after = await stack.http('POST', '/api/v1/applicability-checks', {
      as: 'alice@acme.example',
      body: vn,
    });
    expect(after.body.reportRequired).toBe(false);
    expect(after.body.reasons).toEqual(
      expect.arrayContaining(['Counterparty country VN is in Group A: not covered']),
    );
    expect(after.body.referenceVersions['country-groups']).toBe('vn-today');

    // Versions never change: the same content again is a no-op, other content under the name a conflict.
    const again = await stack.http('PUT', '/api/v1/reference-data/country-groups/versions/vn-today', {
      as: ADA,
      body: { effectiveFrom: daysFromNow(0), data: withVn },
    });
    expect(again.status).toBe(200);
    const changed = await stack.http('PUT', '/api/v1/reference-data/country-groups/versions/vn-today', {
      as: ADA,
      body: { effectiveFrom: daysFromNow(0), data: current },
    });
    expect(changed.status).toBe(409);

    const list = await stack.http('GET', '/api/v1/reference-data/country-groups/versions', { as: ADA });
    expect(list.body.items.map((v: { version: string; inForce: boolean }) => [v.version, v.inForce])).toEqual(
      [
        ['2024-12-30', false],
        ['vn-today', true],
        ['2099-01-01', false],
      ],
    );
  });

  it('unknown codes in an applicability check are 422 with each field named', async () => {
    const res = await stack.http('POST', '/api/v1/applicability-checks', {
      as: 'alice@acme.example',
      body: { technologyCategory: 'TIME_MACHINE', transactionType: 'BARTER', counterpartyCountry: 'ZZ' },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'technologyCategory',
      'transactionType',
      'counterpartyCountry',
    ]);
  });
});
