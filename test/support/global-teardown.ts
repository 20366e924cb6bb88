import { rmSync } from 'node:fs';

function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, sig); // the server runs in its own process group
    return true;
  } catch {
    try {
      process.kill(pid, sig);
      return true;
    } catch {
      return false; // already gone
    }
  }
}

/** Stops the test Temporal server (SIGTERM, then SIGKILL if it has not gone within 5 s). */
export default async function globalTeardown(): Promise<void> {
  const pid = Number(process.env.TAIWA_TEST_TEMPORAL_PID);
  if (pid && signal(pid, 'SIGTERM')) {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && signal(pid, 0)) await new Promise((r) => setTimeout(r, 100));
    signal(pid, 'SIGKILL');
  }
  if (process.env.TAIWA_TEST_DIR) rmSync(process.env.TAIWA_TEST_DIR, { recursive: true, force: true });
}
