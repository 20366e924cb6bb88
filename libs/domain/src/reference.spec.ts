import {
  ISO_COUNTRY_CODES,
  REFERENCE_DATA,
  checkApplicability,
  destinationGroup,
  isCountryCode,
  queueFor,
  type ReferenceData,
} from './reference';

const ref = REFERENCE_DATA;

const QUEUES: Record<string, string> = {
  MULTILAYER_CERAMIC_CAPACITOR: 'ELECTRONIC_COMPONENTS',
  SAW_BAW_FILTER: 'ELECTRONIC_COMPONENTS',
  ELECTROLYTIC_COPPER_FOIL: 'ELECTRONIC_COMPONENTS',
  DIELECTRIC_FILM: 'ELECTRONIC_COMPONENTS',
  BARIUM_TITANATE_POWDER: 'ELECTRONIC_COMPONENTS',
  CARBON_FIBER_PRECURSOR: 'ADVANCED_MATERIALS',
  SIC_FIBER_PRECURSOR: 'ADVANCED_MATERIALS',
  LITHOGRAPHY_RESIST: 'SEMICONDUCTORS',
  SPUTTERING_TARGET: 'SEMICONDUCTORS',
  ELECTRON_MICROSCOPE: 'INSTRUMENTS',
};
const COVERED = [
  'MANUFACTURING_TRANSFER_SUBSIDIARY',
  'MANUFACTURING_TRANSFER_JOINT_VENTURE',
  'CONTRACT_MANUFACTURING',
  'LICENSING_WITH_TECHNICAL_GUIDANCE',
];
const NOT_COVERED = ['CROSS_LICENSE_WITHOUT_GUIDANCE', 'JOINT_RESEARCH', 'OTHER'];
// Export Trade Control Order, Appended Table 3.
const GROUP_A = 'AR AU AT BE BG CA CZ DK FI FR DE GR HU IE IT LU NL NZ NO PL PT KR ES SE CH GB US'.split(' ');
const UN_ARMS_EMBARGO = 'AF CF CD IQ LB LY KP SO SS SD'.split(' ');

