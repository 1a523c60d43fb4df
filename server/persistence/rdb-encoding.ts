// The RDB format's building blocks: type and opcode numbers, length and
// string encodings (6/14/32/64-bit lengths, int-encoded and LZF-compressed
// strings), binary doubles, and the packed blobs Redis embeds in strings
// (listpack, ziplist, intset, zipmap), which the reader must understand
// because real Redis writes small collections that way.

import { lzfCompressInto, lzfDecompress, lzfDecompressInto } from './lzf.js';

export const RDB_VERSION = 10;

export const RdbType = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
  SET_LISTPACK: 20,
  STREAM_LISTPACKS_3: 21,
} as const;

export const RdbOpcode = {
  FUNCTION2: 245,
  FUNCTION: 246,
  MODULE_AUX: 247,
  IDLE: 248,
  FREQ: 249,
  AUX: 250,
  RESIZEDB: 251,
  EXPIRETIME_MS: 252,
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255,
} as const;

/** A malformed or unsupported RDB input. */
export class RdbError extends Error {}

const ENC_INT8 = 0;
const ENC_INT16 = 1;
const ENC_INT32 = 2;
const ENC_LZF = 3;

/** Redis's rdbTryIntegerEncoding: canonical integer text within int32 gets 1, 2 or 4 bytes. */
function integerForm(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 11) return null;
  let i = s.charCodeAt(0) === 0x2d ? 1 : 0;
  if (i === n) return null;
  if (s.charCodeAt(i) === 0x30 && n > i + 1) return null;
  if (s.charCodeAt(i) === 0x30 && i === 1) return null; // "-0"
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return null;
  }
  const v = Number(s);
  return v >= -2147483648 && v <= 2147483647 ? v : null;
}

/** Reused by every writer for LZF input and output (one thread, and no write is re-entered). */
let scratchIn = Buffer.allocUnsafe(1 << 16);
let scratchOut = Buffer.allocUnsafe((1 << 16) + 4);

/** A growable output buffer with the RDB primitives. */
export class RdbWriter {
  buf: Buffer;
  pos = 0;
  /** rdbcompression: LZF for strings longer than 20 bytes. */
  compress: boolean;

