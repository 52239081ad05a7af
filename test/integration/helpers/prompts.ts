import * as vscode from 'vscode';
import type { OpenPrompt } from '../../../src/adapters/vscode/secretEntry';
import type { AirlockStoresTestApi } from '../../../src/testFacet/api';
import { until } from '../../support/until';

/**
 * Waits until Airlock shows a prompt matching `predicate` (the real VS Code quick input). Airlock sets
 * `prompts.current` in the same tick as it calls `show()`, which VS Code sends to the workbench at once;
 * every later message (the value, the accept command) is sent after it on the same ordered channel, so
 * no render wait is needed. The deadline is only a hang guard.
 */
export function waitForPrompt(stores: AirlockStoresTestApi, predicate: (prompt: OpenPrompt) => boolean, what: string): Promise<OpenPrompt> {
  return until(`Airlock to show the prompt: ${what}`, () => {
    const current = stores.prompts.current;
    return current !== undefined && predicate(current) ? current : undefined;
  }, 30_000, 50);
}

/**
 * Resolves once the extension host has sent every quick-input property change made before the call.
 * VS Code's extension host batches them in a `setTimeout(…, 0)` (ExtHostQuickInput.update); Node runs
 * timers of the same duration in the order they were set, so this one runs after that dispatch. A command
 * executed afterwards reaches the workbench after the value, on the same ordered channel.
 */
export const afterQuickInputUpdates = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Types `value` into the open quick input (the pick filter, or the input box) and presses Enter. When the
 * accept command returns, the workbench has fired the accept and VS Code has delivered it to Airlock's
 * handler (it is sent before the command's reply), so the caller can check its effect at once.
 */
export async function answer(prompt: OpenPrompt, value: string): Promise<void> {
  prompt.setValue(value);
  await afterQuickInputUpdates();
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
}
