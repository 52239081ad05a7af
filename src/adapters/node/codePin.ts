import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, readlink, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import { comparePins, CONFIG_FILES, makeIncludes, mergeChanges, namedFiles, type CodePin, type CodePins, type PinChange, type PinState } from '../../core/pin/pin';
import { plainL10n, type L10n } from '../../shared/l10n';

/**
 * Code pins from git and the file system (see src/core/pin/pin.ts). A pin is:
 * - git: HEAD, `git status` (tracked changes, untracked non-ignored files) with a content hash of every
 *   changed file, and skip-worktree / assume-unchanged entries whose content differs from the index blob,
 *   plus `.git/config` and the hooks — from git's index and stat cache, not by hashing the repository;
 * - the content of project configuration (.npmrc, yarn/pnpm config, Makefiles and their includes,
 *   package.json) and of every file the command or a package script names;
 * - a watcher on every directory of the repository (or the folder), ignored files included, from the
 *   pin until it is disposed: any change outside the grant's own runs counts. When the folder cannot be
 *   watched, every check walks the tree instead (size, mtime, ctime, inode of every entry).
 */
export class NodeCodePins implements CodePins {
  constructor(private readonly options: { readonly maxWatchedDirectories?: number; readonly gitTimeoutMs?: number } = {}) {}

  async take(command: string, cwd: string): Promise<CodePin> {
    const scope = await pinScope(cwd, this.options.gitTimeoutMs);
    const watcher = new TreeWatcher(scope.root, this.options.maxWatchedDirectories ?? 20_000);
    await watcher.start();
    const pin = new LivePin(fingerprinter(command, cwd, scope, this.options.gitTimeoutMs), watcher);
    await pin.baseline();
    return pin;
  }
}

interface PinScope {
  /** The repository's top level (or `cwd` outside a repository): what is watched and what labels are relative to. */
  readonly root: string;
  readonly gitDir: string | undefined;
}

/** How a pin is computed: all of it, only the named files, and the stat of git's own state files. */
interface Fingerprinter {
  full(unwatched: boolean): Promise<PinState>;
  named(): Promise<PinState>;
  gitMeta(): Promise<PinState>;
}

/**
 * Before a run the check costs almost nothing while the watcher is healthy: the watcher's record (after
 * its barrier), the named files (a few, possibly outside the folder), and the stat of git's HEAD, refs,
 * index, config and hooks. Only when those git files moved (a commit, `git update-index`, VS Code's git
 * refreshing the index) or the watcher is broken is the whole fingerprint re-taken and compared.
 */
class LivePin implements CodePin {
  private state: PinState | undefined;
  private named: PinState | undefined;
  private meta: PinState | undefined;
  private running = 0;

  constructor(
    private readonly fingerprinter: Fingerprinter,
    private readonly watcher: TreeWatcher,
  ) {
    watcher.quiet = () => this.running > 0;
  }

  async baseline(): Promise<void> {
    this.meta = await this.fingerprinter.gitMeta();
    [this.state, this.named] = await Promise.all([this.fingerprinter.full(this.watcher.broken), this.fingerprinter.named()]);
  }

  async check(): Promise<PinChange | undefined> {
    const { state, named, meta } = this;
    if (state === undefined || named === undefined || meta === undefined) return { paths: ['(no fingerprint was taken)'] };
    // Every event queued before this check is delivered before the barrier's own (one inotify queue).
    await this.watcher.flush();
    // While another run of this grant is in progress its writes cannot be told from anyone else's: they count.
    const seen = this.watcher.changes(this.running > 0);
    if (!this.watcher.broken && comparePins(meta, await this.fingerprinter.gitMeta()) === undefined) {
      return mergeChanges(seen, comparePins(named, await this.fingerprinter.named()));
    }
    return mergeChanges(seen, comparePins(state, await this.fingerprinter.full(this.watcher.broken)));
  }

