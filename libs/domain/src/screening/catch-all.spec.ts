import {
  CATCH_ALL_DATA,
  DESTINATION_GROUPS,
  RED_FLAGS,
  SPECIFIED_ITEMS,
  isDestinationGroup,
  matchSpecifiedItem,
  normalizeHsCode,
  normalizeRedFlagCode,
  screenCatchAll,
  type CatchAllInput,
  type CatchAllResult,
  type DestinationGroup,
} from './catch-all';
import specifiedItemsJson from './specified-items.json';

/** An integrated circuit (HS 8542, a specified item) with no concern at all. */
function input(overrides: Partial<CatchAllInput> = {}): CatchAllInput {
  return {
    listControlled: false,
    catchAllItem: { hsCode: '8542.31', description: 'microcontroller' },
    destinationCountry: 'XX',
    destinationGroup: 'GENERAL',
    endUserListMatch: false,
    knowsWeaponsDevelopmentUse: false,
    endUserHasWeaponsRecordOrPlan: false,
    redFlags: [],
    informReceived: false,
    ...overrides,
  };
}

function answers(r: CatchAllResult): string[] {
  return r.trace.map((t) => t.answer);
}

function expectWellFormedTrace(r: CatchAllResult): void {
  expect(r.trace.length).toBeGreaterThan(0);
  r.trace.forEach((t, i) => {
    expect(t.step).toBe(i + 1);
    for (const text of [t.question, t.questionJa, t.outcome, t.outcomeJa])
      expect(text.trim().length).toBeGreaterThan(0);
    expect(['yes', 'no']).toContain(t.answer);
    expect(t.questionJa).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(t.outcomeJa).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  });
  const last = r.trace[r.trace.length - 1];
  if (r.licenseRequired) {
    expect(last.outcome).toMatch(/required/i);
    expect(last.outcomeJa).toMatch(/必要/);
  } else {
    expect(last.outcome).toMatch(/No license application needed/);
    expect(last.outcomeJa).toMatch(/不要/);
  }
}

function screen(overrides: Partial<CatchAllInput> = {}): CatchAllResult {
  const r = screenCatchAll(input(overrides), CATCH_ALL_DATA);
  expectWellFormedTrace(r);
  return r;
}

describe('reference data', () => {
  it('has the 19 red flags of the seed appendix, RF01..RF19, in Japanese and English', () => {
    expect(RED_FLAGS).toHaveLength(19);
    expect(RED_FLAGS.map((f) => f.code)).toEqual(
      Array.from({ length: 19 }, (_, i) => `RF${String(i + 1).padStart(2, '0')}`),
    );
    for (const f of RED_FLAGS) {
      expect(f.textJa).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(f.textEn.length).toBeGreaterThan(20);
    }
    expect(RED_FLAGS[0].textJa).toBe('顧客等が製品の最終用途に関する情報を提供したがらない。');
    expect(RED_FLAGS[1].textJa).toContain('小さなパン屋');
    expect(RED_FLAGS[8].textJa).toContain('貨物運送会社');
    expect(RED_FLAGS[18].textJa).toContain('高帯域幅メモリ(HBM)');
  });

  it('has a sample list of about twenty specified items keyed by HS prefix, marked as a sample', () => {
    expect(specifiedItemsJson.note).toMatch(/sample/i);
    expect(SPECIFIED_ITEMS.length).toBeGreaterThanOrEqual(20);
    for (const i of SPECIFIED_ITEMS) {
      expect(i.hsPrefix).toMatch(/^\d{4,6}$/);
      expect(i.nameJa.length).toBeGreaterThan(0);
      expect(i.nameEn.length).toBeGreaterThan(0);
    }
    const prefixes = SPECIFIED_ITEMS.map((i) => i.hsPrefix);
    for (const p of [
      '8456',
      '8466',
      '8542',
      '8486',
      '8803',
      '8807',
      '8407',
      '8408',
      '8411',
      '9013',
      '8525',
    ]) {
      expect(prefixes).toContain(p);
    }
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });

  it('normalises HS codes, red-flag codes and destination groups', () => {
    expect(normalizeHsCode('8542.31-00')).toBe('85423100');
    expect(matchSpecifiedItem('8542.31', ['85', '8542', '9013'])).toBe('8542');
    expect(matchSpecifiedItem('8471', ['8542'])).toBeNull();
    expect(matchSpecifiedItem('', ['8542'])).toBeNull();
    expect(normalizeRedFlagCode(' rf1 ')).toBe('RF01');
    expect(normalizeRedFlagCode('RF019')).toBe('RF19');
    expect(normalizeRedFlagCode('xyz')).toBe('XYZ');
    expect(DESTINATION_GROUPS).toEqual(['GROUP_A', 'UN_ARMS_EMBARGO', 'GENERAL', 'ALLIED']);
    expect(isDestinationGroup('ALLIED')).toBe(true);
    expect(isDestinationGroup('allied')).toBe(false);
  });
});

