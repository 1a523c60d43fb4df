// An exact in-cache LFU of fixed capacity in O(1) per access: keys grouped by
// access count in insertion-ordered sets; the victim is the least recently
// added key of the lowest count.

export class ExactLfu<K = number> {
  private readonly counts = new Map<K, number>();
  private readonly buckets = new Map<number, Set<K>>();
  private min = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.counts.size;
  }

  /** A cache-aside access: true on a hit; on a miss the key is inserted (evicting one when full). */
  access(key: K): boolean {
    const count = this.counts.get(key);
    if (count !== undefined) {
      this.bucket(count).delete(key);
      if (count === this.min && this.bucket(count).size === 0) this.min = count + 1;
      this.counts.set(key, count + 1);
      this.bucket(count + 1).add(key);
      return true;
    }
    if (this.capacity <= 0) return false;
    if (this.counts.size >= this.capacity) {
      const victims = this.bucket(this.min);
      const victim = victims.values().next().value as K;
      victims.delete(victim);
      this.counts.delete(victim);
    }
    this.counts.set(key, 1);
    this.bucket(1).add(key);
    this.min = 1;
    return false;
  }

  private bucket(count: number): Set<K> {
    let set = this.buckets.get(count);
    if (set === undefined) {
      set = new Set<K>();
      this.buckets.set(count, set);
    }
    return set;
  }
}
