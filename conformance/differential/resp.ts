// A RESP2/RESP3 reply reader that keeps every distinction a client could see.
// The differential harness compares replies as typed trees, so "$-1" (null
// bulk), "*-1" (null array) and "_" (RESP3 null) are three different values,
// a map is not an array, and a double keeps the exact text the server sent.

export type Reply =
  | { type: 'simple'; value: string }
  | { type: 'error'; value: string }
  | { type: 'integer'; value: bigint }
  | { type: 'bulk'; value: Buffer }
  | { type: 'nullBulk' }
  | { type: 'nullArray' }
  | { type: 'null' }
  | { type: 'double'; value: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'bigNumber'; value: string }
  | { type: 'blobError'; value: Buffer }
  | { type: 'verbatim'; format: string; value: Buffer }
  | { type: 'array'; value: Reply[] }
  | { type: 'set'; value: Reply[] }
  | { type: 'push'; value: Reply[] }
  | { type: 'map'; value: Array<[Reply, Reply]> }
  | { type: 'attribute'; attributes: Array<[Reply, Reply]>; value: Reply };

export class RespProtocolError extends Error {}

/** Thrown inside the parser when the buffer ends before the reply does. */
class Incomplete {
  constructor(readonly need: number) {}
}

const CR = 13;
const LF = 10;

/**
 * Incremental reader: feed() socket chunks, take() complete replies. A reply
 * split across chunks is parsed again from its start once more bytes arrive;
 * a bulk whose length is known waits until it is all there, so a large reply
 * arriving in many chunks is not re-parsed on each one.
 */
export class RespReader {
  private buffer: Buffer = Buffer.alloc(0);
  private pos = 0;
  private need = 0;
  private readonly ready: Reply[] = [];

  feed(chunk: Buffer): void {
    const rest = this.buffer.length - this.pos;
    this.buffer = rest === 0 ? chunk : Buffer.concat([this.buffer.subarray(this.pos), chunk]);
    if (rest !== 0) this.need -= this.pos;
    this.pos = 0;
    while (this.pos < this.buffer.length && this.buffer.length >= this.need) {
      const start = this.pos;
      try {
        const reply = this.parse();
        this.ready.push(reply);
        this.need = 0;
      } catch (e) {
        if (e instanceof Incomplete) {
          this.need = e.need;
          this.pos = start;
          break;
        }
        throw e;
      }
    }
  }

  /** Complete replies parsed so far, in order (removed from the reader). */
  take(): Reply[] {
    return this.ready.splice(0, this.ready.length);
  }

  get pendingBytes(): number {
    return this.buffer.length - this.pos;
  }

  private line(): string {
    const buf = this.buffer;
    const end = buf.indexOf(CR, this.pos);
    if (end === -1 || end + 1 >= buf.length) throw new Incomplete(buf.length + 1);
    if (buf[end + 1] !== LF) throw new RespProtocolError(`expected LF after CR at offset ${end}`);
    const text = buf.toString('latin1', this.pos, end);
    this.pos = end + 2;
    return text;
  }

  private length(text: string, what: string): number {
    if (!/^-?\d+$/.test(text)) throw new RespProtocolError(`bad ${what} length '${text}'`);
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < -1) throw new RespProtocolError(`bad ${what} length '${text}'`);
    return n;
  }

  private blob(n: number): Buffer {
    const end = this.pos + n;
    if (end + 2 > this.buffer.length) throw new Incomplete(end + 2);
    if (this.buffer[end] !== CR || this.buffer[end + 1] !== LF) {
      throw new RespProtocolError(`bulk of length ${n} not followed by CRLF`);
    }
    // A copy: the reader's buffer is replaced as chunks arrive.
    const value = Buffer.from(this.buffer.subarray(this.pos, end));
    this.pos = end + 2;
    return value;
  }

  private many(n: number): Reply[] {
    const items: Reply[] = [];
    for (let i = 0; i < n; i++) items.push(this.parse());
    return items;
  }

  private pairs(n: number): Array<[Reply, Reply]> {
    const items: Array<[Reply, Reply]> = [];
    for (let i = 0; i < n; i++) {
      const key = this.parse();
      items.push([key, this.parse()]);
    }
    return items;
  }

  private parse(): Reply {
    if (this.pos >= this.buffer.length) throw new Incomplete(this.pos + 1);
    const prefix = String.fromCharCode(this.buffer[this.pos++]);
    switch (prefix) {
      case '+':
        return { type: 'simple', value: this.line() };
      case '-':
        return { type: 'error', value: this.line() };
      case ':': {
        const text = this.line();
        if (!/^-?\d+$/.test(text)) throw new RespProtocolError(`bad integer '${text}'`);
        return { type: 'integer', value: BigInt(text) };
      }
      case '$': {
        const n = this.length(this.line(), 'bulk');
        return n === -1 ? { type: 'nullBulk' } : { type: 'bulk', value: this.blob(n) };
      }
      case '*': {
        const n = this.length(this.line(), 'array');
        return n === -1 ? { type: 'nullArray' } : { type: 'array', value: this.many(n) };
      }
      case '_':
        if (this.line() !== '') throw new RespProtocolError('null with a payload');
        return { type: 'null' };
      case ',':
        return { type: 'double', value: this.line() };
      case '#': {
        const text = this.line();
        if (text !== 't' && text !== 'f') throw new RespProtocolError(`bad boolean '${text}'`);
        return { type: 'boolean', value: text === 't' };
      }
      case '(': {
        const text = this.line();
        if (!/^-?\d+$/.test(text)) throw new RespProtocolError(`bad big number '${text}'`);
        return { type: 'bigNumber', value: text };
      }
      case '!': {
        const n = this.length(this.line(), 'blob error');
        if (n < 0) throw new RespProtocolError('negative blob error length');
        return { type: 'blobError', value: this.blob(n) };
      }
      case '=': {
        const n = this.length(this.line(), 'verbatim');
        if (n < 4) throw new RespProtocolError('verbatim string shorter than its format');
        const body = this.blob(n);
        if (body[3] !== 0x3a) throw new RespProtocolError('verbatim string without "fmt:"');
        return { type: 'verbatim', format: body.toString('latin1', 0, 3), value: body.subarray(4) };
      }
      case '%': {
        const n = this.length(this.line(), 'map');
        if (n < 0) throw new RespProtocolError('negative map length');
        return { type: 'map', value: this.pairs(n) };
      }
      case '~': {
        const n = this.length(this.line(), 'set');
        if (n < 0) throw new RespProtocolError('negative set length');
        return { type: 'set', value: this.many(n) };
      }
      case '>': {
        const n = this.length(this.line(), 'push');
        if (n < 0) throw new RespProtocolError('negative push length');
        return { type: 'push', value: this.many(n) };
      }
      case '|': {
        const n = this.length(this.line(), 'attribute');
        if (n < 0) throw new RespProtocolError('negative attribute length');
        const attributes = this.pairs(n);
        return { type: 'attribute', attributes, value: this.parse() };
      }
      default:
        throw new RespProtocolError(`unknown reply type byte 0x${prefix.charCodeAt(0).toString(16)} at offset ${this.pos - 1}`);
    }
  }
}

