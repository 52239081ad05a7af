import type * as vscode from 'vscode';

/**
 * An in-memory `vscode.SecretStorage` (the real interface, type-only: no vscode module at run time).
 * Throws on any use a test did not plan for, so a store that starts relying on more of the API fails loudly.
 */
export class FakeSecretStorage implements vscode.SecretStorage {
  readonly data = new Map<string, string>();
  readonly calls: string[] = [];
  /** When set, every call rejects with this error (an unavailable OS keychain). */
  failWith: Error | undefined;

  constructor(private readonly withKeys = true) {}

  get onDidChange(): vscode.Event<vscode.SecretStorageChangeEvent> {
    throw new Error('FakeSecretStorage: onDidChange is not expected here');
  }

  get(key: string): Thenable<string | undefined> {
    this.calls.push(`get ${key}`);
    return this.failWith ? Promise.reject(this.failWith) : Promise.resolve(this.data.get(key));
  }

  store(key: string, value: string): Thenable<void> {
    this.calls.push(`store ${key}`);
    if (this.failWith) return Promise.reject(this.failWith);
    this.data.set(key, value);
    return Promise.resolve();
  }

  delete(key: string): Thenable<void> {
    this.calls.push(`delete ${key}`);
    if (this.failWith) return Promise.reject(this.failWith);
    this.data.delete(key);
    return Promise.resolve();
  }

  /** Present in VS Code ≥ 1.94 hosts (not in the 1.101 typings Airlock builds against); optional by construction. */
  get keys(): (() => Thenable<string[]>) | undefined {
    if (!this.withKeys) return undefined;
    return () => {
      this.calls.push('keys');
      return Promise.resolve([...this.data.keys()]);
    };
  }
}
