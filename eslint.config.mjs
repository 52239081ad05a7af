// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const literal = ':matches(Literal, TemplateLiteral)';
/** A literal that reads as words (an example name like DEPLOY_TOKEN or a `secret:${name}` reference is not prose). */
const prose = ':matches(Literal[value=/[a-z]/], TemplateLiteral:has(TemplateElement[value.raw=/[a-z] /]))';
/** no-restricted-syntax selectors for untranslated person-facing text (exported for its unit test). */
export const L10N_RULES = [
  {
    selector: `CallExpression[callee.property.name=/^show(Information|Warning|Error)Message$/] > ${literal}`,
    message: 'Translate it: vscode.l10n.t(\'…\') (a notification\'s text and its buttons are read by a person).',
  },
  {
    selector: `CallExpression:matches([callee.property.name=/^(showQuickPick|showInputBox|showWorkspaceFolderPick|withProgress|showSaveDialog|showOpenDialog)$/], [callee.name=/^(askInput|askPick|askSecretValue)$/]) Property[key.name=/^(title|prompt|placeHolder|placeholder|saveLabel|openLabel|label|description|detail)$/] > ${prose}.value`,
    message: 'Translate it: vscode.l10n.t(\'…\') (a picker\'s, input box\'s, progress\'s or dialog\'s text is read by a person).',
  },
  {
    selector: `AssignmentExpression[left.property.name=/^(text|tooltip|title|placeholder|prompt|placeHolder|description|message)$/] > ${prose}.right`,
    message: 'Translate it: vscode.l10n.t(\'…\') (a status bar item\'s, tree item\'s or input\'s text is read by a person).',
  },
  {
    selector: `CallExpression[callee.property.name='t'][callee.object.name='l10n'][arguments.0.type!='Literal'], CallExpression[callee.property.name='t'][callee.object.property.name='l10n'][arguments.0.type!='Literal']`,
    message: 'l10n.t takes a string literal first (with {0}-style arguments), so npm run l10n can put it in the bundle.',
  },
];

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
    // Person-facing text goes through l10n.t (the rule, and which text stays English: src/shared/l10n.ts).
    // A literal handed straight to a notification, a picker's or input box's title / prompt / placeholder,
    // or a status bar item's or tree item's text / tooltip is an untranslated string; and l10n.t itself
    // takes a literal first, so `npm run l10n` can find it.
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...L10N_RULES],
    },
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
