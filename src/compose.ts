import * as vscode from 'vscode';
import { createLogChannel, type Scrub } from './adapters/vscode/logChannel';
import { registerStatusCommand, type StatusLine } from './adapters/vscode/statusCommand';
import type { AnyToolDefinition } from './core/mcp/toolDefinition';
import type { AirlockTestApi } from './shared/testApi';

/**
 * The one place where adapters are built and handed to the core. Each feature registers through
 * `context.subscriptions`, so deactivation disposes everything it made.
 */
export async function compose(context: vscode.ExtensionContext): Promise<AirlockTestApi> {
  // The live scrubber: replaced by the redactor over every secret currently held (grants section).
  const scrubRef: { current: Scrub } = { current: (text) => text };
  const { log, channel } = createLogChannel(() => scrubRef.current);
  context.subscriptions.push(channel);
  const statusLines: StatusLine[] = [];
  const tools: AnyToolDefinition[] = [];
  const testApi: AirlockTestApi = { log };

  // ── audit ─────────────────────────────────────────────────────────────────────────────────────────

  // ── policy & consent ──────────────────────────────────────────────────────────────────────────────

  // ── stores ────────────────────────────────────────────────────────────────────────────────────────

  // ── grants & runner ───────────────────────────────────────────────────────────────────────────────

  // ── endpoint (last: serves the tools registered above) ───────────────────────────────────────────

  context.subscriptions.push(registerStatusCommand(log, channel, statusLines));
  log.info(`Airlock activated (${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'not trusted'}).`);
  void tools;
  return testApi;
}
