/**
 * The business calendar of DOMAIN.md ("Deadlines and escalations").
 *
 * Instants are epoch milliseconds; calendar dates are 'YYYY-MM-DD' strings in Asia/Tokyo. Japan has
 * had no daylight saving time since 1951, so Tokyo time is UTC+9 by plain arithmetic: no Intl, no
 * host time zone, and the same answer in a Temporal workflow sandbox as in a test.
 */
// The package's data module only (no requires, no Date): its entry point adds helpers that read
// the host's local time zone, which we must not depend on.
import holidayData from '@holiday-jp/holiday_jp/lib/holidays';

const DAY_MS = 86_400_000;
const TOKYO_OFFSET_MS = 9 * 3_600_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The years the installed holiday data covers; outside them a calendar would silently lack holidays. */
const HOLIDAY_DATES: readonly string[] = Object.keys(holidayData).sort();
const FIRST_HOLIDAY_YEAR = Number(HOLIDAY_DATES[0].slice(0, 4));
const LAST_HOLIDAY_YEAR = Number(HOLIDAY_DATES[HOLIDAY_DATES.length - 1].slice(0, 4));

export interface BusinessCalendar {
  readonly holidays: ReadonlySet<string>;
  isBusinessDay(date: string): boolean;
}

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date; throws on anything that is not a real date. */
function toEpochDay(date: string): number {
  const m = DATE_PATTERN.exec(date);
  if (m) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    // Date.UTC would roll 2026-02-30 over to March, and maps years 0-99 to 1900-1999.
    const daysInMonth = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
    if (year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth) {
      return Date.UTC(year, month - 1, day) / DAY_MS;
    }
  }
  throw new RangeError(`Invalid date "${date}": expected an existing calendar date as YYYY-MM-DD`);
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function fromEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function requireInteger(name: string, n: number): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name} must be an integer, got ${n}`);
}

function requireNonNegativeInteger(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
}

function requireInstant(ms: number): void {
  if (!Number.isFinite(ms)) throw new RangeError(`Invalid instant ${ms}: expected epoch milliseconds`);
}

export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  try {
    toEpochDay(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * National holidays (substitute holidays and "sandwiched" citizens' holidays included) of the
 * years fromYear..toYear, sorted. Throws for years the installed data does not cover.
 */
export function nationalHolidays(fromYear: number, toYear: number): string[] {
  requireInteger('fromYear', fromYear);
  requireInteger('toYear', toYear);
  if (fromYear > toYear) throw new RangeError(`fromYear ${fromYear} is after toYear ${toYear}`);
  if (fromYear < FIRST_HOLIDAY_YEAR || toYear > LAST_HOLIDAY_YEAR) {
    throw new RangeError(
      `Holiday data covers ${FIRST_HOLIDAY_YEAR}-${LAST_HOLIDAY_YEAR}, not ${fromYear}-${toYear}: update @holiday-jp/holiday_jp`,
    );
  }
  return HOLIDAY_DATES.filter((d) => {
    const year = Number(d.slice(0, 4));
    return year >= fromYear && year <= toYear;
  });
}

/**
 * A calendar from an explicit holiday list, so a Temporal workflow can receive the list as input
 * and keep the version it started with even after the holiday data is updated.
 */
export function createBusinessCalendar(holidays: readonly string[]): BusinessCalendar {
  holidays.forEach(toEpochDay); // validate every entry up front
  const set: ReadonlySet<string> = new Set(holidays);
  return {
    holidays: set,
    isBusinessDay(date: string): boolean {
      const day = toEpochDay(date);
      const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
      if (weekday === 0 || weekday === 6) return false;
      // Act on Holidays of Administrative Organs, Art. 1(1)(iii): 29 December to 3 January.
      const monthDay = date.slice(5);
      if (monthDay >= '12-29' || monthDay <= '01-03') return false;
      return !set.has(date);
    },
  };
}

export function defaultCalendarFor(fromYear: number, toYear: number): BusinessCalendar {
  return createBusinessCalendar(nationalHolidays(fromYear, toYear));
}

/** The Asia/Tokyo calendar date of an instant. */
export function tokyoDate(ms: number): string {
  requireInstant(ms);
  return fromEpochDay(Math.floor((ms + TOKYO_OFFSET_MS) / DAY_MS));
}

/** 00:00:00.000 Tokyo time of the date. */
export function startOfTokyoDay(date: string): number {
  return toEpochDay(date) * DAY_MS - TOKYO_OFFSET_MS;
}

/** 23:59:59.999 Tokyo time of the date: a period "ends at the end of its last day" (Civil Code Art. 141). */
export function endOfTokyoDay(date: string): number {
  return startOfTokyoDay(date) + DAY_MS - 1;
}

export function addDays(date: string, n: number): string {
  requireInteger('n', n);
  return fromEpochDay(toEpochDay(date) + n);
}

function nextBusinessDayOnOrAfter(cal: BusinessCalendar, date: string): string {
  let d = date;
  while (!cal.isBusinessDay(d)) d = addDays(d, 1);
  return d;
}

/**
 * Civil Code Arts. 140-142: the day of fromMs is not counted, and the period ends at the end of
 * the n-th business day after it. n = 0 means the end of fromMs's day, or of the next business
 * day if that day is not one.
 */
export function addBusinessDays(cal: BusinessCalendar, fromMs: number, n: number): number {
  requireNonNegativeInteger('n', n);
  let d = tokyoDate(fromMs);
  if (n === 0) return endOfTokyoDay(nextBusinessDayOnOrAfter(cal, d));
  for (let counted = 0; counted < n;) {
    d = addDays(d, 1);
    if (cal.isBusinessDay(d)) counted++;
  }
  return endOfTokyoDay(d);
}

/**
 * A period of n calendar days: ends at the end of (day of fromMs + n); if that day is not a
 * business day the deadline moves to the end of the next business day (Civil Code Art. 142).
 */
export function addCalendarDays(cal: BusinessCalendar, fromMs: number, n: number): number {
  requireNonNegativeInteger('n', n);
  return endOfTokyoDay(nextBusinessDayOnOrAfter(cal, addDays(tokyoDate(fromMs), n)));
}

/**
 * For warnings: the end of the business day n business days before the due day, so that n full
 * business days remain (due Friday, n = 2: end of Wednesday, leaving Thursday and Friday).
 */
export function subtractBusinessDays(cal: BusinessCalendar, dueMs: number, n: number): number {
  requireNonNegativeInteger('n', n);
  let d = tokyoDate(dueMs);
  if (n === 0) return endOfTokyoDay(d);
  for (let counted = 0; counted < n;) {
    d = addDays(d, -1);
    if (cal.isBusinessDay(d)) counted++;
  }
  return endOfTokyoDay(d);
}

/**
 * Whole business days after fromMs's day up to and including toMs's day ("3 BD left"). 0 on the
 * due day itself; negative (the business days overdue) once past.
 */
export function businessDaysBetween(cal: BusinessCalendar, fromMs: number, toMs: number): number {
  const from = tokyoDate(fromMs);
  const to = tokyoDate(toMs);
  const [lo, hi, sign] = from <= to ? [from, to, 1] : [to, from, -1];
  let count = 0;
  for (let d = addDays(lo, 1); d <= hi; d = addDays(d, 1)) {
    if (cal.isBusinessDay(d)) count++;
  }
  return sign * count;
}
