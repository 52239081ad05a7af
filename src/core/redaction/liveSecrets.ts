import { checkRedactable, createRedactor, type RedactionSecret, type Redactor } from './redactor';

/**
 * The secrets Airlock holds right now (grants in use). Every agent-visible surface — the log channel,
 * each MCP result, error messages — goes through `scrub`, so a value that slips into text is replaced.
 */
export class LiveSecrets {
  private readonly entries = new Set<readonly RedactionSecret[]>();
  private redactor: Redactor | undefined;

  /**
   * Registers secrets until the returned handle is disposed. Callers must have checked each secret with
   * checkRedactable (a short or disposed secret here is a bug and throws, without the value). Dispose
   * the handle before disposing the SecretValues.
   */
  add(secrets: readonly RedactionSecret[]): { dispose(): void } {
    for (const secret of secrets) {
      const checked = checkRedactable(secret);
      if (!checked.ok) throw new Error(`LiveSecrets.add: ${checked.message}`);
    }
    const entry = [...secrets];
    this.entries.add(entry);
    this.redactor = undefined;
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        this.entries.delete(entry);
        this.redactor = undefined;
      },
    };
  }

  /** How many secrets are registered (for status and tests; never their values). */
  get size(): number {
    let count = 0;
    for (const entry of this.entries) count += entry.length;
    return count;
  }

  /** The redactor over every live secret (rebuilt after a change). */
  current(): Redactor {
    if (this.redactor === undefined) {
      // A secret disposed while still registered has nothing left to reveal; skip it rather than fail
      // every log line. (Its grant ended; its process is gone.)
      const alive = [...this.entries].flat().filter((secret) => secret.value.alive);
      this.redactor = createRedactor(alive);
    }
    return this.redactor;
  }

  /** Replaces every form of every live secret in `text`. */
  readonly scrub = (text: string): string => (this.entries.size === 0 ? text : this.current().scrub(text));
}
