/**
 * `npm run test:integration`: builds the extension, bundles each launch's tests, and runs them inside a
 * real VS Code extension host (code-server + headless Chromium), one launch after another.
 *
 *   npm run test:integration -- [--launch <name>]... [--grep <regexp>]
 *
 * Launches and where tests live: test/integration/README.md. Logs: test-results/integration/<launch>.log
 * (everything the window forwarded) and <launch>.code-server.log. Env: AIRLOCK_TEST_VERBOSE=1 prints the
 * workbench chatter too; AIRLOCK_KEEP_SANDBOX=1 keeps the temp sandboxes (user data, AIRLOCK_HOME).
 */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { buildExtension, bundleLaunch } from './lib/bundleTests';
import { loadLaunches, type Launch } from './lib/launches';
import { copyFixture, createSandboxDirs, installCleanupHooks, isWorkbenchNoise, realVsCodePaths, removeOnExit, repoRoot, runExtensionTests, writeUserSettings } from './lib/sandbox';
import { reportTier, type TierCounts } from './lib/summary';

const verbose = process.env['AIRLOCK_TEST_VERBOSE'] === '1';

interface LaunchOutcome extends TierCounts {
  readonly name: string;
  readonly note: string;
}

async function runLaunch(launch: Launch, grep: string | undefined): Promise<LaunchOutcome> {
  const bundled = await bundleLaunch(launch);
  if (bundled.testFiles === 0) return { name: launch.name, passed: 0, failed: 0, pending: 0, note: 'no test files' };
  const dirs = createSandboxDirs(`it-${launch.name}`);
  removeOnExit(dirs.root);
  const workspace = launch.fixture === null ? undefined : copyFixture(dirs, launch.fixture);
  writeUserSettings(dirs.userDataDir, launch.userSettings);
  const resultsFile = join(dirs.root, 'results.json');
  // The full forwarded console goes to test-results/; the terminal gets it without workbench chatter.
  const logDir = join(repoRoot, 'test-results/integration');
  mkdirSync(logDir, { recursive: true });
  const fullLog = join(logDir, `${launch.name}.log`);
  writeFileSync(fullLog, '');
  const started = Date.now();
  const run = await runExtensionTests({
    onLog: (line) => {
      appendFileSync(fullLog, line + '\n');
      if (verbose || !isWorkbenchNoise(line)) process.stdout.write(line + '\n');
    },
    label: `launch ${launch.name}`,
    dirs,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: bundled.testsIndex,
    workspace,
    trusted: launch.trusted,
    timeoutMs: launch.timeoutSeconds * 1000,
    env: {
      AIRLOCK_TEST_RESULTS: resultsFile,
      AIRLOCK_TEST_LAUNCH: launch.name,
      AIRLOCK_TEST_WORKSPACE: workspace ?? '',
      AIRLOCK_TEST_COLOR: process.stdout.isTTY ? '1' : '0',
      AIRLOCK_TEST_AGENT_CLIS: realVsCodePaths().agentClis,
      ...(grep === undefined ? {} : { AIRLOCK_TEST_GREP: grep }),
      ...launch.env,
    },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (existsSync(join(dirs.root, 'code-server.log'))) copyFileSync(join(dirs.root, 'code-server.log'), join(logDir, `${launch.name}.code-server.log`));
  if (!existsSync(resultsFile)) {
    return { name: launch.name, passed: 0, failed: 1, pending: 0, note: `the test run never reported (${run.error ?? `exit ${run.exitCode}`}), ${seconds} s` };
  }
  const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as { passes: number; failures: number; pending: number };
  // A non-zero exit with no failing test (e.g. the index threw) still fails the launch.
  const failed = results.failures + (run.exitCode !== 0 && results.failures === 0 ? 1 : 0);
  return { name: launch.name, passed: results.passes, failed, pending: results.pending, note: `${seconds} s` };
}

async function main(): Promise<number> {
  installCleanupHooks();
  const { values } = parseArgs({
    options: { launch: { type: 'string', multiple: true }, grep: { type: 'string' } },
    allowPositionals: false,
  });
  const all = loadLaunches();
  const wanted = (values.launch ?? []).flatMap((name) => name.split(','));
  for (const name of wanted) {
    if (!all.some((launch) => launch.name === name)) throw new Error(`no launch "${name}" in ${relative(repoRoot, join(repoRoot, 'test/integration/launches.json'))}`);
  }
  const launches = wanted.length === 0 ? all : all.filter((launch) => wanted.includes(launch.name));

  buildExtension();
  const outcomes: LaunchOutcome[] = [];
  for (const launch of launches) {
    const trust = launch.trusted ? 'trusted' : 'untrusted (Restricted Mode)';
    process.stdout.write(`\n── integration launch "${launch.name}": fixture ${launch.fixture ?? '(none)'}, ${trust} ──\n`);
    outcomes.push(await runLaunch(launch, values.grep));
  }

  process.stdout.write('\nIntegration summary (real extension host, code-server):\n');
  const total: TierCounts = { passed: 0, failed: 0, pending: 0 };
  for (const outcome of outcomes) {
    const mark = outcome.failed > 0 ? 'FAIL' : 'ok  ';
    process.stdout.write(`  ${mark} ${outcome.name.padEnd(16)} ${outcome.passed} passed, ${outcome.failed} failed, ${outcome.pending} pending (${outcome.note})\n`);
    total.passed += outcome.passed;
    total.failed += outcome.failed;
    total.pending += outcome.pending;
  }
  process.stdout.write(`  total: ${total.passed} passed, ${total.failed} failed, ${total.pending} pending\n`);
  reportTier('integration', total);
  return total.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`test:integration: ${error instanceof Error ? error.message : String(error)}\n`);
    reportTier('integration', { passed: 0, failed: 1, pending: 0 });
    process.exit(1);
  },
);
