#!/usr/bin/env node
/** The `elevenlabs-fetch` command: `speak` text to a file, or run the local `mock` server. */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { ElevenLabsClient } from "../client.js";
import {
  AuthenticationError,
  QuotaExceededError,
  RealtimeError,
  ConnectionError,
  ElevenLabsAbortError,
  ElevenLabsError,
  ElevenLabsTimeoutError,
  MissingDependencyError,
  UnprocessableEntityError,
  ValidationError,
} from "../core/errors.js";
import { LongFormChunkError } from "../long-form.js";
import { SPEECH_PACKAGE, WEBSOCKET_PACKAGE } from "../mock/deps.js";
import { checkOutputFormat } from "../text-to-speech.js";
import { DEFAULT_OUTPUT_FORMAT } from "../defaults.js";
import { parseFormat } from "../format.js";
import { findPlayer, play, PlayerNotFoundError } from "./play.js";
import { extensionFor, OutputPathError, speak, subtitleFormatFor, type SpeakProgress } from "./speak.js";
import {
  ArrivingText,
  NoTextError,
  NotTextError,
  speakRealtime,
  type FirstAudio,
  type RealtimeSpeakResult,
} from "./speak-realtime.js";

export const EXIT = { ok: 0, unexpected: 1, usage: 2, api: 3, network: 4, sigint: 130, sigterm: 143 } as const;

export const DEFAULT_VOICE = "JBFqnCBsd6RMkjVDRZzb";

const HELP = `elevenlabs-fetch: ElevenLabs text to speech from the command line

Usage:
  npx elevenlabs-fetch speak [TEXT | -] [options]    synthesise TEXT (or stdin with -) to a file
  npx elevenlabs-fetch mock [options]                run the local ElevenLabs-compatible server

speak options:
  -o, --out FILE       where to write the audio (default: speech.<ext> for the format; - for stdout).
                       The path is checked before the request is sent; the audio goes to FILE.partial and is
                       renamed when complete (Ctrl-C removes it).
      --voice ID       voice id (default ${DEFAULT_VOICE})
      --model ID       model id (default eleven_multilingual_v2)
      --format FORMAT  output format, e.g. mp3_44100_128, pcm_16000, opus_48000_64 (default ${DEFAULT_OUTPUT_FORMAT})
      --seed N         seed for (best-effort) deterministic output, 0 to 4294967295
      --subtitles FILE also write captions of what is said: WebVTT for FILE.vtt, SRT for FILE.srt, or - for WebVTT
                       on stdout (not with -o -). Timed by the synthesis (with-timestamps requests; not for Opus
                       formats); checked before the request, written to FILE.partial and renamed with the audio.
      --play           play the audio afterwards (needs mpv or ffplay); with --realtime, as it arrives
      --realtime       send the text over the realtime WebSocket as it arrives (with -, stdin as it is written,
                       without waiting for its end) and write (or play) the audio as it comes; prints the time to
                       the first audio. --subtitles are timed by the alignment the API sends with the audio
      --auto-mode      (--realtime) the API generates at each sentence instead of waiting for about 120 characters
      --inactivity-timeout SECONDS
                       (--realtime) how long the API waits for more text before it closes, 1 to 180 (default 20)
      --json           print the result as JSON on stdout (on stderr when stdout carries the audio or captions);
                       an error is printed as {"error": {"name", "message", "statusCode", "requestId"}}
      --base-url URL   API address (default ELEVENLABS_BASE_URL or https://api.elevenlabs.io)
      --allow-insecure-http
                       allow a plain http:// --base-url on a host other than this machine (the key travels in
                       clear text)

mock options:
      --port N         port (default 8787; 0 picks a free one)
      --host ADDR      address (default 127.0.0.1)
      --api-key KEY    accept only this key (repeatable; default: any non-empty key)
      --fault SPEC     inject this fault into the next request (repeatable; e.g. 429, 502, reset-mid-body)
      --engine NAME    auto (speech when installed, else a tone) or tone
      --character-limit N
                       the subscription's character limit (default 1000000); a synthesis over it gets the API's
                       401 quota_exceeded

The API key comes from ELEVENLABS_API_KEY.

Exit codes: 0 done, 2 usage error (nothing was sent), 3 the API refused the request, 4 network error or timeout,
130 interrupted (Ctrl-C), 143 terminated (SIGTERM), 1 anything else.

Examples:
  export ELEVENLABS_API_KEY=sk_...
  npx elevenlabs-fetch speak "The first move is what sets everything in motion."
  echo "Hello from stdin" | npx elevenlabs-fetch speak - -o hello.mp3 --play
  npx elevenlabs-fetch speak "Phone call audio" --format ulaw_8000 -o call.ulaw --json
  npx elevenlabs-fetch speak "Piped" -o - | mpv -
  npx elevenlabs-fetch speak "With captions." -o talk.mp3 --subtitles talk.vtt
  my-llm | npx elevenlabs-fetch speak - --realtime --play     # speak a token stream as it is written

  # offline: the local server in one terminal, the client in another
  npx elevenlabs-fetch mock --port 8787
  ELEVENLABS_API_KEY=any npx elevenlabs-fetch speak "Hi" --base-url http://127.0.0.1:8787
  curl -s -X POST http://127.0.0.1:8787/v1/text-to-speech/${DEFAULT_VOICE} \\
    -H "xi-api-key: any" -H "content-type: application/json" -d '{"text":"Hi"}' -o hi.mp3
`;

