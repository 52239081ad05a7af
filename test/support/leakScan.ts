import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findLeaks } from './canary';

const MAX_SCAN_BYTES = 256 * 2 ** 20;

/**
 * Calls `visit` with the path and bytes of every regular file under `root`. Files and folders that vanish
 * while the walk runs (a closing browser's caches) are skipped, and so is every path `skip` names (a folder
 * with all it holds). A file over 256 MiB goes to `tooLarge`, which by default throws: no scan may miss a
 * file without saying so.
 */
export function forEachFile(
  root: string,
  visit: (path: string, bytes: Buffer) => void,
  options: { readonly skip?: (path: string) => boolean; readonly tooLarge?: (path: string) => void } = {},
): void {
  const gone = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';
  const tooLarge = options.tooLarge ?? ((path: string) => {
    throw new Error(`${path} is too large to scan`);
  });
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      if (gone(error)) return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (options.skip?.(path) === true) continue;
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      if (!entry.isFile()) continue;
      let bytes: Buffer;
      try {
        if (statSync(path).size > MAX_SCAN_BYTES) {
          tooLarge(path);
          continue;
        }
        bytes = readFileSync(path);
      } catch (error) {
        if (gone(error)) continue;
        throw error;
      }
      visit(path, bytes);
    }
  };
  walk(root);
}

/**
 * Every file under `root` (a sandbox: workspace, user data with logs, state and settings, extensions,
 * HOME, AIRLOCK_HOME with the audit log, the Chromium profile, code-server's log) that holds any form of
 * any of `secrets` the redactor promises to scrub (raw, base64, hex, URL-encoded, JSON-escaped… see
 * canaryForms), as "NAME (form, form…) in relative/path" — the name, never the value. Files in `allowed` (the
 * places the person chose) are skipped. Files and folders that vanish while the walk runs (browser caches) are skipped.
 */
export function filesHoldingSecrets(root: string, secrets: Readonly<Record<string, string>>, allowed: readonly string[] = []): string[] {
  const nameOf = new Map(Object.entries(secrets).map(([name, value]) => [value, name]));
  const hits: string[] = [];
  forEachFile(
    root,
    (path, bytes) => {
      const forms = new Map<string, Set<string>>();
      for (const leak of findLeaks(bytes, Object.values(secrets))) {
        const name = nameOf.get(leak.canary) ?? '?';
        forms.set(name, (forms.get(name) ?? new Set()).add(leak.form));
      }
      for (const [name, found] of forms) hits.push(`${name} (${[...found].join(', ')}) in ${relative(root, path)}`);
    },
    { skip: (path) => allowed.includes(path) },
  );
  return hits;
}
