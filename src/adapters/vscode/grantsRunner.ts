import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import * as vscode from 'vscode';
import { AccessService } from '../../core/access/accessService';
import type { AuditSink } from '../../core/audit/events';
import type { Clock } from '../../core/clock';
import type { CommandInsight, Consent } from '../../core/consent/consent';
import type { CodePins } from '../../core/pin/pin';
import { LeaseManager } from '../../core/grants/leaseManager';
import type { Log } from '../../core/log';
import type { AnyToolDefinition } from '../../core/mcp/toolDefinition';
import { awaitAccessTool } from '../../core/mcp/tools/awaitAccess';
import { requestAccessTool } from '../../core/mcp/tools/requestAccess';
import { revokeTool } from '../../core/mcp/tools/revoke';
import { runTool } from '../../core/mcp/tools/run';
import { evaluate } from '../../core/policy/evaluate';
import type { Policy } from '../../core/policy/policy';
import type { LiveSecrets } from '../../core/redaction/liveSecrets';
import { createRedactor, MIN_SECRET_LENGTH } from '../../core/redaction/redactor';
import type { SecretReference } from '../../core/secrets/reference';
import type { SecretStore } from '../../core/secrets/store';
import type { AirlockGrantsTestApi } from '../../shared/testApi';
import { registerGrantsStatusBar } from './grantsStatusBar';
import { TaskRunner, type TerminalTap } from './taskRunner';

export interface GrantsRunnerDeps {
  readonly log: Log;
  readonly clock: Clock;
  readonly audit: AuditSink;
  readonly consent: Consent;
  readonly policy: { current(): Policy };
  readonly stores: Pick<SecretStore, 'resolveAll'> & { storeFor?(kind: SecretReference['kind']): { readonly label: string } | undefined };
  readonly live: LiveSecrets;
  readonly insight?: (command: string, cwd: string) => Promise<CommandInsight | undefined>;
  /** Code pins: fingerprint what a command runs at consent, check it before every run. */
  readonly pins?: CodePins;
  /** Test mode only: receives what each run's terminal shows. */
  readonly tap?: TerminalTap;
}

export interface GrantsRunner extends vscode.Disposable {
  readonly leases: LeaseManager;
  readonly access: AccessService;
  readonly runner: TaskRunner;
  /** request_access, await_access, run, revoke. */
  readonly tools: readonly AnyToolDefinition[];
}

const realFolder = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};

/** The local workspace folders as realpaths (remote or virtual folders cannot hold a run). */
const workspaceFolders = (): string[] =>
  (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => realFolder(f.uri.fsPath));

/**
 * Builds the grants & runner feature: lease manager, access service, task runner, status bar and the four
 * tools. Disposing kills every child, forgets every grant and cancels open requests.
 */
export function createGrantsRunner(deps: GrantsRunnerDeps): GrantsRunner {
  const leases = new LeaseManager(deps.clock);
  const runner = new TaskRunner(deps.log, undefined, deps.tap);
  const access = new AccessService({
    clock: deps.clock,
    leases,
    audit: deps.audit,
    consent: deps.consent,
    log: deps.log,
    credentials: () => deps.policy.current().credentials,
    decide: (request) => evaluate(request, deps.policy.current(), deps.clock.now()),
    limits: () => deps.policy.current().limits,
    stores: deps.stores,
    storeLabel: (reference) => deps.stores.storeFor?.(reference.kind)?.label ?? reference.kind,
    ...(deps.insight === undefined ? {} : { insight: deps.insight }),
    ...(deps.pins === undefined ? {} : { pins: deps.pins }),
    workspace: {
      // The endpoint refuses untrusted workspaces already; this is the second wall.
      trusted: () => vscode.workspace.isTrusted,
      folders: workspaceFolders,
      realpath: async (cwd) => {
        const base = workspaceFolders()[0];
        const absolute = isAbsolute(cwd) ? cwd : base === undefined ? undefined : resolve(base, cwd);
        if (absolute === undefined) return undefined;
        try {
          return await realpath(absolute);
        } catch {
          return undefined;
        }
      },
    },
    redaction: { minSecretLength: MIN_SECRET_LENGTH, create: createRedactor },
    live: deps.live,
    runner,
  });
  const statusBar = registerGrantsStatusBar(leases, deps.clock);
  const tools = [requestAccessTool(access), awaitAccessTool(access), runTool(access), revokeTool(access)];
  return {
    leases,
    access,
    runner,
    tools,
    dispose: () => {
      access.dispose(); // aborts runs (audited run-incomplete), cancels open requests, forgets grants
      runner.dispose(); // SIGKILL to every child's process group, in case the host goes down now
      statusBar.dispose();
    },
  };
}

/** A terminal tap for tests that keeps the last `limit` characters the run terminals wrote. */
export function terminalTranscript(limit = 4 * 1024 * 1024): { tap: TerminalTap; text(): string } {
  let text = '';
  return {
    tap: (_runId, chunk) => {
      text = (text + chunk).slice(-limit);
    },
    text: () => text,
  };
}

/** The test API of this feature (Test mode only; see AirlockGrantsTestApi). */
export function grantsTestApi(feature: GrantsRunner, transcript: { text(): string }, state: readonly vscode.Memento[] = []): AirlockGrantsTestApi {
  const signal = new AbortController().signal;
  const noProgress = (): void => {};
  return {
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
    stateSnapshot: () => JSON.stringify(state.map((memento) => Object.fromEntries(memento.keys().map((key) => [key, memento.get(key)])))),
  };
}
