// A sorted set: the skiplist for order and ranks, a Map for member -> score.
// Redis keeps small sets as a listpack and converts to a skiplist past
// zset-max-listpack-entries / zset-max-listpack-value, never back (except
// when a command builds a fresh set); `converted` remembers that for
// OBJECT ENCODING. The structure itself is the same in both cases: the
// skiplist's nodes live in one array of doubles (see skiplist.ts), whose
// header starts at two levels, so a small set costs a few hundred bytes.

import { SkipList, type SkipNode } from './skiplist.js';
import { stringBytes } from '../eviction/sizes.js';

export class ZSet {
  readonly list = new SkipList();
  readonly dict = new Map<string, number>();
  /** Redis would hold this set as a skiplist (OBJECT ENCODING). */
  converted = false;
  /** Running heap estimate of the members' strings (memory accounting). */
  bytes = 0;
  /**
   * The last member score() found and its score, so that update() right after
   * (ZADD / ZINCRBY look the member up first) skips a second map lookup.
   * Cleared by every change.
   */
  private lastMember: string | null = null;
  private lastScore = 0;
  /**
   * Members in insertion order, for ZSCAN's cursor (SCAN's top-down walk, see
   * server/scan.ts). A removed member stays as a stale entry until the array
   * is compacted; compaction keeps the order and only moves entries down, and
   * a member is only ever appended, so one present for a whole scan stays
   * below the cursor until it is visited (a rank cursor lost members that an
   * insert pushed past it). Made at the first ZSCAN (from the Map, which keeps
   * insertion order): a set never scanned pays nothing for it.
   */
  private order: string[] | null = null;

  /** A set a command builds whole (STORE forms): held as a skiplist until settleEncoding. */
  static built(): ZSet {
    const zset = new ZSet();
    zset.converted = true;
    return zset;
  }

  get size(): number {
    return this.dict.size;
  }

  score(member: string): number | undefined {
    const score = this.dict.get(member);
    if (score !== undefined) {
      this.lastMember = member;
      this.lastScore = score;
    }
    return score;
  }

  /** Adds a member known to be absent. A listpack keeps -0 as 0 (its text is "0"); a skiplist keeps -0. */
  insert(member: string, score: number): void {
    if (score === 0 && !this.converted) score = 0;
    this.lastMember = null;
    this.list.insertOffset(score, member);
    this.dict.set(member, score);
    this.order?.push(member);
    this.bytes += stringBytes(member);
  }

  /** Changes the score of a present member. */
  update(member: string, score: number): void {
    if (score === 0 && !this.converted) score = 0;
    const current = member === this.lastMember ? this.lastScore : this.dict.get(member);
    this.lastMember = null;
    if (current === undefined) throw new Error('zset: update of an absent member');
    this.list.updateScoreOffset(current, member, score);
    this.dict.set(member, score);
  }

  /** Removes member; returns whether it was there. */
  remove(member: string): boolean {
    const score = this.dict.get(member);
    if (score === undefined) return false;
    this.lastMember = null;
    this.list.delete(score, member);
    this.dict.delete(member);
    this.bytes -= stringBytes(member);
    // The Map keeps the order of latest insertions, exactly the live entries' order here.
    if (this.order !== null && this.order.length > 2 * this.dict.size + 32) this.order = Array.from(this.dict.keys());
    return true;
  }

  /**
   * ZSCAN of a converted set: visits the live members among the `count`
   * entries below `cursor` (0 = from the top) and returns the next cursor, 0
   * when the walk is done. A member re-added during a scan may come twice.
   */
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    const order = (this.order ??= Array.from(this.dict.keys()));
    let high = cursor === 0 || cursor > order.length ? order.length : cursor;
    const low = Math.max(0, high - count);
    while (high > low) {
      const member = order[--high];
      const score = this.dict.get(member);
      if (score !== undefined) visit(member, score);
    }
    return low;
  }

  /** 0-based rank of member from the lowest score, or -1. */
  rank(member: string): number {
    const score = this.dict.get(member);
    if (score === undefined) return -1;
    return this.list.rank(score, member) - 1;
  }

  /** The node at 0-based rank (no bounds beyond the list's). */
  at(rank: number): SkipNode | null {
    return this.list.byRank(rank + 1);
  }

  /** Before adding member: past either threshold Redis converts to a skiplist for good. */
  prepareAdd(member: string, maxEntries: number, maxValue: number): void {
    if (!this.converted && (this.dict.size + 1 > maxEntries || member.length > maxValue)) this.converted = true;
  }

  /** A fresh set's encoding as Redis picks it when a command builds one whole (STORE forms). */
  settleEncoding(maxEntries: number, maxValue: number): void {
    let longest = 0;
    for (const member of this.dict.keys()) if (member.length > longest) longest = member.length;
    this.converted = !(this.dict.size <= maxEntries && longest <= maxValue);
    this.lastMember = null;
    if (!this.converted) {
      for (let x = this.list.first(); x !== null; x = x.next) {
        if (x.score === 0) {
          x.score = 0;
          this.dict.set(x.member, 0);
        }
      }
    }
  }

  clone(): ZSet {
    const copy = new ZSet();
    copy.converted = this.converted;
    for (let x = this.list.first(); x !== null; x = x.next) copy.insert(x.member, x.score);
    return copy;
  }
}
