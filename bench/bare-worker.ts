import { NativeConnection, Worker } from '@temporalio/worker';

/** The bare engine's worker (a child process of bench/lifecycle, like the case worker). */
async function main(): Promise<void> {
  const connection = await NativeConnection.connect({
    address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
  });
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? 'bare',
    workflowsPath: require.resolve('./bare-workflow'),
    // The same workflow slots and cache as the case worker, so only the work differs.
    maxCachedWorkflows: Number(process.env.WORKER_MAX_CACHED_WORKFLOWS) || 500,
    maxConcurrentWorkflowTaskExecutions: 40,
  });
  process.stdout.write('ready\n');
  await worker.run();
  await connection.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
