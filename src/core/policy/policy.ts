import type { Say } from '../../shared/l10n';
import type { UsualHours } from '../views/usualHours';
import type { Credential } from '../credentials';
import type { SandboxMode } from '../sandbox/sealedRun';
import type { Pattern } from './pattern';
import type { Decision } from './schema';

/** `remote`: the user settings of a remote window, which an agent on the remote machine can write. */
export type RuleOrigin = 'user' | 'remote' | 'workspace' | 'folder';

/** One rule of `airlock.policy.rules`, compiled. */
export interface PolicyRule {
  /** Where it came from, for messages: e.g. `airlock.policy.rules[2] (workspace settings)`. */
  readonly label: string;
  readonly credentials: Pattern;
  readonly clients: Pattern;
  readonly command: Pattern;
  readonly cwd: Pattern;
  readonly decision: Decision;
  readonly maxDurationSeconds?: number;
  readonly maxRuns?: number;
  /**
   * `allow` rules only: what an allowed request may name beyond its credentials — hosts (isDomainName
   * shape) and write paths (absolute, or relative to the request's workspace folder). Anything else the
   * request names turns this rule's `allow` into `ask`. Absent: nothing (no extra host, no write).
   */
  readonly network?: readonly string[];
  readonly writes?: readonly string[];
}

/**
 * One settings layer's rules, evaluated first-match. Layers combine by taking the most restrictive
 * answer: the user layer answers `ask` when no rule matches; a workspace or folder layer answers `allow`
 * (neutral) when none matches, so it can only ever tighten.
 */
export interface RuleLayer {
  readonly origin: RuleOrigin;
  readonly rules: readonly PolicyRule[];
}

/** Limits after combining layers (workspace values only ever lowered them). */
export interface PolicyLimits {
  readonly defaultDurationSeconds: number;
  readonly maxDurationSeconds: number;
  /** User settings only: `allow` rules take effect only when this is on. */
  readonly allowWithoutConsent: boolean;
  readonly consentTimeoutSeconds: number;
  readonly agentWaitSeconds: number;
  readonly killOnExpiry: boolean;
  /** User (local) settings only: whether the consent card may offer a prefix grant at all. */
  readonly allowPrefix: boolean;
  readonly outputLimitKiB: number;
  readonly maxRunTimeoutSeconds: number;
  /** `airlock.run.sandbox` (a workspace can only have raised it to `required`). */
  readonly sandbox: SandboxMode;
}

/** Everything Airlock's settings say, parsed once, typed, with workspace values already constrained. */
export interface Policy {
  /** Whether workspace values were considered at all. */
  readonly trusted: boolean;
  readonly credentials: readonly Credential[];
  readonly ruleLayers: readonly RuleLayer[];
  readonly limits: PolicyLimits;
  readonly endpoint: { readonly enabled: boolean; readonly port: number };
  readonly onePassword: { readonly account: string | undefined; readonly timeoutSeconds: number };
  readonly audit: { readonly maxFileSizeMiB: number };
  /** What the Activity view's insights compare against (user settings only). */
  readonly insights: { readonly usualHours: UsualHours | undefined };
}

/** Something the person should know about their settings: an ignored or invalid value and the fix. */
export interface PolicyProblem {
  /** The full setting key, e.g. `airlock.policy.rules`. */
  readonly setting: string;
  /** English: what the audit records and the log says. */
  readonly message: string;
  /** The same message in the language asked for: the warning the person sees. */
  readonly say: Say;
}
