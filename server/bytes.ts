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
