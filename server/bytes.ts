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
  return buf.latin1Slice(0, buf.length);
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
