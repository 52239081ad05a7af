/**
 * The real-VS-Code sandbox shared by every tier that needs one: `npm run test:integration`, the
 * test-electron shim (`npm run test:desktop`), the e2e harness and `npm start`.
 *
 * A sandbox is a temp folder holding everything a code-server run writes (HOME, XDG_*, TMPDIR, user data,
 * extensions, AIRLOCK_HOME, the Chromium profile, a copy of the workspace fixture), a code-server
 * process in its own process group, and optionally a headless Chromium driven by playwright-core.
 * Whatever happens (failure, timeout, Ctrl+C), `close()` and the process-exit hook kill the process
 * groups; nothing is written to the real home directory except the setup cache.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { format } from 'node:util';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const repoRoot = resolve(__dirname, '..', '..');

/** Paths printed by `scripts/setup-real-vscode.sh --print`. */
export interface RealVsCodePaths {
  readonly node24: string;
  readonly codeServerEntry: string;
  readonly chromium: string;
  /** The setup cache (~/.cache/airlock-test): the only place outside temp dirs the harness writes. */
  readonly cache: string;
  /** node_modules holding the agent CLIs (@github/copilot, @google/gemini-cli) the Connect tests run. */
  readonly agentClis: string;
}

let cachedPaths: RealVsCodePaths | undefined;

