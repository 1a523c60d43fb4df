// The sharded key index (server/eviction/keymap.ts) behaves as a Map across
// its switch from one Map to many, and the allocation-free eviction pool
// hands back the best valid candidate.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyMap, SHARDS, shardOf } from '../server/eviction/keymap.js';
import { startServer } from '../server/index.js';
import { memoryState, performEvictions, usedMemory } from '../server/eviction/index.js';

const keymap = suite('eviction keymap');

keymap('get/set/delete/size agree with a Map before and after splitting', () => {
  const km = new KeyMap<number>();
  const ref = new Map<string, number>();
  for (let i = 0; i < 40_000; i++) {
    const k = `user:${i}`;
    km.set(k, i);
    ref.set(k, i);
    if (i % 3 === 0) {
      km.set(k, -i); // overwrite: size unchanged
      ref.set(k, -i);
    }
    if (i % 7 === 0) {
      assert.is(km.delete(`user:${i >> 1}`), ref.delete(`user:${i >> 1}`));
    }
  }
  assert.is(km.size, ref.size);
  for (const [k, v] of ref) assert.is(km.get(k), v);
  assert.is(km.get('user:-1'), undefined);
  assert.is(km.has('user:39999'), true);
  assert.is(km.delete('absent'), false);
  const keys = [...km.keys()].sort();
  assert.equal(keys, [...ref.keys()].sort());
  assert.is([...km.values()].length, ref.size);
  assert.is([...km].length, ref.size);
});

keymap('clear empties it, and it works again afterwards', () => {
  const km = new KeyMap<string>();
  for (let i = 0; i < 20_000; i++) km.set(`k${i}`, 'v');
  km.clear();
  assert.is(km.size, 0);
  assert.is(km.get('k1'), undefined);
  assert.equal([...km.keys()], []);
  km.set('a', 'b');
  assert.is(km.get('a'), 'b');
  assert.is(km.size, 1);
});

keymap('keys spread over the shards (no shard takes more than a few times its share)', () => {
  const counts = new Map<number, number>();
  const n = 200_000;
  for (let i = 0; i < n; i++) {
    const s = shardOf(`session:${i}:data`);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  assert.is(counts.size, SHARDS);
  assert.ok(Math.max(...counts.values()) < (2 * n) / SHARDS);
  // Long keys differing only at their end, and short ones.
  const long = new Set<number>();
  for (let i = 0; i < 5000; i++) long.add(shardOf(`${'p'.repeat(200)}${i}`));
  assert.ok(long.size > SHARDS * 0.9);
  assert.ok(shardOf('') >= 0 && shardOf('a') < SHARDS);
});

keymap.run();

const pooled = suite('eviction pool validity');

pooled('candidates deleted, replaced or flushed after sampling are never evicted in their place', async () => {
  // 64 samples of the 36 keys left for the second round: a round that sampled only fresh keys
  // (1-3% of runs with the default 5) would evict one of them rightly, and fail the check below.
  const running = await startServer({ config: { 'maxmemory-policy': 'allkeys-lru', 'maxmemory-samples': '64' } });
  try {
    const server = running.server;
    const db = server.dbs[0];
    for (let i = 0; i < 2000; i++) db.add(`old:${i}`, 'string', 'v'.repeat(50));
    running.clock.advance(10_000);
    const state = memoryState(server);
    // Evict a little so the pool fills with the oldest keys.
    state.maxmemory = usedMemory(server) - 2000;
    performEvictions(state);
    assert.ok(state.pool.size > 0);
    const pooledKeys = state.pool.slots.map((c) => (c.item as { key: string }).key);
    // Replace every pooled key by a new, recently used entry; delete the other old keys but 20.
    for (const key of pooledKeys) {
      db.remove(key);
      db.add(key, 'string', 'fresh');
    }
    const kept = new Set(pooledKeys);
    let others = 0;
    for (const entry of [...db.entries]) {
      if (kept.has(entry.key)) continue;
      if (others++ < 20) continue;
      db.remove(entry.key);
    }
    const evictedBefore = server.stats.evictedKeys;
    state.maxmemory = usedMemory(server) - 500;
    performEvictions(state);
    assert.ok(server.stats.evictedKeys > evictedBefore);
    // The replaced (fresh) keys outlive the 20 remaining old ones: the stale pool entries were skipped.
    for (const key of pooledKeys) assert.ok(db.peek(key) !== undefined, `${key} kept`);
    // After FLUSHALL the pool's entries are gone too: nothing to evict, no crash.
    db.clear();
    db.add('new', 'string', 'x');
    state.maxmemory = 1;
    performEvictions(state);
    assert.is(db.size, 0);
  } finally {
    await running.close();
  }
});

pooled.run();
