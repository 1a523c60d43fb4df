// One reply writer for both protocols. Handlers say what they mean (a map, a
// set, a double, a null) and the writer encodes it for the client's RESP
// version. Replies accumulate in a slab that is flushed once per event-loop turn:
// flushed bytes are never overwritten (the socket may still hold them), so a
// flush costs no copy and a slab is replaced only when full.

import '../bytes.js';
import { formatDouble } from './number-format.js';

const SLAB_SIZE = 64 * 1024;

export type RespVersion = 2 | 3;

const smallIntegerReplies: Buffer[] = [];
for (let i = -1; i <= 1024; i++) smallIntegerReplies.push(Buffer.from(`:${i}\r\n`, 'latin1'));

export class ReplyWriter {
  resp: RespVersion = 2;
  private slab: Buffer = Buffer.allocUnsafe(SLAB_SIZE);
  private start = 0;
  private pos = 0;

  /** Bytes written since the last take(). */
  get pending(): number {
    return this.pos - this.start;
  }

  /** Current write position; with rewind() it lets a caller drop replies (CLIENT REPLY OFF). */
  mark(): number {
    return this.pos;
  }

  rewind(mark: number): void {
    if (mark >= this.start && mark <= this.pos) this.pos = mark;
  }

  /** Hands out the pending bytes (to be written to the socket) and starts a new batch. */
  take(): Buffer | null {
    if (this.pos === this.start) return null;
    const out = this.slab.subarray(this.start, this.pos);
    this.start = this.pos;
    if (this.slab.length - this.pos < 1024) this.newSlab(SLAB_SIZE);
    return out;
  }

  private newSlab(minimum: number): void {
    const pendingBytes = this.pos - this.start;
    // Doubling keeps a deep pipeline of replies linear: each overflow copies what is pending.
    const size = Math.max(SLAB_SIZE, minimum + pendingBytes, pendingBytes * 2);
    const next = Buffer.allocUnsafe(size);
    if (pendingBytes > 0) this.slab.copy(next, 0, this.start, this.pos);
    this.slab = next;
    this.start = 0;
    this.pos = pendingBytes;
  }

  private reserve(n: number): void {
    if (this.pos + n > this.slab.length) this.newSlab(n);
  }

  /** s (latin1: one char per byte) followed by CRLF. */
  private ascii(s: string): void {
    const n = s.length;
    this.reserve(n + 2);
    const slab = this.slab;
    let p = this.pos;
    // Short strings: a byte loop beats the call into C++.
    if (n < 48) {
      for (let i = 0; i < n; i++) slab[p++] = s.charCodeAt(i);
    } else {
      p += slab.latin1Write(s, p, n);
    }
    // Two byte stores: Buffer#writeUInt16LE validates its offset through Node's
    // validators on every call (3% of ZRANGE's CPU at pipeline 16).
    slab[p] = 0x0d;
    slab[p + 1] = 0x0a;
    this.pos = p + 2;
  }

  /** prefix, the decimal n, CRLF. Lengths and counts are written digit by digit: no string per reply. */
  private header(prefix: number, n: number): void {
    this.reserve(24);
    const slab = this.slab;
    let p = this.pos;
    slab[p++] = prefix;
    // Lengths, counts and most integers are non-negative int32s: written with
    // integer arithmetic (V8 compiles `%` on a value it types as a double to a
    // call to fmod: 12% of LPUSH's CPU when its replies were in the millions).
    if (typeof n === 'number' && (n | 0) === n && n >= 0) {
      let rest = n | 0;
      const digits = rest < 10 ? 1 : rest < 100 ? 2 : rest < 1000 ? 3 : rest < 10000 ? 4 : rest < 100000 ? 5 : rest < 1000000 ? 6 : rest < 10000000 ? 7 : rest < 100000000 ? 8 : rest < 1000000000 ? 9 : 10;
      let at = p + digits - 1;
      while (rest >= 10) {
        const tenth = (rest / 10) | 0;
        slab[at--] = 0x30 + rest - tenth * 10;
        rest = tenth;
      }
      slab[at] = 0x30 + rest;
      p += digits;
      slab[p] = 0x0d;
      slab[p + 1] = 0x0a;
      this.pos = p + 2;
      return;
    }
    this.pos = p;
    this.ascii(String(n)); // negative, 2^31 and beyond, or a bigint
  }

