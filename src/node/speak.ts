/** Node-only: synthesise text to a file, with progress, as the CLI and `npm start` do. */
import { lstat, open, realpath, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { Writable } from "node:stream";
import type { ElevenLabsClient } from "../client.js";
import type { AudioMetadata } from "../audio.js";
import { ElevenLabsError } from "../core/errors.js";
import { parseFormat } from "../format.js";
import { convertLongForm, maxCharactersFor, splitText } from "../long-form.js";
import type { OutputFormat, TextToSpeechRequest } from "../text-to-speech.js";
import { OggOpusDuration } from "./ogg.js";

/** The output file cannot be written: found before any request is sent, so nothing is billed. */
export class OutputPathError extends ElevenLabsError {
  override name = "OutputPathError";
  /** The path as given. */
  readonly path: string;
  constructor(path: string, problem: string, cause?: unknown) {
    super(problem, cause === undefined ? {} : { cause });
    this.path = path;
  }
}

export interface SpeakProgress {
  /** Audio bytes written so far. */
  bytes: number;
  elapsedMs: number;
  /** Requests finished, and requests in all (known before the first is sent). */
  chunksDone: number;
  chunksTotal: number;
  /** True once, at the end: the file is complete and `bytes` is its size. */
  done: boolean;
}

export interface SpeakOptions {
  text: string;
  voiceId: string;
  modelId?: string;
  outputFormat: OutputFormat;
  seed?: number;
  /** File to write; `-` writes to stdout. */
  out: string;
  /** The stdout for `out: "-"` (default process.stdout). */
  stdout?: Writable;
  /** Stops the request(s); the partial file is removed and the promise rejects with the abort error. */
  abortSignal?: AbortSignal;
  /** Called as bytes arrive, as chunks of long text complete, and once at the end (`done: true`). */
  onProgress?: (progress: SpeakProgress) => void;
}

export interface SpeakResult {
  file: string;
  bytes: number;
  /** Seconds: from the Ogg granule positions for Opus, else estimated from the bitrate or sample rate. */
  durationSeconds: number;
  format: OutputFormat;
  /** The request id (one request). */
  requestId?: string;
  /** Every request's id, in the order they were sent. */
  requestIds?: string[];
  /** Characters billed, summed over the requests. */
  characterCost?: number;
  contentType?: string;
  /** Requests made: more than 1 when the text was longer than one request allows. */
  chunks: number;
  elapsedMs: number;
}

/** The file extension for a format: mp3, pcm, ulaw, alaw, or ogg for Opus. */
export function extensionFor(format: string): string {
  const { codec } = parseFormat(format);
  return codec === "opus" ? "ogg" : codec;
}

/** Duration from the byte count: CBR bitrate for mp3/opus, sample rate for raw formats (16-bit PCM, 8-bit G.711). */
export function estimateDuration(format: string, bytes: number): number {
  const { codec, sampleRate, bitrate } = parseFormat(format);
  if (bitrate) return (bytes * 8) / (bitrate * 1000);
  return bytes / (codec === "pcm" ? 2 : 1) / sampleRate;
}

const PROBLEMS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  ENAMETOOLONG: "the name is too long",
};

/**
 * Checks the output path and opens what is written, before anything is sent: `<file>.partial`, renamed over the file
 * when complete (the target of a symlink, so the link stays), or the file itself when it is a device, a pipe or a
 * socket (`-o /dev/null`, a FIFO), which a rename would replace.
 */
async function openOutput(out: string): Promise<{ file: string; partial?: string; handle: FileHandle }> {
  let file = resolve(out);
  if ((await lstat(file).catch(() => undefined))?.isSymbolicLink()) file = await realpath(file).catch(() => file);
  const dir = dirname(file);
  const info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) {
    throw new OutputPathError(out, `${out} is a directory; name a file in it, e.g. ${join(out, "speech.mp3")}`);
  }
  const folder = await stat(dir).catch(() => undefined);
  if (!folder) throw new OutputPathError(out, `the directory ${dir} does not exist (create it first)`);
  if (!folder.isDirectory()) throw new OutputPathError(out, `${dir} is not a directory`);
  const special = info !== undefined && !info.isFile();
  const partial = special ? undefined : `${file}.partial`;
  try {
    return { file, ...(partial ? { partial } : {}), handle: await open(partial ?? file, "w") };
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? "");
    throw new OutputPathError(out, `cannot write ${partial ?? file}: ${PROBLEMS[code] ?? code}`, error);
  }
}

