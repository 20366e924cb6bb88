import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface StartedTemporal {
  address: string;
  process: ChildProcess;
}

/**
 * Starts the real Temporal dev server (in-memory) on a free port and waits until its frontend
 * answers. Started by hand rather than through createLocal, whose 5 s start window is too short
 * on a loaded 2-core machine.
 */
export async function startTemporalDevServer(options: { dbFile?: string; port?: number; timeoutMs?: number } = {}): Promise<StartedTemporal> {
  const cli = process.env.TEMPORAL_CLI_PATH;
  if (!cli) throw new Error('TEMPORAL_CLI_PATH is not set: run the tests through `npm test`, which builds the Temporal CLI.');
  const port = options.port ?? (await freePort());
  const args = [
    'server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--namespace', 'default',
    '--log-level', 'warn',
    '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
  ];
  if (options.dbFile) args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
  // stderr goes to a file, not a pipe: the server outlives this process's interest in it, and a
  // Go program that writes a warning into a closed pipe dies of SIGPIPE.
  const logFile = join(mkdtempSync(join(tmpdir(), 'taiwa-temporal-')), 'stderr.log');
  const logFd = openSync(logFile, 'a');
  const child = spawn(cli, args, { stdio: ['ignore', 'ignore', logFd], detached: true });
  closeSync(logFd);
  const stderrTail = () => {
    try {
      return readFileSync(logFile, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  };
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Temporal dev server exited (${child.exitCode}): ${stderrTail()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: '1s' });
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      await connection.close();
      return { address, process: child };
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`Temporal dev server did not answer on ${address}: ${stderrTail()}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
