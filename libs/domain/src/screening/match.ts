/**
 * Fuzzy name matching for end-user screening (the End User List and other lists).
 *
 * Pure: no I/O, no clock, no randomness.
 *
 * similarity(a, b) = 0.5 × token-set similarity + 0.5 × character similarity, both on the
 * normalised names of normalize.ts:
 *  - token-set similarity is a soft Dice coefficient over the tokens, independent of order.
 *    Latin/Cyrillic words pair up fuzzily (a word pair counts only when both have at least 6
 *    letters, start with the same letter and are within one edit per five letters, e.g.
 *    "precision"/"precisoin", but not "polar"/"solar" or "seiki"/"seiko"); CJK runs and
 *    their character bigrams pair up only exactly, because in Chinese and Japanese names one
 *    different character is a different name (北京华为 vs 北京华星). Words written together or apart
 *    ("Sun Tech" / "SunTech") are re-joined before pairing.
 *  - character similarity is 1 − (optimal-string-alignment distance / length) on the names with all
 *    spaces removed, taken in written order and with tokens sorted (so a word-order swap is not
 *    penalised).
 * Two names that normalise to the same string score 1. Names shorter than 4 characters match only
 * exactly (their fuzzy score is capped at 0.5), so short generic names give no false positives.
 *
 * There is no transliteration: the same entity in another script matches only through the
 * record's aliases (bestMatch takes the best of the name and every alias).
 */
import { cjkBigrams, isCjkToken, normalizedTokens } from './normalize';

export interface NameRecord {
  id: string;
  name: string;
  aliases: string[];
  country?: string;
}

export interface NameMatch {
  score: number;
  matchedOn: string;
}

export interface ScreeningHit<R extends NameRecord = NameRecord> {
  record: R;
  score: number;
  matchedOn: string;
}

/**
 * Scores at or above this are reported as matches. Tuned on labelled-pairs.json (see match.spec.ts):
 * every threshold from 0.80 to 0.90 gives the same result there (positives score ≥ 0.92 except two
 * documented misses; negatives ≤ 0.80 except one documented false positive); 0.85 is the middle.
 */
export const MATCH_THRESHOLD = 0.85;

/** Factor applied to a score when the query's country and the record's country are both given and differ. */
export const COUNTRY_MISMATCH_FACTOR = 0.95;

/** Names (without spaces) shorter than this match only exactly. */
export const MIN_FUZZY_LENGTH = 4;

/** Two words pair up fuzzily only when both are at least this long, start with the same letter … */
const MIN_FUZZY_WORD = 6;
/** … and at least this similar. */
const WORD_PAIR_MIN = 0.8;
/** Score of short names that are not equal once normalised. */
const SHORT_NAME_CAP = 0.5;

interface Features {
  compact: string;
  sorted: string;
  words: string[];
  cjkRuns: string[];
}

function features(name: string): Features {
  const tokens = normalizedTokens(name);
  const words = tokens.filter((t) => !isCjkToken(t));
  const cjkRuns = tokens.filter((t) => isCjkToken(t));
  return {
    compact: tokens.join(''),
    sorted: tokens.slice().sort().join(''),
    words,
    cjkRuns,
  };
}

/**
 * Code points of a string, cached: list names and words recur in every check, and splitting them
 * again each time was most of the cost of screening a list. Bounded; cleared when full.
 */
const CODES_CACHE = new Map<string, readonly number[]>();
const CODES_CACHE_MAX = 200_000;
function codes(s: string): readonly number[] {
  let c = CODES_CACHE.get(s);
  if (c === undefined) {
    c = Array.from(s, (ch) => ch.codePointAt(0)!);
    if (CODES_CACHE.size >= CODES_CACHE_MAX) CODES_CACHE.clear();
    CODES_CACHE.set(s, c);
  }
  return c;
}

// Reused rows of the distance table (no allocation per comparison; the domain is single-threaded).
let row0 = new Int32Array(64);
let row1 = new Int32Array(64);
let row2 = new Int32Array(64);

