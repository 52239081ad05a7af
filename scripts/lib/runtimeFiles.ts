/**
 * The files the extension loads at run time besides `package.json` and its `main` (dist/extension.js),
 * in the order they are needed. One list: `npm run package` checks that the VSIX holds each of them, and a
 * unit test checks that `.vscodeignore` allowlists each of them.
 *   extension.js → features.js just after activation → mcp-endpoint.js when the endpoint starts;
 *   onepassword-sdk.js + core_bg.wasm.br (brotli: see scripts/build.mjs) on the first 1Password use; secret-scan.js on the first .env import
 *   or secret scan; the sandbox engine's bundle on the first sealed run or probe (it finds its native
 *   helpers beside it, per platform); bridge.js is launched by `airlock-mcp` as its own process.
 */
export const RUNTIME_FILES = [
  'dist/features.js',
  'dist/mcp-endpoint.js',
  'dist/onepassword-sdk.js',
  'dist/core_bg.wasm.br',
  'dist/secret-scan.js',
  'dist/engine/dist/sandbox/index.mjs',
  'dist/bridge.js',
  // Not loaded by the code: VS Code reads `package.json`'s "l10n" folder; this English bundle is what every
  // translation (bundle.l10n.<locale>.json beside it) is made from, so it ships with the extension.
  'l10n/bundle.l10n.json',
] as const;
