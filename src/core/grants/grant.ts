import type { ClientId } from '../clients';
import type { CommandMatch } from '../consent/consent';

/** A time-bound, run-counted permission bound to credentials + command + cwd + client. Holds no value. */
export interface Grant {
  readonly id: string;
  readonly requestId: string;
  readonly client: ClientId;
  readonly credentials: readonly string[];
  readonly command: string;
  readonly commandMatch: CommandMatch;
  readonly cwd: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** null: unlimited within the duration. */
  readonly maxRuns: number | null;
  readonly runsUsed: number;
}

/** Runs left under a grant; null when unlimited within the duration. */
export const runsLeft = (grant: Grant): number | null => (grant.maxRuns === null ? null : Math.max(0, grant.maxRuns - grant.runsUsed));

/** What agents and the person see of a grant (list_grants, status bar): names and bindings, never values. */
export interface GrantSummary {
  readonly grantId: string;
  readonly client: ClientId;
  readonly credentials: readonly string[];
  readonly command: string;
  readonly commandMatch: CommandMatch;
  readonly cwd: string;
  /** ISO 8601. */
  readonly expiresAt: string;
  readonly runsLeft: number | null;
}

export const summariseGrant = (grant: Grant): GrantSummary => ({
  grantId: grant.id,
  client: grant.client,
  credentials: [...grant.credentials],
  command: grant.command,
  commandMatch: grant.commandMatch,
  cwd: grant.cwd,
  expiresAt: new Date(grant.expiresAt).toISOString(),
  runsLeft: runsLeft(grant),
});
