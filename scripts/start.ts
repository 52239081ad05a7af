/**
 * `npm start`: builds and packages Airlock, then opens a sandbox VS Code (code-server on 127.0.0.1, a
 * free port) with the VSIX installed and the demo workspace, and keeps it running until Ctrl+C.
 *
 *   npm start                  sandbox in code-server; open the printed URL in a browser
 *   npm start -- --fresh       forget the sandbox's profile, secrets and demo edits first
 *   npm start -- --port 8080   a fixed port instead of a free one
 *   npm start -- --desktop     use the desktop `code` on PATH (own --user-data-dir/--extensions-dir)
 *
 * The sandbox lives in <cache>/sandbox (default ~/.cache/airlock-test/sandbox): its own HOME, XDG_*,
 * TMPDIR, AIRLOCK_HOME, user data and extensions; the real home directory is not touched.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { copyFixture, createSandboxDirs, installCleanupHooks, installVsix, realVsCodePaths, repoRoot, startCodeServer, writeUserSettings, type SandboxDirs } from './lib/sandbox';

const vsix = join(repoRoot, 'dist-vsix/airlock.vsix');

function step(text: string): void {
  process.stdout.write(`[start] ${text}\n`);
}

function packageVsix(): void {
  step('building and packaging the VSIX (npm run package)…');
  const result = spawnSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error('npm run package failed (run it on its own to see why)');
}

/** The demo workspace and user settings are created once; the person's later edits are kept. */
function prepareWorkspace(dirs: SandboxDirs): string {
  const workspace = join(dirs.workspaces, 'demo');
  if (!existsSync(workspace)) copyFixture(dirs, 'demo');
  if (!existsSync(join(dirs.userDataDir, 'User/settings.json'))) writeUserSettings(dirs.userDataDir);
  return workspace;
}

function agentHelp(dirs: SandboxDirs, workspace: string): string {
  return [
    `  Workspace:     ${workspace} (a copy of test/fixtures/demo; see its README.md)`,
    `  AIRLOCK_HOME:  ${dirs.airlockHome} (endpoint discovery files, client tokens, the airlock-mcp launcher)`,
    `  Sandbox HOME:  ${dirs.home} (the sandbox's terminals and Connect commands write here, not to your home)`,
    '',
    '  Try it: Command Palette → "Airlock: Show Status"; "Airlock: Add Secret" stores DEPLOY_TOKEN;',
    '  Copilot agent mode finds Airlock by itself; "Airlock: Connect Codex / Claude Code / Cursor" and',
    '  "Airlock: Show Connection Info" explain how other agents connect (README: "Connecting agents").',
  ].join('\n');
}

async function startCodeServerSandbox(dirs: SandboxDirs, port: number | undefined): Promise<void> {
  const workspace = prepareWorkspace(dirs);
  step('installing the VSIX into the sandbox profile…');
  installVsix(dirs, vsix);
  const server = await startCodeServer({ dirs, trusted: true, ...(port === undefined ? {} : { port }) });
  const url = server.urlFor(workspace);
  process.stdout.write(
    [
      '',
      '  Airlock sandbox VS Code is running:',
      '',
      `    ${url}`,
      '',
      agentHelp(dirs, workspace),
      `  Server log:    ${server.logFile}`,
      '',
      '  Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  // Stay up until code-server ends or Ctrl+C (the cleanup hooks stop its process group).
  for (;;) {
    await new Promise((done) => setTimeout(done, 1000));
    try {
      process.kill(-server.pid, 0);
    } catch {
      throw new Error(`code-server stopped; see ${server.logFile}`);
    }
  }
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

async function startDesktop(dirs: SandboxDirs): Promise<void> {
  if (!onPath('code')) {
    throw new Error(
      'no desktop `code` on PATH. Install VS Code and its shell command ("Shell Command: Install \'code\' command in PATH"), ' +
        'or run `npm start` without --desktop for the browser sandbox.',
    );
  }
  const workspace = prepareWorkspace(dirs);
  const userDataDir = join(dirs.root, 'desktop-user-data');
  const extensionsDir = join(dirs.root, 'desktop-extensions');
  const profile = [`--user-data-dir=${userDataDir}`, `--extensions-dir=${extensionsDir}`];
  // Desktop VS Code keeps the person's HOME (keychain, display); only Airlock's folder is sandboxed.
  const env = { ...process.env, AIRLOCK_HOME: dirs.airlockHome };
  step('installing the VSIX into a separate desktop profile…');
  const installed = spawnSync('code', [...profile, '--install-extension', vsix, '--force'], { env, stdio: 'inherit' });
  if (installed.status !== 0) throw new Error('code --install-extension failed');
  process.stdout.write(`\n  Desktop VS Code opens ${workspace} with Airlock (profile ${userDataDir}).\n${agentHelp(dirs, workspace)}\n  Close the window (or Ctrl+C) to stop.\n\n`);
  const child = spawn('code', [...profile, '--new-window', '--wait', workspace], { env, stdio: 'inherit' });
  await new Promise<void>((done) => child.on('exit', () => done()));
}

async function main(): Promise<void> {
  installCleanupHooks();
  const { values } = parseArgs({ options: { desktop: { type: 'boolean' }, fresh: { type: 'boolean' }, port: { type: 'string' } } });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new Error(`--port must be a port number, not "${values.port}"`);
  packageVsix();
  step('checking the sandbox tools (scripts/setup-real-vscode.sh)…');
  const paths = realVsCodePaths();
  const root = join(paths.cache, 'sandbox');
  if (values.fresh === true) rmSync(root, { recursive: true, force: true });
  const dirs = createSandboxDirs('start', root);
  if (values.desktop === true) await startDesktop(dirs);
  else await startCodeServerSandbox(dirs, port);
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
