// HashValue against a naive model (a Map), over thousands of random steps:
// contents, listpack order before conversion, dense slots after it, and the
// scan guarantee (every field present for a whole scan is returned) with
// deletes and inserts between scan calls.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HashValue } from '../server/types/hash.js';
import { mulberry32 } from './seeded-random.js';

const test = suite('hash value');

function check(hash: HashValue, model: Map<string, string>): void {
  assert.is(hash.size, model.size);
  const cells = hash.toArray();
  assert.is(cells.length, model.size);
  for (const cell of cells) assert.is(model.get(cell.field), cell.value);
  if (hash.encoding === 'listpack') {
    // Same order as the model: insertion order, updates in place.
    assert.equal(
      cells.map((c) => c.field),
      [...model.keys()],
    );
  } else {
    for (let i = 0; i < hash.size; i++) assert.is(hash.at(i).slot, i);
  }
}

test('random set/delete/convert against a Map', () => {
  for (const seed of [1, 2, 3, 4]) {
    const rnd = mulberry32(seed);
    const hash = new HashValue();
    const model = new Map<string, string>();
    for (let step = 0; step < 5000; step++) {
      const field = `f${Math.floor(rnd() * 60)}`;
      const r = rnd();
      if (r < 0.5) {
        const value = `v${step}`;
        assert.is(hash.set(field, value), !model.has(field));
        model.set(field, value);
      } else if (r < 0.9) {
        assert.is(hash.delete(field), model.delete(field));
      } else if (r < 0.91) {
        hash.convert();
      } else {
        assert.is(hash.get(field), model.get(field));
        assert.is(hash.has(field), model.has(field));
      }
      if (step % 50 === 0) check(hash, model);
    }
    check(hash, model);
    const copy = hash.clone();
    check(copy, model);
    assert.is(copy.encoding, hash.encoding);
    copy.set('only-in-copy', 'x');
    assert.not.ok(hash.has('only-in-copy'));
  }
});

test('scan returns every field that stays for the whole scan', () => {
  for (const seed of [11, 12, 13, 14, 15]) {
    const rnd = mulberry32(seed);
    const hash = new HashValue();
    for (let i = 0; i < 300; i++) hash.set(`f${i}`, String(i));
    hash.convert();
    const initial = new Set(hash.toArray().map((c) => c.field));
    const touched = new Set<string>();
    const seen = new Set<string>();
    let cursor = 0;
    let next = 1;
    let added = 0;
    for (let calls = 0; next !== 0; calls++) {
      assert.ok(calls < 10000, 'the scan ends');
      next = hash.scan(cursor, 1 + Math.floor(rnd() * 20), (cell) => seen.add(cell.field));
      cursor = next;
      for (let j = Math.floor(rnd() * 4); j > 0; j--) {
        if (rnd() < 0.6) {
          const victim = `f${Math.floor(rnd() * 300)}`;
          if (hash.delete(victim)) touched.add(victim);
        } else {
          hash.set(`new${added++}`, 'x');
        }
      }
    }
    for (const field of initial) if (!touched.has(field)) assert.ok(seen.has(field), `${field} (seed ${seed})`);
  }
});

test('random picks cover the hash in both encodings', () => {
  for (const convert of [false, true]) {
    const hash = HashValue.fromPairs([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    if (convert) hash.convert();
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) seen.add(hash.random().field);
    assert.equal([...seen].sort(), ['a', 'b', 'c']);
  }
});

test.run();
