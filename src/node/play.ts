/**
 * Node-only: play audio through `mpv` or `ffplay`, whichever is installed, as the official SDK's play() does. The
 * audio is piped to the player's stdin as it arrives, so playback starts before the download ends.
 */
import { delimiter, join } from "node:path";

import { chunks, type AudioSource } from "../core/chunks.js";
import { ElevenLabsError } from "../core/errors.js";

export type { AudioSource };

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

async function pipeTo(player: Player, audio: AudioSource): Promise<void> {
  const { spawn } = await import("node:child_process");
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
    () => true,
    () => true,
  );
  let quit = false;
  void gone.then(() => (quit = true));
  try {
    for await (const chunk of chunks(audio)) {
      if (quit) break;
      if (!child.stdin.write(chunk)) await Promise.race([new Promise((r) => child.stdin.once("drain", r)), gone]);
    }
  } finally {
    child.stdin.end();
  }
  await exited;
}

/** Play audio to the end through mpv or ffplay. Resolves when playback finishes. */
export async function play(audio: AudioSource): Promise<void> {
  await pipeTo(await findPlayer(), audio);
}

/** The official SDK's name for playing while the audio streams in: play() already pipes chunks as they arrive. */
export const stream = play;
