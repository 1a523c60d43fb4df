// The sorted set's ordered index: a skiplist with spans, as in William Pugh's
// paper and Redis's t_zset.c. Elements are ordered by (score, member bytes);
// members are latin1 strings, so JS string comparison is byte comparison.
// Each forward link carries its span (how many level-0 steps it jumps), which
// gives rank lookups and rank-indexed access in O(log n).
//
// Layout: the nodes live in one ArrayBuffer of 8-byte units, read through two
// views: `scores` (Float64Array, one per unit) and `words` (Int32Array, two
// per unit). A node is a block of 3 + level units at unit offset `o`:
//   scores[o] its score; words[2o+2] backward (offset, -1 = none),
//   words[2o+3] member slot, words[2o+4] level (words[2o+5] unused),
//   words[2o+6+2i] forward at level i (offset, -1 = none), words[2o+7+2i] its span.
// A search step reads the current block's forward link and the next block's
// score: int32 offsets (no double-to-index conversion on each step) and a
// level-1 node in 32 bytes (48 as doubles in a plain array) walk a
// 100k-member set in about half the time. Members are in `members`, indexed
// by the slot. Deleted blocks go to a free list per level and are reused by
// the next node of the same level; the pool is compacted when it is mostly
// free. The header is a block too; nothing links to it, so it starts small
// and moves to a 32-level block when the list grows.
//
// Callers see elements as SkipNode views (list + offset) that are valid until
// the next change to the list.

export const MAX_LEVEL = 32;
const P = 0.25;
/** Level of the header block a new list starts with (it doubles as levels grow). */
const HEAD_LEVEL = 2;
const NONE = -1;

/** Word fields of a block at unit o: words[2 * o + FIELD] (exported for the tests). */
export const BACKWARD = 2;
export const SLOT = 3;
export const LEVEL = 4;
export const FORWARD = 6;
export const SPAN = 7;
/** Units of a block: the score, two units of header words, one unit per level. */
const HEADER_UNITS = 3;
/** Units of a level-2 header block and one level-1 node: a one-member set's whole pool. */
const INITIAL_UNITS = HEADER_UNITS + HEAD_LEVEL + HEADER_UNITS + 1;

/**
 * Small pools are carved from shared slabs, as Node carves small Buffers from
 * its pool: making an ArrayBuffer costs a C++ allocation and a GC record each
 * (a new five-member set took twice as long with one per set), two views on a
 * slab cost neither. The price is Node's too: a slab's memory is freed when no
 * pool on it is left, so one long-lived small set can keep up to SLAB_BYTES
 * alive. Pools past SLAB_POOL_UNITS get an ArrayBuffer of their own.
 */
