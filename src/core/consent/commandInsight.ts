import { plainL10n, type L10n } from '../../shared/l10n';
import { namedFiles } from '../pin/pin';
import type { CommandInsight } from './consent';

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
  // Not String#trim: it strips U+00A0, U+FEFF, U+3000 … which the shell keeps (a look-alike script name).
  const trimmed = command.replace(/^[ \t]+|[ \t]+$/g, '');
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
export function resolvePackageScript(target: Extract<InsightTarget, { kind: 'package-script' }>, packageJson: string, l10n: L10n = plainL10n): ResolvedInsight | undefined {
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
  return { source: l10n.t('package.json script "{0}"', target.script), body: lines.length === 1 ? body : lines.join('\n') };
}

/**
 * The recipe make really uses for `target` (or the default goal) from Makefile text: for ordinary rules the
 * last recipe wins (GNU make overrides earlier ones, with only a warning on stderr), prerequisites add up;
 * `::` rules all run. Undefined when not resolvable.
 */
export function resolveMakeRecipe(target: string | undefined, makefile: string, l10n: L10n = plainL10n): ResolvedInsight | undefined {
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
  const warnings = !rules.some((r) => r.double) && withRecipe.length > 1 ? [l10n.t('The target "{0}" is defined {1} times; make runs the last recipe, shown here.', name, withRecipe.length)] : [];
  return { source: l10n.t('Makefile target "{0}"', name), body: body.join('\n'), ...(warnings.length === 0 ? {} : { warnings }) };
}

/** Settings of a project `.npmrc` that make npm run other code than the script line shows. */
export function npmrcWarnings(npmrc: string, l10n: L10n = plainL10n): string[] {
  const warnings: string[] = [];
  for (const line of npmrc.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const key = /^\s*([\w.-]+)\s*=/.exec(line)?.[1]?.toLowerCase();
    if (key === 'script-shell' || key === 'node-options' || key === 'shell' || key === 'onload-script' || key === 'ignore-scripts' || key === 'init-module' || key === 'globalconfig' || key === 'userconfig') {
      warnings.push(l10n.t('The project .npmrc sets "{0}": npm may run other code than the script line shown.', key));
    }
  }
  return warnings;
}

/** A file as the insight reads it: its text, or why there is none. */
export type InsightRead = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly why: 'missing' | 'too-large' };

const HEAD_LINES = 40;
const head = (text: string, l10n: L10n): string => {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  return lines.length > HEAD_LINES ? `${lines.slice(0, HEAD_LINES).join('\n')}\n${l10n.t('… ({0} more lines)', lines.length - HEAD_LINES)}` : lines.join('\n');
};
const PACKAGE_CONFIG = ['.npmrc', '.yarnrc', '.yarnrc.yml', '.pnpmfile.cjs'] as const;

/**
 * "What this really runs" for a consent card: the script or recipe (package.json with a BOM stripped;
 * Makefile, last recipe wins), project npm/yarn/pnpm config, the head of every file the command or script
 * names, and the git state. Whenever Airlock cannot tell — an unrecognised command, a file over 1 MiB, a
 * missing script, a config that runs other code — a warning says so (shown loudly). `read` takes a path
 * relative to the command's folder (or absolute) and refuses files over 1 MiB. Airlock's words go through
 * `l10n` (the person reads them on the card); the files' text is shown as it is.
 */
