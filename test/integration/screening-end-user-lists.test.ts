import { startStack, type HttpResult, type Stack } from '../support/stack';

/**
 * The End User List in its two modes: a public list answers with matches and scores; a
 * non-public list answers only "match: consult the regulator" or "no match", the same shape and
 * length either way, rate-limited per organisation. Every check is audited. Regulator admins upload
 * new versions as JSON or CSV.
 */
describe('End User Lists: public and non-public checks, uploads', () => {
  let stack: Stack;
  const ADA = 'ada@regulator.example';

  beforeAll(async () => {
    stack = await startStack({ dispatcher: false });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const check = (as: string, body: Record<string, unknown>): Promise<HttpResult> =>
    stack.http('POST', '/api/v1/end-user-checks', { as, body });

  /** The raw bytes of a check, to compare what a client can observe. */
  async function rawCheck(as: string, body: Record<string, unknown>) {
    const res = await fetch(`${stack.baseUrl}/api/v1/end-user-checks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await stack.token(as)}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  async function auditRows(username: string) {
    return stack.ds.query(
      `SELECT list_id, list_version, mode, context, query_name, query_hash, verdict FROM screening_audit
       WHERE username = $1 ORDER BY id`,
      [username],
    ) as Promise<Array<Record<string, unknown>>>;
  }

  it('the public End User List (EUL, the default) finds an entity written in another script, with its score and version', async () => {
    const res = await check('alice@acme.example', { name: '樣本華光機械股份有限公司', country: 'CN' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: 'PUBLIC', listId: 'EUL', listVersion: 1 });
    expect(res.body.matches[0]).toMatchObject({
      name: 'Sample Huaguang Machinery Co., Ltd.',
      aliases: expect.arrayContaining(['樣本華光機械有限公司']),
      country: 'CN',
      listVersion: 1,
    });
    expect(res.body.matches[0].score).toBeGreaterThanOrEqual(0.85);

    const romanised = await check('alice@acme.example', { name: 'SAMPLE HUAGUANG MACHINERY LIMITED' });
    expect(romanised.body.matches.map((m: { name: string }) => m.name)).toEqual([
      'Sample Huaguang Machinery Co., Ltd.',
    ]);

    const none = await check('alice@acme.example', { name: 'Example Precision Co., Ltd.', country: 'VN' });
    expect(none.body).toEqual({ mode: 'PUBLIC', listId: 'EUL', listVersion: 1, matches: [] });
  });

  it('a non-public check reveals only the verdict: same keys, same bytes apart from the verdict, nothing of the list', async () => {
    const hit = await rawCheck('bob@globex.example', { name: '港灣樣本元件', listId: 'METI-CONCERN' });
    const miss = await rawCheck('bob@globex.example', {
      name: 'Example Precision Co., Ltd.',
      country: 'VN',
      listId: 'METI-CONCERN',
    });
    expect([hit.status, miss.status]).toEqual([200, 200]);
    const a = JSON.parse(hit.text);
    const b = JSON.parse(miss.text);
    expect(a.match).toBe(true);
    expect(b.match).toBe(false);
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect(Object.keys(a)).toEqual(['mode', 'match', 'advice', 'adviceJa']);
    const blank = (text: string) =>
      text
        .replace(/"match":(true|false)/, '"match":_')
        .replace(/"advice":"[^"]*"/, '"advice":_')
        .replace(/"adviceJa":"[^"]*"/, '"adviceJa":_');
    expect(blank(hit.text)).toBe(blank(miss.text));
    expect(Buffer.byteLength(hit.text)).toBe(Buffer.byteLength(miss.text));
    expect(hit.headers.get('content-length')).toBe(miss.headers.get('content-length'));
    // Nothing of the entry, the list's version, size or the score.
    for (const leak of ['Harbor', '港湾', 'HK', 'version', 'score', 'entries', 'DIVERSION', 'CONVENTIONAL']) {
      expect(hit.text).not.toContain(leak);
    }
    // An error is the same whatever the list holds.
    const badHit = await rawCheck('bob@globex.example', {
      name: '港灣樣本元件',
      listId: 'METI-CONCERN',
      country: 'hk',
    });
    const badMiss = await rawCheck('bob@globex.example', {
      name: 'Nobody At All',
      listId: 'METI-CONCERN',
      country: 'hk',
    });
    expect(badHit.status).toBe(400);
    expect(badHit.text).toBe(badMiss.text);
  });

  it('every check is audited with who, organisation, list, mode, query and verdict', async () => {
    const rows = await auditRows('bob@globex.example');
    expect(rows).toEqual([
      expect.objectContaining({
        list_id: 'METI-CONCERN',
        list_version: 1,
        mode: 'NON_PUBLIC',
        context: 'END_USER_CHECK',
        query_name: '港灣樣本元件',
        verdict: 'MATCH',
      }),
      expect.objectContaining({
        list_id: 'METI-CONCERN',
        mode: 'NON_PUBLIC',
        query_name: 'Example Precision Co., Ltd.',
        verdict: 'NO_MATCH',
      }),
    ]);
    expect(rows[0]!.query_hash).toMatch(/^[0-9a-f]{64}$/);
    const alice = await auditRows('alice@acme.example');
    expect(alice.map((r) => [r.list_id, r.mode, r.verdict])).toEqual([
      ['EUL', 'PUBLIC', 'MATCH'],
      ['EUL', 'PUBLIC', 'MATCH'],
      ['EUL', 'PUBLIC', 'NO_MATCH'],
    ]);
    const orgs: Array<{ organization_id: string }> = await stack.ds.query(
      "SELECT DISTINCT organization_id FROM screening_audit WHERE username = 'bob@globex.example'",
    );
    expect(orgs).toEqual([{ organization_id: 'GLOBEX' }]);
  });

  it('non-public checks are limited to 30 a minute per organisation (429 with Retry-After); another organisation is unaffected', async () => {
    // Stay inside one fixed one-minute window.
    const intoMinute = Date.now() % 60000;
    if (intoMinute > 45000) await new Promise((r) => setTimeout(r, 60000 - intoMinute + 200));
    // The regulator's own staff count as one organisation: olivia and oscar share the budget.
    const statuses: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const as = i % 2 === 0 ? 'olivia@regulator.example' : 'oscar@regulator.example';
      statuses.push((await check(as, { name: `Probe Name ${i}`, listId: 'METI-CONCERN' })).status);
    }
    expect(statuses).toEqual(new Array(30).fill(200));
    const refused = await check('oscar@regulator.example', {
      name: 'Harbor Sample Components',
      listId: 'METI-CONCERN',
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(JSON.stringify(refused.body)).not.toContain('match');
    // Public checks are not limited, and another organisation still has its budget.
    expect((await check('olivia@regulator.example', { name: 'Anything' })).status).toBe(200);
    const other = await check('akira@acme.example', {
      name: 'Harbor Sample Components',
      listId: 'METI-CONCERN',
    });
    expect(other.status).toBe(200);
    expect(other.body.match).toBe(true);
    const audited: Array<{ verdict: string; n: number }> = await stack.ds.query(
      `SELECT verdict, count(*)::int AS n FROM screening_audit WHERE organization_id = 'REGULATOR' AND mode = 'NON_PUBLIC'
       GROUP BY verdict ORDER BY verdict`,
    );
    expect(audited).toEqual([
      { verdict: 'NO_MATCH', n: 30 },
      { verdict: 'RATE_LIMITED', n: 1 },
    ]);
  }, 90_000);

  it('a non-public check of a list the size of the End User List takes as long for a match as for no match', async () => {
    // 835 fictional entries, the size of the real list (DOMAIN.md), each with a CJK alias.
    const a = [
      'Northern',
      'Eastern',
      'Golden',
      'Silver',
      'Harbor',
      'Summit',
      'Crystal',
      'Pioneer',
      'Coastal',
      'Highland',
      'Royal',
      'Liberty',
      'Phoenix',
      'Emerald',
      'Granite',
    ];
    const b = [
      'Precision',
      'Optics',
      'Machinery',
      'Avionics',
      'Photonics',
      'Composites',
      'Dynamics',
      'Electronics',
      'Materials',
      'Instruments',
      'Hydraulics',
      'Robotics',
      'Turbines',
      'Sensors',
    ];
    const c = ['Trading', 'Industries', 'Technology', 'Works', 'Engineering'];
    const han = '北东金银港峰晶先海高皇自凤翠岩精光机航电材仪液器涡传贸工技厂程';
    const entries = [];
    for (let i = 0; entries.length < 835; i += 1) {
      const [x, y, z] = [
        i % a.length,
        Math.floor(i / a.length) % b.length,
        Math.floor(i / (a.length * b.length)) % c.length,
      ];
      entries.push({
        name: `${a[x]} ${b[y]} ${c[z]} Co., Ltd.`,
        aliases: [`${han[x]}${han[15 + (y % 14)]}${han[x + z + 1] ?? '科'}有限公司`],
        country: 'CN',
        category: 'CONVENTIONAL',
        reason: 'DIVERSION',
      });
    }
    const put = await stack.http('PUT', '/api/v1/end-user-lists/TIMING', {
      as: ADA,
      body: { mode: 'NON_PUBLIC', entries },
    });
    expect(put.status).toBe(201);
    const hitQuery = { name: 'GOLDEN AVIONICS TRADING LIMITED', listId: 'TIMING' };
    const missQuery = { name: 'Orchard Lantern Brewing Limited', listId: 'TIMING' };
    await rawCheck('bob@globex.example', missQuery); // the first check normalises the list once
    const times: Record<'hit' | 'miss', number[]> = { hit: [], miss: [] };
    // 27 checks: with the 2 of the leak test, GLOBEX stays within its 30 a minute.
    for (let i = 0; i < 13; i += 1) {
      for (const [kind, query] of (i % 2
        ? [
            ['hit', hitQuery],
            ['miss', missQuery],
          ]
        : [
            ['miss', missQuery],
            ['hit', hitQuery],
          ]) as Array<['hit' | 'miss', typeof hitQuery]>) {
        const start = process.hrtime.bigint();
        const res = await rawCheck('bob@globex.example', query);
        times[kind].push(Number(process.hrtime.bigint() - start) / 1e6);
        expect(JSON.parse(res.text).match).toBe(kind === 'hit');
      }
    }
    const median = (xs: number[]) => xs.slice().sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;
    const figures = {
      entries: entries.length,
      medianMatchMs: median(times.hit),
      medianNoMatchMs: median(times.miss),
    };
    console.log(JSON.stringify({ nonPublicCheckTiming: figures }));
    const larger = Math.max(figures.medianMatchMs, figures.medianNoMatchMs);
    // Generous bounds for a busy 2-core machine: an early exit on a match would show as a far larger gap.
    expect(Math.abs(figures.medianMatchMs - figures.medianNoMatchMs)).toBeLessThanOrEqual(
      Math.max(10, 0.5 * larger),
    );
  }, 90_000);

  it('a regulator admin uploads a new version as JSON: it is in force at once and older entries no longer match', async () => {
    const forbidden = await stack.http('PUT', '/api/v1/end-user-lists/EUL', {
      as: 'olivia@regulator.example',
      body: { mode: 'PUBLIC', entries: [] },
    });
    expect(forbidden.status).toBe(403);
    const put = await stack.http('PUT', '/api/v1/end-user-lists/EUL', {
      as: ADA,
      body: {
        mode: 'PUBLIC',
        entries: [
          {
            name: 'Borealis Sample Optics Co., Ltd.',
            aliases: ['ボレアリスサンプル光学株式会社', '北极光样本光学有限公司'],
            country: 'CN',
            category: 'MISSILE',
            reason: 'MISSILE_PROGRAMME',
          },
          {
            name: 'Volga Sample Avionics JSC',
            aliases: ['АО Волга Образец Авионика'],
            country: 'RU',
            category: 'CONVENTIONAL',
            reason: 'WEAPONS_DEVELOPMENT',
          },
        ],
      },
    });
    expect(put.status).toBe(201);
    expect(put.body).toEqual({ listId: 'EUL', version: 2, mode: 'PUBLIC', entries: 2 });
    const found = await check('alice@acme.example', { name: 'ボレアリス・サンプル光学' });
    expect(found.body.listVersion).toBe(2);
    expect(found.body.matches).toEqual([
      expect.objectContaining({ name: 'Borealis Sample Optics Co., Ltd.', listVersion: 2 }),
    ]);
    const cyrillic = await check('alice@acme.example', { name: 'Волга Образец Авионика' });
    expect(cyrillic.body.matches).toHaveLength(1);
    const old = await check('alice@acme.example', { name: 'Sample Huaguang Machinery' });
    expect(old.body.matches).toEqual([]);
  });

  it('a CSV upload (aliases separated by "|") becomes a version, also for a non-public list', async () => {
    const csv = [
      'name,aliases,country,category,reason',
      '"Meridian Sample Drives, Ltd.",メリディアンサンプル駆動|子午线样本驱动有限公司,HK,CONVENTIONAL,DIVERSION',
      'Orchid Sample Machine Works,,MY,CONVENTIONAL,TRANSSHIPMENT',
    ].join('\n');
    const put = await stack.http('PUT', '/api/v1/end-user-lists/CSV-NP?mode=NON_PUBLIC', {
      as: ADA,
      raw: csv,
      headers: { 'content-type': 'text/csv; charset=utf-8' },
    });
    expect(put.status).toBe(201);
    expect(put.body).toEqual({ listId: 'CSV-NP', version: 1, mode: 'NON_PUBLIC', entries: 2 });
    const alias = await check('alice@acme.example', { name: '子午线样本驱动', listId: 'CSV-NP' });
    expect(alias.body).toMatchObject({ mode: 'NON_PUBLIC', match: true });
    const none = await check('alice@acme.example', { name: 'Orchid Garden Florists', listId: 'CSV-NP' });
    expect(none.body).toMatchObject({ mode: 'NON_PUBLIC', match: false });

    const lists = await stack.http('GET', '/api/v1/end-user-lists', { as: 'sam@regulator.example' });
    expect(lists.status).toBe(200);
    expect(lists.body.items.map((l: { listId: string; version: number }) => [l.listId, l.version])).toEqual([
      ['CSV-NP', 1],
      ['EUL', 2],
      ['METI-CONCERN', 1],
      ['TIMING', 1],
    ]);
    expect((await stack.http('GET', '/api/v1/end-user-lists', { as: 'alice@acme.example' })).status).toBe(
      403,
    );
  });

  it('a bad upload is 400 (malformed) or 422 (unacceptable) with every bad field, and creates no version', async () => {
    const versions = async () =>
      (
        (await stack.ds.query(
          "SELECT count(*)::int AS n FROM end_user_list_versions WHERE list_id IN ('BAD', 'EUL')",
        )) as Array<{ n: number }>
      )[0]!.n;
    const before = await versions();

    const unacceptable = await stack.http('PUT', '/api/v1/end-user-lists/EUL', {
      as: ADA,
      body: {
        mode: 'PUBLIC',
        entries: [
          { name: 'Fine Sample Name Ltd', aliases: [], country: 'CN', category: 'MISSILE', reason: 'R1' },
          { name: '*** ---', aliases: [''], country: 'XX', category: 'SPACE', reason: 'not a code' },
        ],
      },
    });
    expect(unacceptable.status).toBe(422);
    expect(unacceptable.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'entries[1].name',
      'entries[1].aliases[0]',
      'entries[1].country',
      'entries[1].category',
      'entries[1].reason',
    ]);

    const malformed = await stack.http('PUT', '/api/v1/end-user-lists/BAD', {
      as: ADA,
      body: {
        mode: 'SECRET',
        entries: [{ name: 7, aliases: 'x', country: 'CN', category: 'MISSILE', reason: 'R', extra: true }],
      },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['mode', 'entries[0].name', 'entries[0].aliases']),
    );

    const csvPut = (csv: string, query = '?mode=PUBLIC') =>
      stack.http('PUT', `/api/v1/end-user-lists/BAD${query}`, {
        as: ADA,
        raw: csv,
        headers: { 'content-type': 'text/csv' },
      });
    const missingColumn = await csvPut('name,country,category\nA Sample Name,CN,MISSILE');
    expect(missingColumn.status).toBe(400);
    expect(missingColumn.body.errors[0].message).toContain('missing aliases, reason');
    const ragged = await csvPut('name,aliases,country,category,reason\n"unclosed,CN');
    expect(ragged.status).toBe(400);
    const noMode = await csvPut('name,aliases,country,category,reason\nA Sample Name,,CN,MISSILE,R1', '');
    expect(noMode.status).toBe(400);
    expect(noMode.body.errors.map((e: { field: string }) => e.field)).toEqual(['mode']);
    const badRow = await csvPut(
      'name,aliases,country,category,reason\nA Sample Name,,CN,MISSILE,R1\nOther Sample Name,,Chinaland,MISSILE,R1',
    );
    expect(badRow.status).toBe(422);
    expect(badRow.body.errors).toEqual([
      { field: 'entries[1].country', message: expect.stringContaining('(CSV line 3)') },
    ]);
    const wrongType = await stack.http('PUT', '/api/v1/end-user-lists/BAD', {
      as: ADA,
      raw: 'name\nx',
      headers: { 'content-type': 'text/plain' },
    });
    expect(wrongType.status).toBe(415);
    const badId = await stack.http('PUT', '/api/v1/end-user-lists/bad%20id', {
      as: ADA,
      body: { mode: 'PUBLIC', entries: [] },
    });
    expect(badId.status).toBe(400);

    expect(await versions()).toBe(before);
    const unknownList = await check('alice@acme.example', { name: 'Anything', listId: 'BAD' });
    expect(unknownList.status).toBe(404);
  });
});
