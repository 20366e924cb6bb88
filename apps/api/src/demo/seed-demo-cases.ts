// Seeds demo cases through the public HTTP API of a running stack (dev login), so the queues of
// the local stack are not empty. Safe to run again: each demo case carries a marker "[demo-n]"
// in its description and is found again by it; a half-seeded case is driven on from where it is.
// Usage: node dist/apps/api/src/demo/seed-demo-cases.js   (TAIWA_API_URL, default http://127.0.0.1:3000)

export interface CallResult {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}
/** One HTTP call to the API as a seeded user. */
export type Call = (
  method: string,
  path: string,
  as: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<CallResult>;

export const OFFICER_OF_QUEUE: Record<string, string> = {
  SEMICONDUCTORS: 'olivia@regulator.example',
  ELECTRONIC_COMPONENTS: 'oscar@regulator.example',
};
const SUPERVISOR = 'sam@regulator.example';
const SECOND_SUPERVISOR = 'sue@regulator.example';

/** The status paths from SUBMITTED to each status the driver can reach. */
const PATHS: Record<string, string[]> = {
  SUBMITTED: ['SUBMITTED'],
  CORRECTION_REQUESTED: ['SUBMITTED', 'CORRECTION_REQUESTED'],
  IN_CONSULTATION: ['SUBMITTED', 'IN_CONSULTATION'],
  CLEARED: ['SUBMITTED', 'IN_CONSULTATION', 'CLEARED'],
  INFORM_PENDING_APPROVAL: ['SUBMITTED', 'IN_CONSULTATION', 'INFORM_PENDING_APPROVAL'],
  INFORM_ISSUED: ['SUBMITTED', 'IN_CONSULTATION', 'INFORM_PENDING_APPROVAL', 'INFORM_ISSUED'],
  LICENSE_REVIEW: [
    'SUBMITTED',
    'IN_CONSULTATION',
    'INFORM_PENDING_APPROVAL',
    'INFORM_ISSUED',
    'LICENSE_REVIEW',
  ],
  DECISION_PENDING_APPROVAL: [
    'SUBMITTED',
    'IN_CONSULTATION',
    'INFORM_PENDING_APPROVAL',
    'INFORM_ISSUED',
    'LICENSE_REVIEW',
    'DECISION_PENDING_APPROVAL',
  ],
  LICENSED: [
    'SUBMITTED',
    'IN_CONSULTATION',
    'INFORM_PENDING_APPROVAL',
    'INFORM_ISSUED',
    'LICENSE_REVIEW',
    'DECISION_PENDING_APPROVAL',
    'LICENSED',
  ],
  WITHDRAWN: ['SUBMITTED', 'WITHDRAWN'],
};
export type DriveTarget = keyof typeof PATHS;

export interface DriveOptions {
  /** Who acts for the regulator (default: the officer of the case's queue, else sam). */
  officer?: string;
  /** Who acts for the applicant (default: the user who filed). */
  applicant?: string;
  /** Decision for the LICENSED path (default GRANT_WITH_CONDITIONS with two conditions). */
  decision?: 'GRANT' | 'GRANT_WITH_CONDITIONS' | 'DENY';
}

function must(res: CallResult, what: string, ...ok: number[]): CallResult {
  if (!ok.includes(res.status)) {
    throw new Error(
      `${what}: HTTP ${res.status} ${typeof res.body === 'object' ? JSON.stringify(res.body) : String(res.body)}`,
    );
  }
  return res;
}

/** A valid advance report; plannedContractDate is `days` from today (Tokyo). */
export function demoReport(overrides: Record<string, unknown> = {}, days = 150): Record<string, unknown> {
  const planned = new Date(Date.now() + 9 * 3600_000 + days * 86400_000).toISOString().slice(0, 10);
  return {
    technologyCategory: 'LITHOGRAPHY_RESIST',
    technologyDescription: 'Resist formulation and purification process know-how',
    transactionType: 'MANUFACTURING_TRANSFER_SUBSIDIARY',
    counterparty: { name: 'Example Precision Co., Ltd.', country: 'VN', relationship: 'SUBSIDIARY' },
    plannedContractDate: planned,
    contact: { name: 'Alice Example', email: 'alice@acme.example' },
    ...overrides,
  };
}

/** Files a case and returns its view. */
export async function fileCase(
  call: Call,
  as: string,
  report: Record<string, unknown>,
  key?: string,
): Promise<CallResult['body']> {
  const res = must(
    await call('POST', '/api/v1/cases', as, report, key ? { 'idempotency-key': key } : {}),
    `file as ${as}`,
    201,
  );
  return res.body;
}

/**
 * Moves a case along the path to `target` from wherever it is on that path (so an interrupted
 * run resumes), one transition per step. Returns the final case view.
 */
export async function driveTo(
  call: Call,
  caseId: string,
  target: DriveTarget,
  options: DriveOptions = {},
): Promise<CallResult['body']> {
  const path = PATHS[target];
  if (!path) throw new Error(`No path to ${target}`);
  let view = must(await call('GET', `/api/v1/cases/${caseId}`, SUPERVISOR), `read ${caseId}`, 200).body;
  const officer = options.officer ?? OFFICER_OF_QUEUE[view.queue as string] ?? SUPERVISOR;
  const applicant =
    options.applicant ?? (view.report?.contact?.email as string | undefined) ?? 'alice@acme.example';
  const filer = (view.submittedBy as string | undefined) ?? applicant;
  const approver = officer === SUPERVISOR ? SECOND_SUPERVISOR : SUPERVISOR;
  for (;;) {
    const at = path.indexOf(view.status as string);
    if (at < 0) throw new Error(`Case ${caseId} is ${view.status}, which is not on the way to ${target}`);
    if (at === path.length - 1) return view;
    const next = path[at + 1]!;
    const post = async (as: string, route: string, body: unknown) =>
      must(await call('POST', `/api/v1/cases/${caseId}/${route}`, as, body), `${route} as ${as}`, 200).body;
    switch (next) {
      case 'IN_CONSULTATION':
        view = await post(officer, 'accept', {});
        break;
      case 'CORRECTION_REQUESTED':
        view = await post(officer, 'request-correction', {
          reasons: ['Describe the purification step in more detail.'],
        });
        break;
      case 'CLEARED':
        view = await post(officer, 'conclude', {
          summary: 'No concern found after consultation.',
          commitments: ['Report any change of counterparty.'],
        });
        break;
      case 'INFORM_PENDING_APPROVAL':
        view = await post(officer, 'inform-proposals', {
          reasons: 'The transfer may allow the counterparty to reproduce a designated technology.',
          proposedConditions: [
            { type: 'PERIODIC_REPORTING', description: 'Report production volumes', intervalMonths: 6 },
          ],
        });
        break;
      case 'INFORM_ISSUED':
      case 'LICENSED':
        view = await post(approver, `approvals/${view.pendingApproval.approvalId as string}`, {
          decision: 'APPROVE',
          comment: 'Agreed.',
        });
        break;
      case 'LICENSE_REVIEW':
        view = await post(filer, 'license-application', {
          description: 'License application for the planned transfer.',
          conditionsAccepted: true,
        });
        break;
      case 'DECISION_PENDING_APPROVAL': {
        const decision = options.decision ?? 'GRANT_WITH_CONDITIONS';
        view = await post(officer, 'decision-proposals', {
          decision,
          reasons: 'The conditions keep the technology under control.',
          conditions:
            decision === 'GRANT_WITH_CONDITIONS'
              ? [
                  { type: 'EQUITY_RATIO_CAP', description: 'Foreign equity at most 49 %', maxPercent: 49 },
                  {
                    type: 'PERIODIC_REPORTING',
                    description: 'Yearly report on use of the technology',
                    intervalMonths: 12,
                  },
                ]
              : [],
        });
        break;
      }
      case 'WITHDRAWN':
        view = await post(filer, 'withdraw', { reason: 'The transaction was cancelled.' });
        break;
      default:
        throw new Error(`No step to ${next}`);
    }
  }
}

interface DemoCase {
  n: number;
  filer: string;
  target: DriveTarget;
  report: Record<string, unknown>;
  /** Extra activity once the case is in its target status (open query, concern item). */
  extras?: 'query-and-concern';
}

const DEMO_CASES: DemoCase[] = [
  { n: 1, filer: 'alice@acme.example', target: 'SUBMITTED', report: {} },
  {
    n: 2,
    filer: 'alice@acme.example',
    target: 'CORRECTION_REQUESTED',
    report: {
      technologyCategory: 'SPUTTERING_TARGET',
      technologyDescription: 'Sputtering target bonding process',
    },
  },
  {
    n: 3,
    filer: 'alice@acme.example',
    target: 'IN_CONSULTATION',
    report: {
      counterparty: { name: 'Hanoi Materials JSC', country: 'VN', relationship: 'JOINT_VENTURE' },
      transactionType: 'MANUFACTURING_TRANSFER_JOINT_VENTURE',
    },
    extras: 'query-and-concern',
  },
  {
    n: 4,
    filer: 'akira@acme.example',
    target: 'INFORM_PENDING_APPROVAL',
    report: { contact: { name: 'Akira Example', email: 'akira@acme.example' } },
  },
  {
    n: 5,
    filer: 'alice@acme.example',
    target: 'INFORM_ISSUED',
    report: { technologyCategory: 'SPUTTERING_TARGET', technologyDescription: 'High-purity target casting' },
  },
  {
    n: 6,
    filer: 'alice@acme.example',
    target: 'LICENSE_REVIEW',
    report: {
      counterparty: { name: 'Shenzhen Resist Ltd.', country: 'CN', relationship: 'UNRELATED' },
      transactionType: 'LICENSING_WITH_TECHNICAL_GUIDANCE',
    },
  },
  {
    n: 7,
    filer: 'alice@acme.example',
    target: 'LICENSED',
    report: { technologyDescription: 'Resist purification line know-how' },
  },
  {
    n: 8,
    filer: 'alice@acme.example',
    target: 'CLEARED',
    report: { counterparty: { name: 'Penang Precision Sdn Bhd', country: 'MY', relationship: 'SUBSIDIARY' } },
  },
  {
    n: 9,
    filer: 'bob@globex.example',
    target: 'SUBMITTED',
    report: {
      technologyCategory: 'MULTILAYER_CERAMIC_CAPACITOR',
      technologyDescription: 'MLCC stacking and firing process',
      counterparty: { name: 'Globex Components Vietnam', country: 'VN', relationship: 'SUBSIDIARY' },
      contact: { name: 'Bob Globex', email: 'bob@globex.example' },
    },
  },
];

const marker = (n: number): string => `[demo-${n}]`;

/** Every case the regulator sees, keyed by the demo marker in its description. */
async function existingDemoCases(call: Call): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  let cursor: string | null = null;
  do {
    const query: string = `?sort=created&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = must(await call('GET', `/api/v1/cases${query}`, SUPERVISOR), 'list cases', 200).body;
    for (const c of page.items as Array<{ id: string; report?: { technologyDescription?: string } }>) {
      const m = /\[demo-(\d+)\]/.exec(c.report?.technologyDescription ?? '');
      if (m) found.set(Number(m[1]), c.id);
    }
    cursor = page.nextCursor as string | null;
  } while (cursor);
  return found;
}

export interface SeedSummary {
  created: number;
  existing: number;
  byStatus: Record<string, number>;
}

/** Seeds (or completes) the demo cases; returns what it did. */
export async function seedDemoCases(call: Call): Promise<SeedSummary> {
  const existing = await existingDemoCases(call);
  const summary: SeedSummary = { created: 0, existing: 0, byStatus: {} };
  for (const d of DEMO_CASES) {
    let id = existing.get(d.n);
    if (id) summary.existing += 1;
    else {
      const base = demoReport(d.report);
      const report = {
        ...base,
        technologyDescription: `${base.technologyDescription as string} ${marker(d.n)}`,
      };
      id = (await fileCase(call, d.filer, report, `demo-${d.n}`)).id as string;
      summary.created += 1;
    }
    const view = await driveTo(call, id!, d.target);
    if (d.extras === 'query-and-concern') await addQueryAndConcern(call, view);
    summary.byStatus[view.status as string] = (summary.byStatus[view.status as string] ?? 0) + 1;
  }
  return summary;
}

async function addQueryAndConcern(call: Call, view: CallResult['body']): Promise<void> {
  const officer = OFFICER_OF_QUEUE[view.queue as string] ?? SUPERVISOR;
  const caseId = view.id as string;
  if ((view.openQueries as unknown[] | undefined)?.length === 0) {
    must(
      await call(
        'POST',
        `/api/v1/cases/${caseId}/queries`,
        officer,
        { question: 'Who are the shareholders of the joint venture partner?' },
        { 'idempotency-key': `demo-${caseId}-query` },
      ),
      'raise query',
      201,
    );
  }
  const concerns = must(
    await call('GET', `/api/v1/cases/${caseId}/concern-information`, officer),
    'read concerns',
    200,
  ).body;
  if ((concerns.items as unknown[]).length === 0) {
    must(
      await call(
        'POST',
        `/api/v1/cases/${caseId}/concern-information`,
        officer,
        {
          title: 'Prior diversion report',
          body: 'A related party was named in a diversion report.',
          classification: 'RESTRICTED',
        },
        { 'idempotency-key': `demo-${caseId}-concern` },
      ),
      'share concern information',
      201,
    );
  }
}

/** A Call over fetch with dev-login tokens. */
export function httpCaller(baseUrl: string): Call {
  const tokens = new Map<string, string>();
  const token = async (username: string): Promise<string> => {
    const cached = tokens.get(username);
    if (cached) return cached;
    const res = await fetch(`${baseUrl}/api/v1/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username }),
    });
    if (res.status !== 200) throw new Error(`dev-login ${username}: HTTP ${res.status} (is AUTH_MODE=dev?)`);
    const t = ((await res.json()) as { accessToken: string }).accessToken;
    tokens.set(username, t);
    return t;
  };
  return async (method, path, as, body, headers = {}) => {
    const h: Record<string, string> = { ...headers, authorization: `Bearer ${await token(as)}` };
    if (body !== undefined) h['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed };
  };
}

export function describeSummary(s: SeedSummary): string {
  const statuses = Object.entries(s.byStatus)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `demo cases: ${s.created} created, ${s.existing} already present (${statuses})`;
}

if (require.main === module) {
  const baseUrl = process.env.TAIWA_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
  seedDemoCases(httpCaller(baseUrl))
    .then((s) => console.log(`[taiwa] ${describeSummary(s)}`))
    .catch((err: unknown) => {
      console.error(`[taiwa] seeding demo cases failed: ${(err as Error).message}`);
      process.exit(1);
    });
}
