import labelled from './labelled-pairs.json';
import { HAN_VARIANTS, compactName, normalizeName, tokenize } from './normalize';
import {
  COUNTRY_MISMATCH_FACTOR,
  MATCH_THRESHOLD,
  bestMatch,
  compileNameRecords,
  osaDistance,
  screenCompiled,
  screenName,
  similarity,
  type NameRecord,
} from './match';

interface LabelledPair {
  a: string;
  b: string;
  same: boolean;
  category: string;
  note: string;
  aliasesOfB?: string[];
}

const pairs: LabelledPair[] = labelled.pairs as LabelledPair[];

function recordOf(p: LabelledPair, i: number): NameRecord {
  return { id: `pair-${i}`, name: p.b, aliases: p.aliasesOfB ?? [] };
}

describe('labelled pairs (labelled-pairs.json)', () => {
  it('has at least 220 pairs, at least 40 % positives and at least 30 % hard negatives', () => {
    const positives = pairs.filter((p) => p.same).length;
    const hard = pairs.filter((p) => !p.same && p.category.startsWith('hard-negative')).length;
    expect(pairs.length).toBeGreaterThanOrEqual(220);
    expect(positives / pairs.length).toBeGreaterThanOrEqual(0.4);
    expect(hard / pairs.length).toBeGreaterThanOrEqual(0.3);
    for (const p of pairs) {
      expect(typeof p.a).toBe('string');
      expect(typeof p.b).toBe('string');
      expect(typeof p.same).toBe('boolean');
      expect(p.note.length).toBeGreaterThan(0);
    }
  });

  it('covers every required kind of variation', () => {
    const categories = new Set(pairs.map((p) => p.category));
    for (const c of [
      'jp-corporate-form',
      'width',
      'kana',
      'zh-script',
      'zh-corporate-form',
      'latin-corporate-form',
      'token-order',
      'punctuation-spacing',
      'typo',
      'alias',
      'hard-negative',
    ]) {
      expect(categories).toContain(c);
    }
    expect(pairs.filter((p) => p.aliasesOfB && p.aliasesOfB.length > 0).length).toBeGreaterThanOrEqual(10);
  });

  it(`reaches recall >= 0.95 and precision >= 0.9 at MATCH_THRESHOLD (${MATCH_THRESHOLD})`, () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let tn = 0;
    const errors: string[] = [];
    pairs.forEach((p, i) => {
      const record = recordOf(p, i);
      const hits = screenName(p.a, undefined, [record], MATCH_THRESHOLD);
      const best = bestMatch(p.a, record);
      // screenName and bestMatch agree (no country given, so no penalty)
      expect(hits.length === 1).toBe(best.score >= MATCH_THRESHOLD);
      const predicted = hits.length === 1;
      if (predicted && p.same) tp += 1;
      else if (predicted && !p.same) fp += 1;
      else if (!predicted && p.same) fn += 1;
      else tn += 1;
      if (predicted !== p.same) {
        errors.push(`${p.same ? 'FN' : 'FP'} ${best.score} [${p.category}] ${p.a} | ${p.b}`);
      }
    });
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.log(
      JSON.stringify({
        precision: Math.round(precision * 10000) / 10000,
        recall: Math.round(recall * 10000) / 10000,
        pairs: pairs.length,
        tp,
        fp,
        fn,
        tn,
        threshold: MATCH_THRESHOLD,
      }),
    );
    if (errors.length) console.log(errors.join('\n'));
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(precision).toBeGreaterThanOrEqual(0.9);
  });

  it('misclassifies only the pairs documented as known limitations', () => {
    const wrong = pairs
      .map((p, i) => ({ p, score: bestMatch(p.a, recordOf(p, i)).score }))
      .filter(({ p, score }) => score >= MATCH_THRESHOLD !== p.same)
      .filter(({ p }) => p.category !== 'known-limitation' && !p.note.startsWith('known'));
    expect(wrong.map(({ p, score }) => `${score} ${p.a} | ${p.b}`)).toEqual([]);
  });

  it('scores every pair symmetrically and within [0, 1]', () => {
    for (const p of pairs) {
      const ab = similarity(p.a, p.b);
      expect(ab).toBeGreaterThanOrEqual(0);
      expect(ab).toBeLessThanOrEqual(1);
      expect(similarity(p.b, p.a)).toBeCloseTo(ab, 4);
    }
  });
});

