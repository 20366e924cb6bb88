import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { UserRecord } from '../auth/users.service';
import { DATA_SOURCE } from '../common/tokens';
import { EndUserChecksService } from './end-user-checks.service';

/**
 * Every advance report's counterparty is checked against every list in force (both modes) when the
 * case is filed. A match becomes a regulator flag on the case (regulator_flags, which only
 * regulator roles see); the applicant learns nothing from it.
 */
@Injectable()
export class SubmissionScreeningService {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    private readonly endUsers: EndUserChecksService,
  ) {}

  /** Runs after the case row exists; repeat-safe (a flag per list version is added once). */
  async screenCase(
    user: Pick<UserRecord, 'username' | 'organizationId'>,
    caseId: string,
    counterparty: { name: string; country: string },
  ) {
    const verdicts = await this.endUsers.screenAll(
      user,
      counterparty.name,
      counterparty.country,
      'SUBMISSION',
      { caseId },
    );
    const at = new Date().toISOString();
    const flags = verdicts
      .filter((v) => v.hits.length > 0)
      .map((v) => {
        const best = v.hits[0]!;
        return {
          code: 'END_USER_LIST_MATCH',
          message: `Counterparty "${counterparty.name}" (${counterparty.country}) matches "${best.record.name}" (${best.record.country}, ${best.record.category}, ${best.record.reason}) on ${v.head.mode === 'NON_PUBLIC' ? 'non-public ' : ''}list ${v.head.listId} version ${v.head.version}, score ${best.score}. Review before accepting; the applicant is not told.`,
          at,
          listId: v.head.listId,
          listVersion: v.head.version,
        };
      });
    if (flags.length === 0) return;
    // Only regulator_flags is written: the projection's upsert never touches that column.
    await this.ds.query(
      `UPDATE cases SET regulator_flags = regulator_flags || COALESCE((
         SELECT jsonb_agg(f) FROM jsonb_array_elements($2::jsonb) f
         WHERE NOT cases.regulator_flags @> jsonb_build_array(
           jsonb_build_object('code', f->'code', 'listId', f->'listId', 'listVersion', f->'listVersion'))
       ), '[]'::jsonb)
       WHERE id = $1`,
      [caseId, JSON.stringify(flags)],
    );
  }
}