const SLAB_BYTES = 16 * 1024;
const SLAB_POOL_UNITS = 128;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/** Memory for a pool of `units` units: a slab piece or an ArrayBuffer of its own, and its byte offset. */
function poolMemory(units: number): { memory: ArrayBuffer; offset: number } {
  const bytes = units * 8;
  if (units > SLAB_POOL_UNITS) return { memory: new ArrayBuffer(bytes), offset: 0 };
  if (slabUsed + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const offset = slabUsed;
  slabUsed += bytes;
  return { memory: slab, offset };
}

/** Scratch vectors for one operation (the server is single-threaded). */
const update = new Int32Array(MAX_LEVEL);
const rankAt = new Float64Array(MAX_LEVEL);

/** One element of a SkipList: a view valid until the list changes. */
export class SkipNode {
  constructor(
    readonly list: SkipList,
    readonly offset: number,
  ) {}

  get member(): string {
    return this.list.memberOf(this.offset);
  }

  get score(): number {
    return this.list.scores[this.offset];
  }

  /** Changes the score in place (callers keep the order: only -0 to 0). */
  set score(score: number) {
    this.list.scores[this.offset] = score;
  }

  /** The next node in order (level 0), or null at the tail. */
  get next(): SkipNode | null {
    const next = this.list.nextOf(this.offset);
    return next === NONE ? null : new SkipNode(this.list, next);
  }

  /** The previous node in order, or null at the head. */
  get backward(): SkipNode | null {
    const prev = this.list.previousOf(this.offset);
    return prev === NONE ? null : new SkipNode(this.list, prev);
  }
}

/** A score interval; the *Ex flags make the ends exclusive. */
export interface ScoreRange {
  min: number;
  max: number;
  minEx: boolean;
  maxEx: boolean;
}

/** A lex interval: a null end is unbounded ('-' for min, '+' for max). */
export interface LexRange {
  min: string | null;
  max: string | null;
  minEx: boolean;
  maxEx: boolean;
  /** '+' as min or '-' as max: the range is empty. */
  empty: boolean;
}

export function scoreGteMin(score: number, range: ScoreRange): boolean {
  return range.minEx ? score > range.min : score >= range.min;
}

export function scoreLteMax(score: number, range: ScoreRange): boolean {
  return range.maxEx ? score < range.max : score <= range.max;
}

export function lexGteMin(member: string, range: LexRange): boolean {
  if (range.min === null) return true;
  return range.minEx ? member > range.min : member >= range.min;
}

export function lexLteMax(member: string, range: LexRange): boolean {
  if (range.max === null) return true;
  return range.maxEx ? member < range.max : member <= range.max;
}

function scoreRangeEmpty(range: ScoreRange): boolean {
  return range.min > range.max || (range.min === range.max && (range.minEx || range.maxEx));
}

function lexRangeEmpty(range: LexRange): boolean {
  if (range.empty) return true;
  if (range.min === null || range.max === null) return false;
  return range.min > range.max || (range.min === range.max && (range.minEx || range.maxEx));
}

export class SkipList {
  /** Node scores by unit offset (see the layout above). */
  scores: Float64Array;
  /** The blocks' int32 fields, two per unit, over the same memory as scores. */
  words: Int32Array;
  /** End of the allocated blocks, in units; the rest of the buffer is spare room. */
  private top = HEADER_UNITS + HEAD_LEVEL;
  /** Members by slot ('' in free slots). */
  members: string[] = [];
  /** Offset of the header block. */
  head = 0;
  /** Offset of the last node, -1 when empty. */
  tailOffset = NONE;
  length = 0;
  level = 1;
  /** Free blocks by level: the first free block's offset (chained through BACKWARD). */
  private free: Int32Array | null = null;
  /** Units held by live blocks (nodes and header), to decide compaction. */
  private used = HEADER_UNITS + HEAD_LEVEL;
  /** The random source for node levels (tests may inject a seeded one). */
  random: () => number = Math.random;

  constructor() {
    const { memory, offset } = poolMemory(INITIAL_UNITS);
    this.scores = new Float64Array(memory, offset, INITIAL_UNITS);
    this.words = new Int32Array(memory, offset, 2 * INITIAL_UNITS);
    this.initHead();
  }

  /** A level-2 header block at offset 0 of a fresh pool. */
  private initHead(): void {
    const words = this.words;
    words[BACKWARD] = NONE;
    words[SLOT] = NONE;
    words[LEVEL] = HEAD_LEVEL;
    for (let i = 0; i < HEAD_LEVEL; i++) {
      words[FORWARD + 2 * i] = NONE;
      words[SPAN + 2 * i] = 0;
    }
  }

  /** Units the pool has room for (allocated or spare). */
  get capacity(): number {
    return this.scores.length;
  }

  memberOf(o: number): string {
    return this.members[this.words[2 * o + SLOT]];
  }

  /** The offset of the node after o at level 0, or NONE. */
  nextOf(o: number): number {
    return this.words[2 * o + FORWARD];
  }

  /** The offset of the node before o, or NONE. */
  previousOf(o: number): number {
    return this.words[2 * o + BACKWARD];
  }

  private randomLevel(): number {
    let level = 1;
    while (level < MAX_LEVEL && this.random() < P) level++;
    return level;
  }

  /** Room for `units` more units after top: a larger buffer, the blocks copied (half as much again, at least). */
  private reserve(units: number): void {
    const capacity = this.scores.length;
    if (this.top + units <= capacity) return;
    const grown = Math.max(this.top + units, capacity + (capacity >> 1) + 8);
    const { memory, offset } = poolMemory(grown);
    const scores = new Float64Array(memory, offset, grown);
    // A slab piece may hold another list's old bytes: every unit below top is copied, the rest is written before use.
    scores.set(this.scores.subarray(0, this.top));
    this.scores = scores;
    this.words = new Int32Array(memory, offset, 2 * grown);
  }

  /** A block for a node of `level`: forward links NONE, spans 0; a reused block keeps its member slot. */
  private allocate(level: number): number {
    this.used += HEADER_UNITS + level;
    const free = this.free;
    if (free !== null && free[level] !== NONE) {
      const o = free[level];
      const words = this.words;
      free[level] = words[2 * o + BACKWARD];
      for (let i = 0; i < level; i++) {
        words[2 * o + FORWARD + 2 * i] = NONE;
        words[2 * o + SPAN + 2 * i] = 0;
      }
      return o;
    }
    this.reserve(HEADER_UNITS + level);
    const o = this.top;
    this.top = o + HEADER_UNITS + level;
    const words = this.words;
    this.scores[o] = 0;
    words[2 * o + BACKWARD] = NONE;
    words[2 * o + SLOT] = NONE;
    words[2 * o + LEVEL] = level;
    for (let i = 0; i < level; i++) {
      words[2 * o + FORWARD + 2 * i] = NONE;
      words[2 * o + SPAN + 2 * i] = 0;
    }
    return o;
  }

  private release(o: number): void {
    const words = this.words;
    const level = words[2 * o + LEVEL];
    this.used -= HEADER_UNITS + level;
    if (this.free === null) this.free = new Int32Array(MAX_LEVEL + 1).fill(NONE);
    const slot = words[2 * o + SLOT];
    if (slot !== NONE) this.members[slot] = '';
    words[2 * o + BACKWARD] = this.free[level];
    this.free[level] = o;
  }

  /** Moves the header to a block of at least `level` levels (nothing links to the header). */
  private growHead(level: number): void {
    const old = this.head;
    const oldLevel = this.words[2 * old + LEVEL];
    const head = this.allocate(Math.min(MAX_LEVEL, Math.max(level, oldLevel * 2)));
    // allocate may have moved the pool to a larger buffer: read the views after it.
    const words = this.words;
    for (let i = 0; i < oldLevel; i++) {
      words[2 * head + FORWARD + 2 * i] = words[2 * old + FORWARD + 2 * i];
      words[2 * head + SPAN + 2 * i] = words[2 * old + SPAN + 2 * i];
    }
    this.head = head;
    // The old block stays unused (at most a few small ones per list): freeing it
    // would allocate the free lists in every small set.
    this.used -= HEADER_UNITS + oldLevel;
  }

  /** Adds an element known to be absent. */
  insert(score: number, member: string): SkipNode {
    return new SkipNode(this, this.insertOffset(score, member));
  }

  /** insert without the view: the new node's offset. */
  insertOffset(score: number, member: string): number {
    let words = this.words;
    let scores = this.scores;
    const members = this.members;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let r = i === this.level - 1 ? 0 : rankAt[i + 1];
      let next = words[2 * x + FORWARD + 2 * i];
      while (next !== NONE) {
        const s = scores[next];
        if (s > score || (s === score && members[words[2 * next + SLOT]] >= member)) break;
        r += words[2 * x + SPAN + 2 * i];
        x = next;
        next = words[2 * x + FORWARD + 2 * i];
      }
      rankAt[i] = r;
      update[i] = x;
    }
    const level = this.randomLevel();
    if (level > this.level) {
      if (level > words[2 * this.head + LEVEL]) {
        const old = this.head;
        this.growHead(level);
        for (let i = 0; i < this.level; i++) if (update[i] === old) update[i] = this.head;
      }
      words = this.words;
      for (let i = this.level; i < level; i++) {
        rankAt[i] = 0;
        update[i] = this.head;
        words[2 * this.head + SPAN + 2 * i] = this.length;
      }
      this.level = level;
    }
    const o = this.allocate(level);
    // allocate may have moved the pool to a larger buffer.
    words = this.words;
    scores = this.scores;
    let slot = words[2 * o + SLOT];
    if (slot === NONE) {
      slot = members.length;
      members.push(member);
      words[2 * o + SLOT] = slot;
    } else {
      members[slot] = member;
    }
    scores[o] = score;
    const rank0 = rankAt[0];
    for (let i = 0; i < level; i++) {
      const u = update[i];
      words[2 * o + FORWARD + 2 * i] = words[2 * u + FORWARD + 2 * i];
      words[2 * u + FORWARD + 2 * i] = o;
      words[2 * o + SPAN + 2 * i] = words[2 * u + SPAN + 2 * i] - (rank0 - rankAt[i]);
      words[2 * u + SPAN + 2 * i] = rank0 - rankAt[i] + 1;
    }
    for (let i = level; i < this.level; i++) words[2 * update[i] + SPAN + 2 * i]++;
    words[2 * o + BACKWARD] = update[0] === this.head ? NONE : update[0];
    const next = words[2 * o + FORWARD];
    if (next !== NONE) words[2 * next + BACKWARD] = o;
    else this.tailOffset = o;
    this.length++;
    return o;
  }

  /** Unlinks the node at x, update[] holding its predecessors; frees its block. */
  private unlink(x: number): void {
    const words = this.words;
    for (let i = 0; i < this.level; i++) {
      const u = update[i];
      if (words[2 * u + FORWARD + 2 * i] === x) {
        words[2 * u + SPAN + 2 * i] += words[2 * x + SPAN + 2 * i] - 1;
        words[2 * u + FORWARD + 2 * i] = words[2 * x + FORWARD + 2 * i];
      } else {
        words[2 * u + SPAN + 2 * i] -= 1;
      }
    }
    const next = words[2 * x + FORWARD];
    if (next !== NONE) words[2 * next + BACKWARD] = words[2 * x + BACKWARD];
    else this.tailOffset = words[2 * x + BACKWARD];
    const head = this.head;
    while (this.level > 1 && words[2 * head + FORWARD + 2 * (this.level - 1)] === NONE) this.level--;
    this.length--;
    this.release(x);
  }

  /** Fills update[] with the predecessors of (score, member) at each level; returns its offset or NONE. */
  private findUpdate(score: number, member: string): number {
    const words = this.words;
    const scores = this.scores;
    const members = this.members;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = words[2 * x + FORWARD + 2 * i];
      while (next !== NONE) {
        const s = scores[next];
        if (s > score || (s === score && members[words[2 * next + SLOT]] >= member)) break;
        x = next;
        next = words[2 * x + FORWARD + 2 * i];
      }
      update[i] = x;
    }
    const candidate = words[2 * x + FORWARD];
    return candidate !== NONE && scores[candidate] === score && members[words[2 * candidate + SLOT]] === member ? candidate : NONE;
  }

  /** Removes (score, member); returns whether it was there. */
  delete(score: number, member: string): boolean {
    const x = this.findUpdate(score, member);
    if (x === NONE) return false;
    this.unlink(x);
    this.maybeCompact();
    return true;
  }

  /** Moves an element (which must be present with curScore) to newScore; returns its node. */
  updateScore(curScore: number, member: string, newScore: number): SkipNode {
    return new SkipNode(this, this.updateScoreOffset(curScore, member, newScore));
  }

  /** updateScore without the view: the node's offset. */
  updateScoreOffset(curScore: number, member: string, newScore: number): number {
    const words = this.words;
    const scores = this.scores;
    const members = this.members;
    const x = this.findUpdate(curScore, member);
    if (x === NONE) throw new Error('skiplist: element to update not found');
    // Stays in place when its neighbours still bracket the new score.
    const prev = words[2 * x + BACKWARD];
    const next = words[2 * x + FORWARD];
    if (
      (prev === NONE || scores[prev] < newScore || (scores[prev] === newScore && members[words[2 * prev + SLOT]] < member)) &&
      (next === NONE || scores[next] > newScore || (scores[next] === newScore && members[words[2 * next + SLOT]] > member))
    ) {
      scores[x] = newScore;
      return x;
    }
    this.unlink(x);
    return this.insertOffset(newScore, member);
  }

  /** Rebuilds the pool when live blocks fill less than a quarter of it (after many deletes). */
  private maybeCompact(): void {
    const size = this.top;
    if (size < 4096 || this.used * 4 > size) return;
    const scores: number[] = [];
    const members: string[] = [];
    for (let o = this.nextOf(this.head); o !== NONE; o = this.nextOf(o)) {
      scores.push(this.scores[o]);
      members.push(this.memberOf(o));
    }
    const { memory, offset } = poolMemory(INITIAL_UNITS);
    this.scores = new Float64Array(memory, offset, INITIAL_UNITS);
    this.words = new Int32Array(memory, offset, 2 * INITIAL_UNITS);
    this.initHead();
    this.top = HEADER_UNITS + HEAD_LEVEL;
    this.members = [];
    this.free = null;
    this.used = HEADER_UNITS + HEAD_LEVEL;
    this.length = 0;
    this.level = 1;
    this.tailOffset = NONE;
    this.head = 0;
    for (let i = 0; i < scores.length; i++) this.insertOffset(scores[i], members[i]);
  }

  /** 1-based rank of (score, member), 0 when absent. */
  rank(score: number, member: string): number {
    const words = this.words;
    const scores = this.scores;
    const members = this.members;
    let rank = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = words[2 * x + FORWARD + 2 * i];
      while (next !== NONE) {
        const s = scores[next];
        if (s > score || (s === score && members[words[2 * next + SLOT]] > member)) break;
        rank += words[2 * x + SPAN + 2 * i];
        x = next;
        next = words[2 * x + FORWARD + 2 * i];
      }
      if (x !== this.head && scores[x] === score && members[words[2 * x + SLOT]] === member) return rank;
    }
    return 0;
  }

  /** Offset of the element at 1-based rank, or NONE. */
  offsetAt(rank: number): number {
    if (rank < 1 || rank > this.length) return NONE;
    const words = this.words;
    let traversed = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = words[2 * x + FORWARD + 2 * i];
      while (next !== NONE && traversed + words[2 * x + SPAN + 2 * i] <= rank) {
        traversed += words[2 * x + SPAN + 2 * i];
        x = next;
        next = words[2 * x + FORWARD + 2 * i];
      }
      if (traversed === rank) return x;
    }
    return NONE;
  }

  /** The element at 1-based rank, or null. */
  byRank(rank: number): SkipNode | null {
    return this.view(this.offsetAt(rank));
  }

  private view(o: number): SkipNode | null {
    return o === NONE ? null : new SkipNode(this, o);
  }

  /** The last node in order, or null. */
  get tail(): SkipNode | null {
    return this.view(this.tailOffset);
  }

  /** The first element in order, or null. */
  first(): SkipNode | null {
    return this.view(this.nextOf(this.head));
  }

  /** The first element whose score is in range, or null. */
  firstInScoreRange(range: ScoreRange): SkipNode | null {
    if (scoreRangeEmpty(range)) return null;
    const words = this.words;
    const scores = this.scores;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = words[2 * x + FORWARD + 2 * i];
      while (next !== NONE && !scoreGteMin(scores[next], range)) {
        x = next;
        next = words[2 * x + FORWARD + 2 * i];
      }
    }
    const first = words[2 * x + FORWARD];
    return first !== NONE && scoreLteMax(scores[first], range) ? this.view(first) : null;
  }

  /** The last element whose score is in range, or null. */
  lastInScoreRange(range: ScoreRange): SkipNode | null {
    if (scoreRangeEmpty(range)) return null;
    const words = this.words;
    const scores = this.scores;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = words[2 * x + FORWARD + 2 * i];
      while (next !== NONE && scoreLteMax(scores[next], range)) {
        x = next;
        next = words[2 * x + FORWARD + 2 * i];
      }
    }
    return x !== this.head && scoreGteMin(scores[x], range) ? this.view(x) : null;
  }

  /**
   * Redis's zslIsInLexRange: the range is non-empty and overlaps [head, tail]
   * (only meaningful when all scores are equal, but Redis answers the same way
   * whatever the scores).
   */
  private lexOverlaps(range: LexRange): boolean {
    if (lexRangeEmpty(range)) return false;
    const first = this.nextOf(this.head);
    const last = this.tailOffset;
    return first !== NONE && last !== NONE && lexGteMin(this.memberOf(last), range) && lexLteMax(this.memberOf(first), range);
  }

  /**
   * The first element whose member is in the lex range. `linear` walks from the
   * head as a listpack does (the answers differ only when scores differ).
   */
  firstInLexRange(range: LexRange, linear = false): SkipNode | null {
    if (!this.lexOverlaps(range)) return null;
    const words = this.words;
    if (linear) {
      for (let x = this.nextOf(this.head); x !== NONE; x = this.nextOf(x)) {
        const member = this.memberOf(x);
        if (lexGteMin(member, range)) return lexLteMax(member, range) ? this.view(x) : null;
      }
      return null;
    }
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = words[2 * x + FORWARD + 2 * i];
      while (next !== NONE && !lexGteMin(this.memberOf(next), range)) {
        x = next;
        next = words[2 * x + FORWARD + 2 * i];
      }
    }
    const first = words[2 * x + FORWARD];
    return first !== NONE && lexLteMax(this.memberOf(first), range) ? this.view(first) : null;
  }

  lastInLexRange(range: LexRange, linear = false): SkipNode | null {
    if (!this.lexOverlaps(range)) return null;
    const words = this.words;
    if (linear) {
      for (let x = this.tailOffset; x !== NONE; x = this.previousOf(x)) {
        const member = this.memberOf(x);
        if (lexLteMax(member, range)) return lexGteMin(member, range) ? this.view(x) : null;
      }
      return null;
    }
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = words[2 * x + FORWARD + 2 * i];
      while (next !== NONE && lexLteMax(this.memberOf(next), range)) {
        x = next;
        next = words[2 * x + FORWARD + 2 * i];
      }
    }
    return x !== this.head && lexGteMin(this.memberOf(x), range) ? this.view(x) : null;
  }

  /** Checks every invariant (tests): order, backward links, spans, levels, block accounting. */
  check(): void {
    const words = this.words;
    const scores = this.scores;
    let count = 0;
    let prev = NONE;
    const index = new Map<number, number>();
    for (let x = this.nextOf(this.head); x !== NONE; x = this.nextOf(x)) {
      if (++count > this.length) throw new Error('more nodes than the length (a cycle?)');
      index.set(x, count);
      if (words[2 * x + BACKWARD] !== prev) throw new Error('bad backward link');
      if (prev !== NONE && !(scores[prev] < scores[x] || (scores[prev] === scores[x] && this.memberOf(prev) < this.memberOf(x)))) {
        throw new Error('out of order');
      }
      prev = x;
    }
    if (count !== this.length || this.tailOffset !== prev) throw new Error('bad length or tail');
    if (this.level < 1 || this.level > words[2 * this.head + LEVEL]) throw new Error('bad level');
    let used = HEADER_UNITS + words[2 * this.head + LEVEL];
    for (const x of index.keys()) used += HEADER_UNITS + words[2 * x + LEVEL];
    if (used !== this.used) throw new Error('bad block accounting');
    for (let i = 0; i < this.level; i++) {
      let x = this.head;
      let position = 0;
      while (words[2 * x + FORWARD + 2 * i] !== NONE) {
        const next = words[2 * x + FORWARD + 2 * i];
        position += words[2 * x + SPAN + 2 * i];
        if (index.get(next) !== position) throw new Error(`bad span at level ${i}`);
        if (words[2 * next + LEVEL] <= i) throw new Error(`link at level ${i} to a lower node`);
        x = next;
      }
    }
  }
}
