// The VM's reply wire format (lua-redis-wasm's ABI: a type byte, a u32le count
// or length, then the payload), written straight from the RESP bytes a
// command produced on the script's client. This replaces a parse into JS
// values and the library's re-encoding (a Buffer.concat per node), which
// cost more than the command itself for short replies.

import type { ReplyValue } from './vm.js';
import { writeU32 } from './host.js';

const T_NULL = 0x00;
const T_INT = 0x01;
const T_BULK = 0x02;
const T_ARRAY = 0x03;
const T_STATUS = 0x04;
const T_ERROR = 0x05;
const T_BOOL = 0x07;
const T_DOUBLE = 0x08;
const T_MAP = 0x09;
const T_SET = 0x0a;
const T_BIG_NUMBER = 0x0b;
const T_VERBATIM = 0x0c;

/** A reusable output buffer; view() is valid until the next reset(). */
export class WireWriter {
  buf = Buffer.allocUnsafe(4096);
  pos = 0;

  reset(): void {
    this.pos = 0;
  }

  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  header(type: number, n: number): void {
    this.ensure(5);
    const b = this.buf;
    const p = this.pos;
    b[p] = type;
    writeU32(b, p + 1, n);
    this.pos = p + 5;
  }

  bytes(type: number, src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.header(type, n);
    this.ensure(n);
    this.buf.set(src.subarray(start, end), this.pos);
    this.pos += n;
  }

  latin1(type: number, s: string): void {
    this.header(type, s.length);
    this.ensure(s.length);
    this.pos += this.buf.latin1Write(s, this.pos, s.length);
  }

  integer(v: number | bigint): void {
    this.header(T_INT, 8);
    this.ensure(8);
    if (typeof v === 'number' && Number.isSafeInteger(v)) {
      const lo = v % 0x100000000;
      // Two's complement halves for negatives.
      const hi = Math.floor(v / 0x100000000);
      writeU32(this.buf, this.pos, lo < 0 ? lo + 0x100000000 : lo);
      writeU32(this.buf, this.pos + 4, hi);
    } else {
      this.buf.writeBigInt64LE(typeof v === 'bigint' ? v : BigInt(Math.trunc(v)), this.pos);
    }
    this.pos += 8;
  }

  double(d: number): void {
    this.header(T_DOUBLE, 8);
    this.ensure(8);
    this.buf.writeDoubleLE(d, this.pos);
    this.pos += 8;
  }

  bool(b: boolean): void {
    this.header(T_BOOL, 1);
    this.ensure(1);
    this.buf[this.pos++] = b ? 1 : 0;
  }

  error(text: string): void {
    this.latin1(T_ERROR, text);
  }

  nil(): void {
    this.header(T_NULL, 0);
  }

  /** Any VM value (the generic path: hosts without a RESP reply to transcode). */
  value(v: ReplyValue): void {
    if (v === null || v === undefined) return this.nil();
    if (typeof v === 'boolean') return this.bool(v);
    if (typeof v === 'number' || typeof v === 'bigint') return this.integer(v);
    if (Buffer.isBuffer(v)) return this.bytes(T_BULK, v, 0, v.length);
    if (Array.isArray(v)) {
      this.header(T_ARRAY, v.length);
      for (const item of v) this.value(item);
      return;
    }
    if ('ok' in v) return this.bytes(T_STATUS, v.ok, 0, v.ok.length);
    if ('err' in v) {
      const text = v.code === undefined ? v.err : Buffer.concat([v.code, Buffer.from(' '), v.err]);
      return this.bytes(T_ERROR, text, 0, text.length);
    }
    if ('double' in v) return this.double(v.double);
    if ('map' in v) {
      this.header(T_MAP, v.map.length);
      for (const [k, item] of v.map) {
        this.value(k);
        this.value(item);
      }
      return;
    }
    if ('set' in v) {
      this.header(T_SET, v.set.length);
      for (const item of v.set) this.value(item);
      return;
    }
    if ('big_number' in v) return this.bytes(T_BIG_NUMBER, v.big_number, 0, v.big_number.length);
    const { format, string } = v.verbatim_string;
    this.header(T_VERBATIM, 4 + format.length + string.length);
    this.ensure(4 + format.length + string.length);
    writeU32(this.buf, this.pos, format.length);
    this.pos += 4;
    this.buf.set(format, this.pos);
    this.pos += format.length;
    this.buf.set(string, this.pos);
    this.pos += string.length;
  }

