import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SandboxPort } from '../../core/access/seal';
import { fixCommand, unavailableReason, type SandboxAvailability } from '../../core/sandbox/sealedRun';
import { Settings } from '../../shared/ids';
import { vscodeL10n } from './l10n';
import { probeSandbox, type SealedEngineOptions } from '../node/spawnSealed';

/**
 * VS Code's own ripgrep (the engine needs one on Linux and macOS), else `rg` on PATH. Desktop builds keep
 * it under `node_modules/@vscode/ripgrep` (unpacked next to the asar), code-server under
 * `@vscode/ripgrep-universal/bin/<platform>-<arch>`.
 */
export function vscodeRipgrep(appRoot: string = vscode.env.appRoot): string {
  const exe = process.platform === 'win32' ? 'rg.exe' : 'rg';
  const candidates = [
    join(appRoot, 'node_modules', '@vscode', 'ripgrep', 'bin', exe),
    join(appRoot, 'node_modules.asar.unpacked', '@vscode', 'ripgrep', 'bin', exe),
    join(appRoot, 'node_modules', '@vscode', 'ripgrep-universal', 'bin', `${process.platform}-${process.arch}`, exe),
  ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return 'rg';
}

/**
 * Whether this machine can seal a run. A positive answer is kept for the window's life; a negative one is
 * asked again next time, so installing the missing packages takes effect without a reload.
 */
export class SandboxAvailabilityCache implements SandboxPort {
  private known: SandboxAvailability | undefined;

  constructor(
    readonly engineOptions: () => SealedEngineOptions,
    /** The probe; the test facet may swap it to simulate a machine without the sandbox. */
    public probe: (options: SealedEngineOptions) => Promise<SandboxAvailability> = probeSandbox,
  ) {}

  async availability(): Promise<SandboxAvailability> {
    if (this.known !== undefined) return this.known;
    const found = await this.probe(this.engineOptions());
    if (found.available) this.known = found;
    return found;
  }

  /** Forget what was found (the test facet, after swapping the probe). */
  reset(): void {
    this.known = undefined;
  }

  /** Show Status's line. */
  async statusLine(mode: string): Promise<string> {
    const found = await this.availability();
    if (found.available) return vscode.l10n.t('Sandbox: available — runs are sealed ({0}: "{1}").', Settings.runSandbox, mode);
    const fix = fixCommand(found);
    const effect = mode === 'required' ? vscode.l10n.t('runs are refused') : vscode.l10n.t('runs are not sealed');
    const line = vscode.l10n.t('Sandbox: not available — {0}; {1} ({2}: "{3}").', unavailableReason(found, vscodeL10n), effect, Settings.runSandbox, mode);
    return fix === undefined ? line : vscode.l10n.t('{0} Fix: {1}', line, fix);
  }
}
