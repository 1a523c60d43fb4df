// Redis's eviction pool (evict.c): the best candidates met while sampling,
// kept across evictions so each round of maxmemory-samples random keys only
// has to beat what earlier rounds found. Ascending by score ("idle": the
// higher the better to evict); the best candidate is the last.

export const EVICTION_POOL_SIZE = 16;

export interface PoolCandidate<T> {
  score: number;
  item: T;
  /** The caller's tag (the database index of a key). */
  tag: number;
}

export class EvictionPool<T> {
  /** Ascending by score; at most `capacity` long. */
  readonly slots: PoolCandidate<T>[] = [];

  constructor(readonly capacity = EVICTION_POOL_SIZE) {}

  get size(): number {
    return this.slots.length;
  }

  /**
   * Offers a sampled candidate. As Redis: when the pool is full and the
   * candidate is worse than every one in it, it is dropped; otherwise it goes
   * in its place and, if the pool was full, the worst candidate falls out.
   * An item already in the pool only has its score refreshed.
   */
  offer(item: T, score: number, tag = 0): void {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) {
      if (slots[i].item === item) {
        slots.splice(i, 1);
        break;
      }
    }
    let k = 0;
    while (k < slots.length && slots[k].score < score) k++;
    if (slots.length >= this.capacity) {
      if (k === 0) return;
      slots.shift();
      k--;
    }
    slots.splice(k, 0, { score, item, tag });
  }

  /**
   * Takes the best candidate that is still valid (the others met on the way
   * are dropped: their keys were deleted or evicted since they were sampled).
   */
  popBest(valid: (item: T, tag: number) => boolean): PoolCandidate<T> | undefined {
    const slots = this.slots;
    while (slots.length > 0) {
      const candidate = slots.pop()!;
      if (valid(candidate.item, candidate.tag)) return candidate;
    }
    return undefined;
  }

  clear(): void {
    this.slots.length = 0;
  }
}
