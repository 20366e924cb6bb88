import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflows } from '../../apps/worker/src/bundle';
import { startTemporalDevServer } from './temporal-server';

/**
 * Once per integration run: the real Temporal dev server on its own port (in-memory) and the
 * workflow bundle, shared by every test file through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'taiwa-test-'));
  const [{ code }, temporal] = await Promise.all([bundleWorkflows(), startTemporalDevServer()]);
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  process.env.TAIWA_TEST_TEMPORAL_ADDRESS = temporal.address;
  process.env.TAIWA_TEST_WORKFLOW_BUNDLE = bundlePath;
  process.env.TAIWA_TEST_TEMPORAL_PID = String(temporal.process.pid);
  process.env.TAIWA_TEST_DIR = dir;
  temporal.process.unref();
}
