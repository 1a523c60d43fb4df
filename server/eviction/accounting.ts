// Memory accounting: every entry carries an estimate of the heap bytes it
// holds (its key, its value structure, our per-entry overhead), kept current
// by Db.add/set/resize (the server calls resize from keyChanged after every
// write). Each value structure keeps a running total of its strings' bytes,
// so an estimate is O(1) whatever the size of the collection.
//
// The constants below model V8's objects on a 64-bit heap without pointer
// compression (Node's default): an object is a 24-byte header plus 8 bytes a
// field, a double that changes is a separate 16-byte HeapNumber, a Map entry
// costs about 3 slots plus a bucket share (and Maps grow by doubling), an
// array slot 8 bytes. They were calibrated with bench/eviction/memory-calibrate
// (1,000,000 keys of each type, estimate vs heapUsed growth).

import type { Entry } from '../keyspace.js';
import { stringBytes } from './sizes.js';

/** An Entry object (10 fields), its Map entry and its slot in Db.entries. */
export const ENTRY_OVERHEAD = 162;
/** A key with a TTL: its slot in Db.expiring and the boxed expire time. */
export const TTL_OVERHEAD = 24;

/** A Map of n entries: V8's OrderedHashMap, capacity a power of two >= n (at least 4), 3.5 words a slot. */
export function mapBytes(n: number): number {
  let capacity = 4;
  while (capacity < n) capacity *= 2;
  return 40 + capacity * 28;
}

/** A JS array holding n elements, allowing for its growth slack. */
function arrayBytes(n: number): number {
  return 32 + Math.ceil(n * 1.25) * 8;
}

// List + its Denque (head, tail, mask, ring array), measured
const LIST_OBJECT = 278;
// IndexedSet/SetValue with its Map and array objects, measured
const SET_OBJECT = 198;
const SET_PER_MEMBER = 0; // members' slots are counted by mapBytes and arrayBytes
const HASH_OBJECT = 24 + 3 * 8;
const HASH_CELL = 24 + 3 * 8;
// ZSet + its skiplist pool (two typed-array views on a slab piece, the pieces a
// small set outgrew), measured by bench/eviction/memory-calibrate
const ZSET_OBJECT = 817;
/** A skiplist node: its block of 8-byte units in the pool (average level 4/3) and member slot, measured. */
const ZSET_NODE = 66;

/** A number, or 0 when absent (a test may plant a bare Map or array as a value). */
function num(n: unknown): number {
  return typeof n === 'number' ? n : 0;
}

/**
 * The fields valueBytes reads. Each case reads them by a constant name, so
 * each load site sees one shape (this runs after every write: a load by a
 * computed name, shared by every type, was a megamorphic lookup each time).
 */
interface Sized {
  bytes?: unknown;
  size?: unknown;
  capacity?: unknown;
  encoding?: unknown;
}

/** Heap bytes of an entry's value (without the key and the entry itself). */
export function valueBytes(entry: Entry): number {
  const value = entry.value;
  if (entry.type === 'string') return typeof value === 'string' ? stringBytes(value) : 16;
  if (value === null || typeof value !== 'object') return 0;
  const v = value as Sized;
  switch (entry.type) {
    case 'list':
      return LIST_OBJECT + 16 + num(v.capacity) * 8 + num(v.bytes);
    case 'set': {
      const n = num(v.size);
      return SET_OBJECT + mapBytes(n) + arrayBytes(n) + n * SET_PER_MEMBER + num(v.bytes);
    }
    case 'hash': {
      const n = num(v.size);
      const dense = v.encoding === 'hashtable' ? arrayBytes(n) : 0;
      return HASH_OBJECT + mapBytes(n) + dense + n * HASH_CELL + num(v.bytes);
    }
    case 'zset': {
      const n = num(v.size);
      return ZSET_OBJECT + mapBytes(n) + n * ZSET_NODE + num(v.bytes);
    }
  }
  return 0;
}

/** The whole estimate of an entry: overhead, key, TTL bookkeeping and value. */
export function entrySize(entry: Entry): number {
  return ENTRY_OVERHEAD + stringBytes(entry.key) + (entry.expireAt !== -1 ? TTL_OVERHEAD : 0) + valueBytes(entry);
}
