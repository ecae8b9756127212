/** A small Ogg page writer (RFC 3533) for one logical stream whose packets are each shorter than 65 025 bytes. */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's CRC-32: polynomial 0x04c11db7, initial value 0, no reflection, no final xor. */
export function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ byte) & 0xff] ?? 0)) >>> 0;
  return crc;
}

export const HEADER_BOS = 0x02;
export const HEADER_EOS = 0x04;

export class OggWriter {
  private sequence = 0;
  private packets: Uint8Array[] = [];
  private lacing = 0;
  private pendingGranule = 0n;
  private out: Uint8Array[] = [];

  constructor(private readonly serial: number) {}

  /** Queues a packet that ends at `granule`; emits a page first when the segment table would overflow. */
  add(packet: Uint8Array, granule: bigint): void {
    const segments = Math.floor(packet.length / 255) + 1;
    if (segments > 255) throw new Error(`Ogg packet of ${packet.length} bytes is too large for one page`);
    if (this.lacing + segments > 255) this.flush();
    this.packets.push(packet);
    this.lacing += segments;
    this.pendingGranule = granule;
  }

  /** Writes the queued packets as one page (if there are any, or always when `flags` mark the end of stream). */
  flush(flags = 0): void {
    if (this.packets.length === 0 && (flags & HEADER_EOS) === 0) return;
    const table: number[] = [];
    for (const packet of this.packets) {
      let left = packet.length;
      while (left >= 255) {
        table.push(255);
        left -= 255;
      }
      table.push(left);
    }
    const bodyLength = this.packets.reduce((sum, p) => sum + p.length, 0);
    const page = new Uint8Array(27 + table.length + bodyLength);
    const view = new DataView(page.buffer);
    page.set([0x4f, 0x67, 0x67, 0x53]); // "OggS"
    view.setUint8(4, 0); // version
    view.setUint8(5, flags | (this.sequence === 0 ? HEADER_BOS : 0));
    view.setBigUint64(6, this.pendingGranule, true);
    view.setUint32(14, this.serial, true);
    view.setUint32(18, this.sequence++, true);
    view.setUint8(26, table.length);
    page.set(table, 27);
    let at = 27 + table.length;
    for (const packet of this.packets) {
      page.set(packet, at);
      at += packet.length;
    }
    view.setUint32(22, oggCrc(page), true);
    this.out.push(page);
    this.packets = [];
    this.lacing = 0;
  }

  /** Returns and forgets the pages written so far, as one byte array. */
  take(): Uint8Array {
    const total = this.out.reduce((sum, page) => sum + page.length, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const page of this.out) {
      bytes.set(page, at);
      at += page.length;
    }
    this.out = [];
    return bytes;
  }
}
