/**
 * The catch-all control for conventional weapons as an explainable screening aid: figure 3 of seed
 * 001 (section 2.1) with the rules in force from 9 October 2025 (DOMAIN.md, "The catch-all control
 * for conventional weapons"). Pure: the caller supplies every fact, including the destination
 * group and whether the end user is on the End User List (screenName of match.ts).
 *
 * Order of the questions (every answer is one trace entry, in English and Japanese):
 *  1. list-controlled?            yes → the list-control license applies; catch-all not applicable.
 *  2. a catch-all item at all?    no  → outside the catch-all control.
 *  3. inform received?            yes → license application required (inform covers every catch-all
 *                                       item, for every destination group).
 *                                 no, Group A → not required (Group A is caught only by an inform).
 *  4. covered for the destination? UN arms-embargoed: every item; general and allied: only the
 *                                 specified items (HS code prefix). Not covered → not required.
 *  5. exporter knows the end use is conventional-weapons development? yes → required.
 *  6. end user has a record or plan of such development (documents or End User List)? no → not required.
 *  7. a known red flag? yes → required; no → not required.
 * Allied and like-minded destinations are screened as general destinations; the trace notes the
 * streamlined procedure (seed: 手続合理化, conditional on the exporter's strict control).
 */
import redFlagsJson from './red-flags.json';
import specifiedItemsJson from './specified-items.json';

export const DESTINATION_GROUPS = ['GROUP_A', 'UN_ARMS_EMBARGO', 'GENERAL', 'ALLIED'] as const;
export type DestinationGroup = (typeof DESTINATION_GROUPS)[number];

export function isDestinationGroup(value: unknown): value is DestinationGroup {
  return typeof value === 'string' && (DESTINATION_GROUPS as readonly string[]).includes(value);
}

export interface RedFlag {
  code: string;
  textJa: string;
  textEn: string;
}

export interface SpecifiedItem {
  hsPrefix: string;
  nameJa: string;
  nameEn: string;
}

export interface CatchAllItem {
  hsCode?: string;
  description?: string;
}

export interface CatchAllInput {
  /** The item or technology is on the control list (該非判定: 該当). */
  listControlled: boolean;
  /** The item or technology if it is within the catch-all control; null when it is not. */
  catchAllItem: CatchAllItem | null;
  destinationCountry: string;
  /** Decided by the caller from the destination country; GENERAL when not given. */
  destinationGroup?: DestinationGroup;
  /** The end user matched the government's End User List. */
  endUserListMatch: boolean;
  /** The exporter knows the end user will use the item for conventional-weapons development. */
  knowsWeaponsDevelopmentUse: boolean;
  /** The exporter's documents show the end user has developed or plans to develop conventional weapons. */
  endUserHasWeaponsRecordOrPlan: boolean;
  /** Red-flag codes the exporter ticked (RF01..RF19; RF1 is read as RF01). */
  redFlags: string[];
  /** METI has issued an inform for the transaction. */
  informReceived?: boolean;
}

export interface CatchAllData {
  specifiedItemHsPrefixes: readonly string[];
  redFlags: readonly RedFlag[];
}

export type TraceAnswer = 'yes' | 'no';

export interface CatchAllTraceEntry {
  step: number;
  question: string;
  questionJa: string;
  answer: TraceAnswer;
  outcome: string;
  outcomeJa: string;
}

export interface CatchAllResult {
  licenseRequired: boolean;
  destinationGroup: DestinationGroup;
  trace: CatchAllTraceEntry[];
  /** Red-flag codes given in the input that are not in the checklist (ignored for the decision). */
  unknownRedFlags: string[];
  /** Known red-flag codes given in the input, normalised (RF01..), in checklist order. */
  matchedRedFlags: string[];
}

/** The 19 US EAR red flags of the seed's appendix (example checklist). */
export const RED_FLAGS: readonly RedFlag[] = Object.freeze(
  redFlagsJson.redFlags.map((f) => Object.freeze({ ...f })),
);

/** A SAMPLE list of specified items for general destinations, by HS code prefix (see specified-items.json). */
export const SPECIFIED_ITEMS: readonly SpecifiedItem[] = Object.freeze(
  specifiedItemsJson.specifiedItems.map((i) => Object.freeze({ ...i })),
);

