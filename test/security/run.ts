/**
 * `npm run test:security`: the unit-level suites (fuzzing, the endpoint attack matrix in plain Node) with
 * mocha, then the real-host suites inside code-server through the harness's sandbox (endpoint attack
 * matrix on the live endpoint, the hostile workspace trusted and untrusted), then the canary leak scan over
 * everything those windows wrote, then one figures summary.
 *
 *   npm run test:security [-- --unit-only | --real-host-only] [-- --no-e2e] [-- --keep]
 *   AIRLOCK_SECURITY_LAUNCHES=security-canary npm run test:security -- --real-host-only --no-e2e
 *
 * Env: AIRLOCK_FUZZ_RUNS (default 10000 per target), FC_SEED (the fuzz targets run on fast-check's fixed
 * seed unless FC_SEED=<n> or random: test/support/fastCheck.ts), AIRLOCK_LEAK_SCAN_ROOTS (extra
 * folders to scan, e.g. sandboxes kept by AIRLOCK_KEEP_SANDBOX=1 from other tiers, colon-separated).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import * as esbuild from 'esbuild';
import { buildExtension } from '../../scripts/lib/bundleTests';
import { loadLaunches } from '../../scripts/lib/launches';
import { copyFixture, createSandboxDirs, installCleanupHooks, repoRoot, runExtensionTests, writeUserSettings, type SandboxDirs } from '../../scripts/lib/sandbox';
import { reportTier } from '../../scripts/lib/summary';
import { findLeaks } from '../support/canary';
import { forEachFile } from '../support/leakScan';
import { mintTestCa } from '../support/testCa';
import { figuresDir, readAllFigures, recordFigures } from './support/figures';

const args = new Set(process.argv.slice(2));
const figures = join(repoRoot, 'test-results', 'security', 'figures');
process.env['AIRLOCK_SECURITY_FIGURES_DIR'] = figures;

interface Counts {
  passed: number;
  failed: number;
  pending: number;
}
const total: Counts = { passed: 0, failed: 0, pending: 0 };

function unitSuites(): void {
  process.stdout.write('\n── security: unit-level suites (fuzzing, endpoint matrix in plain Node) ──\n');
  const resultFile = join(repoRoot, 'test-results', 'security', 'unit.json');
  const run = spawnSync(
    join(repoRoot, 'node_modules', '.bin', 'mocha'),
    ['--import=tsx', '--forbid-only', '--reporter', 'json', '--reporter-option', `output=${resultFile}`, 'test/security/fuzz/*.test.ts', 'test/security/endpoint/*.test.ts', 'test/security/faults/*.test.ts'],
    { cwd: repoRoot, stdio: 'inherit', env: process.env },
  );
  countMocha(resultFile, run.status, 'unit-level');
}


/** Adds a mocha JSON report to the totals and prints its failures. */
function countMocha(resultFile: string, status: number | null, label: string): void {
  const stats = existsSync(resultFile)
    ? (JSON.parse(readFileSync(resultFile, 'utf8')) as { stats: { passes: number; failures: number; pending: number }; failures: { fullTitle: string; err: { message?: string } }[] })
    : undefined;
  if (stats === undefined) {
    total.failed += 1;
    return;
  }
  for (const failure of stats.failures) process.stdout.write(`  FAIL ${failure.fullTitle}\n       ${(failure.err.message ?? '').split('\n').slice(0, 6).join('\n       ')}\n`);
  process.stdout.write(`  ${label}: ${stats.stats.passes} passed, ${stats.stats.failures} failed (mocha exit ${status})\n`);
  total.passed += stats.stats.passes;
  total.failed += stats.stats.failures + (stats.stats.failures === 0 && status !== 0 ? 1 : 0);
  total.pending += stats.stats.pending;
}