  async during<T>(run: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await run();
    } finally {
      // Still quiet until every event of the run is delivered and the pin is re-taken with what it wrote.
      await this.watcher.flush();
      await this.baseline().catch(() => {
        this.state = undefined;
      });
      this.running--;
      if (this.running === 0) this.watcher.forgetQuiet();
    }
  }

  dispose(): void {
    this.watcher.dispose();
  }
}

// ── git ─────────────────────────────────────────────────────────────────────────────────────────────

/** git with nothing of the repository's or the environment's that could run a program or hide a change. */
const GIT_ARGS = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'core.ignoreStat=false', '-c', 'diff.external=', '--no-pager', '--no-optional-locks'];

function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('GIT_')) env[name] = value;
  return { ...env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_EXTERNAL_DIFF: '' };
}

/** Runs git in `cwd`; undefined when it fails (no git, not a repository, too slow). */
export function git(cwd: string, args: readonly string[], timeoutMs = 10_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', [...GIT_ARGS, ...args], { cwd, timeout: timeoutMs, windowsHide: true, maxBuffer: 256 * 1024 * 1024, env: gitEnv(), encoding: 'utf8' }, (error, stdout) =>
      resolve(error === null ? stdout : undefined),
    );
  });
}

async function pinScope(cwd: string, timeoutMs?: number): Promise<PinScope> {
  const out = await git(cwd, ['rev-parse', '--show-toplevel', '--absolute-git-dir'], timeoutMs);
  const [root, gitDir] = out?.split('\n') ?? [];
  if (root === undefined || root === '' || gitDir === undefined || gitDir === '') return { root: cwd, gitDir: undefined };
  return { root: await realpath(root).catch(() => root), gitDir };
}

/** A git blob id of `content`, to compare a worktree file with its index entry without asking git. */
const blobId = (content: Buffer): string => createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');

/** HEAD, status lines with content hashes, hidden (skip-worktree / assume-unchanged) changes, config and hooks. */
export async function gitState(root: string, gitDir: string, timeoutMs?: number): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const [head, status, flagged] = await Promise.all([
    git(root, ['rev-parse', '--verify', '-q', 'HEAD'], timeoutMs),
    git(root, ['status', '--porcelain=v2', '-z', '--untracked-files=all', '--ignored=no', '--no-renames'], timeoutMs),
    git(root, ['ls-files', '-v', '-s', '-z'], timeoutMs),
  ]);
  entries.set('(git HEAD)', head?.trim() || '(none)');
  if (status === undefined || flagged === undefined) {
    // Not readable now: a distinct value, so a pin that had it and one that did not differ.
    entries.set('(git status)', 'unreadable');
    return entries;
  }
  for (const record of status.split('\0')) {
    if (record === '') continue;
    const path = statusPath(record);
    if (path === undefined) continue;
    entries.set(path, `${record.slice(0, record.length - path.length)}${await contentDigest(join(root, path))}`);
  }
  for (const record of flagged.split('\0')) {
    // "<tag> <mode> <blob> <stage>\t<path>"; lowercase tag: assume-unchanged, S: skip-worktree.
    const tag = record[0];
    if (tag === undefined || tag === 'H') continue;
    if (!(tag === 'S' || (tag >= 'a' && tag <= 'z'))) continue;
    const tab = record.indexOf('\t');
    const path = record.slice(tab + 1);
    const blob = record.split(' ')[2];
    const content = await readFile(join(root, path)).catch(() => undefined);
    const same = content !== undefined && blobId(content) === blob;
    // Hidden from `git status`: counted as a change unless the content equals the index blob.
    entries.set(`${path} (hidden from git status)`, same ? 'same as index' : content === undefined ? 'missing' : sha256(content));
  }
  entries.set('.git/config', await contentDigest(join(gitDir, 'config')));
  for (const hook of await readdir(join(gitDir, 'hooks')).catch(() => [] as string[])) {
    if (!hook.endsWith('.sample')) entries.set(`.git/hooks/${hook}`, await contentDigest(join(gitDir, 'hooks', hook)));
  }
  return entries;
}

