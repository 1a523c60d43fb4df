// CRC-64 as Redis computes it for RDB files and DUMP payloads: the "Jones"
// polynomial (0xad93d23594c935a9), reflected input and output, initial value
// 0 and no final xor. Check value: crc64("123456789") = 0xe9c6d914c4b8d9ca.
//
// JS has no fast 64-bit integers, so the register is two 32-bit halves and the
// byte-at-a-time table is split the same way (slicing by one byte is plenty:
// RDB writing is dominated by building the buffers, not by the checksum).

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);

(function buildTables(): void {
  // The reflected polynomial: bit-reversal of 0xad93d23594c935a9.
  const polyHi = 0x95ac9329;
  const polyLo = 0xac4bc9b5;
  for (let n = 0; n < 256; n++) {
    let hi = 0;
    let lo = n;
    for (let k = 0; k < 8; k++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (carry) {
        hi = (hi ^ polyHi) >>> 0;
        lo = (lo ^ polyLo) >>> 0;
      }
    }
    TABLE_HI[n] = hi;
    TABLE_LO[n] = lo;
  }
})();

/** The byte loop; the state is [hi, lo]. */
function crcBytes(state: Uint32Array, data: Uint8Array, start: number, end: number): void {
  let hi = state[0];
  let lo = state[1];
  for (let i = start; i < end; i++) {
    const index = (lo ^ data[i]) & 0xff;
    // crc = table[index] ^ (crc >>> 8)
    const shiftedLo = ((lo >>> 8) | ((hi & 0xff) << 24)) >>> 0;
    const shiftedHi = hi >>> 8;
    hi = (TABLE_HI[index] ^ shiftedHi) >>> 0;
    lo = (TABLE_LO[index] ^ shiftedLo) >>> 0;
  }
  state[0] = hi;
  state[1] = lo;
}

// A few short calls first, so that every site in crcBytes has type feedback
// (V8 allocates the feedback vector only after some calls) before a long call
// (an RDB load, a snapshot chunk) enters it by on-stack replacement. Without
// them, the OSR code, compiled while the stores after the loop had never run,
// deoptimized at the end of every later call, each call re-entering the same
// cached OSR code (--trace-deopt: 380 deopts in one 1M-key BGSAVE).
for (let i = 0, state = new Uint32Array(2), bytes = Buffer.alloc(64); i < 32; i++) crcBytes(state, bytes, 0, bytes.length);

/** A running CRC-64 (hi and lo 32-bit halves), fed incrementally from 0. */
export class Crc64 {
  private readonly state = new Uint32Array(2);

  get hi(): number {
    return this.state[0];
  }

  get lo(): number {
    return this.state[1];
  }

  update(data: Uint8Array, start = 0, end = data.length): this {
    crcBytes(this.state, data, start, end);
    return this;
  }

  /** The 8 bytes little endian, as Redis stores the checksum. */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(8);
    out.writeUInt32LE(this.lo, 0);
    out.writeUInt32LE(this.hi, 4);
    return out;
  }

  toBigInt(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** Whether the 8 little-endian bytes at buf[offset] equal this checksum. */
  matches(buf: Uint8Array, offset: number): boolean {
    const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    return b.readUInt32LE(offset) === this.lo && b.readUInt32LE(offset + 4) === this.hi;
  }
}

/** CRC-64 of data[start..end) as a bigint. */
export function crc64(data: Uint8Array, start = 0, end = data.length): bigint {
  return new Crc64().update(data, start, end).toBigInt();
}
