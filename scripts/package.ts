/**
 * `npm run package [-- --target <platform>-<arch>] [-- --out <file.vsix>]`: production build and
 * `vsce package --no-dependencies --target …` → dist-vsix/airlock.vsix for this machine's target (or
 * dist-vsix/airlock-<target>.vsix, or `--out`), at most 5 MiB, then a check that the archive holds exactly what `.vscodeignore`'s allowlist names (fails otherwise).
 *
 * It packages from a staging folder of its own (out/vsix-staging-<pid>: the allowlisted files + a fresh
 * production build), not from the working tree, so development leftovers in dist/ (source maps, stale entries) or a
 * concurrent `npm run build` can never end up in the VSIX.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { minimatch } from 'minimatch';
import { RUNTIME_FILES } from './lib/runtimeFiles';
import { parseArgs } from 'node:util';
import { removeOnExit, repoRoot } from './lib/sandbox';
import { allowlistPatterns, checkVsixEntries, listVsixEntries, listVsixSizes } from './lib/vsix';

const { values } = parseArgs({ options: { out: { type: 'string' }, target: { type: 'string' } } });
/**
 * `--target <platform>-<arch>` (vsce's targets, e.g. linux-x64, darwin-arm64, win32-x64): a
 * platform-specific VSIX holding only that platform's sandbox helpers. Without it: this machine's target
 * (the sandbox engine's native helpers are per platform; all of them together would not fit in 5 MiB).
 */
const target = values.target ?? `${process.platform}-${process.arch}`;
const vsixPath = values.out !== undefined ? resolve(values.out) : join(repoRoot, values.target === undefined ? 'dist-vsix/airlock.vsix' : `dist-vsix/airlock-${target}.vsix`);
/** Every VSIX stays at most this big. */
const MAX_VSIX_BYTES = 5 * 1024 * 1024;
const staging = join(repoRoot, 'out', `vsix-staging-${process.pid}`);
/** Never walked for allowlisted files: built output and tooling folders. */
const skipDirs = new Set(['.git', 'node_modules', 'dist', 'out', 'dist-vsix', 'test-results', '.vscode-test']);

function run(command: string, args: readonly string[], cwd = repoRoot): void {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

/** Repository files (outside built folders) that an allowlist pattern names. */
function allowlistedSources(patterns: readonly string[], dir = repoRoot): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skipDirs.has(entry.name)) found.push(...allowlistedSources(patterns, path));
    } else if (patterns.some((pattern) => minimatch(relative(repoRoot, path), pattern, { dot: true }))) {
      found.push(path);
    }
  }
  return found;
}

async function main(): Promise<void> {
  const vscodeignore = readFileSync(join(repoRoot, '.vscodeignore'), 'utf8');
  const patterns = allowlistPatterns(vscodeignore);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  removeOnExit(staging);
  cpSync(join(repoRoot, '.vscodeignore'), join(staging, '.vscodeignore'));
  for (const file of allowlistedSources(patterns)) {
    const target = join(staging, relative(repoRoot, file));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(file, target);
  }
  // The staging folder has no build scripts, and the build just below is the prepublish step.
  const stagedManifest = join(staging, 'package.json');
  const staged = JSON.parse(readFileSync(stagedManifest, 'utf8')) as { scripts?: Record<string, string> };
  delete staged.scripts?.['vscode:prepublish'];
  writeFileSync(stagedManifest, `${JSON.stringify(staged, null, 2)}\n`);
  run('node', [join(repoRoot, 'scripts/build.mjs'), '--production', '--outdir', join(staging, 'dist'), '--target', target]);
  mkdirSync(dirname(vsixPath), { recursive: true });
  rmSync(vsixPath, { force: true });
  run(join(repoRoot, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--target', target, '--out', vsixPath], staging);

  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { main: string };
  const entries = await listVsixEntries(vsixPath);
  const check = checkVsixEntries(entries, patterns, ['package.json', manifest.main, ...RUNTIME_FILES]);
  if (check.unexpected.length > 0 || check.missing.length > 0) {
    if (check.unexpected.length > 0) process.stderr.write(`VSIX holds files .vscodeignore does not allow:\n  ${check.unexpected.join('\n  ')}\n`);
    if (check.missing.length > 0) process.stderr.write(`VSIX lacks required files:\n  ${check.missing.join('\n  ')}\n`);
    throw new Error('VSIX contents check failed');
  }
  const size = statSync(vsixPath).size;
  if (size > MAX_VSIX_BYTES) {
    // The budget holds for every platform (the 1Password wasm ships brotli-compressed; no Windows sandbox
    // helper): a VSIX over it is a regression, named with its largest entries.
    const largest = (await listVsixSizes(vsixPath)).slice(0, 4).map((e) => `${e.name} ${(e.compressed / 1024 / 1024).toFixed(2)} MiB`).join(', ');
    throw new Error(`${relative(repoRoot, vsixPath)} is ${(size / 1024 / 1024).toFixed(2)} MiB, over the 5 MiB budget (largest: ${largest})`);
  }
  const sizeMb = (size / 1024 / 1024).toFixed(2);
  process.stdout.write(`[package] ${relative(repoRoot, vsixPath)} (${sizeMb} MB, ${entries.length} entries) matches the .vscodeignore allowlist\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`package: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
