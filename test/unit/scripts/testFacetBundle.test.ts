import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '../../..');

/** Names only the test facet's implementation (src/testFacet/facets.ts) carries. */
const FACET_NAMES = ['reloadActivity', 'revokeAllAsPerson', 'stateSnapshot', 'terminalText', 'runningPids', 'secretEntryTool', 'discoveryDir', 'simulateOnePasswordSdk'];

function buildAndRead(flags: readonly string[]): string {
  const out = mkdtempSync(join(tmpdir(), 'airlock-facet-'));
  try {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), ...flags, '--outdir', out], { cwd: root, stdio: 'ignore' });
    return readdirSync(out, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
      .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
      .join('\n');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Style rule 19: test hooks do not ship. */
describe('test facet (scripts/build.mjs define AIRLOCK_TEST_FACET)', function () {
  this.timeout(120_000);

  it('is absent from every production bundle', () => {
    const production = buildAndRead(['--production']);
    assert.deepEqual(FACET_NAMES.filter((name) => production.includes(name)), []);
  });

  it('is present in the test build (so the scan above looks for the right names)', () => {
    const test = buildAndRead(['--test-facet']);
    assert.deepEqual(FACET_NAMES.filter((name) => !test.includes(name)), []);
  });
});
