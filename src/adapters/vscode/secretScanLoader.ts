import type { SecretScannerModule } from '../node/secretScanner';

let loaded: Promise<SecretScannerModule> | undefined;

/**
 * dist/secret-scan.js (the dotenv parser and secretlint's recommended rules), required on first use:
 * activation never pays for it. Resolved next to dist/extension.js; esbuild keeps the path external.
 */
export function loadSecretScanner(): Promise<SecretScannerModule> {
  loaded ??= new Promise<SecretScannerModule>((resolve, reject) => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      resolve(require('./secret-scan.js') as SecretScannerModule);
    } catch (error) {
      loaded = undefined;
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
  return loaded;
}
