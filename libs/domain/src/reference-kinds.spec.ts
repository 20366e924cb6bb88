import {
  catchAllDestinationGroup,
  composeReferenceData,
  DEFAULT_REFERENCE_VERSIONS,
  END_USER_CATEGORIES,
  REFERENCE_KINDS,
  SAMPLE_END_USER_LISTS,
  versionInForce,
  type CountryGroups,
  type ReferenceVersion,
} from './reference-kinds';
import { isCountryCode, REFERENCE_DATA } from './reference';
import { compileNameRecords, screenCompiled } from './screening/match';

const byKind = <K extends ReferenceVersion['kind']>(kind: K) =>
  DEFAULT_REFERENCE_VERSIONS.find((v) => v.kind === kind) as ReferenceVersion<K>;

describe('default reference versions (the files in the repo)', () => {
  it('has one version of every kind', () => {
    expect(DEFAULT_REFERENCE_VERSIONS.map((v) => v.kind).sort()).toEqual([...REFERENCE_KINDS].sort());
  });

  it('has the 27 Group A countries, the 19 red flags of the seed, and disjoint country groups of real codes', () => {
    const groups = byKind('country-groups').data;
    expect(groups.GROUP_A).toHaveLength(27);
    expect(byKind('red-flags').data.items).toHaveLength(19);
    const all = [...groups.GROUP_A, ...groups.UN_ARMS_EMBARGO, ...groups.ALLIED];
    expect(new Set(all).size).toBe(all.length);
    expect(all.filter((c) => !isCountryCode(c))).toEqual([]);
  });

  it('composes the same advance-report data as REFERENCE_DATA', () => {
    const ref = composeReferenceData(
      byKind('technologies'),
      byKind('transaction-types'),
      byKind('country-groups'),
    );
    expect(ref.technologies).toEqual(REFERENCE_DATA.technologies);
    expect(ref.transactionTypes).toEqual(REFERENCE_DATA.transactionTypes);
    expect(ref.countryGroups.GROUP_A).toEqual(REFERENCE_DATA.countryGroups.GROUP_A);
    expect(ref.version).toBe(REFERENCE_DATA.version);
  });
});

describe('versionInForce', () => {
  const v = (version: string, effectiveFrom: string) => ({ version, effectiveFrom });

  it('takes the latest effective date on or before the day, never a future one', () => {
    const versions = [v('a', '2025-01-01'), v('c', '2027-01-01'), v('b', '2026-01-01')];
    expect(versionInForce(versions, '2024-12-31')).toBeUndefined();
    expect(versionInForce(versions, '2025-01-01')?.version).toBe('a');
    expect(versionInForce(versions, '2026-06-30')?.version).toBe('b');
    expect(versionInForce(versions, '2027-01-01')?.version).toBe('c');
  });

  it('of two versions with the same date, takes the later upload', () => {
    expect(versionInForce([v('first', '2026-01-01'), v('second', '2026-01-01')], '2026-02-01')?.version).toBe(
      'second',
    );
  });
});

describe('catchAllDestinationGroup', () => {
  const groups: CountryGroups = { GROUP_A: ['US'], UN_ARMS_EMBARGO: ['KP'], ALLIED: ['PH'] };
  it.each([
    ['US', 'GROUP_A'],
    ['KP', 'UN_ARMS_EMBARGO'],
    ['PH', 'ALLIED'],
    ['VN', 'GENERAL'],
    ['XX', 'GENERAL'],
  ])('%s is %s', (country, group) => expect(catchAllDestinationGroup(groups, country)).toBe(group));
});

describe('sample End User Lists', () => {
  it('are a public EUL and a non-public list with valid entries', () => {
    expect(SAMPLE_END_USER_LISTS.map((l) => [l.listId, l.mode])).toEqual([
      ['EUL', 'PUBLIC'],
      ['METI-CONCERN', 'NON_PUBLIC'],
    ]);
    for (const list of SAMPLE_END_USER_LISTS) {
      for (const e of list.entries) {
        expect(isCountryCode(e.country)).toBe(true);
        expect(END_USER_CATEGORIES).toContain(e.category);
      }
    }
  });

  it("do not match the tests' and the walkthrough's ordinary counterparty", () => {
    for (const list of SAMPLE_END_USER_LISTS) {
      const compiled = compileNameRecords(list.entries.map((e, i) => ({ ...e, id: String(i) })));
      expect(screenCompiled('Example Precision Co., Ltd.', 'VN', compiled)).toEqual([]);
    }
  });
});
