// The test facet's implementation: built into the test build only. Every use in src/compose sits behind
// `AIRLOCK_TEST_FACET && …`, which the production build folds to `false`, so nothing here ships
// (test/unit/scripts/testFacetBundle.test.ts scans the production bundles for these names).
import type { SandboxAvailabilityCache } from '../adapters/vscode/sandboxAvailability';
import type { SealedSessions } from '../adapters/node/sealedSessions';
import { probeSandbox } from '../adapters/node/spawnSealed';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { holdServiceAccountToken } from '../adapters/stores/onePasswordAuth';
import type { OnePasswordSdk, OnePasswordStore } from '../adapters/stores/onePasswordStore';
import type { SecretStorageStore } from '../adapters/stores/secretStorageStore';
import type { ClientTokens } from '../adapters/vscode/clientTokens';
import type { ConnectTestOptions } from '../adapters/vscode/connectCommands';
import type { ConsentPanel } from '../adapters/vscode/consentPanel';
import type { EndpointService } from '../adapters/vscode/endpointService';
import type { PolicySettings } from '../adapters/vscode/settings';
import type { PromptTracker } from '../adapters/vscode/secretEntry';
import type { TaskRunner, TerminalTap } from '../adapters/vscode/taskRunner';
import type { AccessService } from '../core/access/accessService';
import type { AuditSink } from '../core/audit/events';
import { endpointsDir } from '../core/connect/paths';
import type { LeaseManager } from '../core/grants/leaseManager';
import type { AnyToolDefinition } from '../core/mcp/toolDefinition';
import type { OwnSecrets } from '../core/redaction/ownSecrets';
import type { StoreRouter } from '../core/secrets/storeRouter';
import { revealSecret } from '../core/secrets/secretValue';
import type { AirlockTestApi, ViewRowSnapshot } from './api';

/** Audit Export takes its target from the command argument, without the save dialog. */
export const auditExportTarget = (arg: unknown): vscode.Uri | undefined => (arg instanceof vscode.Uri ? arg : undefined);

export function auditFacet(audit: AuditSink, auditDir: string): Partial<AirlockTestApi> {
  return { audit, auditDir };
}

/** The parsed policy and its problems; the consent panel as a Consent (deliberately no way to approve). */
export function policyFacet(policy: PolicySettings, consent: ConsentPanel): Partial<AirlockTestApi> {
  return {
    policy: { current: () => policy.current(), problems: () => policy.problems() },
    consent: { ask: (request, signal) => consent.ask(request, signal), pending: () => consent.pending() },
  };
}

export function storesFacet(
  stores: { router: StoreRouter; secretStorage: SecretStorageStore; onePassword: OnePasswordStore; prompts: PromptTracker; secretEntryTool: AnyToolDefinition },
  own: OwnSecrets,
  useSdk: (sdk: OnePasswordSdk | undefined) => void,
): Partial<AirlockTestApi> {
  return { stores: { ...stores, serviceAccountToken: (raw) => holdServiceAccountToken(own, raw), simulateOnePasswordSdk: useSdk } };
}

/** A terminal tap that keeps the last `limit` characters the run terminals wrote. */
export function terminalTranscript(limit = 4 * 1024 * 1024): { tap: TerminalTap; text(): string } {
  let text = '';
  return {
    tap: (_runId, chunk) => {
      text = (text + chunk).slice(-limit);
    },
    text: () => text,
  };
}

/** The access service as a given client, the terminal transcript, running pids, a state snapshot. */
export function grantsFacet(
  feature: { access: AccessService; runner: TaskRunner; leases: LeaseManager; sandbox: SandboxAvailabilityCache; sessions: SealedSessions },
  transcript: { text(): string },
  state: readonly vscode.Memento[],
): Partial<AirlockTestApi> {
  const signal = new AbortController().signal;
  const noProgress = (): void => {};
  return {
    grants: {
      snapshot: () => feature.access.activeGrants(),
      as: (client) => {
        const caller = { id: client, sessionId: `test-${randomUUID()}` };
        return {
          caller,
          requestAccess: (input) => feature.access.requestAccess(caller, input, noProgress, signal),
          awaitAccess: (requestId) => feature.access.awaitAccess(caller, requestId, noProgress, signal),
          run: (input) => feature.access.run(caller, input, noProgress, signal),
          revoke: (grantId) => feature.access.revoke(caller, grantId),
        };
      },
      terminalText: () => transcript.text(),
      runningPids: () => feature.runner.pids,
      revokeAllAsPerson: () => feature.leases.revokeAll('person'),
      simulateSandbox: (availability) => {
        // A machine without the sandbox, without uninstalling it: the probe answers what the test says.
        feature.sandbox.probe = availability === undefined ? probeSandbox : () => Promise.resolve(availability);
        feature.sandbox.reset();
      },
      sealedSessions: () => feature.sessions.open,
      stateSnapshot: () => JSON.stringify(state.map((memento) => Object.fromEntries(memento.keys().map((key) => [key, memento.get(key)])))),
    },
  };
}

/** Connect commands read scope and confirmation from their argument (no pickers, no modal). */
export const connectTestOptions = (arg: unknown): ConnectTestOptions => {
  const given = arg !== null && typeof arg === 'object' ? (arg as ConnectTestOptions) : {};
  return { ...given, firstFolder: true };
};

/** The endpoint as a test sees it; tests call it as any client, so the facet hands out a client's raw token. */
export function endpointFacet(endpoint: EndpointService, tokens: ClientTokens, home: string): Partial<AirlockTestApi> {
  return {
    endpoint: {
      ready: () => endpoint.ready(),
      url: () => endpoint.url,
      clientToken: async (client) => revealSecret(await tokens.ensure(client), 'own-credential'),
      rotate: (client) => tokens.rotate(client),
      revoke: (client) => tokens.revoke(client),
      sessions: () => endpoint.sessions(),
      airlockHome: home,
      discoveryDir: endpointsDir(home),
      discoveryFile: () => endpoint.discoveryFile(),
    },
  };
}

/** The Airlock views' rows, read the way the tree reads them; the Activity reload; the walkthrough keys. */
export function viewsFacet(views: {
  credentials: { getChildren(): readonly ViewRowSnapshot[] };
  grants: { getChildren(): readonly ViewRowSnapshot[] };
  agents: { getChildren(): readonly ViewRowSnapshot[] };
  activity: { getChildren(): readonly ViewRowSnapshot[] };
  reload(): Promise<void>;
  walkthrough(): readonly string[];
}): Partial<AirlockTestApi> {
  const snapshot = (row: ViewRowSnapshot): ViewRowSnapshot => ({ id: row.id, label: row.label, description: row.description, ...(row.contextValue === undefined ? {} : { contextValue: row.contextValue }) });
  return {
    views: {
      viewRows: (view) => views[view].getChildren().map(snapshot),
      reloadActivity: () => views.reload(),
      walkthroughKeys: () => views.walkthrough(),
    },
  };
}
