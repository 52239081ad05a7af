/** Builds the extension and bundles each launch's integration tests for the extension host. */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as esbuild from 'esbuild';
import { integrationDir, launchTestDir, testFilesIn, type Launch } from './launches';
import { removeOnExit, repoRoot } from './sandbox';

/**
 * `npm run build:test` (development bundles with source maps and the test facet, which activate() returns
 * in Test mode; production builds fold it away); throws when it fails.
 */
export function buildExtension(): void {
  const result = spawnSync('npm', ['run', '--silent', 'build:test'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run build:test failed (exit ${result.status ?? result.signal})`);
}

export interface BundledLaunch {
  readonly launch: Launch;
  /** out/test/integration/run-<pid>/<launch>/index.js — what `extensionTestsPath` points at. */
  readonly testsIndex: string;
  readonly testFiles: number;
}

/**
 * This process's own output folder: several people (or tiers) may run tests in the same tree at once,
 * and a shared folder would be rebuilt under a running window's feet. Removed when the process exits.
 */
let runDir: string | undefined;
function outputRoot(): string {
  if (runDir === undefined) {
    runDir = join(repoRoot, 'out/test/integration', `run-${process.pid}`);
    rmSync(runDir, { recursive: true, force: true });
    removeOnExit(runDir);
  }
  return runDir;
}

/**
 * Bundles `test/integration/index.ts` plus the launch's `*.test.ts` into out/test/integration/run-<pid>/<launch>/
 * (node, cjs; `vscode` and `mocha` stay external: the extension host provides the first, node_modules the
 * second).
 */
export async function bundleLaunch(launch: Launch): Promise<BundledLaunch> {
  const outdir = join(outputRoot(), launch.name);
  rmSync(outdir, { recursive: true, force: true });
  const sourceDir = launchTestDir(launch.name);
  const files = testFilesIn(sourceDir);
  const entryPoints: Record<string, string> = { index: join(integrationDir, 'index.ts') };
  for (const file of files) entryPoints[relative(sourceDir, file).replace(/\.ts$/, '')] = file;
  await esbuild.build({
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // As the extension's own build (scripts/build.mjs): prefer packages' ESM builds (jsonc-parser's UMD
    // "main" requires its parts at run time, which a bundle cannot resolve).
    mainFields: ['module', 'main'],
    sourcemap: 'inline',
    external: ['vscode', 'mocha', 'mocha/*'],
    logLevel: 'warning',
  });
  return { launch, testsIndex: join(outdir, 'index.js'), testFiles: files.length };
}
