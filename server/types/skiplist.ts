// The sorted set's ordered index: a skiplist with spans, as in William Pugh's
// paper and Redis's t_zset.c. Elements are ordered by (score, member bytes);
// members are latin1 strings, so JS string comparison is byte comparison.
// Each forward link carries its span (how many level-0 steps it jumps), which
// gives rank lookups and rank-indexed access in O(log n).
//
// Layout: the nodes live in one array of unboxed doubles (`pool`, a plain
// number[] that V8 keeps as a packed double array), each node a block at an
// offset `o`:
//   o+0 score, o+1 backward (offset, -1 = none), o+2 level, o+3 member slot,
//   o+4+2i forward at level i (offset, -1 = none), o+5+2i its span.
// A search step reads the current block's forward link and the next block's
// score, usually from one cache line, where one object per node with two
// arrays and a boxed score cost three or four memory loads per step. Members
// are in `members`, indexed by the slot. Deleted blocks go to a free list per
// level and are reused by the next node of the same level; the pool is
// compacted when it is mostly free. The header is a block too; nothing links
// to it, so it starts small and moves to a 32-level block when the list grows.
//
// Callers see elements as SkipNode views (list + offset) that are valid until
// the next change to the list.

export const MAX_LEVEL = 32;
const P = 0.25;
/** Level of the header block a new list starts with (it doubles as levels grow). */
const HEAD_LEVEL = 2;
const NONE = -1;

