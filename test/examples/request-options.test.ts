// examples/request-options.mts: per-request timeouts, retries, abort and headers, and the error class of each failure.
import { describe, expect, it } from "vitest";
import { exampleSetup, runExample } from "./run-example.ts";

const setup = exampleSetup("example-options-");

describe("examples/request-options.mts", () => {
  it("prints one outcome per option, each failure with its error class", async () => {
    const { stdout } = await runExample("request-options.mts", { baseUrl: setup.mock.url, dir: setup.dir });
    const lines = stdout.trim().split("\n");
    const ms = String.raw`\((\d+) ms\)`;
    const expected = [
      new RegExp(String.raw`^timeoutInSeconds 10, maxRetries 0 ${ms}: ok: \d{4,} bytes, request-id \w+$`),
      new RegExp(
        String.raw`^invalid outputFormat ${ms}: ValidationError, not sent: request\.outputFormat: must be one of .*; got "mp3_44100_999"$`,
      ),
      new RegExp(
        String.raw`^stalled body, idleTimeoutInSeconds 0\.5 ${ms}: ElevenLabsTimeoutError: gave up waiting for more audio: no body data for 500 ms$`,
      ),
      /^ {2}attempt 1: RateLimitError 429, retrying$/,
      /^ {2}attempt 2: RateLimitError 429, retrying$/,
      /^ {2}attempt 3: RateLimitError 429$/,
      new RegExp(String.raw`^429 every time, maxRetries 2 ${ms}: RateLimitError 429: 429 Too Many Requests: .*$`),
      /^ {2}(\d+) bytes had arrived$/,
      new RegExp(
        String.raw`^abortSignal after 300 ms ${ms}: ElevenLabsAbortError \(name "AbortError"\): the request was aborted by the caller$`,
      ),
    ];
    expect(lines, stdout).toHaveLength(expected.length);
    const matches = lines.map((line, i) => {
      expect(line).toMatch(expected[i]!);
      return expected[i]!.exec(line)!;
    });

    // Timings: the idle timeout fires after ~0.5 s, the retries wait the server's 100 ms twice, the abort at 300 ms.
    const elapsed = (i: number) => Number(matches[i]![1]);
    expect(elapsed(2)).toBeGreaterThanOrEqual(490);
    expect(elapsed(2)).toBeLessThan(3000);
    expect(elapsed(6)).toBeGreaterThanOrEqual(195);
    expect(elapsed(8)).toBeGreaterThanOrEqual(295);
    expect(elapsed(8)).toBeLessThan(3000);
    // Some audio had arrived before the abort, but far from all of it (the drip sends 256 bytes per 20 ms).
    const dripped = Number(matches[7]![1]);
    expect(dripped).toBeGreaterThan(0);
    expect(dripped).toBeLessThan(10_000);

    // What the server saw: nothing for the invalid call, one request per retry, the faults asked per request.
    expect(setup.mock.requests.map((r) => [r.fault ?? "none", r.status])).toEqual([
      ["none", 200],
      ["stall-after-headers", 200],
      ["429", 429],
      ["429", 429],
      ["429", 429],
      ["slow-drip", 200],
    ]);
    const [ok, stalled, , , , dripping] = setup.mock.requests;
    expect(ok!.finishedAt).toBeDefined();
    // The client hung up on the stalled and the aborted responses (the server saw the connection close).
    expect(stalled!.finishedAt! - stalled!.receivedAt).toBeLessThan(3000);
    expect(dripping!.finishedAt! - dripping!.receivedAt).toBeLessThan(3000);
  });
});
