import type { SecretReference } from './secrets/reference';

/** A named thing an agent can ask for. Defined in settings (`airlock.credentials`); carries no value. */
export interface Credential {
  /** e.g. `DEPLOY_TOKEN`; what the agent names in requests. */
  readonly name: string;
  readonly description: string;
  /** The environment variable the child process sees; defaults to `name`. */
  readonly env: string;
  readonly source: SecretReference;
  /**
   * `workspace` when only workspace settings define it, `remote` when only the user settings of a remote
   * window do (an agent on that machine can write them): flagged in consent and never `allow`ed.
   */
  readonly origin: 'user' | 'remote' | 'workspace';
}
