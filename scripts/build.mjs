// Builds every bundle with esbuild: extension host (node/cjs, `vscode` external), the stdio bridge
// (node/cjs, its own entry), the webview (browser/iife). Type-checking is `npm run typecheck` (tsc).
// Usage: node scripts/build.mjs [--production] [--test-facet] [--watch] [--outdir <dir>]  (default dist/;
// `npm run package` builds into its own staging folder so a concurrent development build cannot leak into
// the VSIX). `--test-facet` (the integration and security tiers: scripts/lib/bundleTests.ts) compiles in
// the test facet that activate() returns in Test mode; every other build folds it away (define below).
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const testFacet = process.argv.includes('--test-facet');
if (production && testFacet) throw new Error('build.mjs: --test-facet is never part of a production build');
const outdirIndex = process.argv.indexOf('--outdir');
const dist = outdirIndex === -1 ? join(root, 'dist') : resolve(process.argv[outdirIndex + 1]);
/** `--target <platform>-<arch>` (vsce's targets): keep only that platform's native helpers. */
const targetArg = () => {
  const index = process.argv.indexOf('--target');
  return index === -1 ? undefined : process.argv[index + 1];
};

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

/** Test hooks do not ship: `if (AIRLOCK_TEST_FACET && …)` folds to nothing unless --test-facet (src/buildFlags.d.ts). */
const define = { AIRLOCK_TEST_FACET: testFacet ? 'true' : 'false' };

/** Where the sandbox engine's bundle and its helpers go, under dist/. */
const ENGINE_DIR = 'engine';
/** features.js loads the engine from its own bundle: `import('@anthropic-ai/sandbox-runtime')` → dist/engine. */
const engineExternal = {
  name: 'engine-external',
  setup(build) {
    build.onResolve({ filter: /^@anthropic-ai\/sandbox-runtime$/ }, () => ({ path: `./${ENGINE_DIR}/dist/sandbox/index.mjs`, external: true }));
  },
};

/**
 * sdk-core reads `core_bg.wasm` from its own folder. A production build ships it brotli-compressed
 * (`core_bg.wasm.br`, 2.7 MiB instead of 4.2 MiB deflated in the VSIX: the budget is 5 MiB per platform),
 * so the one line that reads it is rewritten to take whichever of the two is there.
 */
const compressedWasmLoader = {
  name: 'compressed-wasm-loader',
  setup(build) {
    build.onLoad({ filter: /sdk-core[\\/]nodejs[\\/]core\.js$/ }, async (args) => {
      const source = readFileSync(args.path, 'utf8');
      const read = "const path = require('path').join(__dirname, 'core_bg.wasm');\nconst bytes = require('fs').readFileSync(path);";
      if (!source.includes(read)) throw new Error(`${args.path}: the line that reads core_bg.wasm changed; update compressedWasmLoader`);
      const replaced = source.replace(
        read,
        "const path = require('path').join(__dirname, 'core_bg.wasm');\n" +
          "const bytes = require('fs').existsSync(path) ? require('fs').readFileSync(path) : require('zlib').brotliDecompressSync(require('fs').readFileSync(path + '.br'));",
      );
      return { contents: replaced, loader: 'js' };
    });
  },
};

