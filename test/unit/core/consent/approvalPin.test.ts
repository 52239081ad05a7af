import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// Approval happens only in the consent panel. These pins fail the build if anything else learns to
// decide a consent request, or if the panel grows a command or URI handler.
const root = join(__dirname, '../../../..');
const sources = (dir: string): string[] =>
  readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));

describe('only the consent panel approves', () => {
  const files = [...sources('src'), ...sources('webview')];

  it('ConsentQueue is constructed only by the panel', () => {
    const users = files.filter((file) => /new ConsentQueue\(/.test(readFileSync(join(root, file), 'utf8')));
    assert.deepEqual(users, ['src/adapters/vscode/consentPanel.ts']);
  });

  it('the panel exposes no command, URI handler or approving method', () => {
    const panel = readFileSync(join(root, 'src/adapters/vscode/consentPanel.ts'), 'utf8');
    assert.ok(!/registerCommand|registerUriHandler|registerTextEditorCommand/.test(panel));
    const publicMembers = [...panel.matchAll(/^ {2}(?!private|constructor)(\w+)\(/gm)].map((match) => match[1]);
    assert.deepEqual(publicMembers.sort(), ['ask', 'dispose', 'pending']);
  });

  it('no command anywhere is named like an approval', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes?: { commands?: { command: string; title: string }[] } };
    for (const command of manifest.contributes?.commands ?? []) {
      assert.ok(!/approve|allow|consent|grant access/i.test(`${command.command} ${command.title}`), command.command);
    }
  });

  it('the webview never uses innerHTML or similar sinks', () => {
    for (const file of files.filter((f) => f.startsWith('webview/'))) {
      const text = readFileSync(join(root, file), 'utf8');
      assert.ok(!/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/.test(text), file);
    }
  });
});
