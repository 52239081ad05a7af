import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The raw value of a grant's secret is read in three places only: the process spawns (plain and sealed — the sealed one also hands host-bound
 * values to the sandbox engine's in-memory map) and the redactor.
 * Airlock's own credentials (client bearer tokens, the 1Password service-account token) are SecretValues
 * too, so the one adapter that hands each to its API reads it: clientTokens.ts (SecretStorage, the
 * bridge's token file, VS Code's MCP header) and onePasswordStore.ts (the SDK). The test facet hands a
 * test its client's token; it is compiled into the test build only. A value read from a file (.env
 * import, Move into Airlock) is revealed once, to be written to SecretStorage (secretStorageStore.ts) or to a
 * new 1Password item (onePasswordStore.ts createItem).
 */
describe('revealSecret call sites', () => {
  it('appear (by name, anywhere) only in the redactor, the spawn, the two own-credential adapters, the SecretStorage write and the test facet', () => {
    const root = join(__dirname, '../../../../src');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.(ts|tsx|js|mjs)$/.test(entry.name)) files.push(path);
      }
    };
    walk(root);
    const allowed = [
      /^core\/redaction\/[^/]+\.ts$/,
      /^adapters\/node\/spawnWithSecrets\.ts$/,
      /^adapters\/node\/spawnSealed\.ts$/,
      /^core\/secrets\/secretValue\.ts$/,
      /^adapters\/vscode\/clientTokens\.ts$/,
      /^adapters\/stores\/onePasswordStore\.ts$/,
      /^adapters\/stores\/secretStorageStore\.ts$/,
      /^testFacet\/facets\.ts$/,
    ];
    const offenders = files
      .map((path) => relative(root, path).split('\\').join('/'))
      // Any mention at all (a call, an import, `const r = revealSecret`, `sv.revealSecret`): not only calls.
      .filter((path) => /\brevealSecret\b/.test(readFileSync(join(root, path), 'utf8')))
      .filter((path) => !allowed.some((pattern) => pattern.test(path)));
    assert.deepEqual(offenders, []);
    // Also refuse aliasing it: an import under another name would dodge the grep above.
    const aliased = files.filter((path) => /revealSecret\s+as\s+/.test(readFileSync(path, 'utf8')));
    assert.deepEqual(aliased, []);
  });
});
