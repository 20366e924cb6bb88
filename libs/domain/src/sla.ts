/**
 * The SLA policy of DOMAIN.md ("Deadlines and escalations") as versioned data: a case keeps the
 * policy version it started with, and the regulator may change lengths without a code change.
 */
import {
  addBusinessDays,
  addCalendarDays,
  subtractBusinessDays,
  tokyoDate,
  type BusinessCalendar,
} from './calendar';
import type { Stage } from './status';

export const CLOCK_NAMES = [
  'acknowledgement',
  'correction',
  'consultation',
  'queryResponse',
  'informResponse',
  'licenseReview',
  'approval',
] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];

export interface ClockPolicy {
  /** "<n>BD" business days, "<n>D" calendar days, or an ISO-8601 duration such as "PT5S". */
  length: string;
  /** Warn this long before the deadline (same forms as length). */
  warnBefore?: string;
  /** Or warn at this fraction of the clock's length, 0 < warnAt < 1. */
  warnAt?: number;
}

export interface SlaPolicy {
  version: string;
  clocks: Record<ClockName, ClockPolicy>;
}

export type Span = { kind: 'BD'; n: number } | { kind: 'D'; n: number } | { kind: 'DURATION'; ms: number };

/** The defaults of DOMAIN.md, exactly as the policy JSON in API.md. */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  version: '2026-11-default',
  clocks: {
    acknowledgement: { length: '5BD', warnBefore: '2BD' },
    correction: { length: '10BD', warnBefore: '2BD' },
    consultation: { length: '30D', warnAt: 0.8 },
    queryResponse: { length: '10BD', warnBefore: '2BD' },
    informResponse: { length: '20BD', warnBefore: '5BD' },
    licenseReview: { length: '90D', warnAt: 0.8 },
    approval: { length: '3BD' },
  },
};

