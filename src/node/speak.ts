/** Node-only: synthesise text to a file, with progress, as the CLI and `npm start` do. */
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { resolve } from "node:path";
import { Writable } from "node:stream";
import type { ElevenLabsClient } from "../client.js";
import { parseFormat } from "../format.js";
import { convertLongForm, maxCharactersFor } from "../long-form.js";
import type { OutputFormat, TextToSpeechRequest } from "../text-to-speech.js";

export interface SpeakOptions {
  text: string;
  voiceId: string;
  modelId?: string;
  outputFormat: OutputFormat;
  seed?: number;
  /** File to write; `-` writes to stdout. */
  out: string;
  /** Called as bytes arrive (and, for long text, as chunks complete). */
  onProgress?: (bytes: number, elapsedMs: number, chunks?: { done: number; total: number }) => void;
}

export interface SpeakResult {
  file: string;
  bytes: number;
  /** Seconds, estimated from the format's bitrate or sample rate. */
  durationSeconds: number;
  format: OutputFormat;
  requestId?: string;
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

/** Synthesise to a file (written to a temporary name, renamed when complete: never a truncated file). */
export async function speak(client: ElevenLabsClient, options: SpeakOptions): Promise<SpeakResult> {
  const started = Date.now();
  const request: TextToSpeechRequest = { text: options.text, outputFormat: options.outputFormat };
  if (options.modelId) request.modelId = options.modelId;
  if (options.seed !== undefined) request.seed = options.seed;
  // Text longer than one request allows goes through long-form synthesis, one stream all the same.
  const limit = maxCharactersFor(options.modelId);
  let chunks = { done: 0, total: 1 };
  const long = [...options.text].length > limit;
  let audio: ReadableStream<Uint8Array>;
  let meta: { requestId?: string; characterCost?: number; contentType?: string } = {};
  if (long) {
    audio = convertLongForm(client, options.voiceId, request, {
      onProgress: (p) => (chunks = { done: p.chunksDone, total: p.chunksTotal }),
    });
  } else {
    const single = await client.textToSpeech.convert(options.voiceId, request);
    audio = single;
    meta = single;
  }
  const toStdout = options.out === "-";
  const file = toStdout ? "-" : resolve(options.out);
  const partial = `${file}.partial`;
  const sink = toStdout ? process.stdout : createWriteStream(partial);
  let bytes = 0;
  try {
    await audio
      .pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            bytes += chunk.byteLength;
            options.onProgress?.(bytes, Date.now() - started, long ? chunks : undefined);
            controller.enqueue(chunk);
          },
        }),
      )
      .pipeTo(Writable.toWeb(sink), { preventClose: toStdout });
    if (!toStdout) await rename(partial, file);
  } catch (error) {
    if (!toStdout) await rm(partial, { force: true });
    throw error;
  }
  const result: SpeakResult = {
    file,
    bytes,
    durationSeconds: estimateDuration(options.outputFormat, bytes),
    format: options.outputFormat,
    chunks: long ? chunks.total : 1,
    elapsedMs: Date.now() - started,
  };
  if (meta.requestId) result.requestId = meta.requestId;
  if (meta.characterCost !== undefined) result.characterCost = meta.characterCost;
  if (meta.contentType) result.contentType = meta.contentType;
  return result;
}
