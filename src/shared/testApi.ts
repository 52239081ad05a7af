import type { Log } from '../core/log';

/**
 * What `activate()` returns, and only when VS Code runs the extension in Test mode (integration tests
 * launched with `extensionTestsPath`). An installed extension returns undefined: nothing here is
 * reachable by an agent, another extension or a command in production.
 */
export interface AirlockTestApi {
  readonly log: Log;
}
