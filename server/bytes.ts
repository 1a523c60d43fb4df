// Bytes as latin1 strings (one char per byte): how keys and string values
// live inside the server. Node's latin1Slice/latin1Write are the fast,
// check-free forms of toString('latin1') and write(..., 'latin1').

declare global {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
    latin1Write(text: string, offset: number, length?: number): number;
  }
}

/** The bytes of buf as a latin1 string (a copy: safe to keep). */
export function str(buf: Buffer): string {
  const n = buf.length;
  if (n > SHORT_STRING) return buf.latin1Slice(0, n);
  if (n > CACHED_STRING) return shortString(buf, n);
  return cachedString(buf, n);
}

/**
 * Strings of up to CACHED_STRING bytes are kept in a small table, direct
 * mapped by a hash of their bytes, and handed out again when the same bytes
 * come back: a hot key or field, or a small value ("1", "true", a status), is
 * then one string with its hash already computed (Map lookups compare it by
 * identity) and allocates nothing, and a value written again and again into
 * an old entry does not leave a young string behind it (each such pointer is
 * work for the next young GC). Redis shares small integers the same way.
 * The hash and compare cost 10-20 ns, well under making the string.
 */
const CACHED_STRING = 10;
const CACHE_SLOTS = 4096;
const cache: string[] = new Array<string>(CACHE_SLOTS).fill('');
/** Hashes of strings missed once, by their low bits. */
const CANDIDATE_SLOTS = 1024;
const candidates = new Int32Array(CANDIDATE_SLOTS);

function cachedString(b: Buffer, n: number): string {
  let h = n;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ b[i], 0x01000193);
  const slot = (h ^ (h >>> 16)) & (CACHE_SLOTS - 1);
  const cached = cache[slot];
  if (cached.length === n) {
    let i = 0;
    while (i < n && cached.charCodeAt(i) === b[i]) i++;
    if (i === n) return cached;
  }
  const made = shortString(b, n);
  // Admitted on its second miss only (its hash noted in a small table of
  // plain numbers on the first): a string that keeps coming back is in soon
  // enough, while a stream of distinct ones (random keys or members) does not
  // make each miss a string kept alive into the old generation, where it dies
  // as garbage for the next full GC (admitting one miss in eight made SADD of
  // random members 10% slower).
  const seen = h & (CANDIDATE_SLOTS - 1);
  if (candidates[seen] === h) cache[slot] = made;
  else candidates[seen] = h;
  return made;
}

/** Longest argument str() builds in JS (keys, fields, members and small values are mostly shorter). */
const SHORT_STRING = 20;
const fromCharCode = String.fromCharCode;

/**
 * A short latin1 string made from its bytes in JS: latin1Slice goes through a
 * C++ API call costing 60-90 ns whatever the length, String.fromCharCode with
 * the bytes as arguments 20-60 ns up to 20 bytes (and makes the same flat
 * one-byte string). Every key and field of a command passes here.
 */
function shortString(b: Buffer, n: number): string {
  switch (n) {
    case 0:
      return '';
    case 1:
      return fromCharCode(b[0]);
    case 2:
      return fromCharCode(b[0], b[1]);
    case 3:
      return fromCharCode(b[0], b[1], b[2]);
    case 4:
      return fromCharCode(b[0], b[1], b[2], b[3]);
    case 5:
      return fromCharCode(b[0], b[1], b[2], b[3], b[4]);
    case 6:
      return fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5]);
    case 7:
      return fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5], b[6]);
    case 8:
      return fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
    case 9:
      return fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8]);
    case 10:
      return fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9]);
    case 11:
      return fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10]);
    case 12:
      return fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11]);
    case 13:
      return fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12]);
    case 14:
      return fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13]);
    case 15:
      return fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14]);
    case 16:
      return fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    case 17:
      return fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15], b[16]);
    case 18:
      return fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15], b[16], b[17]);
    case 19:
      return fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15], b[16], b[17], b[18]);
    case 20:
      return fromCharCode(b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15], b[16], b[17], b[18], b[19]);
    default:
      return b.latin1Slice(0, n);
  }
}

/** A latin1 string back to bytes. */
export function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** ASCII-lowercase of an argument, for option names (EX, NX …). */
export function lower(buf: Buffer): string {
  return buf.latin1Slice(0, buf.length).toLowerCase();
}

/**
 * A Buffer over `length` bytes of `memory` from `offset`, without a copy: what
 * buf.subarray() makes, at a third of its cost. subarray looks up the species
 * constructor and reads `.buffer` through a C++ getter on every call; Node's
 * own Buffer class (its Symbol.species) built straight from the ArrayBuffer
 * does neither. Where that class is not what the probe expects, a Uint8Array
 * over the memory is made a Buffer by Buffer.from (same bytes, no copy).
 */
export const viewOf: (memory: ArrayBuffer, offset: number, length: number) => Buffer = (() => {
  const species = (Buffer as unknown as Record<symbol, unknown>)[Symbol.species];
  if (typeof species === 'function') {
    const Make = species as new (memory: ArrayBuffer, offset: number, length: number) => Buffer;
    try {
      const probe = new Make(new ArrayBuffer(4), 1, 2);
      if (Buffer.isBuffer(probe) && Object.getPrototypeOf(probe) === Buffer.prototype && probe.length === 2 && probe.byteOffset === 1) {
        return (memory: ArrayBuffer, offset: number, length: number) => new Make(memory, offset, length);
      }
    } catch {
      // not a constructor of views: the fallback below
    }
  }
  return (memory: ArrayBuffer, offset: number, length: number) => Buffer.from(memory, offset, length);
})();
