/**
 * A `ws` client for tests of the local server's realtime WebSockets: every message received is kept, and every wait
 * is bounded (it fails with what was received so far instead of hanging).
 */
import WebSocket from "ws";
import type { IncomingMessage } from "node:http";
import { bytesPerSample, parseOggPages, walkMp3Frames } from "./audio-check.ts";

export type Message = Record<string, unknown>;

export interface Closed {
  code: number;
  reason: string;
}

export interface Times {
  chars: string[];
  charStartTimesMs: number[];
  charsDurationsMs: number[];
}

export class WsSession {
  readonly messages: Message[] = [];
  readonly closed: Promise<Closed>;
  /** How the socket closed, once it has. */
  ended: Closed | undefined;
  #waiters = new Set<() => void>();

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      this.messages.push(JSON.parse(String(data)) as Message);
      for (const wake of this.#waiters) wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on("close", (code, reason) => {
        this.ended = { code, reason: reason.toString() };
        resolve(this.ended);
        for (const wake of this.#waiters) wake();
      });
    });
    ws.on("error", () => {}); // the close event says how it ended
  }

  send(message: unknown): void {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** Resolves once `ready()` holds (checked at each message and at the close); rejects after `ms`. */
  until(ready: () => boolean, ms = 15_000, what = "the condition"): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}; received ${this.summary()}`));
      }, ms);
      const check = () => {
        if (!ready()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  /** The close, within `ms`. */
  async close(ms = 10_000): Promise<Closed> {
    await this.until(() => this.ended !== undefined, ms, "the close");
    return this.closed;
  }

  audioMessages(contextId?: string): Message[] {
    return this.messages.filter(
      (m) => typeof m.audio === "string" && (contextId === undefined || m.contextId === contextId),
    );
  }

  summary(): string {
    const kinds = this.messages.map((m) => (typeof m.audio === "string" ? "audio" : JSON.stringify(m).slice(0, 80)));
    return `${kinds.length} messages [${[...new Set(kinds)].join(", ")}]`;
  }
}

/** The ws:// URL of a channel of the local server. */
export function channelUrl(
  base: string,
  channel: "stream-input" | "multi-stream-input",
  query: Record<string, string> = {},
  voiceId = "JBFqnCBsd6RMkjVDRZzb",
): string {
  const url = new URL(`/v1/text-to-speech/${voiceId}/${channel}`, base.replace(/^http/, "ws"));
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.href;
}

/** Opens a socket (within 15 s); rejects with the handshake's status when it is refused. */
export function connect(url: string, headers: Record<string, string> = { "xi-api-key": "any" }): Promise<WsSession> {
  const ws = new WebSocket(url, { headers });
  const session = new WsSession(ws);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error("the handshake took over 15 s"));
    }, 15_000);
    ws.once("open", () => {
      clearTimeout(timer);
      resolve(session);
    });
    ws.once("unexpected-response", (_req, res: IncomingMessage) => {
      clearTimeout(timer);
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () =>
        reject(Object.assign(new Error(`handshake refused: ${res.statusCode}`), { status: res.statusCode, body })),
      );
    });
    ws.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export const audioOf = (messages: Message[]): Buffer =>
  Buffer.concat(messages.map((m) => Buffer.from(String(m.audio), "base64")));

/** Samples a decoder plays from `bytes` of `format` (MP3 frames, PCM bytes; not Opus: see messageDurations). */
export function playedSamples(format: string, bytes: Uint8Array): number {
  const [codec] = format.split("_") as [string];
  if (codec === "mp3") return bytes.length === 0 ? 0 : walkMp3Frames(bytes).totalSamples;
  return bytes.length / bytesPerSample(codec as "pcm" | "ulaw" | "alaw");
}

/**
 * Each message's decoded duration in ms: MP3 frames, PCM bytes, or, for Ogg Opus, how far the granule position of
 * its last page is past the previous message's (the pre-skip taken off).
 */
export function messageDurations(format: string, messages: Message[]): number[] {
  const [codec, rate] = format.split("_") as [string, string];
  const pieces = messages.map((m) => Buffer.from(String(m.audio), "base64"));
  if (codec !== "opus") return pieces.map((p) => (playedSamples(format, p) * 1000) / Number(rate));
  const parsed = parseOggPages(Buffer.concat(pieces));
  const preSkip = BigInt(parsed.opusHead.preSkip);
  let at = 0;
  let played = 0n;
  return pieces.map((piece) => {
    const end = at + piece.length;
    const last = parsed.pages.filter((p) => p.offset >= at && p.offset < end && p.granule >= 0n).at(-1);
    at = end;
    if (!last) return 0;
    const now = last.granule > preSkip ? last.granule - preSkip : 0n;
    const ms = Number(now - played) / 48;
    played = now;
    return ms;
  });
}

/** Seconds of audio in a whole stream of `format`. */
export function durationOf(format: string, bytes: Uint8Array): number {
  const [codec, rate] = format.split("_") as [string, string];
  if (codec === "opus") return parseOggPages(bytes).durationSeconds;
  return playedSamples(format, bytes) / Number(rate);
}

/**
 * The alignment of the audio messages on one timeline, in ms from the start of the audio: each message's times plus
 * the decoded duration of the messages before it.
 */
export function sessionTimeline(
  format: string,
  messages: Message[],
  field: "alignment" | "normalizedAlignment" = "alignment",
): { chars: string[]; starts: number[]; ends: number[]; totalMs: number } {
  const durations = messageDurations(format, messages);
  const chars: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let offset = 0;
  messages.forEach((m, i) => {
    const times = m[field] as Times | null | undefined;
    if (times) {
      times.chars.forEach((c, j) => {
        chars.push(c);
        starts.push(offset + (times.charStartTimesMs[j] ?? NaN));
        ends.push(offset + (times.charStartTimesMs[j] ?? NaN) + (times.charsDurationsMs[j] ?? NaN));
      });
    }
    offset += durations[i] ?? 0;
  });
  return { chars, starts, ends, totalMs: offset };
}
