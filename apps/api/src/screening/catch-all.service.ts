import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { catchAllDestinationGroup, isCountryCode, isRegulatorRole, screening } from '@taiwa/domain';
import { appendAudit } from '@taiwa/persistence';
import type { UserRecord } from '../auth/users.service';
import { notFound, ProblemError, unprocessable, type FieldError } from '../common/problem';
import { DATA_SOURCE } from '../common/tokens';
import { ReferenceDataService } from '../reference/reference-data.service';
import { EndUserChecksService } from './end-user-checks.service';
import type { CatchAllBody } from './screening.schemas';

interface ScreeningRow {
  id: string;
  organization_id: string;
  created_by: string;
  input: CatchAllBody;
  result: screening.CatchAllResult & { endUserListMatch: boolean };
  reference_versions: Record<string, string>;
  list_versions: Array<{ listId: string; version: number; mode: string }>;
  case_id: string | null;
  attached_by: string | null;
  attached_at: Date | null;
  created_at: Date;
}

const COLUMNS =
  'id, organization_id, created_by, input, result, reference_versions, list_versions, case_id, attached_by, attached_at, created_at';

/** The catch-all screening aid (figure 3) on the reference data in force, stored so it can be attached to a case. */
@Injectable()
export class CatchAllService {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    private readonly reference: ReferenceDataService,
    private readonly endUsers: EndUserChecksService,
  ) {}

  /** `id` is the idempotency resource id: a redone request stores nothing twice. */
  async screen(user: UserRecord, input: CatchAllBody, id: string = randomUUID()) {
    const [groups, items, flags] = await Promise.all([
      this.reference.inForce('country-groups'),
      this.reference.inForce('specified-items'),
      this.reference.inForce('red-flags'),
    ]);
    const errors: FieldError[] = [];
    if (!isCountryCode(input.destinationCountry)) {
      errors.push({
        field: 'destinationCountry',
        message: `"${input.destinationCountry}" is not an ISO 3166-1 alpha-2 country code`,
      });
    }
    if (input.endUser.country !== undefined && !isCountryCode(input.endUser.country)) {
      errors.push({
        field: 'endUser.country',
        message: `"${input.endUser.country}" is not an ISO 3166-1 alpha-2 country code`,
      });
    }
    const known = new Set(flags.data.items.map((f) => f.code));
    input.redFlags.forEach((code, i) => {
      if (!known.has(screening.normalizeRedFlagCode(code))) {
        errors.push({
          field: `redFlags[${i}]`,
          message: `"${code}" is not on the red-flag checklist ${flags.version} (${[...known][0]}…${[...known].pop()})`,
        });
      }
    });
    if (errors.length > 0)
      throw unprocessable(errors, 'The screening request is not acceptable; see errors.');

    const verdicts = await this.endUsers.screenAll(
      user,
      input.endUser.name,
      input.endUser.country ?? input.destinationCountry,
      'CATCH_ALL',
      {
        screeningId: id,
      },
    );
    const endUserListMatch = verdicts.some((v) => v.hits.length > 0);
    const destinationGroup = catchAllDestinationGroup(groups.data, input.destinationCountry);
    const item = input.catchAllItem === true ? {} : input.catchAllItem === false ? null : input.catchAllItem;
    const result = screening.screenCatchAll(
      {
        listControlled: input.listControlled,
        catchAllItem: item,
        destinationCountry: input.destinationCountry,
        destinationGroup,
        endUserListMatch,
        knowsWeaponsDevelopmentUse: input.knowsWeaponsDevelopmentUse,
        endUserHasWeaponsRecordOrPlan: input.endUserHasWeaponsRecordOrPlan,
        redFlags: input.redFlags,
        informReceived: input.informReceived ?? false,
      },
      { specifiedItemHsPrefixes: items.data.items.map((i) => i.hsPrefix), redFlags: flags.data.items },
    );
    const referenceVersions = {
      'country-groups': groups.version,
      'specified-items': items.version,
      'red-flags': flags.version,
    };
    const listVersions = verdicts.map((v) => ({
      listId: v.head.listId,
      version: v.head.version,
      mode: v.head.mode,
    }));
    await this.ds.query(
      `INSERT INTO screenings (id, kind, organization_id, created_by, input, result, reference_versions, list_versions)
       VALUES ($1, 'CATCH_ALL', $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
      [
        id,
        user.organizationId,
        user.username,
        JSON.stringify(input),
        JSON.stringify({ ...result, endUserListMatch }),
        JSON.stringify(referenceVersions),
        JSON.stringify(listVersions),
      ],
    );
    return view(user, (await this.row(id))!);
  }

  /** Own organisation's screenings; regulator staff see a screening once it is attached to a case. */
  async get(user: UserRecord, id: string) {
    const row = await this.row(id);
    if (!row || !mayRead(user, row)) throw notFound('Screening');
    return view(user, row);
  }

  async forCase(user: UserRecord, caseId: string) {
    const rows: ScreeningRow[] = await this.ds.query(
      `SELECT ${COLUMNS} FROM screenings WHERE case_id = $1 ORDER BY attached_at, id`,
      [caseId],
    );
    return { items: rows.map((r) => view(user, r)), nextCursor: null };
  }

  /** Attach to a case of the same organisation (the caller has already been shown the case). Once only. */
  async attach(user: UserRecord, caseId: string, caseOrganizationId: string, id: string) {
    const row = await this.row(id);
    if (!row || row.organization_id !== user.organizationId || caseOrganizationId !== user.organizationId)
      throw notFound('Screening');
    if (row.case_id === caseId) return { status: 200, body: view(user, row) };
    if (row.case_id !== null)
      throw new ProblemError(
        409,
        'This screening is already attached to another case; run a new screening for this one.',
      );
    const attached = await this.ds.transaction(async (em) => {
      // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
      const [rows]: [ScreeningRow[], number] = await em.query(
        `UPDATE screenings SET case_id = $2, attached_by = $3, attached_at = now() WHERE id = $1 AND case_id IS NULL RETURNING ${COLUMNS}`,
        [id, caseId, user.username],
      );
      if (!rows[0]) return null;
      await appendAudit(em, caseId, [
        {
          sourceKey: `screening-attached:${id}`,
          at: rows[0].attached_at!.toISOString(),
          actor: user.username,
          action: 'SCREENING_ATTACHED',
          details: { screeningId: id, kind: 'CATCH_ALL', licenseRequired: rows[0].result.licenseRequired },
        },
      ]);
      return rows[0];
    });
    if (!attached) {
      // Attached concurrently: the same case is a repeat, another case a conflict.
      const again = (await this.row(id))!;
      if (again.case_id !== caseId)
        throw new ProblemError(409, 'This screening is already attached to another case.');
      return { status: 200, body: view(user, again) };
    }
    return { status: 201, body: view(user, attached) };
  }

  private async row(id: string): Promise<ScreeningRow | undefined> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
    const rows: ScreeningRow[] = await this.ds.query(`SELECT ${COLUMNS} FROM screenings WHERE id = $1`, [id]);
    return rows[0];
  }
}

function mayRead(user: UserRecord, row: ScreeningRow): boolean {
  if (isRegulatorRole(user.role)) return row.case_id !== null;
  return user.role !== 'partner' && row.organization_id === user.organizationId;
}

/** The response: the decision, the trace in English and Japanese, and the versions it used. */
function view(user: UserRecord, r: ScreeningRow) {
  const last = r.result.trace[r.result.trace.length - 1];
  return {
    id: r.id,
    kind: 'CATCH_ALL' as const,
    licenseRequired: r.result.licenseRequired,
    destinationGroup: r.result.destinationGroup,
    destinationCountry: r.input.destinationCountry,
    summary: last?.outcome ?? '',
    summaryJa: last?.outcomeJa ?? '',
    trace: r.result.trace.map((t) => ({
      step: t.step,
      question: t.question,
      answer: t.answer,
      outcome: t.outcome,
      questionJa: t.questionJa,
      outcomeJa: t.outcomeJa,
    })),
    endUserListMatch: r.result.endUserListMatch,
    matchedRedFlags: r.result.matchedRedFlags,
    referenceVersions: r.reference_versions,
    // Which (possibly non-public) list versions were consulted is for the regulator only.
    ...(isRegulatorRole(user.role) ? { endUserListVersions: r.list_versions } : {}),
    input: r.input,
    organizationId: r.organization_id,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    caseId: r.case_id,
    attachedAt: r.attached_at?.toISOString() ?? null,
  };
}