const PERSON_SETTINGS = {
  'airlock.credentials': [{ name: 'DEPLOY_TOKEN', description: 'The person\'s deploy token (canary)', source: 'secret:DEPLOY_TOKEN' }],
  'airlock.policy.maxDurationSeconds': 600,
  'airlock.policy.defaultDurationSeconds': 300,
  'airlock.consent.timeoutSeconds': 60,
  'airlock.consent.agentWaitSeconds': 5,
  'airlock.grants.killOnExpiry': true,
  'airlock.run.outputLimitKiB': 64,
  'airlock.run.maxTimeoutSeconds': 120,
};

/** Allow rules for the commands the code-pin attacks run, so the agent gets grants without a click. */
const CODE_PIN_SETTINGS = {
  'airlock.credentials': [{ name: 'CANARY_TOKEN', description: 'Canary for code-pin attacks', source: 'secret:CANARY_TOKEN' }],
  'airlock.policy.allowWithoutConsent': true,
  'airlock.policy.rules': ['node scripts/deploy.js', 'npm run deploy', 'git commit -q --allow-empty -m pinned'].map((command) => ({ credentials: 'CANARY_TOKEN', command, decision: 'allow' })),
  'airlock.consent.agentWaitSeconds': 5,
  'airlock.run.maxTimeoutSeconds': 120,
};

/** The binding attacks: the person allows exactly `npm run deploy` without consent (test/fixtures/binding). */
const BINDING_SETTINGS = {
  'airlock.credentials': [{ name: 'DEPLOY_TOKEN', description: 'The person\'s deploy token (canary)', source: 'secret:DEPLOY_TOKEN' }],
  'airlock.policy.allowWithoutConsent': true,
  'airlock.policy.rules': [{ credentials: 'DEPLOY_TOKEN', command: 'npm run deploy', decision: 'allow' }],
  'airlock.consent.timeoutSeconds': 30,
  'airlock.consent.agentWaitSeconds': 3,
  'airlock.grants.killOnExpiry': true,
  'airlock.run.maxTimeoutSeconds': 60,
};

interface SecurityLaunch {
  readonly name: string;
  readonly fixture: string;
  readonly trusted: boolean;
  readonly userSettings: Readonly<Record<string, unknown>>;
  /** Extra environment for the window, made in the launch's folder before it starts. */
  readonly env?: (root: string) => Record<string, string>;
  readonly files: readonly string[];
}

/** The runner launch's user settings (allow rules for its fixture scripts), read from the harness's launches. */
const runnerSettings = (): Record<string, unknown> => loadLaunches().find((l) => l.name === 'runner')?.userSettings ?? {};

const LAUNCHES = (): SecurityLaunch[] => [
  { name: 'security-trusted', fixture: 'hostile', trusted: true, userSettings: PERSON_SETTINGS, files: ['consentIntegrity.test.ts', 'endpointAttacks.test.ts', 'hostileWorkspace.test.ts'] },
  { name: 'security-untrusted', fixture: 'hostile', trusted: false, userSettings: PERSON_SETTINGS, files: ['hostileWorkspace.test.ts'] },
  { name: 'security-canary', fixture: 'runner', trusted: true, userSettings: runnerSettings(), files: ['canaryFlow.test.ts'] },
  { name: 'security-code-pin', fixture: 'runner', trusted: true, userSettings: CODE_PIN_SETTINGS, files: ['codePin.test.ts'] },
  { name: 'security-reaper', fixture: 'runner', trusted: true, userSettings: { ...runnerSettings(), 'airlock.grants.killOnExpiry': true, 'airlock.run.sandbox': 'off' }, files: ['reaper.test.ts'] },
  // The reaper is for unsealed runs (a sealed run's PID namespace dies with it): security-reaper runs them.
  // Sealed runs for real (bubblewrap + socat): a test CA the extension host trusts (the engine's proxy
  // checks upstream certificates against the host's trust store, which Node reads once, at start).
  { name: 'security-sealed', fixture: 'runner', trusted: true, userSettings: SEALED_SETTINGS, files: ['sealedRuns.test.ts'], env: testTls },
  { name: 'security-binding', fixture: 'binding', trusted: true, userSettings: BINDING_SETTINGS, files: ['bindingAttacks.test.ts'] },
];