function osaCodes(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const m = y.length;
  if (n === 0) return m;
  if (m === 0) return n;
  if (row0.length < m + 1) {
    row0 = new Int32Array(m + 1);
    row1 = new Int32Array(m + 1);
    row2 = new Int32Array(m + 1);
  }
  let prev2 = row0;
  let prev = row1;
  let cur = row2;
  for (let j = 0; j <= m; j += 1) prev[j] = j;
  for (let i = 1; i <= n; i += 1) {
    cur[0] = i;
    const xi = x[i - 1];
    for (let j = 1; j <= m; j += 1) {
      const cost = xi === y[j - 1] ? 0 : 1;
      let v = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      if (ins < v) v = ins;
      const sub = prev[j - 1] + cost;
      if (sub < v) v = sub;
      if (i > 1 && j > 1 && xi === y[j - 2] && x[i - 2] === y[j - 1] && prev2[j - 2] + 1 < v) v = prev2[j - 2] + 1;
      cur[j] = v;
    }
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

/** Optimal string alignment distance (Levenshtein plus adjacent transposition) over code points. */
export function osaDistance(a: string, b: string): number {
  return osaCodes(codes(a), codes(b));
}

/** 1 − OSA distance / longer length, in [0, 1]. */
export function stringSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const x = codes(a);
  const y = codes(b);
  const len = Math.max(x.length, y.length);
  if (len === 0) return 1;
  return Math.max(0, 1 - osaCodes(x, y) / len);
}

function wordPairScore(a: string, b: string): number {
  if (a === b) return 1;
  const x = codes(a);
  const y = codes(b);
  if (x.length < MIN_FUZZY_WORD || y.length < MIN_FUZZY_WORD || x[0] !== y[0]) return 0;
  // The distance is at least the difference in length: skip pairs that cannot reach the minimum.
  const len = Math.max(x.length, y.length);
  if (1 - Math.abs(x.length - y.length) / len < WORD_PAIR_MIN) return 0;
  const s = Math.max(0, 1 - osaCodes(x, y) / len);
  return s >= WORD_PAIR_MIN ? s : 0;
}

/**
 * Re-join words of `words` that are written as one word in `other`: ["sun", "tech"] against
 * ["suntech"] becomes ["suntech"]. Fuzzy, so "sun tech" also re-joins against "suntek".
 */
function rejoin(words: string[], other: readonly string[]): string[] {
  const otherSet = new Set(other);
  const out: string[] = [];
  let i = 0;
  while (i < words.length) {
    let merged = false;
    for (let span = 3; span >= 2 && !merged; span -= 1) {
      if (i + span > words.length) continue;
      const slice = words.slice(i, i + span);
      if (slice.some((w) => otherSet.has(w))) continue;
      const joined = slice.join('');
      if (other.some((o) => !words.includes(o) && wordPairScore(joined, o) > 0)) {
        out.push(joined);
        i += span;
        merged = true;
      }
    }
    if (!merged) {
      out.push(words[i]);
      i += 1;
    }
  }
  return out;
}

interface Item {
  text: string;
  fuzzy: boolean;
}

function items(words: string[], cjkRuns: string[]): Item[] {
  const out: Item[] = words.map((w) => ({ text: w, fuzzy: true }));
  for (const run of cjkRuns) {
    out.push({ text: run, fuzzy: false });
    if (Array.from(run).length > 2) for (const bg of cjkBigrams(run)) out.push({ text: bg, fuzzy: false });
  }
  return out;
}

/** Soft Dice over the token items, greedy one-to-one pairing, highest pairs first. */
function tokenSetSimilarity(fa: Features, fb: Features): number {
  const wa = rejoin(fa.words, fb.words);
  const wb = rejoin(fb.words, wa);
  const ia = items(wa, fa.cjkRuns);
  const ib = items(wb, fb.cjkRuns);
  if (ia.length === 0 || ib.length === 0) return 0;
  const pairs: Array<{ i: number; j: number; s: number }> = [];
  for (let i = 0; i < ia.length; i += 1) {
    for (let j = 0; j < ib.length; j += 1) {
      const a = ia[i];
      const b = ib[j];
      let s = 0;
      if (a.text === b.text) s = 1;
      else if (a.fuzzy && b.fuzzy) s = wordPairScore(a.text, b.text);
      if (s > 0) pairs.push({ i, j, s });
    }
  }
  pairs.sort((p, q) => q.s - p.s || p.i - q.i || p.j - q.j);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  let sum = 0;
  for (const p of pairs) {
    if (usedA.has(p.i) || usedB.has(p.j)) continue;
    usedA.add(p.i);
    usedB.add(p.j);
    sum += p.s;
  }
  return (2 * sum) / (ia.length + ib.length);
}

function scoreFeatures(fa: Features, fb: Features): number {
  if (!fa.compact || !fb.compact) return 0;
  if (fa.compact === fb.compact || fa.sorted === fb.sorted) return 1;
  const tokenScore = tokenSetSimilarity(fa, fb);
  const charScore =
    fa.compact === fa.sorted && fb.compact === fb.sorted
      ? stringSimilarity(fa.compact, fb.compact)
      : Math.max(stringSimilarity(fa.compact, fb.compact), stringSimilarity(fa.sorted, fb.sorted));
  const score = 0.5 * tokenScore + 0.5 * charScore;
  const shortest = Math.min(codes(fa.compact).length, codes(fb.compact).length);
  return shortest < MIN_FUZZY_LENGTH ? Math.min(score, SHORT_NAME_CAP) : score;
}

/** Similarity of two names in [0, 1]; symmetric; 1 for names that normalise to the same string. */
export function similarity(a: string, b: string): number {
  return round(scoreFeatures(features(a), features(b)));
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** The best score of `query` against the record's name and each alias, and the string it matched on. */
export function bestMatch(query: string, record: NameRecord): NameMatch {
  const fq = features(query);
  let best: NameMatch = { score: 0, matchedOn: record.name };
  for (const candidate of [record.name, ...record.aliases]) {
    const score = round(scoreFeatures(fq, features(candidate)));
    if (score > best.score) best = { score, matchedOn: candidate };
    if (score === 1) break;
  }
  return best;
}

function sameCountry(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !a.trim() || !b.trim()) return true; // unknown: no penalty
  return a.trim().toUpperCase() === b.trim().toUpperCase();
}

/**
 * Screen a name against records. A country mismatch (both known and different) multiplies the
 * score by COUNTRY_MISMATCH_FACTOR: it lowers a score a little and never raises one. Results at or
 * above the threshold, best first (ties by record id).
 */
export function screenName<R extends NameRecord>(
  query: string,
  queryCountry: string | undefined,
  records: readonly R[],
  threshold: number = MATCH_THRESHOLD,
): Array<ScreeningHit<R>> {
  const hits: Array<ScreeningHit<R>> = [];
  for (const record of records) {
    const m = bestMatch(query, record);
    const score = sameCountry(queryCountry, record.country)
      ? m.score
      : round(m.score * COUNTRY_MISMATCH_FACTOR);
    if (score >= threshold) hits.push({ record, score, matchedOn: m.matchedOn });
  }
  hits.sort(
    (p, q) => q.score - p.score || (p.record.id < q.record.id ? -1 : p.record.id > q.record.id ? 1 : 0),
  );
  return hits;
}

/** A record with its name and aliases normalised once (see compileNameRecords). */
export interface CompiledRecord<R extends NameRecord = NameRecord> {
  record: R;
  names: ReadonlyArray<{ text: string; features: Features }>;
}

/**
 * Normalise every name and alias of a list once, so a check only normalises the query. The API
 * compiles a list version when it is first used and keeps it for as long as it is in force.
 */
export function compileNameRecords<R extends NameRecord>(records: readonly R[]): ReadonlyArray<CompiledRecord<R>> {
  return records.map((record) => ({
    record,
    names: [record.name, ...record.aliases].map((text) => ({ text, features: features(text) })),
  }));
}

/**
 * screenName over a compiled list, with the same scores. It scores every name and alias of every
 * record, even after a perfect match, so a check costs the same whether or not it matches (a
 * non-public list must not be probed by timing).
 */
export function screenCompiled<R extends NameRecord>(
  query: string,
  queryCountry: string | undefined,
  compiled: ReadonlyArray<CompiledRecord<R>>,
  threshold: number = MATCH_THRESHOLD,
): Array<ScreeningHit<R>> {
  const fq = features(query);
  const hits: Array<ScreeningHit<R>> = [];
  for (const { record, names } of compiled) {
    let best: NameMatch = { score: 0, matchedOn: record.name };
    for (const name of names) {
      const score = round(scoreFeatures(fq, name.features));
      if (score > best.score) best = { score, matchedOn: name.text };
    }
    const score = sameCountry(queryCountry, record.country) ? best.score : round(best.score * COUNTRY_MISMATCH_FACTOR);
    if (score >= threshold) hits.push({ record, score, matchedOn: best.matchedOn });
  }
  hits.sort(
    (p, q) => q.score - p.score || (p.record.id < q.record.id ? -1 : p.record.id > q.record.id ? 1 : 0),
  );
  return hits;
}
