/**
 * "What this really runs": the script or recipe behind a package-manager or make command, resolved from
 * the files in its cwd, so an agent that edited `package.json` and then asks for `npm run deploy` is
 * visible on the consent card. Pure: the adapter reads the file and asks git about uncommitted changes.
 */

export type InsightTarget =
  | { readonly kind: 'package-script'; readonly runner: 'npm' | 'pnpm' | 'yarn'; readonly script: string; readonly file: 'package.json' }
  | { readonly kind: 'make'; readonly target: string | undefined; readonly files: readonly string[] };

export interface ResolvedInsight {
  readonly source: string;
  readonly body: string;
  /** Shown loudly on the card. */
  readonly warnings?: readonly string[];
}

// Only simple commands: words of safe characters. Anything with shell syntax gets no insight (the card
// still shows the exact command); guessing at shell semantics would be a misleading insight.
const SIMPLE = /^[A-Za-z0-9@%+=:,./_-]+(?: +[A-Za-z0-9@%+=:,./_-]+)*$/;
const NPM_SHORTHANDS = new Map([['test', 'test'], ['t', 'test'], ['tst', 'test'], ['start', 'start'], ['stop', 'stop'], ['restart', 'restart']]);
const PNPM_YARN_BUILTINS = new Set(['add', 'install', 'i', 'remove', 'rm', 'up', 'upgrade', 'update', 'exec', 'dlx', 'create', 'init', 'link', 'unlink', 'publish', 'pack', 'config', 'cache', 'why', 'info', 'list', 'ls', 'outdated', 'audit', 'import', 'store', 'env', 'setup', 'patch', 'workspace', 'workspaces', 'global', 'bin', 'node', 'dedupe', 'prune', 'rebuild', 'root', 'server', 'licenses', 'login', 'logout', 'set', 'policies', 'version', 'versions', 'help', 'plugin', 'constraints', 'explain', 'npm']);
export const MAKEFILES = ['GNUmakefile', 'makefile', 'Makefile'] as const;

/** Which file and entry `command` would run, or undefined when it is not a recognised simple form. */
export function insightTarget(command: string): InsightTarget | undefined {
  const trimmed = command.trim();
  if (trimmed.length > 1000 || !SIMPLE.test(trimmed)) return undefined;
  const [tool, first, second] = trimmed.split(/ +/);
  if (tool === undefined) return undefined;
  if (tool === 'npm' || tool === 'pnpm' || tool === 'yarn') {
    if (first === undefined || first.startsWith('-')) return undefined;
    if (first === 'run' || first === 'run-script' || first === 'rum' || first === 'urn') {
      return second === undefined || second.startsWith('-') ? undefined : { kind: 'package-script', runner: tool, script: second, file: 'package.json' };
    }
    if (tool === 'npm') {
      const script = NPM_SHORTHANDS.get(first);
      return script === undefined ? undefined : { kind: 'package-script', runner: tool, script, file: 'package.json' };
    }
    return PNPM_YARN_BUILTINS.has(first) || (tool === 'pnpm' && first === 'deploy') ? undefined : { kind: 'package-script', runner: tool, script: first, file: 'package.json' };
  }
  if (tool === 'make' || tool === 'gmake') {
    if (first !== undefined && (first.startsWith('-') || first.includes('='))) return undefined;
    return { kind: 'make', target: first, files: MAKEFILES };
  }
  return undefined;
}