export class SlaPolicyError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid SLA policy: ${problems.join('; ')}`);
    this.name = 'SlaPolicyError';
  }
}

/**
 * Day counts are walked day by day over the calendar, and a policy of thousands of days is a typo,
 * so cap them (about four years) rather than let a bad file stall a worker.
 */
const MAX_DAYS = 1000;
const DAY_MS = 86_400_000;

const DAY_COUNT = /^(\d+)(BD|D)$/;
// Days, then after T hours, minutes, seconds (only seconds may have a fraction).
const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;
// Years, months and weeks sit in the date part (before any T); minutes are after it.
const ISO_CALENDAR_UNITS = /^P[^T]*[YMW]/;

const SPAN_FORMS = 'expected "<n>BD", "<n>D" or an ISO-8601 duration such as "PT5S" or "P1DT2H"';

export function parseSpan(s: string): Span {
  if (typeof s !== 'string') throw new SlaPolicyError([`must be a string (${SPAN_FORMS})`]);
  const days = DAY_COUNT.exec(s);
  if (days) {
    const n = Number(days[1]);
    if (n < 1 || n > MAX_DAYS) throw new SlaPolicyError([`"${s}" must be between 1 and ${MAX_DAYS} days`]);
    return days[2] === 'BD' ? { kind: 'BD', n } : { kind: 'D', n };
  }
  if (ISO_CALENDAR_UNITS.test(s)) {
    throw new SlaPolicyError([
      `"${s}" uses years, months or weeks, whose length varies: use days ("P30D") or "<n>D"`,
    ]);
  }
  const iso = ISO_DURATION.exec(s);
  // "P" and "PT" alone match the pattern with no component; ISO 8601 requires at least one.
  if (!iso || s === 'P' || s.endsWith('T')) {
    throw new SlaPolicyError([`"${s}" is not a valid span: ${SPAN_FORMS}`]);
  }
  const [, d = '0', h = '0', m = '0', sec = '0'] = iso;
  const ms =
    Number(d) * DAY_MS +
    Number(h) * 3_600_000 +
    Number(m) * 60_000 +
    Math.round(Number(sec.replace(',', '.')) * 1000);
  if (ms <= 0) throw new SlaPolicyError([`"${s}" must be longer than zero`]);
  if (ms > MAX_DAYS * DAY_MS) throw new SlaPolicyError([`"${s}" must be at most ${MAX_DAYS} days`]);
  return { kind: 'DURATION', ms };
}

/** A value as it appeared in the JSON, for messages. */
function show(v: unknown): string {
  return typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? 'nothing');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Problems of one span at a field path, or the parsed span. */
function checkSpan(path: string, value: unknown, problems: string[]): Span | undefined {
  if (typeof value !== 'string') {
    problems.push(`${path}: must be a string (${SPAN_FORMS})`);
    return undefined;
  }
  try {
    return parseSpan(value);
  } catch (e) {
    if (!(e instanceof SlaPolicyError)) throw e;
    problems.push(...e.problems.map((p) => `${path}: ${p}`));
    return undefined;
  }
}

function spanSize(span: Span): number {
  return span.kind === 'DURATION' ? span.ms : span.n;
}

const CLOCK_FIELDS = ['length', 'warnBefore', 'warnAt'];

function checkClock(path: string, raw: unknown, problems: string[]): ClockPolicy | undefined {
  if (!isPlainObject(raw)) {
    problems.push(`${path}: must be an object like {"length": "5BD", "warnBefore": "2BD"}`);
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!CLOCK_FIELDS.includes(key))
      problems.push(`${path}.${key}: unknown field (allowed: ${CLOCK_FIELDS.join(', ')})`);
  }
  const before = problems.length;
  let length: Span | undefined;
  if (raw.length === undefined) problems.push(`${path}.length: missing`);
  else length = checkSpan(`${path}.length`, raw.length, problems);

  const clock: ClockPolicy = { length: raw.length as string };
  if (raw.warnBefore !== undefined) {
    const warnBefore = checkSpan(`${path}.warnBefore`, raw.warnBefore, problems);
    // Comparable only in the same unit; a warning at or before the start would never be useful.
    if (warnBefore && length && warnBefore.kind === length.kind && spanSize(warnBefore) >= spanSize(length)) {
      problems.push(
        `${path}.warnBefore: "${String(raw.warnBefore)}" must be shorter than the length "${clock.length}"`,
      );
    }
    clock.warnBefore = raw.warnBefore as string;
  }
  if (raw.warnAt !== undefined) {
    const f = raw.warnAt;
    if (typeof f !== 'number' || !Number.isFinite(f) || f <= 0 || f >= 1) {
      problems.push(
        `${path}.warnAt: must be a number between 0 and 1 exclusive (a fraction of the length), got ${show(f)}`,
      );
    }
    clock.warnAt = f as number;
  }
  if (raw.warnBefore !== undefined && raw.warnAt !== undefined) {
    problems.push(`${path}: give either warnBefore or warnAt, not both`);
  }
  return problems.length === before ? clock : undefined;
}

/** Validates a policy (e.g. the SLA_POLICY_FILE JSON) and lists every problem with its field path. */
export function parseSlaPolicy(json: unknown): SlaPolicy {
  const problems: string[] = [];
  if (!isPlainObject(json)) {
    throw new SlaPolicyError(['(root): must be an object with "version" and "clocks"']);
  }
  for (const key of Object.keys(json)) {
    if (key !== 'version' && key !== 'clocks')
      problems.push(`${key}: unknown field (allowed: version, clocks)`);
  }
  const { version, clocks } = json;
  if (typeof version !== 'string' || version.trim() === '') {
    problems.push(`version: must be a non-empty string, got ${show(version)}`);
  }
  const parsed: Partial<Record<ClockName, ClockPolicy>> = {};
  if (!isPlainObject(clocks)) {
    problems.push(`clocks: must be an object with the clocks ${CLOCK_NAMES.join(', ')}`);
  } else {
    for (const key of Object.keys(clocks)) {
      if (!(CLOCK_NAMES as readonly string[]).includes(key)) {
        problems.push(`clocks.${key}: unknown clock (expected one of ${CLOCK_NAMES.join(', ')})`);
      }
    }
    for (const name of CLOCK_NAMES) {
      if (clocks[name] === undefined) problems.push(`clocks.${name}: missing`);
      else parsed[name] = checkClock(`clocks.${name}`, clocks[name], problems);
    }
  }
  if (problems.length > 0) throw new SlaPolicyError(problems);
  return { version: version as string, clocks: parsed as Record<ClockName, ClockPolicy> };
}

/**
 * When a clock started at startMs is due, and when to warn (null: no warning). BD and D follow the
 * business calendar; ISO durations (tests and demos) are plain elapsed time.
 */
export function computeDeadline(
  cal: BusinessCalendar,
  clock: ClockPolicy,
  startMs: number,
): { dueAt: number; warnAt: number | null } {
  if (clock.warnBefore !== undefined && clock.warnAt !== undefined) {
    throw new SlaPolicyError(['give either warnBefore or warnAt, not both']);
  }
  const length = parseSpan(clock.length);
  const dueAt =
    length.kind === 'BD'
      ? addBusinessDays(cal, startMs, length.n)
      : length.kind === 'D'
        ? addCalendarDays(cal, startMs, length.n)
        : startMs + length.ms;

  let warnAt: number | null = null;
  if (clock.warnBefore !== undefined) {
    const before = parseSpan(clock.warnBefore);
    warnAt =
      before.kind === 'BD'
        ? subtractBusinessDays(cal, dueAt, before.n)
        : before.kind === 'D'
          ? dueAt - before.n * DAY_MS
          : dueAt - before.ms;
  } else if (clock.warnAt !== undefined) {
    const f = clock.warnAt;
    if (!(f > 0 && f < 1)) throw new SlaPolicyError([`warnAt: must be between 0 and 1 exclusive, got ${f}`]);
    warnAt = startMs + Math.round(f * (dueAt - startMs));
  }
  // Mixed units (e.g. length "3BD", warnBefore "7D") can reach back past the start; a warning
  // cannot precede its own clock, so it then fires as the clock starts.
  return { dueAt, warnAt: warnAt === null ? null : Math.max(warnAt, startMs) };
}

export type TimelineStage = Extract<Stage, 'ADVANCE_NOTIFICATION' | 'CONSULTATION' | 'LICENSE'>;

/**
 * The dates shown to the applicant at filing: acknowledgement from submission, consultation from
 * then, and, should an inform come, the inform response and license review chained after it.
 * Each stage starts when the previous one is due: the latest the regulator's targets allow.
 */
export function expectedTimeline(
  cal: BusinessCalendar,
  policy: SlaPolicy,
  submittedMs: number,
): Array<{ stage: TimelineStage; expectedBy: string }> {
  const due = (clock: ClockName, from: number) => computeDeadline(cal, policy.clocks[clock], from).dueAt;
  const acknowledged = due('acknowledgement', submittedMs);
  const consulted = due('consultation', acknowledged);
  const licensed = due('licenseReview', due('informResponse', consulted));
  return [
    { stage: 'ADVANCE_NOTIFICATION', expectedBy: tokyoDate(acknowledged) },
    { stage: 'CONSULTATION', expectedBy: tokyoDate(consulted) },
    { stage: 'LICENSE', expectedBy: tokyoDate(licensed) },
  ];
}
