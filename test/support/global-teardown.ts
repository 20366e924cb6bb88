import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const pid = Number(process.env.TAIWA_TEST_TEMPORAL_PID);
  if (pid) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
  if (process.env.TAIWA_TEST_DIR) rmSync(process.env.TAIWA_TEST_DIR, { recursive: true, force: true });
}
