/**
 * Strict structural checks for audio bytes, for tests. Decoders resynchronise silently over damage (a flipped header
 * bit, garbage between frames, a cut-off last frame); these walkers refuse it and say where.
 */

export class AudioCheckError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = "AudioCheckError";
  }
}

// ---------------------------------------------------------------------------------------------------------------
// MP3

export type MpegVersion = "1" | "2" | "2.5";
export type ChannelMode = "stereo" | "joint-stereo" | "dual-channel" | "mono";

export interface Mp3Frame {
  offset: number;
  version: MpegVersion;
  /** kbps */
  bitrate: number;
  /** Hz */
  sampleRate: number;
  padding: boolean;
  /** bytes, header included */
  length: number;
  /** PCM samples per channel in this frame */
  samples: number;
  channelMode: ChannelMode;
  /** true when a 16-bit CRC follows the header */
  crc: boolean;
  /** true for a Xing/Info (VBR/LAME tag) frame, which carries no audio */
  infoFrame: boolean;
}

export interface Mp3Walk {
  /** bytes of ID3v2 tag(s) skipped at the start */
  id3v2Length: number;
  /** a 128-byte ID3v1 tag at the end */
  id3v1: boolean;
  frames: Mp3Frame[];
  /** frames carrying audio (Xing/Info excluded) */
  audioFrames: Mp3Frame[];
  /** the Xing/Info frame, when the first frame is one */
  infoFrame?: { offset: number; tag: "Xing" | "Info"; lame: boolean };
  /** distinct values over the audio frames */
  sampleRates: number[];
  bitrates: number[];
  totalSamples: number;
  /** totalSamples / sampleRate (encoder delay and padding included) */
  durationSeconds: number;
}

const MP3_RATES: Record<MpegVersion, readonly number[]> = {
  "1": [44100, 48000, 32000],
  "2": [22050, 24000, 16000],
  "2.5": [11025, 12000, 8000],
};
const MP3_KBPS_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MP3_KBPS_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const CHANNEL_MODES: readonly ChannelMode[] = ["stereo", "joint-stereo", "dual-channel", "mono"];

function byteAt(bytes: Uint8Array, index: number): number {
  const value = bytes[index];
  if (value === undefined) throw new AudioCheckError("unexpected end of data", index);
  return value;
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

interface RawMp3Header {
  frame: Omit<Mp3Frame, "infoFrame">;
  /** header bits that must not change between frames of one stream */
  fixedBits: number;
}

function parseMp3Header(bytes: Uint8Array, offset: number): RawMp3Header {
  if (offset + 4 > bytes.length) {
    throw new AudioCheckError(`truncated MPEG frame header: ${bytes.length - offset} trailing byte(s)`, offset);
  }
  const b0 = byteAt(bytes, offset);
  const b1 = byteAt(bytes, offset + 1);
  const b2 = byteAt(bytes, offset + 2);
  const b3 = byteAt(bytes, offset + 3);
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) {
    throw new AudioCheckError(
      `no MPEG frame sync (found ${[b0, b1].map((b) => b.toString(16).padStart(2, "0")).join(" ")}): garbage between frames or a corrupted frame length`,
      offset,
    );
  }
  const versionBits = (b1 >> 3) & 3;
  if (versionBits === 1) throw new AudioCheckError("reserved MPEG version", offset);
  const version: MpegVersion = versionBits === 3 ? "1" : versionBits === 2 ? "2" : "2.5";
  const layerBits = (b1 >> 1) & 3;
  if (layerBits !== 1) throw new AudioCheckError(`not Layer III (layer bits ${layerBits})`, offset);
  const crc = (b1 & 1) === 0;
  const bitrateIndex = b2 >> 4;
  if (bitrateIndex === 0) throw new AudioCheckError("free-format bitrate is not supported", offset);
  if (bitrateIndex === 15) throw new AudioCheckError("invalid bitrate index 15", offset);
  const rateIndex = (b2 >> 2) & 3;
  if (rateIndex === 3) throw new AudioCheckError("reserved sample rate index", offset);
  const bitrate = (version === "1" ? MP3_KBPS_V1 : MP3_KBPS_V2)[bitrateIndex] ?? 0;
  const sampleRate = MP3_RATES[version][rateIndex] ?? 0;
  const padding = (b2 & 2) !== 0;
  const channelMode = CHANNEL_MODES[b3 >> 6] ?? "stereo";
  if ((b3 & 3) === 2) throw new AudioCheckError("reserved emphasis value", offset);
  const samples = version === "1" ? 1152 : 576;
  const length = Math.floor(((samples / 8) * bitrate * 1000) / sampleRate) + (padding ? 1 : 0);
  // Everything except bitrate and padding (which legitimately vary) and mode extension in joint stereo.
  const fixedMask = channelMode === "joint-stereo" ? 0xffff0dcf : 0xffff0dff;
  const fixedBits = ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) & fixedMask;
  return { frame: { offset, version, bitrate, sampleRate, padding, length, samples, channelMode, crc }, fixedBits };
}