/** The command line is wrong: nothing was sent. */
export class UsageError extends ElevenLabsError {
  override name = "UsageError";
}

interface Io {
  stdout: Writable & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  /** Where SIGINT and SIGTERM arrive (the process, when run as a command): they stop `speak` cleanly. */
  signals?: NodeJS.EventEmitter;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part as Uint8Array));
  return Buffer.concat(parts).toString("utf8");
}

const bar = (done: number, total: number) => `[${"#".repeat(Math.round((20 * done) / total)).padEnd(20, ".")}]`;
const kb = (n: number) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(2)} MiB`);

/** The library's names for what the CLI calls options. */
const CLI_NAMES: Record<string, string> = {
  "request.outputFormat": "--format",
  "request.text": "TEXT",
  "request.modelId": "--model",
  "request.seed": "--seed",
  voiceId: "--voice",
  "options.outputFormat": "--format",
  "options.modelId": "--model",
  "options.seed": "--seed",
  "options.inactivityTimeout": "--inactivity-timeout",
  baseUrl: "--base-url",
  fault: "--fault",
  engine: "--engine",
};

/** A failed response's status line ("502 Bad Gateway") and what the body says, in one short line. */
function statusAndReason(error: ElevenLabsError): { status: string; reason: string } {
  const cut = /^(\d{3}(?: [^:(]*[^:(\s])?)(?:: )?(.*)$/s.exec(error.message);
  const status = cut?.[1] ?? String(error.statusCode ?? "");
  let reason = (cut ? cut[2] : error.message) ?? "";
  if (typeof error.body === "string") {
    // An HTML error page (a proxy's 502): its title, else its first line of text.
    const page = error.body.slice(0, 65_536);
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(page)?.[1]?.trim();
    const firstLine = page
      .replace(/<[^>]*>/g, "\n")
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "");
    reason = (title || firstLine || "").slice(0, 200);
  }
  reason = reason.replace(/\s*\(request-id [^)]*\)$/, "");
  return { status, reason: reason === status ? "" : reason };
}

/** A person-readable explanation of an error, and the exit code that goes with it. */
export function explain(error: unknown, baseUrl?: string): { message: string; code: number } {
  // A chunk refused for the account (its key, its quota) is the account's problem, not the chunk's: said as for one
  // request.
  if (error instanceof LongFormChunkError && error.cause instanceof AuthenticationError) error = error.cause;
  if (error instanceof UsageError)
    return { message: `${error.message}\nSee: npx elevenlabs-fetch --help`, code: EXIT.usage };
  if (error instanceof OutputPathError) {
    const option = error.output === "subtitles" ? "--subtitles" : "--out";
    return { message: `Cannot write ${option} ${error.path}: ${error.message}`, code: EXIT.usage };
  }
  if (error instanceof ValidationError) {
    if (error.field === "apiKey" && /no API key/.test(error.message)) {
      return {
        message:
          "No API key. Set it in the environment:\n" +
          "  export ELEVENLABS_API_KEY=sk_...   (create one at https://elevenlabs.io/app/settings/api-keys)\n" +
          "To try it offline, run the local server with `npx elevenlabs-fetch mock` and pass\n" +
          "  --base-url http://127.0.0.1:8787 with any key (ELEVENLABS_API_KEY=any).",
        code: EXIT.usage,
      };
    }
    const name = CLI_NAMES[error.field] ?? error.field;
    const problem = error.message
      .slice(error.field.length + 2)
      .replace("pass allowInsecureHttp: true", "pass --allow-insecure-http");
    return { message: `Invalid ${name}: ${problem}`, code: EXIT.usage };
  }
  if (error instanceof MissingDependencyError) return { message: error.message, code: EXIT.unexpected };
  if (error instanceof ElevenLabsAbortError) return { message: `Stopped: ${error.message}`, code: EXIT.unexpected };
  const rid = error instanceof ElevenLabsError && error.requestId ? `\nRequest id: ${error.requestId}` : "";
  if (error instanceof UnprocessableEntityError) {
    const lines = error.detail.map((d) => `  ${d.loc.join(".")}: ${d.msg}`);
    return {
      message: `The API rejected the request (422):\n${lines.join("\n") || `  ${error.message}`}${rid}`,
      code: EXIT.api,
    };
  }
  if (error instanceof QuotaExceededError) {
    const counts =
      error.requested === undefined ? "" : `: ${error.requested} characters needed, ${error.remaining ?? 0} left`;
    return {
      message: `The account's character quota is used up${counts}. Upgrade the plan or wait for the quota to reset.${rid}`,
      code: EXIT.api,
    };
  }
  if (error instanceof AuthenticationError) {
    const { status, reason } = statusAndReason(error);
    return {
      message: `The API refused the key (${status})${reason ? `: ${reason}` : ""}\nCheck ELEVENLABS_API_KEY.${rid}`,
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
    const failed = error instanceof LongFormChunkError && error.cause instanceof ElevenLabsError ? error.cause : error;
    if (failed.statusCode === undefined) {
      return {
        message: `Failed: ${error.message}`,
        code: failed instanceof ConnectionError ? EXIT.network : EXIT.unexpected,
      };
    }
    const { status, reason } = statusAndReason(failed);
    const where =
      error instanceof LongFormChunkError
        ? ` (chunk ${error.chunkIndex + 1}, characters ${error.start}–${error.end})`
        : "";
    return {
      message: `The API answered with an error${where}: ${status}${reason ? `: ${reason}` : ""}${rid}`,
      code: EXIT.api,
    };
  }
  return {
    message: `Unexpected error: ${error instanceof Error ? error.stack : String(error)}`,
    code: EXIT.unexpected,
  };
}

