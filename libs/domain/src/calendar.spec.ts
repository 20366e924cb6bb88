import { readFileSync } from 'fs';
import {
  addBusinessDays,
  addCalendarDays,
  addDays,
  businessDaysBetween,
  createBusinessCalendar,
  defaultCalendarFor,
  endOfTokyoDay,
  isIsoDate,
  nationalHolidays,
  startOfTokyoDay,
  subtractBusinessDays,
  tokyoDate,
} from './calendar';

const cal = defaultCalendarFor(2024, 2028);
/** An instant written in Tokyo time, e.g. jst('2026-11-20T23:30'). */
const jst = (local: string): number => Date.parse(`${local}+09:00`);
/** The deadline instant "end of this Tokyo day". */
const endOf = (date: string): number => Date.parse(`${date}T23:59:59.999+09:00`);

describe('Tokyo dates and instants', () => {
  it('takes the date in Tokyo (UTC+9), not UTC', () => {
    expect(tokyoDate(Date.parse('2026-11-20T14:59:59.999Z'))).toBe('2026-11-20');
    expect(tokyoDate(Date.parse('2026-11-20T15:00:00.000Z'))).toBe('2026-11-21');
    expect(tokyoDate(Date.parse('2026-11-19T15:30:00Z'))).toBe('2026-11-20'); // UTC still says the 19th
    expect(tokyoDate(0)).toBe('1970-01-01');
    expect(tokyoDate(-9 * 3_600_000 - 1)).toBe('1969-12-31');
  });

  it('starts a Tokyo day at 15:00 UTC of the previous day and ends it 1 ms before the next', () => {
    expect(startOfTokyoDay('2026-11-21')).toBe(Date.parse('2026-11-20T15:00:00.000Z'));
    expect(endOfTokyoDay('2026-11-20')).toBe(Date.parse('2026-11-20T14:59:59.999Z'));
    expect(endOfTokyoDay('2026-11-20')).toBe(startOfTokyoDay('2026-11-21') - 1);
    expect(tokyoDate(startOfTokyoDay('2027-01-01'))).toBe('2027-01-01');
    expect(tokyoDate(endOfTokyoDay('2027-01-01'))).toBe('2027-01-01');
  });

  it('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-11-20', 0)).toBe('2026-11-20');
    expect(addDays('2026-01-31', 365)).toBe('2027-01-31');
  });

  it.each(['2026-02-30', '2026-13-01', '2026-2-3', '20260203', '2026-02-03T00:00', '', '0026-01-01'])(
    'refuses the malformed date %p with a RangeError',
    (bad) => {
      expect(() => startOfTokyoDay(bad)).toThrow(RangeError);
      expect(() => addDays(bad, 1)).toThrow(/expected an existing calendar date as YYYY-MM-DD/);
      expect(() => cal.isBusinessDay(bad)).toThrow(RangeError);
      expect(isIsoDate(bad)).toBe(false);
    },
  );

  it('recognises valid ISO dates and nothing else', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2027-02-29')).toBe(false);
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('2100-02-29')).toBe(false);
    expect(isIsoDate('2026-04-31')).toBe(false);
    expect(isIsoDate('2026-12-31')).toBe(true);
    expect(isIsoDate(20260101)).toBe(false);
    expect(isIsoDate(undefined)).toBe(false);
  });

  it('refuses non-integer day counts and invalid instants', () => {
    expect(() => addDays('2026-01-01', 1.5)).toThrow(/integer/);
    expect(() => tokyoDate(Number.NaN)).toThrow(RangeError);
    expect(() => tokyoDate(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('nationalHolidays', () => {
  it('lists 2026 exactly, with the substitute holiday and the sandwiched citizens holiday', () => {
    expect(nationalHolidays(2026, 2026)).toEqual([
      '2026-01-01',
      '2026-01-12',
      '2026-02-11',
      '2026-02-23',
      '2026-03-20',
      '2026-04-29',
      '2026-05-03',
      '2026-05-04',
      '2026-05-05',
      '2026-05-06', // 05-06: substitute for Sunday 05-03
      '2026-07-20',
      '2026-08-11',
      '2026-09-21',
      '2026-09-22', // 09-22: between two holidays (国民の休日)
      '2026-09-23',
      '2026-10-12',
      '2026-11-03',
      '2026-11-23',
    ]);
  });

  it('includes the substitute holidays of 2025 and 2027', () => {
    const holidays = nationalHolidays(2025, 2027);
    for (const d of ['2025-02-24', '2025-05-06', '2025-11-24', '2027-03-22']) expect(holidays).toContain(d);
    // Golden Week 2027 falls Monday to Wednesday: no substitute needed.
    expect(holidays).toEqual(expect.arrayContaining(['2027-05-03', '2027-05-04', '2027-05-05']));
    expect(holidays).not.toContain('2027-05-06');
  });

  it('is sorted and limited to the requested years', () => {
    const holidays = nationalHolidays(2025, 2027);
    expect([...holidays].sort()).toEqual(holidays);
    expect(holidays[0]).toBe('2025-01-01');
    expect(holidays[holidays.length - 1]).toBe('2027-11-23');
    expect(holidays.every((d) => d >= '2025-01-01' && d <= '2027-12-31')).toBe(true);
    expect(nationalHolidays(2025, 2025).length + nationalHolidays(2026, 2027).length).toBe(holidays.length);
  });

  it('refuses years the installed data does not cover, and bad ranges', () => {
    expect(() => nationalHolidays(1969, 2026)).toThrow(/Holiday data covers 1970-2050/);
    expect(() => nationalHolidays(2026, 2051)).toThrow(/update @holiday-jp\/holiday_jp/);
    expect(() => nationalHolidays(2027, 2026)).toThrow(/after toYear/);
    expect(() => nationalHolidays(2026.5, 2027)).toThrow(/integer/);
  });
});

describe('isBusinessDay', () => {
  it('excludes weekends', () => {
    expect(cal.isBusinessDay('2026-11-20')).toBe(true); // Friday
    expect(cal.isBusinessDay('2026-11-21')).toBe(false); // Saturday
    expect(cal.isBusinessDay('2026-11-22')).toBe(false); // Sunday
  });

  it.each([
    ['2025-12-29', '2026-01-03', '2025-12-26', '2026-01-05'],
    ['2026-12-29', '2027-01-03', '2026-12-28', '2027-01-04'],
    ['2027-12-29', '2028-01-03', '2027-12-28', '2028-01-04'],
  ])('closes government offices from %s to %s (open %s and %s)', (first, last, before, after) => {
    for (let d = first; d <= last; d = addDays(d, 1)) expect(cal.isBusinessDay(d)).toBe(false);
    expect(cal.isBusinessDay(before)).toBe(true);
    expect(cal.isBusinessDay(after)).toBe(true);
  });

  it('closes the year-end days even with an empty holiday list', () => {
    const bare = createBusinessCalendar([]);
    expect(bare.isBusinessDay('2026-12-29')).toBe(false); // Tuesday
    expect(bare.isBusinessDay('2027-01-01')).toBe(false); // Friday
    expect(bare.isBusinessDay('2026-05-06')).toBe(true); // a holiday only because the list says so
  });

  it.each([
    [
      '2025 Golden Week',
      ['2025-04-29', '2025-05-05', '2025-05-06'],
      ['2025-04-28', '2025-04-30', '2025-05-02', '2025-05-07'],
    ],
    [
      '2026 Golden Week',
      ['2026-04-29', '2026-05-04', '2026-05-05', '2026-05-06'],
      ['2026-04-30', '2026-05-01', '2026-05-07'],
    ],
    [
      '2027 Golden Week',
      ['2027-04-29', '2027-05-03', '2027-05-04', '2027-05-05'],
      ['2027-04-30', '2027-05-06'],
    ],
    [
      'substitute holidays',
      ['2025-02-24', '2025-11-24', '2027-03-22'],
      ['2025-02-25', '2025-11-25', '2027-03-23'],
    ],
    ['2026 Silver Week', ['2026-09-21', '2026-09-22', '2026-09-23'], ['2026-09-18', '2026-09-24']],
  ])('%s', (_name, closed, open) => {
    for (const d of closed) expect(cal.isBusinessDay(d)).toBe(false);
    for (const d of open) expect(cal.isBusinessDay(d)).toBe(true);
  });

  it('counts 240 business days in 2026 (261 weekdays, 17 weekday holidays, 4 more year-end days)', () => {
    let count = 0;
    for (let d = '2026-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) if (cal.isBusinessDay(d)) count++;
    expect(count).toBe(240);
  });

  it('uses the holiday list it was given, so a workflow keeps its calendar version', () => {
    const amended = createBusinessCalendar([...nationalHolidays(2026, 2026), '2026-06-15']);
    expect(amended.isBusinessDay('2026-06-15')).toBe(false);
    expect(cal.isBusinessDay('2026-06-15')).toBe(true);
    expect(amended.holidays.has('2026-06-15')).toBe(true);
    expect(cal.holidays.has('2026-09-22')).toBe(true);
  });

  it('refuses a malformed holiday list', () => {
    expect(() => createBusinessCalendar(['2026-01-01', '2026-1-12'])).toThrow(/Invalid date "2026-1-12"/);
  });
});

describe('addBusinessDays (Civil Code Arts. 140-142)', () => {
  it('does not count the first day and ends at the end of the n-th business day', () => {
    expect(addBusinessDays(cal, jst('2026-11-16T09:00'), 1)).toBe(endOf('2026-11-17')); // Mon -> Tue
    expect(addBusinessDays(cal, jst('2026-11-16T00:00'), 5)).toBe(endOf('2026-11-24')); // skips weekend and 11-23
  });

  it('counts a Friday 23:30 Tokyo submission (14:30 UTC) from Friday, skipping the Monday holiday', () => {
    const submitted = Date.parse('2026-11-20T14:30:00Z');
    expect(submitted).toBe(jst('2026-11-20T23:30'));
    // Tue 24, Wed 25, Thu 26, Fri 27, Mon 30.
    expect(addBusinessDays(cal, submitted, 5)).toBe(endOf('2026-11-30'));
    expect(addBusinessDays(cal, submitted, 1)).toBe(endOf('2026-11-24'));
  });

  it('counts from the Tokyo date even when UTC is still on the previous day', () => {
    // Friday 00:30 in Tokyo is Thursday in UTC; counting from Thursday would end on Friday 27.
    expect(addBusinessDays(cal, Date.parse('2026-11-19T15:30:00Z'), 5)).toBe(endOf('2026-11-30'));
    expect(addBusinessDays(cal, Date.parse('2026-11-19T14:30:00Z'), 5)).toBe(endOf('2026-11-27'));
  });

  it('counts a weekend start from the weekend day (the next business day is the first counted)', () => {
    expect(addBusinessDays(cal, jst('2026-11-21T10:00'), 1)).toBe(endOf('2026-11-24'));
  });

  it.each([
    ['over the 2025/26 year end', '2025-12-26T10:00', 1, '2026-01-05'],
    ['over the year end and Coming of Age Day', '2025-12-26T10:00', 6, '2026-01-13'],
    ['over the 2026/27 year end', '2026-12-28T10:00', 1, '2027-01-04'],
    ['over the 2027/28 year end', '2027-12-28T10:00', 1, '2028-01-04'],
    ['from inside the year-end closure', '2026-12-30T10:00', 1, '2027-01-04'],
    ['over Golden Week 2025 (05-06 substitute)', '2025-05-02T10:00', 1, '2025-05-07'],
    ['over Golden Week 2026 (05-06 substitute)', '2026-05-01T10:00', 1, '2026-05-07'],
    ['over Golden Week 2027', '2027-04-30T10:00', 1, '2027-05-06'],
    ['over the 2026 Silver Week (09-22 sandwiched)', '2026-09-18T10:00', 1, '2026-09-24'],
    ['over a substitute holiday', '2025-02-21T10:00', 1, '2025-02-25'],
    ['20 BD across Golden Week 2026', '2026-04-20T10:00', 20, '2026-05-22'],
  ])('%s: %s + %d BD -> end of %s', (_name, start, n, due) => {
    expect(addBusinessDays(cal, jst(start), n)).toBe(endOf(due));
  });

  it('with n = 0 ends at the end of the day, or of the next business day', () => {
    expect(addBusinessDays(cal, jst('2026-11-20T10:00'), 0)).toBe(endOf('2026-11-20'));
    expect(addBusinessDays(cal, jst('2026-11-21T10:00'), 0)).toBe(endOf('2026-11-24'));
  });

  it('refuses negative or fractional counts', () => {
    expect(() => addBusinessDays(cal, jst('2026-11-20T10:00'), -1)).toThrow(/non-negative integer/);
    expect(() => addBusinessDays(cal, jst('2026-11-20T10:00'), 1.5)).toThrow(/non-negative integer/);
  });

  it('always ends at the end of a business day, n business days later (every start 2025-2027)', () => {
    for (let d = '2025-01-01'; d <= '2027-12-31'; d = addDays(d, 1)) {
      const start = jst(`${d}T12:00`);
      for (const n of [1, 2, 3, 5, 10, 20]) {
        const due = addBusinessDays(cal, start, n);
        const dueDate = tokyoDate(due);
        if (
          due !== endOfTokyoDay(dueDate) ||
          !cal.isBusinessDay(dueDate) ||
          businessDaysBetween(cal, start, due) !== n
        ) {
          throw new Error(`${d} + ${n} BD gave ${dueDate}`);
        }
      }
    }
  });
});

describe('addCalendarDays', () => {
  it('ends at the end of the n-th calendar day when it is a business day', () => {
    expect(addCalendarDays(cal, jst('2026-11-02T10:00'), 30)).toBe(endOf('2026-12-02'));
  });

  it.each([
    [
      'a substitute holiday (2026-05-06) moves to the next business day',
      '2026-04-06T10:00',
      30,
      '2026-05-07',
    ],
    ['Culture Day moves to Wednesday', '2026-10-04T10:00', 30, '2026-11-04'],
    ['a Saturday before a Monday holiday moves to Tuesday', '2026-10-22T10:00', 30, '2026-11-24'],
    ['the year-end closure moves to the first business day of January', '2026-11-29T10:00', 30, '2027-01-04'],
    ['the sandwiched holiday moves past Silver Week', '2026-08-23T10:00', 30, '2026-09-24'],
    ['Golden Week 2027 (90 days)', '2027-02-02T10:00', 90, '2027-05-06'],
  ])('%s', (_name, start, n, due) => {
    expect(addCalendarDays(cal, jst(start), n)).toBe(endOf(due));
  });

  it('counts from the Tokyo date of a late Friday submission', () => {
    expect(addCalendarDays(cal, Date.parse('2026-11-20T14:30:00Z'), 10)).toBe(endOf('2026-11-30'));
    expect(addCalendarDays(cal, Date.parse('2026-11-20T15:30:00Z'), 10)).toBe(endOf('2026-12-01'));
  });

  it('lands on the first business day on or after the n-th day (every start 2025-2027)', () => {
    for (let d = '2025-01-01'; d <= '2027-12-31'; d = addDays(d, 1)) {
      for (const n of [1, 10, 30, 90]) {
        const dueDate = tokyoDate(addCalendarDays(cal, jst(`${d}T12:00`), n));
        const nominal = addDays(d, n);
        let ok = dueDate >= nominal && cal.isBusinessDay(dueDate);
        for (let x = nominal; ok && x < dueDate; x = addDays(x, 1)) ok = !cal.isBusinessDay(x);
        if (!ok) throw new Error(`${d} + ${n} D gave ${dueDate}`);
      }
    }
  });

  it('refuses negative counts', () => {
    expect(() => addCalendarDays(cal, jst('2026-11-20T10:00'), -3)).toThrow(RangeError);
  });
});

describe('subtractBusinessDays (warnings)', () => {
  it('warns at the end of Wednesday for a Friday deadline and n = 2, leaving Thursday and Friday', () => {
    expect(subtractBusinessDays(cal, endOf('2026-11-27'), 2)).toBe(endOf('2026-11-25'));
  });

  it.each([
    ['skips a Monday holiday', '2026-11-24', 2, '2026-11-19'],
    ['skips the weekend', '2026-11-30', 2, '2026-11-26'],
    ['skips the year-end closure', '2027-01-05', 2, '2026-12-28'],
    ['skips Golden Week 2026', '2026-05-08', 2, '2026-05-01'],
    ['skips Silver Week 2026', '2026-09-25', 3, '2026-09-17'],
    ['5 BD before an inform-response deadline', '2026-05-22', 5, '2026-05-15'],
  ])('%s: %s - %d BD -> end of %s', (_name, due, n, warn) => {
    expect(subtractBusinessDays(cal, endOf(due), n)).toBe(endOf(warn));
  });

  it('with n = 0 is the end of the due day', () => {
    expect(subtractBusinessDays(cal, jst('2026-11-27T12:00'), 0)).toBe(endOf('2026-11-27'));
  });

  it('leaves exactly n business days before every deadline (2025-2027)', () => {
    for (let d = '2025-01-05'; d <= '2027-12-31'; d = addDays(d, 1)) {
      if (!cal.isBusinessDay(d)) continue;
      for (const n of [1, 2, 5]) {
        const warn = subtractBusinessDays(cal, endOf(d), n);
        if (!cal.isBusinessDay(tokyoDate(warn)) || businessDaysBetween(cal, warn, endOf(d)) !== n) {
          throw new Error(`${d} - ${n} BD gave ${tokyoDate(warn)}`);
        }
      }
    }
  });

  it('refuses negative counts', () => {
    expect(() => subtractBusinessDays(cal, endOf('2026-11-27'), -2)).toThrow(RangeError);
  });
});

describe('businessDaysBetween ("3 BD left")', () => {
  const due = endOf('2026-11-30'); // acknowledgement of the Friday-evening submission

  it.each([
    ['at submission', '2026-11-20T23:30', 5],
    ['on the Saturday', '2026-11-21T10:00', 5],
    ['on the Monday holiday', '2026-11-23T10:00', 5],
    ['on the Wednesday', '2026-11-25T10:00', 3],
    ['on the Friday', '2026-11-27T17:00', 1],
    ['on the weekend before the due day', '2026-11-29T10:00', 1],
    ['on the due day', '2026-11-30T09:00', 0],
    ['the day after (overdue)', '2026-12-01T09:00', -1],
    ['a week after', '2026-12-07T09:00', -5],
  ])('%s: %p -> %d', (_name, now, left) => {
    expect(businessDaysBetween(cal, jst(now), due)).toBe(left);
  });

  it('counts only business days across the year end', () => {
    expect(businessDaysBetween(cal, jst('2026-12-25T10:00'), endOf('2027-01-05'))).toBe(3); // 28, 4, 5
    expect(businessDaysBetween(cal, endOf('2027-01-05'), jst('2026-12-25T10:00'))).toBe(-3);
  });
});

describe('purity (the domain is bundled into Temporal workflow code)', () => {
  // Only the test reads files: the modules themselves must not touch node built-ins or the clock.
  const read = (p: string): string => readFileSync(require.resolve(p), 'utf8');

  it.each(['./calendar', './sla', './reference'])('%s uses no node built-ins, clock or randomness', (mod) => {
    const source = read(`${mod}.ts`);
    expect(source).not.toMatch(/from '(node:)?(fs|path|os|crypto|process|util|child_process)'/);
    expect(source).not.toMatch(/require\(|Date\.now|new Date\(\)|Math\.random|process\./);
  });

  it('imports only the dependency-free holiday data module of @holiday-jp/holiday_jp', () => {
    expect(read('./calendar.ts')).toMatch(/from '@holiday-jp\/holiday_jp\/lib\/holidays'/);
    expect(read('@holiday-jp/holiday_jp/lib/holidays')).not.toMatch(/require\(|Date/);
  });
});
