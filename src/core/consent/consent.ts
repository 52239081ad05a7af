import type { ClientIdentity } from '../clients';

/** One credential as the person sees it on a consent card: never a value. */
export interface ConsentCredential {
  readonly name: string;
  readonly description: string;
  readonly env: string;
  /** Store label, e.g. "1Password", "VS Code SecretStorage". */
  readonly store: string;
  /** The reference string, e.g. `op://Prod/Deploy/token`; a location, not a value. */
  readonly reference: string;
  readonly definedByWorkspace: boolean;
  /** Defined only in a remote machine's settings (which an agent there can write). */
  readonly definedOnRemote?: boolean;
  /** How it travels: "sent only to api.example.com — the command sees a placeholder" / "in the command's environment". */
  readonly delivery?: string;
}

/** What the command really runs, e.g. the package.json script body behind `npm run deploy`. */
export interface CommandInsight {
  /** e.g. "package.json script \"deploy\"", "Makefile target \"deploy\"". */
  readonly source: string;
  /** The resolved body, shown verbatim (as plain text). */
  readonly body: string;
  /** The file that defines it has uncommitted changes (git): an agent may have just edited it. */
  readonly uncommittedChanges: boolean;
  readonly file?: string;
  /** Why Airlock cannot fully tell what runs (unresolvable command, oversized file, a config that runs other code): shown loudly. */
  readonly warnings?: readonly string[];
  /** The git state of the code: "Runs committed code at 1a2b3c4" or "Runs 3 uncommitted changes: …". */
  readonly code?: string;
  /** Paths of uncommitted changes (relative to `repositoryRoot`), for the diff editor. */
  readonly changedFiles?: readonly string[];
  /** Host side only (not on the card): the repository the changed files are in. */
  readonly repositoryRoot?: string;
  /** More of what runs: project .npmrc / yarn config, the head of each file the command names. */
  readonly sections?: readonly { readonly title: string; readonly body: string }[];
  /** A re-ask after a refused run: the paths that changed since the person last approved this command. */
  readonly changedSinceApproval?: readonly string[];
}

/** Limits the policy puts on what the person may approve. */
export interface ConsentLimits {
  readonly defaultDurationSeconds: number;
  readonly maxDurationSeconds: number;
  /** null: no cap on runs within the duration. */
  readonly maxRuns: number | null;
  /** Whether the person may widen the command binding from exact to prefix. */
  readonly allowPrefix: boolean;
}

export interface ConsentRequest {
  /** Issued by the host (crypto random); a decision is accepted only for an id it still holds. */
  readonly id: string;
  readonly client: ClientIdentity;
  readonly credentials: readonly ConsentCredential[];
  readonly command: string;
  readonly cwd: string;
  /** The agent's reason: untrusted text, already length-capped; shown quoted, never interpreted. */
  readonly reason: string;
  readonly limits: ConsentLimits;
  readonly requestedDurationSeconds?: number;
  readonly requestedMaxRuns?: number;
  readonly insight?: CommandInsight;
  /** The run's network allowlist: the credentials' hosts and the hosts the request names. */
  readonly network?: readonly string[];
  /** Realpaths the command may write (the rest of the workspace is read-only when sealed). */
  readonly writes?: readonly string[];
  /** Whether runs under this grant are sealed, or why not and the fix. */
  readonly seal?: { readonly sealed: boolean; readonly text: string };
  /** Why the person is asked although an `allow` rule matched (hosts or write paths it does not cover). */
  readonly policyNote?: string;
  readonly createdAt: number;
  /** Unanswered by then → denied (`airlock.consent.timeoutSeconds`). */
  readonly deadline: number;
}

export type CommandMatch = 'exact' | 'prefix';

export type ConsentAnswer =
  | {
      readonly decision: 'approved';
      readonly durationSeconds: number;
      /** null: unlimited within the duration (only when limits.maxRuns is null). */
      readonly maxRuns: number | null;
      readonly commandMatch: CommandMatch;
    }
  | {
      readonly decision: 'denied';
      readonly reason: 'person' | 'timeout' | 'panel-closed' | 'client-blocked' | 'cancelled';
      /** "Deny and block this client for this session". */
      readonly blockClient: boolean;
    };

/**
 * Asks the person. Implemented by the consent panel (src/adapters/vscode/consentPanel.ts); in unit tests by
 * a fake. Resolves `denied`/`cancelled` when `signal` aborts; never rejects for an expected outcome.
 */
export interface Consent {
  ask(request: ConsentRequest, signal: AbortSignal): Promise<ConsentAnswer>;
}
