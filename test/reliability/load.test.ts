// Load: 1,000 concurrent requests end cleanly with no leaked handles; 10,000 sequential requests keep memory flat.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { ElevenLabsClient, ElevenLabsError } from "../../src/index.ts";
import { startMockServer } from "../../src/mock/index.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const heapMiB = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};
const resources = () =>
  process
    .getActiveResourcesInfo()
    .filter((r) => r !== "TTYWrap")
    .sort();
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("load", () => {
  it("1,000 concurrent requests all succeed or fail cleanly, with no leaked handles", async () => {
    await settle(50);
    const baseline = resources();
    const mock = await startMockServer({ engine: "tone", recordLimit: 100 });
    const client = new ElevenLabsClient({ apiKey: "k", baseUrl: mock.url, timeoutInSeconds: 60 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 1000 }, (_, i) =>
        client.textToSpeech
          .convert(`voice-${i % 7}`, { text: `Request ${i}.`, outputFormat: "ulaw_8000" })
          .then((a) => a.bytes()),
      ),
    );
    const ok = outcomes.filter((o) => o.status === "fulfilled");
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    for (const f of failed) expect(f.reason).toBeInstanceOf(ElevenLabsError); // clean: our classes only
    expect(ok.length + failed.length).toBe(1000);
    expect(ok.length).toBeGreaterThanOrEqual(990);
    for (const o of ok) expect((o as PromiseFulfilledResult<Uint8Array>).value.byteLength).toBeGreaterThan(2000);
    await mock.close();
    // Back to baseline: no type of handle (sockets, servers, timers) outnumbers what there was before.
    const leaked = () => {
      const count = (list: string[]) =>
        list.reduce<Record<string, number>>((m, r) => ((m[r] = (m[r] ?? 0) + 1), m), {});
      const [then, now] = [count(baseline), count(resources())];
      return Object.entries(now).filter(([type, n]) => n > (then[type] ?? 0));
    };
    for (let i = 0; i < 60 && leaked().length > 0; i++) await settle(100);
    expect(leaked()).toEqual([]);
  }, 120_000);

  it("10,000 sequential requests: client and server memory stay flat (within 10 MiB)", async () => {
    const mock = await startMockServer({ engine: "tone", recordLimit: 100 });
    const client = new ElevenLabsClient({ apiKey: "k", baseUrl: mock.url });
    const one = async (i: number) =>
      (await client.textToSpeech.convert("v", { text: `Hi ${i % 10}`, outputFormat: "pcm_8000" })).bytes();
    for (let i = 0; i < 1000; i++) await one(i); // warm up: JIT, pools, caches
    const before = heapMiB();
    const samples: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      await one(i);
      if (i % 2500 === 2499) samples.push(heapMiB());
    }
    const after = heapMiB();
    console.log(
      `heap after warm-up ${before.toFixed(1)} MiB; every 2,500 requests: ${samples.map((s) => s.toFixed(1)).join(", ")} MiB; growth ${(after - before).toFixed(2)} MiB`,
    );
    expect(after - before).toBeLessThan(10);
    expect(mock.requests.length).toBe(100);
    await mock.close();
  }, 170_000);
});
