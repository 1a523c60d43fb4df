// Byte estimates of what V8 holds for our values. Kept free of imports so the
// value structures (server/types/*) can keep running totals with it.
//
// A latin1 string is a SeqOneByteString: map word, hash and length (16 bytes
// on a 64-bit heap without pointer compression, Node's default) followed by
// one byte per character, the whole rounded up to 8 bytes.

/** Heap bytes of a one-byte (latin1) string of this many characters. */
export function stringBytesOfLength(length: number): number {
  return (16 + length + 7) & ~7;
}

/** Heap bytes of a latin1 string. */
export function stringBytes(s: string): number {
  return (16 + s.length + 7) & ~7;
}
