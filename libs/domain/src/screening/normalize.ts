/**
 * Name normalisation for end-user screening across Japanese, Chinese and Latin scripts.
 *
 * Pure: no I/O, no clock, no randomness; only `String.prototype.normalize` from the runtime.
 *
 * Pipeline (each step is also covered by a unit test in match.spec.ts):
 *  1. NFKC (full-width Latin → ASCII, half-width katakana → full-width, ㈱ → (株), ideographic space → space);
 *  2. case folding (toLowerCase, ß → ss) and removal of Latin diacritics (é → e);
 *  3. katakana → hiragana (ヶ/ヵ → け/か) and removal of the long-vowel mark ー, whose use varies
 *     (コンピューター / コンピュータ);
 *  4. Han variant folding: traditional Chinese and Japanese kyujitai/shinjitai → simplified Chinese,
 *     for characters common in company names (團/団 → 团, 電 → 电, 發/発 → 发 …);
 *  5. "&" → "and"; dotted abbreviations joined (S.A. → sa, B.V. → bv); apostrophes and every other
 *     punctuation or whitespace variant (・ 、 ， - . () （） / « » …) → a single token break;
 *  6. splitting into tokens at spaces and at script changes (CJK runs vs Latin/Cyrillic/digits);
 *  7. removal of corporate forms: Japanese (株式会社, (株), 有限会社, 合同会社 …), Chinese
 *     (股份有限公司, 有限责任公司, 有限公司, 公司, 集团, 控股 …), Korean (주식회사, (주)) and Latin/Cyrillic
 *     (Co., Ltd., Inc., Corp., GmbH, AG, LLC, PLC, S.A., B.V., Pte. Ltd., Sdn. Bhd., JSC, OOO/ООО …).
 *     A name that consists of nothing but corporate forms keeps them (it would otherwise vanish).
 *
 * No transliteration is attempted: "Sun Electronics" and "サンエレクトロニクス" stay different; the
 * same entity in another script matches only through a record's aliases.
 */

