// Only network failures are ConnectionErrors (and retried). A bug in a custom fetch, a RangeError, a TypeError that
// is not fetch's network error: an ElevenLabsError that keeps the original as `cause`, thrown at once.
import { describe, expect, it, vi } from "vitest";
import { ConnectionError, ElevenLabsClient, ElevenLabsError } from "../../src/index.ts";
import { settle } from "../helpers/settle.ts";

// Retries wait no real time here (what is counted is the attempts); test/client/retry.test.ts covers the waits.
vi.mock("../../src/core/retry.ts", async (original) =>
  (await import("../helpers/retry-sleep.ts")).recordRetrySleeps(await original()),
);

/** A client whose fetch always throws `error()`, counting its calls. */
function throwing(error: () => unknown, maxRetries: number) {
  let calls = 0;
  const client = new ElevenLabsClient({
    apiKey: "k",
    baseUrl: "http://127.0.0.1:9",
    maxRetries,
    fetch: () => {
      calls++;
      return Promise.reject(error());
    },
  });
  return { client, calls: () => calls };
}

const convert = (client: ElevenLabsClient) =>
  settle(client.textToSpeech.convert("voice", { text: "Hello" }), 10_000, "convert");

describe("what counts as a connection failure", () => {
  it.each<[string, () => Error]>([
    ["an Error from a buggy fetch", () => new Error("bug in my fetch")],
    ["a RangeError", () => new RangeError("offset out of range")],
    ["a TypeError that is not a network error", () => new TypeError("x is not a function")],
  ])("%s: an ElevenLabsError (not ConnectionError) with the cause, not retried", async (_name, make) => {
    let thrown: unknown;
    const { client, calls } = throwing(() => (thrown = make()), 2);
    const result = await convert(client);
    expect(result.rejected).toBe(true);
    expect(result.error).toBeInstanceOf(ElevenLabsError);
    expect(result.error).not.toBeInstanceOf(ConnectionError);
    expect((result.error as Error).cause).toBe(thrown);
    expect(calls()).toBe(1);
  });

  it("Node's fetch failure (TypeError 'fetch failed' with an ECONNREFUSED cause) is a ConnectionError, retried", async () => {
    const { client, calls } = throwing(
      () =>
        new TypeError("fetch failed", {
          cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
        }),
      1,
    );
    const result = await convert(client);
    expect(result.error).toBeInstanceOf(ConnectionError);
    expect((result.error as Error).message).toContain("ECONNREFUSED");
    expect(calls()).toBe(2);
  });

  it("a browser's network failure (TypeError 'Failed to fetch') is a ConnectionError, retried", async () => {
    const { client, calls } = throwing(() => new TypeError("Failed to fetch"), 1);
    const result = await convert(client);
    expect(result.error).toBeInstanceOf(ConnectionError);
    expect(calls()).toBe(2);
  });

  it("a real refused connection is still a ConnectionError, retried", async () => {
    let calls = 0;
    const client = new ElevenLabsClient({
      apiKey: "k",
      baseUrl: "http://127.0.0.1:9",
      maxRetries: 1,
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    const result = await convert(client);
    expect(result.error).toBeInstanceOf(ConnectionError);
    expect(calls).toBe(2);
  });
});
