/** Node-only: synthesise text to a file, with progress, as the CLI and `npm start` do. */
import { lstat, open, realpath, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { dirname, extname, join, resolve } from "node:path";
import { Writable } from "node:stream";
import type { ElevenLabsClient } from "../client.js";
import type { AudioMetadata } from "../audio.js";
import { toSrt, toWebVtt, words, type Alignment } from "../captions.js";
import { ElevenLabsError } from "../core/errors.js";
import { parseFormat } from "../format.js";
import { convertLongForm, maxCharactersFor, splitText, type TimedAudioStream } from "../long-form.js";
import type { OutputFormat, TextToSpeechRequest } from "../text-to-speech.js";
import { OggOpusDuration } from "./ogg.js";

/** An output file cannot be written: found before any request is sent, so nothing is billed. */
export class OutputPathError extends ElevenLabsError {
  override name = "OutputPathError";
  /** The path as given. */
  readonly path: string;
  /** Which output: the audio (`out`) or the captions (`subtitles`). */
  readonly output: "audio" | "subtitles";
  constructor(path: string, problem: string, cause?: unknown, output: "audio" | "subtitles" = "audio") {
    super(problem, cause === undefined ? {} : { cause });
    this.path = path;
    this.output = output;
  }
}

/** Caption formats, by file extension: WebVTT for `.vtt`, SRT for `.srt`. */
export type SubtitleFormat = "webvtt" | "srt";

/** The caption format a path asks for by its extension (any case), `webvtt` for `-` (stdout); else undefined. */
export function subtitleFormatFor(path: string): SubtitleFormat | undefined {
  if (path === "-") return "webvtt";
  const ext = extname(path).toLowerCase();
  return ext === ".vtt" ? "webvtt" : ext === ".srt" ? "srt" : undefined;
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
  /** Called once the synthesis is under way (nothing received yet), as bytes arrive, as chunks complete, and at the end. */
  onProgress?: (progress: SpeakProgress) => void;
  /**
   * Also write captions of what is said, timed from the synthesis (`convertWithTimestamps`, one request per chunk):
   * WebVTT for a `.vtt` path, SRT for `.srt`; `-` writes WebVTT to `stdout`. Checked and opened before anything is
   * sent, written to `<file>.partial` once the audio is complete, and renamed with the audio's file. Not for Opus.
   */
  subtitles?: string;
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
  /** With `subtitles`: the file written (`-` for stdout), its format and how many captions (cues) it holds. */
  subtitles?: { file: string; format: SubtitleFormat; captions: number };
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
async function openOutput(
  out: string,
  output: "audio" | "subtitles" = "audio",
): Promise<{ file: string; partial?: string; handle: FileHandle }> {
  let file = resolve(out);
  if ((await lstat(file).catch(() => undefined))?.isSymbolicLink()) file = await realpath(file).catch(() => file);
  const dir = dirname(file);
  const info = await stat(file).catch(() => undefined);
  const fail = (problem: string, cause?: unknown) => new OutputPathError(out, problem, cause, output);
  if (info?.isDirectory()) {
    const example = output === "audio" ? "speech.mp3" : "speech.vtt";
    throw fail(`${out} is a directory; name a file in it, e.g. ${join(out, example)}`);
  }
  const folder = await stat(dir).catch(() => undefined);
  if (!folder) throw fail(`the directory ${dir} does not exist (create it first)`);
  if (!folder.isDirectory()) throw fail(`${dir} is not a directory`);
  const special = info !== undefined && !info.isFile();
  const partial = special ? undefined : `${file}.partial`;
  try {
    return { file, ...(partial ? { partial } : {}), handle: await open(partial ?? file, "w") };
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? "");
    throw fail(`cannot write ${partial ?? file}: ${PROBLEMS[code] ?? code}`, error);
  }
}

/** Where the captions go: a file opened up front (as the audio's), or stdout. */
type SubtitleOutput = { format: SubtitleFormat } & (
  { toStdout: true } | { toStdout: false; file: string; partial?: string; handle: FileHandle }
);

/** Checks and opens the captions' output, before anything is sent (see openOutput). */
async function openSubtitles(path: string, audioOut: string): Promise<SubtitleOutput> {
  const format = subtitleFormatFor(path);
  const fail = (problem: string) => new OutputPathError(path, problem, undefined, "subtitles");
  if (!format) throw fail(`name a .vtt (WebVTT) or .srt (SRT) file, or - for WebVTT on stdout`);
  if (path === "-") {
    if (audioOut === "-") throw fail("the audio already goes to stdout (-o -); write the captions to a file");
    return { format, toStdout: true };
  }
  if (audioOut !== "-" && resolve(path) === resolve(audioOut)) throw fail("it is the audio's file too; name another");
  return { format, toStdout: false, ...(await openOutput(path, "subtitles")) };
}

/** Lines of the form `00:00:01.250 --> 00:00:02.000`: one per caption, in WebVTT and SRT alike. */
const countCaptions = (text: string): number => text.match(/^\d+:\d\d:\d\d[.,]\d{3} --> /gm)?.length ?? 0;

/**
 * The audio's output and the captions' (with `subtitles`), opened before anything is sent: a bad path costs nothing.
 * `commit()` writes the captions and gives both files their names, together; `remove()` leaves neither partial file.
 */
export interface Outputs {
  /** The audio's file, or undefined for stdout (`-`). */
  audio: { file: string; partial?: string; handle: FileHandle } | undefined;
  subtitles: SubtitleOutput | undefined;
  /** Where the audio goes: the partial file's write stream, or `stdout`. */
  sink(stdout: Writable): Writable;
  /** Once the audio is complete: writes the captions of `alignment` (when asked for), then renames both files. */
  commit(alignment: () => Promise<Alignment>, stdout: Writable): Promise<SpeakResult["subtitles"]>;
  remove(): Promise<void>;
}

export async function openOutputs(out: string, subtitlesPath: string | undefined): Promise<Outputs> {
  const audio = out === "-" ? undefined : await openOutput(out);
  let subtitles: SubtitleOutput | undefined;
  const remove = async () => {
    for (const o of [audio, subtitles]) {
      if (!o || !("handle" in o)) continue;
      await o.handle.close().catch(() => undefined);
      if (o.partial) await rm(o.partial, { force: true });
    }
  };
  if (subtitlesPath !== undefined) {
    try {
      subtitles = await openSubtitles(subtitlesPath, out);
    } catch (error) {
      await remove();
      throw error;
    }
  }
  return {
    audio,
    subtitles,
    sink: (stdout) => (audio ? audio.handle.createWriteStream() : stdout),
    remove,
    async commit(alignment, stdout) {
      let written: SpeakResult["subtitles"];
      // The captions, once the audio is complete: written before either file takes its name, so both or neither do.
      if (subtitles) {
        const timed = await alignment();
        const text = subtitles.format === "srt" ? toSrt(words(timed)) : toWebVtt(words(timed));
        if (subtitles.toStdout) {
          await new Promise<void>((done, fail) => stdout.write(text, (error) => (error ? fail(error) : done())));
        } else {
          await subtitles.handle.writeFile(text);
          await subtitles.handle.close();
        }
        written = {
          file: subtitles.toStdout ? "-" : subtitles.file,
          format: subtitles.format,
          captions: countCaptions(text),
        };
      }
      if (audio?.partial) await rename(audio.partial, audio.file);
      if (subtitles && !subtitles.toStdout && subtitles.partial) await rename(subtitles.partial, subtitles.file);
      return written;
    },
  };
}

/** Synthesise to a file (written to a temporary name, renamed when complete: never a truncated file). */
export async function speak(client: ElevenLabsClient, options: SpeakOptions): Promise<SpeakResult> {
  const started = Date.now();
  const request: TextToSpeechRequest = { text: options.text, outputFormat: options.outputFormat };
  if (options.modelId) request.modelId = options.modelId;
  if (options.seed !== undefined) request.seed = options.seed;
  const requestOptions = options.abortSignal ? { abortSignal: options.abortSignal } : {};
  // Text longer than one request allows goes through long-form synthesis, one stream all the same; so does text with
  // captions, which needs the timestamps of every chunk on one timeline (a short text is one chunk).
  const limit = maxCharactersFor(options.modelId);
  const long = [...options.text].length > limit;
  const timed = options.subtitles !== undefined;
  const progress: SpeakProgress = {
    bytes: 0,
    elapsedMs: 0,
    chunksDone: 0,
    chunksTotal: long ? splitText(options.text, limit).length : 1,
    done: false,
  };
  const report = () => options.onProgress?.({ ...progress, elapsedMs: Date.now() - started });

  // The outputs are checked (and the partial files created) before any request: a bad path costs nothing.
  const toStdout = options.out === "-";
  const outputs = await openOutputs(options.out, options.subtitles);
  const stdout = options.stdout ?? process.stdout;
  const ogg = parseFormat(options.outputFormat).codec === "opus" ? new OggOpusDuration() : undefined;
  // What each response said about itself (request id, cost, type): one for short text, one per chunk for long text.
  const seen: AudioMetadata[] = [];
  let captions: SpeakResult["subtitles"];
  try {
    let audio: ReadableStream<Uint8Array>;
    if (long || timed) {
      const longForm = {
        requestOptions,
        onProgress: (p: { chunksDone: number; chunksTotal: number; chunk: AudioMetadata }) => {
          progress.chunksDone = p.chunksDone;
          progress.chunksTotal = p.chunksTotal;
          seen.push(p.chunk);
          report();
        },
      };
      audio = timed
        ? convertLongForm(client, options.voiceId, request, { ...longForm, timestamps: true })
        : convertLongForm(client, options.voiceId, request, longForm);
    } else {
      const single = await client.textToSpeech.convert(options.voiceId, request, requestOptions);
      audio = single;
      seen.push(single);
    }
    report(); // the request is under way (long-form's were checked and started): nothing received yet
    const sink = outputs.sink(stdout);
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
    captions = await outputs.commit(() => (audio as TimedAudioStream).alignment(), stdout);
  } catch (error) {
    await outputs.remove();
    throw options.abortSignal?.aborted && options.abortSignal.reason instanceof Error
      ? options.abortSignal.reason
      : error;
  }
  progress.chunksDone = progress.chunksTotal;
  progress.done = true;
  report();

  const result: SpeakResult = {
    file: outputs.audio?.file ?? "-",
    bytes: progress.bytes,
    durationSeconds: ogg?.seconds() ?? estimateDuration(options.outputFormat, progress.bytes),
    format: options.outputFormat,
    chunks: progress.chunksTotal,
    elapsedMs: Date.now() - started,
  };
  const ids = seen.map((m) => m.requestId).filter((id): id is string => !!id);
  if (ids.length === 1 && progress.chunksTotal === 1) result.requestId = ids[0];
  if (ids.length > 0) result.requestIds = ids;
  if (seen.length > 0 && seen.every((m) => m.characterCost !== undefined)) {
    result.characterCost = seen.reduce((n, m) => n + (m.characterCost ?? 0), 0);
  }
  const type = seen.find((m) => m.contentType)?.contentType;
  if (type) result.contentType = type;
  if (captions) result.subtitles = captions;
  return result;
}
