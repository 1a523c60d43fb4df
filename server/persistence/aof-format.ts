// The pieces of Redis 7's AOF on disk that need no server: RESP records, the
// manifest of a multi-part AOF directory, and a record reader that tells a
// truncated tail from a corrupt one.

/** A record argument: a latin1 string (one char per byte) or bytes. */
export type RecordArg = string | Buffer;

/** Bytes of one RESP multibulk record. */
export function recordSize(args: readonly RecordArg[]): number {
  let size = 3 + String(args.length).length;
  for (const arg of args) {
    const n = arg.length;
    size += 5 + String(n).length + n;
  }
  return size;
}

/** Writes args as "*N\r\n$len\r\narg\r\n…" into out at offset; returns the new offset. */
export function encodeRecord(out: Buffer, offset: number, args: readonly RecordArg[]): number {
  offset += out.write(`*${args.length}\r\n`, offset, 'latin1');
  for (const arg of args) {
    offset += out.write(`$${arg.length}\r\n`, offset, 'latin1');
    if (typeof arg === 'string') offset += out.write(arg, offset, 'latin1');
    else offset += arg.copy(out, offset);
    out[offset++] = 13;
    out[offset++] = 10;
  }
  return offset;
}

// ---- manifest -----------------------------------------------------------------

export type AofFileType = 'b' | 'h' | 'i';

export interface ManifestFile {
  name: string;
  seq: number;
  type: AofFileType;
}

export interface Manifest {
  base: ManifestFile | null;
  incrs: ManifestFile[];
  history: ManifestFile[];
}

export class ManifestError extends Error {}

/** Splits a manifest line as Redis's sdssplitargs: spaces separate, quotes group, backslash escapes in "". */
function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= line.length) break;
    let word = '';
    if (line[i] === '"') {
      i++;
      let closed = false;
      while (i < line.length) {
        const c = line[i];
        if (c === '\\' && i + 1 < line.length) {
          const n = line[i + 1];
          if (n === 'x' && i + 3 < line.length && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
            word += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
            i += 4;
            continue;
          }
          word += n === 'n' ? '\n' : n === 'r' ? '\r' : n === 't' ? '\t' : n === 'b' ? '\b' : n === 'a' ? '\x07' : n;
          i += 2;
          continue;
        }
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        word += c;
        i++;
      }
      if (!closed) return null;
    } else if (line[i] === "'") {
      i++;
      let closed = false;
      while (i < line.length) {
        if (line[i] === "'") {
          closed = true;
          i++;
          break;
        }
        word += line[i++];
      }
      if (!closed) return null;
    } else {
      while (i < line.length && line[i] !== ' ' && line[i] !== '\t') word += line[i++];
    }
    out.push(word);
  }
  return out;
}

/** A file name as Redis writes it in the manifest: bare unless it needs quoting (sdscatrepr). */
function quoteName(name: string): string {
  if (/^[\x21-\x7e]+$/.test(name) && !/["'\\]/.test(name)) return name;
  let out = '"';
  for (const c of name) {
    const code = c.charCodeAt(0);
    if (c === '\\' || c === '"') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code >= 32 && code < 127) out += c;
    else out += `\\x${code.toString(16).padStart(2, '0')}`;
  }
  return out + '"';
}

export function parseManifest(text: string): Manifest {
  const manifest: Manifest = { base: null, incrs: [], history: [] };
  let lastIncrSeq = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = splitArgs(line);
    if (words === null || words.length % 2 !== 0) throw new ManifestError('Invalid AOF manifest file format');
    let name: string | null = null;
    let seq = -1;
    let type: string | null = null;
    for (let i = 0; i < words.length; i += 2) {
      const k = words[i];
      const v = words[i + 1];
      if (k === 'file') name = v;
      else if (k === 'seq') seq = /^\d+$/.test(v) ? Number(v) : -1;
      else if (k === 'type') type = v;
    }
    if (name === null || seq < 0 || (type !== 'b' && type !== 'h' && type !== 'i')) {
      throw new ManifestError('Invalid AOF manifest file format');
    }
    const file: ManifestFile = { name, seq, type };
    if (type === 'b') {
      if (manifest.base !== null) throw new ManifestError('Found duplicate base file information');
      manifest.base = file;
    } else if (type === 'h') {
      manifest.history.push(file);
    } else {
      if (seq <= lastIncrSeq) throw new ManifestError('Found a non-monotonic sequence number');
      lastIncrSeq = seq;
      manifest.incrs.push(file);
    }
  }
  return manifest;
}

