/** A cancellable scheduled callback. */
export interface Timer {
  cancel(): void;
}

/**
 * Time, injected. Lease expiry, consent timeouts and countdowns read it, so unit tests drive time with a
 * fake instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once, `ms` from now. */
  schedule(ms: number, fn: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const handle = setTimeout(fn, Math.max(0, ms));
    // Never keep a process (the bridge, a test) alive just for a timer.
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  },
};
