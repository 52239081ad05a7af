// What VS Code loads at activation: this file only (dist/extension.js, a few KiB). The features — settings,
// zod, stores, grants, the endpoint, every command's body — are in dist/features.js, required just after
// activation has returned (as dist/mcp-endpoint.js is when the endpoint starts), so VS Code's startup never
// waits on them. A command run before then waits for them and runs as usual.
import * as vscode from 'vscode';
import { registerMcpProvider } from './adapters/vscode/mcpProvider';
import type { Composed } from './compose';
import { Commands } from './shared/ids';
import type { AirlockTestApi } from './testFacet/api';

/** Requires dist/features.js (compose/index.ts), beside this file; esbuild keeps the path external. */
function loadFeatures(): typeof import('./compose') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./features.js') as typeof import('./compose');
}

/**
 * One stub per contributed command until the features are composed: it waits for them, then runs the real
 * command (registered in the same tick as the stubs are dropped).
 */
function registerCommandStubs(composed: Promise<unknown>): vscode.Disposable {
  return vscode.Disposable.from(
    ...Object.values(Commands).map((id) =>
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        await composed;
        return vscode.commands.executeCommand(id, ...args);
      }),
    ),
  );
}

/** Registers the stubs and the MCP provider, composes (now in the test build's Test mode, else just after), reports its own failure. */
export async function activate(context: vscode.ExtensionContext): Promise<AirlockTestApi | undefined> {
  let settle: { resolve(composed: Composed): void; reject(error: unknown): void } | undefined;
  const composed = new Promise<Composed>((resolve, reject) => (settle = { resolve, reject }));
  composed.catch(() => undefined); // reported below; stubs and the provider see the rejection themselves
  const stubs = registerCommandStubs(composed);
  const version = String(context.extension.packageJSON?.version ?? 'dev');
  context.subscriptions.push(stubs, registerMcpProvider(composed.then((c) => c.mcp), version));

  const composeNow = (): Composed => {
    try {
      stubs.dispose();
      const result = loadFeatures().compose(context);
      settle?.resolve(result);
      return result;
    } catch (error) {
      settle?.reject(error);
      const message = error instanceof Error ? error.message : String(error);
      void vscode.window.showErrorMessage(vscode.l10n.t('Airlock failed to start: {0}', message));
      throw error;
    }
  };
  // The integration tests need the test facet from activate(): compose before returning.
  if (AIRLOCK_TEST_FACET && context.extensionMode === vscode.ExtensionMode.Test) return composeNow().testFacet;
  const timer = setTimeout(() => {
    try {
      composeNow();
    } catch {
      // shown to the person by composeNow
    }
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  return undefined;
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions and disposed by VS Code.
}
