/** The organisations and users of API.md ("Seeded users of the local stack and tests"). */
export const SEED_ORGANIZATIONS = [
  { id: 'ACME', name: 'ACME Materials K.K.', kind: 'APPLICANT' },
  { id: 'GLOBEX', name: 'Globex Electronics Co., Ltd.', kind: 'APPLICANT' },
  { id: 'REGULATOR', name: 'METI Trade Control Department', kind: 'REGULATOR' },
  { id: 'TOOLVENDOR', name: 'ToolVendor Compliance Inc.', kind: 'PARTNER' },
] as const;

export const SEED_USERS = [
  { username: 'alice@acme.example', name: 'Alice Example', role: 'applicant', org: 'ACME', clearance: 'NONE', queues: [] },
  { username: 'akira@acme.example', name: 'Akira Example', role: 'applicant_admin', org: 'ACME', clearance: 'CONFIDENTIAL', queues: [] },
  { username: 'bob@globex.example', name: 'Bob Globex', role: 'applicant', org: 'GLOBEX', clearance: 'NONE', queues: [] },
  { username: 'olivia@regulator.example', name: 'Olivia Officer', role: 'officer', org: 'REGULATOR', clearance: 'CONFIDENTIAL', queues: ['SEMICONDUCTORS'] },
  { username: 'oscar@regulator.example', name: 'Oscar Officer', role: 'officer', org: 'REGULATOR', clearance: 'RESTRICTED', queues: ['ELECTRONIC_COMPONENTS'] },
  { username: 'sam@regulator.example', name: 'Sam Supervisor', role: 'supervisor', org: 'REGULATOR', clearance: 'CONFIDENTIAL', queues: [] },
  { username: 'sue@regulator.example', name: 'Sue Supervisor', role: 'supervisor', org: 'REGULATOR', clearance: 'CONFIDENTIAL', queues: [] },
  { username: 'ada@regulator.example', name: 'Ada Admin', role: 'regulator_admin', org: 'REGULATOR', clearance: 'NONE', queues: [] },
  { username: 'partner@toolvendor.example', name: 'ToolVendor Integration', role: 'partner', org: 'TOOLVENDOR', clearance: 'NONE', queues: [] },
] as const;

/** ACME consents to ToolVendor. */
export const SEED_CONSENTS = [{ organizationId: 'ACME', partnerOrganizationId: 'TOOLVENDOR', grantedBy: 'akira@acme.example' }];
