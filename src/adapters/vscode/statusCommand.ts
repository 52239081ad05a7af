import * as vscode from 'vscode';
import type { Log } from '../../core/log';
import { Commands } from '../../shared/ids';

/** What `Airlock: Show Status` reports; each feature contributes a line. */
export type StatusLine = () => string | Promise<string>;

/** Registers `Airlock: Show Status`: a summary in the output channel and a notification. */
export function registerStatusCommand(log: Log, channel: vscode.LogOutputChannel, lines: readonly StatusLine[]): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.showStatus, async () => {
    const version = String(vscode.extensions.getExtension('airlock-dev.airlock')?.packageJSON?.version ?? 'dev');
    const failed = (error: unknown): string => vscode.l10n.t('(a status line failed: {0})', error instanceof Error ? error.message : String(error));
    const report = [vscode.l10n.t('Airlock {0} is active.', version), ...(await Promise.all(lines.map((line) => Promise.resolve().then(line).catch(failed))))];
    for (const line of report) log.info(line);
    channel.show(true);
    void vscode.window.showInformationMessage(report.join(' '));
    return report;
  });
}
