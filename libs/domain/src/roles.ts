/** Roles and clearances of DOMAIN.md ("Who uses it"). */
export const ROLES = ['applicant', 'applicant_admin', 'officer', 'supervisor', 'regulator_admin', 'partner'] as const;
export type Role = (typeof ROLES)[number];

export const APPLICANT_ROLES: readonly Role[] = ['applicant', 'applicant_admin'];
export const REGULATOR_ROLES: readonly Role[] = ['officer', 'supervisor', 'regulator_admin'];

export const CLEARANCES = ['NONE', 'RESTRICTED', 'CONFIDENTIAL'] as const;
export type Clearance = (typeof CLEARANCES)[number];

/** Concern information is classified at one of the clearance levels above NONE (or NONE for open items). */
export type Classification = Clearance;

export function clearanceAllows(clearance: Clearance, classification: Classification): boolean {
  return CLEARANCES.indexOf(clearance) >= CLEARANCES.indexOf(classification);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isApplicantRole(role: Role): boolean {
  return APPLICANT_ROLES.includes(role);
}

export function isRegulatorRole(role: Role): boolean {
  return REGULATOR_ROLES.includes(role);
}