/** A command as a RESP multibulk request. */
export function encodeCommand(args: readonly (Buffer | string)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'latin1') : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`, 'latin1'), bytes, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}

/** Exact structural equality: same types, same bytes, same order. */
export function replyEquals(a: Reply, b: Reply): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'simple':
    case 'error':
    case 'double':
    case 'bigNumber':
      return a.value === (b as typeof a).value;
    case 'integer':
      return a.value === (b as typeof a).value;
    case 'boolean':
      return a.value === (b as typeof a).value;
    case 'bulk':
    case 'blobError':
      return a.value.equals((b as typeof a).value);
    case 'verbatim': {
      const o = b as typeof a;
      return a.format === o.format && a.value.equals(o.value);
    }
    case 'nullBulk':
    case 'nullArray':
    case 'null':
      return true;
    case 'array':
    case 'set':
    case 'push': {
      const o = (b as typeof a).value;
      return a.value.length === o.length && a.value.every((item, i) => replyEquals(item, o[i]));
    }
    case 'map':
      return pairsEqual(a.value, (b as typeof a).value);
    case 'attribute': {
      const o = b as typeof a;
      return pairsEqual(a.attributes, o.attributes) && replyEquals(a.value, o.value);
    }
  }
}

function pairsEqual(a: Array<[Reply, Reply]>, b: Array<[Reply, Reply]>): boolean {
  return a.length === b.length && a.every(([k, v], i) => replyEquals(k, b[i][0]) && replyEquals(v, b[i][1]));
}

/** Bytes as a double-quoted string, printable ASCII kept, the rest as \xNN (redis-cli style). */
export function quote(bytes: Buffer | string): string {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  let out = '"';
  for (const byte of buf) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte === 0x09) out += '\\t';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += '\\x' + byte.toString(16).padStart(2, '0');
  }
  return out + '"';
}

/** A one-line, type-explicit rendering of a reply, for mismatch reports. */
export function formatReply(reply: Reply, maxLength = 400): string {
  const text = render(reply);
  return text.length > maxLength ? text.slice(0, maxLength) + ` …(${text.length} chars)` : text;
}

function render(r: Reply): string {
  switch (r.type) {
    case 'simple':
      return `+${r.value}`;
    case 'error':
      return `-${r.value}`;
    case 'integer':
      return `:${r.value}`;
    case 'bulk':
      return `$${quote(r.value)}`;
    case 'nullBulk':
      return '$-1';
    case 'nullArray':
      return '*-1';
    case 'null':
      return '_';
    case 'double':
      return `,${r.value}`;
    case 'boolean':
      return r.value ? '#t' : '#f';
    case 'bigNumber':
      return `(${r.value}`;
    case 'blobError':
      return `!${quote(r.value)}`;
    case 'verbatim':
      return `=${r.format}:${quote(r.value)}`;
    case 'array':
      return `*[${r.value.map(render).join(', ')}]`;
    case 'set':
      return `~{${r.value.map(render).join(', ')}}`;
    case 'push':
      return `>[${r.value.map(render).join(', ')}]`;
    case 'map':
      return `%{${r.value.map(([k, v]) => `${render(k)}: ${render(v)}`).join(', ')}}`;
    case 'attribute':
      return `|{${r.attributes.map(([k, v]) => `${render(k)}: ${render(v)}`).join(', ')}} ${render(r.value)}`;
  }
}