// ---------------------------------------------------------------------------------------------
// Han variant folding (canonical form first, then its variants). Simplified Chinese is the
// canonical form; Japanese shinjitai forms that differ from both are listed as variants too.
// Characters with several unrelated traditional sources (干/後/里/面/髮/斗/叶/芸/筑/弁/予 …) are
// deliberately left out.
// ---------------------------------------------------------------------------------------------
// prettier-ignore
const HAN_VARIANT_GROUPS: readonly string[] = [
  '团團団', '电電', '导導', '体體', '华華', '国國', '业業', '机機', '术術', '发發発', '厂廠', '贸貿',
  '进進', '东東', '长長', '门門', '龙龍竜', '达達', '实實実', '兴興', '汇匯', '联聯', '网網', '软軟',
  '产產産', '学學', '应應応', '设設', '备備', '气氣気', '车車', '研硏', '会會', '连連', '运運', '输輸',
  '货貨', '际際', '开開', '关關関', '经經経', '营營営', '销銷', '购購', '买買', '卖賣売', '单單単',
  '总總総', '转轉転', '传傳伝', '广廣広', '泽澤沢', '铁鐵鉄', '钢鋼', '铜銅', '铝鋁', '钛鈦', '镍鎳',
  '钨鎢', '钼鉬', '矿礦鉱', '药藥薬', '医醫', '疗療', '变變変', '压壓圧', '铸鑄鋳', '锻鍛', '检檢検',
  '险險険', '验驗験', '证證証', '认認', '试試', '测測', '计計', '仪儀', '读讀読', '让讓譲', '乐樂楽',
  '荣榮栄', '惠恵', '县縣県', '德徳', '图圖図', '厅廳庁', '区區', '滨濱浜', '樱櫻桜', '边邊辺', '湾灣',
  '台臺', '岛島', '鸟鳥', '马馬', '鱼魚', '红紅', '绿綠緑', '蓝藍', '黄黃', '万萬', '亿億', '宝寶',
  '丰豐豊', '鸿鴻', '飞飛', '弹彈弾', '军軍', '卫衛', '层層', '极極', '场場', '价價', '钟鐘', '镜鏡',
  '盘盤', '积積', '脑腦脳', '号號', '标標', '准準', '欧歐', '亚亞亜', '圣聖', '纪紀', '时時', '间間',
  '问問', '题題', '头頭', '显顯顕', '陆陸', '苏蘇', '辽遼', '宁寧', '齐齊斉', '鲁魯', '晋晉', '陕陝',
  '厦廈', '郑鄭', '汉漢', '贵貴', '兰蘭', '济濟済', '优優', '胜勝', '结結', '构構', '组組', '织織',
  '级級', '约約', '纸紙', '综綜', '线線', '练練', '师師', '书書', '画畫', '园園', '圆圓円', '汤湯',
  '湿濕', '灯燈', '热熱', '炉爐', '点點', '为為', '无無', '现現', '环環', '毕畢', '异異', '当當', '监監',
  '众眾衆', '确確', '础礎', '种種', '称稱', '稳穩穏', '竞競', '笔筆', '节節', '范範', '简簡', '粮糧',
  '纳納', '纯純', '细細', '终終', '统統', '绝絕絶', '络絡', '给給', '纲綱', '紧緊', '编編', '缘緣縁',
  '缩縮', '继繼継', '续續続', '声聲', '听聽聴', '职職', '与與', '举舉挙', '舰艦', '处處処', '冲衝',
  '制製', '复複', '见見', '规規', '视視', '亲親', '觉覺覚', '观觀観', '记記', '许許', '访訪', '诚誠',
  '语語', '说說', '课課', '调調', '请請', '论論', '咨諮', '讲講', '识識', '护護', '贝貝', '负負', '财財',
  '贩販', '责責', '贷貸', '费費', '资資', '宾賓', '贤賢', '质質', '赵趙', '轨軌', '载載', '轻輕軽',
  '轮輪', '辉輝', '办辦', '农農', '远遠', '适適', '迁遷', '选選', '遗遺', '迈邁', '还還', '乡鄉郷',
  '释釋釈', '针針', '铃鈴', '铅鉛', '银銀', '锐銳鋭', '锋鋒', '锦錦', '锡錫', '错錯', '键鍵', '锁鎖',
  '镇鎮', '链鏈', '闪閃', '阁閣', '阵陣', '陈陳', '阴陰', '阳陽', '队隊', '随隨', '隐隱隠', '双雙',
  '鸡雞鶏', '离離', '难難', '雾霧', '灵靈霊', '韩韓', '页頁', '顶頂', '项項', '顺順', '预預', '领領',
  '频頻', '额額', '颜顏顔', '愿願', '类類', '顾顧', '风風', '养養', '馆館', '驻駐', '腾騰', '驱驅駆',
  '鲜鮮', '凤鳳', '鹏鵬', '丽麗', '麦麥', '党黨', '齿齒歯', '龟龜亀', '录錄録', '参參', '纺紡',
  '纤纖繊', '维維', '创創', '库庫', '仓倉', '数數', '据據拠', '讯訊', '云雲', '条條', '桥橋', '楼樓',
  '权權権', '样樣様', '横橫', '枪槍', '劳勞労', '动動', '务務', '势勢', '协協', '历歷歴', '吴吳呉',
  '员員', '启啟', '围圍', '坚堅', '报報', '块塊', '将將', '尔爾', '属屬', '岁歲歳', '币幣', '带帶帯',
  '庄莊荘', '张張', '强強', '归歸帰', '态態', '恶惡悪', '战戰戦', '扩擴拡', '择擇択', '损損', '换換',
  '摄攝', '敌敵', '断斷', '晓曉暁', '杂雜雑', '来來', '杨楊', '梦夢', '欢歡歓', '沟溝', '沪滬', '洁潔',
  '浅淺', '润潤', '温溫', '满滿満', '灭滅', '炼煉', '烟煙', '烧燒焼', '爱愛', '独獨', '猎獵猟', '盐鹽塩',
  '码碼', '礼禮', '秘祕', '签簽', '粤粵', '纵縱縦', '绘繪絵', '绩績', '缆纜', '罗羅', '聪聰', '脱脫',
  '艺藝', '获獲穫', '莱萊', '虑慮', '虚虛', '补補', '装裝', '览覽覧', '订訂', '训訓', '议議', '评評',
  '诉訴', '译譯訳', '话話', '谈談', '谢謝', '贡貢', '贺賀', '赛賽', '跃躍', '过過', '这這', '递遞逓',
  '邮郵', '钱錢銭', '闭閉', '闻聞', '阀閥', '静靜', '饮飲', '驾駕', '个個', '两兩両', '严嚴厳', '临臨',
  '义義', '乌烏', '习習', '乱亂', '争爭', '仅僅', '从從従', '们們', '伦倫', '伟偉', '侦偵', '侧側',
  '俭儉倹', '债債', '倾傾', '儿兒児', '内內', '冈岡', '写寫', '决決', '况況', '冻凍', '净淨浄', '减減',
  '凯凱', '击擊撃', '刘劉', '则則', '刚剛', '剑劍剣', '剧劇', '劝勸勧', '卢盧', '响響', '坏壞壊',
  '垒壘塁', '壮壯', '壳殼殻', '奋奮', '奖獎奨', '孙孫', '审審', '宪憲', '宫宮', '对對対', '寻尋',
  '寿壽', '尘塵', '岭嶺', '峡峽', '帐帳', '帮幫', '废廢', '彻徹', '径徑', '怀懷懐', '恒恆', '惯慣',
  '户戶戸', '扬揚', '担擔', '拥擁', '挥揮', '斋齋斎', '旧舊', '杀殺', '栋棟', '栏欄', '树樹', '浓濃',
  '涂塗', '涛濤', '渐漸', '灾災', '献獻', '顽頑', '庆慶', '沈瀋', '鹭鷺', '真眞', '鸭鴨', '鹤鶴',
];