describe('screenCatchAll: branches common to every destination group', () => {
  describe.each(DESTINATION_GROUPS)('%s', (group: DestinationGroup) => {
    it('list-controlled: the regular list-control license applies and catch-all is not applicable', () => {
      const r = screen({
        destinationGroup: group,
        listControlled: true,
        knowsWeaponsDevelopmentUse: true,
        informReceived: true,
      });
      expect(r.licenseRequired).toBe(true);
      expect(r.destinationGroup).toBe(group);
      expect(r.trace).toHaveLength(1);
      expect(r.trace[0].answer).toBe('yes');
      expect(r.trace[0].outcome).toMatch(/license under the regular list control is required/);
      expect(r.trace[0].outcome).toMatch(/catch-all control is not applicable/);
      expect(r.trace[0].outcomeJa).toMatch(/リスト規制に基づく許可が必要/);
      expect(r.trace[0].outcomeJa).toMatch(/キャッチオール規制は適用されません/);
    });

    it('not a catch-all item: outside the control, no application', () => {
      const r = screen({
        destinationGroup: group,
        catchAllItem: null,
        knowsWeaponsDevelopmentUse: true,
        endUserListMatch: true,
        informReceived: true,
      });
      expect(r.licenseRequired).toBe(false);
      expect(answers(r)).toEqual(['no', 'no']);
      expect(r.trace[1].outcome).toMatch(/Outside the catch-all control/);
    });

    it('inform received: license application required, whatever else is known', () => {
      const r = screen({ destinationGroup: group, informReceived: true });
      expect(r.licenseRequired).toBe(true);
      expect(answers(r)).toEqual(['no', 'yes', 'yes']);
      expect(r.trace[2].question).toMatch(/inform/);
      expect(r.trace[2].outcome).toMatch(/An inform has been received\. License application required\./);
    });
  });
});

describe('screenCatchAll: Group A (catch-all only by an inform)', () => {
  it('no inform: not required, even with knowledge of weapons use, an End User List match and red flags', () => {
    const r = screen({
      destinationGroup: 'GROUP_A',
      destinationCountry: 'US',
      knowsWeaponsDevelopmentUse: true,
      endUserHasWeaponsRecordOrPlan: true,
      endUserListMatch: true,
      redFlags: ['RF01', 'RF02'],
    });
    expect(r.licenseRequired).toBe(false);
    expect(answers(r)).toEqual(['no', 'yes', 'no']);
    expect(r.trace[2].outcome).toMatch(
      /Group A destination: the catch-all control applies only through an inform/,
    );
    expect(r.trace[2].outcomeJa).toMatch(/グループA国/);
  });

  it('informReceived undefined counts as no inform', () => {
    const r = screen({ destinationGroup: 'GROUP_A', informReceived: undefined });
    expect(r.licenseRequired).toBe(false);
  });

  it('an inform covers items that are not specified items too', () => {
    const r = screen({ destinationGroup: 'GROUP_A', catchAllItem: { hsCode: '9403' }, informReceived: true });
    expect(r.licenseRequired).toBe(true);
  });
});

