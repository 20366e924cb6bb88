import type { ClockName } from './sla';

/**
 * What each clock of DOMAIN.md's deadline table does, as data: who is warned, what happens on
 * breach, and whether an open query stops it.
 */
export interface ClockRule {
  /** Who the warning is for. */
  warn: 'officer' | 'applicant' | null;
  /** On breach: escalate to someone, or notify the officer. */
  onBreach: { kind: 'ESCALATE'; to: 'supervisor' | 'regulator_admin' } | { kind: 'NOTIFY_OFFICER' };
  pausedWhileQueryOpen: boolean;
  /** Whether a breach marks the case overdue for the applicant's side or the regulator's. */
  owedBy: 'regulator' | 'applicant';
}

export const CLOCK_RULES: Readonly<Record<ClockName, ClockRule>> = {
  acknowledgement: {
    warn: 'officer',
    onBreach: { kind: 'ESCALATE', to: 'supervisor' },
    pausedWhileQueryOpen: false,
    owedBy: 'regulator',
  },
  correction: { warn: 'applicant', onBreach: { kind: 'NOTIFY_OFFICER' }, pausedWhileQueryOpen: false, owedBy: 'applicant' },
  consultation: {
    warn: 'officer',
    onBreach: { kind: 'ESCALATE', to: 'supervisor' },
    pausedWhileQueryOpen: true,
    owedBy: 'regulator',
  },
  queryResponse: {
    warn: 'applicant',
    onBreach: { kind: 'NOTIFY_OFFICER' },
    pausedWhileQueryOpen: false,
    owedBy: 'applicant',
  },
  informResponse: {
    warn: 'applicant',
    onBreach: { kind: 'ESCALATE', to: 'supervisor' },
    pausedWhileQueryOpen: false,
    owedBy: 'applicant',
  },
  licenseReview: {
    warn: 'officer',
    onBreach: { kind: 'ESCALATE', to: 'supervisor' },
    pausedWhileQueryOpen: true,
    owedBy: 'regulator',
  },
  approval: {
    warn: null,
    onBreach: { kind: 'ESCALATE', to: 'regulator_admin' },
    pausedWhileQueryOpen: false,
    owedBy: 'regulator',
  },
};
