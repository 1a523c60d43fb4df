// The key -> entry index of a database, split over many small Maps.
//
// A single V8 Map rehashes its whole table when it grows past its capacity
// and when deletes bring it under a quarter of it: with millions of keys that
// is one synchronous pass over every remaining key (hundreds of ms when
// eviction brings 3.4M keys down to 300k, measured by bench/eviction/stall).
// Split over SHARDS Maps, each rehash touches a 1/SHARDS share of the keys:
// Redis rehashes incrementally; bounding the table a rehash walks is the
// closest a JS Map allows. Not too many shards, though: with 1024 of them a
// random lookup cost 20-30% more CPU (GET at pipeline 16, 100k keys) than
// with one Map; 64 and 256 cost the same as one Map (A/B, SET at pipeline 16),
// and with 256 a shrink at 3.4M keys rehashes ~13k keys (64: ~53k, a 44 ms
// event-loop block in bench/eviction/stall). The shard of a key is a cheap
// hash of its length, first and last characters (keys mostly differ at their
// end); a workload whose keys share those lands in fewer shards, which is
// only slower, never wrong.

const SHARD_BITS = 8;
export const SHARDS = 1 << SHARD_BITS;
const MASK = SHARDS - 1;
/** Keys below this count live in one Map (no hashing on the way): small databases stay as cheap as before. */
const SPLIT_AT = 1 << 14;

export function shardOf(key: string): number {
  const n = key.length;
  let h = n | 0;
  const head = n < 8 ? n : 8;
  for (let i = 0; i < head; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  for (let i = n > 24 ? n - 16 : head; i < n; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  return (h ^ (h >>> 15)) & MASK;
}

export class KeyMap<V> {
  /** Until SPLIT_AT keys: the one Map. */
  private single: Map<string, V> | null = new Map();
  /** Past SPLIT_AT keys: SHARDS Maps (created on first use). */
  private shards: Array<Map<string, V> | undefined> | null = null;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    const single = this.single;
    if (single !== null) return single.get(key);
    return this.shards![shardOf(key)]?.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, value: V): this {
    const single = this.single;
    if (single !== null) {
      const before = single.size;
      single.set(key, value);
      if (single.size !== before && ++this.count >= SPLIT_AT) this.split();
      return this;
    }
    const shards = this.shards!;
    const s = shardOf(key);
    let shard = shards[s];
    if (shard === undefined) shards[s] = shard = new Map();
    const before = shard.size;
    shard.set(key, value);
    if (shard.size !== before) this.count++;
    return this;
  }

  delete(key: string): boolean {
    const single = this.single;
    const map = single !== null ? single : this.shards![shardOf(key)];
    if (map === undefined || !map.delete(key)) return false;
    this.count--;
    return true;
  }

  clear(): void {
    this.single = new Map();
    this.shards = null;
    this.count = 0;
  }

  /** Once, at SPLIT_AT keys: spreads the one Map over the shards (a pass over 16k keys). */
  private split(): void {
    const shards: Array<Map<string, V> | undefined> = new Array<Map<string, V> | undefined>(SHARDS).fill(undefined);
    for (const [key, value] of this.single!) {
      const s = shardOf(key);
      let shard = shards[s];
      if (shard === undefined) shards[s] = shard = new Map();
      shard.set(key, value);
    }
    this.single = null;
    this.shards = shards;
  }

  *entries(): IterableIterator<[string, V]> {
    if (this.single !== null) {
      yield* this.single;
      return;
    }
    for (const shard of this.shards!) if (shard !== undefined) yield* shard;
  }

  *keys(): IterableIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): IterableIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }
}
