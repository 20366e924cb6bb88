import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  canonicalJson,
  composeReferenceData,
  tokyoDate,
  versionInForce,
  type ReferenceData,
  type ReferenceKind,
  type ReferenceKindData,
} from '@taiwa/domain';
import { ProblemError } from '../common/problem';
import { DATA_SOURCE } from '../common/tokens';

export interface StoredVersion<K extends ReferenceKind = ReferenceKind> {
  kind: K;
  version: string;
  effectiveFrom: string;
  createdAt: string;
  createdBy: string | null;
  data: ReferenceKindData[K];
}

interface Row {
  kind: ReferenceKind;
  version: string;
  effective_from: string;
  created_at: Date;
  created_by: string | null;
  data: unknown;
}

/** Versions are read often and change rarely; other API instances see a new version within this. */
const CACHE_MS = 5000;

/** Reference data versions by kind, and the one in force on a day (Tokyo). */
@Injectable()
export class ReferenceDataService {
  private readonly cache = new Map<ReferenceKind, { at: number; versions: StoredVersion[] }>();

  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  /** Every version of a kind, oldest effective date first (same date: upload order). */
  async versions<K extends ReferenceKind>(kind: K): Promise<Array<StoredVersion<K>>> {
    const hit = this.cache.get(kind);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.versions as Array<StoredVersion<K>>;
    const rows: Row[] = await this.ds.query(
      `SELECT kind, version, to_char(effective_from, 'YYYY-MM-DD') AS effective_from, created_at, created_by, data
       FROM reference_data_versions WHERE kind = $1 ORDER BY effective_from, created_at, version`,
      [kind],
    );
    const versions = rows.map((r) => ({
      kind: r.kind as K,
      version: r.version,
      effectiveFrom: r.effective_from,
      createdAt: r.created_at.toISOString(),
      createdBy: r.created_by,
      data: r.data as ReferenceKindData[K],
    }));
    this.cache.set(kind, { at: Date.now(), versions });
    return versions;
  }

  today(): string {
    return tokyoDate(Date.now());
  }

  /** The version in force today; 503 if none is (the seed always loads one). */
  async inForce<K extends ReferenceKind>(kind: K, date = this.today()): Promise<StoredVersion<K>> {
    const v = versionInForce(await this.versions(kind), date);
    if (!v)
      throw new ProblemError(
        503,
        `No ${kind} reference data is in force; a regulator admin must load a version.`,
      );
    return v;
  }

  /** Stores a new version; an existing version is immutable (the same content again is a no-op). */
  async put<K extends ReferenceKind>(
    kind: K,
    version: string,
    effectiveFrom: string,
    data: ReferenceKindData[K],
    by: string,
  ): Promise<{ created: boolean; stored: StoredVersion<K> }> {
    const inserted: unknown[] = await this.ds.query(
      `INSERT INTO reference_data_versions (kind, version, effective_from, data, created_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (kind, version) DO NOTHING RETURNING version`,
      [kind, version, effectiveFrom, JSON.stringify(data), by],
    );
    this.cache.delete(kind);
    const stored = (await this.versions(kind)).find((v) => v.version === version)!;
    if (inserted.length === 0 && (stored.effectiveFrom !== effectiveFrom || !sameJson(stored.data, data))) {
      throw new ProblemError(
        409,
        `Version ${version} of ${kind} already exists with other content; versions never change, so use a new version name.`,
        {
          slug: 'version-exists',
          title: 'Version exists',
        },
      );
    }
    return { created: inserted.length > 0, stored };
  }

  /** The advance-report reference data (applicability) from the kinds in force, with their versions. */
  async advanceReportData(): Promise<{ ref: ReferenceData; versions: Record<string, string> }> {
    const [technologies, transactionTypes, countryGroups] = await Promise.all([
      this.inForce('technologies'),
      this.inForce('transaction-types'),
      this.inForce('country-groups'),
    ]);
    return {
      ref: composeReferenceData(technologies, transactionTypes, countryGroups),
      versions: {
        technologies: technologies.version,
        'transaction-types': transactionTypes.version,
        'country-groups': countryGroups.version,
      },
    };
  }
}


function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
