import { defaultCalendarFor } from './calendar';
import {
  CLOCK_NAMES,
  DEFAULT_SLA_POLICY,
  SlaPolicyError,
  computeDeadline,
  expectedTimeline,
  parseSlaPolicy,
  parseSpan,
  type SlaPolicy,
} from './sla';

const cal = defaultCalendarFor(2025, 2028);
const jst = (local: string): number => Date.parse(`${local}+09:00`);
const endOf = (date: string): number => Date.parse(`${date}T23:59:59.999+09:00`);
const DAY = 86_400_000;

/** The policy JSON at the end of API.md, verbatim. */
const API_MD_POLICY = `{
  "version": "2026-11-default",
  "clocks": {
    "acknowledgement": { "length": "5BD",  "warnBefore": "2BD" },
    "correction":      { "length": "10BD", "warnBefore": "2BD" },
    "consultation":    { "length": "30D",  "warnAt": 0.8 },
    "queryResponse":   { "length": "10BD", "warnBefore": "2BD" },
    "informResponse":  { "length": "20BD", "warnBefore": "5BD" },
    "licenseReview":   { "length": "90D",  "warnAt": 0.8 },
    "approval":        { "length": "3BD" }
  }
}`;

/** What parseSlaPolicy reports for `json`, or [] if it accepts it. */
function problemsOf(json: unknown): string[] {
  try {
    parseSlaPolicy(json);
    return [];
  } catch (e) {
    if (!(e instanceof SlaPolicyError)) throw e;
    return e.problems;
  }
}

function withClock(name: string, clock: unknown): Record<string, unknown> {
  return { ...DEFAULT_SLA_POLICY, clocks: { ...DEFAULT_SLA_POLICY.clocks, [name]: clock } };
}

describe('the default policy', () => {
  it('is exactly the JSON of API.md', () => {
    expect(DEFAULT_SLA_POLICY).toEqual(JSON.parse(API_MD_POLICY));
  });

  it('has one clock per clock name, in the order of DOMAIN.md', () => {
    expect(CLOCK_NAMES).toEqual([
      'acknowledgement',
      'correction',
      'consultation',
      'queryResponse',
      'informResponse',
      'licenseReview',
      'approval',
    ]);
    expect(Object.keys(DEFAULT_SLA_POLICY.clocks)).toEqual([...CLOCK_NAMES]);
  });

  it('passes its own validation unchanged', () => {
    expect(parseSlaPolicy(JSON.parse(API_MD_POLICY))).toEqual(DEFAULT_SLA_POLICY);
  });
});

