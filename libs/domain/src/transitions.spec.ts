import { ROLES, type Role } from './roles';
import { CASE_STATUSES, type CaseStatus } from './status';
import { ACTIONS, TRANSITIONS, allowedActions, decideTransition, isAction, type Action } from './transitions';

/**
 * The transition table of DOMAIN.md, written out by hand (not derived from TRANSITIONS), so a
 * change to the table in code that the design does not make fails here.
 */
const OFFICER: Role[] = ['officer', 'supervisor'];
const SUPERVISOR: Role[] = ['supervisor'];
const APPLICANT: Role[] = ['applicant', 'applicant_admin'];
const PARTY: Role[] = ['applicant', 'applicant_admin', 'officer', 'supervisor'];

type Row = { roles: Role[]; to: CaseStatus | null };
type Expected = Record<CaseStatus, Partial<Record<Action, Row>>>;

/** What any open status allows besides its own transitions: withdraw, assign, post a message. */
const OPEN_COMMON = {
  WITHDRAW: { roles: APPLICANT, to: 'WITHDRAWN' },
  ASSIGN: { roles: OFFICER, to: null },
  POST_MESSAGE: { roles: PARTY, to: null },
} satisfies Partial<Record<Action, Row>>;
/** The dialogue statuses, where the officer asks and the applicant answers. */
const DIALOGUE = {
  RAISE_QUERY: { roles: OFFICER, to: null },
  ANSWER_QUERY: { roles: APPLICANT, to: null },
} satisfies Partial<Record<Action, Row>>;
const SHARE = { SHARE_CONCERN_INFORMATION: { roles: OFFICER, to: null } } satisfies Partial<Record<Action, Row>>;
/** A query open when a proposal is made can still be answered while it awaits approval. */
const ANSWER = { ANSWER_QUERY: { roles: APPLICANT, to: null } } satisfies Partial<Record<Action, Row>>;

const EXPECTED: Expected = {
  SUBMITTED: {
    ACCEPT: { roles: OFFICER, to: 'IN_CONSULTATION' },
    REQUEST_CORRECTION: { roles: OFFICER, to: 'CORRECTION_REQUESTED' },
    ...OPEN_COMMON,
  },
  CORRECTION_REQUESTED: {
    RESUBMIT: { roles: APPLICANT, to: 'SUBMITTED' },
    CLOSE_LAPSED: { roles: OFFICER, to: 'WITHDRAWN' },
    ...OPEN_COMMON,
  },
  IN_CONSULTATION: {
    CONCLUDE: { roles: OFFICER, to: 'CLEARED' },
    PROPOSE_INFORM: { roles: OFFICER, to: 'INFORM_PENDING_APPROVAL' },
    ...OPEN_COMMON,
    ...DIALOGUE,
    ...SHARE,
  },
  INFORM_PENDING_APPROVAL: {
    APPROVE_INFORM: { roles: SUPERVISOR, to: 'INFORM_ISSUED' },
    REJECT_INFORM: { roles: SUPERVISOR, to: 'IN_CONSULTATION' },
    ...OPEN_COMMON,
    ...ANSWER,
    ...SHARE,
  },
  INFORM_ISSUED: {
    SUBMIT_LICENSE_APPLICATION: { roles: APPLICANT, to: 'LICENSE_REVIEW' },
    ...OPEN_COMMON,
    ...SHARE,
  },
  LICENSE_REVIEW: {
    PROPOSE_DECISION: { roles: OFFICER, to: 'DECISION_PENDING_APPROVAL' },
    ...OPEN_COMMON,
    ...DIALOGUE,
    ...SHARE,
  },
  DECISION_PENDING_APPROVAL: {
    APPROVE_GRANT: { roles: SUPERVISOR, to: 'LICENSED' },
    APPROVE_DENIAL: { roles: SUPERVISOR, to: 'DENIED' },
    REJECT_DECISION: { roles: SUPERVISOR, to: 'LICENSE_REVIEW' },
    ...OPEN_COMMON,
    ...ANSWER,
  },
  CLEARED: {},
  LICENSED: {},
  DENIED: {},
  WITHDRAWN: {},
};

/** Roles that appear on at least one row for the action: the others are refused as ROLE (403). */
function rolesEverAllowed(action: Action): Set<Role> {
  const roles = new Set<Role>();
  for (const rows of Object.values(EXPECTED)) for (const r of rows[action]?.roles ?? []) roles.add(r);
  return roles;
}

function expectedAllowed(status: CaseStatus, role: Role): Action[] {
  return ACTIONS.filter((a) => EXPECTED[status][a]?.roles.includes(role));
}

