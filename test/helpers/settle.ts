/** Await a promise with a deadline, so that a test of something that used to hang fails instead of hanging. */

export interface Settled<T> {
  value?: T;
  error?: unknown;
  /** Whether the promise rejected. */
  rejected: boolean;
  /** Milliseconds until it settled. */
  ms: number;
}

/**
 * Settle `promise` within `ms`: its value or its error, and how long it took. Throws an Error naming `what` when it
 * is still pending after `ms` (the promise is left running; the caller cleans up its server or signal).
 */
export async function settle<T>(promise: Promise<T>, ms: number, what = "the call"): Promise<Settled<T>> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} was still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (value): Settled<T> => ({ value, rejected: false, ms: Date.now() - started }),
        (error: unknown): Settled<T> => ({ error, rejected: true, ms: Date.now() - started }),
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Poll `check` every 20 ms until it is true or `ms` pass; returns whether it became true. */
export async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}