describe('parseSpan', () => {
  it.each([
    ['5BD', { kind: 'BD', n: 5 }],
    ['10BD', { kind: 'BD', n: 10 }],
    ['1000BD', { kind: 'BD', n: 1000 }],
    ['30D', { kind: 'D', n: 30 }],
    ['90D', { kind: 'D', n: 90 }],
    ['PT5S', { kind: 'DURATION', ms: 5_000 }],
    ['PT20S', { kind: 'DURATION', ms: 20_000 }],
    ['PT1M30S', { kind: 'DURATION', ms: 90_000 }],
    ['PT2H30M', { kind: 'DURATION', ms: 9_000_000 }],
    ['P1DT2H', { kind: 'DURATION', ms: DAY + 7_200_000 }],
    ['P1D', { kind: 'DURATION', ms: DAY }],
    ['P30D', { kind: 'DURATION', ms: 30 * DAY }],
    ['P1DT1H1M1S', { kind: 'DURATION', ms: DAY + 3_661_000 }],
    ['PT0.5S', { kind: 'DURATION', ms: 500 }],
    ['PT1.25S', { kind: 'DURATION', ms: 1_250 }],
    ['PT1,25S', { kind: 'DURATION', ms: 1_250 }], // ISO 8601 allows the decimal comma
    ['PT0.0015S', { kind: 'DURATION', ms: 2 }], // rounded to the millisecond
    ['PT90M', { kind: 'DURATION', ms: 5_400_000 }],
  ])('reads %p', (s, span) => {
    expect(parseSpan(s)).toEqual(span);
  });

  it.each(['P1Y', 'P2M', 'P1W', 'P1Y2M3DT4H', 'P0.5Y'])(
    'refuses %p: years, months and weeks vary in length',
    (s) => {
      expect(() => parseSpan(s)).toThrow(/uses years, months or weeks, whose length varies: use days/);
    },
  );

  it.each([
    '',
    'P',
    'PT',
    'P1DT',
    '5bd',
    ' 5BD',
    '5BD ',
    '5 BD',
    'BD',
    '5.5BD',
    '-5BD',
    '-PT5S',
    'PT1.5M',
    'PT5',
    'T5S',
    '5',
    'P1H',
    'PT5S2M',
  ])('refuses %p with the accepted forms', (s) => {
    expect(() => parseSpan(s)).toThrow(SlaPolicyError);
    expect(() => parseSpan(s)).toThrow(/expected "<n>BD", "<n>D" or an ISO-8601 duration/);
  });

  it.each(['0BD', '0D', '1001BD', '1001D', 'PT0S', 'PT0.0004S', 'P1001D'])(
    'refuses %p as out of range',
    (s) => {
      expect(() => parseSpan(s)).toThrow(
        /must be (between 1 and 1000 days|longer than zero|at most 1000 days)/,
      );
    },
  );

  it('reports one problem in a SlaPolicyError', () => {
    try {
      parseSpan('5 days');
      throw new Error('not refused');
    } catch (e) {
      expect(e).toBeInstanceOf(SlaPolicyError);
      expect(e).toBeInstanceOf(Error);
      expect((e as SlaPolicyError).name).toBe('SlaPolicyError');
      expect((e as SlaPolicyError).problems).toEqual([
        '"5 days" is not a valid span: expected "<n>BD", "<n>D" or an ISO-8601 duration such as "PT5S" or "P1DT2H"',
      ]);
      expect((e as SlaPolicyError).message).toMatch(/^Invalid SLA policy: "5 days" is not a valid span/);
    }
  });

  it('refuses a non-string from untyped callers', () => {
    expect(() => parseSpan(5 as unknown as string)).toThrow(/must be a string/);
  });
});