/** Block fields (offsets within a node's block; exported for the tests). */
export const SCORE = 0;
export const BACKWARD = 1;
export const LEVEL = 2;
export const SLOT = 3;
export const FORWARD = 4;
export const SPAN = 5;

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
    return this.list.members[this.list.pool[this.offset + SLOT]];
  }

  get score(): number {
    return this.list.pool[this.offset + SCORE];
  }

  /** Changes the score in place (callers keep the order: only -0 to 0). */
  set score(score: number) {
    this.list.pool[this.offset + SCORE] = score;
  }

  /** The next node in order (level 0), or null at the tail. */
  get next(): SkipNode | null {
    const next = this.list.pool[this.offset + FORWARD];
    return next === NONE ? null : new SkipNode(this.list, next);
  }

  /** The previous node in order, or null at the head. */
  get backward(): SkipNode | null {
    const prev = this.list.pool[this.offset + BACKWARD];
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
  /**
   * The node blocks (see the layout above): a packed double array (the 0.5
   * makes the literal one), holding a level-2 header and room for one level-1
   * node, so that a one-member set allocates nothing more.
   */
  pool: number[] = [0.5, -1, 2, -1, -1, 0, -1, 0, 0.5, -1, 1, -1, -1, 0];
  /** End of the allocated blocks; pool[top..] is spare room. */
  private top = FORWARD + 2 * HEAD_LEVEL;
  /** Members by slot ('' in free slots). */
  members: string[] = [];
  /** Offset of the header block. */
  head = 0;
  /** Offset of the last node, -1 when empty. */
  tailOffset = NONE;
  length = 0;
  level = 1;
  /** Free blocks by level: the first free block's offset (chained through BACKWARD). */
  private free: number[] | null = null;
  /** Doubles held by live blocks (nodes and header), to decide compaction. */
  private used = FORWARD + 2 * HEAD_LEVEL;
  /** The random source for node levels (tests may inject a seeded one). */
  random: () => number = Math.random;

  private randomLevel(): number {
    let level = 1;
    while (level < MAX_LEVEL && this.random() < P) level++;
    return level;
  }

  /** A block for a node of `level`: forward links NONE, spans 0; a reused block keeps its member slot. */
  private allocate(level: number): number {
    const pool = this.pool;
    this.used += FORWARD + 2 * level;
    const free = this.free;
    if (free !== null && free[level] !== NONE) {
      const o = free[level];
      free[level] = pool[o + BACKWARD];
      for (let i = 0; i < level; i++) {
        pool[o + FORWARD + 2 * i] = NONE;
        pool[o + SPAN + 2 * i] = 0;
      }
      return o;
    }
    const o = this.top;
    const end = o + FORWARD + 2 * level;
    while (pool.length < end) pool.push(0);
    this.top = end;
    pool[o + SCORE] = 0;
    pool[o + BACKWARD] = NONE;
    pool[o + LEVEL] = level;
    pool[o + SLOT] = NONE;
    for (let i = 0; i < level; i++) {
      pool[o + FORWARD + 2 * i] = NONE;
      pool[o + SPAN + 2 * i] = 0;
    }
    return o;
  }

  private release(o: number): void {
    const pool = this.pool;
    const level = pool[o + LEVEL];
    this.used -= FORWARD + 2 * level;
    if (this.free === null) this.free = new Array<number>(MAX_LEVEL + 1).fill(NONE);
    const slot = pool[o + SLOT];
    if (slot !== NONE) this.members[slot] = '';
    pool[o + BACKWARD] = this.free[level];
    this.free[level] = o;
  }

  /** Moves the header to a block of at least `level` levels (nothing links to the header). */
  private growHead(level: number): void {
    const old = this.head;
    const pool = this.pool;
    const oldLevel = pool[old + LEVEL];
    const head = this.allocate(Math.min(MAX_LEVEL, Math.max(level, oldLevel * 2)));
    for (let i = 0; i < oldLevel; i++) {
      pool[head + FORWARD + 2 * i] = pool[old + FORWARD + 2 * i];
      pool[head + SPAN + 2 * i] = pool[old + SPAN + 2 * i];
    }
    this.head = head;
    // The old block stays unused (at most a few small ones per list): freeing it
    // would allocate the free lists in every small set.
    this.used -= FORWARD + 2 * oldLevel;
  }

  /** Adds an element known to be absent. */
  insert(score: number, member: string): SkipNode {
    return new SkipNode(this, this.insertOffset(score, member));
  }

  /** insert without the view: the new node's offset. */
  insertOffset(score: number, member: string): number {
    const pool = this.pool;
    const members = this.members;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let r = i === this.level - 1 ? 0 : rankAt[i + 1];
      let next = pool[x + FORWARD + 2 * i];
      while (next !== NONE) {
        const s = pool[next];
        if (s > score || (s === score && members[pool[next + SLOT]] >= member)) break;
        r += pool[x + SPAN + 2 * i];
        x = next;
        next = pool[x + FORWARD + 2 * i];
      }
      rankAt[i] = r;
      update[i] = x;
    }
    const level = this.randomLevel();
    if (level > this.level) {
      if (level > pool[this.head + LEVEL]) {
        const old = this.head;
        this.growHead(level);
        for (let i = 0; i < this.level; i++) if (update[i] === old) update[i] = this.head;
      }
      for (let i = this.level; i < level; i++) {
        rankAt[i] = 0;
        update[i] = this.head;
        pool[this.head + SPAN + 2 * i] = this.length;
      }
      this.level = level;
    }
    const o = this.allocate(level);
    let slot = pool[o + SLOT];
    if (slot === NONE) {
      slot = members.length;
      members.push(member);
      pool[o + SLOT] = slot;
    } else {
      members[slot] = member;
    }
    pool[o + SCORE] = score;
    const rank0 = rankAt[0];
    for (let i = 0; i < level; i++) {
      const u = update[i];
      pool[o + FORWARD + 2 * i] = pool[u + FORWARD + 2 * i];
      pool[u + FORWARD + 2 * i] = o;
      pool[o + SPAN + 2 * i] = pool[u + SPAN + 2 * i] - (rank0 - rankAt[i]);
      pool[u + SPAN + 2 * i] = rank0 - rankAt[i] + 1;
    }
    for (let i = level; i < this.level; i++) pool[update[i] + SPAN + 2 * i]++;
    pool[o + BACKWARD] = update[0] === this.head ? NONE : update[0];
    const next = pool[o + FORWARD];
    if (next !== NONE) pool[next + BACKWARD] = o;
    else this.tailOffset = o;
    this.length++;
    return o;
  }

  /** Unlinks the node at x, update[] holding its predecessors; frees its block. */
  private unlink(x: number): void {
    const pool = this.pool;
    for (let i = 0; i < this.level; i++) {
      const u = update[i];
      if (pool[u + FORWARD + 2 * i] === x) {
        pool[u + SPAN + 2 * i] += pool[x + SPAN + 2 * i] - 1;
        pool[u + FORWARD + 2 * i] = pool[x + FORWARD + 2 * i];
      } else {
        pool[u + SPAN + 2 * i] -= 1;
      }
    }
    const next = pool[x + FORWARD];
    if (next !== NONE) pool[next + BACKWARD] = pool[x + BACKWARD];
    else this.tailOffset = pool[x + BACKWARD];
    const head = this.head;
    while (this.level > 1 && pool[head + FORWARD + 2 * (this.level - 1)] === NONE) this.level--;
    this.length--;
    this.release(x);
  }

  /** Fills update[] with the predecessors of (score, member) at each level; returns its offset or NONE. */
  private findUpdate(score: number, member: string): number {
    const pool = this.pool;
    const members = this.members;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = pool[x + FORWARD + 2 * i];
      while (next !== NONE) {
        const s = pool[next];
        if (s > score || (s === score && members[pool[next + SLOT]] >= member)) break;
        x = next;
        next = pool[x + FORWARD + 2 * i];
      }
      update[i] = x;
    }
    const candidate = pool[x + FORWARD];
    return candidate !== NONE && pool[candidate] === score && members[pool[candidate + SLOT]] === member ? candidate : NONE;
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
    const pool = this.pool;
    const members = this.members;
    const x = this.findUpdate(curScore, member);
    if (x === NONE) throw new Error('skiplist: element to update not found');
    // Stays in place when its neighbours still bracket the new score.
    const prev = pool[x + BACKWARD];
    const next = pool[x + FORWARD];
    if (
      (prev === NONE || pool[prev] < newScore || (pool[prev] === newScore && members[pool[prev + SLOT]] < member)) &&
      (next === NONE || pool[next] > newScore || (pool[next] === newScore && members[pool[next + SLOT]] > member))
    ) {
      pool[x + SCORE] = newScore;
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
    for (let o = this.pool[this.head + FORWARD]; o !== NONE; o = this.pool[o + FORWARD]) {
      scores.push(this.pool[o + SCORE]);
      members.push(this.members[this.pool[o + SLOT]]);
    }
    this.pool = [0.5, -1, 2, -1, -1, 0, -1, 0];
    this.top = FORWARD + 2 * HEAD_LEVEL;
    this.members = [];
    this.free = null;
    this.used = FORWARD + 2 * HEAD_LEVEL;
    this.length = 0;
    this.level = 1;
    this.tailOffset = NONE;
    this.head = 0;
    for (let i = 0; i < scores.length; i++) this.insertOffset(scores[i], members[i]);
  }

  /** 1-based rank of (score, member), 0 when absent. */
  rank(score: number, member: string): number {
    const pool = this.pool;
    const members = this.members;
    let rank = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = pool[x + FORWARD + 2 * i];
      while (next !== NONE) {
        const s = pool[next];
        if (s > score || (s === score && members[pool[next + SLOT]] > member)) break;
        rank += pool[x + SPAN + 2 * i];
        x = next;
        next = pool[x + FORWARD + 2 * i];
      }
      if (x !== this.head && pool[x] === score && members[pool[x + SLOT]] === member) return rank;
    }
    return 0;
  }

  /** Offset of the element at 1-based rank, or NONE. */
  offsetAt(rank: number): number {
    if (rank < 1 || rank > this.length) return NONE;
    const pool = this.pool;
    let traversed = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = pool[x + FORWARD + 2 * i];
      while (next !== NONE && traversed + pool[x + SPAN + 2 * i] <= rank) {
        traversed += pool[x + SPAN + 2 * i];
        x = next;
        next = pool[x + FORWARD + 2 * i];
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
    return this.view(this.pool[this.head + FORWARD]);
  }

  /** The first element whose score is in range, or null. */
  firstInScoreRange(range: ScoreRange): SkipNode | null {
    if (scoreRangeEmpty(range)) return null;
    const pool = this.pool;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = pool[x + FORWARD + 2 * i];
      while (next !== NONE && !scoreGteMin(pool[next], range)) {
        x = next;
        next = pool[x + FORWARD + 2 * i];
      }
    }
    const first = pool[x + FORWARD];
    return first !== NONE && scoreLteMax(pool[first], range) ? this.view(first) : null;
  }

  /** The last element whose score is in range, or null. */
  lastInScoreRange(range: ScoreRange): SkipNode | null {
    if (scoreRangeEmpty(range)) return null;
    const pool = this.pool;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = pool[x + FORWARD + 2 * i];
      while (next !== NONE && scoreLteMax(pool[next], range)) {
        x = next;
        next = pool[x + FORWARD + 2 * i];
      }
    }
    return x !== this.head && scoreGteMin(pool[x], range) ? this.view(x) : null;
  }

  private memberAt(o: number): string {
    return this.members[this.pool[o + SLOT]];
  }

  /**
   * Redis's zslIsInLexRange: the range is non-empty and overlaps [head, tail]
   * (only meaningful when all scores are equal, but Redis answers the same way
   * whatever the scores).
   */
  private lexOverlaps(range: LexRange): boolean {
    if (lexRangeEmpty(range)) return false;
    const first = this.pool[this.head + FORWARD];
    const last = this.tailOffset;
    return first !== NONE && last !== NONE && lexGteMin(this.memberAt(last), range) && lexLteMax(this.memberAt(first), range);
  }

  /**
   * The first element whose member is in the lex range. `linear` walks from the
   * head as a listpack does (the answers differ only when scores differ).
   */
  firstInLexRange(range: LexRange, linear = false): SkipNode | null {
    if (!this.lexOverlaps(range)) return null;
    const pool = this.pool;
    if (linear) {
      for (let x = pool[this.head + FORWARD]; x !== NONE; x = pool[x + FORWARD]) {
        const member = this.memberAt(x);
        if (lexGteMin(member, range)) return lexLteMax(member, range) ? this.view(x) : null;
      }
      return null;
    }
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = pool[x + FORWARD + 2 * i];
      while (next !== NONE && !lexGteMin(this.memberAt(next), range)) {
        x = next;
        next = pool[x + FORWARD + 2 * i];
      }
    }
    const first = pool[x + FORWARD];
    return first !== NONE && lexLteMax(this.memberAt(first), range) ? this.view(first) : null;
  }

  lastInLexRange(range: LexRange, linear = false): SkipNode | null {
    if (!this.lexOverlaps(range)) return null;
    const pool = this.pool;
    if (linear) {
      for (let x = this.tailOffset; x !== NONE; x = pool[x + BACKWARD]) {
        const member = this.memberAt(x);
        if (lexLteMax(member, range)) return lexGteMin(member, range) ? this.view(x) : null;
      }
      return null;
    }
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = pool[x + FORWARD + 2 * i];
      while (next !== NONE && lexLteMax(this.memberAt(next), range)) {
        x = next;
        next = pool[x + FORWARD + 2 * i];
      }
    }
    return x !== this.head && lexGteMin(this.memberAt(x), range) ? this.view(x) : null;
  }

  /** Checks every invariant (tests): order, backward links, spans, levels, block accounting. */
  check(): void {
    const pool = this.pool;
    let count = 0;
    let prev = NONE;
    const index = new Map<number, number>();
    for (let x = pool[this.head + FORWARD]; x !== NONE; x = pool[x + FORWARD]) {
      count++;
      index.set(x, count);
      if (pool[x + BACKWARD] !== prev) throw new Error('bad backward link');
      if (prev !== NONE && !(pool[prev] < pool[x] || (pool[prev] === pool[x] && this.memberAt(prev) < this.memberAt(x)))) {
        throw new Error('out of order');
      }
      prev = x;
    }
    if (count !== this.length || this.tailOffset !== prev) throw new Error('bad length or tail');
    if (this.level < 1 || this.level > pool[this.head + LEVEL]) throw new Error('bad level');
    let used = FORWARD + 2 * pool[this.head + LEVEL];
    for (const x of index.keys()) used += FORWARD + 2 * pool[x + LEVEL];
    if (used !== this.used) throw new Error('bad block accounting');
    for (let i = 0; i < this.level; i++) {
      let x = this.head;
      let position = 0;
      while (pool[x + FORWARD + 2 * i] !== NONE) {
        const next = pool[x + FORWARD + 2 * i];
        position += pool[x + SPAN + 2 * i];
        if (index.get(next) !== position) throw new Error(`bad span at level ${i}`);
        if (pool[next + LEVEL] <= i) throw new Error(`link at level ${i} to a lower node`);
        x = next;
      }
    }
  }
}
