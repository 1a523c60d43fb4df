// Conversions between RESP and the Lua VM's values, as Redis documents them.
//
// RESP -> Lua (redis.call's result): a command runs on the script's own
// client, whose writer encodes the reply; parseReply turns those bytes back
// into the VM's values (integer, bulk, nil, array, status {ok}, error {err},
// and under redis.setresp(3) map, set, double, boolean, big number, null).
// Lua -> RESP (the script's result): writeValue encodes what the VM returned
// (it has already truncated numbers, stopped arrays at the first nil and
// turned {ok=} / {err=} tables into status and error values).

import type { ReplyWriter } from '../resp/writer.js';
import type { ReplyValue } from './vm.js';

/** A parse cursor over one command's reply bytes. */
class Cursor {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  line(): string {
    const end = this.buf.indexOf(13, this.pos); // '\r'
    const text = this.buf.latin1Slice(this.pos, end);
    this.pos = end + 2;
    return text;
  }
}

/** Parses every reply in buf (one command's output: normally exactly one). */
export function parseReplies(buf: Buffer): ReplyValue[] {
  const cursor = new Cursor(buf);
  const out: ReplyValue[] = [];
  while (cursor.pos < buf.length) out.push(parseOne(cursor));
  return out;
}

function parseOne(c: Cursor): ReplyValue {
  const type = c.buf[c.pos++];
  switch (type) {
    case 0x2b: // '+'
      return { ok: Buffer.from(c.line(), 'latin1') };
    case 0x2d: // '-'
      return { err: Buffer.from(c.line(), 'latin1') };
    case 0x3a: {
      // ':'
      const text = c.line();
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : BigInt(text);
    }
    case 0x24: {
      // '$'
      const len = Number(c.line());
      if (len < 0) return null;
      const value = Buffer.from(c.buf.subarray(c.pos, c.pos + len));
      c.pos += len + 2;
      return value;
    }
    case 0x2a: {
      // '*'
      const n = Number(c.line());
      if (n < 0) return null;
      const items: ReplyValue[] = new Array<ReplyValue>(n);
      for (let i = 0; i < n; i++) items[i] = parseOne(c);
      return items;
    }
    case 0x25: {
      // '%'
      const n = Number(c.line());
      const pairs: [ReplyValue, ReplyValue][] = [];
      for (let i = 0; i < n; i++) pairs.push([parseOne(c), parseOne(c)]);
      return { map: pairs };
    }
    case 0x7e: {
      // '~'
      const n = Number(c.line());
      const items: ReplyValue[] = [];
      for (let i = 0; i < n; i++) items.push(parseOne(c));
      return { set: items };
    }
    case 0x3e: {
      // '>' (not expected from a script's client; read as an array)
      const n = Number(c.line());
      const items: ReplyValue[] = [];
      for (let i = 0; i < n; i++) items.push(parseOne(c));
      return items;
    }
    case 0x5f: // '_'
      c.line();
      return null;
    case 0x2c: {
      // ','
      const text = c.line();
      const d = text === 'inf' ? Infinity : text === '-inf' ? -Infinity : text === 'nan' ? NaN : Number(text);
      return { double: d };
    }
    case 0x23: // '#'
      return c.line() === 't';
    case 0x28: // '('
      return { big_number: Buffer.from(c.line(), 'latin1') };
    case 0x3d: {
      // '='
      const len = Number(c.line());
      const body = c.buf.subarray(c.pos, c.pos + len);
      c.pos += len + 2;
      return {
        verbatim_string: { format: Buffer.from(body.subarray(0, 3)), string: Buffer.from(body.subarray(4)) },
      };
    }
    default:
      throw new Error(`unexpected reply type byte ${type}`);
  }
}

/** Error lines cannot carry CR/LF; Redis replaces them with spaces. */
function oneLine(text: string): string {
  return /[\r\n]/.test(text) ? text.replace(/[\r\n]/g, ' ') : text;
}

/** The full error text of an error value ("CODE message"). */
export function errorText(value: { err: Buffer; code?: Buffer }): string {
  const message = value.err.latin1Slice(0, value.err.length);
  if (value.code === undefined) return message;
  return `${value.code.latin1Slice(0, value.code.length)} ${message}`;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Writes a value the VM returned as the reply to the caller. */
export function writeValue(w: ReplyWriter, value: ReplyValue): void {
  if (value === null) {
    w.nullBulk();
  } else if (typeof value === 'number' || typeof value === 'bigint') {
    // A Lua number at or past 2^63 saturates in the VM; Redis's C cast gives INT64_MIN on x86.
    w.integer(value === INT64_MAX ? INT64_MIN : value);
  } else if (typeof value === 'boolean') {
    w.bool(value);
  } else if (Buffer.isBuffer(value)) {
    w.bulkBuffer(value);
  } else if (Array.isArray(value)) {
    w.array(value.length);
    for (const item of value) writeValue(w, item);
  } else if ('ok' in value) {
    w.simple(oneLine(value.ok.latin1Slice(0, value.ok.length)));
  } else if ('err' in value) {
    w.error(oneLine(errorText(value)));
  } else if ('double' in value) {
    w.double(value.double);
  } else if ('map' in value) {
    w.map(value.map.length);
    for (const [k, v] of value.map) {
      writeValue(w, k);
      writeValue(w, v);
    }
  } else if ('set' in value) {
    w.set(value.set.length);
    for (const item of value.set) writeValue(w, item);
  } else if ('big_number' in value) {
    const digits = value.big_number.latin1Slice(0, value.big_number.length);
    if (w.resp === 3) w.raw(Buffer.from(`(${digits}\r\n`, 'latin1'));
    else w.bulk(digits);
  } else {
    const v = value.verbatim_string;
    w.verbatim(v.string.latin1Slice(0, v.string.length), v.format.latin1Slice(0, v.format.length));
  }
}
