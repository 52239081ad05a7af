import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import type { CommandInsight } from '../../core/consent/consent';
import { insightTarget, npmrcWarnings, resolveMakeRecipe, resolvePackageScript, type ResolvedInsight } from '../../core/consent/commandInsight';
import { namedFiles } from '../../core/pin/pin';
import { gitSummary } from '../node/codePin';

const MAX_FILE_BYTES = 1024 * 1024;
const HEAD_LINES = 40;

type Read = { ok: true; text: string } | { ok: false; why: 'missing' | 'too-large' };

async function readSmallFile(path: string): Promise<Read> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { ok: false, why: 'missing' };
    if (info.size > MAX_FILE_BYTES) return { ok: false, why: 'too-large' };
    return { ok: true, text: await readFile(path, 'utf8') };
  } catch {
    return { ok: false, why: 'missing' };
  }
}

const head = (text: string): string => {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  return lines.length > HEAD_LINES ? `${lines.slice(0, HEAD_LINES).join('\n')}\n… (${lines.length - HEAD_LINES} more lines)` : lines.join('\n');
};

/**
 * "What this really runs" for a consent card: the script or recipe (package.json, Makefile — last recipe
 * wins), project npm/yarn/pnpm config, the head of every file the command or script names, and the git
 * state of the code (trusted workspaces only). Whenever Airlock cannot tell, a warning says so.
 */
export async function readCommandInsight(command: string, cwd: string): Promise<CommandInsight | undefined> {
  const target = insightTarget(command);
  const warnings: string[] = [];
  const sections: { title: string; body: string }[] = [];
  let resolved: ResolvedInsight | undefined;
  let file: string | undefined;
  if (target?.kind === 'package-script') {
    file = join(cwd, target.file);
    const read = await readSmallFile(file);
    if (!read.ok && read.why === 'too-large') warnings.push('package.json is larger than 1 MiB: Airlock does not show its scripts; the script that runs is unknown.');
    resolved = read.ok ? resolvePackageScript(target, read.text) : undefined;
    if (resolved === undefined && read.ok) warnings.push(`Airlock cannot find script "${target.script}" in package.json; ${target.runner} may still run something (a built-in or a workspace's script).`);
    for (const name of ['.npmrc', '.yarnrc', '.yarnrc.yml', '.pnpmfile.cjs']) {
      const config = await readSmallFile(join(cwd, name));
      if (!config.ok) {
        if (config.why === 'too-large') warnings.push(`The project ${name} is larger than 1 MiB and is not shown.`);
        continue;
      }
      sections.push({ title: `Project ${name}`, body: head(config.text) });
      if (name === '.npmrc') warnings.push(...npmrcWarnings(config.text));
      else if (name === '.pnpmfile.cjs') warnings.push('The project has a .pnpmfile.cjs: pnpm runs it.');
      else if (/(yarnPath|plugins|script-shell|scriptShell)/.test(config.text)) warnings.push(`The project ${name} sets a yarn path, plugins or a script shell: yarn may run other code than the script line shown.`);
    }
  } else if (target?.kind === 'make') {
    for (const name of target.files) {
      const candidate = join(cwd, name);
      const read = await readSmallFile(candidate);
      if (!read.ok) {
        if (read.why === 'too-large') warnings.push(`${name} is larger than 1 MiB: Airlock does not show it; the recipe that runs is unknown.`);
        if (read.why === 'too-large') break;
        continue;
      }
      file = candidate;
      resolved = resolveMakeRecipe(target.target, read.text);
      if (/^\s*(-|s)?include\s/m.test(read.text)) warnings.push(`${name} includes other files: their rules may change the recipe shown.`);
      break;
    }
  }
  if (resolved !== undefined) warnings.push(...(resolved.warnings ?? []));
  // The head of every file the command (or the resolved script) names: node x.js, bash deploy.sh, ./run.
  for (const named of new Set([...namedFiles(command), ...(resolved === undefined ? [] : namedFiles(resolved.body))])) {
    const path = isAbsolute(named) ? named : join(cwd, named);
    const read = await readSmallFile(path);
    if (read.ok) sections.push({ title: `Head of ${named}`, body: head(read.text) });
    else warnings.push(read.why === 'too-large' ? `${named} is larger than 1 MiB and is not shown.` : `${named} does not exist (yet): Airlock cannot show what it runs.`);
  }
  if (resolved === undefined && sections.length === 0) {
    warnings.unshift('Airlock cannot tell what this command runs: only the command line above is known. Approve only if you know what it does.');
  }
  const git = vscode.workspace.isTrusted ? await gitSummary(cwd) : undefined;
  const uncommittedChanges = git !== undefined && git.changed.length > 0;
  return {
    source: resolved?.source ?? (sections.length > 0 ? 'The files the command names' : 'Not resolvable'),
    body: resolved?.body ?? '',
    uncommittedChanges,
    ...(file === undefined ? {} : { file }),
    ...(warnings.length === 0 ? {} : { warnings }),
    ...(sections.length === 0 ? {} : { sections }),
    ...(git === undefined ? {} : { code: git.text, changedFiles: git.changed, ...(git.root === undefined ? {} : { repositoryRoot: git.root }) }),
  };
}
