import type { Actor, CaseCommand, PendingApproval } from './case-model';
import { actionOf, authorizeCommand, factsOfSnapshot, validateCommandPayload, worksOnQueue, type CaseFacts } from './case-rules';
import { DomainRefusal, type RefusalKind } from './errors';

const alice: Actor = { username: 'alice@acme.example', role: 'applicant', organizationId: 'ACME', clearance: 'NONE', queues: [] };
const akira: Actor = { ...alice, username: 'akira@acme.example', role: 'applicant_admin', clearance: 'CONFIDENTIAL' };
const bob: Actor = { username: 'bob@globex.example', role: 'applicant', organizationId: 'GLOBEX', clearance: 'NONE', queues: [] };
const olivia: Actor = {
  username: 'olivia@regulator.example',
  role: 'officer',
  organizationId: 'REGULATOR',
  clearance: 'CONFIDENTIAL',
  queues: ['SEMICONDUCTORS'],
};
const oscar: Actor = { ...olivia, username: 'oscar@regulator.example', clearance: 'RESTRICTED', queues: ['ELECTRONIC_COMPONENTS'] };
const sam: Actor = { ...olivia, username: 'sam@regulator.example', role: 'supervisor', queues: [] };
const sue: Actor = { ...sam, username: 'sue@regulator.example' };
const ada: Actor = { ...olivia, username: 'ada@regulator.example', role: 'regulator_admin', clearance: 'NONE', queues: [] };

function facts(overrides: Partial<CaseFacts> = {}): CaseFacts {
  return {
    status: 'SUBMITTED',
    organizationId: 'ACME',
    queue: 'SEMICONDUCTORS',
    pendingApproval: null,
    openQueryIds: [],
    correctionBreached: false,
    ...overrides,
  };
}

function proposal(overrides: Partial<PendingApproval> = {}): PendingApproval {
  return {
    approvalId: 'ap-1',
    kind: 'INFORM',
    proposedBy: sam.username,
    proposedAt: '2026-11-20T00:00:00.000Z',
    reasons: 'The concern about the end user remains.',
    conditions: [],
    decision: null,
    ...overrides,
  };
}

/** The refusal kind and message of a command, or 'ALLOWED'. */
function refusal(f: CaseFacts, actor: Actor, command: CaseCommand): { kind: RefusalKind | 'ALLOWED'; message: string } {
  try {
    authorizeCommand(f, actor, command);
    return { kind: 'ALLOWED', message: '' };
  } catch (e) {
    if (!(e instanceof DomainRefusal)) throw e;
    return { kind: e.kind, message: e.message };
  }
}

const approve = (approvalId = 'ap-1'): CaseCommand => ({ action: 'DECIDE_APPROVAL', approvalId, decision: 'APPROVE' });
const reject = (approvalId = 'ap-1'): CaseCommand => ({ action: 'DECIDE_APPROVAL', approvalId, decision: 'REJECT' });