/** Runs the idempotent setup script once per process (installs on a cold machine) and returns its paths. */
export function realVsCodePaths(): RealVsCodePaths {
  if (cachedPaths === undefined) {
    const out = execFileSync('bash', [join(repoRoot, 'scripts/setup-real-vscode.sh'), '--print'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lastLine = out.trim().split('\n').pop() ?? '';
    cachedPaths = JSON.parse(lastLine) as RealVsCodePaths;
  }
  return cachedPaths;
}

/** A port the OS says is free right now (bound to 127.0.0.1, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolvePort(address.port);
        else reject(new Error('could not get a free port'));
      });
    });
  });
}

/** Every folder one sandbox writes to; all of them live under `root`. */
export interface SandboxDirs {
  readonly root: string;
  readonly home: string;
  readonly tmp: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly airlockHome: string;
  readonly browserProfile: string;
  readonly workspaces: string;
}

/**
 * Creates the sandbox folders. `root` defaults to a fresh temp dir; pass a fixed folder (e.g. under the
 * setup cache) for a sandbox that should survive between runs (`npm start`).
 */
export function createSandboxDirs(label: string, root?: string): SandboxDirs {
  const base = root ?? mkdtempSync(join(tmpdir(), `airlock-${label}-`));
  const dirs: SandboxDirs = {
    root: base,
    home: join(base, 'home'),
    tmp: join(base, 'tmp'),
    userDataDir: join(base, 'user-data'),
    extensionsDir: join(base, 'extensions'),
    airlockHome: join(base, 'airlock-home'),
    browserProfile: join(base, 'chromium-profile'),
    workspaces: join(base, 'workspaces'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  for (const sub of ['.config', '.cache', '.local/share', '.local/state']) mkdirSync(join(dirs.home, sub), { recursive: true });
  return dirs;
}

/**
 * User settings every sandbox starts from. GPU acceleration off makes terminal text readable from the
 * DOM (`.xterm-rows > div`); the trust prompt is off so Restricted Mode launches are not blocked by a
 * modal (the folder simply stays untrusted).
 */
export const baseUserSettings: Readonly<Record<string, unknown>> = {
  'terminal.integrated.gpuAcceleration': 'off',
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.untrustedFiles': 'open',
  'chat.disableAIFeatures': true,
};

/** Writes `<userDataDir>/User/settings.json` = base settings + `extra` (extra wins). */
export function writeUserSettings(userDataDir: string, extra: Readonly<Record<string, unknown>> = {}): string {
  const userDir = join(userDataDir, 'User');
  mkdirSync(userDir, { recursive: true });
  const file = join(userDir, 'settings.json');
  writeFileSync(file, JSON.stringify({ ...baseUserSettings, ...extra }, null, 2) + '\n');
  return file;
}

/** Copies `test/fixtures/<fixture>` (or an absolute folder) into the sandbox, so tests may change it freely. */
export function copyFixture(dirs: SandboxDirs, fixture: string): string {
  const source = fixture.startsWith('/') ? fixture : join(repoRoot, 'test/fixtures', fixture);
  if (!existsSync(source)) throw new Error(`workspace fixture not found: ${source}`);
  const target = join(dirs.workspaces, basename(source));
  rmSync(target, { recursive: true, force: true });
  cpSync(source, target, { recursive: true });
  return target;
}

// ── process groups: killed on close, on exit, on Ctrl+C ──────────────────────────────────────────────

const liveGroups = new Set<number>();
const tempRoots = new Set<string>();
let hooksInstalled = false;
let exitHookInstalled = false;

function ensureExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killEverythingNow);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killEverythingNow(): void {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  liveGroups.clear();
  if (process.env['AIRLOCK_KEEP_SANDBOX'] !== '1') {
    for (const root of tempRoots) rmSync(root, { recursive: true, force: true, maxRetries: 2 });
  }
  tempRoots.clear();
}

/**
 * Makes sure sandboxes die with this process: on exit (sync kill), and on SIGINT/SIGTERM/SIGHUP (kill,
 * then exit 130). Playwright's own exit hook kills the browsers it launched.
 */
export function installCleanupHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  ensureExitHook();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n[sandbox] ${signal}: stopping code-server and the browser\n`);
      // SIGTERM first so code-server can flush its state; whatever is left after 2 s gets SIGKILL (exit hook).
      for (const pid of liveGroups) killGroup(pid, 'SIGTERM');
      const deadline = Date.now() + 2000;
      const poll = setInterval(() => {
        if ([...liveGroups].every((pid) => !groupAlive(pid)) || Date.now() > deadline) {
          clearInterval(poll);
          process.exit(130);
        }
      }, 100);
    });
  }
}

/** Registers a temp folder to delete when this process exits (unless AIRLOCK_KEEP_SANDBOX=1). */
export function removeOnExit(root: string): void {
  ensureExitHook();
  tempRoots.add(root);
}

/** Kills a process group: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopGroup(pid: number, graceMs = 3000): Promise<void> {
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
  liveGroups.delete(pid);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

// ── code-server ──────────────────────────────────────────────────────────────────────────────────────

export interface CodeServerOptions {
  readonly dirs: SandboxDirs;
  /** false starts with workspace trust ON (folders open untrusted, Restricted Mode); true passes --disable-workspace-trust. */
  readonly trusted: boolean;
  /** Needed for `?payload=` (extensionDevelopmentPath/extensionTestsPath) to be honoured. */
  readonly smokeTestDriver?: boolean;
  /** Extra environment for the server and so for the extension host (which inherits it). */
  readonly env?: Readonly<Record<string, string>>;
  /** Fixed port (default: a free one). */
  readonly port?: number;
}

export interface CodeServer {
  readonly port: number;
  readonly baseUrl: string;
  readonly pid: number;
  readonly logFile: string;
  /** `http://127.0.0.1:PORT/?folder=<abs>` plus an optional payload (see REAL-VSCODE.md). */
  urlFor(folder: string | undefined, payload?: ReadonlyArray<readonly [string, string]>): string;
  stop(): Promise<void>;
}

/** The environment of a sandboxed process: own HOME, XDG_*, TMPDIR and AIRLOCK_HOME; no VS Code leftovers. */
export function sandboxEnv(dirs: SandboxDirs, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    // A runner started from a VS Code terminal must not leak its IPC hooks into the sandbox.
    if (key.startsWith('VSCODE_') || key === 'ELECTRON_RUN_AS_NODE' || key.startsWith('npm_')) continue;
    env[key] = value;
  }
  Object.assign(env, {
    HOME: dirs.home,
    XDG_CONFIG_HOME: join(dirs.home, '.config'),
    XDG_CACHE_HOME: join(dirs.home, '.cache'),
    XDG_DATA_HOME: join(dirs.home, '.local/share'),
    XDG_STATE_HOME: join(dirs.home, '.local/state'),
    TMPDIR: dirs.tmp,
    AIRLOCK_HOME: dirs.airlockHome,
    AIRLOCK_TEST_HOME: dirs.airlockHome,
    AIRLOCK_TEST_SANDBOX: dirs.root,
    // No extension gallery: the sandbox makes no network request (code-server would ask open-vsx.org).
    EXTENSIONS_GALLERY: '{}',
  });
  return Object.assign(env, extra);
}

/** Installs a VSIX into the sandbox's extensions dir with code-server's own CLI. */
export function installVsix(dirs: SandboxDirs, vsix: string): void {
  const paths = realVsCodePaths();
  execFileSync(
    paths.node24,
    [paths.codeServerEntry, '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--install-extension', vsix, '--force'],
    { env: sandboxEnv(dirs), stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
  );
}

/**
 * Starts code-server detached (its own process group) and waits for `/healthz`. A port found free can be
 * taken by another process before code-server binds it: then it starts again on a new port (twice at most).
 */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startCodeServerOn(options, options.port ?? (await freePort()));
    } catch (error) {
      if (!(error instanceof PortTaken) || options.port !== undefined || attempt === 3) throw error;
    }
  }
}

