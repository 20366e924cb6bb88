import type { z } from 'zod';
import { malformed, type FieldError } from './problem';

export function zodErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join(''),
    message: issue.message,
  }));
}

/** Parses a request part with a schema; every bad field is listed in one 400 problem. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw malformed(zodErrors(result.error), `The ${what} is malformed; see errors.`);
  return result.data;
}
