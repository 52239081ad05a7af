// The esbuild entry for dist/onepassword-sdk.js: the 1Password SDK (and, next to it, dist/core_bg.wasm — or core_bg.wasm.br in a production build, see scripts/build.mjs)
// in a bundle of its own, so the extension loads it only when a 1Password reference is first resolved.
// Export only what onePasswordStore.ts uses (the OnePasswordSdk interface there).
export { AuthExpiredError, createClient, DesktopAuth, DesktopSessionExpiredError, ItemCategory, ItemFieldType, RateLimitExceededError } from '@1password/sdk';