/** Credentials of the sealed-run launch: two host-bound (A for a host never dialled, B for localhost), one in the environment. */
const SEALED_SETTINGS = {
  'airlock.credentials': [
    { name: 'HOST_TOKEN', description: 'Bound to localhost', source: 'secret:HOST_TOKEN', hosts: ['localhost'] },
    { name: 'OTHER_TOKEN', description: 'Bound to another host', source: 'secret:OTHER_TOKEN', hosts: ['api.example.com'] },
    { name: 'ENV_TOKEN', description: 'In the environment', source: 'secret:ENV_TOKEN' },
    { name: 'ASK_TOKEN', description: 'Always asks (card checks)', source: 'secret:ASK_TOKEN' },
  ],
  'airlock.policy.allowWithoutConsent': true,
  // An `allow` covers no write path and no host it does not name: `writes` names the one folder the tests
  // write to, `network` the two credentials' hosts (a run with both reaches both, and one rule's allow does
  // not cover another credential's hosts).
  'airlock.policy.rules': ['HOST_TOKEN', 'OTHER_TOKEN', 'ENV_TOKEN'].map((credentials) => ({ credentials, command: '*', decision: 'allow', writes: ['out'], network: ['localhost', 'api.example.com'] })),
  'airlock.consent.agentWaitSeconds': 1,
};

/** Mints a test CA and a `localhost` leaf in the launch's folder; returns the env naming them. */
function testTls(root: string): Record<string, string> {
  const dir = join(root, 'tls');
  mkdirSync(dir, { recursive: true });
  mintTestCa(dir);
  return { NODE_EXTRA_CA_CERTS: join(dir, 'ca.crt'), AIRLOCK_TEST_TLS_DIR: dir };
}

/** The launches named in `AIRLOCK_SECURITY_LAUNCHES` (empty: all). */
const only = (): string[] => (process.env['AIRLOCK_SECURITY_LAUNCHES'] ?? '').split(',').filter((n) => n !== '');

