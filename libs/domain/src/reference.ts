/**
 * Reference data of DOMAIN.md ("Which transactions need an advance report") and API.md
 * ("Reference codes"): both axes are data with effective dates, never code constants, so a case
 * can record the version it was judged under.
 */
import referenceData from './reference-data.json';

export interface ReferenceData {
  readonly version: string;
  readonly effectiveFrom: string;
  readonly technologies: ReadonlyArray<{
    readonly code: string;
    readonly queue: string;
    readonly nameJa: string;
    readonly nameEn: string;
  }>;
  readonly transactionTypes: ReadonlyArray<{
    readonly code: string;
    readonly covered: boolean;
    readonly nameJa: string;
    readonly nameEn: string;
  }>;
  readonly countryGroups: {
    /** Export Trade Control Order, Appended Table 3. */
    readonly GROUP_A: readonly string[];
    readonly UN_ARMS_EMBARGO: readonly string[];
    /** Allies and like-minded destinations outside Group A (streamlined catch-all procedure). */
    readonly ALLIED?: readonly string[];
  };
}

export const REFERENCE_DATA: ReferenceData = referenceData;

export type DestinationGroup = 'GROUP_A' | 'UN_ARMS_EMBARGO' | 'GENERAL';

/** ISO 3166-1 alpha-2, all 249 officially assigned codes (Debian iso-codes 4.15). */
export const ISO_COUNTRY_CODES: ReadonlySet<string> = new Set(
  `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ
   BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR
   CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
   GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU
   ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ
   LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
   MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF
   PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
   SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR
   TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`.split(/\s+/),
);

/** An assigned ISO 3166-1 alpha-2 code, uppercase as the API requires ("us" is not one). */
export function isCountryCode(s: unknown): s is string {
  return typeof s === 'string' && /^[A-Z]{2}$/.test(s) && ISO_COUNTRY_CODES.has(s);
}

/** The officer queue a technology's cases go to; undefined for a code not in this version. */
export function queueFor(ref: ReferenceData, technologyCategory: string): string | undefined {
  return ref.technologies.find((t) => t.code === technologyCategory)?.queue;
}

/** Destination group of a country; anything not in a listed group (even an invalid code) is GENERAL. */
export function destinationGroup(ref: ReferenceData, country: string): DestinationGroup {
  if (ref.countryGroups.GROUP_A.includes(country)) return 'GROUP_A';
  if (ref.countryGroups.UN_ARMS_EMBARGO.includes(country)) return 'UN_ARMS_EMBARGO';
  return 'GENERAL';
}

export interface ApplicabilityInput {
  technologyCategory: string;
  transactionType: string;
  counterpartyCountry: string;
}

export interface ApplicabilityResult {
  reportRequired: boolean;
  reasons: string[];
  ruleRefs: string[];
  /** Codes this reference-data version does not know; the API answers 422 for these. */
  unknown: Array<{ field: string; message: string }>;
}

/**
 * Whether an advance report is required (FEFTA Art. 55-8): only when the technology is designated,
 * the transaction type is covered, and the counterparty is outside Group A. Every factor is named
 * in `reasons`, so the applicant sees why, not just the answer.
 */
export function checkApplicability(ref: ReferenceData, input: ApplicabilityInput): ApplicabilityResult {
  const { technologyCategory, transactionType, counterpartyCountry } = input;
  const reasons: string[] = [];
  const unknown: ApplicabilityResult['unknown'] = [];
  const ruleRefs = ['FEFTA Art. 55-8', `METI Notice (important managed technologies) ${ref.effectiveFrom}`];

  const technology = ref.technologies.find((t) => t.code === technologyCategory);
  if (technology) {
    reasons.push(
      `${technology.code} is a designated important managed technology (queue ${technology.queue})`,
    );
  } else {
    const known = ref.technologies.map((t) => t.code).join(', ');
    reasons.push(
      `${technologyCategory} is not a designated important managed technology (list ${ref.version})`,
    );
    unknown.push({
      field: 'technologyCategory',
      message: `unknown technology category "${technologyCategory}"; expected one of ${known}`,
    });
  }

  const type = ref.transactionTypes.find((t) => t.code === transactionType);
  if (!type) {
    const known = ref.transactionTypes.map((t) => t.code).join(', ');
    reasons.push(`Transaction type ${transactionType} is not known: cannot judge whether it is covered`);
    unknown.push({
      field: 'transactionType',
      message: `unknown transaction type "${transactionType}"; expected one of ${known}`,
    });
  } else if (type.covered) {
    reasons.push(
      `Transaction type ${type.code} (${type.nameEn}) enables manufacturing or design abroad: covered`,
    );
  } else {
    reasons.push(`Transaction type ${type.code} (${type.nameEn}) is not covered`);
  }

  const countryKnown = isCountryCode(counterpartyCountry);
  let groupA = false;
  if (!countryKnown) {
    reasons.push(
      `Counterparty country ${counterpartyCountry} is not an ISO 3166-1 alpha-2 code: cannot judge its group`,
    );
    unknown.push({
      field: 'counterpartyCountry',
      message: `"${counterpartyCountry}" is not an ISO 3166-1 alpha-2 country code (two uppercase letters, e.g. "VN")`,
    });
  } else {
    ruleRefs.push('Export Trade Control Order Appended Table 3');
    const group = destinationGroup(ref, counterpartyCountry);
    groupA = group === 'GROUP_A';
    if (groupA) reasons.push(`Counterparty country ${counterpartyCountry} is in Group A: not covered`);
    else if (group === 'UN_ARMS_EMBARGO') {
      reasons.push(
        `Counterparty country ${counterpartyCountry} is not in Group A (UN arms-embargoed): covered`,
      );
    } else reasons.push(`Counterparty country ${counterpartyCountry} is not in Group A: covered`);
  }

  const reportRequired = technology !== undefined && type?.covered === true && countryKnown && !groupA;
  if (unknown.length > 0) {
    reasons.push('Cannot decide until the unknown codes are corrected');
  } else if (reportRequired) {
    reasons.push(
      'An advance report is required before the contract is concluded (in principle 30 days before)',
    );
  } else {
    reasons.push('No advance report is required (a voluntary report is still possible)');
  }
  return { reportRequired, reasons, ruleRefs, unknown };
}