/** `--json`'s error object: `{"error": {"name", "message", "statusCode"?, "requestId"?}}`. */
export function errorJson(error: unknown, message: string): string {
  if (error instanceof LongFormChunkError && error.cause instanceof AuthenticationError) error = error.cause;
  const e = error instanceof ElevenLabsError ? error : undefined;
  const out: Record<string, unknown> = { name: error instanceof Error ? error.name : "Error", message };
  if (e?.statusCode !== undefined) out.statusCode = e.statusCode;
  if (e?.requestId) out.requestId = e.requestId;
  return `${JSON.stringify({ error: out })}\n`;
}

const SPEAK_OPTIONS = {
  out: { type: "string", short: "o" },
  voice: { type: "string" },
  model: { type: "string" },
  format: { type: "string" },
  seed: { type: "string" },
  play: { type: "boolean" },
  realtime: { type: "boolean" },
  "auto-mode": { type: "boolean" },
  "inactivity-timeout": { type: "string" },
  subtitles: { type: "string" },
  json: { type: "boolean" },
  "base-url": { type: "string" },
  "allow-insecure-http": { type: "boolean" },
} as const;

/**
 * `--seed -1` as `--seed=-1`: parseArgs refuses a value that starts with a dash, so a negative number would get a
 * different (and misleading) error than the same value after `=`.
 */
