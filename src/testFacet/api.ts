import type { SandboxAvailability } from '../core/sandbox/sealedRun';
import type { OnePasswordSdk, OnePasswordStore } from '../adapters/stores/onePasswordStore';
import type { SecretStorageStore } from '../adapters/stores/secretStorageStore';
import type { PromptTracker } from '../adapters/vscode/secretEntry';
import type { AccessOutcome, AccessRequestInput, RunInput, RunOutcome } from '../core/access/accessService';
import type { ClientId, ClientIdentity } from '../core/clients';
import type { GrantSummary } from '../core/grants/grant';
import type { AuditSink } from '../core/audit/events';
import type { Consent, ConsentRequest } from '../core/consent/consent';
import type { Log } from '../core/log';
import type { Policy, PolicyProblem } from '../core/policy/policy';
import type { AnyToolDefinition } from '../core/mcp/toolDefinition';
import type { StoreRouter } from '../core/secrets/storeRouter';
import type { SecretValue } from '../core/secrets/secretValue';

/**
 * What `activate()` returns, and only when VS Code runs the extension in Test mode (integration tests
 * launched with `extensionTestsPath`). An installed extension returns undefined: nothing here is
 * reachable by an agent, another extension or a command in production.
 */
export interface AirlockTestApi {
  readonly log: Log;
  /** Audit section: the sink every section appends to, and its directory (global storage + `/audit`). */
  audit?: AuditSink;
  auditDir?: string;
  /** Stores section: the router, the SecretStorage store, 1Password, the open Airlock prompt, request_secret_entry. */
  stores?: AirlockStoresTestApi;
  /** Grants & runner section: lease snapshot, the access service as a given client, the terminal tap. */
  grants?: AirlockGrantsTestApi;
  /** Policy & consent section: the parsed policy and its problems. */
  policy?: AirlockPolicyTestApi;
  /** Policy & consent section: the consent panel as a Consent. It cannot approve: only a click in the panel does. */
  consent?: AirlockConsentTestApi;
  /** Endpoint section: URL, client tokens (test mode only), discovery files. */
  endpoint?: AirlockEndpointTestApi;
  /** Views section: what each Airlock tree view shows (after a refresh), and the walkthrough keys set. */
  views?: AirlockViewsTestApi;
}

/** One row of a tree view as the person sees it. */
export interface ViewRowSnapshot {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly contextValue?: string;
}

export interface AirlockViewsTestApi {
  /** The rows each view lists now (read fresh, as the tree would on a refresh). */
  viewRows(view: 'credentials' | 'grants' | 'agents' | 'activity'): readonly ViewRowSnapshot[];
  /** Re-reads the audit log for the Activity view (what an append does); resolves when done. */
  reloadActivity(): Promise<void>;
  /** The walkthrough context keys set so far. */
  walkthroughKeys(): readonly string[];
}

/** The MCP endpoint as a test sees it. */
export interface AirlockEndpointTestApi {
  /** Resolves when the endpoint's current (re)start is over: its URL, or undefined when disabled/failed. */
  ready(): Promise<string | undefined>;
  url(): string | undefined;
  /** `client`'s bearer token, created if needed — tests call the endpoint as that client. */
  clientToken(client: ClientId): Promise<string>;
  /** Rotates/revokes as the person's commands do. */
  rotate(client: ClientId): Promise<void>;
  revoke(client: ClientId): Promise<void>;
  /** Open MCP sessions (client, claimed name, last seen). */
  sessions(): readonly { readonly id: string; readonly client: ClientId; readonly claimedName?: string }[];
  /** `$AIRLOCK_HOME` as this window resolved it, its endpoints folder, and this window's discovery file. */
  readonly airlockHome: string;
  readonly discoveryDir: string;
  discoveryFile(): string;
}

export interface AirlockStoresTestApi {
  readonly router: StoreRouter;
  readonly secretStorage: SecretStorageStore;
  readonly onePassword: OnePasswordStore;
  /** The quick input Airlock shows right now: tests fill it, then run `workbench.action.acceptSelectedQuickOpenItem`. */
  readonly prompts: PromptTracker;
  readonly secretEntryTool: AnyToolDefinition;
  /** A service-account token as the extension holds one (its own SecretValue, scrubbed while held). */
  serviceAccountToken(raw: string): SecretValue;
  /**
   * Makes 1Password use `sdk` (a fake shaped like `@1password/sdk`) instead of the bundled SDK, and drops
   * the signed-in client; undefined: the bundled SDK again. 1Password itself cannot be reached from tests.
   */
  simulateOnePasswordSdk(sdk: OnePasswordSdk | undefined): void;
}

/**
 * The grants feature as a test sees it. There is deliberately no way to approve a consent request here:
 * approval happens only in the panel (integration tests use an `allow` rule with
 * `airlock.policy.allowWithoutConsent` in user settings; e2e clicks Approve).
 */
export interface AirlockGrantsTestApi {
  /** Every live grant (all clients), soonest expiry first. */
  snapshot(): GrantSummary[];
  /** The access service's entry points bound to `client` (a fresh MCP session id each call). */
  as(client: ClientId): AccessAsClient;
  /** Everything Airlock's run terminals wrote so far (what the person, or a terminal-reading tool, sees). */
  terminalText(): string;
  /** Process ids of the children running now. */
  runningPids(): number[];
  /** Revokes as the person would from the status bar. */
  revokeAllAsPerson(): number;
  /** Makes the sandbox probe answer `availability` (undefined: the real probe again). */
  simulateSandbox(availability: SandboxAvailability | undefined): void;
  /** How many grants hold an engine session now. */
  sealedSessions(): number;
  /** Every key and value of the extension's globalState and workspaceState, as JSON (leak scans). */
  stateSnapshot(): string;
}

/** The access service bound to one client, as its MCP tools would call it (policy and consent still decide). */
export interface AccessAsClient {
  readonly caller: ClientIdentity;
  requestAccess(input: AccessRequestInput): Promise<AccessOutcome>;
  awaitAccess(requestId: string): Promise<AccessOutcome>;
  run(input: RunInput): Promise<RunOutcome>;
  revoke(grantId: string): { revoked: number };
}

/** The policy as parsed from the current settings. */
export interface AirlockPolicyTestApi {
  current(): Policy;
  problems(): readonly PolicyProblem[];
}

/** The consent panel: ask (opens a card) and read what is pending. Deliberately no way to approve. */
export interface AirlockConsentTestApi extends Consent {
  pending(): readonly ConsentRequest[];
}
