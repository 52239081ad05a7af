// Builds every bundle with esbuild: extension host (node/cjs, `vscode` external), the stdio bridge
// (node/cjs, its own entry), the webview (browser/iife). Type-checking is `npm run typecheck` (tsc).
// Usage: node scripts/build.mjs [--production] [--test-facet] [--watch] [--outdir <dir>]  (default dist/;
// `npm run package` builds into its own staging folder so a concurrent development build cannot leak into
// the VSIX). `--test-facet` (the integration and security tiers: scripts/lib/bundleTests.ts) compiles in
// the test facet that activate() returns in Test mode; every other build folds it away (define below).
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const testFacet = process.argv.includes('--test-facet');
if (production && testFacet) throw new Error('build.mjs: --test-facet is never part of a production build');
const outdirIndex = process.argv.indexOf('--outdir');
const dist = outdirIndex === -1 ? join(root, 'dist') : resolve(process.argv[outdirIndex + 1]);

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

/** Test hooks do not ship: `if (AIRLOCK_TEST_FACET && …)` folds to nothing unless --test-facet (src/buildFlags.d.ts). */
const define = { AIRLOCK_TEST_FACET: testFacet ? 'true' : 'false' };

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    // What VS Code loads at activation: command stubs and the MCP provider, nothing else (a few KiB).
    ...common,
    define,
    entryPoints: { extension: join(root, 'src/extension.ts') },
    outdir: dist,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', './features.js'],
  },
  {
    // Every feature (compose/index.ts), required by extension.js just after activation has returned.
    ...common,
    define,
    entryPoints: { features: join(root, 'src/compose/index.ts') },
    outdir: dist,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', './onepassword-sdk.js', './mcp-endpoint.js', './secret-scan.js'],
    // Prefer packages' ESM builds: jsonc-parser's "main" is a UMD build whose dynamic require('./impl/…')
    // esbuild cannot follow, so the bundle would fail when loaded.
    mainFields: ['module', 'main'],
  },
  {
    // The 1Password SDK in its own bundle, required on first use only (see onePasswordStore.ts). Its
    // sdk-core reads core_bg.wasm from __dirname, so the wasm is copied next to it (copyOnePasswordWasm).
    ...common,
    entryPoints: { 'onepassword-sdk': join(root, 'src/adapters/stores/onePasswordSdk.ts') },
    outdir: dist,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    // The MCP endpoint (SDK server, Streamable HTTP transport and the SDK's schemas) in its own bundle,
    // required when the endpoint starts, after activation (see endpointService.ts): evaluating it is most
    // of what loading dist/features.js would otherwise cost. Tool schemas cross over as Standard Schema.
    ...common,
    entryPoints: { 'mcp-endpoint': join(root, 'src/adapters/node/mcpHttpServer.ts') },
    outdir: dist,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
  },
  {
    // The dotenv parser and secretlint's recommended rules, required on the first .env import or secret
    // scan only (see secretScanLoader.ts): ~80 KB that activation never evaluates.
    ...common,
    entryPoints: { 'secret-scan': join(root, 'src/adapters/node/secretScanner.ts') },
    outdir: dist,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
  },
  {
    ...common,
    entryPoints: { bridge: join(root, 'src/bridge/main.ts') },
    outdir: dist,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
  },
  {
    ...common,
    entryPoints: { consent: join(root, 'webview/consent/main.ts') },
    outdir: join(dist, 'webview'),
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
  },
];


mkdirSync(dist, { recursive: true });
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('[build] watching');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  console.log(`[build] ${builds.map((b) => Object.keys(b.entryPoints).join()).join(', ')} → ${dist}`);
}

/** dist/core_bg.wasm beside dist/onepassword-sdk.js: the SDK's core loads it from its own directory. */
function copyOnePasswordWasm() {
  const wasm = join(root, 'node_modules/@1password/sdk-core/nodejs/core_bg.wasm');
  cpSync(wasm, join(dist, 'core_bg.wasm'));
}
copyOnePasswordWasm();
