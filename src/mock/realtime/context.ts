/**
 * One context of a realtime text-to-speech socket: the text buffered as it arrives, cut into generations by the
 * chunk-length schedule (or a flush, `try_trigger_generation` or auto mode), each synthesised and encoded into one
 * continuous stream, and sent as audio messages with the alignment of the characters they carry.
 *
 * What the messages guarantee:
 * - Their audio, joined in order, is one valid stream of the output format (one MP3 file, one Ogg Opus stream, one
 *   run of PCM); each message holds whole MP3 frames, whole Ogg pages or whole samples.
 * - Every character of every generation is in exactly one message's `alignment`, in order, so the messages' `chars`
 *   joined are the text sent. A character goes with the message in whose audio it starts (its start relative to that
 *   message's first sample, clamped at 0 for whitespace the synthesis skipped; its duration may run into later
 *   messages). As the API documents, times are relative to the message's own audio, so a message's times plus the
 *   decoded duration of every message before it give the context's timeline.
 * - `normalizedAlignment` does the same for each generation's text with whitespace runs folded and trimmed.
 */
import { speak, speechEngine } from "../audio/index.js";
import { timeline, type Timeline } from "../timestamps.js";
import { StreamEncoder, type EncodedPiece, type SpeechEngine } from "./encoder.js";

/** The API's alignment of a message (`Alignment` / `NormalizedAlignment`): times in ms relative to the message. */
export interface CharacterTimes {
  chars: string[];
  charStartTimesMs: number[];
  charsDurationsMs: number[];
}

export interface AudioChunk {
  /** Base64 of the message's audio. */
  audio: string;
  alignment: CharacterTimes | null;
  normalizedAlignment: CharacterTimes | null;
}

export interface ContextSettings {
  voiceId: string;
  format: string;
  seed: number | null;
  engine: "auto" | SpeechEngine;
  /** Milliseconds of audio encoded at a time (a message carries what that produces). */
  chunkMs: number;
  /** Buffered characters each generation waits for, in order; the last repeats. */
  schedule: readonly number[];
  /** Generate at every word boundary, without the schedule. */
  autoMode: boolean;
  /** The fewest buffered characters `try_trigger_generation` generates. */
  triggerMinimum: number;
  /** Ogg stream serial (Opus). */
  serial: number;
}

export interface ContextOutput {
  /** Sends one audio message; resolves when the socket can take more. */
  audio(chunk: AudioChunk): Promise<void>;
  /** Bills a generation of `characters` code points; a refusal's message when the account cannot pay. */
  charge(characters: number): string | undefined;
  /** A generation failed (a QuotaRefusal, a synthesis error): nothing more is generated. */
  fail(error: unknown): void;
}

/** A generation the account refused: the socket closes with it. */
export class QuotaRefusal extends Error {
  override name = "QuotaRefusal";
}

const codePoints = (text: string): number => [...text].length;

/** Index just after the last whitespace of `text` (0 when there is none): where a word-boundary cut goes. */
function lastBoundary(text: string): number {
  const match = /\s\S*$/u.exec(text);
  return match ? match.index + 1 : 0;
}

const hasSpeech = (text: string): boolean => /\S/u.test(text);

interface Held {
  piece: EncodedPiece;
  /** Decoded samples played before the piece. */
  from: number;
}

export class SpeechContext {
  #buffer = "";
  #generations = 0;
  #queue: string[] = [];
  #pump: Promise<void> | undefined;
  #failure: unknown;
  #aborted = false;
  /** The encoder, opening from the start so that the first generation does not wait for the codec to load. */
  readonly #opening: Promise<StreamEncoder>;
  #encoder: StreamEncoder | undefined;
  #held: Held | undefined;
  /** The generation being sent: its timeline, and how many of its characters (and normalised ones) are sent. */
  #line: Timeline | undefined;
  #sent = 0;
  #normalizedSent = 0;

  constructor(
    private readonly settings: ContextSettings,
    private readonly output: ContextOutput,
  ) {
    this.#opening = StreamEncoder.open(settings.format, settings.serial);
    this.#opening.catch(() => {}); // a failure to open is the first generation's error
    if (settings.engine !== "tone") void speechEngine(); // the speech engine too (cached for the process)
  }

