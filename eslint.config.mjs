// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-results/**', '**/*.mjs', '**/*.cjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    // Type-aware rules: this codebase is built on promises, and a dropped one is a lost audit line or an
    // unhandled rejection in the extension host.
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // One logger, through the redactor: nothing in the product writes to the console directly.
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // The bottom layer: ids and the webview protocol, shared by host and webview. It depends on zod only.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['*', '!zod', '!./*'], message: 'src/shared imports nothing but zod (and its own files).' }],
      }],
    },
  },
  {
    // The core is pure: it receives interfaces and knows nothing of VS Code, sockets, processes or SDKs.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'src/core is pure: take an interface, let an adapter call VS Code.' },
          { name: 'node:http', message: 'src/core is pure: the HTTP server lives in src/adapters/node.' },
          { name: 'http', message: 'src/core is pure: the HTTP server lives in src/adapters/node.' },
          { name: 'node:https', message: 'src/core is pure.' },
          { name: 'https', message: 'src/core is pure.' },
          { name: 'node:child_process', message: 'src/core is pure: processes are spawned in src/adapters.' },
          { name: 'child_process', message: 'src/core is pure: processes are spawned in src/adapters.' },
          { name: 'node:fs', message: 'src/core is pure: files are read and written in src/adapters.' },
          { name: 'fs', message: 'src/core is pure: files are read and written in src/adapters.' },
          { name: 'node:fs/promises', message: 'src/core is pure.' },
          { name: 'fs/promises', message: 'src/core is pure.' },
        ],
        patterns: [
          { group: ['@1password/*'], message: 'src/core is pure: the 1Password SDK is used in src/adapters/stores.' },
          { group: ['**/adapters/**'], message: 'src/core must not depend on adapters.' },
        ],
      }],
    },
  },
);
