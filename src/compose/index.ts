import * as vscode from 'vscode';
import { createLogChannel } from '../adapters/vscode/logChannel';
import type { McpSource } from '../adapters/vscode/mcpProvider';
import { registerStatusCommand } from '../adapters/vscode/statusCommand';
import { systemClock } from '../core/clock';
import type { AnyToolDefinition } from '../core/mcp/toolDefinition';
import { LiveSecrets } from '../core/redaction/liveSecrets';
import { OwnSecrets } from '../core/redaction/ownSecrets';
import type { AirlockTestApi } from '../testFacet/api';
import { composeAudit } from './audit';
import { composeEndpoint } from './endpoint';
import type { Base, Contribution } from './feature';
import { composeGrants } from './grants';
import { composePolicy } from './policy';
import { composeStores } from './stores';
import { composeViews } from './views';

export interface Composed {
  /** For the MCP provider registered at activation. */
  readonly mcp: McpSource;
  /** The test build in Test mode only: what `activate()` returns to the integration tests. */
  readonly testFacet: AirlockTestApi | undefined;
}

/**
 * The composition root (dist/features.js, required by extension.ts): builds each feature — policy & consent
 * → audit → stores → grants & runner → endpoint — and concatenates what they contribute once. Everything is
 * owned by `context.subscriptions`, so deactivation disposes everything it made. Synchronous: the command
 * registrations happen in the same tick as extension.ts drops its stubs.
 */
export function compose(context: vscode.ExtensionContext): Composed {
  const live = new LiveSecrets();
  const own = new OwnSecrets(live);
  const { log, channel } = createLogChannel(() => live.scrub);
  const base: Base = { context, log, channel, live, clock: systemClock, testMode: AIRLOCK_TEST_FACET && context.extensionMode === vscode.ExtensionMode.Test };

  const policy = composePolicy(base);
  const audit = composeAudit(base, policy);
  const stores = composeStores(base, { ...policy, ...audit }, own);
  const grants = composeGrants(base, policy, audit, stores);
  let served: readonly AnyToolDefinition[] = [];
  const endpoint = composeEndpoint(base, policy, grants, () => served, own);
  const views = composeViews(base, policy, audit, grants, endpoint);

  // Tools in the order agents have always listed them: list_*, request_secret_entry, then the grant tools.
  const features: readonly Contribution[] = [policy, audit, stores, grants, endpoint, views];
  served = [endpoint, stores, grants].flatMap((feature) => feature.tools ?? []);
  context.subscriptions.push(channel, ...features.flatMap((feature) => feature.disposables), { dispose: () => own.dispose() });
  context.subscriptions.push(registerStatusCommand(log, channel, features.flatMap((feature) => feature.status ?? [])));
  log.info(`Airlock activated (${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'not trusted'}).`);
  return {
    mcp: endpoint.mcp,
    testFacet: AIRLOCK_TEST_FACET && base.testMode ? Object.assign({ log }, ...features.map((feature) => feature.testFacet ?? {})) as AirlockTestApi : undefined,
  };
}