  /** Releases the encoder, once it is open. */
  #release(): void {
    this.#opening.then(
      (encoder) => encoder.close(),
      () => {},
    );
  }

  /** Text has arrived: buffer it, and generate what the schedule (or the flags) say is ready. */
  add(text: string, flags: { flush?: boolean; tryTrigger?: boolean } = {}): void {
    this.#buffer += text;
    if (flags.flush) return this.flush();
    const { schedule, autoMode, triggerMinimum } = this.settings;
    if (autoMode) {
      this.#cut(lastBoundary(this.#buffer));
      return;
    }
    for (;;) {
      const threshold = schedule[Math.min(this.#generations, schedule.length - 1)] ?? 0;
      const cut = lastBoundary(this.#buffer);
      if (codePoints(this.#buffer) < threshold || cut === 0 || !this.#cut(cut)) break;
    }
    if (flags.tryTrigger && codePoints(this.#buffer) >= triggerMinimum) this.#cut(lastBoundary(this.#buffer));
  }

  /** Everything buffered becomes a generation (whitespace alone waits for the next text). */
  flush(): void {
    this.#cut(this.#buffer.length);
  }

  /** Generates `buffer[0, at)`, when it has something to say (whitespace alone stays); true when it does. */
  #cut(at: number): boolean {
    const text = this.#buffer.slice(0, at);
    if (!hasSpeech(text)) return false;
    this.#buffer = this.#buffer.slice(at);
    this.#generations++;
    this.#queue.push(text);
    this.#pump ??= this.#run();
    return true;
  }

  async #run(): Promise<void> {
    try {
      for (let text = this.#queue.shift(); text !== undefined && !this.#aborted; text = this.#queue.shift()) {
        await this.#generate(text);
      }
    } catch (error) {
      this.#failure = error;
      this.#aborted = true;
      this.output.fail(error);
    } finally {
      this.#pump = undefined;
      if (this.#aborted) this.#release();
    }
  }

  /**
   * Ends the context: with `flush`, the buffered text is generated first (the end of input); without it, it is
   * dropped (a closed context). Resolves once every queued generation and the encoder's last bytes are sent; rejects
   * with what stopped a generation (a QuotaRefusal, a synthesis error).
   */
  async end(flush: boolean): Promise<void> {
    if (flush) this.flush();
    while (this.#pump) await this.#pump;
    if (this.#failure !== undefined) throw this.#failure;
    const encoder = this.#encoder;
    // Without audio, whitespace alone is not spoken and has nothing to go with.
    if (this.#aborted || encoder === undefined) return this.abort();
    const rest = flush ? [...this.#buffer] : [];
    this.#buffer = "";
    const tail = encoder.finish();
    encoder.close();
    if (tail.bytes.length === 0 && rest.length === 0) return;
    // Whitespace after the last generation takes no time, at the end of the audio.
    const end = Math.round((tail.samples * 1000) / encoder.rate);
    await this.output.audio({
      audio: Buffer.from(tail.bytes).toString("base64"),
      alignment:
        rest.length === 0
          ? null
          : { chars: rest, charStartTimesMs: rest.map(() => end), charsDurationsMs: rest.map(() => 0) },
      normalizedAlignment: null,
    });
  }

  /** Stops generating (the socket is gone, or the context ended); releases the encoder once nothing uses it. */
  abort(): void {
    this.#aborted = true;
    this.#queue = [];
    if (!this.#pump) this.#release();
  }

  async #generate(text: string): Promise<void> {
    const refusal = this.output.charge(codePoints(text));
    if (refusal !== undefined) throw new QuotaRefusal(refusal);
    const { voiceId, seed, engine, chunkMs } = this.settings;
    const encoder = (this.#encoder ??= await this.#opening);
    const rate = encoder.rate;
    const base = encoder.fed;
    const chunk = Math.max(1, Math.round((rate * chunkMs) / 1000));
    const segments = [];
    this.#sent = 0;
    this.#normalizedSent = 0;
    for await (const { timing, samples } of speak({ text, voiceId, seed, sampleRate: rate }, engine, base)) {
      if (this.#aborted) return;
      segments.push(timing);
      this.#line = timeline(text, segments, rate);
      for (let at = 0; at < samples.length; at += chunk) {
        const piece = encoder.encode(samples.subarray(at, at + chunk));
        if (piece.bytes.length > 0) await this.#hold(piece, encoder.played - piece.samples);
        if (this.#aborted) return;
      }
    }
    const end = segments.reduce((n, s) => n + s.samples, base);
    const last = encoder.padTo(end);
    if (last.bytes.length > 0) await this.#hold(last, encoder.played - last.samples);
    // The generation's last message carries every character not sent yet.
    const held = this.#held;
    this.#held = undefined;
    if (held) await this.#send(held, true);
  }

  /** Keeps `piece` back until the next one comes, so that the generation's last message is known as the last. */
  async #hold(piece: EncodedPiece, from: number): Promise<void> {
    const previous = this.#held;
    this.#held = { piece, from };
    if (previous) await this.#send(previous, false);
  }

  async #send({ piece, from }: Held, last: boolean): Promise<void> {
    const line = this.#line;
    const encoder = this.#encoder;
    if (!line || !encoder) return;
    const { rate, delay } = encoder;
    const until = from + piece.samples;
    const ms = (position: number): number => Math.max(0, Math.round(((position + delay - from) * 1000) / rate));
    const take = (
      count: number,
      known: number,
      characters: string[],
      source: (i: number) => number,
      sent: number,
    ): CharacterTimes | null => {
      const chars: string[] = [];
      const starts: number[] = [];
      const durations: number[] = [];
      for (let i = sent; i < count; i++) {
        const s = line.start[source(i)] ?? 0;
        if (!last && (i >= known || s + delay >= until)) break;
        const start = ms(s);
        chars.push(characters[i] ?? "");
        starts.push(start);
        durations.push(Math.max(0, ms(line.end[source(i)] ?? s) - start));
      }
      return chars.length === 0 ? null : { chars, charStartTimesMs: starts, charsDurationsMs: durations };
    };
    const alignment = take(line.characters.length, line.known, line.characters, (i) => i, this.#sent);
    const { normalized } = line;
    const normalizedAlignment = take(
      normalized.characters.length,
      normalized.known,
      normalized.characters,
      (k) => normalized.source[k] ?? 0,
      this.#normalizedSent,
    );
    this.#sent += alignment?.chars.length ?? 0;
    this.#normalizedSent += normalizedAlignment?.chars.length ?? 0;
    await this.output.audio({ audio: Buffer.from(piece.bytes).toString("base64"), alignment, normalizedAlignment });
  }
}
