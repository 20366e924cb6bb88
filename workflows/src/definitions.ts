/**
 * The case workflow's messages, shared by the workflow and its clients (one definition object
 * each, as in temporalio/samples-typescript message-passing).
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CaseCommandRequest, CaseCommandResult, CaseSnapshot, ProjectionBatch } from '@taiwa/domain';
import type { SlaPolicy } from '@taiwa/domain';
import type { AdvanceReport } from '@taiwa/domain';

export const CASE_TASK_QUEUE = 'taiwa-cases';
export const CASE_WORKFLOW_TYPE = 'caseWorkflow';

/** Every transition and recording action: validated before it enters history, answered after projection. */
export const caseCommandUpdate = defineUpdate<CaseCommandResult, [CaseCommandRequest]>('caseCommand');
/** Answers once the case is projected (used right after start, so the API can return the 201 view). */
export const awaitProjectedUpdate = defineUpdate<CaseSnapshot, []>('awaitProjected');
/** Live state. */
export const snapshotQuery = defineQuery<CaseSnapshot>('snapshot');

export interface CaseWorkflowInput {
  caseId: string;
  caseNumber: string;
  organizationId: string;
  queue: string;
  submittedBy: string;
  report: AdvanceReport;
  referenceVersion: string;
  /** The SLA policy and holiday calendar the case keeps for its whole life. */
  policy: SlaPolicy;
  holidays: string[];
  /** Continue as new once history has more events than this (default 5000); tests set it low. */
  continueAsNewAfterEvents?: number;
  /** Set only by continue-as-new. */
  carried?: unknown;
}

export interface CaseActivities {
  projectCase(batch: ProjectionBatch): Promise<void>;
}
