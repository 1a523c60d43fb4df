// The skiplist's node pool (server/types/skiplist.ts): blocks reused through the
// per-level free lists, the header block moving as levels grow, compaction
// after mass deletes, and the ZSet over it, each against a naive model over
// thousands of seeded random steps.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_LEVEL, SkipList } from '../server/types/skiplist.js';
import { ZSet } from '../server/types/zset.js';
import { xorshift32 } from './seeded-random.js';

const test = suite('zset-pool');

interface Item {
  member: string;
  score: number;
}

function sorted(model: Map<string, number>): Item[] {
  const items = [...model].map(([member, score]) => ({ member, score }));
  return items.sort((a, b) => (a.score !== b.score ? a.score - b.score : a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
}

function assertSame(list: SkipList, model: Map<string, number>, label: string): void {
  list.check();
  const items = sorted(model);
  const walked: Item[] = [];
  for (let x = list.first(); x !== null; x = x.next) walked.push({ member: x.member, score: x.score });
  assert.equal(walked, items, label);
  assert.is(list.length, items.length, label);
  const back: string[] = [];
  for (let x = list.tail; x !== null; x = x.backward) back.push(x.member);
  assert.equal(back, items.map((i) => i.member).reverse(), label);
}

test('grow, churn, shrink (compaction) and regrow agree with a model', () => {
  for (const seed of [11, 12]) {
    const random = xorshift32(seed);
    const int = (n: number) => Math.floor(random() * n);
    const list = new SkipList();
    list.random = random;
    const model = new Map<string, number>();
    const score = () => int(500) / 2;
    // Grow to 6000 members, with updates on the way.
    for (let step = 0; step < 9000; step++) {
      const member = `k${int(6000)}`;
      const current = model.get(member);
      const next = score();
      if (current === undefined) {
        list.insert(next, member);
        model.set(member, next);
      } else {
        const node = list.updateScore(current, member, next);
        assert.is(node.score, next);
        assert.is(node.member, member);
        model.set(member, next);
      }
    }
    assertSame(list, model, 'after growth');
    const grown = list.capacity;
    // Delete down to a few hundred: the pool must be rebuilt smaller.
    const members = [...model.keys()];
    for (let i = members.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [members[i], members[j]] = [members[j], members[i]];
    }
    for (let i = 0; i < members.length - 300; i++) {
      const member = members[i];
      assert.ok(list.delete(model.get(member)!, member), 'delete');
      assert.not.ok(list.delete(model.get(member)!, member), 'second delete');
      model.delete(member);
      if (i % 997 === 0) assertSame(list, model, 'while shrinking');
    }
    assertSame(list, model, 'after shrinking');
    assert.ok(list.capacity < grown / 2, `pool compacted (${list.capacity} of ${grown} units)`);
    // Ranks and rank lookups after compaction.
    const items = sorted(model);
    for (let i = 0; i < items.length; i++) {
      assert.is(list.rank(items[i].score, items[i].member), i + 1);
      assert.is(list.byRank(i + 1)?.member, items[i].member);
    }
    // Regrow: the free lists hand blocks back out.
    for (let step = 0; step < 3000; step++) {
      const member = `r${int(2000)}`;
      const current = model.get(member);
      const next = score();
      if (current === undefined) list.insert(next, member);
      else list.updateScore(current, member, next);
      model.set(member, next);
      if (random() < 0.3) {
        const victim = `r${int(2000)}`;
        const at = model.get(victim);
        assert.is(list.delete(at ?? 0, victim), at !== undefined);
        model.delete(victim);
      }
    }
    assertSame(list, model, 'after regrowth');
  }
});

test('many small lists side by side in the shared slabs grow, shrink and move without touching each other', () => {
  const random = xorshift32(99);
  const int = (n: number) => Math.floor(random() * n);
  // Hundreds of lists growing in turns: their pools are neighbours in a slab, each
  // growth moves one to a new piece (or, past the slab size, a buffer of its own).
  const lists = Array.from({ length: 400 }, () => new SkipList());
  const models = lists.map(() => new Map<string, number>());
  for (let step = 0; step < 40_000; step++) {
    const k = int(lists.length);
    const list = lists[k];
    const model = models[k];
    const member = `s${int(k % 7 === 0 ? 300 : 12)}`;
    const current = model.get(member);
    const next = int(50);
    if (current === undefined) list.insert(next, member);
    else if (random() < 0.2) {
      assert.ok(list.delete(current, member));
      model.delete(member);
      continue;
    } else list.updateScore(current, member, next);
    model.set(member, next);
  }
  for (let k = 0; k < lists.length; k++) assertSame(lists[k], models[k], `list ${k}`);
  assert.ok(lists.some((list) => list.capacity > 128) && lists.some((list) => list.capacity <= 128), 'both slab pieces and own buffers');
});

test('the header block grows to the highest level and keeps the links', () => {
  const list = new SkipList();
  let tall = true;
  // Every level test succeeds while `tall`: nodes of MAX_LEVEL levels.
  list.random = () => (tall ? 0 : 0.99);
  list.insert(5, 'e');
  assert.is(list.level, MAX_LEVEL);
  tall = false;
  for (const [score, member] of [[1, 'a'], [9, 'i'], [5, 'd'], [5, 'f']] as const) list.insert(score, member);
  tall = true;
  list.insert(3, 'c');
  list.check();
  assert.equal(
    (() => {
      const out: string[] = [];
      for (let x = list.first(); x !== null; x = x.next) out.push(x.member);
      return out;
    })(),
    ['a', 'c', 'd', 'e', 'f', 'i'],
  );
  assert.is(list.rank(9, 'i'), 6);
  assert.ok(list.delete(5, 'e'));
  assert.ok(list.delete(3, 'c'));
  list.check();
  assert.is(list.level, 1);
  assert.is(list.byRank(3)?.member, 'f');
});

test('updateScore keeps a node in place when its neighbours still bracket the score', () => {
  const list = new SkipList();
  for (let i = 0; i < 10; i++) list.insert(i * 10, `m${i}`);
  const before = list.byRank(5);
  const moved = list.updateScore(40, 'm4', 45);
  assert.is(moved.offset, before?.offset, 'same block');
  assert.is(list.byRank(5)?.score, 45);
  const away = list.updateScore(45, 'm4', 95);
  assert.is(list.rank(95, 'm4'), 10);
  assert.is(away.member, 'm4');
  // Equal scores order by member: m3 (30) stays before m4 (30).
  list.updateScore(95, 'm4', 30);
  assert.is(list.rank(30, 'm4'), 5);
  assert.is(list.byRank(4)?.member, 'm3');
  assert.is(list.byRank(5)?.member, 'm4');
  list.check();
});

test('zset: dict, ranks and the list agree over random ZADD / ZINCRBY / ZREM steps', () => {
  const random = xorshift32(99);
  const int = (n: number) => Math.floor(random() * n);
  const zset = new ZSet();
  zset.list.random = random;
  const model = new Map<string, number>();
  for (let step = 0; step < 20000; step++) {
    const member = `m${int(3000)}`;
    const op = int(10);
    const current = model.get(member);
    if (op < 6) {
      const score = op < 3 && current !== undefined ? current + int(3) - 1 : int(1000) - 500;
      if (current === undefined) {
        zset.prepareAdd(member, 128, 64);
        zset.insert(member, score);
      } else {
        // As ZADD does: look the member up, then update (update may reuse that lookup).
        if (random() < 0.7) assert.is(zset.score(member), current);
        if (random() < 0.1) {
          // A lookup of another member in between must not leak into this update.
          const other = `m${int(3000)}`;
          assert.is(zset.score(other), model.get(other));
        }
        zset.update(member, score);
      }
      model.set(member, score);
    } else if (op < 8) {
      assert.is(zset.remove(member), current !== undefined);
      model.delete(member);
    } else {
      assert.is(zset.score(member), current);
      if (current !== undefined) {
        let before = 0;
        for (const [m, sc] of model) if (sc < current || (sc === current && m < member)) before++;
        assert.is(zset.rank(member), before);
        const at = zset.at(zset.rank(member));
        assert.is(at?.member, member);
      } else {
        assert.is(zset.rank(member), -1);
      }
    }
    assert.is(zset.size, model.size);
  }
  assert.ok(zset.converted);
  assertSame(zset.list, model, 'zset list');
  const copy = zset.clone();
  assertSame(copy.list, model, 'clone');
});

test.run();