describe('parseSlaPolicy', () => {
  it('accepts a demo policy of ISO durations', () => {
    const demo = {
      version: 'demo-fast',
      clocks: Object.fromEntries(CLOCK_NAMES.map((c) => [c, { length: 'PT20S', warnBefore: 'PT5S' }])),
    };
    expect(parseSlaPolicy(demo)).toEqual(demo);
  });

  it('accepts a warning in another unit than the length', () => {
    expect(problemsOf(withClock('consultation', { length: '30D', warnBefore: '5BD' }))).toEqual([]);
    expect(problemsOf(withClock('approval', { length: 'PT1M', warnAt: 0.5 }))).toEqual([]);
  });

  it('returns a fresh copy that later edits of the input do not reach', () => {
    const input = JSON.parse(API_MD_POLICY);
    const policy = parseSlaPolicy(input);
    input.clocks.approval.length = '99BD';
    expect(policy.clocks.approval.length).toBe('3BD');
  });

  it.each([null, undefined, 42, 'policy', [], [DEFAULT_SLA_POLICY]])('refuses the non-object %p', (json) => {
    expect(problemsOf(json)).toEqual(['(root): must be an object with "version" and "clocks"']);
  });

  it('lists every problem with its field path at once', () => {
    const problems = problemsOf({
      version: '  ',
      comment: 'x',
      clocks: {
        acknowledgement: { length: '5BD', warnBefore: '2BD', warnAt: 0.5 },
        acknowledgment: { length: '5BD' },
        correction: { length: '10 BD', warnBefore: '2BD' },
        consultation: { length: '30D', warnAt: 1.2 },
        queryResponse: { length: '10BD', warnbefore: '2BD' },
        informResponse: { length: '5BD', warnBefore: '5BD' },
        licenseReview: { warnAt: 0.8 },
      },
    });
    expect(problems).toEqual([
      'comment: unknown field (allowed: version, clocks)',
      'version: must be a non-empty string, got "  "',
      'clocks.acknowledgment: unknown clock (expected one of acknowledgement, correction, consultation, queryResponse, informResponse, licenseReview, approval)',
      'clocks.acknowledgement: give either warnBefore or warnAt, not both',
      'clocks.correction.length: "10 BD" is not a valid span: expected "<n>BD", "<n>D" or an ISO-8601 duration such as "PT5S" or "P1DT2H"',
      'clocks.consultation.warnAt: must be a number between 0 and 1 exclusive (a fraction of the length), got 1.2',
      'clocks.queryResponse.warnbefore: unknown field (allowed: length, warnBefore, warnAt)',
      'clocks.informResponse.warnBefore: "5BD" must be shorter than the length "5BD"',
      'clocks.licenseReview.length: missing',
      'clocks.approval: missing',
    ]);
  });

  it.each([
    [{ clocks: DEFAULT_SLA_POLICY.clocks }, 'version: must be a non-empty string, got nothing'],
    [{ ...DEFAULT_SLA_POLICY, version: 7 }, 'version: must be a non-empty string, got 7'],
    [
      { version: 'v' },
      'clocks: must be an object with the clocks acknowledgement, correction, consultation, queryResponse, informResponse, licenseReview, approval',
    ],
    [
      { version: 'v', clocks: [] },
      'clocks: must be an object with the clocks acknowledgement, correction, consultation, queryResponse, informResponse, licenseReview, approval',
    ],
    [
      withClock('approval', '3BD'),
      'clocks.approval: must be an object like {"length": "5BD", "warnBefore": "2BD"}',
    ],
    [
      withClock('approval', null),
      'clocks.approval: must be an object like {"length": "5BD", "warnBefore": "2BD"}',
    ],
    [
      withClock('approval', { length: 3 }),
      'clocks.approval.length: must be a string (expected "<n>BD", "<n>D" or an ISO-8601 duration such as "PT5S" or "P1DT2H")',
    ],
    [
      withClock('approval', { length: 'P1M' }),
      'clocks.approval.length: "P1M" uses years, months or weeks, whose length varies: use days ("P30D") or "<n>D"',
    ],
    [
      withClock('approval', { length: '0BD' }),
      'clocks.approval.length: "0BD" must be between 1 and 1000 days',
    ],
    [
      withClock('approval', { length: '3BD', warnBefore: 2 }),
      'clocks.approval.warnBefore: must be a string (expected "<n>BD", "<n>D" or an ISO-8601 duration such as "PT5S" or "P1DT2H")',
    ],
    [
      withClock('approval', { length: '3BD', warnBefore: '4BD' }),
      'clocks.approval.warnBefore: "4BD" must be shorter than the length "3BD"',
    ],
    [
      withClock('approval', { length: 'PT5S', warnBefore: 'PT5S' }),
      'clocks.approval.warnBefore: "PT5S" must be shorter than the length "PT5S"',
    ],
    [
      withClock('approval', { length: '3BD', warnAt: 0 }),
      'clocks.approval.warnAt: must be a number between 0 and 1 exclusive (a fraction of the length), got 0',
    ],
    [
      withClock('approval', { length: '3BD', warnAt: 1 }),
      'clocks.approval.warnAt: must be a number between 0 and 1 exclusive (a fraction of the length), got 1',
    ],
    [
      withClock('approval', { length: '3BD', warnAt: '0.8' }),
      'clocks.approval.warnAt: must be a number between 0 and 1 exclusive (a fraction of the length), got "0.8"',
    ],
    [
      withClock('approval', { length: '3BD', warnAt: Number.NaN }),
      'clocks.approval.warnAt: must be a number between 0 and 1 exclusive (a fraction of the length), got NaN',
    ],
  ])('refuses %j', (json, problem) => {
    expect(problemsOf(json)).toEqual([problem]);
  });

  it('puts every problem in the error message too', () => {
    expect(() => parseSlaPolicy({ version: '', clocks: {} })).toThrow(
      /^Invalid SLA policy: version: must be a non-empty string, got ""; clocks.acknowledgement: missing; .*clocks.approval: missing$/,
    );
  });
});

