#!/usr/bin/env node
/** The `elevenlabs-fetch` command: `speak` text to a file, or run the local `mock` server. */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ElevenLabsClient } from "../client.js";
import {
  AuthenticationError,
  ConnectionError,
  ElevenLabsError,
  ElevenLabsTimeoutError,
  UnprocessableEntityError,
  ValidationError,
} from "../core/errors.js";
import { checkOutputFormat } from "../text-to-speech.js";
import { DEFAULT_OUTPUT_FORMAT } from "../defaults.js";
import { play } from "./play.js";
import { extensionFor, speak } from "./speak.js";

export const EXIT = { ok: 0, unexpected: 1, usage: 2, api: 3, network: 4 } as const;

export const DEFAULT_VOICE = "JBFqnCBsd6RMkjVDRZzb";

const HELP = `elevenlabs-fetch: ElevenLabs text to speech from the command line

Usage:
  elevenlabs-fetch speak [TEXT | -] [options]    synthesise TEXT (or stdin with -) to a file
  elevenlabs-fetch mock [options]                run the local ElevenLabs-compatible server

speak options:
  -o, --out FILE       where to write the audio (default: speech.<ext> for the format; - for stdout)
      --voice ID       voice id (default ${DEFAULT_VOICE})
      --model ID       model id (default eleven_multilingual_v2)
      --format FORMAT  output format, e.g. mp3_44100_128, pcm_16000, opus_48000_64 (default ${DEFAULT_OUTPUT_FORMAT})
      --seed N         seed for (best-effort) deterministic output
      --play           play the audio afterwards (needs mpv or ffplay)
      --json           print the result as JSON on stdout
      --base-url URL   API address (default ELEVENLABS_BASE_URL or https://api.elevenlabs.io)

mock options:
      --port N         port (default 8787; 0 picks a free one)
      --host ADDR      address (default 127.0.0.1)
      --api-key KEY    accept only this key (repeatable; default: any non-empty key)
      --fault SPEC     inject this fault into the next request (repeatable; e.g. 429, 502, reset-mid-body)
      --engine NAME    auto (speech when installed, else a tone) or tone

The API key comes from ELEVENLABS_API_KEY.

Exit codes: 0 done, 2 usage error, 3 the API refused the request, 4 network error or timeout, 1 anything else.

Examples:
  export ELEVENLABS_API_KEY=sk_...
  elevenlabs-fetch speak "The first move is what sets everything in motion."
  echo "Hello from stdin" | elevenlabs-fetch speak - -o hello.mp3 --play
  elevenlabs-fetch speak "Phone call audio" --format ulaw_8000 -o call.ulaw --json

  # offline: the local server in one terminal, the client in another
  elevenlabs-fetch mock --port 8787
  ELEVENLABS_API_KEY=any elevenlabs-fetch speak "Hi" --base-url http://127.0.0.1:8787
  curl -s -X POST http://127.0.0.1:8787/v1/text-to-speech/${DEFAULT_VOICE} \\
    -H "xi-api-key: any" -H "content-type: application/json" -d '{"text":"Hi"}' -o hi.mp3
`;

export class UsageError extends Error {}

interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part as Uint8Array));
  return Buffer.concat(parts).toString("utf8");
}