/** The path of one porcelain v2 record (relative to the repository root). */
function statusPath(record: string): string | undefined {
  const kind = record[0];
  // 1 XY sub mH mI mW hH hI path | u XY sub m1 m2 m3 mW h1 h2 h3 path | ? path
  const fields = kind === '1' ? 8 : kind === 'u' ? 10 : kind === '?' ? 1 : kind === '2' ? 9 : undefined;
  if (fields === undefined) return undefined;
  let at = 0;
  for (let i = 0; i < fields; i++) at = record.indexOf(' ', at) + 1;
  return at === 0 ? undefined : record.slice(at);
}

// ── files ───────────────────────────────────────────────────────────────────────────────────────────

const sha256 = (content: Buffer | string): string => createHash('sha256').update(content).digest('hex');

/** A digest of what is at `path`: file content, symlink target (and what it points to), "dir", or "missing". */
async function contentDigest(path: string): Promise<string> {
  try {
    const info = await lstat(path);
    if (info.isSymbolicLink()) return `link:${await readlink(path)}:${await contentDigest(await realpath(path)).catch(() => 'dangling')}`;
    if (info.isDirectory()) return 'dir';
    if (!info.isFile()) return 'special';
    // Beyond 64 MiB: identity and size instead of content (the watcher sees any write to it).
    if (info.size > 64 * 1024 * 1024) return `big:${info.size}:${info.mtimeMs}:${info.ino}`;
    return `${info.mode.toString(8)}:${sha256(await readFile(path))}`;
  } catch {
    return 'missing';
  }
}

const label = (root: string, path: string): string => {
  const rel = relative(root, path);
  return rel === '' ? '.' : rel.split(sep).join('/');
};

/** The configuration and named files of `command` in `cwd`, by content. */
async function namedState(command: string, cwd: string, root: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const files = new Set<string>([...CONFIG_FILES, ...namedFiles(command)]);
  const packageJson = await readFile(join(cwd, 'package.json'), 'utf8').catch(() => undefined);
  if (packageJson !== undefined) {
    try {
      const scripts = (JSON.parse(packageJson.replace(/^\uFEFF/, '')) as { scripts?: Record<string, unknown> } | null)?.scripts ?? {};
      for (const body of Object.values(scripts)) if (typeof body === 'string') for (const f of namedFiles(body)) files.add(f);
    } catch {
      // An unparsable package.json is still pinned by content (it is a config file).
    }
  }
  for (const makefile of ['GNUmakefile', 'makefile', 'Makefile']) {
    const text = await readFile(join(cwd, makefile), 'utf8').catch(() => undefined);
    if (text !== undefined) for (const f of makeIncludes(text)) files.add(f);
  }
  for (const file of files) {
    const path = isAbsolute(file) ? file : join(cwd, file);
    entries.set(label(root, path), await contentDigest(path));
  }
  return entries;
}

/** Size, mtime, ctime, inode and link target of every entry under `root` except `.git` — the fallback when watching fails. */
export async function treeStatState(root: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    const names = await readdir(dir).catch(() => undefined);
    if (names === undefined) return;
    for (const name of names) {
      const path = join(dir, name);
      if (dir === root && name === '.git') continue;
      const info = await lstat(path).catch(() => undefined);
      if (info === undefined) continue;
      const link = info.isSymbolicLink() ? await readlink(path).catch(() => '?') : '';
      entries.set(label(root, path), `${info.mode}:${info.size}:${info.mtimeMs}:${info.ctimeMs}:${info.ino}:${link}`);
      if (info.isDirectory()) await walk(path);
    }
  };
  await walk(root);
  return entries;
}

