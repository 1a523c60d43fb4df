// ZSCAN's guarantee on a converted sorted set, as SCAN promises it: a full
// iteration returns every member present for the whole iteration, while other
// members are added, removed, re-added and rescored between calls.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ZSet } from '../server/types/zset.js';
import { mulberry32Below } from './seeded-random.js';

const test = suite('zset scan');

test('members present for a whole scan are all returned, with their scores, under random churn', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const random = mulberry32Below(seed);
    const zset = ZSet.built();
    for (let i = 0; i < 3000; i++) zset.insert(`m${i}`, random(1000));
    const stable = new Set<string>();
    for (let i = 0; i < 3000; i += 3) stable.add(`m${i}`); // never touched below
    const seen = new Map<string, number>();
    let cursor = 0;
    let calls = 0;
    do {
      cursor = zset.scan(cursor, 1 + random(20), (member, score) => seen.set(member, score));
      calls++;
      // Churn among the other members: removes, new members (some with low scores), re-adds, rescoring.
      for (let k = 0; k < 15; k++) {
        const i = random(6000);
        if (i % 3 === 0 && i < 3000) continue;
        const member = `m${i}`;
        const op = random(3);
        if (op === 0) zset.remove(member);
        else if (zset.score(member) === undefined) zset.insert(member, random(1000) - 500);
        else zset.update(member, random(1000));
      }
    } while (cursor !== 0 && calls < 100_000);
    assert.is(cursor, 0, `seed ${seed}: the walk ends`);
    for (const member of stable) {
      assert.ok(seen.has(member), `seed ${seed}: ${member} was never returned`);
      assert.is(seen.get(member), zset.score(member), `seed ${seed}: score of ${member}`);
    }
  }
});

test('stale entries are compacted: a set that churns keeps its scan order bounded', () => {
  const zset = ZSet.built();
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 1000; i++) zset.insert(`r${round}:${i}`, i);
    for (let i = 0; i < 1000; i++) zset.remove(`r${round}:${i}`);
  }
  zset.insert('last', 1);
  const members: string[] = [];
  let cursor = 0;
  let calls = 0;
  do {
    cursor = zset.scan(cursor, 10, (member) => members.push(member));
    calls++;
  } while (cursor !== 0);
  assert.equal(members, ['last']);
  assert.ok(calls <= 10, `a one-member set took ${calls} calls`);
});

test.run();
