/**
 * Behaves like a desktop `code` binary for @vscode/test-electron's `runTests`: parses
 * `--extensionDevelopmentPath=`, `--extensionTestsPath=`, `--user-data-dir=`, `--extensions-dir=`,
 * `--disable-workspace-trust` and the workspace argument, then runs the tests in code-server + Chromium
 * (scripts/lib/sandbox.ts `runExtensionTests`). Other desktop-only flags (`--no-sandbox`,
 * `--skip-welcome`…) are accepted and ignored. Started through scripts/code-server-shim.sh.
 *
 * The sandbox is $AIRLOCK_TEST_SANDBOX when the caller prepared one (scripts/test-desktop.ts does), else
 * a temp folder; `--user-data-dir`/`--extensions-dir` override its folders.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSandboxDirs, installCleanupHooks, isWorkbenchNoise, removeOnExit, runExtensionTests, type SandboxDirs } from './lib/sandbox';

interface ShimArgs {
  readonly values: Map<string, string[]>;
  readonly flags: Set<string>;
  readonly positionals: string[];
}

const valueOptions = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir', 'folder-uri', 'locale']);

function parse(argv: readonly string[]): ShimArgs {
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (value === undefined && valueOptions.has(name)) value = argv[++i];
    if (value === undefined) flags.add(name);
    else values.set(name, [...(values.get(name) ?? []), value]);
  }
  return { values, flags, positionals };
}

async function main(): Promise<number> {
  installCleanupHooks();
  const args = parse(process.argv.slice(2));
  const one = (name: string): string | undefined => args.values.get(name)?.[0];
  const developmentPath = one('extensionDevelopmentPath');
  const testsPath = one('extensionTestsPath');
  if (developmentPath === undefined || testsPath === undefined) {
    process.stderr.write('code-server-shim: needs --extensionDevelopmentPath= and --extensionTestsPath= (it only runs extension tests)\n');
    return 2;
  }
  if ((args.values.get('extensionDevelopmentPath') ?? []).length > 1) {
    process.stderr.write('code-server-shim: only the first --extensionDevelopmentPath is loaded\n');
  }
  const preparedRoot = process.env['AIRLOCK_TEST_SANDBOX'];
  const base = createSandboxDirs('shim', preparedRoot === undefined || preparedRoot === '' ? undefined : preparedRoot);
  if (preparedRoot === undefined || preparedRoot === '') removeOnExit(base.root);
  const userDataDir = one('user-data-dir');
  const extensionsDir = one('extensions-dir');
  const dirs: SandboxDirs = {
    ...base,
    ...(userDataDir === undefined ? {} : { userDataDir: resolve(userDataDir) }),
    ...(extensionsDir === undefined ? {} : { extensionsDir: resolve(extensionsDir) }),
  };
  mkdirSync(dirs.userDataDir, { recursive: true });
  mkdirSync(dirs.extensionsDir, { recursive: true });
  const workspace = args.positionals[0];
  const verbose = process.env['AIRLOCK_TEST_VERBOSE'] === '1';
  const timeoutSeconds = Number(process.env['AIRLOCK_TEST_TIMEOUT_S'] ?? 300);
  process.stdout.write(`code-server-shim: running ${testsPath} in code-server (workspace ${workspace ?? '(none)'}, ${args.flags.has('disable-workspace-trust') ? 'trust disabled' : 'trust on'})\n`);
  const result = await runExtensionTests({
    label: 'code-server-shim',
    dirs,
    extensionDevelopmentPath: resolve(developmentPath),
    extensionTestsPath: resolve(testsPath),
    workspace: workspace === undefined ? undefined : resolve(workspace),
    trusted: args.flags.has('disable-workspace-trust'),
    timeoutMs: timeoutSeconds * 1000,
    onLog: (line) => {
      if (verbose || !isWorkbenchNoise(line)) process.stdout.write(line + '\n');
    },
  });
  return result.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`code-server-shim: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
