/**
 * `npm run test:desktop`: the integration tests through @vscode/test-electron's `runTests`, unchanged
 * from how a desktop project runs them. The VS Code it starts is, in this order:
 *   1. $AIRLOCK_VSCODE_EXECUTABLE (a desktop VS Code binary, e.g. /usr/share/code/code);
 *   2. with $AIRLOCK_VSCODE_DOWNLOAD=1, the one test-electron downloads (needs the update server);
 *   3. otherwise scripts/code-server-shim.sh, which runs the same tests in code-server + Chromium.
 *
 *   npm run test:desktop -- [--launch <name>]... [--grep <regexp>]
 *
 * test-electron always passes --disable-workspace-trust, so only trusted launches run here.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { buildExtension, bundleLaunch } from './lib/bundleTests';
import { loadLaunches, type Launch } from './lib/launches';
import { copyFixture, createSandboxDirs, installCleanupHooks, removeOnExit, repoRoot, writeUserSettings } from './lib/sandbox';
import { reportTier, type TierCounts } from './lib/summary';

async function vscodeExecutable(): Promise<{ path: string; kind: string }> {
  const explicit = process.env['AIRLOCK_VSCODE_EXECUTABLE'];
  if (explicit !== undefined && explicit !== '') return { path: explicit, kind: 'desktop VS Code ($AIRLOCK_VSCODE_EXECUTABLE)' };
  if (process.env['AIRLOCK_VSCODE_DOWNLOAD'] === '1') return { path: await downloadAndUnzipVSCode('stable'), kind: 'downloaded desktop VS Code' };
  return { path: join(repoRoot, 'scripts/code-server-shim.sh'), kind: 'code-server through scripts/code-server-shim.sh' };
}

async function runLaunch(executable: string, launch: Launch, grep: string | undefined): Promise<TierCounts & { note: string }> {
  const bundled = await bundleLaunch(launch);
  if (bundled.testFiles === 0) return { passed: 0, failed: 0, pending: 0, note: 'no test files' };
  const dirs = createSandboxDirs(`desktop-${launch.name}`);
  removeOnExit(dirs.root);
  const workspace = launch.fixture === null ? undefined : copyFixture(dirs, launch.fixture);
  writeUserSettings(dirs.userDataDir, launch.userSettings);
  const resultsFile = join(dirs.root, 'results.json');
  let exitCode = 0;
  try {
    exitCode = await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: bundled.testsIndex,
      launchArgs: [...(workspace === undefined ? [] : [workspace]), `--user-data-dir=${dirs.userDataDir}`, `--extensions-dir=${dirs.extensionsDir}`],
      extensionTestsEnv: {
        AIRLOCK_HOME: dirs.airlockHome,
        AIRLOCK_TEST_HOME: dirs.airlockHome,
        AIRLOCK_TEST_SANDBOX: dirs.root,
        AIRLOCK_TEST_RESULTS: resultsFile,
        AIRLOCK_TEST_LAUNCH: launch.name,
        AIRLOCK_TEST_WORKSPACE: workspace ?? '',
        AIRLOCK_TEST_TIMEOUT_S: String(launch.timeoutSeconds),
        ...(grep === undefined ? {} : { AIRLOCK_TEST_GREP: grep }),
        ...launch.env,
      },
    });
  } catch (error) {
    // runTests rejects with TestRunFailedError on a non-zero exit.
    process.stdout.write(`${error instanceof Error ? error.message : String(error)}\n`);
    exitCode = 1;
  }
  if (!existsSync(resultsFile)) return { passed: 0, failed: 1, pending: 0, note: `the test run never reported (exit ${exitCode})` };
  const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as { passes: number; failures: number; pending: number };
  const failed = results.failures + (exitCode !== 0 && results.failures === 0 ? 1 : 0);
  return { passed: results.passes, failed, pending: results.pending, note: '' };
}

async function main(): Promise<number> {
  installCleanupHooks();
  const { values } = parseArgs({ options: { launch: { type: 'string', multiple: true }, grep: { type: 'string' } } });
  const all = loadLaunches();
  const wanted = (values.launch ?? []).flatMap((name) => name.split(','));
  for (const name of wanted) if (!all.some((launch) => launch.name === name)) throw new Error(`no launch "${name}" in test/integration/launches.json`);
  const selected = wanted.length === 0 ? all : all.filter((launch) => wanted.includes(launch.name));
  const skipped = selected.filter((launch) => !launch.trusted).map((launch) => launch.name);
  const launches = selected.filter((launch) => launch.trusted);

  const executable = await vscodeExecutable();
  process.stdout.write(`test:desktop: @vscode/test-electron runTests → ${executable.kind}\n`);
  buildExtension();
  const total: TierCounts = { passed: 0, failed: 0, pending: 0 };
  const lines: string[] = [];
  for (const launch of launches) {
    process.stdout.write(`\n── desktop launch "${launch.name}": fixture ${launch.fixture ?? '(none)'} ──\n`);
    const outcome = await runLaunch(executable.path, launch, values.grep);
    total.passed += outcome.passed;
    total.failed += outcome.failed;
    total.pending += outcome.pending;
    lines.push(`  ${outcome.failed > 0 ? 'FAIL' : 'ok  '} ${launch.name.padEnd(16)} ${outcome.passed} passed, ${outcome.failed} failed, ${outcome.pending} pending ${outcome.note}`);
  }
  process.stdout.write(`\nDesktop (test-electron) summary:\n${lines.join('\n')}\n`);
  if (skipped.length > 0) process.stdout.write(`  not run (test-electron always disables workspace trust): ${skipped.join(', ')}\n`);
  process.stdout.write(`  total: ${total.passed} passed, ${total.failed} failed, ${total.pending} pending\n`);
  reportTier('desktop', total);
  return total.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`test:desktop: ${error instanceof Error ? error.message : String(error)}\n`);
    reportTier('desktop', { passed: 0, failed: 1, pending: 0 });
    process.exit(1);
  },
);
