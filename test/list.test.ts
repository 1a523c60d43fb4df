// The list wrapper against a plain array model: thousands of random operations
// with Redis's index rules (negative from the tail, inclusive clamped ranges).

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { List } from '../server/types/list.js';
import { mulberry32 } from './seeded-random.js';

const test = suite('list');

function modelRange(a: string[], start: number, stop: number): string[] {
  const n = a.length;
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  if (start < 0) start = 0;
  if (start > stop || start >= n) return [];
  if (stop >= n) stop = n - 1;
  return a.slice(start, stop + 1);
}

test('random operations match an array model', () => {
  for (let seed = 1; seed <= 5; seed++) {
    const r = mulberry32(seed);
    const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
    const value = () => 'v' + int(0, 5);
    const list = new List();
    let model: string[] = [];
    for (let step = 0; step < 3000; step++) {
      const op = int(0, 10);
      const where = `seed ${seed} step ${step} op ${op}`;
      if (op === 0) {
        const v = value();
        list.pushFront(v);
        model.unshift(v);
      } else if (op === 1) {
        const v = value();
        list.pushBack(v);
        model.push(v);
      } else if (op === 2) {
        assert.is(list.popFront(), model.shift(), where);
      } else if (op === 3) {
        assert.is(list.popBack(), model.pop(), where);
      } else if (op === 4) {
        const i = int(-12, 12);
        const j = i < 0 ? model.length + i : i;
        assert.is(list.at(i), j >= 0 && j < model.length ? model[j] : undefined, where);
      } else if (op === 5) {
        const i = int(-12, 12);
        const j = i < 0 ? model.length + i : i;
        const ok = j >= 0 && j < model.length;
        const v = value();
        assert.is(list.set(i, v), ok, where);
        if (ok) model[j] = v;
      } else if (op === 6) {
        const a = int(-15, 15);
        const b = int(-15, 15);
        assert.equal(list.range(a, b), modelRange(model, a, b), where);
      } else if (op === 7) {
        const v = value();
        const count = int(-3, 3);
        let removed = 0;
        const limit = count === 0 ? Infinity : Math.abs(count);
        const drop = new Set<number>();
        const order = model.map((_, i) => i);
        if (count < 0) order.reverse();
        for (const i of order) if (removed < limit && model[i] === v) (drop.add(i), removed++);
        model = model.filter((_, i) => !drop.has(i));
        assert.is(list.remove(v, count), removed, where);
      } else if (op === 8) {
        const pivot = value();
        const v = value();
        const after = r() < 0.5;
        const at = model.indexOf(pivot);
        const expected = at < 0 ? -1 : model.length + 1;
        if (at >= 0) model.splice(after ? at + 1 : at, 0, v);
        assert.is(list.insert(pivot, v, after), expected, where);
      } else if (op === 9 && r() < 0.2) {
        const a = int(-15, 15);
        const b = int(-15, 15);
        model = modelRange(model, a, b);
        list.trim(a, b);
      } else {
        const copy = list.clone();
        copy.pushBack('only-in-copy');
        assert.is(copy.length, list.length + 1, where);
      }
      assert.is(list.length, model.length, where);
      if (step % 50 === 0) assert.equal(list.toArray(), model, where);
    }
    assert.equal(list.toArray(), model);
  }
});

test('range and trim clamp like Redis', () => {
  const list = new List(['a', 'b', 'c', 'd']);
  assert.equal(list.range(0, -1), ['a', 'b', 'c', 'd']);
  assert.equal(list.range(-100, 1), ['a', 'b']);
  assert.equal(list.range(3, 1), []);
  assert.equal(list.range(10, 20), []);
  list.trim(1, -2);
  assert.equal(list.toArray(), ['b', 'c']);
  list.trim(5, 10);
  assert.is(list.length, 0);
});

test.run();
