import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minimatch } from 'minimatch';
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

  it("the repository's .vscodeignore ships every bundle the extension requires at run time", () => {
    const patterns = allowlistPatterns(readFileSync(join(__dirname, '../../../.vscodeignore'), 'utf8'));
    // dist/extension.js requires dist/features.js just after activation, which requires the others lazily
    // (endpointService.ts, onePasswordStore.ts, secretScanLoader.ts) or launches them.
    for (const file of ['dist/extension.js', 'dist/features.js', 'dist/mcp-endpoint.js', 'dist/secret-scan.js', 'dist/onepassword-sdk.js', 'dist/core_bg.wasm', 'dist/bridge.js']) {
      assert.ok(patterns.some((pattern) => minimatch(file, pattern, { dot: true })), `${file} is not allowlisted`);
    }
  });
});
