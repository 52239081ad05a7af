/**
 * The test index VS Code loads in the extension host (`extensionTestsPath`): runs every compiled
 * `*.test.js` next to it with mocha and resolves/rejects like test-electron expects. The runner bundles
 * one copy of this file per launch into `out/test/integration/run-<pid>/<launch>/index.js`.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type MochaType from 'mocha';

// mocha 12 is an ES module wrapping a CommonJS build; requiring the CJS build works on every
// extension-host Node (desktop Electron and code-server's Node 24) without an ESM loader.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Mocha = require('mocha/lib/mocha.cjs') as typeof MochaType;

/** Written to $AIRLOCK_TEST_RESULTS (when set) so the runner can count without parsing logs. */
export interface IntegrationResults {
  readonly passes: number;
  readonly failures: number;
  readonly pending: number;
  readonly failed: readonly { readonly title: string; readonly error: string }[];
}

function testFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...testFiles(path));
    else if (entry.name.endsWith('.test.js')) found.push(path);
  }
  return found.sort();
}

export function run(): Promise<void> {
  const grep = process.env['AIRLOCK_TEST_GREP'];
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: Number(process.env['AIRLOCK_TEST_MOCHA_TIMEOUT'] ?? 30_000),
    color: process.env['AIRLOCK_TEST_COLOR'] === '1',
    forbidOnly: true,
    ...(grep === undefined || grep === '' ? {} : { grep }),
  });
  for (const file of testFiles(__dirname)) mocha.addFile(file);

  return new Promise((resolve, reject) => {
    const failed: { title: string; error: string }[] = [];
    const runner = mocha.run((failures) => {
      const results: IntegrationResults = {
        passes: runner.stats?.passes ?? 0,
        failures,
        pending: runner.stats?.pending ?? 0,
        failed,
      };
      const resultsFile = process.env['AIRLOCK_TEST_RESULTS'];
      if (resultsFile !== undefined && resultsFile !== '') writeFileSync(resultsFile, JSON.stringify(results, null, 2));
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
    runner.on('fail', (test, error: unknown) => {
      failed.push({ title: test.fullTitle(), error: error instanceof Error ? error.message : String(error) });
    });
  });
}
