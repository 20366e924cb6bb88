import { CLEARANCES, ROLES, clearanceAllows, isApplicantRole, isRegulatorRole, isRole } from './roles';

describe('roles and clearances', () => {
  it('splits the roles into the applicant side, the regulator side and partners', () => {
    expect(ROLES.filter(isApplicantRole)).toEqual(['applicant', 'applicant_admin']);
    expect(ROLES.filter(isRegulatorRole)).toEqual(['officer', 'supervisor', 'regulator_admin']);
    expect(ROLES.filter((r) => !isApplicantRole(r) && !isRegulatorRole(r))).toEqual(['partner']);
  });

  it('lets a person read an item only with a clearance at least its classification', () => {
    const table = CLEARANCES.flatMap((c) => CLEARANCES.map((k) => `${c}→${k}:${clearanceAllows(c, k) ? 'read' : 'withheld'}`));
    expect(table).toEqual([
      'NONE→NONE:read',
      'NONE→RESTRICTED:withheld',
      'NONE→CONFIDENTIAL:withheld',
      'RESTRICTED→NONE:read',
      'RESTRICTED→RESTRICTED:read',
      'RESTRICTED→CONFIDENTIAL:withheld',
      'CONFIDENTIAL→NONE:read',
      'CONFIDENTIAL→RESTRICTED:read',
      'CONFIDENTIAL→CONFIDENTIAL:read',
    ]);
  });

  it('recognises role names exactly', () => {
    expect(isRole('supervisor')).toBe(true);
    expect(isRole('Supervisor')).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });
});
