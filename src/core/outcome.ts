/**
 * Expected outcomes are values, not exceptions: denied, expired, not-found, locked are results with a
 * machine code and a human message. Throw only for bugs. No message ever contains a secret value.
 */
export type Outcome<T, C extends string = string> = Ok<T> | Failure<C>;

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Failure<C extends string = string> {
  readonly ok: false;
  readonly code: C;
  /** For a person and for an agent: what happened and what to do. Never a secret value. */
  readonly message: string;
}

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const fail = <C extends string>(code: C, message: string): Failure<C> => ({ ok: false, code, message });