  /** Raw protocol bytes, already encoded. */
  raw(bytes: Buffer): void {
    this.reserve(bytes.length);
    // TypedArray set: no argument checks of Buffer#copy on this hot path (pub/sub frames, small integers).
    this.slab.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  ok(): void {
    this.simple('OK');
  }

  simple(s: string): void {
    this.reserve(1);
    this.slab[this.pos++] = 0x2b; // '+'
    this.ascii(s);
  }

  error(text: string): void {
    this.reserve(1);
    this.slab[this.pos++] = 0x2d; // '-'
    this.ascii(text);
  }

  integer(n: number | bigint): void {
    if (typeof n === 'number' && n >= -1 && n <= 1024 && Number.isInteger(n)) {
      this.raw(smallIntegerReplies[n + 1]);
      return;
    }
    this.header(0x3a, n as number); // ':'
  }

  /** A bulk string held as latin1 text (one char per byte). */
  bulk(s: string): void {
    this.header(0x24, s.length); // '$'
    this.ascii(s);
  }

  bulkBuffer(b: Buffer): void {
    this.header(0x24, b.length);
    this.reserve(b.length + 2);
    this.slab.set(b, this.pos);
    this.pos += b.length;
    this.slab[this.pos] = 0x0d;
    this.slab[this.pos + 1] = 0x0a;
    this.pos += 2;
  }

  /** Bulk string or null. */
  bulkOrNull(s: string | null | undefined): void {
    if (s == null) this.nullBulk();
    else this.bulk(s);
  }

  /** The null of a missing string: $-1 in RESP2, _ in RESP3. */
  nullBulk(): void {
    this.ascii(this.resp === 3 ? '_' : '$-1');
  }

  /** The null of a missing aggregate: *-1 in RESP2, _ in RESP3. */
  nullArray(): void {
    this.ascii(this.resp === 3 ? '_' : '*-1');
  }

  array(n: number): void {
    this.header(0x2a, n); // '*'
  }

  /** n key/value pairs: a map in RESP3, a flat array in RESP2. */
  map(n: number): void {
    if (this.resp === 3) this.header(0x25, n); // '%'
    else this.header(0x2a, n * 2);
  }

  set(n: number): void {
    this.header(this.resp === 3 ? 0x7e : 0x2a, n); // '~'
  }

  push(n: number): void {
    this.header(this.resp === 3 ? 0x3e : 0x2a, n); // '>'
  }

  /** A double: RESP3 ',' type, RESP2 bulk string, both "%.17g". */
  double(d: number): void {
    const text = formatDouble(d);
    if (this.resp === 3) {
      this.reserve(1);
      this.slab[this.pos++] = 0x2c; // ','
      this.ascii(text);
    } else {
      this.bulk(text);
    }
  }

  bool(b: boolean): void {
    if (this.resp === 3) this.ascii(b ? '#t' : '#f');
    else this.integer(b ? 1 : 0);
  }

  /** Verbatim text (INFO, CLIENT LIST …): '=' in RESP3, bulk string in RESP2. */
  verbatim(text: string, format = 'txt'): void {
    if (this.resp === 3) {
      const body = `${format}:${text}`;
      this.header(0x3d, body.length); // '='
      this.ascii(body);
    } else {
      this.bulk(text);
    }
  }

  bulkArray(items: readonly string[]): void {
    this.array(items.length);
    for (const s of items) this.bulk(s);
  }
}
