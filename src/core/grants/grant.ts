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
