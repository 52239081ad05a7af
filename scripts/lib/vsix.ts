/**
 * What a packaged VSIX may contain: exactly what `.vscodeignore`'s allowlist names (`**`, then
 * `!path` lines), plus the two files vsce writes itself. Used by `npm run package` (fails the build)
 * and by the e2e tier.
 */
import { minimatch } from 'minimatch';
import * as yauzl from 'yauzl';

/** Files vsce adds at the archive root. */
const vsceOwnEntries = new Set(['extension.vsixmanifest', '[Content_Types].xml']);

/** vsce renames a few well-known files inside `extension/`. */
const vsceRenames: Readonly<Record<string, string>> = { 'LICENSE.txt': 'LICENSE', 'changelog.md': 'CHANGELOG.md', 'readme.md': 'README.md' };

/** The `!pattern` lines of an allowlist-style .vscodeignore (the file must start by ignoring `**`). */
export function allowlistPatterns(vscodeignore: string): string[] {
  const lines = vscodeignore.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  if (lines[0] !== '**') throw new Error('.vscodeignore must be an allowlist: its first rule must be `**`');
  return lines.filter((line) => line.startsWith('!')).map((line) => line.slice(1).replace(/^\//, ''));
}

export interface VsixCheck {
  /** Entries no allowlist pattern names. */
  readonly unexpected: string[];
  /** Required paths (inside `extension/`) the archive lacks. */
  readonly missing: string[];
}

/** Compares archive entries with the allowlist; `required` are paths relative to `extension/`. */
export function checkVsixEntries(entries: readonly string[], patterns: readonly string[], required: readonly string[]): VsixCheck {
  const unexpected: string[] = [];
  const present = new Set<string>();
  for (const entry of entries) {
    if (entry.endsWith('/')) continue;
    if (vsceOwnEntries.has(entry)) continue;
    if (!entry.startsWith('extension/')) {
      unexpected.push(entry);
      continue;
    }
    const relative = entry.slice('extension/'.length);
    const original = vsceRenames[relative] ?? relative;
    present.add(original);
    if (!patterns.some((pattern) => minimatch(original, pattern, { dot: true }))) unexpected.push(entry);
  }
  const missing = required.map((path) => path.replace(/^\.\//, '')).filter((path) => !present.has(path));
  return { unexpected, missing };
}

/** The entry names of a zip archive (a VSIX). */
export function listVsixEntries(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error !== null || zip === undefined) {
        reject(error ?? new Error(`cannot open ${file}`));
        return;
      }
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Entry names with their compressed sizes, largest first (the package step's size report). */
export function listVsixSizes(file: string): Promise<{ name: string; compressed: number }[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error !== null || zip === undefined) {
        reject(error ?? new Error(`cannot open ${file}`));
        return;
      }
      const sizes: { name: string; compressed: number }[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        sizes.push({ name: entry.fileName, compressed: entry.compressedSize });
        zip.readEntry();
      });
      zip.on('end', () => resolve(sizes.sort((a, b) => b.compressed - a.compressed)));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
