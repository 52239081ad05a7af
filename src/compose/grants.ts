import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { NodeCodePins } from '../adapters/node/codePin';
import { registerGrantsStatusBar } from '../adapters/vscode/grantsStatusBar';
import { TaskRunner, type TerminalTap } from '../adapters/vscode/taskRunner';
import { SandboxAvailabilityCache, vscodeRipgrep } from '../adapters/vscode/sandboxAvailability';
import { RunReaper } from '../adapters/node/runReaper';
import { SealedSessions } from '../adapters/node/sealedSessions';
import type { SealedEngineOptions } from '../adapters/node/spawnSealed';
import { AccessService } from '../core/access/accessService';
import type { AuditSink } from '../core/audit/events';
import type { Clock } from '../core/clock';
import type { CommandInsight, Consent } from '../core/consent/consent';
import type { CodePins } from '../core/pin/pin';
import { LeaseManager } from '../core/grants/leaseManager';
import type { Log } from '../core/log';
import { awaitAccessTool } from '../core/mcp/tools/awaitAccess';
import { requestAccessTool } from '../core/mcp/tools/requestAccess';
import { revokeTool } from '../core/mcp/tools/revoke';
import { runTool } from '../core/mcp/tools/run';
import { evaluate } from '../core/policy/evaluate';
import type { Policy } from '../core/policy/policy';
import type { LiveSecrets } from '../core/redaction/liveSecrets';
import { createRedactor } from '../core/redaction/redactor';
import type { SandboxPort } from '../core/access/seal';
import type { SecretStore } from '../core/secrets/store';
import { isInside } from '../core/paths';
import { grantsFacet, terminalTranscript } from '../testFacet/facets';
import type { AuditFeature } from './audit';
import type { Base, Contribution } from './feature';
import type { PolicyFeature } from './policy';
import type { StoresFeature } from './stores';
import { vscodeL10n } from '../adapters/vscode/l10n';

export interface GrantsFeature extends Contribution {
  readonly leases: LeaseManager;
  readonly access: AccessService;
  readonly runner: TaskRunner;
}

/** What the access service is built from. */
export interface AccessServiceDeps {
  readonly log: Log;
  readonly clock: Clock;
  readonly audit: AuditSink;
  readonly consent: Consent;
  readonly policy: { current(): Policy };
  readonly stores: Pick<SecretStore, 'resolveAll'>;
  readonly live: LiveSecrets;
  readonly insight?: (command: string, cwd: string) => Promise<CommandInsight | undefined>;
  /** Code pins: fingerprint what a command runs at consent, check it before every run. */
  readonly pins?: CodePins;
  readonly leases: LeaseManager;
  readonly runner: TaskRunner;
  readonly sandbox?: SandboxPort;
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

/** The one place the access service is constructed. */
export function createAccessService(deps: AccessServiceDeps): AccessService {
  return new AccessService({
    clock: deps.clock,
    l10n: vscodeL10n,
    leases: deps.leases,
    audit: deps.audit,
    consent: deps.consent,
    log: deps.log,
    credentials: () => deps.policy.current().credentials,
    decide: (request) => evaluate(request, deps.policy.current()),
    limits: () => deps.policy.current().limits,
    stores: deps.stores,
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
    redaction: { create: createRedactor },
    live: deps.live,
    runner: deps.runner,
    ...(deps.sandbox === undefined ? {} : { sandbox: deps.sandbox }),
    warn: (message) => void vscode.window.showWarningMessage(message),
  });
}

/**
 * Grants & runner: lease manager, access service, task runner, status bar and request_access, await_access,
 * run, revoke. Disposing kills every child (audited run-incomplete), forgets grants, cancels requests.
 */
export function composeGrants(
  base: Base,
  { policy, consent, insight }: Pick<PolicyFeature, 'policy' | 'consent' | 'insight'>,
  { audit }: Pick<AuditFeature, 'audit'>,
  { stores }: Pick<StoresFeature, 'stores'>,
): GrantsFeature {
  const { log, clock, live, context } = base;
  // Test facet only: what each run's terminal shows, for the tests that read it.
  const transcript = AIRLOCK_TEST_FACET && base.testMode ? terminalTranscript() : undefined;
  const tap: TerminalTap | undefined = transcript?.tap;
  const leases = new LeaseManager(clock);
  // The engine's options, looked up once, on the first sealed run or probe: VS Code's own ripgrep; the
  // user data folder (`<userData>/User/globalStorage/<id>`, three up), which runs may not read; and the
  // global storage for the socat relay wrapper — the host runs that file, so only where an agent confined
  // to the workspace and the temporary folder cannot write (otherwise the engine runs socat as is).
  let engineOptions: SealedEngineOptions | undefined;
  const options = (): SealedEngineOptions => {
    if (engineOptions !== undefined) return engineOptions;
    const storage = context.globalStorageUri.fsPath;
    const writableByConfinedAgents = [tmpdir(), ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)].some((root) => isInside(root, storage));
    engineOptions = {
      ripgrep: { command: vscodeRipgrep() },
      userDataDir: resolve(storage, '..', '..', '..'),
      ...(writableByConfinedAgents ? {} : { relayDir: join(storage, 'relay') }),
    };
    return engineOptions;
  };
  const sandbox = new SandboxAvailabilityCache(options);
  const sessions = new SealedSessions(options, (grantId) => leases.get(grantId) !== undefined);
  const ended = leases.onEvent((event) => {
    if (event.type === 'expired' || event.type === 'revoked') void sessions.ended(event.grant.id);
  });
  const runner = new TaskRunner(log, undefined, tap, new RunReaper(), sessions);
  const access = createAccessService({ log, clock, audit, consent, policy, stores, live, insight, pins: new NodeCodePins(), leases, runner, sandbox });
  const statusBar = registerGrantsStatusBar(leases, clock);
  return {
    leases,
    access,
    runner,
    tools: [requestAccessTool(access), awaitAccessTool(access), runTool(access), revokeTool(access)],
    disposables: [
      {
        dispose: () => {
          access.dispose(); // aborts runs (audited run-incomplete), cancels open requests, forgets grants
          runner.dispose(); // SIGKILL to every child's process group, in case the host goes down now
          statusBar.dispose();
          ended.dispose();
          void sessions.dispose(); // drops the host-bound values from the engine and stops it
        },
      },
    ],
    status: [
      () => vscode.l10n.t('Grants: {0} active, {1} command(s) running.', leases.active().length, runner.pids.length),
      () => sandbox.statusLine(policy.current().limits.sandbox),
    ],
    testFacet: AIRLOCK_TEST_FACET && transcript !== undefined ? grantsFacet({ access, runner, leases, sandbox, sessions }, transcript, [context.globalState, context.workspaceState]) : undefined,
  };
}
