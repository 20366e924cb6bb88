import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CaseClient, CaseClosedError, CaseRefusedError } from '@taiwa/case-client';
import {
  assessAdvanceReport,
  authorizeCommand,
  clearanceAllows,
  factsOfSnapshot,
  isApplicantRole,
  isRegulatorRole,
  nationalHolidays,
  queueFor,
  tokyoDate,
  worksOnQueue,
  type Actor,
  type AdvanceReport,
  type CaseCommand,
  type CaseCommandResult,
  type CaseSnapshot,
  type Clearance,
  type ReferenceData,
  type Role,
  type ReportChanges,
} from '@taiwa/domain';
import { appendAudit, verifyAuditChain } from '@taiwa/persistence';
import { API_CONFIG, type ApiConfig } from '../config';
import { IdempotencyService } from '../common/idempotency.service';
import { forbidden, malformed, notFound, ProblemError, unprocessable } from '../common/problem';
import { CASE_CLIENT, DATA_SOURCE, READ_DATA_SOURCE } from '../common/tokens';
import type { UserRecord } from '../auth/users.service';
import { SubmissionScreeningService } from '../screening/submission-screening.service';
import { ReferenceDataService } from '../reference/reference-data.service';
import { CaseNumbersService } from './case-numbers.service';
import { caseViewFor, type RegulatorFlag } from './case-view';
import type { ListQuery } from './schemas';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Timeline entries a partner may see: the status-level ones. */
const STATUS_LEVEL_TIMELINE = new Set([
  'SUBMITTED',
  'ACCEPTED',
  'CORRECTION_REQUESTED',
  'RESUBMITTED',
  'CONCLUDED',
  'INFORM_ISSUED',
  'LICENSE_APPLIED',
  'DECISION_ISSUED',
  'WITHDRAWN',
  'LAPSED',
]);

export interface VisibleCase {
  snapshot: CaseSnapshot;
  flags: RegulatorFlag[];
}

interface CommandOptions {
  key?: string;
  route: string;
  body: unknown;
  status?: number;
  /** Extra fields of the response beyond the case view (approvalId, query id…). */
  extra?: (result: CaseCommandResult, resourceId: string) => Record<string, unknown>;
  /** The whole response body instead of the case view (a created sub-resource with its case). */
  respond?: (view: ReturnType<typeof caseViewFor>, result: CaseCommandResult, resourceId: string) => Record<string, unknown>;
  /** Runs after the workflow refused or failed, to undo a pre-written row. */
  onRefused?: (resourceId: string) => Promise<void>;
  before?: (resourceId: string) => Promise<void>;
}

export function toActor(user: UserRecord): Actor {
  return {
    username: user.username,
    role: user.role,
    organizationId: user.organizationId,
    clearance: user.clearance,
    queues: user.queues,
  };
}

