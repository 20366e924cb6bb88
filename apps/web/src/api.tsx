/**
 * The public API, and nothing else: every call goes to /api/v1 with the bearer token of the
 * signed-in user. Errors come back as RFC 9457 problems and are thrown as ApiProblem.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AdvanceReport,
  CaseWarning,
  DeadlineView,
  Escalation,
  InformNotice,
  LicenseCondition,
  OpenQuery,
} from '../../../libs/domain/src/case-model';

export interface FieldError {
  field: string;
  message: string;
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail || title);
  }
}

const TOKEN_KEY = 'taiwa.token';

export async function apiFetch<T>(
  path: string,
  init: { method?: string; body?: unknown; idempotencyKey?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.idempotencyKey) headers['idempotency-key'] = init.idempotencyKey;
  const res = await fetch(`/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const p = (json ?? {}) as { title?: string; detail?: string; errors?: FieldError[] };
    throw new ApiProblem(res.status, p.title ?? res.statusText, p.detail ?? '', p.errors ?? []);
  }
  return json as T;
}

// ---- shapes of the public API (API.md) -------------------------------------------------------

export interface Me {
  username: string;
  displayName: string;
  roles: string[];
  organizationId: string;
  clearance: string;
  queues: string[];
}

// The shapes the workflow defines, re-exported under the names the pages use.
export type Deadline = DeadlineView;
export type Condition = LicenseCondition;

export interface CaseView {
  id: string;
  caseNumber: string;
  organizationId: string;
  status: string;
  stage: string;
  queue: string;
  assignee: string | null;
  version: number;
  deadlines: Deadline[];
  expectedTimeline: Array<{ stage: string; expectedBy: string }>;
  warnings: CaseWarning[];
  report: AdvanceReport;
  createdAt: string;
  updatedAt: string;
  nextDeadlineAt: string | null;
  overdue: boolean;
  /** Regulator staff only. */
  escalations?: Escalation[];
  openQueries: OpenQuery[];
  correctionReasons: string[];
  pendingApproval: {
    approvalId?: string;
    kind: 'INFORM' | 'DECISION';
    proposedBy?: string;
    proposedAt: string;
    reasons?: string;
    conditions?: Condition[];
    decision?: string | null;
  } | null;
  informNotice: InformNotice | null;
  licenseApplication: { description: string; conditionsAccepted: boolean | null; submittedAt: string } | null;
  decision: {
    decision: string;
    conditions: Condition[];
    reasons: string;
    approvedBy: string;
    decidedAt: string;
  } | null;
  conclusion: { summary: string; commitments: string[]; concludedBy: string; at: string } | null;
  withdrawal: { reason: string; by: string; at: string; lapsed: boolean } | null;
  regulatorFlags?: Array<{ code: string; message: string; at: string }>;
  allowedActions: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

// ---- session ---------------------------------------------------------------------------------

interface Session {
  token: string | null;
  signIn(username: string): Promise<void>;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(TOKEN_KEY));
  const client = useQueryClient();
  const signIn = useCallback(
    async (username: string) => {
      const { accessToken } = await apiFetch<{ accessToken: string }>('/auth/dev-login', {
        method: 'POST',
        body: { username },
      });
      sessionStorage.setItem(TOKEN_KEY, accessToken);
      client.clear();
      setToken(accessToken);
    },
    [client],
  );
  const signOut = useCallback(() => {
    sessionStorage.removeItem(TOKEN_KEY);
    client.clear();
    setToken(null);
  }, [client]);
  const value = useMemo(() => ({ token, signIn, signOut }), [token, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** Who the API says the caller is (never what the client thinks). */
export function useMe() {
  const { token } = useSession();
  return useQuery({
    queryKey: ['me', token],
    queryFn: () => apiFetch<Me>('/me'),
    enabled: !!token,
    staleTime: 60_000,
  });
}

export const isRegulator = (me: Me | undefined) =>
  !!me && me.roles.some((r) => ['officer', 'supervisor', 'regulator_admin'].includes(r));
export const hasRole = (me: Me | undefined, ...roles: string[]) =>
  !!me && me.roles.some((r) => roles.includes(r));

/** API field paths ("proposedConditions[0].maxPercent") as form paths ("proposedConditions.0.maxPercent"). */
export function formPath(field: string): string {
  return field.replace(/\[(\d+)\]/g, '.$1');
}
