// Values live in a module-private WeakMap, not on the object, so no enumeration, spread, JSON, inspect
// or structured clone of a SecretValue can reach them.
const values = new WeakMap<SecretValue, string>();
const REDACTED = '[redacted]';

/**
 * A secret, as a type. It prints itself as `[redacted]` everywhere (`String()`, template literals,
 * `JSON.stringify`, `util.inspect`, console). The raw value is read only through {@link revealSecret}.
 */
export class SecretValue {
  constructor(value: string) {
    values.set(this, value);
    Object.freeze(this);
  }

  /** Whether the value is still held (false after {@link SecretValue.dispose}). */
  get alive(): boolean {
    return values.has(this);
  }

  /** Length in UTF-16 code units; safe to show. */
  get length(): number {
    return values.get(this)?.length ?? 0;
  }

  /** Drops the reference to the value; later reveals throw. Called when a grant ends. */
  dispose(): void {
    values.delete(this);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}

/**
 * Why a raw value is read. A unit test (test/unit/core/redaction/revealPin.test.ts) pins the readers to
 * their files: a grant's secrets are read by the spawns (`spawn`, plain and sealed), the redactor's
 * pattern compiler (`redactor`) and the sealed runner handing a host-bound value to the sandbox engine's
 * in-memory substitution map (`sandbox-inject`); Airlock's own credentials (`own-credential`) by the one
 * adapter that must hand each to its API (a client token to SecretStorage, the bridge's token file and
 * VS Code's MCP header; the service-account token to the 1Password SDK); and a value read from a file (a
 * `.env` import, a plaintext secret found in the workspace) when it is moved into SecretStorage (`store`).
 */
export type RevealPurpose = 'spawn' | 'redactor' | 'sandbox-inject' | 'own-credential' | 'store';

/**
 * Returns the raw value. Call sites: the process spawns (src/adapters/node/spawnWithSecrets.ts,
 * spawnSealed.ts), the redactor's pattern compiler (src/core/redaction), and for Airlock's own
 * credentials clientTokens.ts and onePasswordStore.ts, and the SecretStorage write
 * (src/adapters/stores/secretStorageStore.ts). Throws if the secret was disposed.
 */
export function revealSecret(secret: SecretValue, _purpose: RevealPurpose): string {
  const value = values.get(secret);
  if (value === undefined) {
    throw new Error('SecretValue was disposed: its grant has ended.');
  }
  return value;
}

/**
 * Whether two secrets hold the same value, compared in time independent of where they differ. Reveals
 * nothing but the answer: used to check a value reads back from a store exactly as it was written.
 */
export function sameSecret(a: SecretValue, b: SecretValue): boolean {
  const left = values.get(a);
  const right = values.get(b);
  if (left === undefined || right === undefined || left.length !== right.length) return false;
  let difference = 0;
  for (let i = 0; i < left.length; i++) difference |= left.charCodeAt(i) ^ right.charCodeAt(i);
  return difference === 0;
}

/**
 * Whether `text` still holds the secret, or any line of it at least `minimumFragment` long (a value that
 * spans lines could be cut but not removed). Answers only yes or no: proves a rewrite left no value behind.
 */
export function secretAppearsIn(secret: SecretValue, text: string, minimumFragment = 6): boolean {
  const value = values.get(secret);
  if (value === undefined || value === '') return false;
  if (text.includes(value)) return true;
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .some((line) => line.length >= minimumFragment && text.includes(line));
}

