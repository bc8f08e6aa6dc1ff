// Waiting for something to become true in a test, without fixed sleeps: `check` runs until it
// returns a value (not undefined), or the time is up and the error says what never happened.

export interface EventuallyOptions {
  /** How long to keep trying (default 20 s). */
  timeoutMs?: number;
  /** Pause between attempts (default 200 ms). */
  intervalMs?: number;
  /** What is awaited, for the error message. */
  what?: string;
}

export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  options: EventuallyOptions | number = {},
): Promise<T> {
  const o = typeof options === 'number' ? { timeoutMs: options } : options;
  const timeoutMs = o.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${o.what ?? 'condition'} not met within ${timeoutMs} ms` +
          (lastError ? ` (last attempt: ${(lastError as Error).message})` : ''),
      );
    }
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 200));
  }
}
