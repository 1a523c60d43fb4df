// A small seeded PRNG (sfc32, seeded through splitmix32) so that a seed
// names one command sequence on every machine and Node version.

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Seeds from any number of integers (seed, protocol, sequence index …). */
  constructor(...seeds: number[]) {
    let mix = 0x2545f491;
    for (const seed of seeds) mix = splitmix32((mix ^ Math.imul(seed >>> 0, 0x27d4eb2d) ^ Math.floor(seed / 2 ** 32)) >>> 0)();
    const next = splitmix32(mix);
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.uint32() / 2 ** 32;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: entries are [weight, value]. */
  weighted<T>(entries: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of entries) total += w;
    let x = this.next() * total;
    for (const [w, value] of entries) {
      x -= w;
      if (x < 0) return value;
    }
    return entries[entries.length - 1][1];
  }

  /** A random byte string (latin1), every byte value possible. */
  bytes(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) s += String.fromCharCode(this.int(0, 255));
    return s;
  }
}
