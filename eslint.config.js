// Lint: typescript-eslint's recommended rules, plus the dependency rules of ARCHITECTURE.md —
// libs/domain and workflows/ stay pure (no I/O, no frameworks), libs never import apps.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const IMPURE = ['node:*', 'fs', 'path', 'crypto', 'http', 'https', 'net', 'child_process', 'typeorm', 'pg', 'ioredis', 'bullmq', '@nestjs/*', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'undici', '@taiwa/persistence', '@taiwa/case-client', '@taiwa/webhooks'];

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.run/**', '.nx/**', 'coverage/**', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/apps/**'], message: 'Libraries never import apps.' }] }],
    },
  },
  {
    files: ['libs/domain/src/**/*.ts', 'workflows/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: IMPURE, message: 'libs/domain and workflows/ are pure: no I/O or framework imports.' }] }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Not deterministic: use uuid4() in workflows.' }],
    },
  },
);
