// The sorted set's skiplist against a naive model (a sorted array), over
// thousands of seeded random steps: inserts, deletes, score updates, ranks,
// rank lookups and first/last elements of score and lex ranges.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SkipList, SPAN, type LexRange, type ScoreRange } from '../server/types/skiplist.js';
import { ZSet } from '../server/types/zset.js';
import { xorshift32 } from './seeded-random.js';

const test = suite('skiplist');

interface Item {
  score: number;
  member: string;
}

function compare(a: Item, b: Item): number {
  if (a.score !== b.score) return a.score < b.score ? -1 : 1;
  return a.member < b.member ? -1 : a.member > b.member ? 1 : 0;
}

function inScore(score: number, r: ScoreRange): boolean {
  return (r.minEx ? score > r.min : score >= r.min) && (r.maxEx ? score < r.max : score <= r.max);
}

function inLex(member: string, r: LexRange): boolean {
  if (r.empty) return false;
  const geMin = r.min === null || (r.minEx ? member > r.min : member >= r.min);
  const leMax = r.max === null || (r.maxEx ? member < r.max : member <= r.max);
  return geMin && leMax;
}

function runModel(seed: number, steps: number, sameScore: boolean): void {
  const random = xorshift32(seed);
  const int = (n: number) => Math.floor(random() * n);
  const list = new SkipList();
  list.random = random;
  const model: Item[] = [];
  const members = Array.from({ length: 60 }, (_, i) => `m${i}\u00e9`.slice(0, 1 + (i % 4)) + String.fromCharCode(97 + (i % 26)) + i);
  const scoreOf = () => (sameScore ? 0 : [int(20) - 10, int(5) / 4, -Infinity, Infinity][int(4)]);
  for (let step = 0; step < steps; step++) {
    const op = int(10);
    const member = members[int(members.length)];
    const at = model.findIndex((x) => x.member === member);
    if (op < 4) {
      if (at < 0) {
        const score = scoreOf();
        list.insert(score, member);
        model.push({ score, member });
        model.sort(compare);
      } else {
        const score = scoreOf();
        const node = list.updateScore(model[at].score, member, score);
        assert.is(node.score, score);
        model[at] = { score, member };
        model.sort(compare);
      }
    } else if (op < 6) {
      const removed = list.delete(at < 0 ? 0 : model[at].score, member);
      assert.is(removed, at >= 0, `delete ${member}`);
      if (at >= 0) model.splice(at, 1);
    } else if (op < 8) {
      assert.is(list.length, model.length);
      if (model.length > 0) {
        const i = int(model.length);
        assert.is(list.rank(model[i].score, model[i].member), i + 1, 'rank');
        const node = list.byRank(i + 1);
        assert.ok(node !== null && node.member === model[i].member, 'byRank');
      }
      assert.is(list.byRank(model.length + 1), null);
      assert.is(list.byRank(0), null);
      assert.is(list.rank(1e9, 'absent'), 0);
    } else if (op === 8) {
      const bound = () => [int(24) - 12, -Infinity, Infinity, int(5) / 4][int(4)];
      const a = bound();
      const b = bound();
      const range: ScoreRange = { min: Math.min(a, b), max: random() < 0.1 ? Math.min(a, b) : Math.max(a, b), minEx: random() < 0.5, maxEx: random() < 0.5 };
      const expected = model.filter((x) => inScore(x.score, range));
      const first = list.firstInScoreRange(range);
      const last = list.lastInScoreRange(range);
      assert.is(first?.member ?? null, expected.length ? expected[0].member : null, 'first in score range');
      assert.is(last?.member ?? null, expected.length ? expected[expected.length - 1].member : null, 'last in score range');
    } else {
      const item = () => {
        const kind = int(6);
        if (kind === 0) return { value: null, ex: false, plus: false, minus: true };
        if (kind === 1) return { value: null, ex: false, plus: true, minus: false };
        return { value: members[int(members.length)].slice(0, 1 + int(3)), ex: random() < 0.5, plus: false, minus: false };
      };
      const lo = item();
      const hi = item();
      const range: LexRange = { min: lo.value, max: hi.value, minEx: lo.ex, maxEx: hi.ex, empty: lo.plus || hi.minus };
      if (sameScore) {
        const expected = model.filter((x) => inLex(x.member, range));
        for (const linear of [false, true]) {
          const first = list.firstInLexRange(range, linear);
          const last = list.lastInLexRange(range, linear);
          assert.is(first?.member ?? null, expected.length ? expected[0].member : null, 'first in lex range');
          assert.is(last?.member ?? null, expected.length ? expected[expected.length - 1].member : null, 'last in lex range');
        }
      }
    }
    if (step % 97 === 0) list.check();
  }
  list.check();
  const walked: string[] = [];
  for (let x = list.first(); x !== null; x = x.next) walked.push(x.member);
  assert.equal(walked, model.map((x) => x.member));
  const back: string[] = [];
  for (let x = list.tail; x !== null; x = x.backward) back.push(x.member);
  assert.equal(back, model.map((x) => x.member).reverse());
}

test('mixed scores: 5000 random steps per seed agree with a sorted array', () => {
  for (const seed of [1, 2, 3, 42]) runModel(seed, 5000, false);
});

test('equal scores: lex ranges agree with a sorted array', () => {
  for (const seed of [5, 6, 7]) runModel(seed, 4000, true);
});

test('a model check would catch a broken span', () => {
  const list = new SkipList();
  for (let i = 0; i < 50; i++) list.insert(i, `m${i}`);
  list.check();
  const node = list.byRank(10);
  assert.ok(node !== null);
  list.words[2 * node.offset + SPAN] += 1;
  assert.throws(() => list.check());
});

test('zset: -0 becomes 0 in a listpack-sized set, stays -0 once converted; clone is deep', () => {
  const small = new ZSet();
  small.insert('a', -0);
  assert.ok(Object.is(small.score('a'), 0));
  const big = new ZSet();
  big.converted = true;
  big.insert('a', -0);
  assert.ok(Object.is(big.score('a'), -0));
  big.insert('b', 2);
  const copy = big.clone();
  copy.update('b', -5);
  assert.is(big.score('b'), 2);
  assert.is(copy.rank('b'), 0);
  assert.is(big.rank('b'), 1);
  assert.ok(copy.converted);
});

test.run();
