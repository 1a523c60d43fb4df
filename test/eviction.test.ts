// Unit tests of the eviction building blocks: the LFU counter, the eviction pool, the time limit.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LFU_INIT_VAL, lfuDecayed, lfuInitial, lfuLogIncr, lfuMinutes, lfuParams, lfuTouch } from '../server/eviction/lfu.js';
import { EvictionPool } from '../server/eviction/pool.js';
import { evictionTimeLimitMicros } from '../server/eviction/index.js';
import { stringBytes } from '../server/eviction/sizes.js';
import { mapBytes } from '../server/eviction/accounting.js';
import { mulberry32 } from './seeded-random.js';

const lfu = suite('lfu counter');
const MIN = 60_000;
const T0 = Math.floor(1_700_000_000_000 / 60_000) * 60_000;

lfu.before.each(() => {
  lfuParams.logFactor = 10;
  lfuParams.decayTime = 1;
});

lfu('a new key starts at LFU_INIT_VAL, stamped with the minute clock', () => {
  const field = lfuInitial(T0);
  assert.is(field & 0xff, LFU_INIT_VAL);
  assert.is(field >>> 8, lfuMinutes(T0));
  assert.is(lfuDecayed(field, T0), 5);
});

lfu('increments are certain below LFU_INIT_VAL and rarer as the counter grows', () => {
  assert.is(lfuLogIncr(3, 0.999), 4);
  assert.is(lfuLogIncr(5, 0.999), 6); // p = 1 at the initial value
  assert.is(lfuLogIncr(5, 0.5), 6);
  // base 10, factor 10: p = 1/101
  assert.is(lfuLogIncr(15, 1 / 101 - 1e-9), 16);
  assert.is(lfuLogIncr(15, 1 / 101 + 1e-9), 15);
  assert.is(lfuLogIncr(255, 0), 255);
});

lfu('a million hits with factor 10 land near Redis\'s table (142 at 100k hits, 255 at 1M)', () => {
  for (const seed of [1, 2, 3]) {
    const random = mulberry32(seed);
    let counter = LFU_INIT_VAL;
    for (let i = 0; i < 100_000; i++) counter = lfuLogIncr(counter, random());
    assert.ok(counter > 120 && counter < 165, `seed ${seed}: counter ${counter} at 100k hits`);
    for (let i = 0; i < 900_000; i++) counter = lfuLogIncr(counter, random());
    assert.ok(counter >= 230, `seed ${seed}: counter ${counter} at 1M hits`);
  }
});

lfu('a touch decays by elapsed minutes, increments and stamps the minute clock', () => {
  const fresh = lfuTouch(lfuInitial(T0), T0 + 30_000);
  assert.is(fresh >>> 8, lfuMinutes(T0));
  assert.is(fresh & 0xff, LFU_INIT_VAL + 1); // p = 1 at the initial value
  const later = lfuTouch((lfuMinutes(T0) << 8) | 20, T0 + 3 * MIN);
  assert.is(later >>> 8, lfuMinutes(T0 + 3 * MIN));
  assert.ok((later & 0xff) === 17 || (later & 0xff) === 18, `counter ${later & 0xff}`); // 20 - 3, then maybe +1
});

lfu('decays by one per lfu-decay-time minutes, not below 0', () => {
  const field = (lfuMinutes(T0) << 8) | 20;
  assert.is(lfuDecayed(field, T0 + 59_000), 20);
  assert.is(lfuDecayed(field, T0 + 3 * MIN), 17);
  lfuParams.decayTime = 2;
  assert.is(lfuDecayed(field, T0 + 6 * MIN), 17);
  lfuParams.decayTime = 0;
  assert.is(lfuDecayed(field, T0 + 600 * MIN), 20);
  lfuParams.decayTime = 1;
  assert.is(lfuDecayed(field, T0 + 600 * MIN), 0);
});

lfu('the 16-bit minute clock wraps', () => {
  const field = (0xffff << 8) | 10;
  // 65535 - then + now minutes: from 65535 to 2 is 2 minutes by Redis's formula.
  const now = (Math.floor(T0 / MIN / 65536) * 65536 + 65536 + 2) * MIN;
  assert.is(lfuMinutes(now), 2);
  assert.is(lfuDecayed(field, now), 8);
});

lfu.run();

const pool = suite('eviction pool');

pool('keeps the 16 best candidates in ascending order', () => {
  const p = new EvictionPool<string>();
  for (let i = 0; i < 40; i++) p.offer(`k${i}`, (i * 7) % 40);
  assert.is(p.size, 16);
  const scores = p.slots.map((s) => s.score);
  assert.equal(scores, [...scores].sort((a, b) => a - b));
  assert.is(scores[15], 39);
  assert.is(scores[0], 24);
});

pool('a candidate worse than a full pool is dropped; a better one pushes the worst out', () => {
  const p = new EvictionPool<string>(4);
  for (const [k, s] of [['a', 10], ['b', 20], ['c', 30], ['d', 40]] as const) p.offer(k, s);
  p.offer('low', 5);
  assert.equal(p.slots.map((s) => s.item), ['a', 'b', 'c', 'd']);
  p.offer('mid', 25);
  assert.equal(p.slots.map((s) => s.item), ['b', 'mid', 'c', 'd']);
});

pool('popBest skips invalid candidates and returns the tag', () => {
  const p = new EvictionPool<string>();
  p.offer('a', 1, 0);
  p.offer('b', 2, 3);
  p.offer('gone', 3, 1);
  const best = p.popBest((item) => item !== 'gone');
  assert.is(best?.item, 'b');
  assert.is(best?.tag, 3);
  assert.is(p.size, 1);
});

pool('offering an item again refreshes its score instead of duplicating it', () => {
  const p = new EvictionPool<string>();
  p.offer('a', 1);
  p.offer('a', 9);
  assert.is(p.size, 1);
  assert.is(p.slots[0].score, 9);
});

pool.run();

const misc = suite('eviction misc');

misc('time limit follows maxmemory-eviction-tenacity', () => {
  assert.is(evictionTimeLimitMicros(0), 0);
  assert.is(evictionTimeLimitMicros(10), 500);
  assert.ok(Math.abs(evictionTimeLimitMicros(20) - 500 * Math.pow(1.15, 10)) < 1e-6);
  assert.is(evictionTimeLimitMicros(100), Infinity);
});

misc('string and map sizes', () => {
  assert.is(stringBytes(''), 16);
  assert.is(stringBytes('a'), 24);
  assert.is(stringBytes('x'.repeat(8)), 24);
  assert.is(stringBytes('x'.repeat(9)), 32);
  assert.ok(mapBytes(1000) > mapBytes(10));
});

misc.run();