function infoTagOf(
  bytes: Uint8Array,
  frame: RawMp3Header["frame"],
): { tag: "Xing" | "Info"; lame: boolean } | undefined {
  const mono = frame.channelMode === "mono";
  const sideInfo = frame.version === "1" ? (mono ? 17 : 32) : mono ? 9 : 17;
  const at = frame.offset + 4 + (frame.crc ? 2 : 0) + sideInfo;
  const tag = ascii(bytes, at, 4);
  if (tag !== "Xing" && tag !== "Info") return undefined;
  const body = ascii(bytes, at, frame.length - (at - frame.offset));
  return { tag, lame: /LAME|Lavc|Lavf/.test(body) };
}

/**
 * Walks an MP3 (MPEG-1/2/2.5 Layer III) byte by byte: skips ID3v2 tags, then requires every following byte to belong
 * to a frame whose header is valid and consistent with the first one, up to an optional ID3v1 tag. Throws
 * AudioCheckError on a truncated frame, garbage between frames, or a corrupted header.
 *
 * With `cbr: true`, every audio frame must also have the first audio frame's bitrate. A flipped bitrate bit can, by
 * chance, make a frame exactly as long as itself plus the next one (417 + 418 bytes at 128 → 256 kbps), which no
 * structural walk can see; a constant-bitrate stream catches it.
 */
