import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CommandInsight } from '../../core/consent/consent';
import { insightTarget, resolveMakeRecipe, resolvePackageScript, type ResolvedInsight } from '../../core/consent/commandInsight';
import { hasUncommittedChanges } from '../node/gitStatus';

const MAX_FILE_BYTES = 1024 * 1024;

async function readSmallFile(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_FILE_BYTES) return undefined;
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * "What this really runs" for a consent card: reads package.json or the Makefile in `cwd`, resolves the
 * script or recipe in core, and asks git (trusted workspaces only) whether that file has uncommitted
 * changes. Undefined when the command is not a recognised form or nothing resolves.
 */
export async function readCommandInsight(command: string, cwd: string): Promise<CommandInsight | undefined> {
  const target = insightTarget(command);
  if (target === undefined) return undefined;
  let resolved: ResolvedInsight | undefined;
  let file: string | undefined;
  if (target.kind === 'package-script') {
    file = join(cwd, target.file);
    const text = await readSmallFile(file);
    resolved = text === undefined ? undefined : resolvePackageScript(target, text);
  } else {
    for (const name of target.files) {
      const candidate = join(cwd, name);
      const text = await readSmallFile(candidate);
      if (text === undefined) continue;
      file = candidate;
      resolved = resolveMakeRecipe(target.target, text);
      break;
    }
  }
  if (resolved === undefined || file === undefined) return undefined;
  const uncommittedChanges = vscode.workspace.isTrusted ? await hasUncommittedChanges(cwd, file) : false;
  return { source: resolved.source, body: resolved.body, uncommittedChanges, file };
}