describe('screenCatchAll: UN arms-embargoed destinations (all items; end use, end user, inform)', () => {
  const un = (o: Partial<CatchAllInput> = {}) =>
    screen({ destinationGroup: 'UN_ARMS_EMBARGO', destinationCountry: 'ZZ', ...o });

  it('covers every catch-all item, including ones that are not specified items or have no HS code', () => {
    for (const item of [{ hsCode: '9403.20' }, { description: 'office furniture' }, {}]) {
      const r = un({ catchAllItem: item, knowsWeaponsDevelopmentUse: true });
      expect(r.licenseRequired).toBe(true);
      expect(r.trace[3].answer).toBe('yes');
      expect(r.trace[3].outcome).toMatch(/UN arms-embargoed destination: every catch-all item is covered/);
    }
  });

  it('end use known: required', () => {
    const r = un({ knowsWeaponsDevelopmentUse: true });
    expect(r.licenseRequired).toBe(true);
    expect(answers(r)).toEqual(['no', 'yes', 'no', 'yes', 'yes']);
  });

  it('no end-use knowledge and no end-user concern: not required (red flags are not reached)', () => {
    const r = un({ redFlags: ['RF01'] });
    expect(r.licenseRequired).toBe(false);
    expect(answers(r)).toEqual(['no', 'yes', 'no', 'yes', 'no', 'no']);
    expect(r.trace).toHaveLength(6);
  });

  it('end user with a record or plan and a red flag: required', () => {
    const r = un({ endUserHasWeaponsRecordOrPlan: true, redFlags: ['RF07'] });
    expect(r.licenseRequired).toBe(true);
    expect(answers(r)).toEqual(['no', 'yes', 'no', 'yes', 'no', 'yes', 'yes']);
    expect(r.matchedRedFlags).toEqual(['RF07']);
    expect(r.trace[6].outcome).toMatch(/RF07/);
  });

  it('end user on the End User List and a red flag: required', () => {
    const r = un({ endUserListMatch: true, redFlags: ['rf3'] });
    expect(r.licenseRequired).toBe(true);
    expect(r.trace[5].outcome).toMatch(/End User List/);
    expect(r.matchedRedFlags).toEqual(['RF03']);
  });

  it('end-user concern but no red flag: not required', () => {
    const r = un({ endUserListMatch: true, endUserHasWeaponsRecordOrPlan: true });
    expect(r.licenseRequired).toBe(false);
    expect(answers(r)).toEqual(['no', 'yes', 'no', 'yes', 'no', 'yes', 'no']);
    expect(r.trace[5].outcome).toMatch(
      /documents show a record or plan; the end user matches the End User List/,
    );
  });

  it('end-user concern with only unknown red-flag codes: not required, unknown codes reported', () => {
    const r = un({ endUserHasWeaponsRecordOrPlan: true, redFlags: ['RF20', 'bogus', 'RF20'] });
    expect(r.licenseRequired).toBe(false);
    expect(r.unknownRedFlags).toEqual(['RF20', 'bogus']);
    expect(r.matchedRedFlags).toEqual([]);
    expect(r.trace[6].outcome).toMatch(/Unknown red-flag codes ignored: RF20, bogus/);
  });

  it('known and unknown red flags together: required, and the unknown ones are still reported', () => {
    const r = un({ endUserHasWeaponsRecordOrPlan: true, redFlags: ['RF19', 'RF99', 'RF02', 'rf02'] });
    expect(r.licenseRequired).toBe(true);
    expect(r.matchedRedFlags).toEqual(['RF02', 'RF19']);
    expect(r.unknownRedFlags).toEqual(['RF99']);
  });

  it('inform: required even with nothing else known', () => {
    expect(un({ informReceived: true, catchAllItem: { hsCode: '9403' } }).licenseRequired).toBe(true);
  });
});