/** The script body (with npm's pre/post scripts) from package.json text; undefined when absent. */
export function resolvePackageScript(target: Extract<InsightTarget, { kind: 'package-script' }>, packageJson: string): ResolvedInsight | undefined {
  let scripts: unknown;
  try {
    // npm strips a leading byte-order mark; so does the card.
    scripts = (JSON.parse(packageJson.replace(/^\uFEFF/, '')) as { scripts?: unknown } | null)?.scripts;
  } catch {
    return undefined;
  }
  if (typeof scripts !== 'object' || scripts === null) return undefined;
  const table = scripts as Record<string, unknown>;
  const body = Object.hasOwn(table, target.script) ? table[target.script] : undefined;
  if (typeof body !== 'string') return undefined;
  const lines = [body];
  // npm (and yarn 1, pnpm with enable-pre-post-scripts) also run pre<name> and post<name>.
  for (const [prefix, at] of [['pre', 'before'], ['post', 'after']] as const) {
    const extra = Object.hasOwn(table, prefix + target.script) ? table[prefix + target.script] : undefined;
    if (typeof extra === 'string') lines[at === 'before' ? 'unshift' : 'push'](`# ${prefix}${target.script}\n${extra}`);
  }
  return { source: `package.json script "${target.script}"`, body: lines.length === 1 ? body : lines.join('\n') };
}

/**
 * The recipe make really uses for `target` (or the default goal) from Makefile text: for ordinary rules the
 * last recipe wins (GNU make overrides earlier ones, with only a warning on stderr), prerequisites add up;
 * `::` rules all run. Undefined when not resolvable.
 */
export function resolveMakeRecipe(target: string | undefined, makefile: string): ResolvedInsight | undefined {
  const lines = makefile.replace(/^\uFEFF/, '').split(/\r?\n/);
  interface Rule { readonly prerequisites: string; readonly recipe: string[]; readonly double: boolean }
  const rules: Rule[] = [];
  let name = target;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line.startsWith('\t') || line.trimStart().startsWith('#')) continue;
    // A rule line: "targets: prerequisites [; recipe]", not a variable assignment (":=", "::=").
    const rule = /^([^:#=\s][^:#=]*?)\s*(::?)(?![=])\s*([^;]*?)\s*(?:;\s*(.*))?$/.exec(line);
    if (rule === null) continue;
    const targets = (rule[1] ?? '').split(/\s+/);
    if (name === undefined) {
      // The default goal: the first target that is not special (".PHONY") or a pattern.
      if ((targets[0] ?? '.').startsWith('.') || (targets[0] ?? '').includes('%')) continue;
      name = targets[0];
    }
    if (name === undefined || !targets.includes(name)) continue;
    const recipe: string[] = [];
    if (rule[4]) recipe.push(rule[4]);
    for (let next = index + 1; next < lines.length; next++) {
      const body = lines[next] ?? '';
      if (body.startsWith('\t')) recipe.push(body.slice(1));
      else if (body.trim() === '' || body.trimStart().startsWith('#')) continue;
      else break;
    }
    rules.push({ prerequisites: rule[3] ?? '', recipe, double: rule[2] === '::' });
  }
  if (rules.length === 0 || name === undefined) return undefined;
  const withRecipe = rules.filter((r) => r.recipe.length > 0);
  const used = rules.some((r) => r.double) ? withRecipe : withRecipe.slice(-1);
  const prerequisites = rules.map((r) => r.prerequisites).filter((p) => p !== '').join(' ');
  const body = [...(prerequisites === '' ? [] : [`# prerequisites: ${prerequisites}`]), ...used.flatMap((r) => r.recipe)];
  const warnings = !rules.some((r) => r.double) && withRecipe.length > 1 ? [`The target "${name}" is defined ${withRecipe.length} times; make runs the last recipe, shown here.`] : [];
  return { source: `Makefile target "${name}"`, body: body.join('\n'), ...(warnings.length === 0 ? {} : { warnings }) };
}

/** Settings of a project `.npmrc` that make npm run other code than the script line shows. */
export function npmrcWarnings(npmrc: string): string[] {
  const warnings: string[] = [];
  for (const line of npmrc.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const key = /^\s*([\w.-]+)\s*=/.exec(line)?.[1]?.toLowerCase();
    if (key === 'script-shell' || key === 'node-options' || key === 'shell' || key === 'onload-script' || key === 'ignore-scripts' || key === 'init-module' || key === 'globalconfig' || key === 'userconfig') {
      warnings.push(`The project .npmrc sets "${key}": npm may run other code than the script line shown.`);
    }
  }
  return warnings;
}