const bar = (done: number, total: number) => `[${"#".repeat(Math.round((20 * done) / total)).padEnd(20, ".")}]`;
const kb = (n: number) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(2)} MiB`);

/** A person-readable explanation of an error, and the exit code that goes with it. */
export function explain(error: unknown, baseUrl?: string): { message: string; code: number } {
  if (error instanceof UsageError)
    return { message: `${error.message}\nSee: elevenlabs-fetch --help`, code: EXIT.usage };
  if (error instanceof ValidationError) {
    if (error.field === "apiKey" && /no API key/.test(error.message)) {
      return {
        message:
          "No API key. Set it in the environment:\n" +
          "  export ELEVENLABS_API_KEY=sk_...   (create one at https://elevenlabs.io/app/settings/api-keys)\n" +
          "To try it offline, run the local server with `elevenlabs-fetch mock` and pass\n" +
          "  --base-url http://127.0.0.1:8787 with any key (ELEVENLABS_API_KEY=any).",
        code: EXIT.usage,
      };
    }
    return { message: `Invalid ${error.field}: ${error.message.slice(error.field.length + 2)}`, code: EXIT.usage };
  }
  if (error instanceof UnprocessableEntityError) {
    const lines = error.detail.map((d) => `  ${d.loc.join(".")}: ${d.msg}`);
    return {
      message: `The API rejected the request (422):\n${lines.join("\n") || `  ${error.message}`}`,
      code: EXIT.api,
    };
  }
  if (error instanceof AuthenticationError) {
    return {
      message: `The API refused the key (${error.statusCode}): ${error.message}\nCheck ELEVENLABS_API_KEY.`,
      code: EXIT.api,
    };
  }
  if (error instanceof ElevenLabsTimeoutError) {
    return { message: `Timed out talking to ${baseUrl ?? "the API"}: ${error.message}`, code: EXIT.network };
  }
  if (error instanceof ConnectionError) {
    return { message: `Could not reach ${baseUrl ?? "the API"}: ${error.message}`, code: EXIT.network };
  }
  if (error instanceof ElevenLabsError) {
    const rid = error.requestId ? ` Request id: ${error.requestId}.` : "";
    return { message: `The API answered with an error: ${error.message}.${rid}`, code: EXIT.api };
  }
  return {
    message: `Unexpected error: ${error instanceof Error ? error.stack : String(error)}`,
    code: EXIT.unexpected,
  };
}

async function speakCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: "string", short: "o" },
      voice: { type: "string" },
      model: { type: "string" },
      format: { type: "string" },
      seed: { type: "string" },
      play: { type: "boolean" },
      json: { type: "boolean" },
      "base-url": { type: "string" },
    },
  });
  if (positionals.length > 1) throw new UsageError("speak takes one TEXT argument (quote it), or - for stdin");
  const source = positionals[0];
  if (source === undefined) throw new UsageError("speak needs TEXT, or - to read it from stdin");
  const text = source === "-" ? await readAll(io.stdin) : source;
  const format = checkOutputFormat(values.format ?? DEFAULT_OUTPUT_FORMAT);
  let seed: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!/^\d+$/.test(values.seed)) throw new UsageError(`--seed must be a whole number, got ${values.seed}`);
  }
  const client = new ElevenLabsClient(values["base-url"] ? { baseUrl: values["base-url"] } : {});
  const out = values.out ?? `speech.${extensionFor(format)}`;
  const showProgress = io.stderr.isTTY === true && !values.json;
  let [lastDrawn, lastKey] = [-Infinity, ""];
  try {
    const result = await speak(client, {
      text,
      voiceId: values.voice ?? DEFAULT_VOICE,
      ...(values.model ? { modelId: values.model } : {}),
      outputFormat: format,
      ...(seed !== undefined ? { seed } : {}),
      out,
      ...(showProgress
        ? {
            onProgress: (bytes: number, ms: number, chunks?: { done: number; total: number }) => {
              // At most ten updates a second, and each chunk change.
              const key = `${chunks?.done ?? 0}`;
              if (ms - lastDrawn < 100 && key === lastKey) return;
              [lastDrawn, lastKey] = [ms, key];
              const step = chunks
                ? `${bar(chunks.done, chunks.total)} chunk ${Math.min(chunks.done + 1, chunks.total)}/${chunks.total} · `
                : "";
              io.stderr.write(`\r${step}${kb(bytes)} received · ${(ms / 1000).toFixed(1)} s`);
            },
          }
        : {}),
    });
    if (showProgress) io.stderr.write("\n");
    if (values.json) io.stdout.write(`${JSON.stringify(result)}\n`);
    else if (out !== "-") {
      io.stdout.write(
        `Wrote ${result.file}: ${result.bytes} bytes, ${result.durationSeconds.toFixed(2)} s of ${result.format}` +
          `${result.requestId ? `, request id ${result.requestId}` : ""}` +
          `${result.chunks > 1 ? ` (${result.chunks} requests stitched)` : ""}\n`,
      );
    }
    if (values.play && out !== "-") {
      const { readFile } = await import("node:fs/promises");
      await play(await readFile(result.file));
    }
    return EXIT.ok;
  } catch (error) {
    if (showProgress) io.stderr.write("\n");
    const { message, code } = explain(error, client.baseUrl);
    io.stderr.write(`${message}\n`);
    return code;
  }
}

async function mockCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string", default: "8787" },
      host: { type: "string", default: "127.0.0.1" },
      "api-key": { type: "string", multiple: true },
      fault: { type: "string", multiple: true },
      engine: { type: "string" },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0–65535, got ${values.port}`);
  if (values.engine && values.engine !== "auto" && values.engine !== "tone") {
    throw new UsageError(`--engine must be auto or tone, got ${values.engine}`);
  }
  const { startMockServer } = await import("../mock/index.js");
  const server = await startMockServer({
    port,
    host: values.host,
    ...(values["api-key"] ? { apiKeys: values["api-key"] } : {}),
    ...(values.fault ? { faults: values.fault } : {}),
    ...(values.engine ? { engine: values.engine as "auto" | "tone" } : {}),
  });
  io.stderr.write(
    `Local ElevenLabs-compatible server on ${server.url}\n` +
      `  try: curl -s -X POST ${server.url}/v1/text-to-speech/${DEFAULT_VOICE} -H "xi-api-key: any" ` +
      `-H "content-type: application/json" -d '{"text":"Hello"}' -o hello.mp3\n` +
      `  or:  ELEVENLABS_API_KEY=any ELEVENLABS_BASE_URL=${server.url} elevenlabs-fetch speak "Hello"\n` +
      "Ctrl-C stops it.\n",
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  return EXIT.ok;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === "--help" || command === "-h" || command === "help") {
      io.stdout.write(HELP);
      return command ? EXIT.ok : EXIT.usage;
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout.write(HELP);
      return EXIT.ok;
    }
    if (command === "speak") return await speakCommand(rest, io);
    if (command === "mock") return await mockCommand(rest, io);
    throw new UsageError(`unknown command ${JSON.stringify(command)}; use speak or mock`);
  } catch (error) {
    const known = error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    const { message, code } = explain(
      known && !(error instanceof UsageError) ? new UsageError((error as Error).message) : error,
    );
    io.stderr.write(`${message}\n`);
    return code;
  }
}

function invokedDirectly(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
  }).then((code) => {
    process.exitCode = code;
  });
}
