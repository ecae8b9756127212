/**
 * Node-only: play audio through `mpv` or `ffplay`, whichever is installed, as the official SDK's play() does. The
 * audio is piped to the player's stdin as it arrives, so playback starts before the download ends.
 */
import { delimiter, join } from "node:path";

import { chunks, type AudioSource } from "../core/chunks.js";
import { ElevenLabsAbortError, ElevenLabsError } from "../core/errors.js";

export type { AudioSource };

export interface PlayOptions {
  /** Stops playback: the player is killed, and play() rejects with an `ElevenLabsAbortError`. */
  signal?: AbortSignal | undefined;
}

interface Player {
  command: string;
  args: string[];
}

const PLAYERS: Record<"mpv" | "ffplay", string[]> = {
  mpv: ["--no-terminal", "--no-video", "--cache=no", "--"],
  ffplay: ["-autoexit", "-nodisp", "-loglevel", "error", "-i", "pipe:0"],
};

/** Neither mpv nor ffplay is on PATH. An ElevenLabsError, as everything the package throws. */
export class PlayerNotFoundError extends ElevenLabsError {
  override name = "PlayerNotFoundError";
  constructor() {
    super(
      "play() needs mpv or ffplay on PATH, and neither was found. Install one: " +
        "mpv (https://mpv.io: `apt install mpv`, `brew install mpv`, `winget install mpv`) or " +
        "ffmpeg, which provides ffplay (`apt install ffmpeg`, `brew install ffmpeg`). " +
        "Or save the audio to a file instead: `await writeFile('speech.mp3', await audio.bytes())`.",
    );
  }
}

// node:child_process and node:fs/promises are imported when play() runs, not when the package is imported: they
// pull in net, dgram and the stream internals, and importing the package is held to +25 ms and +6 MiB at most.
async function onPath(name: string): Promise<string | undefined> {
  const [{ access }, { constants }] = await Promise.all([import("node:fs/promises"), import("node:fs")]);
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  const names = process.platform === "win32" ? [`${name}.exe`, name] : [name];
  for (const dir of dirs) {
    for (const n of names) {
      const candidate = join(dir, n);
      try {
        await access(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** mpv when installed, else ffplay; PlayerNotFoundError when neither is (checked before anything is billed). */
export async function findPlayer(): Promise<Player> {
  for (const name of ["mpv", "ffplay"] as const) {
    const command = await onPath(name);
    if (command) return { command, args: PLAYERS[name].concat(name === "mpv" ? ["-"] : []) };
  }
  throw new PlayerNotFoundError();
}

/**
 * The chunks of a source, one at a time; `leave()` releases it, and cancels it when it did not end. A ReadableStream
 * is read through its own reader, whose cancel() also ends a read that is waiting.
 */
function pull(audio: AudioSource): {
  next(): Promise<IteratorResult<Uint8Array, unknown>>;
  leave(finished: boolean): Promise<void>;
} {
  if (typeof (audio as ReadableStream).getReader === "function") {
    const reader = (audio as ReadableStream<Uint8Array>).getReader();
    return {
      next: () => reader.read() as Promise<IteratorResult<Uint8Array, unknown>>,
      leave: async (finished) => {
        if (!finished) await reader.cancel().catch(() => undefined);
        reader.releaseLock();
      },
    };
  }
  const iterator = chunks(audio)[Symbol.asyncIterator]();
  return {
    next: () => iterator.next(),
    leave: async (finished) => {
      if (!finished) void iterator.return(undefined).catch(() => undefined); // queued behind a read that waits
    },
  };
}

async function pipeTo(player: Player, audio: AudioSource, signal: AbortSignal | undefined): Promise<void> {
  const aborted = (): ElevenLabsAbortError => new ElevenLabsAbortError("play() was aborted", { cause: signal?.reason });
  const { spawn } = await import("node:child_process");
  if (signal?.aborted) throw aborted();
  const child = spawn(player.command, player.args, { stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) resolve();
      else reject(new ElevenLabsError(`${player.command} exited with ${signal ?? `code ${code}`}: ${stderr.trim()}`));
    });
  });
  child.stdin.on("error", () => undefined); // the player quit early; `exited` reports why
  const gone = exited.then(
    () => undefined,
    () => undefined,
  );
  let quit = false;
  void gone.then(() => (quit = true));
  const kill = (): void => void child.kill();
  signal?.addEventListener("abort", kill, { once: true });
  // Chunks go to the player as they come. A player that quits (or is killed) ends the loop, even while the source
  // waits for its next chunk, and the source is cancelled.
  const source = pull(audio);
  let finished = false;
  try {
    for (;;) {
      const next = await Promise.race([source.next(), gone]);
      if (quit || !next || next.done) {
        finished = next?.done === true;
        break;
      }
      if (!child.stdin.write(next.value)) await Promise.race([new Promise((r) => child.stdin.once("drain", r)), gone]);
    }
  } finally {
    child.stdin.end();
    await source.leave(finished);
  }
  try {
    await exited;
  } catch (error) {
    if (signal?.aborted) throw aborted();
    throw error;
  } finally {
    signal?.removeEventListener("abort", kill);
  }
  if (signal?.aborted) throw aborted();
}

/**
 * Play audio to the end through mpv or ffplay, as it arrives. Resolves when playback finishes; rejects with an
 * `ElevenLabsAbortError` when `signal` aborts (the player is stopped).
 */
export async function play(audio: AudioSource, options: PlayOptions = {}): Promise<void> {
  await pipeTo(await findPlayer(), audio, options.signal);
}

/** The official SDK's name for playing while the audio streams in: play() already pipes chunks as they arrive. */
export const stream = play;
