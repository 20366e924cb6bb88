import { z } from 'zod';
import {
  END_USER_CATEGORIES,
  END_USER_LIST_MODES,
  isCountryCode,
  screening,
  type EndUserEntry,
} from '@taiwa/domain';
import type { FieldError } from '../common/problem';

export const LIST_ID = /^[A-Z0-9][A-Z0-9_-]{0,39}$/;
const ListIdSchema = z.string().regex(LIST_ID, '1-40 upper-case letters, digits, "_" or "-"');
const countryShape = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code: two upper-case letters');
export const MAX_ENTRIES = 20000;

export { ListIdSchema };

/** One entry as uploaded; its shape is checked here (400), its content by acceptableEntries (422). */
const EntryShape = z
  .object({
    name: z.string().max(300),
    aliases: z.array(z.string().max(300)).max(50),
    country: z.string().max(10),
    category: z.string().max(40),
    reason: z.string().max(100),
  })
  .strict();

export const EndUserListBodySchema = z
  .object({ mode: z.enum(END_USER_LIST_MODES), entries: z.array(EntryShape).max(MAX_ENTRIES) })
  .strict();

export const CsvModeSchema = z.object({ mode: z.enum(END_USER_LIST_MODES) }).strict();

/** The CSV columns (header row required, any order); aliases are separated by "|". */
export const CSV_COLUMNS = ['name', 'aliases', 'country', 'category', 'reason'] as const;

const REASON = /^[A-Z0-9_-]{1,60}$/;

/**
 * Content checks of a list (422): every country a real code, a known category, a reason code, and
 * a name that is still a name once corporate forms are stripped. `where(i)` names the row.
 */
export function acceptableEntries(
  entries: EndUserEntry[],
  where: (i: number) => string = () => '',
): FieldError[] {
  const errors: FieldError[] = [];
  if (entries.length === 0) errors.push({ field: 'entries', message: 'a list needs at least one entry' });
  entries.forEach((e, i) => {
    const at = (f: string, message: string) =>
      errors.push({ field: `entries[${i}].${f}`, message: `${message}${where(i)}` });
    if (e.name.length > 300) at('name', 'at most 300 characters');
    if (e.aliases.length > 50) at('aliases', 'at most 50 aliases');
    if (!e.name.trim()) at('name', 'must not be empty');
    else if (!screening.normalizeName(e.name))
      at('name', 'has nothing left to match once punctuation and corporate forms are removed');
    e.aliases.forEach((a, j) => {
      if (!a.trim()) at(`aliases[${j}]`, 'must not be empty');
    });
    if (!isCountryCode(e.country)) at('country', `"${e.country}" is not an ISO 3166-1 alpha-2 country code`);
    if (!(END_USER_CATEGORIES as readonly string[]).includes(e.category)) {
      at('category', `"${e.category}" is not one of ${END_USER_CATEGORIES.join(', ')}`);
    }
    if (!REASON.test(e.reason))
      at('reason', 'a reason code of upper-case letters, digits, "_" or "-" (e.g. DIVERSION)');
  });
  return errors;
}

export function cleanEntry(e: z.infer<typeof EntryShape>): EndUserEntry {
  return {
    name: e.name.trim(),
    aliases: e.aliases.map((a) => a.trim()),
    country: e.country.trim(),
    category: e.category.trim() as EndUserEntry['category'],
    reason: e.reason.trim(),
  };
}

export const EndUserCheckSchema = z
  .object({
    name: z.string().trim().min(1).max(300),
    country: countryShape.optional(),
    listId: ListIdSchema.optional(),
  })
  .strict();

export const CatchAllSchema = z
  .object({
    listControlled: z.boolean(),
    /** The item if it is within the catch-all control (true when no HS code is known); false or null if not. */
    catchAllItem: z.union([
      z.boolean(),
      z.null(),
      z
        .object({
          hsCode: z
            .string()
            .regex(/^[0-9][0-9. ]{1,19}$/, 'an HS code such as 8456.11')
            .optional(),
          description: z.string().trim().max(500).optional(),
        })
        .strict(),
    ]),
    destinationCountry: countryShape,
    endUser: z.object({ name: z.string().trim().min(1).max(300), country: countryShape.optional() }).strict(),
    knowsWeaponsDevelopmentUse: z.boolean(),
    endUserHasWeaponsRecordOrPlan: z.boolean(),
    redFlags: z.array(z.string().max(10)).max(40),
    informReceived: z.boolean().optional(),
  })
  .strict();
export type CatchAllBody = z.infer<typeof CatchAllSchema>;
