import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import type { CommandInsight } from '../../core/consent/consent';
import { describeWhatRuns, type InsightRead } from '../../core/consent/commandInsight';
import { gitSummary } from '../node/codePin';
import { vscodeL10n } from './l10n';

const MAX_FILE_BYTES = 1024 * 1024;

async function readSmallFile(path: string): Promise<InsightRead> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { ok: false, why: 'missing' };
    if (info.size > MAX_FILE_BYTES) return { ok: false, why: 'too-large' };
    return { ok: true, text: await readFile(path, 'utf8') };
  } catch {
    return { ok: false, why: 'missing' };
  }
}

/**
 * "What this really runs" for a consent card (src/core/consent/commandInsight.ts `describeWhatRuns`) over
 * the files in `cwd`; git is asked only in a trusted workspace.
 */
export function readCommandInsight(command: string, cwd: string): Promise<CommandInsight> {
  return describeWhatRuns(
    command,
    (path) => readSmallFile(isAbsolute(path) ? path : join(cwd, path)),
    vscode.workspace.isTrusted ? () => gitSummary(cwd, undefined, vscodeL10n) : undefined,
    vscodeL10n,
  );
}