function fingerprinter(command: string, cwd: string, scope: PinScope, timeoutMs?: number): Fingerprinter {
  return {
    async full(unwatched) {
      const entries = new Map<string, string>();
      if (scope.gitDir !== undefined) for (const [k, v] of await gitState(scope.root, scope.gitDir, timeoutMs)) entries.set(k, v);
      for (const [k, v] of await namedState(command, cwd, scope.root)) entries.set(k, v);
      if (unwatched) for (const [k, v] of await treeStatState(scope.root)) if (!entries.has(k)) entries.set(`${k} (stat)`, v);
      return { entries };
    },
    named: async () => ({ entries: await namedState(command, cwd, scope.root) }),
    gitMeta: async () => ({ entries: scope.gitDir === undefined ? new Map() : await gitMetaState(scope.gitDir) }),
  };
}

const statDigest = async (path: string): Promise<string> => {
  const info = await lstat(path).catch(() => undefined);
  return info === undefined ? 'missing' : `${info.mode}:${info.size}:${info.mtimeMs}:${info.ctimeMs}:${info.ino}`;
};

/** The stat of git's own state: HEAD, the ref it points to, packed refs, the index, config, hooks. */
async function gitMetaState(gitDir: string): Promise<Map<string, string>> {
  const entries = new Map<string, string>();
  const files = ['HEAD', 'packed-refs', 'index', 'config', 'info/exclude', 'commondir'];
  const head = await readFile(join(gitDir, 'HEAD'), 'utf8').catch(() => '');
  const ref = /^ref: (refs\/[^\n]+)/.exec(head)?.[1];
  if (ref !== undefined && !ref.includes('..')) files.push(ref);
  for (const file of files) entries.set(file, await statDigest(join(gitDir, file)));
  for (const hook of await readdir(join(gitDir, 'hooks')).catch(() => [] as string[])) entries.set(`hooks/${hook}`, await statDigest(join(gitDir, 'hooks', hook)));
  entries.set('hooks', await statDigest(join(gitDir, 'hooks')));
  return entries;
}

// ── watching ────────────────────────────────────────────────────────────────────────────────────────

/**
 * One `fs.watch` per directory under `root` (ignored ones included, `.git` excluded: git's own churn is
 * covered by the git state). New directories are watched as they appear. `broken` when any directory
 * could not be watched (too many, permissions, watcher error): checks then walk the tree instead.
 */
class TreeWatcher {
  broken = false;
  quiet: () => boolean = () => false;
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly seen = new Set<string>();
  private readonly quietSeen = new Set<string>();
  private overflow = false;
  private quietOverflow = false;
  private disposed = false;

  constructor(
    private readonly root: string,
    private readonly maxDirectories: number,
  ) {}

  private barrier: { dir: string; watcher: FSWatcher; waiting: Map<string, () => void>; next: number } | undefined;

