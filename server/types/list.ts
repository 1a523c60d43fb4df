// A Redis list: a double-ended queue of latin1 strings (denque underneath),
// with the positional operations the list commands need. Indexes follow
// Redis: negative counts from the tail, ranges are inclusive and clamped.

import Denque from 'denque';
import { stringBytes } from '../eviction/sizes.js';

export class List {
  private items: Denque<string>;
  /** Running heap estimate of the elements' strings (memory accounting). */
  bytes = 0;

  constructor(items: readonly string[] = []) {
    this.items = new Denque<string>(items as string[]);
    for (const item of items) this.bytes += stringBytes(item);
  }

  /** Denque's ring buffer capacity (a power of two), for memory accounting. */
  get capacity(): number {
    return (this.items as unknown as { _capacityMask: number })._capacityMask + 1;
  }

  get length(): number {
    return this.items.length;
  }

  pushFront(value: string): void {
    this.items.unshift(value);
    this.bytes += stringBytes(value);
  }

  pushBack(value: string): void {
    this.items.push(value);
    this.bytes += stringBytes(value);
  }

  popFront(): string | undefined {
    const value = this.items.shift();
    if (value !== undefined) this.bytes -= stringBytes(value);
    return value;
  }

  popBack(): string | undefined {
    const value = this.items.pop();
    if (value !== undefined) this.bytes -= stringBytes(value);
    return value;
  }

  /** Resolves a Redis index (negative from the tail); -1 when out of range. */
  private resolve(index: number): number {
    const n = this.items.length;
    const i = index < 0 ? n + index : index;
    return i >= 0 && i < n ? i : -1;
  }

  /** The element at a Redis index, undefined when out of range. */
  at(index: number): string | undefined {
    const i = this.resolve(index);
    return i < 0 ? undefined : this.items.peekAt(i);
  }

  /** Replaces the element at a Redis index; false when out of range. */
  set(index: number, value: string): boolean {
    const i = this.resolve(index);
    if (i < 0) return false;
    this.bytes += stringBytes(value) - stringBytes(this.items.peekAt(i)!);
    this.items.splice(i, 1, value);
    return true;
  }

  /** The clamped [from, to] positions of an LRANGE/LTRIM range, or null when empty. */
  private span(start: number, stop: number): [number, number] | null {
    const n = this.items.length;
    if (start < 0) start += n;
    if (stop < 0) stop += n;
    if (start < 0) start = 0;
    if (start > stop || start >= n) return null;
    if (stop >= n) stop = n - 1;
    return [start, stop];
  }

  /** LRANGE: the elements from start to stop inclusive. */
  range(start: number, stop: number): string[] {
    const s = this.span(start, stop);
    if (s === null) return [];
    const out = new Array<string>(s[1] - s[0] + 1);
    for (let i = s[0]; i <= s[1]; i++) out[i - s[0]] = this.items.peekAt(i)!;
    return out;
  }

  /** LTRIM: keeps start..stop inclusive; an empty range empties the list. */
  trim(start: number, stop: number): void {
    const s = this.span(start, stop);
    if (s === null) {
      this.items.clear();
      this.bytes = 0;
      return;
    }
    const n = this.items.length;
    for (let i = 0; i < s[0]; i++) this.bytes -= stringBytes(this.items.peekAt(i)!);
    for (let i = s[1] + 1; i < n; i++) this.bytes -= stringBytes(this.items.peekAt(i)!);
    if (n - 1 - s[1] > 0) this.items.remove(s[1] + 1, n - 1 - s[1]);
    if (s[0] > 0) this.items.remove(0, s[0]);
  }

  /**
   * LREM: removes up to |count| elements equal to value, from the head when
   * count > 0, from the tail when count < 0, all when 0. Returns how many.
   */
  remove(value: string, count: number): number {
    const all = this.items.toArray();
    const n = all.length;
    const limit = count === 0 ? Infinity : Math.abs(count);
    const drop = new Uint8Array(n);
    let removed = 0;
    if (count >= 0) {
      for (let i = 0; i < n && removed < limit; i++) if (all[i] === value) (drop[i] = 1), removed++;
    } else {
      for (let i = n - 1; i >= 0 && removed < limit; i--) if (all[i] === value) (drop[i] = 1), removed++;
    }
    if (removed === 0) return 0;
    this.bytes -= removed * stringBytes(value);
    const kept: string[] = [];
    for (let i = 0; i < n; i++) if (drop[i] === 0) kept.push(all[i]);
    this.items = new Denque<string>(kept);
    return removed;
  }

  /** LINSERT: puts value before/after the first pivot; the new length, or -1 when no pivot. */
  insert(pivot: string, value: string, after: boolean): number {
    const n = this.items.length;
    for (let i = 0; i < n; i++) {
      if (this.items.peekAt(i) === pivot) {
        const at = after ? i + 1 : i;
        if (at === n) this.items.push(value);
        else if (at === 0) this.items.unshift(value);
        else this.items.splice(at, 0, value);
        this.bytes += stringBytes(value);
        return this.items.length;
      }
    }
    return -1;
  }

  /** The element at a 0-based position (no negative indexes), for scans like LPOS. */
  get(i: number): string {
    return this.items.peekAt(i)!;
  }

  toArray(): string[] {
    return this.items.toArray();
  }

  clone(): List {
    return new List(this.items.toArray());
  }
}
