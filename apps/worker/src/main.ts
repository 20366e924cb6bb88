import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { createDataSource } from '@taiwa/persistence';
import { workspaceRoot } from './bundle';
import { createCaseWorker } from './worker';

const log = pino({ name: 'worker', level: process.env.LOG_LEVEL ?? 'info' });

async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const dataSource = createDataSource({ poolSize: 20, applicationName: 'taiwa-worker' });
  await dataSource.initialize();
  const connection = await NativeConnection.connect({ address });
  const prebuilt = process.env.WORKFLOW_BUNDLE ?? join(workspaceRoot(), 'dist/workflow-bundle.js');
  const worker = await createCaseWorker({
    connection,
    namespace,
    dataSource,
    // Unset in production (the default queue); tests and benchmarks give each stack its own.
    taskQueue: process.env.TEMPORAL_TASK_QUEUE || undefined,
    maxCachedWorkflows: Number(process.env.WORKER_MAX_CACHED_WORKFLOWS) || undefined,
    workflowBundlePath: existsSync(prebuilt) ? prebuilt : undefined,
  });
  log.info({ address, namespace, taskQueue: worker.options.taskQueue }, 'case worker started');
  // The SDK shuts the worker down on SIGINT/SIGTERM, finishing in-flight tasks first.
  await worker.run();
  await connection.close();
  await dataSource.destroy();
  log.info('case worker stopped');
}

main().catch((err: unknown) => {
  log.fatal({ err }, 'case worker failed');
  process.exit(1);
});
