import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minimatch } from 'minimatch';
import { RUNTIME_FILES } from '../../../scripts/lib/runtimeFiles';
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
    // Everything loaded at run time (one list: scripts/lib/runtimeFiles.ts), and the engine's native helpers.
    for (const file of ['dist/extension.js', ...RUNTIME_FILES, 'dist/engine/vendor/seccomp/x64/apply-seccomp']) {
      assert.ok(patterns.some((pattern) => minimatch(file, pattern, { dot: true })), `${file} is not allowlisted`);
    }
    // Source maps and the engine's development files never ship.
    for (const file of ['dist/engine/dist/sandbox/index.mjs.map', 'dist/engine/vendor/seccomp/build.ts']) {
      assert.ok(!patterns.some((pattern) => minimatch(file, pattern, { dot: true })), `${file} is allowlisted`);
    }
  });

  it('the bundles features.js imports at run time are the ones the build writes (dist/engine for the sandbox engine)', () => {
    const build = readFileSync(join(__dirname, '../../../scripts/build.mjs'), 'utf8');
    assert.match(build, /ENGINE_DIR = 'engine'/);
    assert.match(build, /\/dist\/sandbox\/index\.mjs/);
  });
});
