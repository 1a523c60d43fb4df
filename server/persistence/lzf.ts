// LZF, the small LZ77 variant Redis uses for compressed RDB strings
// (rdbcompression). The stream is a sequence of chunks, each led by a control
// byte: below 32 it is a literal run of ctrl+1 bytes; otherwise a back
// reference of length (ctrl >> 5) + 2 (7 means "plus the next byte") at
// distance ((ctrl & 31) << 8 | next byte) + 1 behind the output position.

const HASH_BITS = 14;
const HASH_SIZE = 1 << HASH_BITS;
const MAX_LITERAL = 32;
const MAX_OFFSET = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

// Positions are stored offset by a base that moves past every input, so an
// entry left by an earlier call reads as "before the start" (invalid) and the
// table never needs clearing per call (a 64 KB fill per string dominated
// saving short strings).
const hashTable = new Int32Array(HASH_SIZE);
let hashBase = 1;

/**
 * Compresses input[0..n); returns null when the result would take more than
 * maxOut bytes (the caller then stores the string as it is). With a scratch
 * buffer big enough, the result is a view of it (copy before reusing).
 */
export function lzfCompress(
  input: Uint8Array,
  maxOut = input.length - 1,
  n = input.length,
  scratch?: Buffer,
): Buffer | null {
  if (n < 4 || maxOut <= 0) return null;
  const out = scratch !== undefined && scratch.length >= maxOut + 4 ? scratch : Buffer.allocUnsafe(maxOut + 1 + 3);
  const length = lzfCompressInto(input, maxOut, n, out);
  return length < 0 ? null : out.subarray(0, length);
}

/**
 * As lzfCompress, into out (at least maxOut + 4 bytes), returning the
 * compressed length or -1: no object allocated per call (the RDB writer calls
 * this once per long string).
 */
export function lzfCompressInto(input: Uint8Array, maxOut: number, n: number, out: Uint8Array): number {
  if (n < 4 || maxOut <= 0) return -1;
  if (hashBase > 0x3fffffff - n) {
    hashTable.fill(0);
    hashBase = 1;
  }
  const base = hashBase;
  hashBase += n + 1;
  let op = 1; // out[0] is the first literal run's control byte
  let litStart = 0; // position of the current literal run's control byte
  let lit = 0;
  let ip = 0;
  while (ip < n - 2) {
    const h = Math.imul((input[ip] << 16) | (input[ip + 1] << 8) | input[ip + 2], 0x9e3779b1) >>> (32 - HASH_BITS);
    const ref = hashTable[h] - base;
    hashTable[h] = ip + base;
    const off = ip - ref - 1;
    if (
      ref >= 0 &&
      off < MAX_OFFSET &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1] &&
      input[ref + 2] === input[ip + 2]
    ) {
      let len = 3;
      const maxLen = Math.min(MAX_REF, n - ip);
      while (len < maxLen && input[ref + len] === input[ip + len]) len++;
      // Close the literal run (or drop its empty control byte).
      if (lit === 0) op--;
      else out[litStart] = lit - 1;
      if (op + 3 + 1 > maxOut) return -1;
      const l = len - 2;
      if (l < 7) {
        out[op++] = (l << 5) | (off >> 8);
      } else {
        out[op++] = (7 << 5) | (off >> 8);
        out[op++] = l - 7;
      }
      out[op++] = off & 0xff;
      // Index the positions inside the match, so later data can refer to them.
      const end = ip + len;
      ip++;
      while (ip < end && ip < n - 2) {
        const hh = Math.imul((input[ip] << 16) | (input[ip + 1] << 8) | input[ip + 2], 0x9e3779b1) >>> (32 - HASH_BITS);
        hashTable[hh] = ip + base;
        ip++;
      }
      ip = end;
      litStart = op++;
      lit = 0;
      if (op > maxOut) return -1;
    } else {
      if (op >= maxOut) return -1;
      out[op++] = input[ip++];
      if (++lit === MAX_LITERAL) {
        out[litStart] = MAX_LITERAL - 1;
        litStart = op++;
        lit = 0;
      }
    }
  }
  while (ip < n) {
    if (op >= maxOut) return -1;
    out[op++] = input[ip++];
    if (++lit === MAX_LITERAL) {
      out[litStart] = MAX_LITERAL - 1;
      litStart = op++;
      lit = 0;
    }
  }
  if (lit === 0) op--;
  else out[litStart] = lit - 1;
  if (op > maxOut) return -1;
  return op;
}

/** Decompresses exactly `outLength` bytes; throws on a malformed stream. */
export function lzfDecompress(input: Uint8Array, outLength: number): Buffer {
  return lzfDecompressInto(input, outLength, Buffer.allocUnsafe(outLength));
}

/** As lzfDecompress, into out[0..outLength) (out may be longer: a reused scratch buffer). */
export function lzfDecompressInto(input: Uint8Array, outLength: number, out: Buffer): Buffer {
  if (out.length < outLength) throw new Error('lzf: output buffer too small');
  let ip = 0;
  let op = 0;
  const n = input.length;
  while (ip < n) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (op + run > outLength || ip + run > n) throw new Error('lzf: literal run out of bounds');
      for (let i = 0; i < run; i++) out[op++] = input[ip++];
    } else {
      let len = ctrl >> 5;
      if (len === 7) {
        if (ip >= n) throw new Error('lzf: truncated');
        len += input[ip++];
      }
      if (ip >= n) throw new Error('lzf: truncated');
      const ref = op - (((ctrl & 31) << 8) | input[ip++]) - 1;
      len += 2;
      if (ref < 0 || op + len > outLength) throw new Error('lzf: reference out of bounds');
      for (let i = 0; i < len; i++) out[op++] = out[ref + i];
    }
  }
  if (op !== outLength) throw new Error('lzf: length mismatch');
  return out;
}
