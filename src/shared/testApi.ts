import type { OnePasswordStore } from '../adapters/stores/onePasswordStore';
import type { SecretStorageStore } from '../adapters/stores/secretStorageStore';
import type { PromptTracker } from '../adapters/vscode/secretEntry';
import type { Log } from '../core/log';
import type { AnyToolDefinition } from '../core/mcp/toolDefinition';
import type { StoreRouter } from '../core/secrets/storeRouter';

/**
 * What `activate()` returns, and only when VS Code runs the extension in Test mode (integration tests
 * launched with `extensionTestsPath`). An installed extension returns undefined: nothing here is
 * reachable by an agent, another extension or a command in production.
 */
export interface AirlockTestApi {
  readonly log: Log;
  /** Stores section: the router, the SecretStorage store, 1Password, the open Airlock prompt, request_secret_entry. */
  stores?: AirlockStoresTestApi;
}

export interface AirlockStoresTestApi {
  readonly router: StoreRouter;
  readonly secretStorage: SecretStorageStore;
  readonly onePassword: OnePasswordStore;
  /** The quick input Airlock shows right now: tests fill it, then run `workbench.action.acceptSelectedQuickOpenItem`. */
  readonly prompts: PromptTracker;
  readonly secretEntryTool: AnyToolDefinition;
}
