import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { DEFAULT_END_USER_LIST, screening, type EndUserListMode } from '@taiwa/domain';
import type { UserRecord } from '../auth/users.service';
import { API_CONFIG, type ApiConfig } from '../config';
import { notFound, ProblemError } from '../common/problem';
import { DATA_SOURCE, REDIS } from '../common/tokens';
import { EndUserListsService, type EntryRecord, type ListHead } from './end-user-lists.service';

/** Non-public checks (and catch-all screenings that consult a non-public list) per organisation per minute. */
export const NON_PUBLIC_CHECKS_PER_MINUTE = 30;

/**
 * The two verdicts of a non-public check. Fixed strings whose lengths differ by exactly the length
 * difference of `true` and `false`, so the two responses have the same keys, order and byte length.
 */
export const NON_PUBLIC_ADVICE = {
  match: {
    advice: 'Match: consult the regulator (METI) before you go ahead with this counterparty.',
    adviceJa: '該当あり：この相手方との取引を進める前に、経済産業省に相談してください。',
  },
  noMatch: {
    advice: 'No match on this list: keep up your usual end-user due diligence all the same.',
    adviceJa: '該当なし：通常どおり需要者の確認を継続し、懸念があれば相談してください。',
  },
} as const;

export type CheckContext = 'END_USER_CHECK' | 'CATCH_ALL' | 'SUBMISSION';

export interface ListVerdict {
  head: ListHead;
  hits: Array<screening.ScreeningHit<EntryRecord>>;
}

interface AuditInput {
  user: Pick<UserRecord, 'username' | 'organizationId'>;
  head: Pick<ListHead, 'listId' | 'mode'> & { version: number | null };
  context: CheckContext;
  name: string;
  country?: string;
  verdict: 'MATCH' | 'NO_MATCH' | 'RATE_LIMITED';
  caseId?: string;
  screeningId?: string;
}

export class RateLimitedError extends ProblemError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      `Too many non-public end-user checks for your organisation: at most ${NON_PUBLIC_CHECKS_PER_MINUTE} a minute. Try again in ${retryAfterSeconds} s.`,
      {
        retryAfter: retryAfterSeconds,
      },
    );
  }
}

/** Checks names against End User Lists: rate limits, the same work for every verdict, and an audit row for every check. */
@Injectable()
export class EndUserChecksService {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly lists: EndUserListsService,
  ) {}

  /** POST /end-user-checks: one list (default EUL). */
  async check(user: UserRecord, input: { name: string; country?: string; listId?: string }) {
    const head = await this.lists.head(input.listId ?? DEFAULT_END_USER_LIST);
    if (!head) throw notFound('End-user list');
    if (head.mode === 'NON_PUBLIC')
      await this.takeNonPublicToken(user, [head], 'END_USER_CHECK', input.name, input.country);
    const { hits } = await this.screenOne(head, input.name, input.country);
    await this.audit({
      user,
      head,
      context: 'END_USER_CHECK',
      name: input.name,
      country: input.country,
      verdict: hits.length ? 'MATCH' : 'NO_MATCH',
    });
    if (head.mode === 'NON_PUBLIC') return nonPublicVerdict(hits.length > 0);
    return {
      mode: 'PUBLIC' as const,
      listId: head.listId,
      listVersion: head.version,
      matches: hits.slice(0, 20).map((h) => ({
        name: h.record.name,
        aliases: h.record.aliases,
        country: h.record.country,
        category: h.record.category,
        reason: h.record.reason,
        score: h.score,
        matchedOn: h.matchedOn,
        listVersion: head.version,
      })),
    };
  }

  /**
   * Every list in force, for the catch-all screening and the submission check; audited per list.
   * Rate-limited (once) when a non-public list is consulted on a company's behalf.
   */
  async screenAll(
    user: Pick<UserRecord, 'username' | 'organizationId'>,
    name: string,
    country: string | undefined,
    context: Exclude<CheckContext, 'END_USER_CHECK'>,
    ids: { caseId?: string; screeningId?: string } = {},
  ): Promise<ListVerdict[]> {
    const heads = await this.lists.heads();
    if (context === 'CATCH_ALL') await this.takeNonPublicToken(user, heads, context, name, country);
    const verdicts: ListVerdict[] = [];
    for (const head of heads) verdicts.push(await this.screenOne(head, name, country));
    await this.ds.transaction(async (em) => {
      for (const v of verdicts) {
        await this.audit(
          {
            user,
            head: v.head,
            context,
            name,
            country,
            verdict: v.hits.length ? 'MATCH' : 'NO_MATCH',
            ...ids,
          },
          em,
        );
      }
    });
    return verdicts;
  }

  private async screenOne(head: ListHead, name: string, country: string | undefined): Promise<ListVerdict> {
    const list = await this.lists.compile(head);
    return { head, hits: screening.screenCompiled(name, country, list.records) };
  }

  /** A fixed one-minute window per organisation in Redis; a refusal is audited too. */
  private async takeNonPublicToken(
    user: Pick<UserRecord, 'username' | 'organizationId'>,
    heads: ListHead[],
    context: CheckContext,
    name: string,
    country: string | undefined,
  ): Promise<void> {
    const nonPublic = heads.filter((h) => h.mode === 'NON_PUBLIC');
    if (nonPublic.length === 0) return;
    const now = Date.now();
    const window = Math.floor(now / 60000);
    const key = `${this.config.redisPrefix}:screening:non-public-checks:${user.organizationId}:${window}`;
    const result = await this.redis.multi().incr(key).expire(key, 120).exec();
    const count = Number(result?.[0]?.[1] ?? Number.MAX_SAFE_INTEGER);
    if (count <= NON_PUBLIC_CHECKS_PER_MINUTE) return;
    for (const head of nonPublic) {
      await this.audit({
        user,
        head: { ...head, version: null },
        context,
        name,
        country,
        verdict: 'RATE_LIMITED',
      });
    }
    throw new RateLimitedError(Math.max(1, Math.ceil(((window + 1) * 60000 - now) / 1000)));
  }

  private async audit(a: AuditInput, em: { query: DataSource['query'] } = this.ds): Promise<void> {
    const hash = createHash('sha256').update(screening.normalizeName(a.name)).digest('hex');
    await em.query(
      `INSERT INTO screening_audit (username, organization_id, list_id, list_version, mode, context, query_name, query_country,
                                    query_hash, verdict, case_id, screening_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        a.user.username,
        a.user.organizationId,
        a.head.listId,
        a.head.version,
        a.head.mode,
        a.context,
        a.name,
        a.country ?? null,
        hash,
        a.verdict,
        a.caseId ?? null,
        a.screeningId ?? null,
      ],
    );
  }
}

/** The whole non-public answer: nothing of the list, only the verdict and its fixed advice. */
export function nonPublicVerdict(match: boolean): {
  mode: EndUserListMode;
  match: boolean;
  advice: string;
  adviceJa: string;
} {
  const text = match ? NON_PUBLIC_ADVICE.match : NON_PUBLIC_ADVICE.noMatch;
  return { mode: 'NON_PUBLIC', match, advice: text.advice, adviceJa: text.adviceJa };
}