export async function describeWhatRuns(
  command: string,
  read: (path: string) => Promise<InsightRead>,
  git: (() => Promise<{ readonly text: string; readonly changed: readonly string[]; readonly root: string | undefined }>) | undefined,
  l10n: L10n,
): Promise<CommandInsight> {
  const target = insightTarget(command);
  const warnings: string[] = [];
  const sections: { title: string; body: string }[] = [];
  let resolved: ResolvedInsight | undefined;
  let file: string | undefined;
  if (target?.kind === 'package-script') {
    file = target.file;
    const text = await read(target.file);
    if (!text.ok && text.why === 'too-large') warnings.push(l10n.t('package.json is larger than 1 MiB: Airlock does not show its scripts; the script that runs is unknown.'));
    resolved = text.ok ? resolvePackageScript(target, text.text, l10n) : undefined;
    if (resolved === undefined && text.ok) warnings.push(l10n.t('Airlock cannot find script "{0}" in package.json; {1} may still run something (a built-in or a workspace\'s script).', target.script, target.runner));
    if (!text.ok && text.why === 'missing') warnings.push(l10n.t('There is no package.json here: Airlock cannot tell what {0} runs.', target.runner));
    for (const name of PACKAGE_CONFIG) {
      const config = await read(name);
      if (!config.ok) {
        if (config.why === 'too-large') warnings.push(l10n.t('The project {0} is larger than 1 MiB and is not shown.', name));
        continue;
      }
      sections.push({ title: l10n.t('Project {0}', name), body: head(config.text, l10n) });
      if (name === '.npmrc') warnings.push(...npmrcWarnings(config.text, l10n));
      else if (name === '.pnpmfile.cjs') warnings.push(l10n.t('The project has a .pnpmfile.cjs: pnpm runs it.'));
      else if (/(yarnPath|plugins|script-shell|scriptShell)/.test(config.text)) warnings.push(l10n.t('The project {0} sets a yarn path, plugins or a script shell: yarn may run other code than the script line shown.', name));
    }
  } else if (target?.kind === 'make') {
    for (const name of target.files) {
      const text = await read(name);
      if (!text.ok && text.why === 'missing') continue;
      file = name;
      if (!text.ok) {
        warnings.push(l10n.t('{0} is larger than 1 MiB: Airlock does not show it; the recipe that runs is unknown.', name));
        break;
      }
      resolved = resolveMakeRecipe(target.target, text.text, l10n);
      if (resolved === undefined) {
        warnings.push(target.target === undefined
          ? l10n.t('Airlock cannot find the target in {0}; make may still build it from an implicit rule or an included file.', name)
          : l10n.t('Airlock cannot find the target "{0}" in {1}; make may still build it from an implicit rule or an included file.', target.target, name));
      }
      if (/^\s*(-|s)?include\s/m.test(text.text)) warnings.push(l10n.t('{0} includes other files: their rules may change the recipe shown.', name));
      break;
    }
  }
  if (resolved !== undefined) warnings.push(...(resolved.warnings ?? []));
  // The head of every file the command (or the resolved script) names: node x.js, bash deploy.sh, ./run.
  for (const named of new Set([...namedFiles(command), ...(resolved === undefined ? [] : namedFiles(resolved.body))])) {
    const text = await read(named);
    if (text.ok) sections.push({ title: l10n.t('Head of {0}', named), body: head(text.text, l10n) });
    else warnings.push(text.why === 'too-large' ? l10n.t('{0} is larger than 1 MiB and is not shown.', named) : l10n.t('{0} does not exist (yet): Airlock cannot show what it runs.', named));
  }
  if (resolved === undefined && sections.length === 0) {
    warnings.unshift(l10n.t('Airlock cannot tell what this command runs: only the command line above is known. Approve only if you know what it does.'));
  }
  const state = git === undefined ? undefined : await git();
  return {
    source: resolved?.source ?? (sections.length > 0 ? l10n.t('The files the command names') : l10n.t('Not resolvable')),
    body: resolved?.body ?? '',
    uncommittedChanges: state !== undefined && state.changed.length > 0,
    ...(file === undefined ? {} : { file }),
    ...(warnings.length === 0 ? {} : { warnings }),
    ...(sections.length === 0 ? {} : { sections }),
    ...(state === undefined ? {} : { code: state.text, changedFiles: state.changed, ...(state.root === undefined ? {} : { repositoryRoot: state.root }) }),
  };
}
