import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ElevenLabsAbortError, play, PlayerNotFoundError, stream } from "../../src/node/index.ts";
import { fakePlayers } from "../helpers/fake-players.ts";

const BYTES = Uint8Array.from({ length: 3000 }, (_, i) => i % 251);
const sources = () => ({
  "a Uint8Array": BYTES,
  "a ReadableStream": new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(BYTES.subarray(0, 1000));
      c.enqueue(BYTES.subarray(1000));
      c.close();
    },
  }),
  "an async iterable": (async function* () {
    yield BYTES.subarray(0, 10);
    yield BYTES.subarray(10);
  })(),
  "a Node Readable": Readable.from([Buffer.from(BYTES.subarray(0, 5)), Buffer.from(BYTES.subarray(5))]),
});

afterEach(() => vi.unstubAllEnvs());

describe("play() and stream() in Node", () => {
  for (const name of Object.keys(sources()) as (keyof ReturnType<typeof sources>)[]) {
    it(`pipes ${name} to mpv`, async () => {
      const players = await fakePlayers(["mpv", "ffplay"]);
      vi.stubEnv("PATH", players.bin);
      await play(sources()[name]);
      expect(Buffer.from(await readFile(`${players.log}.mpv.audio`))).toEqual(Buffer.from(BYTES));
      expect((await readFile(`${players.log}.mpv.args`, "utf8")).split("\n")).toContain("--no-terminal");
    });
  }

  it("falls back to ffplay when mpv is missing", async () => {
    const players = await fakePlayers(["ffplay"]);
    vi.stubEnv("PATH", players.bin);
    await stream(BYTES);
    expect(Buffer.from(await readFile(`${players.log}.ffplay.audio`))).toEqual(Buffer.from(BYTES));
    expect(await readFile(`${players.log}.ffplay.args`, "utf8")).toContain("-autoexit");
  });

  it("names both players and how to install them when neither is there", async () => {
    const players = await fakePlayers([]);
    vi.stubEnv("PATH", players.bin);
    const error = await play(BYTES).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlayerNotFoundError);
    expect((error as Error).message).toMatch(/mpv or ffplay/);
    expect((error as Error).message).toMatch(/apt install mpv/);
    expect((error as Error).message).toMatch(/ffmpeg/);
  });

  it("does not hang when the player quits before reading everything", async () => {
    const players = await fakePlayers(["mpv"], 0, false);
    vi.stubEnv("PATH", players.bin);
    const endless = new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(new Uint8Array(65536)) });
    await play(endless); // resolves with the player's exit instead of writing forever
  });

  it("reports a player that fails", async () => {
    const players = await fakePlayers(["mpv"], 3);
    vi.stubEnv("PATH", players.bin);
    await expect(play(BYTES)).rejects.toThrow(/exited with code 3/);
  });

  it("stops the player when its signal aborts, even while the source waits for its next chunk", async () => {
    const players = await fakePlayers(["mpv"]);
    vi.stubEnv("PATH", players.bin);
    let cancelled = false;
    const waiting = new ReadableStream<Uint8Array>({
      start: (c) => c.enqueue(BYTES),
      cancel: () => void (cancelled = true),
    });
    const stop = new AbortController();
    const playing = play(waiting, { signal: stop.signal });
    setTimeout(() => stop.abort(), 100);
    const started = Date.now();
    await expect(playing).rejects.toBeInstanceOf(ElevenLabsAbortError);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(cancelled).toBe(true);
    await expect(play(BYTES, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(ElevenLabsAbortError);
  });
});