describe('normalizeName', () => {
  it('applies NFKC and folds full-width Latin and digits', () => {
    expect(normalizeName('ＡＢＣ　ＴＥＣＨ')).toBe('abc tech');
    expect(normalizeName('３Ｄラボ')).toBe(normalizeName('3Dラボ'));
  });

  it('folds half-width katakana (with voiced marks) to full width', () => {
    expect(normalizeName('ｻﾝﾌﾟﾙ')).toBe(normalizeName('サンプル'));
    expect(normalizeName('ｶﾞｽ')).toBe(normalizeName('ガス'));
  });

  it('folds case, ß and Latin diacritics', () => {
    expect(normalizeName('EXAMPLE Precision')).toBe('example precision');
    expect(normalizeName('Straße')).toBe('strasse');
    expect(normalizeName('Lumière Systèmes')).toBe('lumiere systemes');
    expect(normalizeName('ПРИМЕР')).toBe('пример');
  });

  it('folds katakana to hiragana, ヶ to け, and drops the long-vowel mark', () => {
    expect(normalizeName('サクラ')).toBe('さくら');
    expect(normalizeName('サクラ')).toBe(normalizeName('さくら'));
    expect(normalizeName('ヶ丘')).toBe('け丘');
    expect(normalizeName('コンピューター')).toBe(normalizeName('コンピュータ'));
    expect(normalizeName('ヴィ')).toBe('ゔぃ');
  });

  it('treats punctuation and whitespace variants as one token break', () => {
    expect(normalizeName('ホクト・エンジニアリング')).toBe(normalizeName('ホクト エンジニアリング'));
    expect(normalizeName('Sun，Tech')).toBe('sun tech');
    expect(normalizeName('さくら、精機')).toBe('さくら 精机');
    expect(normalizeName('Sun-Tech')).toBe('sun tech');
    expect(normalizeName('St. Clair')).toBe('st clair');
    expect(normalizeName('Tanaka (Optical)')).toBe('tanaka optical');
    expect(normalizeName('Tanaka（Optical）')).toBe('tanaka optical');
    expect(normalizeName('Redstone/Components')).toBe('redstone components');
    expect(normalizeName('«Пример»')).toBe('пример');
    expect(normalizeName('"Polar"  \t Instruments')).toBe('polar instruments');
    expect(normalizeName('Sun\u00a0Tech')).toBe('sun tech');
    expect(normalizeName("O'Brien")).toBe('obrien');
    expect(normalizeName('Smith & Carter')).toBe('smith and carter');
    expect(normalizeName('A.B.C. Technologies')).toBe('abc technologies');
    expect(compactName('Sun-Tech')).toBe(compactName('SunTech'));
  });

  it('strips Japanese corporate forms in front of or after the name', () => {
    const base = normalizeName('サンプル精機');
    for (const n of [
      '株式会社サンプル精機',
      'サンプル精機株式会社',
      'サンプル精機(株)',
      '(株)サンプル精機',
      '㈱サンプル精機',
      '（株）サンプル精機',
      'サンプル精機 株式会社',
      '有限会社サンプル精機',
      '㈲サンプル精機',
      'サンプル精機(有)',
      '合同会社サンプル精機',
      '合資会社サンプル精機',
      '合名会社サンプル精機',
      'カブシキガイシャサンプル精機',
      'サンプル精機グループ',
      'サンプル精機ホールディングス',
    ]) {
      expect([n, normalizeName(n)]).toEqual([n, base]);
    }
  });

  it('strips Chinese corporate forms, simplified and traditional', () => {
    const base = normalizeName('深圳示例电子');
    for (const n of [
      '深圳示例电子有限公司',
      '深圳示例電子有限公司',
      '深圳示例电子股份有限公司',
      '深圳示例電子股份有限公司',
      '深圳示例电子有限责任公司',
      '深圳示例電子有限責任公司',
      '深圳示例电子集团',
      '深圳示例電子集團',
      '深圳示例电子集团有限公司',
      '深圳示例电子公司',
      '深圳示例电子控股有限公司',
      '深圳示例电子股份公司',
      '深圳市示例电子有限公司',
    ]) {
      expect([n, normalizeName(n)]).toEqual([n, base]);
    }
  });

  it('strips Latin and Cyrillic corporate forms', () => {
    for (const n of [
      'Example Co., Ltd.',
      'Example Co.,Ltd.',
      'Example Co Ltd',
      'Example Company Limited',
      'Example Limited',
      'Example Ltd',
      'Example Inc.',
      'Example Incorporated',
      'Example Corp.',
      'Example Corporation',
      'Example GmbH',
      'Example GmbH & Co. KG',
      'Example AG',
      'Example LLC',
      'Example L.L.C.',
      'Example LLP',
      'Example PLC',
      'Example S.A.',
      'Example SAS',
      'Example S.A.R.L.',
      'Example B.V.',
      'Example N.V.',
      'Example Pte. Ltd.',
      'Example Pty Ltd',
      'Example Sdn. Bhd.',
      'Example JSC',
      'JSC Example',
      'OOO Example',
      'PT Example Tbk',
      'Example K.K.',
      'Example Kabushiki Kaisha',
      'Example Group',
      'Example Holdings Ltd',
      'Example S.p.A.',
      'Example Ltda.',
    ]) {
      expect([n, normalizeName(n)]).toEqual([n, 'example']);
    }
    expect(normalizeName('ООО «Пример»')).toBe('пример');
    expect(normalizeName('АО Пример')).toBe('пример');
    expect(normalizeName('ЗАО Пример')).toBe('пример');
    expect(normalizeName('주식회사 예시')).toBe('예시');
  });

  it('keeps ordinary words that only look like trailing forms when they are not at the end', () => {
    expect(normalizeName('Group Example Systems')).toBe('group example systems');
    expect(normalizeName('Co Example Machinery')).toBe('co example machinery');
  });

  it('keeps a name that consists only of corporate forms', () => {
    expect(normalizeName('Limited')).toBe('limited');
    expect(normalizeName('株式会社')).toBe('株式会社');
  });

  it('folds simplified and traditional Chinese characters common in company names', () => {
    // prettier-ignore
    const pairsToFold: Array<[string, string]> = [
      ['团', '團'], ['电', '電'], ['导', '導'], ['体', '體'], ['华', '華'], ['国', '國'], ['业', '業'], ['机', '機'],
      ['术', '術'], ['发', '發'], ['厂', '廠'], ['贸', '貿'], ['进', '進'], ['东', '東'], ['长', '長'], ['门', '門'],
      ['龙', '龍'], ['达', '達'], ['实', '實'], ['兴', '興'], ['汇', '匯'], ['联', '聯'], ['网', '網'], ['软', '軟'],
      ['产', '產'], ['学', '學'], ['应', '應'], ['设', '設'], ['备', '備'], ['气', '氣'], ['车', '車'],
    ];
    for (const [simplified, traditional] of pairsToFold) {
      expect([traditional, normalizeName(`示例${traditional}`)]).toEqual([
        traditional,
        normalizeName(`示例${simplified}`),
      ]);
    }
    for (const same of ['械', '研', '船', '航', '天']) expect(normalizeName(same)).toBe(same);
  });

  it('folds Japanese kyujitai and shinjitai to the same form', () => {
    expect(normalizeName('大國精機')).toBe(normalizeName('大国精機'));
    expect(normalizeName('東亞電氣')).toBe(normalizeName('東亜電気'));
    expect(normalizeName('關西鐵工')).toBe(normalizeName('関西鉄工'));
    expect(normalizeName('櫻井發動機')).toBe(normalizeName('桜井発動機'));
    expect(normalizeName('廣島')).toBe(normalizeName('広島'));
    // Japanese shinjitai and simplified Chinese meet in one form
    expect(normalizeName('東京精密機械')).toBe(normalizeName('东京精密机械'));
  });

  it('has a consistent variant table (no character in two groups, no chains)', () => {
    const seen = new Map<string, string>();
    const canonicals = new Set<string>();
    for (const group of HAN_VARIANTS) {
      const chars = Array.from(group);
      expect(chars.length).toBeGreaterThanOrEqual(2);
      canonicals.add(chars[0]);
      for (const ch of chars) {
        expect([ch, seen.get(ch)]).toEqual([ch, undefined]);
        seen.set(ch, group);
      }
    }
    for (const group of HAN_VARIANTS) {
      for (const variant of Array.from(group).slice(1)) expect(canonicals.has(variant)).toBe(false);
    }
  });
});

