import { z } from 'zod';
import { isCountryCode, type ReferenceKind } from '@taiwa/domain';

const text = (max: number) => z.string().trim().min(1).max(max);
const code = z.string().regex(/^[A-Z][A-Z0-9_]{1,99}$/, 'an upper-case code of letters, digits and _');
const country = z
  .string()
  .refine(isCountryCode, 'not an ISO 3166-1 alpha-2 country code (two upper-case letters, e.g. "VN")');

/** Path parameter: a version name such as "2026-04-01" or "2026-04-01.1". */
export const VersionNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, '1-40 letters, digits, ".", "_" or "-"');

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'not a calendar date',
  );

/** The body of a PUT: the envelope is checked first (400), the data by kind (422). */
export const ReferenceVersionBodySchema = z
  .object({ effectiveFrom: isoDate, data: z.record(z.string(), z.unknown()) })
  .strict();

function unique<T>(
  items: readonly T[],
  key: (t: T) => string,
  what: string,
  ctx: z.RefinementCtx,
  path: (string | number)[],
): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) ctx.addIssue({ code: 'custom', message: `duplicate ${what} ${k}`, path: [...path, i] });
    seen.add(k);
  });
}

const CountryGroupsSchema = z
  .object({ GROUP_A: z.array(country), UN_ARMS_EMBARGO: z.array(country), ALLIED: z.array(country) })
  .strict()
  .superRefine((g, ctx) => {
    // A country belongs to one group at most: the catch-all rules differ by group.
    const owner = new Map<string, string>();
    for (const group of ['GROUP_A', 'UN_ARMS_EMBARGO', 'ALLIED'] as const) {
      g[group].forEach((c, i) => {
        const before = owner.get(c);
        if (before)
          ctx.addIssue({ code: 'custom', message: `${c} is already in ${before}`, path: [group, i] });
        else owner.set(c, group);
      });
    }
  });

const itemsOf = <T extends z.ZodType>(item: T, key: (t: z.infer<T>) => string, what: string) =>
  z
    .object({ items: z.array(item).min(1).max(5000) })
    .strict()
    .superRefine((d, ctx) => unique(d.items, key, what, ctx, ['items']));

export const REFERENCE_DATA_SCHEMAS: Record<ReferenceKind, z.ZodType> = {
  'country-groups': CountryGroupsSchema,
  'specified-items': itemsOf(
    z
      .object({
        hsPrefix: z.string().regex(/^\d{2,10}$/, '2-10 digits of an HS code'),
        nameJa: text(300),
        nameEn: text(300),
      })
      .strict(),
    (i) => i.hsPrefix,
    'HS prefix',
  ),
  'red-flags': itemsOf(
    z
      .object({
        code: z.string().regex(/^RF\d{2}$/, 'RF followed by two digits, e.g. RF07'),
        textJa: text(1000),
        textEn: text(1000),
      })
      .strict(),
    (f) => f.code,
    'red-flag code',
  ),
  technologies: itemsOf(
    z.object({ code, queue: code, nameJa: text(300), nameEn: text(300) }).strict(),
    (t) => t.code,
    'technology code',
  ),
  'transaction-types': itemsOf(
    z.object({ code, covered: z.boolean(), nameJa: text(300), nameEn: text(300) }).strict(),
    (t) => t.code,
    'transaction type',
  ),
};