const combos = CASE_STATUSES.flatMap((status) =>
  ROLES.flatMap((role) => ACTIONS.map((action) => ({ status, role, action }))),
);

describe('the transition table of DOMAIN.md', () => {
  it('covers every status × role × action combination', () => {
    expect(combos).toHaveLength(CASE_STATUSES.length * ROLES.length * ACTIONS.length);
    expect(combos.length).toBe(11 * 6 * 19);
  });

  it('has exactly the rows written out above, no more', () => {
    const actual = TRANSITIONS.flatMap((t) => t.roles.map((r) => `${t.from} ${t.action} ${r} → ${t.to}`)).sort();
    const expected = CASE_STATUSES.flatMap((s) =>
      Object.entries(EXPECTED[s]).flatMap(([a, row]) => row!.roles.map((r) => `${s} ${a} ${r} → ${row!.to}`)),
    ).sort();
    expect(actual).toEqual(expected);
  });

  describe.each(CASE_STATUSES)('in status %s', (status) => {
    it.each(ROLES)('decides every action for the role %s as the table says', (role) => {
      for (const action of ACTIONS) {
        const row = EXPECTED[status][action];
        const decision = decideTransition(status, role, action);
        if (row?.roles.includes(role)) {
          expect({ action, ok: decision.ok }).toEqual({ action, ok: true });
          if (decision.ok) {
            expect(decision.transition).toMatchObject({ from: status, action, to: row.to });
          }
          continue;
        }
        expect({ action, ok: decision.ok }).toEqual({ action, ok: false });
        if (decision.ok) continue;
        const roleNever = !rolesEverAllowed(action).has(role);
        expect({ action, reason: decision.reason }).toEqual({ action, reason: roleNever ? 'ROLE' : 'STATUS' });
        expect(decision.status).toBe(status);
        expect(decision.allowedActions).toEqual(expectedAllowed(status, role));
        if (decision.reason === 'STATUS') {
          // The message names the current status and every action allowed from it (or that it is closed).
          expect(decision.message).toContain(`status ${status}`);
          const allowed = expectedAllowed(status, role);
          if (allowed.length === 0) expect(decision.message).toContain('nothing (the case is closed)');
          for (const a of allowed) expect(decision.message).toContain(a);
        } else {
          expect(decision.message).toContain(role);
          expect(decision.message).toContain(action);
        }
      }
    });
  });

  it('lets nobody act on a closed case', () => {
    for (const status of ['CLEARED', 'LICENSED', 'DENIED', 'WITHDRAWN'] as const) {
      for (const role of ROLES) expect(allowedActions(status, role)).toEqual([]);
    }
  });

  it('lets the applicant withdraw from every open status, including the pending approvals', () => {
    const open = CASE_STATUSES.filter((s) => !['CLEARED', 'LICENSED', 'DENIED', 'WITHDRAWN'].includes(s));
    expect(open).toHaveLength(7);
    for (const status of open) {
      const d = decideTransition(status, 'applicant', 'WITHDRAW');
      expect(d.ok && d.transition.to).toBe('WITHDRAWN');
    }
  });

  it('never lets an officer approve (four eyes needs a supervisor)', () => {
    for (const action of ['APPROVE_INFORM', 'APPROVE_GRANT', 'APPROVE_DENIAL', 'REJECT_INFORM', 'REJECT_DECISION'] as const) {
      const d = decideTransition('INFORM_PENDING_APPROVAL', 'officer', action);
      expect(d.ok).toBe(false);
      if (!d.ok) expect(d.reason).toBe('ROLE');
    }
  });

  it('gives a partner and a regulator admin no action at all (403, never 409)', () => {
    for (const role of ['partner', 'regulator_admin'] as const) {
      for (const status of CASE_STATUSES) {
        for (const action of ACTIONS) {
          const d = decideTransition(status, role, action);
          expect(d.ok === false && d.reason).toBe('ROLE');
        }
      }
    }
  });

  it('answers a second accept with what the officer may do now', () => {
    const d = decideTransition('IN_CONSULTATION', 'officer', 'ACCEPT');
    expect(d).toMatchObject({ ok: false, reason: 'STATUS' });
    if (!d.ok) {
      expect(d.message).toBe(
        'Cannot ACCEPT a case in status IN_CONSULTATION; an officer may do from IN_CONSULTATION: CONCLUDE, PROPOSE_INFORM, ASSIGN, POST_MESSAGE, RAISE_QUERY, SHARE_CONCERN_INFORMATION.',
      );
    }
  });

  it('recognises action names', () => {
    expect(isAction('ACCEPT')).toBe(true);
    expect(isAction('accept')).toBe(false);
    expect(isAction(3)).toBe(false);
  });
});
