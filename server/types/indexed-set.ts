// A set with O(1) add, delete and membership AND O(1) uniform random picks,
// which SPOP and SRANDMEMBER need (a JS Set can only be walked from the start).
//
// Members live in a dense array; a Map gives each member's slot in it.
// Deleting moves the LAST member into the freed slot (swap-remove), so the
// array never has holes and a random index is always a member.
//
// The same property makes a cursor walk safe (SSCAN): walking slots from the
// top down, with the cursor being the exclusive upper bound of what is left,
// a member below the cursor stays below it until it is visited. Adds land at
// the end (above the cursor: they may be missed, which SCAN allows) and a
// delete only ever moves the last member downward (it may come back twice).

import { stringBytes } from '../eviction/sizes.js';

/** Heap bytes of a member beyond its slot (strings only; other members are counted by their owner). */
function memberBytes(member: unknown): number {
  return typeof member === 'string' ? stringBytes(member) : 0;
}

export class IndexedSet<T> implements Iterable<T> {
  private readonly slots = new Map<T, number>();
  private readonly items: T[] = [];
  /** Running heap estimate of the members' strings (memory accounting). */
  bytes = 0;

  constructor(members?: Iterable<T>) {
    if (members !== undefined) for (const m of members) this.add(m);
  }

  get size(): number {
    return this.items.length;
  }

  has(member: T): boolean {
    return this.slots.has(member);
  }

  /** Adds member; false if it was already there. */
  add(member: T): boolean {
    if (this.slots.has(member)) return false;
    this.slots.set(member, this.items.length);
    this.items.push(member);
    this.bytes += memberBytes(member);
    return true;
  }

  /** Removes member; false if it was not there. */
  delete(member: T): boolean {
    const slot = this.slots.get(member);
    if (slot === undefined) return false;
    this.removeSlot(slot);
    return true;
  }

  /** The member at a dense slot (0 <= slot < size). */
  at(slot: number): T {
    return this.items[slot];
  }

  /** A uniformly random member, or undefined when empty. */
  random(): T | undefined {
    const n = this.items.length;
    return n === 0 ? undefined : this.items[randomBelow(n)];
  }

  /** Removes and returns a uniformly random member, or undefined when empty. */
  pop(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    return this.removeSlot(randomBelow(n));
  }

  /**
   * min(count, size) distinct members chosen uniformly, in random order, in
   * O(count) time and space and without reordering the set: a Fisher-Yates
   * shuffle of the first `count` positions whose swaps are kept in a sparse map.
   */
  sample(count: number): T[] {
    const n = this.items.length;
    if (count >= n) {
      const all = this.items.slice();
      shuffle(all);
      return all;
    }
    const swapped = new Map<number, number>();
    const out: T[] = new Array<T>(count);
    for (let i = 0; i < count; i++) {
      const j = i + randomBelow(n - i);
      const atJ = swapped.get(j) ?? j;
      swapped.set(j, swapped.get(i) ?? i);
      out[i] = this.items[atJ];
    }
    return out;
  }

  /**
   * Visits up to `count` slots below `cursor` (0 = start at the top), top-down,
   * and returns the next cursor (0 when the walk is done). visit must not change the set.
   */
  scan(cursor: number, count: number, visit: (member: T) => void): number {
    const items = this.items;
    let high = cursor === 0 || cursor > items.length ? items.length : cursor;
    const low = Math.max(0, high - count);
    while (high > low) visit(items[--high]);
    return low;
  }

  /** The members in slot order; a live view: do not modify, copy before changing the set. */
  members(): readonly T[] {
    return this.items;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.items[Symbol.iterator]();
  }

  clear(): void {
    this.slots.clear();
    this.items.length = 0;
    this.bytes = 0;
  }

  private removeSlot(slot: number): T {
    const items = this.items;
    const member = items[slot];
    const last = items.pop() as T;
    this.slots.delete(member);
    this.bytes -= memberBytes(member);
    if (slot < items.length) {
      items[slot] = last;
      this.slots.set(last, slot);
    }
    return member;
  }
}

function randomBelow(n: number): number {
  return Math.floor(Math.random() * n);
}

function shuffle<T>(a: T[]): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomBelow(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