describe('authorizeCommand: who may act on which case', () => {
  it('hides a case from an applicant of another organisation (404), even for a harmless message', () => {
    for (const command of [
      { action: 'POST_MESSAGE', messageId: 'm1', body: 'hello' },
      { action: 'WITHDRAW', reason: 'no longer planned' },
    ] as CaseCommand[]) {
      expect(refusal(facts(), bob, command)).toEqual({ kind: 'NotFound', message: 'Case not found.' });
    }
    expect(refusal(facts(), alice, { action: 'WITHDRAW', reason: 'no longer planned' }).kind).toBe('ALLOWED');
  });

  it('refuses an officer of another queue (403), while a supervisor acts on every queue', () => {
    const r = refusal(facts(), oscar, { action: 'ACCEPT' });
    expect(r.kind).toBe('Forbidden');
    expect(r.message).toContain('SEMICONDUCTORS');
    expect(refusal(facts(), olivia, { action: 'ACCEPT' }).kind).toBe('ALLOWED');
    expect(refusal(facts(), sam, { action: 'ACCEPT' }).kind).toBe('ALLOWED');
    expect(refusal(facts({ queue: 'INSTRUMENTS' }), sam, { action: 'ACCEPT' }).kind).toBe('ALLOWED');
  });

  it('answers a role that may never do it with 403, and a wrong status with 409 naming the status', () => {
    expect(refusal(facts(), alice, { action: 'ACCEPT' }).kind).toBe('Forbidden');
    expect(refusal(facts(), ada, { action: 'ACCEPT' }).kind).toBe('Forbidden');
    const twice = refusal(facts({ status: 'IN_CONSULTATION' }), olivia, { action: 'ACCEPT' });
    expect(twice.kind).toBe('TransitionNotAllowed');
    expect(twice.message).toContain('IN_CONSULTATION');
  });

  it('puts the current status and the allowed actions in the refusal details', () => {
    try {
      authorizeCommand(facts({ status: 'CLEARED' }), olivia, { action: 'CONCLUDE', summary: 'again', commitments: [] });
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainRefusal);
      expect((e as DomainRefusal).details).toEqual({ status: 'CLEARED', allowedActions: [] });
    }
  });

  describe('four eyes', () => {
    const pending = facts({ status: 'INFORM_PENDING_APPROVAL', pendingApproval: proposal() });

    it('a supervisor may not approve or reject their own proposal', () => {
      expect(refusal(pending, sam, approve())).toMatchObject({ kind: 'Forbidden', message: expect.stringContaining('four eyes') });
      expect(refusal(pending, sam, reject()).kind).toBe('Forbidden');
    });

    it('another supervisor may approve or reject it', () => {
      expect(refusal(pending, sue, approve()).kind).toBe('ALLOWED');
      expect(refusal(pending, sue, reject()).kind).toBe('ALLOWED');
    });

    it('an officer may not approve, not even a proposal of someone else', () => {
      expect(refusal(pending, olivia, approve()).kind).toBe('Forbidden');
      const byOlivia = facts({ status: 'INFORM_PENDING_APPROVAL', pendingApproval: proposal({ proposedBy: olivia.username }) });
      expect(refusal(byOlivia, olivia, approve()).kind).toBe('Forbidden');
    });

    it('an unknown approval id is 404', () => {
      expect(refusal(pending, sue, approve('ap-2')).kind).toBe('NotFound');
    });

    it('names the right row for a decision: grant, denial or rejection', () => {
      const grant = facts({ status: 'DECISION_PENDING_APPROVAL', pendingApproval: proposal({ kind: 'DECISION', decision: 'GRANT' }) });
      const deny = facts({ status: 'DECISION_PENDING_APPROVAL', pendingApproval: proposal({ kind: 'DECISION', decision: 'DENY' }) });
      const withConditions = facts({
        status: 'DECISION_PENDING_APPROVAL',
        pendingApproval: proposal({ kind: 'DECISION', decision: 'GRANT_WITH_CONDITIONS' }),
      });
      expect(actionOf(approve(), grant)).toBe('APPROVE_GRANT');
      expect(actionOf(approve(), withConditions)).toBe('APPROVE_GRANT');
      expect(actionOf(approve(), deny)).toBe('APPROVE_DENIAL');
      expect(actionOf(reject(), deny)).toBe('REJECT_DECISION');
      expect(actionOf(approve(), pending)).toBe('APPROVE_INFORM');
      expect(actionOf(reject(), pending)).toBe('REJECT_INFORM');
      expect(authorizeCommand(deny, sue, approve()).to).toBe('DENIED');
      expect(authorizeCommand(grant, sue, approve()).to).toBe('LICENSED');
      expect(authorizeCommand(grant, sue, reject()).to).toBe('LICENSE_REVIEW');
    });

    it('an approval on a case that has no proposal pending is 409, not 404', () => {
      expect(refusal(facts({ status: 'IN_CONSULTATION' }), sue, approve()).kind).toBe('TransitionNotAllowed');
    });
  });

  describe('closing a case whose correction lapsed', () => {
    it('is refused (409) while the correction clock is still running', () => {
      const r = refusal(facts({ status: 'CORRECTION_REQUESTED' }), olivia, { action: 'CLOSE_LAPSED' });
      expect(r.kind).toBe('TransitionNotAllowed');
      expect(r.message).toContain('correction deadline');
    });

    it('is allowed to the officer once the correction clock has breached, never to the applicant', () => {
      const lapsed = facts({ status: 'CORRECTION_REQUESTED', correctionBreached: true });
      expect(authorizeCommand(lapsed, olivia, { action: 'CLOSE_LAPSED' }).to).toBe('WITHDRAWN');
      expect(refusal(lapsed, alice, { action: 'CLOSE_LAPSED' }).kind).toBe('Forbidden');
    });
  });

  describe('queries', () => {
    const consulting = facts({ status: 'IN_CONSULTATION', openQueryIds: ['q-1'] });

    it('the applicant answers an open query', () => {
      expect(refusal(consulting, akira, { action: 'ANSWER_QUERY', queryId: 'q-1', body: 'Here it is.', messageId: 'm1' }).kind).toBe(
        'ALLOWED',
      );
    });

    it('an unknown or already answered query is 404', () => {
      const r = refusal(consulting, alice, { action: 'ANSWER_QUERY', queryId: 'q-2', body: 'Here it is.', messageId: 'm1' });
      expect(r).toEqual({ kind: 'NotFound', message: 'No open query q-2 on this case.' });
    });

    it('an officer cannot raise a query before the case is accepted', () => {
      expect(refusal(facts(), olivia, { action: 'RAISE_QUERY', queryId: 'q-9', question: 'Why?' }).kind).toBe('TransitionNotAllowed');
    });
  });

  describe('payload rules (422 with every bad field)', () => {
    const cases: Array<[string, CaseFacts, Actor, CaseCommand, string[]]> = [
      ['a correction without reasons', facts(), olivia, { action: 'REQUEST_CORRECTION', reasons: [] }, ['reasons']],
      ['a blank correction reason', facts(), olivia, { action: 'REQUEST_CORRECTION', reasons: ['ok', ' '] }, ['reasons[1]']],
      ['a conclusion without summary', facts({ status: 'IN_CONSULTATION' }), olivia, { action: 'CONCLUDE', summary: '', commitments: [] }, ['summary']],
      [
        'an inform without reasons',
        facts({ status: 'IN_CONSULTATION' }),
        olivia,
        { action: 'PROPOSE_INFORM', reasons: '  ', proposedConditions: [] },
        ['reasons'],
      ],
      [
        'a license application without description',
        facts({ status: 'INFORM_ISSUED' }),
        alice,
        { action: 'SUBMIT_LICENSE_APPLICATION', description: '' },
        ['description'],
      ],
      [
        'a conditional grant without conditions, and no reasons',
        facts({ status: 'LICENSE_REVIEW' }),
        olivia,
        { action: 'PROPOSE_DECISION', decision: 'GRANT_WITH_CONDITIONS', conditions: [], reasons: '' },
        ['reasons', 'conditions'],
      ],
      [
        'a denial with conditions',
        facts({ status: 'LICENSE_REVIEW' }),
        olivia,
        {
          action: 'PROPOSE_DECISION',
          decision: 'DENY',
          conditions: [{ type: 'OTHER', description: 'x' }],
          reasons: 'The end user develops weapons.',
        },
        ['conditions'],
      ],
      ['a withdrawal without reason', facts(), alice, { action: 'WITHDRAW', reason: '' }, ['reason']],
      ['an empty message', facts(), alice, { action: 'POST_MESSAGE', messageId: 'm1', body: '' }, ['body']],
      ['an empty assignee', facts(), olivia, { action: 'ASSIGN', assignee: '' }, ['assignee']],
      ['an empty question', facts({ status: 'LICENSE_REVIEW' }), olivia, { action: 'RAISE_QUERY', queryId: 'q', question: '' }, ['question']],
      [
        'an empty answer',
        facts({ status: 'LICENSE_REVIEW', openQueryIds: ['q'] }),
        alice,
        { action: 'ANSWER_QUERY', queryId: 'q', body: ' ', messageId: 'm' },
        ['body'],
      ],
    ];

    it.each(cases)('refuses %s', (_name, f, actor, command, fields) => {
      try {
        authorizeCommand(f, actor, command);
        throw new Error('expected a refusal');
      } catch (e) {
        expect(e).toBeInstanceOf(DomainRefusal);
        const r = e as DomainRefusal;
        expect(r.kind).toBe('Invalid');
        expect((r.details.errors as Array<{ field: string }>).map((x) => x.field)).toEqual(fields);
      }
    });

    it('checks the status before the payload: a closed case is 409 even with a bad body', () => {
      expect(refusal(facts({ status: 'WITHDRAWN' }), alice, { action: 'WITHDRAW', reason: '' }).kind).toBe('TransitionNotAllowed');
    });

    it('accepts a conditional grant with typed conditions', () => {
      expect(() =>
        validateCommandPayload({
          action: 'PROPOSE_DECISION',
          decision: 'GRANT_WITH_CONDITIONS',
          conditions: [
            { type: 'EQUITY_RATIO_CAP', description: 'Keep at most 49 %', maxPercent: 49 },
            { type: 'PERIODIC_REPORTING', description: 'Report twice a year', intervalMonths: 6 },
          ],
          reasons: 'Mitigated by conditions.',
        }),
      ).not.toThrow();
    });
  });

  it('reads the facts of a projected case view', () => {
    const f = factsOfSnapshot({
      status: 'CORRECTION_REQUESTED',
      organizationId: 'ACME',
      queue: 'SEMICONDUCTORS',
      pendingApproval: null,
      openQueries: [{ id: 'q-1' }],
      deadlines: [
        { clock: 'acknowledgement', state: 'MET' },
        { clock: 'correction', state: 'BREACHED' },
      ],
    });
    expect(f).toEqual(facts({ status: 'CORRECTION_REQUESTED', openQueryIds: ['q-1'], correctionBreached: true }));
    expect(
      factsOfSnapshot({ ...f, openQueries: [], deadlines: [{ clock: 'correction', state: 'WARNED' }] }).correctionBreached,
    ).toBe(false);
    // A second round of correction: the first round's breach does not let the officer close the case.
    const secondRound = [
      { clock: 'correction', state: 'BREACHED' },
      { clock: 'acknowledgement', state: 'MET' },
      { clock: 'correction', state: 'RUNNING' },
    ];
    expect(factsOfSnapshot({ ...f, openQueries: [], deadlines: secondRound }).correctionBreached).toBe(false);
  });
});

describe('worksOnQueue', () => {
  it('lets officers work their own queues and supervisors every queue, nobody else', () => {
    expect(worksOnQueue({ role: 'officer', queues: ['SEMICONDUCTORS'] }, 'SEMICONDUCTORS')).toBe(true);
    expect(worksOnQueue({ role: 'officer', queues: ['SEMICONDUCTORS'] }, 'ELECTRONIC_COMPONENTS')).toBe(false);
    expect(worksOnQueue({ role: 'supervisor', queues: [] }, 'ELECTRONIC_COMPONENTS')).toBe(true);
    expect(worksOnQueue({ role: 'regulator_admin', queues: ['SEMICONDUCTORS'] }, 'SEMICONDUCTORS')).toBe(false);
    expect(worksOnQueue({ role: 'applicant', queues: [] }, 'SEMICONDUCTORS')).toBe(false);
  });
});