  async start(): Promise<void> {
    await this.add(this.root);
    try {
      const dir = await mkdtemp(join(tmpdir(), 'airlock-pin-'));
      const waiting = new Map<string, () => void>();
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        const done = name === null ? undefined : waiting.get(name.toString());
        if (done !== undefined) done();
      });
      watcher.on('error', () => {
        this.broken = true;
      });
      this.barrier = { dir, watcher, waiting, next: 0 };
    } catch {
      this.broken = true;
    }
  }

  /**
   * Resolves once every change made before the call has been recorded: all watches share the event loop's
   * one inotify queue, which is first in, first out, so the barrier file's event comes after them. No
   * barrier event within 5 s: the watcher counts as broken (checks walk the tree), never as "no change".
   */
  async flush(): Promise<void> {
    const barrier = this.barrier;
    if (barrier === undefined || this.broken) return;
    const name = `b${barrier.next++}`;
    const arrived = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5_000);
      barrier.waiting.set(name, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    try {
      await writeFile(join(barrier.dir, name), '');
    } catch {
      this.broken = true;
      barrier.waiting.delete(name);
      return;
    }
    if (!(await arrived)) this.broken = true;
    barrier.waiting.delete(name);
    await rm(join(barrier.dir, name), { force: true }).catch(() => undefined);
  }

  /** The paths changed outside the grant's own runs (and, with `duringRuns`, also while one was in progress). */
  changes(duringRuns = false): PinChange | undefined {
    const all = duringRuns ? new Set([...this.seen, ...this.quietSeen]) : this.seen;
    const overflow = this.overflow || (duringRuns && this.quietOverflow);
    if (all.size === 0 && !overflow) return undefined;
    const paths = [...all].sort();
    if (overflow) paths.push('(more changes than could be listed)');
    return { paths };
  }

  dispose(): void {
    this.disposed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    if (this.barrier !== undefined) {
      this.barrier.watcher.close();
      void rm(this.barrier.dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** The grant's runs are over and the pin was re-taken: what they wrote is part of it now. */
  forgetQuiet(): void {
    this.quietSeen.clear();
    this.quietOverflow = false;
  }

  private record(path: string): void {
    if (path === join(this.root, '.git')) return;
    if (this.quiet()) {
      if (this.quietSeen.size < 1000) this.quietSeen.add(label(this.root, path));
      else this.quietOverflow = true;
      return;
    }
    if (this.seen.size >= 1000) this.overflow = true;
    else this.seen.add(label(this.root, path));
  }

  private async add(dir: string): Promise<void> {
    if (this.disposed || this.broken || this.watchers.has(dir)) return;
    if (this.watchers.size >= this.maxDirectories) {
      this.broken = true;
      return;
    }
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        const path = name === null ? dir : join(dir, name.toString());
        this.record(path);
        // A new directory (or one re-created) gets its own watch.
        void lstat(path).then((info) => (info.isDirectory() ? this.add(path) : undefined), () => undefined);
      });
      watcher.on('error', () => {
        this.broken = true;
      });
      this.watchers.set(dir, watcher);
    } catch {
      this.broken = true;
      return;
    }
    const children = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
    if (children === undefined) return;
    for (const child of children) {
      if (child.isDirectory() && !(dir === this.root && child.name === '.git')) await this.add(join(dir, child.name));
    }
  }
}

/**
 * The git state of the code in `cwd` for a consent card: the paths with uncommitted changes (including
 * untracked files and skip-worktree / assume-unchanged entries that differ from the index) and a line
 * "Runs committed code at <sha>" / "Runs N uncommitted changes …".
 */
export async function gitSummary(cwd: string, timeoutMs?: number, l10n: L10n = plainL10n): Promise<{ text: string; changed: string[]; root: string | undefined }> {
  const scope = await pinScope(cwd, timeoutMs);
  if (scope.gitDir === undefined) return { text: l10n.t('Not in a git repository: Airlock cannot tell whether this code was changed recently.'), changed: [], root: undefined };
  const entries = await gitState(scope.root, scope.gitDir, timeoutMs);
  if (entries.get('(git status)') === 'unreadable') return { text: l10n.t('git could not report the state of this repository: the code may have uncommitted changes.'), changed: [], root: scope.root };
  const hidden = ' (hidden from git status)';
  const changed = [...entries]
    .filter(([label, digest]) => label !== '(git HEAD)' && !label.startsWith('.git/') && !(label.endsWith(hidden) && digest === 'same as index'))
    .map(([label]) => (label.endsWith(hidden) ? label.slice(0, -hidden.length) : label))
    .sort();
  const head = entries.get('(git HEAD)') ?? '(none)';
  const short = head === '(none)' ? l10n.t('no commit yet') : head.slice(0, 8);
  const text = changed.length === 0
    ? l10n.t('Runs committed code at {0}.', short)
    : changed.length === 1 ? l10n.t('Runs 1 uncommitted change on top of {0}.', short) : l10n.t('Runs {0} uncommitted changes on top of {1}.', changed.length, short);
  return { text, changed, root: scope.root };
}
