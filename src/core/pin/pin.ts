/**
 * A code pin: a fingerprint of what a command can run from its folder, taken when the person is asked and
 * checked again before every run of the grant, so code edited after approval never runs with the secret.
 * Pure: the node adapter (src/adapters/node/codePin.ts) asks git, hashes files and watches the folder.
 */

/** The fingerprint: one digest per labelled input ("git HEAD", "git status", a path relative to the folder). */
export interface PinState {
  readonly entries: ReadonlyMap<string, string>;
}

/** What changed between two states (labels and paths only, never contents). */
export interface PinChange {
  readonly paths: readonly string[];
}

/** A live pin for one grant: checked before every run, quiet while one of the grant's own runs is in progress. */
export interface CodePin {
  /** Undefined when nothing changed since the pin was taken (or since the grant's last own run ended). */
  check(): Promise<PinChange | undefined>;
  /** Runs `run` as one of the grant's own runs: what it changes does not count; afterwards the pin is re-taken. */
  during<T>(run: () => Promise<T>): Promise<T>;
  dispose(): void;
}

/** Takes pins; injected into the access service. Never rejects for an expected outcome (it degrades to a fuller pin). */
export interface CodePins {
  take(command: string, cwd: string): Promise<CodePin>;
}

/** Entries added, removed or with another digest, sorted; undefined when the states are the same. */
export function comparePins(before: PinState, after: PinState): PinChange | undefined {
  const paths = new Set<string>();
  for (const [label, digest] of before.entries) if (after.entries.get(label) !== digest) paths.add(label);
  for (const label of after.entries.keys()) if (!before.entries.has(label)) paths.add(label);
  return paths.size === 0 ? undefined : { paths: [...paths].sort() };
}

/** Joins two changes (a watcher's and a recompute's) into one, or undefined when both are. */
export function mergeChanges(a: PinChange | undefined, b: PinChange | undefined): PinChange | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return { paths: [...new Set([...a.paths, ...b.paths])].sort() };
}

/** "a, b and 3 more" — the paths that changed, for the agent's refusal and the person's card. */
export function describeChange(change: PinChange, max = 8): string {
  const shown = change.paths.slice(0, max).map((p) => JSON.stringify(p));
  const more = change.paths.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

// ── which files a command names ─────────────────────────────────────────────────────────────────────

/** Project package-manager and build configuration that changes what a command runs. */
export const CONFIG_FILES = ['package.json', '.npmrc', '.yarnrc', '.yarnrc.yml', '.pnpmfile.cjs', 'pnpm-workspace.yaml', 'GNUmakefile', 'makefile', 'Makefile'] as const;

const INTERPRETERS = new Set(['node', 'python', 'python3', 'bash', 'sh', 'deno', 'bun', 'tsx', 'ts-node', 'npx', 'source', '.']);
const SUBCOMMANDS = new Set(['run', 'exec', 'x']);

/**
 * The files a command line names as code: `node|python|python3|bash|sh|deno|bun|tsx|ts-node <file>` (every
 * non-option word after the interpreter, and `--opt=./x` values), and `./script` or `path/to/script` run
 * directly. Splits on shell separators; a word with shell syntax is skipped (the card warns elsewhere).
 */
export function namedFiles(command: string): string[] {
  const files = new Set<string>();
  for (const segment of command.split(/&&|\|\||[;|\n&()]/)) {
    // The shell's blanks only (not \s, not trim): U+00A0 and friends are part of a word to bash.
    const words = segment.split(/[ \t]+/).filter((w) => w !== '');
    // Skip leading VAR=value assignments and `env`/`exec`.
    while (words.length > 0 && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] ?? '') || words[0] === 'env' || words[0] === 'exec')) words.shift();
    const [tool, ...rest] = words;
    if (tool === undefined) continue;
    if (looksLikePath(tool) && !INTERPRETERS.has(tool)) files.add(clean(tool));
    const base = tool.split('/').pop() ?? tool;
    if (!INTERPRETERS.has(base)) continue;
    for (const word of rest) {
      if (SUBCOMMANDS.has(word)) continue;
      const value = word.startsWith('-') ? (word.includes('=') ? word.slice(word.indexOf('=') + 1) : undefined) : word;
      if (value !== undefined && value !== '' && /^[\w@%+:,./-]+$/.test(value) && (value.includes('/') || value.includes('.'))) files.add(clean(value));
    }
  }
  return [...files];
}

const looksLikePath = (word: string): boolean => /^\.{0,2}\/?[\w@%+:,.-]+(\/[\w@%+:,.-]+)*$/.test(word) && word.includes('/');
const clean = (path: string): string => path.replace(/^\.\/+/, '');

/** The files a Makefile `include`s (`include`, `-include`, `sinclude`); variables are left as written. */
export function makeIncludes(makefile: string): string[] {
  const files: string[] = [];
  for (const line of makefile.split(/\r?\n/)) {
    const match = /^\s*(?:-|s)?include\s+(.+)$/.exec(line);
    if (match) files.push(...(match[1] ?? '').split('#')[0]!.trim().split(/\s+/).filter((f) => f !== ''));
  }
  return files;
}