@Injectable()
export class CasesService {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(READ_DATA_SOURCE) private readonly readDs: DataSource,
    @Inject(CASE_CLIENT) private readonly cases: CaseClient,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly idempotency: IdempotencyService,
    private readonly numbers: CaseNumbersService,
    private readonly submissionScreening: SubmissionScreeningService,
    private readonly referenceData: ReferenceDataService,
  ) {}

  /** The reference data in force, and the versions a case records it was judged under. */
  private async referenceInForce(): Promise<{ ref: ReferenceData; version: string }> {
    const { ref, versions } = await this.referenceData.advanceReportData();
    return { ref, version: Object.entries(versions).map(([kind, v]) => `${kind}@${v}`).join(';') };
  }

  // ---- filing -------------------------------------------------------------------------------

  async create(user: UserRecord, report: AdvanceReport, key: string | undefined, rawBody: unknown) {
    const now = Date.now();
    const reference = await this.referenceInForce();
    const problems = assessAdvanceReport(reference.ref, report, now);
    if (problems.length > 0) throw unprocessable(problems, 'The advance report cannot be accepted; see errors.');
    const queue = queueFor(reference.ref, report.technologyCategory)!;
    const year = Number(tokyoDate(now).slice(0, 4));
    return this.idempotency.run(user.username, key, 'POST /api/v1/cases', rawBody, async (caseId) => {
      const caseNumber = await this.numbers.assign(caseId, now);
      const snapshot = await this.cases.startCase({
        caseId,
        caseNumber,
        organizationId: user.organizationId,
        queue,
        submittedBy: user.username,
        report,
        referenceVersion: reference.version,
        policy: this.config.slaPolicy,
        holidays: nationalHolidays(year - 1, year + 5),
      });
      await this.awaitProjection(caseId, snapshot.version);
      // End User List screening of the counterparty: a match flags the case for the regulator only.
      await this.submissionScreening.screenCase(user, caseId, report.counterparty);
      return { status: 201, body: caseViewFor(user, snapshot) };
    });
  }

  /**
   * A 201 must mean the case is readable. The workflow answers awaitProjected only after its first
   * projection (patch commit-submission-before-handlers); this check keeps the promise for cases
   * started on older workflow code too (briefly; an engine that never projects is a 503).
   */
  private async awaitProjection(caseId: string, version: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const rows: Array<{ version: number }> = await this.ds.query('SELECT version FROM cases WHERE id = $1', [caseId]);
      if ((rows[0]?.version ?? 0) >= Math.max(version, 1)) return;
      if (Date.now() > deadline) throw new ProblemError(503, 'The case was filed but is not readable yet; retry with the same Idempotency-Key.');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  // ---- reading ------------------------------------------------------------------------------

  /** The case if this caller may see it; otherwise 404, never revealing that it exists. */
  async loadVisible(user: UserRecord, caseId: string): Promise<VisibleCase> {
    if (!UUID.test(caseId)) throw notFound('Case');
    const rows: Array<{ view: CaseSnapshot; regulator_flags: RegulatorFlag[]; organization_id: string }> =
      await this.ds.query('SELECT view, regulator_flags, organization_id FROM cases WHERE id = $1', [caseId]);
    const row = rows[0];
    if (!row || !(await this.mayRead(user, row.organization_id))) throw notFound('Case');
    return { snapshot: row.view, flags: row.regulator_flags };
  }

  private async mayRead(user: UserRecord, organizationId: string): Promise<boolean> {
    if (isRegulatorRole(user.role)) return true;
    if (isApplicantRole(user.role)) return user.organizationId === organizationId;
    if (user.role === 'partner') return (await this.consentingOrganizations(user)).includes(organizationId);
    return false;
  }

  async consentingOrganizations(user: UserRecord): Promise<string[]> {
    const rows: Array<{ organization_id: string }> = await this.ds.query(
      'SELECT organization_id FROM partner_consents WHERE partner_organization_id = $1 AND revoked_at IS NULL',
      [user.organizationId],
    );
    return rows.map((r) => r.organization_id);
  }

  async get(user: UserRecord, caseId: string) {
    const visible = await this.loadVisible(user, caseId);
    return caseViewFor(user, visible.snapshot, visible.flags);
  }

  async list(user: UserRecord, q: ListQuery) {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (isApplicantRole(user.role)) where.push(`organization_id = ${p(user.organizationId)}`);
    else if (user.role === 'partner') where.push(`organization_id = ANY(${p(await this.consentingOrganizations(user))})`);
    if (q.status) where.push(`status = ${p(q.status)}`);
    if (q.stage) where.push(`stage = ${p(q.stage)}`);
    if (q.queue) where.push(`queue = ${p(q.queue)}`);
    if (q.assignee) where.push(`assignee = ${p(q.assignee)}`);
    if (q.overdue) where.push(q.overdue === 'true' ? 'overdue' : 'NOT overdue');
    if (q.escalated) where.push(q.escalated === 'true' ? 'escalated' : 'NOT escalated');
    if (q.pendingApproval) where.push(q.pendingApproval === 'true' ? 'pending_approval_kind IS NOT NULL' : 'pending_approval_kind IS NULL');

    const sortKey = q.sort === 'deadline' ? 'deadline_sort' : 'created_at';
    const descending = q.sort === '-created';
    if (q.cursor) {
      const cursor = decodeCursor(q.cursor, q.sort);
      where.push(`(${sortKey}, id) ${descending ? '<' : '>'} (${p(cursor.k)}::timestamptz, ${p(cursor.id)}::uuid)`);
    }
    const order = descending ? `${sortKey} DESC, id DESC` : `${sortKey}, id`;
    const sql = `SELECT id, view, regulator_flags, ${sortKey} AS sort_key FROM cases
                 ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${p(q.limit + 1)}`;
    const rows: Array<{ id: string; view: CaseSnapshot; regulator_flags: RegulatorFlag[]; sort_key: Date | string | number }> =
      await this.readDs.query(sql, params); // lists tolerate replica lag; single-case reads stay on the primary
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => caseViewFor(user, r.view, r.regulator_flags)),
      nextCursor: rows.length > q.limit && last ? encodeCursor(q.sort, last.sort_key, last.id) : null,
    };
  }

  async timeline(user: UserRecord, caseId: string) {
    await this.loadVisible(user, caseId);
    const rows: Array<{ sequence: number; type: string; at: Date; actor: string | null; summary: string; visibility: string }> =
      await this.ds.query(
        'SELECT sequence, type, at, actor, summary, visibility FROM case_timeline WHERE case_id = $1 ORDER BY sequence',
        [caseId],
      );
    const items = rows
      .filter((r) => isRegulatorRole(user.role) || r.visibility === 'ALL')
      .filter((r) => user.role !== 'partner' || STATUS_LEVEL_TIMELINE.has(r.type))
      .map((r) => ({
        sequence: r.sequence,
        type: r.type,
        at: r.at.toISOString(),
        actor: user.role === 'partner' ? null : r.actor,
        summary: r.summary,
      }));
    return { items };
  }

  async messages(user: UserRecord, caseId: string) {
    this.denyPartner(user);
    await this.loadVisible(user, caseId);
    const rows: Array<{ id: string; sequence: number; author: string; author_role: string; body: string; at: Date }> =
      await this.ds.query(
        'SELECT id, sequence, author, author_role, body, at FROM case_messages WHERE case_id = $1 ORDER BY sequence',
        [caseId],
      );
    return {
      items: rows.map((r) => ({ id: r.id, sequence: r.sequence, author: r.author, authorRole: r.author_role, body: r.body, at: r.at.toISOString() })),
    };
  }

  /** Items the caller's clearance allows in full; others as withheld. Every CONFIDENTIAL read is audited. */
  async concernInformation(user: UserRecord, caseId: string) {
    this.denyPartner(user);
    await this.loadVisible(user, caseId);
    const rows: Array<{ id: string; title: string; body: string; classification: Clearance; shared_by: string; shared_at: Date; sequence: number }> =
      await this.ds.query(
        `SELECT id, title, body, classification, shared_by, shared_at, sequence FROM concern_information
         WHERE case_id = $1 AND shared_at IS NOT NULL ORDER BY sequence`,
        [caseId],
      );
    const readable = rows.filter((r) => clearanceAllows(user.clearance, r.classification));
    const confidential = readable.filter((r) => r.classification === 'CONFIDENTIAL');
    if (confidential.length > 0) {
      const at = new Date().toISOString();
      await this.ds.transaction((em) =>
        appendAudit(
          em,
          caseId,
          confidential.map((r) => ({
            sourceKey: `read:${randomUUID()}`,
            at,
            actor: user.username,
            action: 'CONCERN_INFORMATION_READ',
            details: { concernId: r.id, classification: r.classification },
          })),
        ),
      );
    }
    return {
      items: rows.map((r) =>
        clearanceAllows(user.clearance, r.classification)
          ? { id: r.id, title: r.title, body: r.body, classification: r.classification, sharedBy: r.shared_by, sharedAt: r.shared_at.toISOString(), withheld: false }
          : { id: r.id, classification: r.classification, sharedAt: r.shared_at.toISOString(), withheld: true },
      ),
    };
  }

  async auditEntries(user: UserRecord, caseId: string) {
    await this.loadVisible(user, caseId);
    const rows: Array<{ position: number; at: Date; actor: string; action: string; details: Record<string, unknown>; prev_hash: string; hash: string }> =
      await this.ds.query(
        'SELECT position, at, actor, action, details, prev_hash, hash FROM audit_log WHERE case_id = $1 ORDER BY position',
        [caseId],
      );
    return {
      items: rows.map((r) => ({
        position: r.position,
        at: r.at.toISOString(),
        actor: r.actor,
        action: r.action,
        details: r.details,
        prevHash: r.prev_hash,
        hash: r.hash,
      })),
    };
  }

  async verifyAudit(user: UserRecord, caseId: string) {
    await this.loadVisible(user, caseId);
    const result = await this.ds.transaction((em) => verifyAuditChain(em, caseId));
    return { caseId, ...result };
  }

  private denyPartner(user: UserRecord): void {
    if (user.role === 'partner') throw forbidden('Partners see status-level data only.');
  }

  // ---- commands -----------------------------------------------------------------------------

  /**
   * Runs one command on the case workflow: a fast pre-check against the projection (so a closed
   * case answers 409 without a round trip), then the workflow's own validated update.
   */
  async command(user: UserRecord, caseId: string, build: (resourceId: string) => CaseCommand, options: CommandOptions) {
    const visible = await this.loadVisible(user, caseId);
    const actor = toActor(user);
    try {
      authorizeCommand(factsOfSnapshot(visible.snapshot), actor, build('00000000-0000-4000-8000-000000000000'));
    } catch (err) {
      // A keyed repeat of a command that landed looks refused here, as the projection has moved
      // on: the idempotency layer replays the first answer, or (if that answer was lost, a 503
      // say) the workflow answers the same update id with its first outcome.
      if (options.key === undefined || !(await this.idempotency.taken(user.username, options.key))) throw err;
    }
    const updateId = IdempotencyService.updateId(user.username, options.key);
    const result = await this.idempotency.run(user.username, options.key, options.route, options.body, async (resourceId) => {
      const command = build(resourceId);
      await options.before?.(resourceId);
      let outcome: CaseCommandResult;
      try {
        outcome = await this.cases.command(caseId, { actor, command }, updateId);
      } catch (err) {
        if (err instanceof CaseRefusedError || err instanceof CaseClosedError) await options.onRefused?.(resourceId);
        if (err instanceof CaseClosedError) {
          const again = await this.loadVisible(user, caseId);
          authorizeCommand(factsOfSnapshot(again.snapshot), actor, command);
          throw new ProblemError(409, `The case is ${again.snapshot.status} and accepts no more actions.`);
        }
        throw err;
      }
      const flags = visible.flags;
      return {
        status: options.status ?? 200,
        body: options.respond
          ? options.respond(caseViewFor(user, outcome.snapshot, flags), outcome, resourceId)
          : { ...caseViewFor(user, outcome.snapshot, flags), ...(options.extra?.(outcome, resourceId) ?? {}) },
      };
    });
    return result;
  }

  /** The corrected report must be as acceptable as a new filing (422 otherwise). */
  async assessResubmission(user: UserRecord, caseId: string, changes: ReportChanges): Promise<void> {
    const { snapshot } = await this.loadVisible(user, caseId);
    const merged: AdvanceReport = {
      ...snapshot.report,
      ...changes,
      counterparty: { ...snapshot.report.counterparty, ...(changes.counterparty ?? {}) },
      contact: { ...snapshot.report.contact, ...(changes.contact ?? {}) },
    };
    const problems = assessAdvanceReport((await this.referenceInForce()).ref, merged, Date.now());
    if (problems.length > 0) {
      throw unprocessable(
        problems.map((p) => ({ ...p, field: `changes.${p.field}` })),
        'The corrected report cannot be accepted; see errors.',
      );
    }
  }

  /** After a resubmission changed the counterparty, it is screened again like a new filing. */
  async screenCounterparty(user: UserRecord, caseId: string): Promise<void> {
    const { snapshot } = await this.loadVisible(user, caseId);
    await this.submissionScreening.screenCase(user, caseId, snapshot.report.counterparty);
  }

  async validateAssignee(caseQueue: string, assignee: string): Promise<void> {
    const rows: Array<{ role: Role; queues: string[]; active: boolean }> = await this.ds.query(
      'SELECT role, queues, active FROM users WHERE username = $1',
      [assignee],
    );
    const u = rows[0];
    const ok = u?.active === true && worksOnQueue(u, caseQueue);
    if (!ok) {
      throw unprocessable([
        { field: 'assignee', message: `${assignee} is not an active officer of queue ${caseQueue} or a supervisor` },
      ]);
    }
  }

  async writePendingConcern(id: string, caseId: string, title: string, body: string, classification: Clearance, by: string) {
    await this.ds.query(
      `INSERT INTO concern_information (id, case_id, title, body, classification, shared_by)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
      [id, caseId, title, body, classification, by],
    );
  }

  async dropPendingConcern(id: string) {
    await this.ds.query('DELETE FROM concern_information WHERE id = $1 AND shared_at IS NULL', [id]);
  }
}

function encodeCursor(sort: string, key: Date | string | number, id: string): string {
  // node-postgres turns timestamptz 'infinity' into the number Infinity.
  const k = key instanceof Date && Number.isFinite(key.getTime()) ? key.toISOString() : typeof key === 'string' ? key : 'infinity';
  return Buffer.from(JSON.stringify({ s: sort, k, id })).toString('base64url');
}

function decodeCursor(cursor: string, sort: string): { k: string; id: string } {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown; k?: unknown; id?: unknown };
    if (c.s === sort && typeof c.k === 'string' && typeof c.id === 'string' && UUID.test(c.id) && (c.k === 'infinity' || !Number.isNaN(Date.parse(c.k)))) {
      return { k: c.k, id: c.id };
    }
  } catch {
    // fall through
  }
  throw malformed([{ field: 'cursor', message: 'not a cursor from this list (with this sort)' }]);
}
