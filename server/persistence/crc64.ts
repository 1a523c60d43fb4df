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

/** A running CRC-64 (hi and lo 32-bit halves); start from Crc64.ZERO or feed incrementally. */
export class Crc64 {
  hi = 0;
  lo = 0;

  update(data: Uint8Array, start = 0, end = data.length): this {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = start; i < end; i++) {
      const index = (lo ^ data[i]) & 0xff;
      // crc = table[index] ^ (crc >>> 8)
      const shiftedLo = ((lo >>> 8) | ((hi & 0xff) << 24)) >>> 0;
      const shiftedHi = hi >>> 8;
      hi = (TABLE_HI[index] ^ shiftedHi) >>> 0;
      lo = (TABLE_LO[index] ^ shiftedLo) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
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
