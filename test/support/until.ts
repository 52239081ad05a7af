/**
 * Polls `probe` until it gives a value (anything but `undefined` or `false`) and returns it. `probe` may
 * be async (a browser frame, a file). The deadline only catches a hang — it is generous on purpose: a
 * verdict about time belongs in a fake-clock unit test.
 */
export async function until<T>(what: string, probe: () => T | undefined | false | PromiseLike<T | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