  /**
   * Transcodes RESP replies (a command's output) into the wire format; when
   * there are several, only the last one is kept (as a script sees it).
   */
  resp(src: Buffer): void {
    let p = 0;
    const start = this.pos;
    while (p < src.length) {
      this.pos = start;
      p = this.one(src, p);
    }
    if (src.length === 0) this.nil();
  }

  /** Reads a decimal line from src at p (after the type byte); returns [value, next]. */
  private lineEnd(src: Buffer, p: number): number {
    // Reply lines are short: a loop beats a native indexOf call here.
    const n = src.length;
    for (let i = p; i < n && i < p + 32; i++) if (src[i] === 13) return i;
    return src.indexOf(13, p);
  }

  private count(src: Buffer, p: number, end: number): number {
    let neg = false;
    if (src[p] === 0x2d) {
      neg = true;
      p++;
    }
    let n = 0;
    for (; p < end; p++) n = n * 10 + (src[p] - 0x30);
    return neg ? -n : n;
  }

  private one(src: Buffer, p: number): number {
    const type = src[p];
    const end = this.lineEnd(src, p + 1);
    const next = end + 2;
    switch (type) {
      case 0x2b: // '+'
        this.bytes(T_STATUS, src, p + 1, end);
        return next;
      case 0x2d: // '-'
        this.bytes(T_ERROR, src, p + 1, end);
        return next;
      case 0x3a: {
        // ':'
        if (end - p - 1 <= 15) {
          this.integer(this.count(src, p + 1, end));
        } else {
          this.integer(BigInt(src.latin1Slice(p + 1, end)));
        }
        return next;
      }
      case 0x24: {
        // '$'
        const len = this.count(src, p + 1, end);
        if (len < 0) {
          this.nil();
          return next;
        }
        this.bytes(T_BULK, src, next, next + len);
        return next + len + 2;
      }
      case 0x2a: // '*'
      case 0x3e: // '>' (read as an array)
      case 0x7e: {
        // '~'
        const n = this.count(src, p + 1, end);
        if (n < 0) {
          this.nil();
          return next;
        }
        this.header(type === 0x7e ? T_SET : T_ARRAY, n);
        let q = next;
        for (let i = 0; i < n; i++) q = this.one(src, q);
        return q;
      }
      case 0x25: {
        // '%'
        const n = this.count(src, p + 1, end);
        this.header(T_MAP, n);
        let q = next;
        for (let i = 0; i < 2 * n; i++) q = this.one(src, q);
        return q;
      }
      case 0x5f: // '_'
        this.nil();
        return next;
      case 0x2c: {
        // ','
        const text = src.latin1Slice(p + 1, end);
        this.double(text === 'inf' ? Infinity : text === '-inf' ? -Infinity : text === 'nan' ? NaN : Number(text));
        return next;
      }
      case 0x23: // '#'
        this.bool(src[p + 1] === 0x74);
        return next;
      case 0x28: // '('
        this.bytes(T_BIG_NUMBER, src, p + 1, end);
        return next;
      case 0x3d: {
        // '=': "fmt:body"
        const len = this.count(src, p + 1, end);
        const body = next;
        this.header(T_VERBATIM, 4 + len - 1);
        this.ensure(4 + len);
        writeU32(this.buf, this.pos, 3);
        this.pos += 4;
        this.buf.set(src.subarray(body, body + 3), this.pos);
        this.pos += 3;
        this.buf.set(src.subarray(body + 4, body + len), this.pos);
        this.pos += len - 4;
        return body + len + 2;
      }
      default:
        throw new Error(`unexpected reply type byte ${type}`);
    }
  }
}