/** Synthesise to a file (written to a temporary name, renamed when complete: never a truncated file). */
export async function speak(client: ElevenLabsClient, options: SpeakOptions): Promise<SpeakResult> {
  const started = Date.now();
  const request: TextToSpeechRequest = { text: options.text, outputFormat: options.outputFormat };
  if (options.modelId) request.modelId = options.modelId;
  if (options.seed !== undefined) request.seed = options.seed;
  const requestOptions = options.abortSignal ? { abortSignal: options.abortSignal } : {};
  // Text longer than one request allows goes through long-form synthesis, one stream all the same.
  const limit = maxCharactersFor(options.modelId);
  const long = [...options.text].length > limit;
  const progress: SpeakProgress = {
    bytes: 0,
    elapsedMs: 0,
    chunksDone: 0,
    chunksTotal: long ? splitText(options.text, limit).length : 1,
    done: false,
  };
  const report = () => options.onProgress?.({ ...progress, elapsedMs: Date.now() - started });

  // The output is checked (and the partial file created) before any request: a bad path costs nothing.
  const toStdout = options.out === "-";
  const output = toStdout ? undefined : await openOutput(options.out);
  const ogg = parseFormat(options.outputFormat).codec === "opus" ? new OggOpusDuration() : undefined;
  // What each response said about itself (request id, cost, type): one for short text, one per chunk for long text.
  const seen: AudioMetadata[] = [];
  try {
    let audio: ReadableStream<Uint8Array>;
    if (long) {
      audio = convertLongForm(client, options.voiceId, request, {
        requestOptions,
        onProgress: (p) => {
          progress.chunksDone = p.chunksDone;
          seen.push(p.chunk);
          report();
        },
      });
    } else {
      const single = await client.textToSpeech.convert(options.voiceId, request, requestOptions);
      audio = single;
      seen.push(single);
    }
    const sink = output ? output.handle.createWriteStream() : (options.stdout ?? process.stdout);
    await audio
      .pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            progress.bytes += chunk.byteLength;
            ogg?.push(chunk);
            report();
            controller.enqueue(chunk);
          },
        }),
      )
      .pipeTo(Writable.toWeb(sink), {
        preventClose: toStdout,
        ...(options.abortSignal ? { signal: options.abortSignal } : {}),
      });
    if (output?.partial) await rename(output.partial, output.file);
  } catch (error) {
    if (output) {
      await output.handle.close().catch(() => undefined);
      if (output.partial) await rm(output.partial, { force: true });
    }
    throw options.abortSignal?.aborted && options.abortSignal.reason instanceof Error
      ? options.abortSignal.reason
      : error;
  }
  progress.chunksDone = progress.chunksTotal;
  progress.done = true;
  report();

  const result: SpeakResult = {
    file: output?.file ?? "-",
    bytes: progress.bytes,
    durationSeconds: ogg?.seconds() ?? estimateDuration(options.outputFormat, progress.bytes),
    format: options.outputFormat,
    chunks: progress.chunksTotal,
    elapsedMs: Date.now() - started,
  };
  const ids = seen.map((m) => m.requestId).filter((id): id is string => !!id);
  if (!long && ids[0]) result.requestId = ids[0];
  if (ids.length > 0) result.requestIds = ids;
  if (seen.length > 0 && seen.every((m) => m.characterCost !== undefined)) {
    result.characterCost = seen.reduce((n, m) => n + (m.characterCost ?? 0), 0);
  }
  const type = seen.find((m) => m.contentType)?.contentType;
  if (type) result.contentType = type;
  return result;
}
