import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { screening, type EndUserEntry, type EndUserListMode } from '@taiwa/domain';
import { DATA_SOURCE } from '../common/tokens';

export interface ListHead {
  listId: string;
  version: number;
  mode: EndUserListMode;
}

export interface EntryRecord extends EndUserEntry {
  id: string;
}

export interface CompiledList extends ListHead {
  records: ReadonlyArray<screening.CompiledRecord<EntryRecord>>;
}

interface HeadRow {
  list_id: string;
  version: number;
  mode: EndUserListMode;
  entry_count: number;
  uploaded_by: string;
  uploaded_at: Date;
}

/**
 * End User List versions. The highest version of a list is in force. A version is normalised once,
 * the first time it is checked against, and kept by (list, version): checks then normalise only
 * the query.
 */
@Injectable()
export class EndUserListsService {
  private readonly compiled = new Map<string, Promise<CompiledList>>();

  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  /** The version in force of one list, or null if the list does not exist. */
  async head(listId: string): Promise<ListHead | null> {
    const rows: HeadRow[] = await this.ds.query(
      'SELECT list_id, version, mode FROM end_user_list_versions WHERE list_id = $1 ORDER BY version DESC LIMIT 1',
      [listId],
    );
    return rows[0] ? { listId: rows[0].list_id, version: rows[0].version, mode: rows[0].mode } : null;
  }

  /** The version in force of every list, in list order. */
  async heads(): Promise<ListHead[]> {
    const rows: HeadRow[] = await this.ds.query(
      `SELECT DISTINCT ON (list_id) list_id, version, mode FROM end_user_list_versions ORDER BY list_id, version DESC`,
    );
    return rows.map((r) => ({ listId: r.list_id, version: r.version, mode: r.mode }));
  }

  /** Summaries for the regulator: every list with its versions (newest first), never the entries. */
  async summaries() {
    const rows: HeadRow[] = await this.ds.query(
      `SELECT list_id, version, mode, entry_count, uploaded_by, uploaded_at FROM end_user_list_versions
       ORDER BY list_id, version DESC`,
    );
    const lists = new Map<
      string,
      { listId: string; mode: EndUserListMode; version: number; versions: unknown[] }
    >();
    for (const r of rows) {
      const list = lists.get(r.list_id) ?? {
        listId: r.list_id,
        mode: r.mode,
        version: r.version,
        versions: [],
      };
      list.versions.push({
        version: r.version,
        mode: r.mode,
        entries: r.entry_count,
        uploadedBy: r.uploaded_by,
        uploadedAt: r.uploaded_at.toISOString(),
      });
      lists.set(r.list_id, list);
    }
    return { items: [...lists.values()], nextCursor: null };
  }

  async compile(head: ListHead): Promise<CompiledList> {
    const key = `${head.listId}:${head.version}`;
    let entry = this.compiled.get(key);
    if (!entry) {
      entry = this.load(head);
      this.compiled.set(key, entry);
      entry.catch(() => this.compiled.delete(key));
      // Older versions of this list are no longer in force: drop them.
      for (const k of this.compiled.keys()) {
        const [list, version] = k.split(':');
        if (list === head.listId && Number(version) < head.version) this.compiled.delete(k);
      }
    }
    return entry;
  }

  private async load(head: ListHead): Promise<CompiledList> {
    const rows: Array<{ entries: EndUserEntry[] }> = await this.ds.query(
      'SELECT entries FROM end_user_list_versions WHERE list_id = $1 AND version = $2',
      [head.listId, head.version],
    );
    const entries = rows[0]?.entries ?? [];
    const records = entries.map((e, i) => ({
      ...e,
      id: `${head.listId}:${head.version}:${String(i).padStart(6, '0')}`,
    }));
    return { ...head, records: screening.compileNameRecords(records) };
  }

  /** Stores a new version (the next number) of a list; it is in force at once. */
  async upload(
    listId: string,
    mode: EndUserListMode,
    entries: EndUserEntry[],
    by: string,
  ): Promise<ListHead & { entries: number }> {
    const stored = await this.ds.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`end-user-list:${listId}`]);
      const rows: Array<{ next: number }> = await em.query(
        'SELECT COALESCE(MAX(version), 0) + 1 AS next FROM end_user_list_versions WHERE list_id = $1',
        [listId],
      );
      const version = Number(rows[0]!.next);
      await em.query(
        `INSERT INTO end_user_list_versions (list_id, version, mode, entries, entry_count, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [listId, version, mode, JSON.stringify(entries), entries.length, by],
      );
      return { listId, version, mode, entries: entries.length };
    });
    // Normalise the new version now rather than in the first check (errors surface in that check).
    void this.compile({ listId, version: stored.version, mode }).catch(() => undefined);
    return stored;
  }
}
