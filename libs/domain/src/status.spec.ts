import { CASE_STATUSES, STAGES, STAGE_OF, TERMINAL_STATUSES, isCaseStatus, isStage, isTerminal, stageOf } from './status';

describe('statuses and stages of DOMAIN.md', () => {
  it('places every status in the stage of the lifecycle table', () => {
    expect(Object.fromEntries(CASE_STATUSES.map((s) => [s, stageOf(s)]))).toEqual({
      SUBMITTED: 'ADVANCE_NOTIFICATION',
      CORRECTION_REQUESTED: 'ADVANCE_NOTIFICATION',
      IN_CONSULTATION: 'CONSULTATION',
      INFORM_PENDING_APPROVAL: 'CONSULTATION',
      INFORM_ISSUED: 'INFORM',
      LICENSE_REVIEW: 'LICENSE',
      DECISION_PENDING_APPROVAL: 'LICENSE',
      CLEARED: 'CLOSED',
      LICENSED: 'CLOSED',
      DENIED: 'CLOSED',
      WITHDRAWN: 'CLOSED',
    });
    expect(new Set(Object.values(STAGE_OF))).toEqual(new Set(STAGES));
  });

  it('treats exactly the CLOSED-stage statuses as terminal', () => {
    for (const s of CASE_STATUSES) expect(isTerminal(s)).toBe(stageOf(s) === 'CLOSED');
    expect([...TERMINAL_STATUSES].sort()).toEqual(['CLEARED', 'DENIED', 'LICENSED', 'WITHDRAWN']);
  });

  it('recognises the spelling of statuses and stages exactly', () => {
    expect(isCaseStatus('IN_CONSULTATION')).toBe(true);
    expect(isCaseStatus('in_consultation')).toBe(false);
    expect(isCaseStatus(null)).toBe(false);
    expect(isStage('LICENSE')).toBe(true);
    expect(isStage('LICENCE')).toBe(false);
  });
});
