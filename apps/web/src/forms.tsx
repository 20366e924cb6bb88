/** Glue between react-hook-form and the API's problems: each errors[].field lands on its field. */
import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { useQuery } from '@tanstack/react-query';
import { ApiProblem, apiFetch, formPath } from './api';

/** Puts the problem's field errors next to their fields; returns the errors no field took. */
export function applyProblem<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly string[],
): unknown {
  if (!(error instanceof ApiProblem) || error.errors.length === 0) return error;
  const rest = error.errors.filter((e) => {
    const path = formPath(e.field);
    if (!fields.some((f) => path === f || path.startsWith(`${f}.`))) return true;
    setError(path as Path<T>, { type: 'server', message: e.message });
    return false;
  });
  return rest.length === 0 ? null : new ApiProblem(error.status, error.title, error.detail, rest);
}

export const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

export interface ReferenceData {
  version: string;
  effectiveFrom: string;
  technologies: Array<{ code: string; queue: string; nameJa: string; nameEn: string }>;
  transactionTypes: Array<{ code: string; covered: boolean; nameJa: string; nameEn: string }>;
  countryGroups: Record<string, string[]>;
}

export function useReferenceData() {
  return useQuery({
    queryKey: ['reference-data'],
    queryFn: () => apiFetch<ReferenceData>('/reference-data'),
    staleTime: 300_000,
  });
}
