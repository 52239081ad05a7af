/**
 * Builds l10n/bundle.l10n.json (the English source of every translation) from the sources with
 * `@vscode/l10n-dev`'s extractor. Used by `npm run l10n` (scripts/l10n.ts) and by the unit test that fails
 * when the committed bundle is stale.
 *
 * The extractor only looks at files that import `vscode` (or `@vscode/l10n`). The core and the webview
 * take the `L10n` interface instead (src/shared/l10n.ts) and call it `l10n.t('…')`, so each file is read as
 * if it began with `import * as vscode from 'vscode'`: then both `vscode.l10n.t('…')` and `l10n.t('…')`
 * are found, in every layer, by one rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { getL10nJson } from '@vscode/l10n-dev';

/** Where person-facing text lives: the extension (host, core, shared) and the consent webview. */
export const L10N_SOURCE_DIRS = ['src', 'webview'] as const;
export const BUNDLE_PATH = 'l10n/bundle.l10n.json';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** The bundle's JSON text (keys sorted, two-space indent, trailing newline) for the sources under `root`. */
export async function buildL10nBundle(root: string): Promise<string> {
  const files = L10N_SOURCE_DIRS.flatMap((dir) => sourceFiles(join(root, dir)))
    .sort((a, b) => relative(root, a).localeCompare(relative(root, b)));
  const bundle = await getL10nJson(files.map((file) => ({
    extension: extname(file),
    contents: `import * as vscode from 'vscode';\n${readFileSync(file, 'utf8')}`,
  })));
  const sorted = Object.fromEntries(Object.keys(bundle).sort().map((key) => [key, bundle[key]]));
  return `${JSON.stringify(sorted, null, 2)}\n`;
}