/** The default data: the sample specified items and the seed's red flags. */
export const CATCH_ALL_DATA: CatchAllData = Object.freeze({
  specifiedItemHsPrefixes: Object.freeze(SPECIFIED_ITEMS.map((i) => i.hsPrefix)),
  redFlags: RED_FLAGS,
});

/** Digits only: "8542.31" and "8542 31" give "854231". */
export function normalizeHsCode(hs: string): string {
  return hs.replace(/[^0-9]/g, '');
}

/** The longest specified-item prefix the HS code starts with, or null. */
export function matchSpecifiedItem(hsCode: string, prefixes: readonly string[]): string | null {
  const hs = normalizeHsCode(hsCode);
  if (!hs) return null;
  let best: string | null = null;
  for (const raw of prefixes) {
    const prefix = normalizeHsCode(raw);
    if (prefix && hs.startsWith(prefix) && (best === null || prefix.length > best.length)) best = prefix;
  }
  return best;
}

/** "rf1", " RF01 " → "RF01"; anything else is returned trimmed and upper-cased. */
export function normalizeRedFlagCode(code: string): string {
  const c = code.trim().toUpperCase();
  const m = /^RF0*(\d{1,2})$/.exec(c);
  return m ? `RF${m[1].padStart(2, '0')}` : c;
}

function classifyRedFlags(given: readonly string[], checklist: readonly RedFlag[]) {
  const order = new Map(checklist.map((f, i) => [normalizeRedFlagCode(f.code), i] as const));
  const matched = new Set<string>();
  const unknown: string[] = [];
  for (const raw of given) {
    const code = normalizeRedFlagCode(raw);
    if (order.has(code)) matched.add(code);
    else if (raw.trim() && !unknown.includes(raw.trim())) unknown.push(raw.trim());
  }
  const matchedRedFlags = [...matched].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return { matchedRedFlags, unknownRedFlags: unknown };
}

const GROUP_LABEL: Readonly<Record<DestinationGroup, { en: string; ja: string }>> = {
  GROUP_A: { en: 'Group A', ja: 'グループA国' },
  UN_ARMS_EMBARGO: { en: 'UN arms-embargoed', ja: '国連武器禁輸国' },
  GENERAL: { en: 'general', ja: '一般国' },
  ALLIED: { en: 'allied or like-minded (general)', ja: '同盟国・同志国（一般国）' },
};

const Q = {
  list: {
    en: 'Is the item or technology list-controlled?',
    ja: '貨物・技術はリスト規制に該当するか。',
  },
  item: {
    en: 'Is the item or technology within the scope of the catch-all control?',
    ja: '貨物・技術は補完的輸出規制（キャッチオール規制）の対象か。',
  },
  inform: {
    en: 'Has METI issued an inform (notice that a license application is required) for this transaction?',
    ja: '経済産業省からインフォーム（許可申請をすべき旨の通知）を受けているか。',
  },
  covered: {
    en: 'Is the item covered for this destination (UN arms-embargoed: every catch-all item; general: only the specified items listed by HS code)?',
    ja: '仕向地について対象となる品目か（国連武器禁輸国：全品目、一般国：HSコードで定める特定品目のみ）。',
  },
  use: {
    en: 'Does the exporter know that the end user will use it for the development etc. of conventional weapons?',
    ja: '需要者が通常兵器の開発等に用いることを輸出者が知っているか。',
  },
  user: {
    en: "Has the end user developed, or does it plan to develop, conventional weapons (the exporter's documents and the government's End User List)?",
    ja: '需要者が通常兵器の開発等を行った又は行う予定があるか（輸出者の保有する文書及び政府が提供する懸念需要者情報（エンドユーザーリスト）を確認）。',
  },
  redFlags: {
    en: 'Does the transaction match the red-flag criteria for transactions of concern?',
    ja: '取引が懸念取引 Red Flags の基準に当てはまるか。',
  },
} as const;

const REQUIRED = { en: 'License application required.', ja: '許可申請が必要です。' };
const NOT_NEEDED = { en: 'No license application needed.', ja: '許可申請は不要です。' };
const NEXT = { en: 'Continue with the next question.', ja: '次の確認に進みます。' };

