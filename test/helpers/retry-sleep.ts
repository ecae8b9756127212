/**
 * Injected time for retry tests: the transport's wait between attempts (`sleep` in src/core/retry.ts) is recorded
 * and skipped, so a test asserts the exact wait the client chose instead of sleeping it. In a test file:
 *
 *   vi.mock("../../src/core/retry.ts", async (original) =>
 *     (await import("../helpers/retry-sleep.ts")).recordRetrySleeps(await original()),
 *   );
 *
 * then read `retryWaits.since(mark)`. `retryWaits.real = true` makes the waits real again, for the tests where the
 * elapsed time itself is what is proved.
 */
import type * as Retry from "../../src/core/retry.ts";

export const retryWaits = {
  /** Every wait asked for, in milliseconds, oldest first. */
  all: [] as number[],
  /** Sleep for real (still recording) instead of resolving at once. */
  real: false,
  /** A mark for `since`. */
  mark(): number {
    return this.all.length;
  },
  /** The waits asked for since `mark`. */
  since(mark: number): number[] {
    return this.all.slice(mark);
  },
};

/** The retry module with `sleep` recording its wait and resolving at once (still rejecting on abort). */
export function recordRetrySleeps(original: typeof Retry): typeof Retry {
  return {
    ...original,
    sleep: (ms, signal) => {
      retryWaits.all.push(ms);
      return original.sleep(retryWaits.real ? ms : 0, signal);
    },
  };
}
