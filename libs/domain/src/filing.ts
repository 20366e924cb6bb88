import { addDays, tokyoDate } from './calendar';
import type { AdvanceReport, CaseWarning } from './case-model';
import { destinationGroup, isCountryCode, queueFor, type ReferenceData } from './reference';

export interface FieldProblem {
  field: string;
  message: string;
}

/** The regulator asks for the report, in principle, 30 days before the contract. */
export const REPORT_LEAD_DAYS = 30;

/**
 * Whether a well-formed advance report is acceptable (API.md: unknown codes, a past contract date,
 * an uncovered transaction type or a Group A counterparty are 422 unless the report is voluntary).
 * Every problem is listed; an empty list means acceptable.
 */
export function assessAdvanceReport(ref: ReferenceData, report: AdvanceReport, nowMs: number): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const voluntary = report.voluntary === true;
  if (queueFor(ref, report.technologyCategory) === undefined) {
    problems.push({
      field: 'technologyCategory',
      message: `unknown technology category ${report.technologyCategory}; known: ${ref.technologies.map((t) => t.code).join(', ')}`,
    });
  }
  const type = ref.transactionTypes.find((t) => t.code === report.transactionType);
  if (!type) {
    problems.push({
      field: 'transactionType',
      message: `unknown transaction type ${report.transactionType}; known: ${ref.transactionTypes.map((t) => t.code).join(', ')}`,
    });
  } else if (!type.covered && !voluntary) {
    problems.push({
      field: 'transactionType',
      message: `${type.code} is not a covered transaction type, so no advance report is required; file with "voluntary": true to report anyway`,
    });
  }
  const country = report.counterparty.country;
  if (!isCountryCode(country)) {
    problems.push({ field: 'counterparty.country', message: `${country} is not an ISO 3166-1 alpha-2 country code` });
  } else if (destinationGroup(ref, country) === 'GROUP_A' && !voluntary) {
    problems.push({
      field: 'counterparty.country',
      message: `${country} is a Group A country, which the scheme does not cover; file with "voluntary": true to report anyway`,
    });
  }
  if (report.plannedContractDate <= tokyoDate(nowMs)) {
    problems.push({
      field: 'plannedContractDate',
      message: 'must be after today: the report must come before the contract',
    });
  }
  return problems;
}

/** Warnings shown at filing: the contract is too close, or comes before consultation is expected to end. */
export function filingWarnings(
  report: AdvanceReport,
  nowMs: number,
  expected: ReadonlyArray<{ stage: string; expectedBy: string }>,
): CaseWarning[] {
  const warnings: CaseWarning[] = [];
  const leadDate = addDays(tokyoDate(nowMs), REPORT_LEAD_DAYS);
  if (report.plannedContractDate < leadDate) {
    warnings.push({
      code: 'CONTRACT_DATE_WITHIN_30_DAYS',
      message: `The planned contract date ${report.plannedContractDate} is less than ${REPORT_LEAD_DAYS} days away; the regulator asks for reports ${REPORT_LEAD_DAYS} days before the contract.`,
    });
  }
  const consultationEnd = expected.find((e) => e.stage === 'CONSULTATION')?.expectedBy;
  if (consultationEnd && report.plannedContractDate < consultationEnd) {
    warnings.push({
      code: 'CONTRACT_DATE_BEFORE_EXPECTED_END',
      message: `The planned contract date ${report.plannedContractDate} falls before the expected end of consultation (${consultationEnd}); do not sign before the consultation ends.`,
    });
  }
  if (report.voluntary === true) {
    warnings.push({ code: 'VOLUNTARY_REPORT', message: 'Filed voluntarily: this transaction is not one the scheme requires to be reported.' });
  }
  return warnings;
}
