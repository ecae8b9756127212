/**
 * One measurement in its own process: `node worker.mjs '<json task>'` loads ONE client, runs one task against the
 * bench server and prints one JSON line. Compiled by index.ts with esbuild and run with plain node (no tsx loader in
 * the measured process). Every task is bounded in requests, and the process exits by itself after `deadlineMs`.
 */
import { Agent, request, type IncomingMessage } from "node:http";
import { pathToFileURL } from "node:url";
import { loadKey, type Load } from "./load.ts";

/**
 * The contenders: this client on its Node entry's default transport (node:http) and with `transport: "fetch"` (the
 * path browsers and injected fetches take), the official SDK, bare fetch (the floor every ratio is taken against), and
 * two references. "fetch-guarded" is bare fetch plus the least any client must add to keep the transport's guarantees
 * (an abort signal, a headers timer, manual redirects, one stream layer over the body for the idle timeout and error
 * mapping). "node-http" is node:http on a keep-alive agent with the body handed over as one pull-based web stream: the
 * floor of the node:http transport.
 */
export type ClientName =
  "elevenlabs-fetch" | "elevenlabs-fetch/fetch" | "official-sdk" | "fetch" | "fetch-guarded" | "node-http";

export type Task =
  /** Each load in turn, then the time to first chunk: one process per contender and run. */
  | { kind: "suite"; loads: Load[]; ttfb: { requests: number; warmup: number } }
  | { kind: "rss"; bytes: number }
  /** Only `requests` requests of 64 KiB, one at a time: run under callgrind, which counts the instructions. */
  | { kind: "count"; requests: number };

export interface WorkerInput {
  client: ClientName;
  baseUrl: string;
  /** This client's built Node entry (dist/src/node/index.js, or a snapshot of it). */
  entry: string;
  task: Task;
  deadlineMs: number;
}

export type WorkerOutput = { ok: true; [metric: string]: unknown } | { ok: false; error: string };

const API_KEY = "bench-key";
const TEXT = "The first move is what sets everything in motion.";
const MODEL = "eleven_multilingual_v2";

/** Start one synthesis; resolves with the audio stream once the response headers are in. */
type Convert = (voiceId: string) => Promise<ReadableStream<Uint8Array>>;

interface SdkModule {
  ElevenLabsClient: new (options: { apiKey: string; baseUrl: string }) => {
    textToSpeech: {
      convert(voiceId: string, request: { text: string; modelId: string }): Promise<ReadableStream<Uint8Array>>;
    };
  };
}

/** A paused node:http response as one pull-based web stream: nothing is read from the socket until asked for. */
function pullStream(res: IncomingMessage): ReadableStream<Uint8Array> {
  let ended = false;
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const poke = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  res.on("readable", poke);
  res.on("end", () => ((ended = true), poke()));
  res.on("error", (error) => ((failed = error), poke()));
  return new ReadableStream<Uint8Array>(
    {
      async pull(out) {
        for (;;) {
          const chunk = res.read() as Buffer | null;
          if (chunk) return out.enqueue(chunk);
          if (failed) throw failed;
          if (ended) return out.close();
          await new Promise<void>((resolve) => (wake = resolve));
        }
      },
      cancel: () => void res.destroy(),
    },
    { highWaterMark: 0 },
  );
}

async function load(client: ClientName, baseUrl: string, entry: string): Promise<Convert> {
  if (client === "elevenlabs-fetch" || client === "elevenlabs-fetch/fetch") {
    // The built package, as `import "elevenlabs-fetch"` resolves under Node (package.json exports, "node").
    const url = pathToFileURL(entry).href;
    const { ElevenLabsClient } = (await import(url)) as typeof import("../../src/node/index.ts");
    const transport = client === "elevenlabs-fetch" ? "node" : "fetch";
    const c = new ElevenLabsClient({ apiKey: API_KEY, baseUrl, transport });
    return (voiceId) => c.textToSpeech.convert(voiceId, { text: TEXT, modelId: MODEL });
  }
  if (client === "node-http") {
    const agent = new Agent({ keepAlive: true });
    const { hostname, port } = new URL(baseUrl);
    const body = JSON.stringify({ text: TEXT, model_id: MODEL });
    const headers = {
      "xi-api-key": API_KEY,
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body)),
    };
    return (voiceId) =>
      new Promise((resolve, reject) => {
        const path = `/v1/text-to-speech/${voiceId}?output_format=mp3_44100_128`;
        const req = request({ host: hostname, port, method: "POST", path, agent, headers }, (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`HTTP ${res.statusCode}`));
          } else resolve(pullStream(res));
        });
        req.on("error", reject);
        req.end(body);
      });
  }
  if (client === "official-sdk") {
    const { ElevenLabsClient } = (await import("@elevenlabs/elevenlabs-js")) as unknown as SdkModule;
    const c = new ElevenLabsClient({ apiKey: API_KEY, baseUrl });
    return (voiceId) => c.textToSpeech.convert(voiceId, { text: TEXT, modelId: MODEL });
  }
  // The floor: the same wire request by hand (the guarded variant adds only what the transport's guarantees need, see ClientName).
  const send = async (voiceId: string, init: RequestInit = {}): Promise<ReadableStream<Uint8Array>> => {
    const response = await fetch(`${baseUrl}/v1/text-to-speech/${voiceId}?output_format=mp3_44100_128`, {
      method: "POST",
      headers: { "xi-api-key": API_KEY, "content-type": "application/json" },
      body: JSON.stringify({ text: TEXT, model_id: MODEL }),
      ...init,
    });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    return response.body;
  };
  if (client === "fetch") return send;
  return async (voiceId) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 60_000);
    const body = await send(voiceId, { signal: controller.signal, redirect: "manual" }).finally(() =>
      clearTimeout(timer),
    );
    const reader = body.getReader();
    return new ReadableStream<Uint8Array>(
      {
        async pull(out) {
          const { done, value } = await reader.read();
          if (done) out.close();
          else out.enqueue(value);
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    );
  };
}

