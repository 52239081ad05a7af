import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The raw value of a secret is read in three places only: the process spawn, the redactor and the SecretStorage write. */
describe('revealSecret call sites', () => {
  it('appear (by name, anywhere) only in src/core/redaction/*, src/adapters/node/spawn*.ts and the SecretStorage store (plus the definition)', () => {
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
    const allowed = [/^core\/redaction\/[^/]+\.ts$/, /^adapters\/node\/spawn[^/]*\.ts$/, /^core\/secrets\/secretValue\.ts$/, /^adapters\/stores\/secretStorageStore\.ts$/];
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