describe('tokenize', () => {
  it('splits Latin on spaces and punctuation', () => {
    expect(tokenize('Example Precision Co., Ltd.')).toEqual(['example', 'precision']);
  });

  it('keeps a CJK run whole and adds its character bigrams', () => {
    expect(tokenize('北京华威电子有限公司')).toEqual([
      '北京华威电子',
      '北京',
      '京华',
      '华威',
      '威电',
      '电子',
    ]);
    expect(tokenize('华威')).toEqual(['华威']);
  });

  it('splits where the script changes', () => {
    expect(tokenize('ABCテック株式会社')).toEqual(['abc', 'てっく', 'てっ', 'っく']);
    expect(tokenize('ＡＢＣ電子')).toEqual(['abc', '电子']);
  });
});

describe('similarity', () => {
  it('is 1 for the same name written differently and 0 for empty names', () => {
    expect(similarity('株式会社サンプル精機', 'ｻﾝﾌﾟﾙ精機(株)')).toBe(1);
    expect(similarity('Precision Example', 'Example Precision Co., Ltd.')).toBe(1);
    expect(similarity('', 'Example')).toBe(0);
    expect(similarity('!!!', '...')).toBe(0);
  });

  it('does not transliterate: the same entity in another script does not match without an alias', () => {
    expect(similarity('Sample Seiki', 'サンプル精機')).toBe(0);
    expect(similarity('Beijing Huaguang Machinery', '北京华光机械')).toBe(0);
  });

  it('keeps hard negatives that share a word below the threshold', () => {
    expect(similarity('Sun Electronics', 'Sun Chemicals')).toBeLessThan(MATCH_THRESHOLD);
    expect(similarity('Tokyo Electron', 'Tokyo Electric')).toBeLessThan(MATCH_THRESHOLD);
    expect(similarity('Example Precision', 'Example Precise Tools')).toBeLessThan(MATCH_THRESHOLD);
    expect(similarity('北京华威', '北京华星')).toBeLessThan(MATCH_THRESHOLD);
  });

  it('accepts one-letter typos and spacing variants', () => {
    expect(similarity('Sunrise Precision Machinery', 'Sunrise Precisoin Machinery')).toBeGreaterThanOrEqual(
      MATCH_THRESHOLD,
    );
    expect(similarity('Sun Tech Precision', 'Suntech Precisoin')).toBeGreaterThanOrEqual(MATCH_THRESHOLD);
  });

  it('lets short names match only exactly', () => {
    expect(similarity('ABC', 'ABD')).toBeLessThanOrEqual(0.5);
    expect(similarity('Sun', 'Sun Electronics')).toBeLessThanOrEqual(0.5);
    expect(similarity('ABC', 'ABC Co., Ltd.')).toBe(1);
  });

  it('computes OSA distance with transpositions', () => {
    expect(osaDistance('precision', 'precisoin')).toBe(1);
    expect(osaDistance('', 'abc')).toBe(3);
    expect(osaDistance('北京华威', '北京华星')).toBe(1);
  });
});

