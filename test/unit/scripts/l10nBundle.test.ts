import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import * as ts from 'typescript';
import { BUNDLE_PATH, buildL10nBundle, L10N_SOURCE_DIRS } from '../../../scripts/lib/l10nBundle';
import { RUNTIME_FILES } from '../../../scripts/lib/runtimeFiles';
import { allowlistPatterns } from '../../../scripts/lib/vsix';
import { bundleL10n, formatMessage, plainL10n } from '../../../src/shared/l10n';
import { hostMessage } from '../../../src/shared/protocol';

const root = join(__dirname, '..', '..', '..');
const committed = readFileSync(join(root, BUNDLE_PATH), 'utf8');

/** Every `l10n.t('…')` / `vscode.l10n.t('…')` literal in the sources, found with the TypeScript parser (not l10n-dev's). */
function literalKeys(): Map<string, string> {
  const keys = new Map<string, string>();
  for (const dir of L10N_SOURCE_DIRS) {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
      const file = join(entry.parentPath, entry.name);
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 't') {
          const target = node.expression.expression;
          const isL10n = (ts.isIdentifier(target) && target.text === 'l10n') || (ts.isPropertyAccessExpression(target) && target.name.text === 'l10n');
          const first = node.arguments[0];
          if (isL10n && first !== undefined && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
            keys.set(first.text, `${relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
  }
  return keys;
}

describe('l10n bundle (l10n/bundle.l10n.json, npm run l10n)', () => {
  it('is exactly what npm run l10n generates from the sources (run it after adding or changing a string)', async function () {
    this.timeout(120_000); // tree-sitter parses every source file
    assert.equal(await buildL10nBundle(root), committed, `${BUNDLE_PATH} is stale: run npm run l10n`);
  });

  it('holds every l10n.t literal in src/ and webview/ (found independently of the generator)', () => {
    const bundle = JSON.parse(committed) as Record<string, string>;
    const keys = literalKeys();
    assert.ok(keys.size > 300, `only ${keys.size} translated strings found: did the scan break?`);
    const missing = [...keys].filter(([key]) => !(key in bundle)).map(([key, where]) => `${where}: ${key}`);
    assert.deepEqual(missing, []);
    // The English bundle maps each message to itself.
    for (const [key, value] of Object.entries(bundle)) assert.equal(value, key);
  });

  it('ships: package.json names the folder, and the VSIX allowlist and runtime files hold the bundle', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { l10n?: string; scripts: Record<string, string> };
    assert.equal(manifest.l10n, './l10n');
    assert.ok(manifest.scripts['l10n']?.includes('scripts/l10n.ts'));
    assert.ok((RUNTIME_FILES as readonly string[]).includes(BUNDLE_PATH));
    assert.ok(allowlistPatterns(readFileSync(join(root, '.vscodeignore'), 'utf8')).includes(BUNDLE_PATH));
  });
});

describe('the L10n translator (src/shared/l10n.ts)', () => {
  it('fills {0}-style arguments like vscode.l10n.t, repeated or out of order, and leaves unknown ones', () => {
    assert.equal(formatMessage('{1} then {0}, {1} again, {2}', ['a', 7]), '7 then a, 7 again, {2}');
    assert.equal(plainL10n.t('Airlock: {0} failed.', 'Add Secret'), 'Airlock: Add Secret failed.');
    // An argument is the agent's text: a "{1}" inside it is shown as written, never filled in turn.
    assert.equal(formatMessage('{0} asks for {1}', ['{1}', 'TOKEN']), '{1} asks for TOKEN');
  });

  it('translates from a bundle, keeps English for a message it lacks, and never reads inherited keys', () => {
    const l10n = bundleL10n({ '{0} asks for {1}': '{0} demande {1}' });
    assert.equal(l10n.t('{0} asks for {1}', 'Codex', 'TOKEN'), 'Codex demande TOKEN');
    assert.equal(l10n.t('Approve'), 'Approve');
    assert.equal(l10n.t('toString'), 'toString');
    assert.equal(l10n.t('constructor'), 'constructor');
  });
});

describe('the webview\'s translations (host → webview `l10n` message, src/shared/protocol.ts)', () => {
  it('carries a bundle of strings and nothing else', () => {
    assert.equal(hostMessage.safeParse({ type: 'l10n', bundle: { Approve: 'Genehmigen' } }).success, true);
    for (const bad of [
      { type: 'l10n' },
      { type: 'l10n', bundle: { Approve: 1 } },
      { type: 'l10n', bundle: { Approve: { message: 'x' } } },
      { type: 'l10n', bundle: {}, html: '<b>' },
      { type: 'l10n', bundle: { Approve: 'x'.repeat(16_385) } },
    ]) assert.equal(hostMessage.safeParse(bad).success, false, JSON.stringify(bad).slice(0, 80));
  });
});

describe('lint: untranslated person-facing literals (eslint.config.mjs L10N_RULES)', () => {
  const lint = async (code: string): Promise<string[]> => {
    const { L10N_RULES } = await import('../../../eslint.config.mjs');
    const linter = new Linter({ configType: 'flat' });
    const config = [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as Linter.Parser }, rules: { 'no-restricted-syntax': ['error', ...L10N_RULES] as Linter.RuleEntry } }];
    return linter.verify(code, config, 'src/adapters/vscode/example.ts').map((m) => `${m.line}:${m.message}`);
  };

  it('refuses a literal or template handed to a notification, its buttons, a picker or input box, or a status bar item', async () => {
    const cases = [
      "void vscode.window.showInformationMessage('Airlock: done.');",
      'void vscode.window.showWarningMessage(`Airlock: ${name} is gone.`);',
      "void vscode.window.showErrorMessage(vscode.l10n.t('Airlock: failed.'), 'Retry');",
      "void vscode.window.showQuickPick(items, { title: 'Airlock: pick one', placeHolder: vscode.l10n.t('Which?') });",
      "void vscode.window.showInputBox({ prompt: `Value for ${name}` });",
      "item.tooltip = 'Airlock: 2 active grants';",
      "void askInput(tracker, { title, prompt: 'Name of the secret' });",
      'vscode.l10n.t(message);',
      'l10n.t(`Airlock: ${x}`);',
    ];
    for (const code of cases) assert.equal((await lint(code)).length, 1, code);
  });

  it('accepts translated text, example values and empty text', async () => {
    const cases = [
      "void vscode.window.showInformationMessage(vscode.l10n.t('Airlock: {0} done.', name), vscode.l10n.t('Open'));",
      "void vscode.window.showQuickPick(items, { title: vscode.l10n.t('Airlock'), placeHolder: 'DEPLOY_TOKEN' });",
      "item.text = '';",
      "l10n.t('{0} min ago', 5);",
    ];
    for (const code of cases) assert.deepEqual(await lint(code), [], code);
  });
});
