import type * as vscode from 'vscode';
import type { StatusLine } from '../adapters/vscode/statusCommand';
import type { Clock } from '../core/clock';
import type { Log } from '../core/log';
import type { AnyToolDefinition } from '../core/mcp/toolDefinition';
import type { LiveSecrets } from '../core/redaction/liveSecrets';
import type { AirlockTestApi } from '../testFacet/api';

/** What every feature is built from: the extension context, the one log, the live scrubber, the clock. */
export interface Base {
  readonly context: vscode.ExtensionContext;
  readonly log: Log;
  readonly channel: vscode.LogOutputChannel;
  /**
   * Every secret Airlock holds right now — a run's credentials, the client bearer tokens, the 1Password
   * service-account token — and the scrubber over them, which the log, the audit and every MCP result pass.
   */
  readonly live: LiveSecrets;
  readonly clock: Clock;
  /** The test build running in VS Code's Test mode: only then does a feature build its test facet. */
  readonly testMode: boolean;
}

/**
 * What one feature contributes. compose/index.ts concatenates these once: every disposable into
 * `context.subscriptions`, the tools into what the endpoint serves, the status lines into Show Status and
 * the test facets (test build only) into what `activate()` returns in Test mode.
 */
export interface Contribution {
  readonly disposables: readonly vscode.Disposable[];
  readonly tools?: readonly AnyToolDefinition[];
  readonly status?: readonly StatusLine[];
  readonly testFacet?: Partial<AirlockTestApi> | undefined;
}