export function walkMp3Frames(bytes: Uint8Array, options: { cbr?: boolean } = {}): Mp3Walk {
  let offset = 0;
  while (offset + 10 <= bytes.length && ascii(bytes, offset, 3) === "ID3") {
    const size =
      ((byteAt(bytes, offset + 6) & 0x7f) << 21) |
      ((byteAt(bytes, offset + 7) & 0x7f) << 14) |
      ((byteAt(bytes, offset + 8) & 0x7f) << 7) |
      (byteAt(bytes, offset + 9) & 0x7f);
    const footer = (byteAt(bytes, offset + 5) & 0x10) !== 0 ? 10 : 0;
    offset += 10 + size + footer;
    if (offset > bytes.length) throw new AudioCheckError("truncated ID3v2 tag", offset);
  }
  const id3v2Length = offset;
  const frames: Mp3Frame[] = [];
  let first: RawMp3Header | undefined;
  let infoFrame: Mp3Walk["infoFrame"];
  let id3v1 = false;
  while (offset < bytes.length) {
    if (bytes.length - offset === 128 && ascii(bytes, offset, 3) === "TAG") {
      id3v1 = true;
      break;
    }
    const { frame: header, fixedBits } = parseMp3Header(bytes, offset);
    if (offset + header.length > bytes.length) {
      throw new AudioCheckError(
        `truncated last frame: needs ${header.length} bytes, ${bytes.length - offset} left (frame ${frames.length})`,
        offset,
      );
    }
    if (first && fixedBits !== first.fixedBits) {
      throw new AudioCheckError(
        `frame ${frames.length} header is inconsistent with the first frame (${header.version}/${header.sampleRate} Hz/${header.channelMode}/crc ${header.crc} vs ${first.frame.version}/${first.frame.sampleRate} Hz/${first.frame.channelMode}/crc ${first.frame.crc}, or a flag bit differs)`,
        offset,
      );
    }
    const info = frames.length === 0 ? infoTagOf(bytes, header) : undefined;
    if (info) infoFrame = { offset, ...info };
    const firstAudio = frames.find((f) => !f.infoFrame);
    if (options.cbr && !info && firstAudio && header.bitrate !== firstAudio.bitrate) {
      throw new AudioCheckError(
        `frame ${frames.length} is ${header.bitrate} kbps in a constant-bitrate stream of ${firstAudio.bitrate} kbps`,
        offset,
      );
    }
    first ??= { frame: header, fixedBits };
    frames.push({ ...header, infoFrame: info !== undefined });
    offset += header.length;
  }
  if (frames.length === 0) throw new AudioCheckError("no MPEG audio frames", id3v2Length);
  const audioFrames = frames.filter((f) => !f.infoFrame);
  const totalSamples = audioFrames.reduce((sum, f) => sum + f.samples, 0);
  const sampleRate = frames[0]?.sampleRate ?? 1;
  const result: Mp3Walk = {
    id3v2Length,
    id3v1,
    frames,
    audioFrames,
    sampleRates: [...new Set(audioFrames.map((f) => f.sampleRate))],
    bitrates: [...new Set(audioFrames.map((f) => f.bitrate))],
    totalSamples,
    durationSeconds: totalSamples / sampleRate,
  };
  if (infoFrame) result.infoFrame = infoFrame;
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Ogg / Opus

export interface OggPage {
  offset: number;
  /** header_type flags */
  continued: boolean;
  bos: boolean;
  eos: boolean;
  /** -1n when no packet ends on the page */
  granule: bigint;
  serial: number;
  sequence: number;
  segments: number;
  /** bytes, header included */
  length: number;
  /** packets that end on this page */
  packetsEnded: number;
}

export interface OpusHead {
  version: number;
  channels: number;
  preSkip: number;
  /** the "input sample rate" field */
  sampleRate: number;
  outputGain: number;
  mappingFamily: number;
}

export interface OggOpusParse {
  pages: OggPage[];
  /** every packet, headers included */
  packets: Uint8Array[];
  serial: number;
  opusHead: OpusHead;
  opusTags: { vendor: string; comments: string[] };
  /** packets after the two header packets */
  audioPackets: Uint8Array[];
  /** 48 kHz samples per audio packet, from each packet's TOC byte */
  packetSamples: number[];
  finalGranule: bigint;
  /** (final granule − pre-skip) / 48 000 */
  durationSeconds: number;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg CRC-32 of `bytes` (polynomial 0x04c11db7, init 0, unreflected). */
export function oggCrc32(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ byte) & 0xff] ?? 0)) >>> 0;
  return crc;
}

/** 48 kHz samples in one Opus packet (RFC 6716 §3.1 TOC byte and frame count). */
export function opusPacketSamples(packet: Uint8Array): number {
  const toc = packet[0];
  if (toc === undefined) throw new Error("empty Opus packet");
  const config = toc >> 3;
  let frameTenthsMs: number;
  if (config < 12) frameTenthsMs = [100, 200, 400, 600][config % 4] ?? 0;
  else if (config < 16) frameTenthsMs = [100, 200][config % 2] ?? 0;
  else frameTenthsMs = [25, 50, 100, 200][config % 4] ?? 0;
  const code = toc & 3;
  const count = code === 0 ? 1 : code === 3 ? (packet[1] ?? 0) & 0x3f : 2;
  return (count * frameTenthsMs * 48) / 10;
}

/**
 * Walks an Ogg Opus stream page by page: capture pattern, version, CRC-32, one serial, page sequence, BOS/EOS flags,
 * packet continuation, OpusHead and OpusTags (RFC 7845), and granule positions that grow by exactly the duration of
 * the packets ending on each page (the last page may trim). Throws AudioCheckError on any violation, including a
 * truncated or corrupted page.
 */
