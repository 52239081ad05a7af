import * as vscode from 'vscode';
import { createLogChannel, type Scrub } from './adapters/vscode/logChannel';
import { registerStatusCommand, type StatusLine } from './adapters/vscode/statusCommand';
import type { AirlockTestApi } from './shared/testApi';

/**
 * The one place where adapters are built and handed to the core. Each feature registers through
 * `context.subscriptions`, so deactivation disposes everything it made.
 */
export async function compose(context: vscode.ExtensionContext): Promise<AirlockTestApi> {
  let scrub: Scrub = (text) => text;
  const { log, channel } = createLogChannel(() => scrub);
  context.subscriptions.push(channel);
  const statusLines: StatusLine[] = [];
  const testApi: AirlockTestApi = { log };

  // ── features (each section owns its registrations) ──────────────────────────────────────────────

  context.subscriptions.push(registerStatusCommand(log, channel, statusLines));
  log.info(`Airlock activated (${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'not trusted'}).`);
  void scrub;
  return testApi;
}
