import * as assert from 'node:assert/strict';
import { allowlistPatterns, checkVsixEntries } from '../../../scripts/lib/vsix';

const ignore = ['# Allowlist', '**', '!package.json', '!README.md', '!CHANGELOG.md', '!LICENSE', '!dist/extension.js', '!dist/webview/**', ''].join('\n');

describe('VSIX allowlist check (scripts/lib/vsix.ts)', () => {
  it('reads the ! lines of an allowlist .vscodeignore', () => {
    assert.deepEqual(allowlistPatterns(ignore), ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist/extension.js', 'dist/webview/**']);
  });

  it('refuses a .vscodeignore that is not an allowlist', () => {
    assert.throws(() => allowlistPatterns('node_modules/**\n!dist/**\n'), /allowlist/);
  });

  it("accepts vsce's own files and its renames (LICENSE.txt, changelog.md)", () => {
    const entries = ['extension.vsixmanifest', '[Content_Types].xml', 'extension/', 'extension/package.json', 'extension/LICENSE.txt', 'extension/changelog.md', 'extension/dist/extension.js', 'extension/dist/webview/consent.js'];
    assert.deepEqual(checkVsixEntries(entries, allowlistPatterns(ignore), ['package.json', 'dist/extension.js']), { unexpected: [], missing: [] });
  });

  it('reports files the allowlist does not name, and missing required files', () => {
    const entries = ['extension/package.json', 'extension/dist/extension.js.map', 'extension/src/extension.ts', 'extension/node_modules/x/index.js', 'stray.txt'];
    assert.deepEqual(checkVsixEntries(entries, allowlistPatterns(ignore), ['package.json', './dist/extension.js']), {
      unexpected: ['extension/dist/extension.js.map', 'extension/src/extension.ts', 'extension/node_modules/x/index.js', 'stray.txt'],
      missing: ['dist/extension.js'],
    });
  });
});