describe('bestMatch and screenName', () => {
  const records: NameRecord[] = [
    {
      id: 'EUL-001',
      name: 'Beijing Huaguang Machinery Co., Ltd.',
      aliases: ['北京华光机械有限公司', '北京華光機械'],
      country: 'CN',
    },
    { id: 'EUL-002', name: 'Sample Seiki Co., Ltd.', aliases: ['サンプル精機株式会社'], country: 'JP' },
    { id: 'EUL-003', name: 'Huaguang Machinery Trading', aliases: [], country: 'HK' },
    { id: 'EUL-004', name: 'Kestrel Microdevices Ltd', aliases: [], country: 'SG' },
  ];

  it('takes the best of the name and the aliases and says which one matched', () => {
    expect(bestMatch('北京華光機械股份有限公司', records[0])).toEqual({
      score: 1,
      matchedOn: '北京华光机械有限公司',
    });
    expect(bestMatch('Beijing Huaguang Machinery', records[0])).toEqual({
      score: 1,
      matchedOn: 'Beijing Huaguang Machinery Co., Ltd.',
    });
    expect(bestMatch('Unrelated Name', records[0]).score).toBeLessThan(MATCH_THRESHOLD);
  });

  it('returns matches at or above the threshold, best first', () => {
    const hits = screenName('Huaguang Machinery Trading Co.', undefined, records, 0.5);
    expect(hits.map((h) => h.record.id)).toEqual(['EUL-003', 'EUL-001']);
    expect(hits[0]).toEqual({ record: records[2], score: 1, matchedOn: 'Huaguang Machinery Trading' });
    expect(hits[0].score).toBeGreaterThan(hits[1].score);
    expect(screenName('Huaguang Machinery Trading Co.', undefined, records).map((h) => h.record.id)).toEqual([
      'EUL-003',
    ]);
    expect(screenName('Completely Different Name', undefined, records)).toEqual([]);
  });

  it('breaks ties by record id', () => {
    const hits = screenName('Beijing Huaguang Machinery Trading', undefined, records, 0.8);
    expect(hits.map((h) => h.record.id)).toEqual(['EUL-001', 'EUL-003']);
    expect(hits[0].score).toBe(hits[1].score);
  });

  it('lowers the score a little on a country mismatch and never raises it', () => {
    const none = screenName('サンプル精機', undefined, records)[0];
    const same = screenName('サンプル精機', 'jp', records)[0];
    const other = screenName('サンプル精機', 'CN', records)[0];
    expect(none.score).toBe(1);
    expect(same.score).toBe(1);
    expect(other.score).toBeCloseTo(COUNTRY_MISMATCH_FACTOR, 4);
    expect(other.score).toBeLessThan(same.score);
    // a record without a country is not penalised
    const noCountry: NameRecord[] = [{ id: 'X', name: 'Kestrel Microdevices', aliases: [] }];
    expect(screenName('Kestrel Microdevices', 'SG', noCountry)[0].score).toBe(1);
    // a borderline match can fall below the threshold on a mismatch
    const typo = 'Kestral Microdevices';
    const base = bestMatch(typo, records[3]).score;
    expect(screenName(typo, 'SG', records).map((h) => h.score)).toEqual([base]);
    const lowered = screenName(typo, 'JP', records, 0).find((h) => h.record.id === 'EUL-004');
    expect(lowered?.score).toBeCloseTo(base * COUNTRY_MISMATCH_FACTOR, 3);
    for (const q of ['Sample Seiki', 'Huaguang Machinery', 'Kestrel']) {
      for (const r of records) {
        const plain = screenName(q, undefined, [r], 0)[0]?.score ?? 0;
        for (const c of ['CN', 'JP', 'HK', 'SG', 'US']) {
          expect(screenName(q, c, [r], 0)[0]?.score ?? 0).toBeLessThanOrEqual(plain);
        }
      }
    }
  });
});

describe('screenCompiled (a list normalised once)', () => {
  it('gives exactly the scores of screenName on every tenth labelled pair, with and without a country', () => {
    const records = pairs.map(recordOf);
    const compiled = compileNameRecords(records);
    for (const p of pairs.filter((_, i) => i % 10 === 0)) {
      for (const country of [undefined, 'JP']) {
        expect(screenCompiled(p.a, country, compiled, 0.5)).toEqual(screenName(p.a, country, records, 0.5));
      }
    }
  });

  it('reports the alias that matched even when the list is compiled', () => {
    const compiled = compileNameRecords([
      { id: 'EUL-001', name: 'Beijing Huaguang Machinery Co., Ltd.', aliases: ['北京华光机械有限公司'], country: 'CN' },
    ]);
    expect(screenCompiled('北京華光機械股份有限公司', 'CN', compiled)).toEqual([
      expect.objectContaining({ score: 1, matchedOn: '北京华光机械有限公司' }),
    ]);
    expect(screenCompiled('Kestrel Microdevices', 'CN', compiled)).toEqual([]);
  });
});