/** What the extension host loads: CommonJS for VS Code's Node, written to dist/. */
const extensionHost = { ...common, outdir: dist, platform: 'node', format: 'cjs', target: 'node20' };

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    // What VS Code loads at activation: command stubs and the MCP provider, nothing else (a few KiB).
    ...extensionHost,
    define,
    entryPoints: { extension: join(root, 'src/extension.ts') },
    external: ['vscode', './features.js'],
  },
  {
    // Every feature (compose/index.ts), required by extension.js just after activation has returned.
    ...extensionHost,
    define,
    entryPoints: { features: join(root, 'src/compose/index.ts') },
    // The sandbox engine is its own ESM bundle (dist/engine, below), loaded with import() on the first
    // sealed run or probe, never at activation.
    external: ['vscode', './onepassword-sdk.js', './mcp-endpoint.js', './secret-scan.js'],
    plugins: [engineExternal],
    // Prefer packages' ESM builds: jsonc-parser's "main" is a UMD build whose dynamic require('./impl/…')
    // esbuild cannot follow, so the bundle would fail when loaded.
    mainFields: ['module', 'main'],
  },
  {
    // The 1Password SDK in its own bundle, required on first use only (see onePasswordStore.ts). Its
    // sdk-core reads core_bg.wasm from __dirname, so the wasm is copied next to it (copyOnePasswordWasm).
    ...extensionHost,
    entryPoints: { 'onepassword-sdk': join(root, 'src/adapters/stores/onePasswordSdk.ts') },
    plugins: [compressedWasmLoader],
  },
  {
    // The MCP endpoint (SDK server, Streamable HTTP transport and the SDK's schemas) in its own bundle,
    // required when the endpoint starts, after activation (see endpointService.ts): evaluating it is most
    // of what loading dist/features.js would otherwise cost. Tool schemas cross over as Standard Schema.
    ...extensionHost,
    entryPoints: { 'mcp-endpoint': join(root, 'src/adapters/node/mcpHttpServer.ts') },
    mainFields: ['module', 'main'],
  },
  {
    // The dotenv parser and secretlint's recommended rules, required on the first .env import or secret
    // scan only (see secretScanLoader.ts): ~80 KB that activation never evaluates.
    ...extensionHost,
    entryPoints: { 'secret-scan': join(root, 'src/adapters/node/secretScanner.ts') },
    mainFields: ['module', 'main'],
  },
  {
    // @anthropic-ai/sandbox-runtime with its dependencies, as one ESM file. It finds its native helpers
    // relative to its own file (seccomp: <dir>/../../vendor; Windows: <dir>/../../vendor), so the bundle
    // sits at dist/engine/dist/sandbox/ and copyEngineVendor puts vendor/ at dist/engine/vendor.
    ...common,
    entryPoints: { index: join(root, 'node_modules/@anthropic-ai/sandbox-runtime/dist/index.js') },
    outdir: join(dist, ENGINE_DIR, 'dist', 'sandbox'),
    outExtension: { '.js': '.mjs' },
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    // Its CommonJS dependencies require Node built-ins: give the ESM bundle a real require.
    banner: { js: "import { createRequire as __airlockCreateRequire } from 'node:module'; const require = __airlockCreateRequire(import.meta.url);" },
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

/**
 * The SDK's wasm beside dist/onepassword-sdk.js, where its core looks for it: as is in a development
 * build; brotli-compressed (quality 11, ~45 s, so cached by content hash outside the repository) in a
 * production build. Only one of the two is written.
 */
function copyOnePasswordWasm() {
  const wasm = join(root, 'node_modules/@1password/sdk-core/nodejs/core_bg.wasm');
  rmSync(join(dist, 'core_bg.wasm'), { force: true });
  rmSync(join(dist, 'core_bg.wasm.br'), { force: true });
  if (!production) {
    cpSync(wasm, join(dist, 'core_bg.wasm'));
    return;
  }
  const bytes = readFileSync(wasm);
  const cacheDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'airlock-build');
  const cached = join(cacheDir, `core_bg.${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.wasm.br`);
  if (!existsSync(cached)) {
    const compressed = brotliCompressSync(bytes, {
      params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_LGWIN]: 24, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    });
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(`${cached}.tmp`, compressed);
    renameSync(`${cached}.tmp`, cached);
  }
  cpSync(cached, join(dist, 'core_bg.wasm.br'));
}
copyOnePasswordWasm();

/**
 * The engine's native helpers beside its bundle: every platform's in a development build; with
 * `--target <platform>-<arch>` (per-platform VSIXes) only that one's, so each VSIX stays small.
 */
function copyEngineVendor() {
  const vendor = join(root, 'node_modules/@anthropic-ai/sandbox-runtime/vendor');
  const out = join(dist, ENGINE_DIR, 'vendor');
  rmSync(out, { recursive: true, force: true });
  const target = targetArg();
  const [platform, arch] = target === undefined ? [undefined, undefined] : target.split('-');
  const archDir = arch === 'arm64' ? 'arm64' : 'x64';
  const wanted = [];
  if (platform === undefined || platform === 'linux') wanted.push(...(arch === undefined ? ['x64', 'arm64'] : [archDir]).map((a) => join('seccomp', a, 'apply-seccomp')));
  // No Windows helper: the engine's Windows sandbox is alpha and needs an elevated one-time install, so
  // Airlock does not use it (probeSandbox says so; runs there are unsealed, and refused under "required").
  // The Java proxy agent (12 KB) routes JVM tools through the proxy on every platform.
  wanted.push(join('java-proxy-agent', 'srt-proxy-agent.jar'));
  for (const file of wanted) {
    if (!existsSync(join(vendor, file))) continue;
    mkdirSync(dirname(join(out, file)), { recursive: true });
    cpSync(join(vendor, file), join(out, file));
  }
}
copyEngineVendor();