function buildHanFold(): ReadonlyMap<string, string> {
  const fold = new Map<string, string>();
  for (const group of HAN_VARIANT_GROUPS) {
    const [canonical, ...variants] = Array.from(group);
    for (const variant of variants) fold.set(variant, canonical);
  }
  return fold;
}

const HAN_FOLD = buildHanFold();

/** The variant groups as data, for tests and documentation (canonical first). */
export const HAN_VARIANTS: readonly string[] = HAN_VARIANT_GROUPS;

/** Fold traditional Chinese and Japanese kyujitai/shinjitai forms to the simplified canonical form. */
export function foldHan(s: string): string {
  let out = '';
  for (const ch of s) out += HAN_FOLD.get(ch) ?? ch;
  return out;
}

/** Katakana → hiragana; ヶ/ヵ (small ke/ka) → け/か; the long-vowel mark ー is removed. */
export function foldKana(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp === 0x30fc) continue; // ー
    let mapped = cp;
    if (cp >= 0x30a1 && cp <= 0x30f6) mapped = cp - 0x60;
    else if (cp === 0x30fd || cp === 0x30fe) mapped = cp - 0x60; // ヽ ヾ
    if (mapped === 0x3095)
      mapped = 0x304b; // ゕ → か
    else if (mapped === 0x3096) mapped = 0x3051; // ゖ → け
    out += String.fromCodePoint(mapped);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scripts
// ---------------------------------------------------------------------------------------------
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}々〆ー]/u;
const KANA_CHAR = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;

export function isCjkChar(ch: string): boolean {
  return CJK_CHAR.test(ch);
}

/** True when the token consists of CJK (Han, kana, Hangul) characters. */
export function isCjkToken(token: string): boolean {
  const first = Array.from(token)[0];
  return first !== undefined && isCjkChar(first);
}