/** The manifest text, one "file … seq … type …" line per file, base first as Redis writes it. */
export function formatManifest(manifest: Manifest): string {
  const line = (f: ManifestFile) => `file ${quoteName(f.name)} seq ${f.seq} type ${f.type}\n`;
  let out = '';
  if (manifest.base !== null) out += line(manifest.base);
  for (const f of manifest.history) out += line(f);
  for (const f of manifest.incrs) out += line(f);
  return out;
}

// ---- reading records -------------------------------------------------------------

/** Why reading stopped early. */
export type ReadProblem =
  | { kind: 'truncated'; offset: number }
  | { kind: 'corrupt'; offset: number; reason: string };

/**
 * Reads the RESP records of an AOF from buf[start..]. Calls onRecord with
 * each record (args are slices of buf) and the offset just past it. Returns
 * null when the whole buffer was records, else where and why it stopped; a
 * record cut by the end of the file is 'truncated', anything else 'corrupt'.
 */
export function readRecords(
  buf: Buffer,
  start: number,
  onRecord: (args: Buffer[], end: number) => void,
): ReadProblem | null {
  let pos = start;
  const len = buf.length;
  /** Reads a "<prefix><digits>\r\n" line at p; returns [value, next] or a problem. */
  const readLine = (p: number, prefix: number): [number, number] | ReadProblem => {
    if (p >= len) return { kind: 'truncated', offset: pos };
    if (buf[p] !== prefix) return { kind: 'corrupt', offset: p, reason: `expected '${String.fromCharCode(prefix)}'` };
    const cr = buf.indexOf(13, p + 1);
    if (cr < 0 || cr + 1 >= len) {
      // No line end before EOF: truncated if what is there could be a number.
      for (let i = p + 1; i < len; i++) {
        if ((buf[i] < 48 || buf[i] > 57) && buf[i] !== 13) return { kind: 'corrupt', offset: p, reason: 'bad number' };
      }
      return { kind: 'truncated', offset: pos };
    }
    if (buf[cr + 1] !== 10 || cr === p + 1 || cr - p > 20) return { kind: 'corrupt', offset: p, reason: 'bad line' };
    let value = 0;
    for (let i = p + 1; i < cr; i++) {
      const c = buf[i];
      if (c < 48 || c > 57) return { kind: 'corrupt', offset: p, reason: 'bad number' };
      value = value * 10 + (c - 48);
    }
    return [value, cr + 2];
  };
  while (pos < len) {
    if (buf[pos] === 35) {
      // An annotation ("#TS:…" with aof-timestamp-enabled): Redis skips the line.
      const nl = buf.indexOf(10, pos);
      if (nl < 0) return { kind: 'truncated', offset: pos };
      pos = nl + 1;
      continue;
    }
    const head = readLine(pos, 42);
    if (!Array.isArray(head)) return head;
    const [count, afterHead] = head;
    if (count < 1) return { kind: 'corrupt', offset: pos, reason: 'empty record' };
    let p = afterHead;
    const args: Buffer[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const bulk = readLine(p, 36);
      if (!Array.isArray(bulk)) return bulk.kind === 'truncated' ? { kind: 'truncated', offset: pos } : bulk;
      const [n, dataAt] = bulk;
      if (dataAt + n + 2 > len) return { kind: 'truncated', offset: pos };
      if (buf[dataAt + n] !== 13 || buf[dataAt + n + 1] !== 10) {
        return { kind: 'corrupt', offset: dataAt + n, reason: 'bulk not followed by CRLF' };
      }
      args[i] = buf.subarray(dataAt, dataAt + n);
      p = dataAt + n + 2;
    }
    pos = p;
    onRecord(args, pos);
  }
  return null;
}
