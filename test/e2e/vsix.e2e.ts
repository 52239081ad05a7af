import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allowlistPatterns, checkVsixEntries, listVsixEntries } from '../../scripts/lib/vsix';
import { vsixUnderTest } from './harness';

const root = join(__dirname, '../..');

describe('e2e: the packaged VSIX', () => {
  it('contains only what the .vscodeignore allowlist names, and the entry point', async () => {
    const entries = await listVsixEntries(vsixUnderTest());
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    const check = checkVsixEntries(entries, allowlistPatterns(readFileSync(join(root, '.vscodeignore'), 'utf8')), ['package.json', manifest.main]);
    assert.deepEqual(check, { unexpected: [], missing: [] });
  });

  it('ships no source maps, TypeScript sources or node_modules', async () => {
    const entries = await listVsixEntries(vsixUnderTest());
    const offending = entries.filter((entry) => /\.map$|\.ts$|node_modules\//.test(entry));
    assert.deepEqual(offending, []);
  });
});