  constructor(initial = 1 << 16, compress = true) {
    this.buf = Buffer.allocUnsafe(initial);
    this.compress = compress;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** The bytes written so far (a view; copy before reusing the writer). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  raw(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  latin1(s: string): void {
    this.ensure(s.length);
    this.pos += this.buf.latin1Write(s, this.pos, s.length);
  }

  length(n: number): void {
    this.ensure(9);
    if (n < 64) {
      this.buf[this.pos++] = n;
    } else if (n < 16384) {
      this.buf[this.pos++] = 0x40 | (n >> 8);
      this.buf[this.pos++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      this.buf[this.pos++] = 0x80;
      this.buf.writeUInt32BE(n, this.pos);
      this.pos += 4;
    } else {
      this.buf[this.pos++] = 0x81;
      this.buf.writeBigUInt64BE(BigInt(n), this.pos);
      this.pos += 8;
    }
  }

  /** A string, int-encoded when it is a small canonical integer, LZF-compressed when that saves room. */
  string(s: string): void {
    const n = s.length;
    if (n <= 11) {
      const v = integerForm(s);
      if (v !== null) {
        this.integerString(v);
        return;
      }
    }
    if (this.compress && n > 20) {
      if (scratchIn.length < n) {
        scratchIn = Buffer.allocUnsafe(Math.max(n, scratchIn.length * 2));
        scratchOut = Buffer.allocUnsafe(scratchIn.length + 4);
      }
      scratchIn.latin1Write(s, 0, n);
      const packed = lzfCompressInto(scratchIn, n - 4, n, scratchOut);
      if (packed >= 0) {
        this.byte(0xc0 | ENC_LZF);
        this.length(packed);
        this.length(n);
        this.ensure(packed);
        // Short results byte by byte: Buffer#copy of a part allocates a view per call
        // (26 MB of garbage per million-key BGSAVE, measured), which costs young-GC pauses.
        if (packed <= 256) {
          const out = this.buf;
          const at = this.pos;
          for (let i = 0; i < packed; i++) out[at + i] = scratchOut[i];
        } else {
          this.buf.set(scratchOut.subarray(0, packed), this.pos);
        }
        this.pos += packed;
        return;
      }
    }
    this.length(n);
    this.latin1(s);
  }

  /** A string from bytes, never int-encoded (used for packed blobs). */
  bytes(data: Uint8Array): void {
    this.length(data.length);
    this.raw(data);
  }

  private integerString(v: number): void {
    this.ensure(5);
    if (v >= -128 && v <= 127) {
      this.buf[this.pos++] = 0xc0 | ENC_INT8;
      this.buf.writeInt8(v, this.pos);
      this.pos += 1;
    } else if (v >= -32768 && v <= 32767) {
      this.buf[this.pos++] = 0xc0 | ENC_INT16;
      this.buf.writeInt16LE(v, this.pos);
      this.pos += 2;
    } else {
      this.buf[this.pos++] = 0xc0 | ENC_INT32;
      this.buf.writeInt32LE(v, this.pos);
      this.pos += 4;
    }
  }

  binaryDouble(d: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(d, this.pos);
    this.pos += 8;
  }

  /** A signed 64-bit little-endian integer (an expire time) from a number; no BigInt for the common case. */
  u64le(n: number): void {
    this.ensure(8);
    if (Number.isSafeInteger(n) && n >= 0) {
      this.buf.writeUInt32LE(n % 0x100000000, this.pos);
      this.buf.writeUInt32LE(Math.floor(n / 0x100000000), this.pos + 4);
    } else {
      this.buf.writeBigInt64LE(BigInt(Math.trunc(n)), this.pos);
    }
    this.pos += 8;
  }
}

/** Decompressed LZF strings land here before becoming latin1 strings (one thread, never re-entered). */
let readScratch = Buffer.allocUnsafe(1 << 16);

/** A cursor over RDB bytes. Every read checks bounds and throws RdbError when past the end. */
export class RdbReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new RdbError('Unexpected EOF reading RDB file');
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  take(n: number): Buffer {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  u32le(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  i64le(): number {
    this.need(8);
    const low = this.buf.readUInt32LE(this.pos);
    const high = this.buf.readInt32LE(this.pos + 4);
    this.pos += 8;
    // Exact while |v| < 2^53 (every real expire time); beyond that BigInt gives the nearest double as before.
    if (high >= -0x200000 && high < 0x200000) return high * 0x100000000 + low;
    return Number(this.buf.readBigInt64LE(this.pos - 8));
  }

  binaryDouble(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A length, or (when the top bits say so) -1 - encoding for a special string encoding. */
  private lengthOrEncoding(): number {
    const first = this.byte();
    const kind = first >> 6;
    if (kind === 0) return first & 0x3f;
    if (kind === 1) return ((first & 0x3f) << 8) | this.byte();
    if (kind === 3) return -1 - (first & 0x3f);
    if (first === 0x80) {
      this.need(4);
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return v;
    }
    if (first === 0x81) {
      this.need(8);
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbError('RDB length out of range');
      return Number(v);
    }
    throw new RdbError(`Unknown length encoding ${first} in rdbLoadLen()`);
  }

  length(): number {
    const n = this.lengthOrEncoding();
    if (n < 0) throw new RdbError('Unexpected string encoding where a length was expected');
    return n;
  }

  /** A string as bytes (int-encoded ones as their decimal text). The result may be a view. */
  stringBytes(): Buffer {
    const n = this.lengthOrEncoding();
    if (n >= 0) return this.take(n);
    const encoding = -1 - n;
    switch (encoding) {
      case ENC_INT8:
        return Buffer.from(String(this.take(1).readInt8(0)), 'latin1');
      case ENC_INT16:
        return Buffer.from(String(this.take(2).readInt16LE(0)), 'latin1');
      case ENC_INT32:
        return Buffer.from(String(this.take(4).readInt32LE(0)), 'latin1');
      case ENC_LZF: {
        const clen = this.length();
        const ulen = this.length();
        const packed = this.take(clen);
        try {
          return lzfDecompress(packed, ulen);
        } catch {
          throw new RdbError('Invalid LZF compressed string');
        }
      }
      default:
        throw new RdbError(`Unknown RDB string encoding type ${encoding}`);
    }
  }

  /** A string as a latin1 JS string. */
  string(): string {
    const start = this.pos;
    const n = this.lengthOrEncoding();
    if (n >= 0) {
      this.need(n);
      const s = this.buf.latin1Slice(this.pos, this.pos + n);
      this.pos += n;
      return s;
    }
    // Integers and LZF without a Buffer per value: text straight from the number, or
    // decompressed into a reused scratch buffer and sliced once.
    const encoding = -1 - n;
    if (encoding === ENC_INT8) {
      this.need(1);
      const v = this.buf.readInt8(this.pos);
      this.pos += 1;
      return String(v);
    }
    if (encoding === ENC_INT16) {
      this.need(2);
      const v = this.buf.readInt16LE(this.pos);
      this.pos += 2;
      return String(v);
    }
    if (encoding === ENC_INT32) {
      this.need(4);
      const v = this.buf.readInt32LE(this.pos);
      this.pos += 4;
      return String(v);
    }
    if (encoding === ENC_LZF) {
      const clen = this.length();
      const ulen = this.length();
      this.need(clen);
      // A big value gets its own buffer rather than leaving the scratch that big for good.
      const into = ulen <= readScratch.length ? readScratch : ulen > 1 << 20 ? Buffer.allocUnsafe(ulen) : (readScratch = Buffer.allocUnsafe(1 << 20));
      try {
        lzfDecompressInto(this.buf.subarray(this.pos, this.pos + clen), ulen, into);
      } catch {
        throw new RdbError('Invalid LZF compressed string');
      }
      this.pos += clen;
      return into.latin1Slice(0, ulen);
    }
    this.pos = start;
    const bytes = this.stringBytes();
    return bytes.latin1Slice(0, bytes.length);
  }

  /** The pre-ZSET_2 score: a length byte (253 nan, 254 +inf, 255 -inf) then ASCII. */
  textDouble(): number {
    const n = this.byte();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    const text = this.take(n).latin1Slice(0, n);
    const v = Number.parseFloat(text);
    if (Number.isNaN(v)) throw new RdbError('Invalid double value');
    return v;
  }
}

// ---- packed blobs -------------------------------------------------------------------

/** The elements of a listpack, as latin1 strings (integers as their decimal text). */
export function listpackEntries(blob: Buffer): string[] {
  if (blob.length < 7) throw new RdbError('Listpack too short');
  const total = blob.readUInt32LE(0);
  if (total !== blob.length) throw new RdbError('Listpack integrity check failed');
  const out: string[] = [];
  let p = 6;
  for (;;) {
    if (p >= blob.length) throw new RdbError('Listpack without terminator');
    const b = blob[p];
    if (b === 0xff) break;
    let entryLen: number;
    if ((b & 0x80) === 0) {
      out.push(String(b & 0x7f));
      entryLen = 1;
    } else if ((b & 0xc0) === 0x80) {
      const n = b & 0x3f;
      out.push(blob.latin1Slice(p + 1, p + 1 + n));
      entryLen = 1 + n;
    } else if ((b & 0xe0) === 0xc0) {
      let v = ((b & 0x1f) << 8) | blob[p + 1];
      if (v >= 1 << 12) v -= 1 << 13;
      out.push(String(v));
      entryLen = 2;
    } else if ((b & 0xf0) === 0xe0) {
      const n = ((b & 0x0f) << 8) | blob[p + 1];
      out.push(blob.latin1Slice(p + 2, p + 2 + n));
      entryLen = 2 + n;
    } else if (b === 0xf0) {
      const n = blob.readUInt32LE(p + 1);
      out.push(blob.latin1Slice(p + 5, p + 5 + n));
      entryLen = 5 + n;
    } else if (b === 0xf1) {
      out.push(String(blob.readInt16LE(p + 1)));
      entryLen = 3;
    } else if (b === 0xf2) {
      out.push(String(blob.readIntLE(p + 1, 3)));
      entryLen = 4;
    } else if (b === 0xf3) {
      out.push(String(blob.readInt32LE(p + 1)));
      entryLen = 5;
    } else if (b === 0xf4) {
      out.push(String(blob.readBigInt64LE(p + 1)));
      entryLen = 9;
    } else {
      throw new RdbError(`Invalid listpack encoding byte ${b}`);
    }
    const backlen = entryLen <= 127 ? 1 : entryLen < 16383 ? 2 : entryLen < 2097151 ? 3 : entryLen < 268435455 ? 4 : 5;
    p += entryLen + backlen;
  }
  const count = blob.readUInt16LE(4);
  if (count !== 65535 && count !== out.length) throw new RdbError('Listpack element count mismatch');
  return out;
}

/** The elements of a ziplist (RDB versions before 10, and quicklist v1 nodes). */
export function ziplistEntries(blob: Buffer): string[] {
  if (blob.length < 11) throw new RdbError('Ziplist too short');
  const out: string[] = [];
  let p = 10;
  for (;;) {
    if (p >= blob.length) throw new RdbError('Ziplist without terminator');
    if (blob[p] === 0xff) break;
    p += blob[p] === 0xfe ? 5 : 1; // previous entry length
    const b = blob[p];
    const kind = b >> 6;
    if (kind === 0) {
      const n = b & 0x3f;
      out.push(blob.latin1Slice(p + 1, p + 1 + n));
      p += 1 + n;
    } else if (kind === 1) {
      const n = ((b & 0x3f) << 8) | blob[p + 1];
      out.push(blob.latin1Slice(p + 2, p + 2 + n));
      p += 2 + n;
    } else if (b === 0x80) {
      const n = blob.readUInt32BE(p + 1);
      out.push(blob.latin1Slice(p + 5, p + 5 + n));
      p += 5 + n;
    } else if (b === 0xc0) {
      out.push(String(blob.readInt16LE(p + 1)));
      p += 3;
    } else if (b === 0xd0) {
      out.push(String(blob.readInt32LE(p + 1)));
      p += 5;
    } else if (b === 0xe0) {
      out.push(String(blob.readBigInt64LE(p + 1)));
      p += 9;
    } else if (b === 0xf0) {
      out.push(String(blob.readIntLE(p + 1, 3)));
      p += 4;
    } else if (b === 0xfe) {
      out.push(String(blob.readInt8(p + 1)));
      p += 2;
    } else if (b >= 0xf1 && b <= 0xfd) {
      out.push(String((b & 0x0f) - 1));
      p += 1;
    } else {
      throw new RdbError(`Invalid ziplist encoding byte ${b}`);
    }
  }
  return out;
}

/** The members of an intset, as decimal text. */
export function intsetEntries(blob: Buffer): string[] {
  if (blob.length < 8) throw new RdbError('Intset too short');
  const width = blob.readUInt32LE(0);
  const count = blob.readUInt32LE(4);
  if ((width !== 2 && width !== 4 && width !== 8) || 8 + width * count !== blob.length) {
    throw new RdbError('Intset integrity check failed');
  }
  const out = new Array<string>(count);
  for (let i = 0, p = 8; i < count; i++, p += width) {
    out[i] =
      width === 2
        ? String(blob.readInt16LE(p))
        : width === 4
          ? String(blob.readInt32LE(p))
          : String(blob.readBigInt64LE(p));
  }
  return out;
}

/** The field/value pairs of a zipmap (hashes in RDB files from Redis before 2.6), flattened. */
export function zipmapEntries(blob: Buffer): string[] {
  const out: string[] = [];
  let p = 1;
  const readLen = (): number => {
    const b = blob[p];
    if (b < 254) {
      p += 1;
      return b;
    }
    if (b === 254) {
      const n = blob.readUInt32LE(p + 1);
      p += 5;
      return n;
    }
    throw new RdbError('Invalid zipmap length');
  };
  for (;;) {
    if (p >= blob.length) throw new RdbError('Zipmap without terminator');
    if (blob[p] === 0xff) break;
    const klen = readLen();
    out.push(blob.latin1Slice(p, p + klen));
    p += klen;
    const vlen = readLen();
    const free = blob[p++];
    out.push(blob.latin1Slice(p, p + vlen));
    p += vlen + free;
  }
  return out;
}