describe('computeDeadline', () => {
  const { clocks } = DEFAULT_SLA_POLICY;
  // A report filed at 23:30 on a Friday evening in Tokyo (14:30 UTC), the Monday after a holiday.
  const fridayEvening = Date.parse('2026-11-20T14:30:00Z');

  it('acknowledgement: 5 BD from a Friday-evening submission, warned 2 BD before', () => {
    expect(computeDeadline(cal, clocks.acknowledgement, fridayEvening)).toEqual({
      dueAt: endOf('2026-11-30'), // Tue 24 .. Mon 30; Mon 23 is Labour Thanksgiving Day
      warnAt: endOf('2026-11-26'), // leaves Friday 27 and Monday 30
    });
  });

  it('correction: 10 BD across Golden Week 2026', () => {
    expect(computeDeadline(cal, clocks.correction, jst('2026-04-27T10:00'))).toEqual({
      dueAt: endOf('2026-05-15'), // 28 Apr, 30 Apr, 1 May, 7-8, 11-15: 29 Apr and 4-6 May are holidays
      warnAt: endOf('2026-05-13'),
    });
  });

  it('consultation: 30 days landing on the 2026-05-06 substitute holiday moves to 7 May; warned at 80 %', () => {
    const accepted = jst('2026-04-06T10:00');
    const { dueAt, warnAt } = computeDeadline(cal, clocks.consultation, accepted);
    expect(dueAt).toBe(endOf('2026-05-07'));
    expect(warnAt).toBe(accepted + Math.round(0.8 * (dueAt - accepted)));
  });

  it('queryResponse: 10 BD across the year end and Coming of Age Day 2027', () => {
    expect(computeDeadline(cal, clocks.queryResponse, jst('2026-12-24T15:00'))).toEqual({
      dueAt: endOf('2027-01-14'),
      warnAt: endOf('2027-01-12'),
    });
  });

  it('informResponse: 20 BD across Silver Week 2026 (the sandwiched 22 September), warned 5 BD before', () => {
    expect(computeDeadline(cal, clocks.informResponse, jst('2026-09-18T10:00'))).toEqual({
      dueAt: endOf('2026-10-22'), // from Thursday 24 September; 12 October is Sports Day
      warnAt: endOf('2026-10-15'),
    });
  });

  it('licenseReview: 90 days landing in Golden Week 2027 moves to 6 May', () => {
    const started = jst('2027-02-02T10:00');
    const { dueAt, warnAt } = computeDeadline(cal, clocks.licenseReview, started);
    expect(dueAt).toBe(endOf('2027-05-06'));
    expect(warnAt).toBe(started + Math.round(0.8 * (dueAt - started)));
  });

  it('approval: 3 BD over the sandwiched holiday, with no warning', () => {
    expect(computeDeadline(cal, clocks.approval, jst('2026-09-18T10:00'))).toEqual({
      dueAt: endOf('2026-09-28'),
      warnAt: null,
    });
  });

  it('calendar days: warnBefore "3D" is three days of milliseconds before the deadline', () => {
    const { dueAt, warnAt } = computeDeadline(
      cal,
      { length: '30D', warnBefore: '3D' },
      jst('2026-11-02T10:00'),
    );
    expect(dueAt).toBe(endOf('2026-12-02'));
    expect(warnAt).toBe(endOf('2026-11-29'));
  });

  it('ISO durations ignore the calendar (tests and demos)', () => {
    const start = jst('2026-12-31T23:59:58'); // inside the year-end closure: no effect
    expect(computeDeadline(cal, { length: 'PT5S', warnBefore: 'PT2S' }, start)).toEqual({
      dueAt: start + 5_000,
      warnAt: start + 3_000,
    });
    expect(computeDeadline(cal, { length: 'PT10S', warnAt: 0.8 }, start)).toEqual({
      dueAt: start + 10_000,
      warnAt: start + 8_000,
    });
    expect(computeDeadline(cal, { length: 'PT1S', warnAt: 1 / 3 }, start).warnAt).toBe(start + 333);
    expect(computeDeadline(cal, { length: 'PT1M' }, start)).toEqual({ dueAt: start + 60_000, warnAt: null });
  });

  it('a business-day warning on a duration clock counts business days back from the deadline', () => {
    const start = jst('2026-11-20T10:00');
    expect(computeDeadline(cal, { length: 'P10D', warnBefore: '2BD' }, start)).toEqual({
      dueAt: start + 10 * DAY, // Monday 30 at 10:00
      warnAt: endOf('2026-11-26'),
    });
  });

  it('never warns before the clock starts, even with mixed units', () => {
    const start = jst('2026-11-20T10:00');
    const { dueAt, warnAt } = computeDeadline(cal, { length: '3BD', warnBefore: '10D' }, start);
    expect(dueAt).toBe(endOf('2026-11-26'));
    expect(warnAt).toBe(start);
  });

  it('refuses an invalid clock', () => {
    expect(() => computeDeadline(cal, { length: '3 days' }, 0)).toThrow(SlaPolicyError);
    expect(() => computeDeadline(cal, { length: '3BD', warnBefore: '3 days' }, 0)).toThrow(SlaPolicyError);
    expect(() => computeDeadline(cal, { length: '3BD', warnBefore: '1BD', warnAt: 0.5 }, 0)).toThrow(
      /not both/,
    );
    expect(() => computeDeadline(cal, { length: '3BD', warnAt: 1.5 }, 0)).toThrow(/between 0 and 1/);
    expect(() => computeDeadline(cal, { length: '3BD', warnAt: Number.NaN }, 0)).toThrow(/between 0 and 1/);
  });

  it('warns strictly between start and deadline for every default clock and every start in 2026', () => {
    for (let start = jst('2026-01-01T09:00'); start < jst('2027-01-01T00:00'); start += DAY) {
      for (const name of CLOCK_NAMES) {
        const { dueAt, warnAt } = computeDeadline(cal, clocks[name], start);
        if (!(dueAt > start) || (warnAt !== null && !(warnAt > start && warnAt < dueAt))) {
          throw new Error(`${name} from ${new Date(start).toISOString()}: due ${dueAt}, warn ${warnAt}`);
        }
      }
    }
  });
});

