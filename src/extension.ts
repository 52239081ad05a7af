import * as vscode from 'vscode';
import { compose } from './compose';
import type { AirlockTestApi } from './shared/testApi';

/** Composes, registers, and reports its own failure; nothing else. */
export async function activate(context: vscode.ExtensionContext): Promise<AirlockTestApi | undefined> {
  try {
    const api = await compose(context);
    return context.extensionMode === vscode.ExtensionMode.Test ? api : undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`Airlock failed to start: ${message}`);
    throw error;
  }
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions and disposed by VS Code.
}
