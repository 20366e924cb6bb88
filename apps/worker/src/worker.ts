import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { DataSource } from 'typeorm';
import { CASE_TASK_QUEUE } from '@taiwa/workflows';
import { createActivities } from './activities';
import { workflowBundleOptions } from './bundle';

export interface CaseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  dataSource: DataSource;
  taskQueue?: string;
  /** A prebuilt bundle (production); otherwise the TypeScript sources are bundled at start. */
  workflowBundlePath?: string;
  /** Bundle code already made (tests bundle once and share it). */
  workflowBundleCode?: string;
  /** Workflows kept in memory (~1 MB each, bench/lifecycle); evicted ones replay from history. */
  maxCachedWorkflows?: number;
}

/** Sized for a small machine: one workflow thread, a bounded cache, activity slots within the DB pool. */
export async function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  const workflowSource: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> =
    options.workflowBundleCode !== undefined
      ? { workflowBundle: { code: options.workflowBundleCode } }
      : options.workflowBundlePath
        ? { workflowBundle: { codePath: options.workflowBundlePath } }
        : (() => {
            const { workflowsPath, webpackConfigHook } = workflowBundleOptions();
            return { workflowsPath, bundlerOptions: { webpackConfigHook } };
          })();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? CASE_TASK_QUEUE,
    activities: createActivities(options.dataSource),
    ...workflowSource,
    // Measured here (docs/performance.md): 500 cached cases ran faster and in half the memory of 2000.
    maxCachedWorkflows: options.maxCachedWorkflows ?? 500,
    maxConcurrentWorkflowTaskExecutions: 40,
    maxConcurrentActivityTaskExecutions: 20,
  });
}