class PortTaken extends Error {}

async function startCodeServerOn(options: CodeServerOptions, port: number): Promise<CodeServer> {
  installCleanupHooks();
  const paths = realVsCodePaths();
  const { dirs } = options;
  const config = join(dirs.root, 'code-server.yaml');
  writeFileSync(config, 'auth: none\n');
  const args = [
    paths.codeServerEntry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--config', config,
    '--user-data-dir', dirs.userDataDir,
    '--extensions-dir', dirs.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (options.trusted) args.push('--disable-workspace-trust');
  if (options.smokeTestDriver === true) args.push('--vscode-option', 'enable-smoke-test-driver');
  const logFile = join(dirs.root, 'code-server.log');
  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(paths.node24, args, {
      cwd: dirs.home,
      env: sandboxEnv(dirs, options.env),
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start');
  liveGroups.add(pid);
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited = `code-server exited (${signal ?? code})`;
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) {
      const log = tail(logFile);
      throw new (/EADDRINUSE/.test(log) ? PortTaken : Error)(`${exited} before it was ready; log: ${logFile}\n${log}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopGroup(pid);
      throw new Error(`code-server did not answer /healthz within 60 s; log: ${logFile}\n${tail(logFile)}`);
    }
    await sleep(150);
  }
  return {
    port,
    baseUrl,
    pid,
    logFile,
    urlFor(folder, payload) {
      const query = new URLSearchParams();
      if (folder !== undefined) query.set('folder', folder);
      if (payload !== undefined) query.set('payload', JSON.stringify(payload));
      const search = query.toString();
      return `${baseUrl}/${search === '' ? '' : `?${search}`}`;
    },
    stop: () => stopGroup(pid),
  };
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

// ── Chromium ─────────────────────────────────────────────────────────────────────────────────────────

/** Flags from REAL-VSCODE.md: headless Debian Chromium without sandbox, GPU, network chatter or /dev/shm. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Launches headless Chromium with a fresh profile inside the sandbox; returns its context and first page. */
export async function launchBrowser(dirs: SandboxDirs, viewport = { width: 1400, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  installCleanupHooks();
  const paths = realVsCodePaths();
  rmSync(dirs.browserProfile, { recursive: true, force: true });
  const context = await chromium.launchPersistentContext(dirs.browserProfile, {
    executablePath: paths.chromium,
    headless: true,
    args: chromiumArgs,
    env: sandboxEnv(dirs),
    viewport,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

// ── extension tests inside the real extension host ──────────────────────────────────────────────────

/**
 * Workbench chatter the smoke-test driver forwards along with the extension host's console (connection
 * set-up, contribution timings, the auth provider nobody registers here). Kept in the full log only.
 */
const workbenchNoise = [
  /^Resolving connection token/,
  /^Resolved connection token/,
  /^Creating a socket/,
  /^\[reconnection-grace-time\]/,
  /^Creation of workbench contribution/,
  /^Updating additional builtin extensions cache/,
  /^Ignoring fetching additional builtin extensions from gallery/,
  /^\[Service Worker\]/,
  /^\[AgentHost/,
  /^\[AccountPolicyGate\]/,
  /^\[error\] Timed out waiting for authentication provider/,
  /^\[error\] .*ENOTFOUND/,
  /^Started local extension host with pid/,
];

/** True for a forwarded workbench line that says nothing about the tests. */
export function isWorkbenchNoise(line: string): boolean {
  return workbenchNoise.some((pattern) => pattern.test(line));
}

export interface ExtensionTestRunOptions {
  readonly label: string;
  readonly dirs: SandboxDirs;
  readonly extensionDevelopmentPath: string;
  /** The compiled test index (a module exporting `run(): Promise<void>`). */
  readonly extensionTestsPath: string;
  readonly workspace: string | undefined;
  readonly trusted: boolean;
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Where extension-host console lines go (default: stdout). */
  readonly onLog?: (line: string) => void;
}

export interface ExtensionTestRunResult {
  /** The test run's exit code (0 = all passed); 1 when it timed out or the window never reported. */
  readonly exitCode: number;
  readonly timedOut: boolean;
  readonly error?: string;
}

/**
 * The test-electron equivalent on code-server: opens the workspace in Chromium with the
 * `extensionDevelopmentPath` / `extensionTestsPath` payload, forwards the extension host's console, and
 * resolves with the exit code the test index reports. Always stops the browser and the server.
 */
export async function runExtensionTests(options: ExtensionTestRunOptions): Promise<ExtensionTestRunResult> {
  const log = options.onLog ?? ((line: string) => process.stdout.write(line + '\n'));
  const server = await startCodeServer({
    dirs: options.dirs,
    trusted: options.trusted,
    smokeTestDriver: true,
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  let browser: BrowserContext | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const launched = await launchBrowser(options.dirs);
    browser = launched.context;
    const page = launched.page;
    let reportExit: (code: number) => void = () => undefined;
    const exitReported = new Promise<number>((done) => {
      reportExit = done;
    });
    await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
      // The workbench forwards console calls as (type, [format, ...values]); format them like Node would.
      const parts = Array.isArray(args) ? (args as unknown[]) : [args];
      const text = format(...parts);
      log(type === 'error' ? `[error] ${text}` : text);
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => {
      reportExit(typeof code === 'number' ? code : Number(code) || 1);
    });
    page.on('pageerror', (error) => log(`[page error] ${error.message}`));
    const remote = (path: string): string => `vscode-remote://127.0.0.1:${server.port}${path}`;
    const url = server.urlFor(options.workspace, [
      ['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)],
      ['extensionTestsPath', remote(options.extensionTestsPath)],
      ['skipWelcome', 'true'],
    ]);
    const timedOut = new Promise<'timeout'>((done) => {
      timer = setTimeout(() => done('timeout'), options.timeoutMs);
    });
    // The test run reports its own end; the page's load event (a 19 MB bundle) is no signal and would
    // otherwise give up after Playwright's default 30 s on a busy machine. The launch's timer bounds it all.
    await page.goto(url, { waitUntil: 'commit', timeout: options.timeoutMs });
    const outcome = await Promise.race([exitReported, timedOut]);
    if (outcome === 'timeout') {
      const message = `${options.label}: no result after ${Math.round(options.timeoutMs / 1000)} s (timeout); code-server log: ${server.logFile}`;
      log(message);
      log(tail(server.logFile, 20));
      return { exitCode: 1, timedOut: true, error: message };
    }
    return { exitCode: outcome, timedOut: false };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${options.label}: ${message}`);
    return { exitCode: 1, timedOut: false, error: message };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    await browser?.close().catch(() => undefined);
    await server.stop();
  }
}
