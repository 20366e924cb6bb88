import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CaseRefusedError } from '@taiwa/case-client';
import { canonicalJson, DomainRefusal } from '@taiwa/domain';
import { malformed, ProblemError } from './problem';
import { DATA_SOURCE } from './tokens';

export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

interface KeyRow {
  route: string;
  request_hash: string;
  resource_id: string;
  status_code: number | null;
  response: unknown;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;


/**
 * `Idempotency-Key` for creating POSTs: the first request reserves the key with a resource id; a
 * repeat with the same body returns the stored response (or, if the first never finished, redoes
 * the work with the same resource id, which every executor makes safe); a repeat with another
 * body is 422. A refusal (4xx) frees the key, since it changed nothing.
 */
@Injectable()
export class IdempotencyService {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async run<T>(
    username: string,
    key: string | undefined,
    route: string,
    body: unknown,
    exec: (resourceId: string) => Promise<{ status: number; body: T }>,
  ): Promise<IdempotentResult<T>> {
    if (key === undefined) return { ...(await exec(randomUUID())), replayed: false };
    if (!KEY_PATTERN.test(key)) {
      throw malformed([{ field: 'Idempotency-Key', message: 'must be 1-200 printable ASCII characters' }]);
    }
    const hash = createHash('sha256').update(`${route}\n${canonicalJson(body)}`).digest('hex');
    const inserted: KeyRow[] = await this.ds.query(
      `INSERT INTO idempotency_keys (username, key, route, request_hash, resource_id)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING
       RETURNING route, request_hash, resource_id, status_code, response`,
      [username, key, route, hash, randomUUID()],
    );
    let row = inserted[0];
    if (!row) {
      const rows: KeyRow[] = await this.ds.query(
        'SELECT route, request_hash, resource_id, status_code, response FROM idempotency_keys WHERE username = $1 AND key = $2',
        [username, key],
      );
      row = rows[0]!;
      if (row.route !== route || row.request_hash !== hash) {
        throw new ProblemError(422, 'This Idempotency-Key was already used with a different request.', {
          slug: 'idempotency-key-reused',
          errors: [{ field: 'Idempotency-Key', message: 'reused with a different request body or path' }],
        });
      }
      if (row.status_code !== null) return { status: row.status_code, body: row.response as T, replayed: true };
    }
    try {
      const result = await exec(row.resource_id);
      await this.ds.query(
        'UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE username = $1 AND key = $2',
        [username, key, result.status, JSON.stringify(result.body)],
      );
      return { ...result, replayed: false };
    } catch (err) {
      if ((err instanceof ProblemError && err.status < 500) || err instanceof CaseRefusedError || err instanceof DomainRefusal) {
        await this.ds.query('DELETE FROM idempotency_keys WHERE username = $1 AND key = $2 AND status_code IS NULL', [
          username,
          key,
        ]);
      }
      throw err;
    }
  }

  /** Whether this user already sent a request with this key (finished or not). */
  async taken(username: string, key: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query('SELECT 1 FROM idempotency_keys WHERE username = $1 AND key = $2', [
      username,
      key,
    ]);
    return rows.length > 0;
  }

  /** A stable Temporal update id for a keyed request, so the workflow dedupes it too. */
  static updateId(username: string, key: string | undefined): string | undefined {
    return key === undefined ? undefined : createHash('sha256').update(`${username}\n${key}`).digest('hex');
  }
}
