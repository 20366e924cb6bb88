/**
 * Reference data as separately versioned kinds, each with an effective date: the regulator changes
 * the country groups without touching the red-flag checklist, and a decision records which version
 * of each kind it used. The files in the repo are the default (first) versions; the API stores
 * these and later versions in the `reference_data_versions` table.
 */
import referenceData from './reference-data.json';
import eulJson from './reference-data/end-user-list-eul.json';
import nonPublicJson from './reference-data/end-user-list-non-public-sample.json';
import redFlagsJson from './screening/red-flags.json';
import specifiedItemsJson from './screening/specified-items.json';
import type { ReferenceData } from './reference';
import type {
  DestinationGroup as CatchAllDestinationGroup,
  RedFlag,
  SpecifiedItem,
} from './screening/catch-all';

export const REFERENCE_KINDS = [
  'country-groups',
  'specified-items',
  'red-flags',
  'technologies',
  'transaction-types',
] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

export function isReferenceKind(value: unknown): value is ReferenceKind {
  return typeof value === 'string' && (REFERENCE_KINDS as readonly string[]).includes(value);
}

export interface CountryGroups {
  /** Export Trade Control Order, Appended Table 3 (27 countries). */
  GROUP_A: string[];
  /** UN arms-embargoed destinations (Appended Table 3-2). */
  UN_ARMS_EMBARGO: string[];
  /** Allies and like-minded destinations outside Group A: streamlined catch-all procedure. */
  ALLIED: string[];
}

export interface ReferenceKindData {
  'country-groups': CountryGroups;
  'specified-items': { items: SpecifiedItem[] };
  'red-flags': { items: RedFlag[] };
  technologies: { items: Array<ReferenceData['technologies'][number]> };
  'transaction-types': { items: Array<ReferenceData['transactionTypes'][number]> };
}

export interface ReferenceVersion<K extends ReferenceKind = ReferenceKind> {
  kind: K;
  version: string;
  /** YYYY-MM-DD (Tokyo): the version is in force from this day until a later one takes over. */
  effectiveFrom: string;
  data: ReferenceKindData[K];
}

/** The versions shipped in the repo, seeded into the database. */
export const DEFAULT_REFERENCE_VERSIONS: readonly ReferenceVersion[] = [
  {
    kind: 'country-groups',
    version: referenceData.version,
    effectiveFrom: referenceData.effectiveFrom,
    data: {
      GROUP_A: [...referenceData.countryGroups.GROUP_A],
      UN_ARMS_EMBARGO: [...referenceData.countryGroups.UN_ARMS_EMBARGO],
      ALLIED: [...referenceData.countryGroups.ALLIED],
    },
  },
  {
    kind: 'specified-items',
    version: specifiedItemsJson.version,
    effectiveFrom: specifiedItemsJson.effectiveFrom,
    data: { items: specifiedItemsJson.specifiedItems.map((i) => ({ ...i })) },
  },
  {
    kind: 'red-flags',
    version: redFlagsJson.version,
    effectiveFrom: redFlagsJson.effectiveFrom,
    data: { items: redFlagsJson.redFlags.map((f) => ({ ...f })) },
  },
  {
    kind: 'technologies',
    version: referenceData.version,
    effectiveFrom: referenceData.effectiveFrom,
    data: { items: referenceData.technologies.map((t) => ({ ...t })) },
  },
  {
    kind: 'transaction-types',
    version: referenceData.version,
    effectiveFrom: referenceData.effectiveFrom,
    data: { items: referenceData.transactionTypes.map((t) => ({ ...t })) },
  },
];

/**
 * The version in force on `date` (YYYY-MM-DD): the latest effective date on or before it. Of two
 * versions with the same date, the one later in `versions` (uploaded later) wins.
 */
export function versionInForce<V extends { effectiveFrom: string }>(
  versions: readonly V[],
  date: string,
): V | undefined {
  let best: V | undefined;
  for (const v of versions) {
    if (v.effectiveFrom <= date && (best === undefined || v.effectiveFrom >= best.effectiveFrom)) best = v;
  }
  return best;
}

/** The advance-report reference data (applicability, filing) built from the kinds in force. */
export function composeReferenceData(
  technologies: ReferenceVersion<'technologies'>,
  transactionTypes: ReferenceVersion<'transaction-types'>,
  countryGroups: ReferenceVersion<'country-groups'>,
): ReferenceData {
  return {
    version: technologies.version,
    effectiveFrom: technologies.effectiveFrom,
    technologies: technologies.data.items,
    transactionTypes: transactionTypes.data.items,
    countryGroups: countryGroups.data,
  };
}

/** The catch-all destination group of a country; anything not listed is GENERAL. */
export function catchAllDestinationGroup(groups: CountryGroups, country: string): CatchAllDestinationGroup {
  if (groups.GROUP_A.includes(country)) return 'GROUP_A';
  if (groups.UN_ARMS_EMBARGO.includes(country)) return 'UN_ARMS_EMBARGO';
  if (groups.ALLIED.includes(country)) return 'ALLIED';
  return 'GENERAL';
}

// ---- End User Lists ---------------------------------------------------------------------------

export const END_USER_LIST_MODES = ['PUBLIC', 'NON_PUBLIC'] as const;
export type EndUserListMode = (typeof END_USER_LIST_MODES)[number];

/** Categories of concern of the End User List (weapons of mass destruction and conventional weapons). */
export const END_USER_CATEGORIES = ['NUCLEAR', 'MISSILE', 'BIOLOGICAL', 'CHEMICAL', 'CONVENTIONAL'] as const;
export type EndUserCategory = (typeof END_USER_CATEGORIES)[number];

export interface EndUserEntry {
  name: string;
  aliases: string[];
  country: string;
  category: EndUserCategory;
  reason: string;
}

export interface EndUserListFile {
  listId: string;
  mode: EndUserListMode;
  entries: EndUserEntry[];
}

/** The default list `EUL` (public) and a non-public sample, both fictional (see the files). */
export const SAMPLE_END_USER_LISTS: readonly EndUserListFile[] = [eulJson, nonPublicJson].map((f) => ({
  listId: f.listId,
  mode: f.mode as EndUserListMode,
  entries: f.entries.map((e) => ({ ...e, category: e.category as EndUserCategory })),
}));

/** The list a check uses when none is named. */
export const DEFAULT_END_USER_LIST = 'EUL';