/** Read a stream to the end, keeping nothing; returns the byte count. */
async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stream.getReader();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return total;
    total += value.byteLength;
  }
}

async function fetchAll(convert: Convert, voiceId: string, expected: number): Promise<void> {
  const got = await drain(await convert(voiceId));
  if (got !== expected) throw new Error(`read ${got} bytes, expected ${expected}`);
}

/** CPU time since `since`, per request: user, system (kernel: syscalls, loopback TCP) and their sum, in µs. */
const cpuPerRequest = (since: NodeJS.CpuUsage, requests: number) => {
  const { user, system } = process.cpuUsage(since);
  return {
    cpuMicrosPerRequest: (user + system) / requests,
    userMicrosPerRequest: user / requests,
    systemMicrosPerRequest: system / requests,
  };
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** One load: CPU per request (user + system) and requests per second, measured over the same requests. */
async function measureLoad(convert: Convert, { bytes, concurrency, requests, warmup }: Load) {
  const voice = `bytes-${bytes}`;
  const batch = async (count: number): Promise<void> => {
    let next = 0;
    const loop = async (): Promise<void> => {
      while (next++ < count) await fetchAll(convert, voice, bytes);
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
  };
  await batch(warmup);
  const cpu = process.cpuUsage();
  const wall = performance.now();
  await batch(requests);
  const seconds = (performance.now() - wall) / 1000;
  return { requestsPerSecond: requests / seconds, ...cpuPerRequest(cpu, requests) };
}

async function timeToFirstChunk(convert: Convert, { requests, warmup }: { requests: number; warmup: number }) {
  const once = async (): Promise<number> => {
    const started = performance.now();
    const reader = (await convert("ttfb")).getReader();
    const { value } = await reader.read();
    const ms = performance.now() - started;
    if (!value?.byteLength) throw new Error("no first chunk");
    await reader.cancel();
    return ms;
  };
  for (let i = 0; i < warmup; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < requests; i++) times.push(await once());
  return { firstChunkMs: median(times), firstChunkMinMs: Math.min(...times) };
}

async function run(input: WorkerInput): Promise<WorkerOutput> {
  const { task } = input;
  const convert = await load(input.client, input.baseUrl, input.entry);
  switch (task.kind) {
    case "suite": {
      const out: WorkerOutput = { ok: true };
      for (const one of task.loads) {
        const { requestsPerSecond, cpuMicrosPerRequest } = await measureLoad(convert, one);
        out[loadKey("cpu", one)] = cpuMicrosPerRequest;
        out[loadKey("rps", one)] = requestsPerSecond;
      }
      return { ...out, ...(await timeToFirstChunk(convert, task.ttfb)) };
    }
    case "count": {
      for (let i = 0; i < task.requests; i++) await fetchAll(convert, "bytes-65536", 65536);
      return { ok: true };
    }
    case "rss": {
      await fetchAll(convert, "bytes-65536", 65536);
      const before = process.resourceUsage().maxRSS;
      const wall = performance.now();
      await fetchAll(convert, `bytes-${task.bytes}`, task.bytes);
      const seconds = (performance.now() - wall) / 1000;
      const peak = process.resourceUsage().maxRSS;
      return {
        ok: true,
        peakRssMiB: peak / 1024,
        growthMiB: (peak - before) / 1024,
        mibPerSecond: task.bytes / 2 ** 20 / seconds,
      };
    }
  }
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? "{}") as WorkerInput;
  setTimeout(() => {
    process.stdout.write(`${JSON.stringify({ ok: false, error: `deadline of ${input.deadlineMs} ms passed` })}\n`);
    process.exit(2);
  }, input.deadlineMs).unref();
  let output: WorkerOutput;
  try {
    output = await run(input);
  } catch (error) {
    output = { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
  process.stdout.write(`${JSON.stringify(output)}\n`);
  // Open keep-alive sockets must not keep the process alive.
  process.exit(0);
}

await main();