/** Screen a transaction under the catch-all control for conventional weapons; returns the decision and its trace. */
export function screenCatchAll(input: CatchAllInput, data: CatchAllData = CATCH_ALL_DATA): CatchAllResult {
  const group: DestinationGroup = input.destinationGroup ?? 'GENERAL';
  const groupGiven = input.destinationGroup !== undefined;
  const country = input.destinationCountry.trim().toUpperCase() || '(unknown)';
  const { matchedRedFlags, unknownRedFlags } = classifyRedFlags(input.redFlags, data.redFlags);
  const trace: CatchAllTraceEntry[] = [];
  const add = (
    q: { en: string; ja: string },
    answer: TraceAnswer,
    outcome: string,
    outcomeJa: string,
  ): void => {
    trace.push({ step: trace.length + 1, question: q.en, questionJa: q.ja, answer, outcome, outcomeJa });
  };
  const finish = (licenseRequired: boolean): CatchAllResult => ({
    licenseRequired,
    destinationGroup: group,
    trace,
    unknownRedFlags,
    matchedRedFlags,
  });
  const allied = group === 'ALLIED';
  const alliedRequiredNote = allied
    ? {
        en: ' Allied or like-minded destination: a streamlined procedure may apply, provided the exporter keeps strict control.',
        ja: '同盟国・同志国向けのため、輸出者の厳格管理を条件に手続の合理化が適用され得ます。',
      }
    : { en: '', ja: '' };

  // 1. List control comes first: a list-controlled item is outside the catch-all control.
  if (input.listControlled) {
    add(
      Q.list,
      'yes',
      'List-controlled: a license under the regular list control is required for this export or transfer. The catch-all control is not applicable to list-controlled items.',
      'リスト規制該当：通常のリスト規制に基づく許可が必要です。リスト規制品にはキャッチオール規制は適用されません。',
    );
    return finish(true);
  }
  add(Q.list, 'no', `Not list-controlled. ${NEXT.en}`, `リスト規制非該当。${NEXT.ja}`);

  // 2. Within the catch-all control at all?
  const item = input.catchAllItem;
  if (item === null) {
    add(
      Q.item,
      'no',
      `Outside the catch-all control. ${NOT_NEEDED.en}`,
      `キャッチオール規制の対象外です。${NOT_NEEDED.ja}`,
    );
    return finish(false);
  }
  const itemLabel = [item.hsCode ? `HS ${item.hsCode}` : '', item.description ?? '']
    .filter(Boolean)
    .join(', ');
  add(
    Q.item,
    'yes',
    `Catch-all item${itemLabel ? ` (${itemLabel})` : ''}; destination ${country}, ${GROUP_LABEL[group].en} destination${
      groupGiven ? '' : ' (no destination group given: treated as general)'
    }. ${NEXT.en}`,
    `キャッチオール規制の対象品目${itemLabel ? `（${itemLabel}）` : ''}。仕向地 ${country}（${GROUP_LABEL[group].ja}${
      groupGiven ? '' : '：仕向地区分の指定がないため一般国として扱います'
    }）。${NEXT.ja}`,
  );

  // 3. Inform: covers every catch-all item for every destination group.
  if (input.informReceived === true) {
    add(
      Q.inform,
      'yes',
      `An inform has been received. ${REQUIRED.en}${alliedRequiredNote.en}`,
      `インフォームを受けています。${REQUIRED.ja}${alliedRequiredNote.ja}`,
    );
    return finish(true);
  }
  if (group === 'GROUP_A') {
    add(
      Q.inform,
      'no',
      `Group A destination: the catch-all control applies only through an inform (for concern of diversion), and none has been received. ${NOT_NEEDED.en}`,
      `グループA国向け：キャッチオール規制はインフォーム（迂回調達の懸念）によってのみ適用され、インフォームは受けていません。${NOT_NEEDED.ja}`,
    );
    return finish(false);
  }
  add(Q.inform, 'no', `No inform received. ${NEXT.en}`, `インフォームは受けていません。${NEXT.ja}`);

  // 4. Covered for the destination?
  if (group === 'UN_ARMS_EMBARGO') {
    add(
      Q.covered,
      'yes',
      `UN arms-embargoed destination: every catch-all item is covered. ${NEXT.en}`,
      `国連武器禁輸国向け：全てのキャッチオール対象品目が対象です。${NEXT.ja}`,
    );
  } else {
    const hs = item.hsCode ? normalizeHsCode(item.hsCode) : '';
    const prefix = hs ? matchSpecifiedItem(hs, data.specifiedItemHsPrefixes) : null;
    const label = GROUP_LABEL[group];
    if (!hs) {
      add(
        Q.covered,
        'no',
        `${cap(label.en)} destination and no HS code given: the item is not shown to be a specified item, and only specified items are covered for general destinations. ${NOT_NEEDED.en} Classify the item by HS code to confirm.`,
        `${label.ja}向けでHSコードの指定がないため、特定品目に該当することが確認できません（一般国向けは特定品目のみが対象）。${NOT_NEEDED.ja}HSコードを確認してください。`,
      );
      return finish(false);
    }
    if (prefix === null) {
      add(
        Q.covered,
        'no',
        `${cap(label.en)} destination: HS ${hs} is not a specified item, and only specified items are covered. ${NOT_NEEDED.en}`,
        `${label.ja}向け：HS ${hs} は特定品目に該当せず、一般国向けは特定品目のみが対象です。${NOT_NEEDED.ja}`,
      );
      return finish(false);
    }
    add(
      Q.covered,
      'yes',
      `${cap(label.en)} destination: HS ${hs} is a specified item (HS prefix ${prefix}).${
        allied ? ' The requirements for general destinations apply.' : ''
      } ${NEXT.en}`,
      `${label.ja}向け：HS ${hs} は特定品目（HS ${prefix}）に該当します。${allied ? '一般国向けの要件が適用されます。' : ''}${NEXT.ja}`,
    );
  }

  // 5. End use.
  if (input.knowsWeaponsDevelopmentUse) {
    add(
      Q.use,
      'yes',
      `The exporter knows of use for conventional-weapons development. ${REQUIRED.en}${alliedRequiredNote.en}`,
      `通常兵器の開発等に用いられることを知っています。${REQUIRED.ja}${alliedRequiredNote.ja}`,
    );
    return finish(true);
  }
  add(
    Q.use,
    'no',
    `The exporter does not know of such use. ${NEXT.en}`,
    `輸出者は通常兵器の開発等に用いられることを知りません。${NEXT.ja}`,
  );

  // 6. End user (exporter's documents and the End User List).
  if (!input.endUserHasWeaponsRecordOrPlan && !input.endUserListMatch) {
    add(
      Q.user,
      'no',
      `No record or plan in the exporter's documents, and no End User List match. ${NOT_NEEDED.en}`,
      `輸出者の文書に開発等の実績・予定はなく、エンドユーザーリストにも該当しません。${NOT_NEEDED.ja}`,
    );
    return finish(false);
  }
  const reasonsEn: string[] = [];
  const reasonsJa: string[] = [];
  if (input.endUserHasWeaponsRecordOrPlan) {
    reasonsEn.push("the exporter's documents show a record or plan");
    reasonsJa.push('輸出者の文書で開発等の実績又は予定を確認');
  }
  if (input.endUserListMatch) {
    reasonsEn.push('the end user matches the End User List');
    reasonsJa.push('エンドユーザーリストに該当');
  }
  add(Q.user, 'yes', `Yes: ${reasonsEn.join('; ')}. ${NEXT.en}`, `該当：${reasonsJa.join('、')}。${NEXT.ja}`);

  // 7. Red flags.
  const ignoredEn = unknownRedFlags.length
    ? ` Unknown red-flag codes ignored: ${unknownRedFlags.join(', ')}.`
    : '';
  const ignoredJa = unknownRedFlags.length
    ? `不明なRed Flagコードは無視しました：${unknownRedFlags.join('、')}。`
    : '';
  if (matchedRedFlags.length > 0) {
    add(
      Q.redFlags,
      'yes',
      `Red flags matched: ${matchedRedFlags.join(', ')}. ${REQUIRED.en}${alliedRequiredNote.en}${ignoredEn}`,
      `該当するRed Flags：${matchedRedFlags.join('、')}。${REQUIRED.ja}${alliedRequiredNote.ja}${ignoredJa}`,
    );
    return finish(true);
  }
  add(
    Q.redFlags,
    'no',
    `No red flag matched. ${NOT_NEEDED.en}${ignoredEn}`,
    `該当するRed Flagsはありません。${NOT_NEEDED.ja}${ignoredJa}`,
  );
  return finish(false);
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