function joinNegativeValues(args: string[], options: Record<string, { type: string; short?: string }>): string[] {
  const takesValue = new Set<string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== "string") continue;
    takesValue.add(`--${name}`);
    if (o.short) takesValue.add(`-${o.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    if (takesValue.has(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(
        `${arg.startsWith("--") ? arg : `--${Object.entries(options).find(([, o]) => `-${o.short}` === arg)?.[0]}`}=${next}`,
      );
      i++;
    } else out.push(arg);
  }
  return out;
}

/** Where `--json` output and the summary go: stdout, unless stdout carries the audio (`-o -`) or the captions. */
function jsonStream(io: Io, stdoutTaken: boolean) {
  return stdoutTaken ? io.stderr : io.stdout;
}

/** The --realtime options: refused without --realtime; --inactivity-timeout's seconds, checked. */
function checkRealtimeOptions(
  values: { "auto-mode"?: boolean | undefined; "inactivity-timeout"?: string | undefined },
  realtime: boolean,
): number | undefined {
  for (const name of ["auto-mode", "inactivity-timeout"] as const) {
    if (values[name] !== undefined && !realtime) {
      throw new UsageError(`--${name} is an option of the realtime WebSocket: add --realtime, or leave it out`);
    }
  }
  const seconds = values["inactivity-timeout"];
  if (seconds === undefined) return undefined;
  if (!/^\d+$/.test(seconds) || Number(seconds) < 1 || Number(seconds) > 180) {
    throw new UsageError(`--inactivity-timeout must be a whole number of seconds from 1 to 180, got ${seconds}`);
  }
  return Number(seconds);
}

/** The end of the "Wrote …" line for --realtime: the time to the first audio. */
function realtimeSummary(result: RealtimeSpeakResult, fromStdin: boolean): string {
  const afterText = fromStdin
    ? `, ${result.firstAudioAfterTextMs} ms after the first text; the text ended at ${result.textEndedMs} ms`
    : "";
  return ` (realtime: first audio after ${result.timeToFirstAudioMs} ms${afterText})`;
}

/** A library name in a message, as the CLI names it (or nothing, where the CLI has no option for it). */
const cliWords = (message: string): string =>
  message.replace(/ \((idleTimeoutInSeconds|timeoutInSeconds)\)/g, "").replace(/^stream-input:? /, "");

/** Why the API closed a socket, as its last message said: "1008 invalid_api_key: Invalid API key". */
function closeReason(error: ElevenLabsError): string {
  const said = (error.body ?? {}) as { message?: unknown; error?: unknown; code?: unknown };
  if (typeof said.error !== "string") return cliWords(error.message);
  const code = typeof said.code === "number" ? `${said.code} ` : "";
  return `${code}${said.error}${typeof said.message === "string" && said.message ? `: ${said.message}` : ""}`;
}

/**
 * What a --realtime failure means, in one line, or undefined when explain() says it as for HTTP. `opened`: the socket
 * had opened, so a connection that ends is a drop in the middle, not a failure to reach the API.
 */
function explainRealtime(
  error: unknown,
  baseUrl: string,
  opened: boolean,
): { message: string; code: number } | undefined {
  if (error instanceof NoTextError) return { message: `Nothing to say: ${error.message}.`, code: EXIT.usage };
  if (error instanceof NotTextError)
    return { message: `Cannot read the text: ${error.message}.`, code: EXIT.unexpected };
  if (
    !(error instanceof ElevenLabsError) ||
    error instanceof ValidationError ||
    error instanceof MissingDependencyError
  ) {
    return undefined;
  }
  if (error.statusCode === 403) {
    // A refused handshake says no more than its status: the key, or a model the WebSockets do not serve.
    return {
      message:
        "The API refused the WebSocket (403 Forbidden): check ELEVENLABS_API_KEY, and --model (not every model is " +
        "served over WebSockets).",
      code: EXIT.api,
    };
  }
  if (error instanceof AuthenticationError && !(error instanceof QuotaExceededError)) {
    return {
      message: `The API refused the key (${closeReason(error)}). Check ELEVENLABS_API_KEY.`,
      code: EXIT.api,
    };
  }
  if (error instanceof RealtimeError) {
    if (error.errorType === "input_timeout_exceeded") {
      return {
        message:
          `The API closed the socket: no text came for too long (${error.closeCode} input_timeout_exceeded). ` +
          "--inactivity-timeout lets it wait up to 180 s.",
        code: EXIT.api,
      };
    }
    return { message: `The API closed the socket before the end of the audio (${closeReason(error)})`, code: EXIT.api };
  }
  if (error instanceof ElevenLabsTimeoutError) {
    return { message: `Timed out talking to ${baseUrl}: ${cliWords(error.message)}`, code: EXIT.network };
  }
  if (error instanceof ConnectionError) {
    return {
      message: opened
        ? `The connection to ${baseUrl} dropped mid-stream: ${cliWords(error.message)}`
        : `Could not reach ${baseUrl}: ${cliWords(error.message)}`,
      code: EXIT.network,
    };
  }
  if (error.statusCode !== undefined && !(error instanceof QuotaExceededError)) {
    return { message: `The API refused the WebSocket: ${cliWords(error.message)}`, code: EXIT.api };
  }
  return undefined;
}

async function speakCommand(args: string[], io: Io): Promise<number> {
  const startedAt = Date.now();
  const { values, positionals } = parseArgs({
    args: joinNegativeValues(args, SPEAK_OPTIONS),
    allowPositionals: true,
    options: SPEAK_OPTIONS,
  });
  if (positionals.length > 1) throw new UsageError("speak takes one TEXT argument (quote it), or - for stdin");
  const source = positionals[0];
  if (source === undefined) throw new UsageError("speak needs TEXT, or - to read it from stdin");
  const format = checkOutputFormat(values.format ?? DEFAULT_OUTPUT_FORMAT);
  const realtime = values.realtime === true;
  const inactivityTimeout = checkRealtimeOptions(values, realtime);
  const subtitles = values.subtitles;
  if (subtitles !== undefined) {
    if (!subtitleFormatFor(subtitles)) {
      throw new UsageError(
        `--subtitles needs a .vtt (WebVTT) or .srt (SRT) file name, or - for WebVTT on stdout; got ${JSON.stringify(subtitles)}`,
      );
    }
    if (subtitles === "-" && values.out === "-") {
      throw new UsageError("--subtitles - and -o - cannot share stdout: write one of them to a file");
    }
    if (extensionFor(format) === "ogg" && !realtime) {
      throw new UsageError(
        `--subtitles needs an mp3, pcm, ulaw or alaw --format: timed Opus audio cannot be joined across requests (got ${format})`,
      );
    }
  }
  let seed: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!/^\d+$/.test(values.seed)) {
      throw new UsageError(`--seed must be a whole number from 0 to 4294967295, got ${values.seed}`);
    }
  }
  const client = new ElevenLabsClient({
    ...(values["base-url"] ? { baseUrl: values["base-url"] } : {}),
    ...(values["allow-insecure-http"] ? { allowInsecureHttp: true } : {}),
  });
  if (realtime && source !== "-" && source.trim() === "") throw new UsageError("TEXT is empty: nothing to say");
  // Without --realtime, stdin is read whole first (Ctrl-C meanwhile stops the command as any other).
  const text = realtime ? source : source === "-" ? await readAll(io.stdin) : source;
  const out = values.out ?? `speech.${extensionFor(format)}`;
  const toStdout = out === "-";
  const stdoutTaken = toStdout || subtitles === "-";
  // --play needs a player: looked for before the request, so that nothing is billed for audio that cannot play.
  const playing = values.play === true && (realtime || !toStdout);
  if (playing && realtime && !["mp3", "ogg"].includes(extensionFor(format))) {
    const { codec, sampleRate } = parseFormat(format);
    const ffmpegFormat = codec === "pcm" ? "s16le" : codec === "ulaw" ? "mulaw" : "alaw";
    throw new UsageError(
      `--play --realtime plays mp3 and opus formats: a player cannot tell raw ${format} audio from its bytes as it ` +
        `arrives. Write it with -o, or pipe it to a player told the format: -o - | ffplay -f ${ffmpegFormat} ` +
        `-ar ${sampleRate} -i -`,
    );
  }
  if (playing) {
    await findPlayer().catch((error: unknown) => {
      if (!(error instanceof PlayerNotFoundError)) throw error;
      throw new UsageError(
        "--play needs mpv or ffplay on PATH, and neither was found: install one (apt install mpv, brew install mpv, " +
          "winget install mpv; or ffmpeg for ffplay), or leave out --play",
      );
    });
  }
  // No progress bar where it would be mixed into captions shown on the same terminal (--subtitles - on a terminal).
  // Nor where it would erase what is being typed (--realtime reading stdin from the terminal).
  const typing = realtime && source === "-" && (io.stdin as { isTTY?: boolean }).isTTY === true;
  const showProgress =
    io.stderr.isTTY === true && !values.json && !(subtitles === "-" && io.stdout.isTTY === true) && !typing;

  // Ctrl-C / SIGTERM: abort the request; speak() removes the partial file; exit 130 / 143.
  const stop = new AbortController();
  let stoppedBy: "SIGINT" | "SIGTERM" | undefined;
  const onSignal = (name: "SIGINT" | "SIGTERM") => () => {
    stoppedBy ??= name;
    stop.abort(new ElevenLabsAbortError(`interrupted by ${name}`));
  };
  const [onInt, onTerm] = [onSignal("SIGINT"), onSignal("SIGTERM")];
  io.signals?.on("SIGINT", onInt);
  io.signals?.on("SIGTERM", onTerm);

  let [lastDrawn, lastKey, drawn] = [-Infinity, "", false];
  const draw = (p: SpeakProgress) => {
    // At most ten updates a second, plus each chunk change and the final state.
    const key = `${p.chunksDone}`;
    if (!p.done && p.elapsedMs - lastDrawn < 100 && key === lastKey) return;
    [lastDrawn, lastKey, drawn] = [p.elapsedMs, key, true];
    const step =
      p.chunksTotal > 1
        ? `${bar(p.chunksDone, p.chunksTotal)} ${Math.floor((100 * p.chunksDone) / p.chunksTotal)}% · chunk ${Math.min(p.chunksDone + 1, p.chunksTotal)}/${p.chunksTotal} · `
        : "";
    // \r then "erase line": a shorter line leaves nothing of the longer one behind.
    io.stderr.write(`\r\x1b[2K${step}${kb(p.bytes)} received · ${(p.elapsedMs / 1000).toFixed(1)} s`);
  };
  // The clock keeps moving while nothing arrives (a timed chunk comes whole, once it is synthesised).
  let latest: { progress: SpeakProgress; at: number } | undefined;
  const onProgress = (p: SpeakProgress) => {
    latest = { progress: p, at: Date.now() };
    draw(p);
  };
  const ticker = showProgress
    ? setInterval(() => {
        if (latest && !latest.progress.done) {
          draw({ ...latest.progress, elapsedMs: latest.progress.elapsedMs + Date.now() - latest.at });
        }
      }, 500)
    : undefined;
  // With --realtime, stdin is read as it arrives, from now on (so the time to first audio counts from its first byte).
  const arriving = realtime && source === "-" ? new ArrivingText(io.stdin) : undefined;
  if (typing && !values.json) io.stderr.write("Reading the text as you type it: Ctrl-D ends it, Ctrl-C stops.\n");
  let opened = false;
  const onFirstAudio = (first: FirstAudio) => {
    if (values.json) return;
    const afterText = arriving ? ` (${first.fromFirstTextMs} ms after the first text)` : "";
    io.stderr.write(`${drawn ? "\r\x1b[2K" : ""}First audio after ${first.fromStartMs} ms${afterText}\n`);
  };
  const common = {
    voiceId: values.voice ?? DEFAULT_VOICE,
    ...(values.model ? { modelId: values.model } : {}),
    outputFormat: format,
    ...(seed !== undefined ? { seed } : {}),
    out,
    ...(subtitles !== undefined ? { subtitles } : {}),
    stdout: io.stdout,
    abortSignal: stop.signal,
    ...(showProgress ? { onProgress } : {}),
  };
  try {
    const result = realtime
      ? await speakRealtime(client, {
          ...common,
          text: arriving ?? source,
          startedAt,
          ...(values["auto-mode"] ? { autoMode: true } : {}),
          ...(inactivityTimeout !== undefined ? { inactivityTimeout } : {}),
          ...(playing ? { play: (audio: ReadableStream<Uint8Array>) => play(audio, { signal: stop.signal }) } : {}),
          onOpen: () => void (opened = true),
          onFirstAudio,
        })
      : await speak(client, { ...common, text });
    if (drawn) io.stderr.write("\n");
    if (values.json) jsonStream(io, stdoutTaken).write(`${JSON.stringify(result)}\n`);
    else {
      const ids = result.requestIds ?? [];
      const lines = toStdout
        ? []
        : [
            `Wrote ${result.file}: ${result.bytes} bytes, ${result.durationSeconds.toFixed(2)} s of ${result.format}` +
              `${result.requestId ? `, request id ${result.requestId}` : ""}` +
              (realtime ? realtimeSummary(result as RealtimeSpeakResult, arriving !== undefined) : "") +
              `${result.chunks > 1 ? ` (${result.chunks} requests stitched${ids.length ? `: ${ids.join(", ")}` : ""})` : ""}`,
          ];
      const captions = result.subtitles;
      if (captions && captions.file !== "-") {
        const kind = captions.format === "srt" ? "SRT" : "WebVTT";
        lines.push(
          `Wrote ${captions.file}: ${captions.captions} caption${captions.captions === 1 ? "" : "s"} (${kind})`,
        );
      }
      if (lines.length > 0) jsonStream(io, stdoutTaken).write(`${lines.join("\n")}\n`);
    }
    if (playing && !realtime) {
      const { readFile } = await import("node:fs/promises");
      await play(await readFile(result.file));
    }
    return EXIT.ok;
  } catch (error) {
    if (drawn) io.stderr.write("\n");
    if (stoppedBy) {
      const partials = [
        toStdout ? undefined : out,
        subtitles === undefined || subtitles === "-" ? undefined : subtitles,
      ]
        .filter((p) => p !== undefined)
        .map((p) => `${p}.partial`);
      const removed = partials.length > 0 ? ` and ${partials.join(" and ")} removed` : "";
      const message = `Interrupted (${stoppedBy}): the ${realtime ? "session" : "request"} was stopped${removed}.`;
      if (values.json) jsonStream(io, stdoutTaken).write(errorJson(error, message));
      else io.stderr.write(`${typing ? "\n" : ""}${message}\n`); // after the ^C on the line being typed
      return stoppedBy === "SIGINT" ? EXIT.sigint : EXIT.sigterm;
    }
    const { message, code } =
      (realtime && explainRealtime(error, client.baseUrl, opened)) || explain(error, client.baseUrl);
    if (values.json) jsonStream(io, stdoutTaken).write(errorJson(error, message));
    else io.stderr.write(`${message}\n`);
    return code;
  } finally {
    arriving?.stop();
    clearInterval(ticker);
    io.signals?.off("SIGINT", onInt);
    io.signals?.off("SIGTERM", onTerm);
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
      "character-limit": { type: "string" },
    },
  });
  const port = Number(values.port);
  const limit = values["character-limit"];
  const characterLimit = limit === undefined ? undefined : Number(limit);
  if (
    characterLimit !== undefined &&
    !(Number.isSafeInteger(characterLimit) && characterLimit >= 0 && /^\d+$/.test(limit ?? ""))
  ) {
    throw new UsageError(`--character-limit must be a whole number ≥ 0, got ${limit}`);
  }
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
    ...(characterLimit !== undefined ? { characterLimit } : {}),
  });
  // The hints use a key the server accepts (the first --api-key, else any key at all).
  const key = values["api-key"]?.[0] ?? "any";
  io.stderr.write(
    `Local ElevenLabs-compatible server on ${server.url}\n` +
      (server.engine === "tone"
        ? values.engine === "tone"
          ? "  speech: a tone (--engine tone)\n"
          : `  speech: a tone (for offline speech: npm install -D ${SPEECH_PACKAGE})\n`
        : "  speech: Flite (offline)\n") +
      `  quota: ${server.characterLimit.toLocaleString("en-US")} characters (--character-limit)\n` +
      (server.realtime
        ? `  realtime: ${server.url.replace(/^http/, "ws")}/v1/text-to-speech/{voice_id}/stream-input (and multi-stream-input)\n`
        : `  realtime: off (for the WebSockets: npm install -D ${WEBSOCKET_PACKAGE})\n`) +
      `  try: ELEVENLABS_API_KEY=${key} npx elevenlabs-fetch speak "Hello" --base-url ${server.url}\n` +
      `  or:  curl -sf -X POST ${server.url}/v1/text-to-speech/${DEFAULT_VOICE} -H "xi-api-key: ${key}" ` +
      `-H "content-type: application/json" -d '{"text":"Hello"}' -o hello.mp3\n` +
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
  } catch (caught) {
    const parse = (caught as { code?: unknown }).code;
    const error =
      typeof parse === "string" && parse.startsWith("ERR_PARSE_ARGS")
        ? new UsageError((caught as Error).message)
        : caught;
    const { message, code } = explain(error);
    if (command === "speak" && rest.includes("--json")) {
      const taken = (names: string[]) =>
        rest.some((a, i) => names.some((n) => a === `${n}=-` || (a === n && rest[i + 1] === "-"))) ||
        (names.includes("-o") && rest.includes("-o-"));
      jsonStream(io, taken(["-o", "--out"]) || taken(["--subtitles"])).write(errorJson(error, message));
    } else io.stderr.write(`${message}\n`);
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
    signals: process,
  }).then((code) => {
    process.exitCode = code;
  });
}