describe('the reference data (METI notice of 2024-12-30)', () => {
  it('carries its version and effective date', () => {
    expect(ref.version).toBe('2024-12-30');
    expect(ref.effectiveFrom).toBe('2024-12-30');
  });

  it('designates the ten technologies of API.md, each routed to its queue', () => {
    expect(Object.fromEntries(ref.technologies.map((t) => [t.code, t.queue]))).toEqual(QUEUES);
    expect(ref.technologies).toHaveLength(10);
  });

  it('lists the covered and not-covered transaction types of API.md', () => {
    expect(ref.transactionTypes.filter((t) => t.covered).map((t) => t.code)).toEqual(COVERED);
    expect(ref.transactionTypes.filter((t) => !t.covered).map((t) => t.code)).toEqual(NOT_COVERED);
  });

  it('names every code in Japanese and English', () => {
    for (const entry of [...ref.technologies, ...ref.transactionTypes]) {
      expect(entry.nameJa.trim()).not.toBe('');
      expect(entry.nameEn.trim()).not.toBe('');
      expect(entry.code).toMatch(/^[A-Z][A-Z_]*$/);
    }
  });

  it('has Group A as the 27 countries of Appended Table 3 and the 10 UN arms-embargoed countries', () => {
    expect([...ref.countryGroups.GROUP_A].sort()).toEqual([...GROUP_A].sort());
    expect([...ref.countryGroups.UN_ARMS_EMBARGO].sort()).toEqual([...UN_ARMS_EMBARGO].sort());
  });

  it('uses only valid, unique country codes in disjoint groups', () => {
    const all = [...ref.countryGroups.GROUP_A, ...ref.countryGroups.UN_ARMS_EMBARGO];
    expect(all.filter((c) => !isCountryCode(c))).toEqual([]);
    expect(new Set(all).size).toBe(all.length);
  });

  it('has unique codes', () => {
    const codes = [...ref.technologies, ...ref.transactionTypes].map((t) => t.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('country codes', () => {
  it('holds all 249 ISO 3166-1 alpha-2 codes', () => {
    expect(ISO_COUNTRY_CODES.size).toBe(249);
    for (const c of ISO_COUNTRY_CODES) expect(c).toMatch(/^[A-Z]{2}$/);
  });

  it.each(['JP', 'US', 'VN', 'CN', 'TW', 'HK', 'KP', 'SS', 'AX', 'ZW'])('accepts %s', (c) => {
    expect(isCountryCode(c)).toBe(true);
  });

  it.each(['us', 'Jp', 'USA', 'J', '', 'UK', 'EU', 'XK', 'ZZ', 'AA', ' JP'])('refuses %p', (c) => {
    expect(isCountryCode(c)).toBe(false);
  });

  it('refuses non-strings', () => {
    expect(isCountryCode(undefined)).toBe(false);
    expect(isCountryCode(392)).toBe(false);
  });
});

describe('queueFor', () => {
  it.each(Object.entries(QUEUES))('routes %s to %s', (code, queue) => {
    expect(queueFor(ref, code)).toBe(queue);
  });

  it('has no queue for an unknown code', () => {
    expect(queueFor(ref, 'QUANTUM_COMPUTER')).toBeUndefined();
    expect(queueFor(ref, 'lithography_resist')).toBeUndefined();
  });
});

describe('destinationGroup', () => {
  it.each(GROUP_A)('%s is in Group A', (c) => expect(destinationGroup(ref, c)).toBe('GROUP_A'));
  it.each(UN_ARMS_EMBARGO)('%s is UN arms-embargoed', (c) =>
    expect(destinationGroup(ref, c)).toBe('UN_ARMS_EMBARGO'),
  );
  it.each(['CN', 'VN', 'TW', 'IN', 'SG', 'RU', 'JP', 'IR', 'XX'])('%s is general', (c) =>
    expect(destinationGroup(ref, c)).toBe('GENERAL'),
  );
});

describe('checkApplicability', () => {
  it('requires a report for a resist manufacturing transfer to a Vietnamese subsidiary, and says why', () => {
    expect(
      checkApplicability(ref, {
        technologyCategory: 'LITHOGRAPHY_RESIST',
        transactionType: 'MANUFACTURING_TRANSFER_SUBSIDIARY',
        counterpartyCountry: 'VN',
      }),
    ).toEqual({
      reportRequired: true,
      reasons: [
        'LITHOGRAPHY_RESIST is a designated important managed technology (queue SEMICONDUCTORS)',
        'Transaction type MANUFACTURING_TRANSFER_SUBSIDIARY (Manufacturing transfer to a foreign subsidiary (wholly owned included)) enables manufacturing or design abroad: covered',
        'Counterparty country VN is not in Group A: covered',
        'An advance report is required before the contract is concluded (in principle 30 days before)',
      ],
      ruleRefs: [
        'FEFTA Art. 55-8',
        'METI Notice (important managed technologies) 2024-12-30',
        'Export Trade Control Order Appended Table 3',
      ],
      unknown: [],
    });
  });

  it('does not require a report for a counterparty in Group A', () => {
    const result = checkApplicability(ref, {
      technologyCategory: 'LITHOGRAPHY_RESIST',
      transactionType: 'MANUFACTURING_TRANSFER_SUBSIDIARY',
      counterpartyCountry: 'US',
    });
    expect(result.reportRequired).toBe(false);
    expect(result.reasons).toContain('Counterparty country US is in Group A: not covered');
    expect(result.reasons[result.reasons.length - 1]).toBe(
      'No advance report is required (a voluntary report is still possible)',
    );
    expect(result.ruleRefs).toContain('Export Trade Control Order Appended Table 3');
  });

  it('does not require a report for cross-licensing without technical guidance', () => {
    const result = checkApplicability(ref, {
      technologyCategory: 'SPUTTERING_TARGET',
      transactionType: 'CROSS_LICENSE_WITHOUT_GUIDANCE',
      counterpartyCountry: 'CN',
    });
    expect(result.reportRequired).toBe(false);
    expect(result.reasons).toContain(
      'Transaction type CROSS_LICENSE_WITHOUT_GUIDANCE (Cross-licensing without direct technical guidance) is not covered',
    );
    expect(result.unknown).toEqual([]);
  });

  it('requires a report for a UN arms-embargoed destination and names the group', () => {
    const result = checkApplicability(ref, {
      technologyCategory: 'ELECTRON_MICROSCOPE',
      transactionType: 'CONTRACT_MANUFACTURING',
      counterpartyCountry: 'KP',
    });
    expect(result.reportRequired).toBe(true);
    expect(result.reasons).toContain(
      'Counterparty country KP is not in Group A (UN arms-embargoed): covered',
    );
  });

  it('decides every combination of technology, transaction type and destination group', () => {
    for (const tech of Object.keys(QUEUES)) {
      for (const type of [...COVERED, ...NOT_COVERED]) {
        for (const country of ['US', 'KR', 'DE', 'CN', 'VN', 'TW', 'KP', 'IQ']) {
          const result = checkApplicability(ref, {
            technologyCategory: tech,
            transactionType: type,
            counterpartyCountry: country,
          });
          const expected = COVERED.includes(type) && !GROUP_A.includes(country);
          if (
            result.reportRequired !== expected ||
            result.unknown.length !== 0 ||
            result.reasons.length !== 4
          ) {
            throw new Error(`${tech} / ${type} / ${country}: ${JSON.stringify(result)}`);
          }
          expect(result.reasons[0]).toBe(
            `${tech} is a designated important managed technology (queue ${QUEUES[tech]})`,
          );
        }
      }
    }
  });

  it('lists every unknown code, cannot require a report, and names no group rule for a bad country', () => {
    const result = checkApplicability(ref, {
      technologyCategory: 'QUANTUM_COMPUTER',
      transactionType: 'ASSET_SALE',
      counterpartyCountry: 'vn',
    });
    expect(result.reportRequired).toBe(false);
    expect(result.unknown.map((u) => u.field)).toEqual([
      'technologyCategory',
      'transactionType',
      'counterpartyCountry',
    ]);
    expect(result.unknown[0].message).toMatch(
      /^unknown technology category "QUANTUM_COMPUTER"; expected one of MULTILAYER_CERAMIC_CAPACITOR, /,
    );
    expect(result.unknown[1].message).toMatch(
      /^unknown transaction type "ASSET_SALE"; expected one of MANUFACTURING_TRANSFER_SUBSIDIARY, /,
    );
    expect(result.unknown[2].message).toBe(
      '"vn" is not an ISO 3166-1 alpha-2 country code (two uppercase letters, e.g. "VN")',
    );
    expect(result.reasons).toEqual([
      'QUANTUM_COMPUTER is not a designated important managed technology (list 2024-12-30)',
      'Transaction type ASSET_SALE is not known: cannot judge whether it is covered',
      'Counterparty country vn is not an ISO 3166-1 alpha-2 code: cannot judge its group',
      'Cannot decide until the unknown codes are corrected',
    ]);
    expect(result.ruleRefs).toEqual([
      'FEFTA Art. 55-8',
      'METI Notice (important managed technologies) 2024-12-30',
    ]);
  });

  it('reports a single unknown code without hiding the judgement of the others', () => {
    const result = checkApplicability(ref, {
      technologyCategory: 'DIELECTRIC_FILM',
      transactionType: 'JOINT_VENTURE',
      counterpartyCountry: 'US',
    });
    expect(result.reportRequired).toBe(false);
    expect(result.unknown).toHaveLength(1);
    expect(result.unknown[0].field).toBe('transactionType');
    expect(result.reasons).toContain('Counterparty country US is in Group A: not covered');
  });

  it('judges under the reference-data version it is given (the list is amended over time)', () => {
    const amended: ReferenceData = {
      ...ref,
      version: '2026-04-01',
      effectiveFrom: '2026-04-01',
      technologies: [
        ...ref.technologies,
        {
          code: 'SOLID_STATE_BATTERY',
          queue: 'ADVANCED_MATERIALS',
          nameJa: '全固体電池',
          nameEn: 'Solid-state batteries',
        },
      ],
    };
    const input = {
      technologyCategory: 'SOLID_STATE_BATTERY',
      transactionType: 'LICENSING_WITH_TECHNICAL_GUIDANCE',
      counterpartyCountry: 'IN',
    };
    expect(checkApplicability(ref, input).reportRequired).toBe(false);
    const result = checkApplicability(amended, input);
    expect(result.reportRequired).toBe(true);
    expect(result.ruleRefs).toContain('METI Notice (important managed technologies) 2026-04-01');
    expect(queueFor(amended, 'SOLID_STATE_BATTERY')).toBe('ADVANCED_MATERIALS');
  });
});
