import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bundleWorkflowCode, type BundleOptions } from '@temporalio/worker';

/** The workspace root: the nearest folder above `from` holding tsconfig.base.json. */
export function workspaceRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'tsconfig.base.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No tsconfig.base.json above ${from}`);
    dir = parent;
  }
}

/**
 * The SDK's bundler does not read tsconfig paths, so the workspace aliases (@taiwa/domain, …)
 * are handed to webpack here. Workflow code is always bundled from the TypeScript sources.
 */
export function workflowBundleOptions(root: string = workspaceRoot()): BundleOptions {
  const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  const alias = Object.fromEntries(
    Object.entries(compilerOptions.paths).map(([name, [target]]) => [name, join(root, target!)]),
  );
  return {
    workflowsPath: join(root, 'workflows/src/workflows.ts'),
    webpackConfigHook: (config) => {
      config.resolve = { ...config.resolve, alias: { ...(config.resolve?.alias as object), ...alias } };
      return config;
    },
  };
}

export async function bundleWorkflows(root?: string): Promise<{ code: string }> {
  return bundleWorkflowCode(workflowBundleOptions(root));
}
