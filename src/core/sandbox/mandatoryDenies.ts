/**
 * Built-in write protection inside a sealed run's declared write paths: shell and tool settings, editor
 * folders and each git repository's hooks and config, which run code later, outside any sandbox (a
 * `pre-commit` hook, a `.vscode/tasks.json`, a `.bashrc`). Pure: the Node adapter walks the write paths
 * and asks {@link mandatoryDenyOf} about each entry it meets.
 *
 * Why Airlock does this itself: the engine looks for these names below the host process's working
 * directory (a ripgrep walk per run, depth 3), which in an extension host is wherever VS Code was started
 * — not the workspace. So it protected nothing in a write path outside that directory, cost a walk per
 * run, and with `/` as the working directory walked until its 10-second timeout on every run. Airlock
 * lowers the engine's depth to its minimum and looks where writes can land instead, with the engine's
 * own names and depths (test/unit/core/sandbox/mandatoryDenies.test.ts pins both to the engine's).
 */

/** Files that configure a shell or a tool (the engine's `DANGEROUS_FILES`). */
export const DANGEROUS_FILES: readonly string[] = ['.gitconfig', '.gitmodules', '.bashrc', '.bash_profile', '.zshrc', '.zprofile', '.profile', '.ripgreprc', '.mcp.json'];

/** Directories denied whole (the engine's `getDangerousDirectories()`), as path segments. */
export const DANGEROUS_DIRECTORIES: readonly (readonly string[])[] = [['.vscode'], ['.idea'], ['.claude', 'commands'], ['.claude', 'agents']];

/** How deep below a write path a dangerous file is looked for (1 = directly in it); a directory one less. */
export const MANDATORY_DENY_DEPTH = 3;

/** The depth the engine's own walk of the host's working directory is lowered to (its minimum). */
export const ENGINE_MANDATORY_DENY_DEPTH = 1;

/** What the walker found at a path (`other`: a symlink, a socket…): it descends only into directories, never through a symlink. */
export type EntryKind = 'file' | 'directory' | 'unreadable-directory' | 'other';

/**
 * The paths (as segments relative to the write path) to deny for one entry at `segments`, or none.
 * Case-insensitive, as the engine's. A git repository (a `.git` directory) gets its `hooks` and `config`
 * denied whether they exist yet or not; a `.git` file (a worktree's or submodule's pointer) at the write
 * path's top is denied itself (rewriting it points git at another repository's hooks). A directory the
 * walker cannot read is denied whole: what is in it is unknown and its owner could make it readable.
 */
export function mandatoryDenyOf(segments: readonly string[], kind: EntryKind): readonly (readonly string[])[] {
  const depth = segments.length;
  if (depth === 0) return [];
  const lower = segments.map((s) => s.toLowerCase());
  const name = lower[depth - 1] ?? '';
  if (kind === 'unreadable-directory') return depth <= MANDATORY_DENY_DEPTH ? [segments] : [];
  if (kind !== 'directory') {
    if (depth <= MANDATORY_DENY_DEPTH && DANGEROUS_FILES.includes(name)) return [segments];
    if (depth === 1 && name === '.git') return [segments];
    // A symlink (or anything else) under a dangerous directory's name is denied as the name: what it
    // points at is the engine's to resolve.
    if (kind === 'file') return [];
  }
  if (name === '.git' && kind === 'other') return depth <= MANDATORY_DENY_DEPTH - 1 ? [segments] : [];
  if (name === '.git' && depth <= MANDATORY_DENY_DEPTH - 1) return [[...segments, 'hooks'], [...segments, 'config']];
  for (const dir of DANGEROUS_DIRECTORIES) {
    const holderDepth = depth - dir.length; // how deep the directory holding the dangerous name lies
    if (holderDepth < 0 || holderDepth > MANDATORY_DENY_DEPTH - 2) continue;
    if (dir.every((component, k) => lower[holderDepth + k] === component)) return [segments];
  }
  return [];
}

/** Whether the walker goes on into a directory at `segments` (a dependency tree or a git store: never). */
export function descendInto(segments: readonly string[]): boolean {
  const name = (segments[segments.length - 1] ?? '').toLowerCase();
  return segments.length < MANDATORY_DENY_DEPTH && name !== 'node_modules' && name !== '.git';
}
