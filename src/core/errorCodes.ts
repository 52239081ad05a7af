/**
 * Every machine code an expected outcome carries, one union per outcome kind, so a misspelt code is a
 * compile error. The MCP result's `_meta["dev.airlock/code"]`, the audit log's `detail`/`code` and the
 * fixed messages below all come from these unions. Codes are kebab-case, stable, and never carry a value.
 */

import type { validateCredentialName, validateEnvName } from './secrets/envName';

/** Why a store could not give a value. Each has a human message that names no value. */
export type StoreFailureCode =
  | 'not-found' //          the item, field, vault or secret does not exist
  | 'not-configured' //     e.g. 1Password chosen but no account or service-account token set up
  | 'app-not-found' //      1Password desktop app missing or its SDK integration disabled
  | 'locked' //             the store (or desktop app) is locked
  | 'auth-expired' //       token or desktop session expired
  | 'rate-limited'
  | 'offline' //            network unreachable
  | 'timeout' //            no answer within the store timeout
  | 'invalid-reference'
  | 'error'; //             anything else (message carries no details that could leak)

/** Why policy denied a request before anyone was asked. */
export type PolicyDenyCode = 'no-credentials' | 'unknown-credential' | 'cwd-outside-workspace' | 'denied-by-policy';

/** Why a grant does not cover a run. */
export type GrantRefusal =
  | 'grant-not-found' //      unknown id, or a grant of another client (indistinguishable on purpose)
  | 'grant-ended' //          expired, spent or revoked
  | 'command-not-covered' //  the command is not the one the grant is bound to
  | 'cwd-not-covered'
  | 'credentials-not-covered';

/** Why nothing can be served or run in this workspace or folder (checked before policy). */
export type WorkspaceRefusal = 'workspace-not-trusted' | 'no-workspace' | 'invalid-cwd' | 'cwd-not-found' | 'cwd-outside-workspace';

/** Why the named credentials cannot be used together (settings changed, or two set the same variable). */
export type CredentialRefusal = 'unknown-credential' | 'env-conflict';

/** How a consent request ended without an approval (the consent answer's reason, `person` renamed). */
export type ConsentDenial = 'denied-by-person' | 'timeout' | 'panel-closed' | 'client-blocked' | 'cancelled';

/** Why request_access / await_access (or the asking half of run) ended denied. */
export type AccessDenialCode =
  | WorkspaceRefusal
  | PolicyDenyCode
  | CredentialRefusal
  | ConsentDenial
  | 'unknown-request' //     await_access for a request this client does not hold
  | 'audit-unavailable'; //  the audit log could not be written: nothing is granted unaudited

/** Why a run was refused (after a denial of its request, or when its grant or values are unusable). */
export type RunRefusalCode =
  | AccessDenialCode
  | GrantRefusal
  | 'no-grant' //            no grant covers the command and no credentials were named to ask for
  | `store-${StoreFailureCode}`
  | 'secret-too-short' //    see checkRedactable
  | 'secret-disposed'
  | 'run-failed'; //         the runner threw: the command could not be started

/** Codes of a tool's error result (`isError: true`), as the agent sees them in `_meta`. */
export type ToolErrorCode =
  | RunRefusalCode
  | 'consent-pending' //     run asked and the person has not answered yet
  | 'busy' //                request_secret_entry: one entry at a time
  | 'secret-exists' //       request_secret_entry: the name is already a stored secret or a credential
  | FailureCode<typeof validateCredentialName>
  | FailureCode<typeof validateEnvName>
  | 'internal-error'; //     a bug in a tool; details only in the output channel

type FailureCode<F extends (...args: never[]) => { readonly ok: boolean }> = Extract<ReturnType<F>, { readonly ok: false; readonly code: string }>['code'];

/** The fixed messages (codes whose message takes no parameters). Written for the agent and the person. */
export const MESSAGES = {
  'workspace-not-trusted': 'Workspace not trusted: Airlock serves no credential in Restricted Mode. Trust the workspace to continue.',
  'no-workspace': 'No workspace folder is open, so there is nowhere to run. Open a folder in VS Code.',
  'invalid-cwd': 'The cwd contains a NUL character.',
  'audit-unavailable': 'The audit log could not be written, so Airlock grants and runs nothing. The person should check the Airlock output channel.',
  'no-grant':
    'No grant covers this command. Name the credentials it needs (run with "credentials", or request_access first); list_credentials shows them.',
  'run-failed': 'The command could not be started. The Airlock output channel has details for the person.',
} as const satisfies Partial<Record<ToolErrorCode, string>>;

const DO_NOT_RETRY = 'Do not retry the same request unless the person asks you to.';

/** What the agent is told when consent ends without an approval. */
export const CONSENT_DENIAL_MESSAGES: Readonly<Record<ConsentDenial, string>> = {
  'denied-by-person': `The person denied this request. ${DO_NOT_RETRY}`,
  timeout: `Nobody answered the request in time; it was denied. ${DO_NOT_RETRY}`,
  'panel-closed': `The consent panel was closed; the request was denied. ${DO_NOT_RETRY}`,
  'client-blocked': `The person blocked this client for this session. ${DO_NOT_RETRY}`,
  cancelled: `The request was cancelled. ${DO_NOT_RETRY}`,
};
