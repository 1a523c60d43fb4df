// Redis's eviction pool (evict.c): the best candidates met while sampling,
// kept across evictions so each round of maxmemory-samples random keys only
// has to beat what earlier rounds found. Ascending by score ("idle": the
// higher the better to evict); the best candidate is the last.
//
// Stored in parallel fixed-size arrays (as Redis's static array of 16
// entries): offering and popping allocate nothing, so evicting a million keys
// leaves no garbage behind for the young-generation GC.

export const EVICTION_POOL_SIZE = 16;

export interface PoolCandidate<T> {
  score: number;
  item: T;
  /** The caller's tag (the database index of a key). */
  tag: number;
}

export class EvictionPool<T> {
  private readonly scores: Float64Array;
  private readonly items: Array<T | undefined>;
  private readonly tags: Int32Array;
  private count = 0;
  /** What popBest returns: reused, valid until the next call. */
  private readonly popped: PoolCandidate<T> = { score: 0, item: undefined as unknown as T, tag: 0 };

  constructor(readonly capacity = EVICTION_POOL_SIZE) {
    this.scores = new Float64Array(capacity);
    this.items = new Array<T | undefined>(capacity).fill(undefined);
    this.tags = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The candidates, ascending by score (a copy, for inspection). */
  get slots(): PoolCandidate<T>[] {
    const out: PoolCandidate<T>[] = [];
    for (let i = 0; i < this.count; i++) out.push({ score: this.scores[i], item: this.items[i] as T, tag: this.tags[i] });
    return out;
  }

  /**
   * Offers a sampled candidate. As Redis: when the pool is full and the
   * candidate is worse than every one in it, it is dropped; otherwise it goes
   * in its place and, if the pool was full, the worst candidate falls out.
   * An item already in the pool only has its score refreshed.
   */
  offer(item: T, score: number, tag = 0): void {
    const scores = this.scores;
    const items = this.items;
    const tags = this.tags;
    let n = this.count;
    for (let i = 0; i < n; i++) {
      if (items[i] === item) {
        this.removeAt(i);
        n--;
        break;
      }
    }
    let k = 0;
    while (k < n && scores[k] < score) k++;
    if (n >= this.capacity) {
      if (k === 0) return;
      // The worst (slot 0) falls out: shift slots 1..k-1 down by one, insert at k-1.
      for (let i = 1; i < k; i++) {
        scores[i - 1] = scores[i];
        items[i - 1] = items[i];
        tags[i - 1] = tags[i];
      }
      k--;
    } else {
      for (let i = n; i > k; i--) {
        scores[i] = scores[i - 1];
        items[i] = items[i - 1];
        tags[i] = tags[i - 1];
      }
      this.count = n + 1;
    }
    scores[k] = score;
    items[k] = item;
    tags[k] = tag;
  }

  private removeAt(index: number): void {
    const n = this.count - 1;
    for (let i = index; i < n; i++) {
      this.scores[i] = this.scores[i + 1];
      this.items[i] = this.items[i + 1];
      this.tags[i] = this.tags[i + 1];
    }
    this.items[n] = undefined;
    this.count = n;
  }

  /**
   * Takes the best candidate that is still valid (the others met on the way
   * are dropped: their keys were deleted or evicted since they were sampled).
   * The returned object is reused by the next call.
   */
  popBest(valid: (item: T, tag: number) => boolean): PoolCandidate<T> | undefined {
    while (this.count > 0) {
      const i = --this.count;
      const item = this.items[i] as T;
      this.items[i] = undefined;
      if (valid(item, this.tags[i])) {
        const popped = this.popped;
        popped.score = this.scores[i];
        popped.item = item;
        popped.tag = this.tags[i];
        return popped;
      }
    }
    return undefined;
  }

  clear(): void {
    this.items.fill(undefined);
    this.count = 0;
  }
}