describe('expectedTimeline', () => {
  it('shows the applicant the chained stage dates for a Friday-evening filing', () => {
    expect(expectedTimeline(cal, DEFAULT_SLA_POLICY, Date.parse('2026-11-20T14:30:00Z'))).toEqual([
      // 5 BD: Mon 23 November is a holiday.
      { stage: 'ADVANCE_NOTIFICATION', expectedBy: '2026-11-30' },
      // 30 days from 30 November is 30 December, inside the year-end closure.
      { stage: 'CONSULTATION', expectedBy: '2027-01-04' },
      // Inform response 20 BD to 2 February, then 90 days to 3 May, in Golden Week 2027.
      { stage: 'LICENSE', expectedBy: '2027-05-06' },
    ]);
  });

  it('follows the policy it is given (a demo policy finishes the same day)', () => {
    const demo: SlaPolicy = {
      version: 'demo',
      clocks: Object.fromEntries(CLOCK_NAMES.map((c) => [c, { length: 'PT20S' }])) as SlaPolicy['clocks'],
    };
    const submitted = jst('2026-11-20T10:00');
    expect(expectedTimeline(cal, demo, submitted)).toEqual([
      { stage: 'ADVANCE_NOTIFICATION', expectedBy: '2026-11-20' },
      { stage: 'CONSULTATION', expectedBy: '2026-11-20' },
      { stage: 'LICENSE', expectedBy: '2026-11-20' },
    ]);
  });

  it('dates are Tokyo dates: a filing just before midnight Tokyo time counts from that day', () => {
    const demo: SlaPolicy = {
      version: 'demo',
      clocks: Object.fromEntries(CLOCK_NAMES.map((c) => [c, { length: 'PT20M' }])) as SlaPolicy['clocks'],
    };
    // 23:50 in Tokyo: acknowledgement at 00:10 is already the next Tokyo day.
    expect(expectedTimeline(cal, demo, jst('2026-11-20T23:50'))[0]).toEqual({
      stage: 'ADVANCE_NOTIFICATION',
      expectedBy: '2026-11-21',
    });
  });
});