async function realHost(canaries: Record<string, string>): Promise<SandboxDirs[]> {
  process.stdout.write('\n── security: real extension host (code-server) ──\n');
  buildExtension();
  const sandboxes: SandboxDirs[] = [];
  for (const launch of LAUNCHES().filter((l) => only().length === 0 || only().includes(l.name))) {
    const outdir = join(repoRoot, 'out/test/security', launch.name);
    rmSync(outdir, { recursive: true, force: true });
    const entryPoints: Record<string, string> = { index: join(repoRoot, 'test/integration/index.ts') };
    for (const file of launch.files) entryPoints[file.replace(/\.ts$/, '')] = join(repoRoot, 'test/security/integration', file);
    await esbuild.build({ entryPoints, outdir, bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline', external: ['vscode', 'mocha', 'mocha/*'], logLevel: 'warning' });
    const dirs = createSandboxDirs(launch.name);
    sandboxes.push(dirs);
    const canaryFile = join(dirs.root, 'canaries.json');
    writeFileSync(canaryFile, JSON.stringify(canaries));
    const workspace = copyFixture(dirs, launch.fixture);
    writeUserSettings(dirs.userDataDir, launch.userSettings);
    const resultsFile = join(dirs.root, 'results.json');
    const runLog = join(dirs.root, 'test-run.log');
    process.stdout.write(`\n── launch ${launch.name}: fixture ${launch.fixture}, ${launch.trusted ? 'trusted' : 'untrusted (Restricted Mode)'} ──\n`);
    const run = await runExtensionTests({
      label: launch.name,
      dirs,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(outdir, 'index.js'),
      workspace,
      trusted: launch.trusted,
      timeoutMs: 300_000,
      env: { AIRLOCK_TEST_RESULTS: resultsFile, AIRLOCK_SECURITY_CANARY_FILE: canaryFile, AIRLOCK_SECURITY_FIGURES_DIR: figures, AIRLOCK_TEST_LAUNCH: launch.name, ...launch.env?.(dirs.root) },
      onLog: (line) => {
        process.stdout.write(line + '\n');
        appendFileSync(runLog, line + '\n');
      },
    });
    if (!existsSync(resultsFile)) {
      total.failed++;
      process.stdout.write(`launch ${launch.name} never reported (${run.error ?? `exit ${run.exitCode}`})\n`);
      continue;
    }
    const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as { passes: number; failures: number; pending: number };
    total.passed += results.passes;
    total.failed += results.failures + (run.exitCode !== 0 && results.failures === 0 ? 1 : 0);
    total.pending += results.pending;
  }
  return sandboxes;
}

/** The packaged VSIX the e2e suites install: reused when newer than every source file, else packaged. */
function packagedVsix(): string {
  const given = process.env['AIRLOCK_E2E_VSIX'];
  if (given !== undefined && given !== '') return given;
  const vsix = join(repoRoot, 'dist-vsix', 'airlock.vsix');
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile())
      .reduce((m, e) => Math.max(m, statSync(join(e.parentPath, e.name)).mtimeMs), 0);
  const sources = Math.max(newest(join(repoRoot, 'src')), newest(join(repoRoot, 'webview')), statSync(join(repoRoot, 'package.json')).mtimeMs);
  if (!existsSync(vsix) || statSync(vsix).mtimeMs < sources) {
    const packaged = spawnSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, stdio: 'inherit' });
    if (packaged.status !== 0) throw new Error('npm run package failed');
  }
  return vsix;
}

/** Browser-driven suites (test/security/e2e/*.e2e.ts) against the packaged VSIX. */
function e2eSuites(): void {
  process.stdout.write('\n── security: e2e (packaged VSIX, Chromium) ──\n');
  const resultFile = join(repoRoot, 'test-results', 'security', 'e2e.json');
  const run = spawnSync(
    join(repoRoot, 'node_modules', '.bin', 'mocha'),
    ['--import=tsx', '--forbid-only', '--timeout', '300000', '--reporter', 'json', '--reporter-option', `output=${resultFile}`, 'test/security/e2e/*.e2e.ts'],
    { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, AIRLOCK_E2E_VSIX: packagedVsix() } },
  );
  countMocha(resultFile, run.status, 'e2e');
}