/** Split a whitespace-free chunk where it changes between CJK and other letters/digits. */
function splitScripts(chunk: string): string[] {
  const out: string[] = [];
  let current = '';
  let currentCjk: boolean | null = null;
  for (const ch of chunk) {
    const cjk = isCjkChar(ch);
    if (currentCjk !== null && cjk !== currentCjk) {
      out.push(current);
      current = '';
    }
    current += ch;
    currentCjk = cjk;
  }
  if (current) out.push(current);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Corporate forms
// ---------------------------------------------------------------------------------------------

/** Parenthesised abbreviations, after NFKC: (株) ㈱ （株） (有) ㈲ (合) (同) (資) (名) (社) (財) (주) (유) (股). */
const PAREN_FORMS = /\((?:株|有|合|同|資|资|名|社|財|财|주|유|股)\)/gu;

/**
 * CJK corporate forms removed wherever they occur in a CJK run (front-株 and back-株 alike),
 * longest first. Written naturally; folded with the same pipeline at start-up.
 */
// prettier-ignore
const CJK_FORMS_ANYWHERE_RAW = [
  '股份有限公司', '有限責任公司', '有限责任公司', '股份公司', '有限公司', '株式会社', '有限会社',
  '合同会社', '合資会社', '合名会社', '一般社団法人', '一般財団法人', '公益社団法人', '公益財団法人',
  'カブシキガイシャ', 'カブシキカイシャ', '주식회사', '유한회사', '유한책임회사',
];

/** CJK corporate forms removed only at the end of a run (they can be part of a real name elsewhere). */
const CJK_FORMS_TRAILING_RAW = [
  '集團',
  '集团',
  '控股',
  '總公司',
  '总公司',
  '分公司',
  '公司',
  'グループ',
  'ホールディングス',
  'コーポレーション',
  '그룹',
];

/** Latin/Cyrillic multi-token forms removed wherever they occur. */
// prettier-ignore
const LATIN_FORM_SEQUENCES: readonly (readonly string[])[] = [
  ['co', 'ltd'], ['pte', 'ltd'], ['pty', 'ltd'], ['pvt', 'ltd'], ['sdn', 'bhd'], ['kabushiki', 'kaisha'],
  ['kabushiki', 'gaisha'], ['yugen', 'kaisha'], ['godo', 'kaisha'], ['co', 'limited'],
];

/** Latin/Cyrillic single-token forms removed wherever they occur (unambiguous). */
// prettier-ignore
const LATIN_FORMS_ANYWHERE = new Set([
  'ltd', 'limited', 'inc', 'incorporated', 'corp', 'corporation', 'gmbh', 'mbh', 'llc', 'llp', 'plc',
  'coltd', 'pteltd', 'sdnbhd', 'bhd', 'sdn', 'pte', 'pty', 'pvt', 'ooo', 'ооо', 'zao', 'зао', 'oao', 'оао',
  'pao', 'пао', 'ojsc', 'pjsc', 'cjsc', 'jsc', 'srl', 'sarl', 'sas', 'ltda', 'spa', 'kk', 'oyj', 'sro',
  'kft', 'zrt',
]);

/** Short or ordinary-word forms removed only as the last token(s). */
// prettier-ignore
const LATIN_FORMS_TRAILING = new Set([
  'co', 'company', 'ag', 'sa', 'nv', 'bv', 'kg', 'gk', 'se', 'ab', 'as', 'oy', 'ad', 'lp', 'group',
  'holdings', 'holding', 'ао', 'tbk',
]);

/** Forms that come first in the name (PT Example, OOO Example, JSC Example, АО Пример). */
const LATIN_FORMS_LEADING = new Set(['pt', 'cv', 'ao', 'ао', 'tov', 'тов', 'the']);

/** A few abbreviations written both ways. */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  intl: 'international',
  mfg: 'manufacturing',
  mach: 'machinery',
  equip: 'equipment',
  eqpt: 'equipment',
};

