// The sorted set's ordered index: a skiplist with spans, as in William Pugh's
// paper and Redis's t_zset.c. Elements are ordered by (score, member bytes);
// members are latin1 strings, so JS string comparison is byte comparison.
// Each forward link carries its span (how many level-0 steps it jumps), which
// gives rank lookups and rank-indexed access in O(log n).

export const MAX_LEVEL = 32;
const P = 0.25;

export class SkipNode {
  /** Forward links, one per level. */
  readonly forward: (SkipNode | null)[];
  /** span[i]: level-0 distance covered by forward[i]. */
  readonly span: number[];
  backward: SkipNode | null = null;

  constructor(
    public member: string,
    public score: number,
    level: number,
  ) {
    this.forward = new Array<SkipNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }

  /** The next node in order (level 0), or null at the tail. */
  get next(): SkipNode | null {
    return this.forward[0];
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

function precedes(score: number, member: string, node: SkipNode): boolean {
  return node.score < score || (node.score === score && node.member < member);
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
  readonly head = new SkipNode('', 0, MAX_LEVEL);
  tail: SkipNode | null = null;
  length = 0;
  level = 1;
  /** The random source for node levels (tests may inject a seeded one). */
  random: () => number = Math.random;

  private randomLevel(): number {
    let level = 1;
    while (level < MAX_LEVEL && this.random() < P) level++;
    return level;
  }

  /** Adds an element known to be absent. */
  insert(score: number, member: string): SkipNode {
    const update: SkipNode[] = new Array<SkipNode>(MAX_LEVEL);
    const rank: number[] = new Array<number>(MAX_LEVEL);
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1];
      let next = x.forward[i];
      while (next !== null && precedes(score, member, next)) {
        rank[i] += x.span[i];
        x = next;
        next = x.forward[i];
      }
      update[i] = x;
    }
    const level = this.randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.head;
        update[i].span[i] = this.length;
      }
      this.level = level;
    }
    const node = new SkipNode(member, score, level);
    for (let i = 0; i < level; i++) {
      node.forward[i] = update[i].forward[i];
      update[i].forward[i] = node;
      node.span[i] = update[i].span[i] - (rank[0] - rank[i]);
      update[i].span[i] = rank[0] - rank[i] + 1;
    }
    for (let i = level; i < this.level; i++) update[i].span[i]++;
    node.backward = update[0] === this.head ? null : update[0];
    if (node.forward[0] !== null) node.forward[0].backward = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  private unlink(x: SkipNode, update: SkipNode[]): void {
    for (let i = 0; i < this.level; i++) {
      if (update[i].forward[i] === x) {
        update[i].span[i] += x.span[i] - 1;
        update[i].forward[i] = x.forward[i];
      } else {
        update[i].span[i] -= 1;
      }
    }
    const next = x.forward[0];
    if (next !== null) next.backward = x.backward;
    else this.tail = x.backward;
    while (this.level > 1 && this.head.forward[this.level - 1] === null) this.level--;
    this.length--;
  }

  private findUpdate(score: number, member: string, update: SkipNode[]): SkipNode | null {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && precedes(score, member, next)) {
        x = next;
        next = x.forward[i];
      }
      update[i] = x;
    }
    const candidate = x.forward[0];
    return candidate !== null && candidate.score === score && candidate.member === member ? candidate : null;
  }

  /** Removes (score, member); returns whether it was there. */
  delete(score: number, member: string): boolean {
    const update: SkipNode[] = new Array<SkipNode>(MAX_LEVEL);
    const x = this.findUpdate(score, member, update);
    if (x === null) return false;
    this.unlink(x, update);
    return true;
  }

  /** Moves an element (which must be present with curScore) to newScore; returns its node. */
  updateScore(curScore: number, member: string, newScore: number): SkipNode {
    const update: SkipNode[] = new Array<SkipNode>(MAX_LEVEL);
    const x = this.findUpdate(curScore, member, update);
    if (x === null) throw new Error('skiplist: element to update not found');
    // Stays in place when its neighbours still bracket the new score.
    const prev = x.backward;
    const next = x.forward[0];
    if (
      (prev === null || prev.score < newScore || (prev.score === newScore && prev.member < member)) &&
      (next === null || next.score > newScore || (next.score === newScore && next.member > member))
    ) {
      x.score = newScore;
      return x;
    }
    this.unlink(x, update);
    return this.insert(newScore, member);
  }

  /** 1-based rank of (score, member), 0 when absent. */
  rank(score: number, member: string): number {
    let rank = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && (precedes(score, member, next) || (next.score === score && next.member === member))) {
        rank += x.span[i];
        x = next;
        next = x.forward[i];
      }
      if (x !== this.head && x.score === score && x.member === member) return rank;
    }
    return 0;
  }

  /** The element at 1-based rank, or null. */
  byRank(rank: number): SkipNode | null {
    if (rank < 1 || rank > this.length) return null;
    let traversed = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && traversed + x.span[i] <= rank) {
        traversed += x.span[i];
        x = next;
        next = x.forward[i];
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  /** The first element whose score is in range, or null. */
  firstInScoreRange(range: ScoreRange): SkipNode | null {
    if (scoreRangeEmpty(range)) return null;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && !scoreGteMin(next.score, range)) {
        x = next;
        next = x.forward[i];
      }
    }
    const first = x.forward[0];
    return first !== null && scoreLteMax(first.score, range) ? first : null;
  }

  /** The last element whose score is in range, or null. */
  lastInScoreRange(range: ScoreRange): SkipNode | null {
    if (scoreRangeEmpty(range)) return null;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && scoreLteMax(next.score, range)) {
        x = next;
        next = x.forward[i];
      }
    }
    return x !== this.head && scoreGteMin(x.score, range) ? x : null;
  }

  /**
   * Redis's zslIsInLexRange: the range is non-empty and overlaps [head, tail]
   * (only meaningful when all scores are equal, but Redis answers the same way
   * whatever the scores).
   */
  private lexOverlaps(range: LexRange): boolean {
    if (lexRangeEmpty(range)) return false;
    const head = this.head.forward[0];
    const tail = this.tail;
    return head !== null && tail !== null && lexGteMin(tail.member, range) && lexLteMax(head.member, range);
  }

  /**
   * The first element whose member is in the lex range. `linear` walks from the
   * head as a listpack does (the answers differ only when scores differ).
   */
  firstInLexRange(range: LexRange, linear = false): SkipNode | null {
    if (!this.lexOverlaps(range)) return null;
    if (linear) {
      for (let x = this.head.forward[0]; x !== null; x = x.forward[0]) {
        if (lexGteMin(x.member, range)) return lexLteMax(x.member, range) ? x : null;
      }
      return null;
    }
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && !lexGteMin(next.member, range)) {
        x = next;
        next = x.forward[i];
      }
    }
    const first = x.forward[0];
    return first !== null && lexLteMax(first.member, range) ? first : null;
  }

  lastInLexRange(range: LexRange, linear = false): SkipNode | null {
    if (!this.lexOverlaps(range)) return null;
    if (linear) {
      for (let x = this.tail; x !== null; x = x.backward) {
        if (lexLteMax(x.member, range)) return lexGteMin(x.member, range) ? x : null;
      }
      return null;
    }
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next !== null && lexLteMax(next.member, range)) {
        x = next;
        next = x.forward[i];
      }
    }
    return x !== this.head && lexGteMin(x.member, range) ? x : null;
  }

  /** The first element in order, or null. */
  first(): SkipNode | null {
    return this.head.forward[0];
  }

  /** Checks every invariant (tests): order, backward links, spans. */
  check(): void {
    let count = 0;
    let prev: SkipNode | null = null;
    const index = new Map<SkipNode, number>();
    for (let x = this.head.forward[0]; x !== null; x = x.forward[0]) {
      count++;
      index.set(x, count);
      if (x.backward !== prev) throw new Error('bad backward link');
      if (prev !== null && !precedes(x.score, x.member, prev)) throw new Error('out of order');
      prev = x;
    }
    if (count !== this.length || this.tail !== prev) throw new Error('bad length or tail');
    for (let i = 0; i < this.level; i++) {
      let x: SkipNode = this.head;
      let position = 0;
      while (x.forward[i] !== null) {
        const next = x.forward[i] as SkipNode;
        position += x.span[i];
        if (index.get(next) !== position) throw new Error(`bad span at level ${i}`);
        x = next;
      }
    }
  }
}
