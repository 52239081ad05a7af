import * as vscode from 'vscode';
import type { Log } from '../../core/log';
import { parsePolicy, type SettingsLayers, type SettingValues } from '../../core/policy/parse';
import type { Policy, PolicyProblem } from '../../core/policy/policy';
import { SETTING_SPECS } from '../../core/policy/schema';
import { Settings } from '../../shared/ids';
import { vscodeL10n } from './l10n';

export interface PolicySettings extends vscode.Disposable {
  /** The policy parsed from the current settings (re-parsed on every change and on a trust grant). */
  current(): Policy;
  /** What the last parse ignored or refused, each naming the setting and the fix. */
  problems(): readonly PolicyProblem[];
  readonly onDidChange: vscode.Event<Policy>;
}

const KEYS = Object.values(SETTING_SPECS).map((spec) => spec.key);

/**
 * A desktop window attached to a remote (SSH, container, WSL, Codespaces in the desktop app). There, the
 * person's user settings live on the local machine, but `inspect().globalValue` of a machine-, window- or
 * resource-scoped setting also holds the remote machine's settings file, which an agent on that machine can
 * write; only application-scope values are read locally. In a browser window (code-server, Codespaces in a
 * browser) the workbench's own user settings are stored by the server or the browser and this split does
 * not exist — see parse.ts `remote`.
 */
const isDesktopRemote = (): boolean => vscode.env.remoteName !== undefined && vscode.env.uiKind === vscode.UIKind.Desktop;

/** Reads every Airlock setting with `inspect()`, so user, workspace and folder values stay apart. */
function readLayers(): SettingsLayers {
  const user: Record<string, unknown> = {};
  const workspace: Record<string, unknown> = {};
  const configuration = vscode.workspace.getConfiguration();
  for (const key of KEYS) {
    const inspected = configuration.inspect(key);
    if (inspected?.globalValue !== undefined) user[key] = inspected.globalValue;
    if (inspected?.workspaceValue !== undefined) workspace[key] = inspected.workspaceValue;
  }
  // Folder values exist apart from workspace values only in a multi-root workspace.
  const folders: { name: string; values: SettingValues }[] = [];
  if (vscode.workspace.workspaceFile !== undefined) {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const scoped = vscode.workspace.getConfiguration(undefined, folder.uri);
      const values: Record<string, unknown> = {};
      for (const key of KEYS) {
        const value = scoped.inspect(key)?.workspaceFolderValue;
        if (value !== undefined) values[key] = value;
      }
      if (Object.keys(values).length > 0) folders.push({ name: folder.name, values });
    }
  }
  return { trusted: vscode.workspace.isTrusted, remote: isDesktopRemote(), user, workspace, folders };
}

/**
 * The settings adapter: parses on first use (or just after activation, whichever comes first), on every
 * `airlock.*` change and when the workspace becomes trusted; logs each problem, hands it to `onProblems`
 * (the audit) and shows one warning per new set.
 */
export function createPolicySettings(log: Log, showLog: () => void, onProblems: (problems: readonly PolicyProblem[]) => void = () => {}): PolicySettings {
  const emitter = new vscode.EventEmitter<Policy>();
  // Reading and validating the settings is not needed to finish activating (nothing asks for the policy
  // before a request, a status or a settings change), so the first parse waits for its first use.
  let parsedOnce: ReturnType<typeof parsePolicy> | undefined;
  const latest = (): ReturnType<typeof parsePolicy> => (parsedOnce ??= parsePolicy(readLayers()));
  let shown = '';

  const report = (): void => {
    const parsed = latest();
    const key = parsed.problems.map((p) => p.message).join('\n');
    if (key === shown) return;
    shown = key;
    for (const problem of parsed.problems) log.warn(`Settings: ${problem.message}`);
    onProblems(parsed.problems);
    const first = parsed.problems[0];
    if (first === undefined) return;
    // The person's language here; the log line above and the audit keep the English `message`.
    const message = parsed.problems.length > 1
      ? vscode.l10n.t('Airlock settings: {0} (and {1} more in the Airlock output)', first.say(vscodeL10n), parsed.problems.length - 1)
      : vscode.l10n.t('Airlock settings: {0}', first.say(vscodeL10n));
    const openSettings = vscode.l10n.t('Open Settings');
    const showOutput = vscode.l10n.t('Show Output');
    void vscode.window.showWarningMessage(message, openSettings, showOutput).then((choice) => {
      if (choice === openSettings) void vscode.commands.executeCommand('workbench.action.openSettings', first.setting);
      if (choice === showOutput) showLog();
    });
  };

  const reparse = (): void => {
    parsedOnce = parsePolicy(readLayers());
    report();
    emitter.fire(parsedOnce.policy);
  };

  const subscriptions = [
    emitter,
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(Settings.section)) reparse();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(reparse),
    vscode.workspace.onDidChangeWorkspaceFolders(reparse),
  ];
  // Problems in the settings are still reported at startup, right after activation has returned.
  const startupReport = setTimeout(report, 0);

  return {
    current: () => latest().policy,
    problems: () => latest().problems,
    onDidChange: emitter.event,
    dispose: () => {
      clearTimeout(startupReport);
      for (const subscription of subscriptions) subscription.dispose();
    },
  };
}
