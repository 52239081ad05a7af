import { z } from 'zod';
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

/** GrantSummary as the MCP tools declare it (list_grants, request_access, await_access). */
export const grantSummarySchema = z.object({
  grantId: z.string().describe('Pass this to run (or revoke).'),
  client: z.string(),
  credentials: z.array(z.string()).readonly(),
  command: z.string().describe('The command this grant runs.'),
  commandMatch: z.enum(['exact', 'prefix']).describe('exact: only this string; prefix: this command plus plain arguments.'),
  cwd: z.string(),
  expiresAt: z.string().describe('ISO 8601.'),
  runsLeft: z.number().nullable().describe('null: unlimited until it expires.'),
});

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