/** Names the surface a file belongs to, for the figures. */
function surfaceOf(path: string): string {
  if (/\/logs\//.test(path) || path.endsWith('.log')) return path.endsWith('test-run.log') ? 'test run log' : 'logs (output channels, exthost)';
  if (/audit/.test(path)) return 'audit files';
  if (/\.vscdb/.test(path)) return 'global/workspace state (state.vscdb)';
  if (/settings\.json$/.test(path)) return 'settings files';
  if (/airlock-home/.test(path)) return 'discovery/token folder ($AIRLOCK_HOME)';
  if (/\/captured\/mcp-results/.test(path)) return 'MCP results, errors, progress (captured)';
  if (/\/captured\/terminal/.test(path)) return 'terminal buffer (captured)';
  if (/workspaces\//.test(path)) return 'workspace files';
  if (/results\.json$/.test(path)) return 'test results';
  return 'other sandbox files';
}

/**
 * Scans every file under each root for every canary in every promised encoding; only the canary file the
 * runner wrote is skipped. In code-server, extension global/workspace state and SecretStorage live in the
 * browser (the Chromium profile): SecretStorage encrypts, so a plaintext hit there is a leak too. LevelDB
 * may compress blocks, which this byte scan cannot see through (said in SECURITY.md).
 */
function leakScan(roots: readonly string[], canaries: readonly string[]): number {
  process.stdout.write('\n── security: canary leak scan ──\n');
  const surfaces = new Map<string, { files: number; bytes: number; leaks: number }>();
  const scan = (path: string, bytes: Buffer): void => {
    const leaks = findLeaks(bytes, canaries);
    const surface = path.includes('chromium-profile') ? 'browser storage: global/workspace state, webview state (Chromium profile)' : surfaceOf(path);
    const s = surfaces.get(surface) ?? { files: 0, bytes: 0, leaks: 0 };
    s.files++;
    s.bytes += bytes.length;
    s.leaks += leaks.length;
    surfaces.set(surface, s);
    for (const leak of leaks.slice(0, 3)) process.stdout.write(`  LEAK ${leak.form} in ${path} at ${leak.index}\n`);
  };
  // Files that vanish during the walk (a closing browser or server) are skipped, and the canary file the
  // runner wrote; a file too large to scan is said, not skipped silently.
  const skip = (path: string): boolean => basename(path) === 'canaries.json';
  const tooLarge = (path: string): void => void process.stdout.write(`  SKIPPED (over 256 MiB) ${path}\n`);
  for (const root of roots) if (existsSync(root)) forEachFile(root, scan, { skip, tooLarge });
  let found = 0;
  for (const [surface, s] of [...surfaces.entries()].sort()) {
    process.stdout.write(`  ${s.leaks === 0 ? 'ok  ' : 'LEAK'} ${surface.padEnd(42)} ${String(s.files).padStart(5)} files ${(s.bytes / 2 ** 20).toFixed(1).padStart(7)} MiB  ${s.leaks} found\n`);
    found += s.leaks;
  }
  recordFigures('canary leak scan', { surfaces: surfaces.size, files: [...surfaces.values()].reduce((n, s) => n + s.files, 0), found });
  return found;
}

function summary(): void {
  process.stdout.write('\nSecurity figures:\n');
  for (const figure of readAllFigures(figuresDir())) {
    const { name, ...rest } = figure;
    process.stdout.write(`  ${name.padEnd(46)} ${Object.entries(rest).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  }
}

const OPTIONS = ['--unit-only', '--real-host-only', '--no-e2e', '--keep'];

/** `--help`, or an option this script does not know: say what it takes, and run nothing. */
function usage(): string {
  const launches = LAUNCHES().map((l) => l.name).join(', ');
  return [
    'npm run test:security [-- --unit-only | --real-host-only] [-- --no-e2e] [-- --keep]',
    '  --unit-only       fuzzing and the endpoint matrix in plain Node only',
    '  --real-host-only  only the suites inside code-server (and the leak scan)',
    '  --no-e2e          skip the browser suites',
    '  --keep            keep the sandboxes (their paths are printed)',
    `AIRLOCK_SECURITY_LAUNCHES=<name,...> picks real-host launches: ${launches}`,
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  const unknown = [...args].filter((a) => !OPTIONS.includes(a));
  if (unknown.length > 0) {
    const help = unknown.every((a) => a === '--help' || a === '-h');
    (help ? process.stdout : process.stderr).write(`${help ? '' : `unknown option: ${unknown.join(' ')}\n`}${usage()}`);
    return help ? 0 : 2;
  }
  installCleanupHooks();
  rmSync(figures, { recursive: true, force: true });
  mkdirSync(figures, { recursive: true });
  if (!args.has('--real-host-only')) unitSuites();
  if (!args.has('--unit-only')) {
    const canaries = { DEPLOY_TOKEN: `canary-sec-${randomBytes(16).toString('hex')}`, CANARY_TOKEN: `canary-run-${randomBytes(16).toString('hex')}` };
    const sandboxes = await realHost(canaries);
    const extra = (process.env['AIRLOCK_LEAK_SCAN_ROOTS'] ?? '').split(':').filter((p) => p !== '');
    if (!args.has('--no-e2e')) e2eSuites();
    const found = leakScan([...sandboxes.map((d) => d.root), ...extra], Object.values(canaries));
    if (found > 0) total.failed++;
    if (!args.has('--keep')) for (const d of sandboxes) rmSync(d.root, { recursive: true, force: true });
    else process.stdout.write(`kept: ${sandboxes.map((d) => relative(process.cwd(), d.root)).join(', ')}\n`);
  }
  summary();
  process.stdout.write(`\nSecurity: ${total.passed} passed, ${total.failed} failed, ${total.pending} pending\n`);
  reportTier('security', total);
  return total.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`test:security: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