export function parseOggPages(bytes: Uint8Array): OggOpusParse {
  const pages: OggPage[] = [];
  const packets: Uint8Array[] = [];
  const packetPage: number[] = [];
  let partial: Uint8Array[] = [];
  let offset = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (offset < bytes.length) {
    if (bytes.length - offset < 27) throw new AudioCheckError("truncated Ogg page header", offset);
    if (ascii(bytes, offset, 4) !== "OggS") throw new AudioCheckError("no OggS capture pattern", offset);
    const version = byteAt(bytes, offset + 4);
    if (version !== 0) throw new AudioCheckError(`unknown Ogg version ${version}`, offset);
    const flags = byteAt(bytes, offset + 5);
    if ((flags & ~7) !== 0) throw new AudioCheckError(`reserved header_type bits set (${flags})`, offset);
    const granule = view.getBigInt64(offset + 6, true);
    const serial = view.getUint32(offset + 14, true);
    const sequence = view.getUint32(offset + 18, true);
    const storedCrc = view.getUint32(offset + 22, true);
    const segments = byteAt(bytes, offset + 26);
    if (offset + 27 + segments > bytes.length) throw new AudioCheckError("truncated Ogg segment table", offset);
    const lacing = bytes.subarray(offset + 27, offset + 27 + segments);
    const bodyLength = lacing.reduce((sum, v) => sum + v, 0);
    const length = 27 + segments + bodyLength;
    if (offset + length > bytes.length) {
      throw new AudioCheckError(`truncated Ogg page: needs ${length} bytes, ${bytes.length - offset} left`, offset);
    }
    const page = bytes.slice(offset, offset + length);
    page.fill(0, 22, 26);
    const crc = oggCrc32(page);
    if (crc !== storedCrc) {
      throw new AudioCheckError(
        `Ogg page ${pages.length} CRC mismatch (stored ${storedCrc.toString(16)}, computed ${crc.toString(16)})`,
        offset,
      );
    }
    const continued = (flags & 1) !== 0;
    if (continued !== partial.length > 0) {
      throw new AudioCheckError(
        continued ? "continued-packet flag set but no packet is open" : "previous page left a packet open",
        offset,
      );
    }
    if (pages.length > 0 && serial !== pages[0]?.serial) throw new AudioCheckError("second logical stream", offset);
    if (sequence !== pages.length) {
      throw new AudioCheckError(`page sequence ${sequence}, expected ${pages.length} (lost or reordered page)`, offset);
    }
    const bos = (flags & 2) !== 0;
    if (bos !== (pages.length === 0)) throw new AudioCheckError("BOS flag must be set on the first page only", offset);
    let at = offset + 27 + segments;
    let packetsEnded = 0;
    for (const size of lacing) {
      partial.push(bytes.subarray(at, at + size));
      at += size;
      if (size < 255) {
        const total = partial.reduce((sum, p) => sum + p.length, 0);
        const packet = new Uint8Array(total);
        let p = 0;
        for (const piece of partial) {
          packet.set(piece, p);
          p += piece.length;
        }
        packets.push(packet);
        packetPage.push(pages.length);
        partial = [];
        packetsEnded++;
      }
    }
    if (packetsEnded === 0 && granule !== -1n) {
      throw new AudioCheckError("page ends no packet but its granule position is not -1", offset);
    }
    pages.push({
      offset,
      continued,
      bos,
      eos: (flags & 4) !== 0,
      granule,
      serial,
      sequence,
      segments,
      length,
      packetsEnded,
    });
    offset += length;
  }
  const last = pages[pages.length - 1];
  if (!last) throw new AudioCheckError("no Ogg pages", 0);
  if (!last.eos) throw new AudioCheckError("last page lacks the EOS flag (stream cut short?)", last.offset);
  const earlyEos = pages.find((p) => p.eos && p !== last);
  if (earlyEos) throw new AudioCheckError("EOS flag before the last page", earlyEos.offset);
  if (partial.length > 0) throw new AudioCheckError("stream ends inside a packet", last.offset);

  // OpusHead alone on page 0; OpusTags from page 1; audio from a fresh page (RFC 7845 §3).
  const [head, tags] = packets;
  if (!head || ascii(head, 0, 8) !== "OpusHead" || head.length < 19) {
    throw new AudioCheckError("first packet is not OpusHead", 0);
  }
  if (packetPage[0] !== 0 || pages[0]?.packetsEnded !== 1 || pages[1]?.continued) {
    throw new AudioCheckError("OpusHead must be alone on the first page", 0);
  }
  const headView = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const opusHead: OpusHead = {
    version: byteAt(head, 8),
    channels: byteAt(head, 9),
    preSkip: headView.getUint16(10, true),
    sampleRate: headView.getUint32(12, true),
    outputGain: headView.getInt16(16, true),
    mappingFamily: byteAt(head, 18),
  };
  if (!tags || ascii(tags, 0, 8) !== "OpusTags") throw new AudioCheckError("second packet is not OpusTags", 0);
  const tagsView = new DataView(tags.buffer, tags.byteOffset, tags.byteLength);
  const vendorLength = tagsView.getUint32(8, true);
  const vendor = new TextDecoder().decode(tags.subarray(12, 12 + vendorLength));
  const comments: string[] = [];
  let cursor = 12 + vendorLength;
  const commentCount = tagsView.getUint32(cursor, true);
  cursor += 4;
  for (let i = 0; i < commentCount; i++) {
    const len = tagsView.getUint32(cursor, true);
    comments.push(new TextDecoder().decode(tags.subarray(cursor + 4, cursor + 4 + len)));
    cursor += 4 + len;
  }
  if (cursor > tags.length) throw new AudioCheckError("OpusTags overruns its packet", 0);
  const tagsPage = packetPage[1] ?? 0;
  if (pages[tagsPage]?.packetsEnded !== 1 || pages[tagsPage + 1]?.continued) {
    throw new AudioCheckError("audio must start on the page after OpusTags", pages[tagsPage]?.offset ?? 0);
  }

  // Granule positions: header pages 0; then each page grows by the samples of the packets ending on it, except
  // that the last page may be smaller (end trimming) but never at or below the previous one.
  const audioPackets = packets.slice(2);
  const packetSamples = audioPackets.map((packet) => opusPacketSamples(packet));
  const audioPages = pages.filter((p) => p.sequence > tagsPage && p.packetsEnded > 0);
  for (const p of pages.slice(0, tagsPage + 1)) {
    if (p.packetsEnded > 0 && p.granule !== 0n) throw new AudioCheckError("header page granule is not 0", p.offset);
  }
  if (audioPages.length === 0) throw new AudioCheckError("no audio pages", last.offset);
  let previous: bigint | undefined;
  let packetIndex = 0;
  for (const p of audioPages) {
    let samples = 0;
    for (let i = 0; i < p.packetsEnded; i++) samples += packetSamples[packetIndex++] ?? 0;
    if (previous === undefined) {
      if (p !== last && p.granule < BigInt(samples)) {
        throw new AudioCheckError(`first audio page granule ${p.granule} is below its ${samples} samples`, p.offset);
      }
    } else {
      if (p.granule <= previous) {
        throw new AudioCheckError(`granule position ${p.granule} does not grow (previous ${previous})`, p.offset);
      }
      const expected = previous + BigInt(samples);
      if (p === last ? p.granule > expected : p.granule !== expected) {
        throw new AudioCheckError(
          `granule position ${p.granule} does not match the packets on the page (expected ${expected})`,
          p.offset,
        );
      }
    }
    previous = p.granule;
  }
  const finalGranule = last.granule;
  return {
    pages,
    packets,
    serial: pages[0]?.serial ?? 0,
    opusHead,
    opusTags: { vendor, comments },
    audioPackets,
    packetSamples,
    finalGranule,
    durationSeconds: Number(finalGranule - BigInt(opusHead.preSkip)) / 48000,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Raw PCM / G.711

export type RawCodec = "pcm" | "ulaw" | "alaw";

/** Bytes per sample: 2 for s16le PCM, 1 for μ-law and A-law. */
export function bytesPerSample(codec: RawCodec): number {
  return codec === "pcm" ? 2 : 1;
}

/** Duration of headerless mono audio; throws when the byte count is not a whole number of samples. */
export function rawAudioDuration(
  codec: RawCodec,
  sampleRate: number,
  byteLength: number,
): { samples: number; durationSeconds: number } {
  const width = bytesPerSample(codec);
  if (byteLength % width !== 0) {
    throw new AudioCheckError(
      `${byteLength} bytes is not a whole number of ${width}-byte ${codec} samples`,
      byteLength,
    );
  }
  const samples = byteLength / width;
  return { samples, durationSeconds: samples / sampleRate };
}

/** Bytes of headerless mono audio for `seconds` at `sampleRate` (rounded down to whole samples). */
export function rawAudioBytes(codec: RawCodec, sampleRate: number, seconds: number): number {
  return Math.floor(seconds * sampleRate) * bytesPerSample(codec);
}

/** Decodes s16le bytes to samples. */
export function pcm16le(bytes: Uint8Array): Int16Array {
  const { samples } = rawAudioDuration("pcm", 1, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = view.getInt16(2 * i, true);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding, to compare content across formats

interface OpusDecoderExports {
  memory: WebAssembly.Memory;
  __wasm_call_ctors(): void;
  malloc(size: number): number;
  free(ptr: number): void;
  opus_decoder_create(rate: number, channels: number, errorPtr: number): number;
  opus_decode_float(decoder: number, data: number, length: number, pcm: number, frameSize: number, fec: number): number;
  opus_decoder_destroy(decoder: number): void;
}

let opusDecoder: Promise<OpusDecoderExports> | undefined;

function loadOpusDecoder(): Promise<OpusDecoderExports> {
  opusDecoder ??= (async () => {
    const { createRequire } = await import("node:module");
    const { readFile } = await import("node:fs/promises");
    const path = createRequire(import.meta.url).resolve("opus-encdec/dist/libopus-decoder.wasm.wasm");
    const bound: { memory?: WebAssembly.Memory } = {};
    const { instance } = await WebAssembly.instantiate(await readFile(path), {
      env: {
        emscripten_resize_heap: (requested: number) => {
          const memory = bound.memory;
          if (!memory) return 0;
          const grow = Math.ceil((requested - memory.buffer.byteLength) / 65536);
          if (grow > 0) memory.grow(grow);
          return 1;
        },
        emscripten_memcpy_big: (dest: number, src: number, count: number) => {
          if (bound.memory) new Uint8Array(bound.memory.buffer).copyWithin(dest, src, src + count);
        },
        abort: () => {
          throw new Error("libopus decoder aborted");
        },
        setTempRet0: () => undefined,
      },
      wasi_snapshot_preview1: { fd_close: () => 0, fd_write: () => 0, fd_seek: () => 70 },
    });
    const exports = instance.exports as unknown as OpusDecoderExports;
    bound.memory = exports.memory;
    exports.__wasm_call_ctors();
    return exports;
  })();
  return opusDecoder;
}

/**
 * Decodes an Ogg Opus stream (validated with parseOggPages) with libopus to 48 kHz mono float samples, applying the
 * pre-skip and the end trimming of the final granule position. Uses the decoder wasm shipped in `opus-encdec`.
 */
export async function decodeOggOpus(bytes: Uint8Array): Promise<Float32Array> {
  const { opusHead, audioPackets, finalGranule } = parseOggPages(bytes);
  if (opusHead.channels !== 1) throw new Error("decodeOggOpus handles mono streams only");
  const lib = await loadOpusDecoder();
  const maxFrame = 5760; // 120 ms at 48 kHz
  const err = lib.malloc(4);
  const data = lib.malloc(1500 * 3);
  const pcm = lib.malloc(maxFrame * 4);
  const decoder = lib.opus_decoder_create(48000, 1, err);
  try {
    if (decoder === 0) throw new Error("opus_decoder_create failed");
    const out = new Float32Array(Number(finalGranule));
    let at = 0;
    for (const packet of audioPackets) {
      new Uint8Array(lib.memory.buffer).set(packet, data);
      const n = lib.opus_decode_float(decoder, data, packet.length, pcm, maxFrame, 0);
      if (n < 0) throw new Error(`opus_decode_float failed with ${n}`);
      const decoded = new Float32Array(lib.memory.buffer, pcm, n);
      out.set(decoded.subarray(0, Math.max(0, Math.min(n, out.length - at))), at);
      at += n;
    }
    return out.slice(opusHead.preSkip);
  } finally {
    if (decoder !== 0) lib.opus_decoder_destroy(decoder);
    lib.free(err);
    lib.free(data);
    lib.free(pcm);
  }
}

/** RMS per window of `windowSamples`, for comparing loudness envelopes across codecs. */
export function rmsEnvelope(samples: ArrayLike<number>, windowSamples: number): number[] {
  const out: number[] = [];
  for (let at = 0; at + windowSamples <= samples.length; at += windowSamples) {
    let sum = 0;
    for (let i = at; i < at + windowSamples; i++) sum += (samples[i] ?? 0) ** 2;
    out.push(Math.sqrt(sum / windowSamples));
  }
  return out;
}

/** Pearson correlation of two equally long series (the shorter length is used). */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] ?? 0;
    mb += b[i] ?? 0;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = (a[i] ?? 0) - ma;
    const y = (b[i] ?? 0) - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}
