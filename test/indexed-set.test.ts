// IndexedSet against a naive model (a JS Set), over thousands of random
// operations, seeded: membership, size, random picks, pops, distinct
// samples, and the SSCAN cursor guarantee under interleaved changes.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { IndexedSet } from '../server/types/indexed-set.js';
import { mulberry32Below } from './seeded-random.js';

const test = suite('indexed-set');

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

function checkSame(set: IndexedSet<string>, model: Set<string>, where: string): void {
  assert.is(set.size, model.size, `size at ${where}`);
  assert.equal(sorted(set), sorted(model), `members at ${where}`);
  assert.equal(sorted(set.members()), sorted(model), `dense array at ${where}`);
  for (let i = 0; i < set.size; i++) assert.ok(set.has(set.at(i)), `slot ${i} at ${where}`);
}

for (const seed of [1, 2, 3, 4, 5]) {
  test(`random operations match a Set model (seed ${seed})`, () => {
    const r = mulberry32Below(seed);
    const set = new IndexedSet<string>();
    const model = new Set<string>();
    // A small universe keeps the set hitting both present and absent members.
    const universe = 20 + r(200);
    const member = () => `m${r(universe)}`;
    for (let step = 0; step < 4000; step++) {
      const op = r(100);
      if (op < 35) {
        const m = member();
        assert.is(set.add(m), !model.has(m), `add ${m} at ${step}`);
        model.add(m);
      } else if (op < 60) {
        const m = member();
        assert.is(set.delete(m), model.has(m), `delete ${m} at ${step}`);
        model.delete(m);
      } else if (op < 75) {
        const m = member();
        assert.is(set.has(m), model.has(m), `has ${m} at ${step}`);
      } else if (op < 82) {
        const popped = set.pop();
        if (model.size === 0) assert.is(popped, undefined);
        else {
          assert.ok(popped !== undefined && model.has(popped), `pop at ${step}`);
          model.delete(popped as string);
        }
      } else if (op < 88) {
        const picked = set.random();
        if (model.size === 0) assert.is(picked, undefined);
        else assert.ok(picked !== undefined && model.has(picked), `random at ${step}`);
      } else if (op < 96) {
        const count = r(model.size + 5);
        const before = set.members().slice();
        const sample = set.sample(count);
        assert.is(sample.length, Math.min(count, model.size), `sample length at ${step}`);
        assert.is(new Set(sample).size, sample.length, `sample distinct at ${step}`);
        for (const m of sample) assert.ok(model.has(m), `sample member at ${step}`);
        assert.equal(set.members(), before, `sample must not reorder the set (step ${step})`);
      } else if (op < 98) {
        const copy = new IndexedSet<string>(set);
        checkSame(copy, model, `copy at ${step}`);
      } else if (op < 99 && model.size > 0 && r(10) === 0) {
        set.clear();
        model.clear();
      }
      if (step % 97 === 0) checkSame(set, model, `step ${step}`);
    }
    checkSame(set, model, 'end');
  });
}

test('scan returns every member present for the whole walk, with changes between calls', () => {
  for (let seed = 10; seed < 60; seed++) {
    const r = mulberry32Below(seed);
    const set = new IndexedSet<string>();
    for (let i = 0; i < r(300); i++) set.add(`m${r(400)}`);
    const initial = new Set(set);
    const removed = new Set<string>();
    const seen = new Set<string>();
    let cursor = 0;
    let calls = 0;
    do {
      cursor = set.scan(cursor, 1 + r(15), (m) => seen.add(m));
      calls++;
      // Changes between calls: adds, deletes and pops.
      for (let k = r(6); k > 0; k--) {
        const op = r(3);
        if (op === 0) set.add(`n${r(400)}`);
        else if (op === 1) {
          const m = `m${r(400)}`;
          if (set.delete(m)) removed.add(m);
        } else {
          const p = set.pop();
          if (p !== undefined) removed.add(p);
        }
      }
      assert.ok(calls < 10000, 'scan terminates');
    } while (cursor !== 0);
    for (const m of initial) {
      if (!removed.has(m)) assert.ok(seen.has(m), `seed ${seed}: ${m} was present throughout and not returned`);
    }
  }
});

test('sample and random are roughly uniform', () => {
  const set = new IndexedSet<string>(['a', 'b', 'c', 'd', 'e']);
  const counts = new Map<string, number>();
  for (let i = 0; i < 20000; i++) {
    for (const m of set.sample(2)) counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  // Each member is in a 2-of-5 sample with probability 0.4: 8000 expected.
  for (const m of set) {
    const c = counts.get(m) ?? 0;
    assert.ok(c > 7400 && c < 8600, `${m} sampled ${c} times`);
  }
  const picks = new Map<string, number>();
  for (let i = 0; i < 20000; i++) {
    const m = set.random() as string;
    picks.set(m, (picks.get(m) ?? 0) + 1);
  }
  for (const m of set) {
    const c = picks.get(m) ?? 0;
    assert.ok(c > 3600 && c < 4400, `${m} picked ${c} times`);
  }
});

test('sample of at least the size returns everything', () => {
  const set = new IndexedSet<string>(['x', 'y', 'z']);
  assert.equal(sorted(set.sample(3)), ['x', 'y', 'z']);
  assert.equal(sorted(set.sample(100)), ['x', 'y', 'z']);
  assert.equal(set.sample(0), []);
  assert.equal(new IndexedSet<string>().sample(5), []);
});

test.run();
