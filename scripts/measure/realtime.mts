/**
 * The realtime client's figures: `node --expose-gc --import tsx scripts/measure/realtime.mts [--runs 5] [--seconds 15]`
 * (with --expose-gc, memory is sampled after a collection; without it the figures include garbage).
 *
 * - Time to first audio: a simulated LLM (a word every 30 ms, about 660 words) drives streamInput() against the local
 *   server (tone engine, mp3_44100_128, the default chunk-length schedule); from the call to the first audio byte read,
 *   against the time the text ends. Median, min and max of the runs.
 * - Memory with a slow reader: a long text handed over at once (about 2 hours of audio), the audio read a chunk every
 *   20 ms for `--seconds`; sampled every second: the audio received and not read, and the process's heap and
 *   ArrayBuffer memory. Once with `ws` (the socket pauses) and once with a browser-like WebSocket (no pause: the text
 *   waits). The local server runs in a child process, so that its own buffers are not counted.
 */
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { connectStreamInput, ElevenLabsClient } from "../../src/node/index.ts";
import { browserLikeWebSocket, llmText, runSimulatedLlm } from "./realtime.ts";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "5" }, seconds: { type: "string", default: "15" } },
});
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const ROOT = resolve(import.meta.dirname, "../..");
const median = (xs: number[]): number => {
  const s = xs.toSorted((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** The local server in a child process (the CLI's `mock` command); its URL. */
async function startServer(): Promise<{ url: string; stop(): void }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/node/cli.ts", "mock", "--port", "0", "--engine", "tone"],
    {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const url = await new Promise<string>((done, fail) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill();
      fail(new Error(`the local server did not start: ${out}`));
    }, 30_000);
    // Its banner goes to stderr: "Local ElevenLabs-compatible server on http://…".
    child.stderr.on("data", (data: Buffer) => {
      out += data.toString();
      const match = /on (http:\/\/[\d.:]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        done(match[1]!);
      }
    });
    child.on("exit", (code) => fail(new Error(`the local server exited (${code}): ${out}`)));
  });
  return { url, stop: () => child.kill() };
}

const server = await startServer();
const load = loadavg().map((l) => l.toFixed(2));
try {
  console.log(`Node ${process.versions.node}; load average ${load.join(" ")}; ${runs} runs`);
  const first: number[] = [];
  const ends: number[] = [];
  const text = llmText();
  for (let i = 0; i < runs; i++) {
    const run = await runSimulatedLlm(server.url, text, 30);
    first.push(run.firstAudioMs);
    ends.push(run.textEndMs);
    console.log(
      `  run ${i + 1}: first audio ${Math.round(run.firstAudioMs)} ms, text ended ${Math.round(run.textEndMs)} ms, ` +
        `audio ended ${Math.round(run.audioEndMs)} ms`,
    );
  }
  console.log(
    `time to first audio: median ${Math.round(median(first))} ms (min ${Math.round(Math.min(...first))}, ` +
      `max ${Math.round(Math.max(...first))}); the text ends at ${Math.round(median(ends))} ms (median)`,
  );

  for (const [label, webSocket] of [
    ["ws (pauses the socket)", undefined],
    ["browser-like WebSocket (no pause)", browserLikeWebSocket().WebSocket],
  ] as const) {
    global.gc?.();
    const client = new ElevenLabsClient({ apiKey: "sk_memory_measure_key_012", baseUrl: server.url });
    const session = await connectStreamInput(client, "JBFqnCBsd6RMkjVDRZzb", webSocket ? { webSocket } : {});
    const words = llmText(1400).split(/(?=\s)/);
    const writing = (async () => {
      for (const word of words) await session.send(word);
      await session.close();
    })().catch(() => undefined);
    const reader = session.audio().getReader();
    global.gc?.();
    const base = process.memoryUsage();
    let read = 0;
    let most = 0;
    const samples: string[] = [];
    const end = performance.now() + seconds * 1000;
    let next = performance.now() + 1000;
    while (performance.now() < end) {
      const chunk = await reader.read();
      if (chunk.done) break;
      read += chunk.value.length;
      most = Math.max(most, session.bufferedAudioBytes);
      if (performance.now() >= next) {
        next += 1000;
        global.gc?.();
        const m = process.memoryUsage();
        samples.push(`${mib(m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    session.abort();
    await reader.cancel().catch(() => undefined);
    await writing;
    console.log(
      `slow reader, ${label}: read ${mib(read)} in ${seconds} s; at most ${mib(most)} unread ` +
        `(bound 1 MiB); heap + ArrayBuffers over the start, each second: ${samples.join(", ")}`,
    );
  }
} finally {
  server.stop();
}
