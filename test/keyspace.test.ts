// The SCAN cursor's guarantee over the keyspace's dense array: a full walk
// returns every key present for the whole walk, whatever is added or deleted
// between calls. Checked against random interleavings, seeded. Also the
// access clock's representation (a small integer, see Entry.accessTicks).

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ByteTally, Db, type KeyspaceHost } from '../server/keyspace.js';
import { Clock } from '../server/clock.js';
import { parseScanCursor, scanEntries } from '../server/scan.js';
import { mulberry32Below } from './seeded-random.js';

const test = suite('keyspace');

function host(): KeyspaceHost & { expired: string[] } {
  const expired: string[] = [];
  return {
    clock: new Clock(),
    expired,
    keyExpired: (_db, key) => expired.push(key),
    stats: { keyspaceHits: 0, keyspaceMisses: 0 },
  };
}

test('access times are kept as small integers and read back as epoch ms', () => {
  const h = host();
  const db = new Db(0, h);
  const entry = db.add('k', 'string', 'v');
  // A small integer is stored in the object itself; an epoch-ms double would be a
  // HeapNumber allocated on every touch (see Entry.accessTicks).
  assert.ok(Number.isInteger(entry.accessTicks) && Math.abs(entry.accessTicks) < 2 ** 30, `accessTicks ${entry.accessTicks}`);
  assert.is(entry.lastAccess, h.clock.now());
  h.clock.advance(12_345);
  db.lookupRead('k');
  assert.is(entry.lastAccess, h.clock.now());
  assert.ok(Math.abs(entry.accessTicks) < 2 ** 30);
  entry.lastAccess = h.clock.now() - 50_000;
  assert.is(h.clock.now() - entry.lastAccess, 50_000);
});

test('the shared byte tally stays the sum of its databases through adds, resizes, removes and clears', () => {
  const h = host();
  const tally = new ByteTally();
  const dbs = [new Db(0, h, tally), new Db(1, h, tally)];
  const sum = () => dbs[0].usedBytes + dbs[1].usedBytes;
  const random = mulberry32Below(7);
  for (let step = 0; step < 2000; step++) {
    const db = dbs[random(2)];
    const key = `k${random(50)}`;
    const entry = db.lookupWrite(key);
    const op = random(10);
    if (op === 0) db.clear();
    else if (entry === undefined) db.add(key, 'string', 'x'.repeat(random(300)));
    else if (op < 5) db.remove(key);
    else {
      entry.value = 'y'.repeat(random(300));
      db.resize(entry);
    }
    assert.is(tally.bytes, sum(), `step ${step}`);
  }
  assert.ok(sum() > 0);
});

function scanAll(db: Db, count: number, between: () => void): Set<string> {
  const seen = new Set<string>();
  let cursor = 0;
  let calls = 0;
  do {
    cursor = scanEntries(db, cursor, count, (e) => seen.add(e.key));
    between();
    calls++;
    assert.ok(calls < 100000, 'scan must terminate');
  } while (cursor !== 0);
  return seen;
}

test('a full scan of a quiet keyspace returns every key exactly once', () => {
  const db = new Db(0, host());
  for (let i = 0; i < 1000; i++) db.add(`k${i}`, 'string', 'v');
  const seen: string[] = [];
  let cursor = 0;
  do cursor = scanEntries(db, cursor, 7, (e) => seen.push(e.key));
  while (cursor !== 0);
  assert.is(seen.length, 1000);
  assert.is(new Set(seen).size, 1000);
});

test('empty keyspace: cursor 0 comes back at once', () => {
  const db = new Db(0, host());
  let visits = 0;
  assert.is(scanEntries(db, 0, 10, () => visits++), 0);
  assert.is(visits, 0);
});

for (const seed of Array.from({ length: 40 }, (_, i) => i * 7919 + 1)) {
  test(`guarantee holds under random deletes and inserts between calls (seed ${seed})`, () => {
    const random = mulberry32Below(seed);
    const db = new Db(0, host());
    let next = 0;
    const initial = 200 + random(800);
    for (let i = 0; i < initial; i++) db.add(`k${next++}`, 'string', 'v');
    const present = new Set(db.map.keys());
    const stable = new Set(present); // keys present from start to end
    const count = 1 + random(20);
    const seen = scanAll(db, count, () => {
      // A burst of changes between two SCAN calls.
      const changes = random(12);
      for (let c = 0; c < changes; c++) {
        if (random(2) === 0 && db.size > 0) {
          const victim = db.entries[random(db.size)].key;
          db.remove(victim);
          stable.delete(victim);
        } else {
          db.add(`k${next++}`, 'string', 'v');
        }
      }
    });
    for (const key of stable) assert.ok(seen.has(key), `key ${key} present throughout was not returned`);
    for (const key of seen) assert.ok(key.startsWith('k'));
  });
}