describe.each(['GENERAL', 'ALLIED'] as const)(
  'screenCatchAll: %s destinations (specified items only; end use, end user, inform)',
  (group) => {
    const g = (o: Partial<CatchAllInput> = {}) =>
      screen({ destinationGroup: group, destinationCountry: 'XX', ...o });

    it('an item that is not a specified item: not required, even with every concern', () => {
      const r = g({
        catchAllItem: { hsCode: '9403.20', description: 'office furniture' },
        knowsWeaponsDevelopmentUse: true,
        endUserListMatch: true,
        endUserHasWeaponsRecordOrPlan: true,
        redFlags: ['RF01'],
      });
      expect(r.licenseRequired).toBe(false);
      expect(answers(r)).toEqual(['no', 'yes', 'no', 'no']);
      expect(r.trace[3].outcome).toMatch(/HS 940320 is not a specified item/);
    });

    it('no HS code: the item is not shown to be a specified item; not required, classify to confirm', () => {
      const r = g({ catchAllItem: { description: 'unknown part' }, knowsWeaponsDevelopmentUse: true });
      expect(r.licenseRequired).toBe(false);
      expect(r.trace[3].answer).toBe('no');
      expect(r.trace[3].outcome).toMatch(/no HS code given/);
    });

    it('an inform covers items that are not specified items too', () => {
      const r = g({ catchAllItem: { hsCode: '9403.20' }, informReceived: true });
      expect(r.licenseRequired).toBe(true);
    });

    it.each([
      ['8458.11', '8458'],
      ['8486.20', '8486'],
      ['8542.31', '8542'],
      ['8807.30', '8807'],
      ['8411.12', '8411'],
      ['9013.20', '9013'],
      ['8525.89', '8525'],
    ])('specified item HS %s (prefix %s) with end use known: required', (hsCode, prefix) => {
      const r = g({ catchAllItem: { hsCode }, knowsWeaponsDevelopmentUse: true });
      expect(r.licenseRequired).toBe(true);
      expect(answers(r)).toEqual(['no', 'yes', 'no', 'yes', 'yes']);
      expect(r.trace[3].outcome).toContain(`HS prefix ${prefix}`);
    });

    it('specified item, no end-use knowledge, no end-user concern: not required', () => {
      const r = g({ redFlags: ['RF01', 'RF02'] });
      expect(r.licenseRequired).toBe(false);
      expect(answers(r)).toEqual(['no', 'yes', 'no', 'yes', 'no', 'no']);
    });

    it('specified item, end user with a record or plan, red flag: required', () => {
      const r = g({ endUserHasWeaponsRecordOrPlan: true, redFlags: ['RF12'] });
      expect(r.licenseRequired).toBe(true);
      expect(answers(r)).toEqual(['no', 'yes', 'no', 'yes', 'no', 'yes', 'yes']);
    });

    it('specified item, End User List match, red flag: required', () => {
      const r = g({ endUserListMatch: true, redFlags: ['RF09'] });
      expect(r.licenseRequired).toBe(true);
      expect(r.trace[5].outcome).toMatch(/End User List/);
    });

    it('specified item, end-user concern, no red flag: not required', () => {
      const r = g({ endUserListMatch: true });
      expect(r.licenseRequired).toBe(false);
      expect(answers(r)).toEqual(['no', 'yes', 'no', 'yes', 'no', 'yes', 'no']);
    });

    it('specified item, end-user concern, only unknown red flags: not required, unknown reported', () => {
      const r = g({ endUserHasWeaponsRecordOrPlan: true, redFlags: ['RF00'] });
      expect(r.licenseRequired).toBe(false);
      expect(r.unknownRedFlags).toEqual(['RF00']);
    });

    it('specified item, inform received: required', () => {
      expect(g({ informReceived: true }).licenseRequired).toBe(true);
    });

    if (group === 'ALLIED') {
      it('notes the streamlined procedure for allied and like-minded destinations', () => {
        const required = g({ knowsWeaponsDevelopmentUse: true });
        expect(required.destinationGroup).toBe('ALLIED');
        expect(required.trace[3].outcome).toMatch(/requirements for general destinations apply/);
        expect(required.trace[4].outcome).toMatch(/streamlined procedure/);
        expect(required.trace[4].outcomeJa).toMatch(/手続の合理化/);
      });
    } else {
      it('does not mention a streamlined procedure for other general destinations', () => {
        const required = g({ knowsWeaponsDevelopmentUse: true });
        expect(required.trace.some((t) => /streamlined/.test(t.outcome))).toBe(false);
      });
    }
  },
);

describe('screenCatchAll: inputs and data', () => {
  it('treats a missing destination group as general and says so', () => {
    const r = screen({
      destinationGroup: undefined,
      catchAllItem: { hsCode: '9403' },
      knowsWeaponsDevelopmentUse: true,
    });
    expect(r.destinationGroup).toBe('GENERAL');
    expect(r.licenseRequired).toBe(false);
    expect(r.trace[1].outcome).toMatch(/no destination group given: treated as general/);
  });

  it('uses the data it is given (specified items and red flags)', () => {
    const data = {
      specifiedItemHsPrefixes: ['9403'],
      redFlags: [{ code: 'X1', textJa: 'テスト', textEn: 'test' }],
    };
    const r = screenCatchAll(
      input({ catchAllItem: { hsCode: '9403.20' }, endUserListMatch: true, redFlags: ['X1', 'RF01'] }),
      data,
    );
    expect(r.licenseRequired).toBe(true);
    expect(r.matchedRedFlags).toEqual(['X1']);
    expect(r.unknownRedFlags).toEqual(['RF01']);
  });

  it('defaults to the bundled data', () => {
    expect(screenCatchAll(input({ knowsWeaponsDevelopmentUse: true })).licenseRequired).toBe(true);
  });

  it('is deterministic and does not modify its input', () => {
    const i = input({ endUserListMatch: true, redFlags: ['RF02', 'RF01'] });
    const copy = JSON.parse(JSON.stringify(i)) as CatchAllInput;
    expect(screenCatchAll(i)).toEqual(screenCatchAll(i));
    expect(i).toEqual(copy);
  });
});