/** Steps 1–5 of the pipeline: the folded text with token breaks as single spaces, before splitting. */
function foldText(input: string): string {
  let s = input.normalize('NFKC');
  s = s.toLowerCase().replace(/ß/g, 'ss');
  s = s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC');
  s = foldKana(s);
  s = foldHan(s);
  s = s.replace(PAREN_FORMS, ' ');
  s = s.replace(/&/g, ' and ');
  // Dotted abbreviations: s.a. → sa, b.v → bv, u.s.a. → usa (single letters separated by dots).
  s = s.replace(/(?<![\p{L}\p{N}])\p{L}(?:\.\p{L})+(?![\p{L}\p{N}])\.?/gu, (m) => m.replace(/\./g, ''));
  s = s.replace(/['’‘`´]/g, '');
  s = s.replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ');
  return s.trim();
}

function foldForm(form: string): string {
  return foldKana(foldHan(form.normalize('NFKC').toLowerCase()));
}

const CJK_FORMS_ANYWHERE = [...new Set(CJK_FORMS_ANYWHERE_RAW.map(foldForm))].sort(
  (a, b) => b.length - a.length,
);
const CJK_FORMS_TRAILING = [...new Set(CJK_FORMS_TRAILING_RAW.map(foldForm))].sort(
  (a, b) => b.length - a.length,
);

/** Remove CJK corporate forms from one CJK run. May return ''. */
function stripCjkForms(run: string): string {
  let s = run;
  for (const form of CJK_FORMS_ANYWHERE) s = s.split(form).join('');
  let changed = true;
  while (changed && s) {
    changed = false;
    for (const form of CJK_FORMS_TRAILING) {
      if (s.endsWith(form)) {
        s = s.slice(0, s.length - form.length);
        changed = true;
        break;
      }
    }
  }
  // Chinese "<city>市<name>": 深圳市示例电子 → 深圳示例电子 (the 市 is written or left out at will).
  const chars = Array.from(s);
  if (chars.length >= 5 && chars[2] === '市' && !chars.some((c) => KANA_CHAR.test(c))) {
    s = chars[0] + chars[1] + chars.slice(3).join('');
  }
  return s;
}

function stripLatinForms(tokens: string[]): string[] {
  let out = tokens.slice();
  // multi-token sequences anywhere
  for (const seq of LATIN_FORM_SEQUENCES) {
    for (let i = 0; i + seq.length <= out.length;) {
      if (seq.every((t, k) => out[i + k] === t)) out.splice(i, seq.length);
      else i += 1;
    }
  }
  out = out.filter((t) => !LATIN_FORMS_ANYWHERE.has(t));
  // trailing forms (and a dangling "and" left by "& Co.")
  while (out.length > 1 && (LATIN_FORMS_TRAILING.has(out[out.length - 1]) || out[out.length - 1] === 'and')) {
    out.pop();
  }
  while (out.length > 1 && LATIN_FORMS_LEADING.has(out[0])) out.shift();
  return out;
}

/** The normalised tokens of a name, in order (Latin words and CJK runs). */
export function normalizedTokens(input: string): string[] {
  const folded = foldText(input);
  if (!folded) return [];
  const raw: string[] = [];
  for (const chunk of folded.split(' ')) {
    for (const part of splitScripts(chunk)) raw.push(ABBREVIATIONS[part] ?? part);
  }
  // CJK runs: strip forms inside each run
  const cjkStripped = raw.map((t) => (isCjkToken(t) ? stripCjkForms(t) : t)).filter((t) => t.length > 0);
  // Latin/Cyrillic forms (work on the whole token list so that "co ltd" spanning tokens is seen)
  const stripped = stripLatinForms(cjkStripped);
  if (stripped.length === 0) return raw; // a name made only of corporate forms keeps them
  return stripped;
}

/**
 * The canonical form of a name: normalised tokens joined by single spaces. Two spellings of one name
 * (script width, kana, Han variants, punctuation, corporate form) give the same string.
 */
export function normalizeName(input: string): string {
  return normalizedTokens(input).join(' ');
}

/** normalizeName without any spaces: "Sun-Tech", "Sun Tech" and "SunTech" give "suntech". */
export function compactName(input: string): string {
  return normalizedTokens(input).join('');
}

/** Character bigrams of a CJK run (the run itself when it has one character). */
export function cjkBigrams(run: string): string[] {
  const chars = Array.from(run);
  if (chars.length < 2) return chars.slice();
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i += 1) out.push(chars[i] + chars[i + 1]);
  return out;
}

/**
 * Tokens for scoring: Latin/Cyrillic words as they are; each CJK run kept whole and, when it is longer
 * than two characters, followed by its character bigrams ("北京华为" → 北京华为, 北京, 京华, 华为).
 */
export function tokenize(input: string): string[] {
  const out: string[] = [];
  for (const token of normalizedTokens(input)) {
    if (isCjkToken(token)) {
      out.push(token);
      if (Array.from(token).length > 2) out.push(...cjkBigrams(token));
    } else {
      out.push(token);
    }
  }
  return out;
}