test('guarantee holds when the keyspace shrinks below the cursor and grows back', () => {
  const db = new Db(0, host());
  for (let i = 0; i < 100; i++) db.add(`k${i}`, 'string', 'v');
  const seen = new Set<string>();
  let cursor = scanEntries(db, 0, 10, (e) => seen.add(e.key)); // visited slots 90..99
  assert.is(cursor, 90);
  // Delete 50 keys that have not been visited, then add 80 new ones.
  const victims = db.entries.slice(0, 50).map((e) => e.key);
  for (const key of victims) db.remove(key);
  for (let i = 100; i < 180; i++) db.add(`k${i}`, 'string', 'v');
  const stable = [...db.map.keys()].filter((k) => Number(k.slice(1)) < 100);
  do cursor = scanEntries(db, cursor, 10, (e) => seen.add(e.key));
  while (cursor !== 0);
  for (const key of stable) assert.ok(seen.has(key), key);
});

test('a naive bottom-up cursor would break the guarantee (the test can fail)', () => {
  // Walking upward, a delete moves the last (unvisited) entry into a visited hole.
  const db = new Db(0, host());
  for (let i = 0; i < 10; i++) db.add(`k${i}`, 'string', 'v');
  const seen = new Set<string>();
  for (let i = 0; i < 5; i++) seen.add(db.entries[i].key);
  db.remove('k0'); // k9 moves into slot 0, below the upward cursor 5
  for (let i = 5; i < db.size; i++) seen.add(db.entries[i].key);
  assert.not.ok(seen.has('k9'));
});

test('cursor parsing follows strtoul', () => {
  assert.is(parseScanCursor(Buffer.from('0')), 0);
  assert.is(parseScanCursor(Buffer.from('')), 0);
  assert.is(parseScanCursor(Buffer.from('00')), 0);
  assert.is(parseScanCursor(Buffer.from('+17')), 17);
  assert.is(parseScanCursor(Buffer.from('-0')), 0);
  assert.is(parseScanCursor(Buffer.from('-1')), 18446744073709551615);
  assert.is(parseScanCursor(Buffer.from('18446744073709551615')), 18446744073709551615);
  for (const bad of ['abc', ' 1', '1 ', '0x10', '+', '-', '18446744073709551616', '1.5']) {
    assert.throws(() => parseScanCursor(Buffer.from(bad)), /invalid cursor/, bad);
  }
});

test('keyspace: swap-remove keeps slots consistent, lookup expires lazily', () => {
  const h = host();
  const db = new Db(0, h);
  for (let i = 0; i < 5; i++) db.add(`k${i}`, 'string', String(i));
  db.remove('k1');
  db.entries.forEach((e, i) => assert.is(e.slot, i));
  const e = db.lookup('k2')!;
  db.setExpire(e, h.clock.now() + 10);
  assert.is(db.expiresCount, 1);
  h.clock.advance(11);
  assert.is(db.lookup('k2'), undefined);
  assert.equal(h.expired, ['k2']);
  assert.is(db.size, 3);
  assert.is(db.expiresCount, 0);
});

test('peekRecent answers the live entry only: never one removed, cleared or replaced', () => {
  const db = new Db(0, host());
  const first = db.add('a', 'string', 'one');
  db.add('b', 'string', 'x');
  assert.is(db.lookup('a'), first);
  assert.is(db.peekRecent('a'), first);
  assert.is(db.peekRecent('b'), db.peek('b'), 'another key is looked up in the map');
  db.remove('a');
  assert.is(db.peekRecent('a'), undefined);
  const second = db.add('a', 'string', 'two');
  assert.is(db.lookup('b')?.key, 'b');
  assert.is(db.peekRecent('a'), second, 'the re-added entry, found in the map');
  assert.is(db.lookup('a'), second);
  db.clear();
  assert.is(db.peekRecent('a'), undefined);
  const third = db.add('a', 'string', 'three');
  db.entries.pop(); // as the RDB reader's undo of a duplicate add
  db.map.delete('a');
  assert.is(db.peekRecent('a'), undefined);
  assert.ok(third.slot >= 0);
});

test.run();
