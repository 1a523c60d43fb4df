// The generic key commands through stock clients (node-redis in RESP2 and
// RESP3, ioredis), with replies and error texts as redis-server 7.0 gives them.
// TTL cases move the server's clock; nothing sleeps.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { errorOf, ioredis, nodeRedis, startTestServer, type NodeRedisClient } from './helpers.js';
import type { RunningServer } from '../server/index.js';

const test = suite('keys');
let running: RunningServer;
const events: string[] = [];

test.before(async () => {
  running = await startTestServer();
  running.server.keyspaceEventListeners.push((cls, event, key, db) => {
    if (cls !== 'n' && cls !== 'm') events.push(`${cls}:${event}:${key}@${db}`); // outside 'A'
  });
});
test.after(async () => {
  await running.close();
});
test.before.each(() => {
  for (const db of running.server.dbs) db.clear();
  events.length = 0;
  running.server.config.set('maxmemory-policy', 'noeviction');
  running.server.config.set('maxmemory', '0');
  // Time stands still inside a test unless the test moves it: exact TTL arithmetic.
  running.clock.refresh();
  running.clock.freeze();
});
test.after.each(() => {
  running.clock.thaw();
});

/** The generic ('g') and expired ('x') notifications seen so far. */
function genericEvents(): string[] {
  return events.filter((e) => e.startsWith('g:') || e.startsWith('x:'));
}

/** SET for each pair (MSET belongs to another family and may not be there yet). */
async function setMany(client: NodeRedisClient, pairs: string[]): Promise<void> {
  for (let i = 0; i < pairs.length; i += 2) await client.set(pairs[i], pairs[i + 1]);
}

function cmd<T = unknown>(client: NodeRedisClient, ...args: string[]): Promise<T> {
  return client.sendCommand(args) as Promise<T>;
}

for (const resp of [2, 3] as const) {
  const name = (s: string) => `node-redis RESP${resp}: ${s}`;

  test(name('DEL, UNLINK, EXISTS (counts repeats), TOUCH'), async () => {
    const c = await nodeRedis(running, resp);
    await setMany(c, ['a', '1', 'b', '2', 'c', '3']);
    assert.is(await c.exists(['a', 'a', 'b', 'nope']), 3);
    assert.is(await c.touch(['a', 'nope', 'b']), 2);
    assert.is(await c.del(['a', 'nope', 'a']), 1);
    assert.is(await c.unlink(['b', 'c']), 2);
    assert.is(await c.exists('b'), 0);
    assert.equal(genericEvents(), ['g:del:a@0', 'g:del:b@0', 'g:del:c@0']);
    assert.is(await errorOf(cmd(c, 'DEL')), "ERR wrong number of arguments for 'del' command");
    await c.quit();
  });

  test(name('TYPE'), async () => {
    const c = await nodeRedis(running, resp);
    await c.set('s', 'v');
    assert.is(await c.type('s'), 'string');
    assert.is(await c.type('missing'), 'none');
    await c.quit();
  });

  test(name('RENAME and RENAMENX'), async () => {
    const c = await nodeRedis(running, resp);
    await c.set('a', '1');
    await c.pExpire('a', 5000);
    assert.is(await c.rename('a', 'b'), 'OK');
    assert.is(await c.get('b'), '1');
    assert.is(await c.exists('a'), 0);
    const pttl = await c.pTTL('b');
    assert.ok(pttl > 4000 && pttl <= 5000, 'the TTL moves with the key');
    assert.equal(genericEvents().slice(-2), ['g:rename_from:a@0', 'g:rename_to:b@0']);
    assert.is(await c.rename('b', 'b'), 'OK');
    assert.is(await errorOf(c.rename('nope', 'x')), 'ERR no such key');
    assert.is(await errorOf(c.renameNX('nope', 'x')), 'ERR no such key');
    await c.set('x', 'other');
    assert.is(await c.rename('b', 'x'), 'OK');
    assert.is(await c.get('x'), '1');
    assert.ok((await c.pTTL('x')) > 0);
    await c.set('y', 'y');
    assert.is(await c.renameNX('x', 'y'), 0);
    assert.is(await c.renameNX('x', 'x'), 0);
    assert.is(await c.renameNX('x', 'z'), 1);
    assert.is(await c.get('z'), '1');
    await c.quit();
  });

  test(name('COPY with DB and REPLACE, deep and TTL-preserving'), async () => {
    const c = await nodeRedis(running, resp);
    await c.set('src', 'v');
    await c.pExpire('src', 10000);
    assert.is(await c.copy('src', 'dst'), 1);
    assert.is(await c.get('dst'), 'v');
    assert.ok((await c.pTTL('dst')) > 9000);
    assert.is(await c.copy('src', 'dst'), 0);
    await c.set('src', 'w');
    assert.is(await c.copy('src', 'dst', { REPLACE: true }), 1);
    assert.is(await c.get('dst'), 'w');
    assert.is(await c.pTTL('dst'), -1);
    assert.is(await c.copy('src', 'src', { DB: 1 }), 1);
    assert.is(running.server.dbs[1].lookup('src')?.value, 'w');
    assert.is(await c.copy('missing', 'x'), 0);
    assert.ok(events.includes('g:copy_to:src@1'));
    assert.is(await errorOf(c.copy('src', 'src')), 'ERR source and destination objects are the same');
    assert.is(await errorOf(cmd(c, 'COPY', 'src', 'src', 'DB', '0')), 'ERR source and destination objects are the same');
    assert.is(await errorOf(c.copy('src', 'x', { DB: 16 })), 'ERR DB index is out of range');
    assert.is(await errorOf(cmd(c, 'COPY', 'src', 'x', 'DB', 'abc')), 'ERR value is not an integer or out of range');
    assert.is(
      await errorOf(cmd(c, 'COPY', 'src', 'x', 'DB', '9999999999')),
      'ERR value is out of range, value must between -2147483648 and 2147483647',
    );
    assert.is(await errorOf(cmd(c, 'COPY', 'src', 'x', 'DB')), 'ERR syntax error');
    assert.is(await errorOf(cmd(c, 'COPY', 'src', 'x', 'FOO')), 'ERR syntax error');
    await c.quit();
  });

  test(name('MOVE'), async () => {
    const c = await nodeRedis(running, resp);
    await c.set('k', 'v');
    await c.expire('k', 100);
    assert.is(await c.move('k', 2), 1);
    assert.is(await c.exists('k'), 0);
    const moved = running.server.dbs[2].lookup('k');
    assert.is(moved?.value, 'v');
    assert.ok(moved?.hasTtl);
    assert.equal(genericEvents().slice(-2), ['g:move_from:k@0', 'g:move_to:k@2']);
    assert.is(await c.move('k', 2), 0);
    await c.set('k', 'again');
    assert.is(await c.move('k', 2), 0, 'target exists');
    assert.is(await c.get('k'), 'again');
    assert.is(await errorOf(c.move('k', 0)), 'ERR source and destination objects are the same');
    assert.is(await errorOf(c.move('k', 16)), 'ERR DB index is out of range');
    assert.is(await errorOf(c.move('k', -1)), 'ERR DB index is out of range');
    assert.is(await errorOf(cmd(c, 'MOVE', 'k', 'x')), 'ERR value is not an integer or out of range');
    await c.quit();
  });

  test(name('KEYS with glob patterns'), async () => {
    const c = await nodeRedis(running, resp);
    await setMany(c, ['user:1', 'a', 'user:2', 'b', 'session:1', 'c', 'a]', 'd', '', 'e']);
    assert.equal((await c.keys('user:*')).sort(), ['user:1', 'user:2']);
    assert.equal((await c.keys('*')).length, 5, "'*' matches the empty key");
    assert.equal((await c.keys('**')).length, 4, "'**' does not");
    assert.equal((await c.keys('?ser:[12]')).sort(), ['user:1', 'user:2']);
    assert.equal(await c.keys('a\\]'), ['a]']);
    assert.equal(await c.keys('nothing*'), []);
    await c.set('gone', 'x');
    await c.pExpire('gone', 10);
    running.clock.advance(20);
    assert.not.ok((await c.keys('*')).includes('gone'));
    await c.quit();
  });

  test(name('SCAN: full iteration, MATCH, COUNT, TYPE, errors'), async () => {
    const c = await nodeRedis(running, resp);
    const all: string[] = [];
    for (let i = 0; i < 250; i++) all.push(`key:${i}`, String(i));
    await setMany(c, all);
    running.server.dbs[0].add('not-a-string', 'list', []);
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const reply = await c.scan(cursor, { COUNT: 20 });
      assert.type(reply.cursor, 'string');
      for (const k of reply.keys) seen.add(k);
      cursor = reply.cursor;
      calls++;
    } while (cursor !== '0');
    assert.is(seen.size, 251);
    assert.ok(calls >= 12, 'COUNT bounds the work per call');

    const matched = new Set<string>();
    cursor = '0';
    do {
      const reply = await c.scan(cursor, { MATCH: 'key:1?', COUNT: 1000 });
      for (const k of reply.keys) matched.add(k);
      cursor = reply.cursor;
    } while (cursor !== '0');
    assert.equal([...matched].sort(), ['key:10', 'key:11', 'key:12', 'key:13', 'key:14', 'key:15', 'key:16', 'key:17', 'key:18', 'key:19']);

    const lists = await c.scan('0', { TYPE: 'LIST', COUNT: 1000 });
    assert.equal(lists, { cursor: '0', keys: ['not-a-string'] });
    const none = await c.scan('0', { TYPE: 'nosuchtype', COUNT: 1000 });
    assert.equal(none.keys, []);

    // Keys deleted and added mid-scan: every key present throughout still comes back.
    const stable = new Set<string>();
    for (let i = 0; i < 250; i++) if (i % 3 !== 0) stable.add(`key:${i}`);
    const seen2 = new Set<string>();
    cursor = '0';
    let n = 0;
    do {
      const reply = await c.scan(cursor, { COUNT: 7 });
      for (const k of reply.keys) seen2.add(k);
      cursor = reply.cursor;
      if (n < 250) {
        await c.del([`key:${n}`, `key:${n + 3}`].filter((k) => !stable.has(k)));
        await c.set(`new:${n}`, 'x');
      }
      n += 3;
    } while (cursor !== '0');
    for (const k of stable) assert.ok(seen2.has(k), k);

    assert.is(await errorOf(cmd(c, 'SCAN', 'abc')), 'ERR invalid cursor');
    assert.is(await errorOf(cmd(c, 'SCAN', ' 1')), 'ERR invalid cursor');
    assert.is(await errorOf(cmd(c, 'SCAN', '18446744073709551616')), 'ERR invalid cursor');
    assert.is(await errorOf(cmd(c, 'SCAN', '0', 'COUNT', '0')), 'ERR syntax error');
    assert.is(await errorOf(cmd(c, 'SCAN', '0', 'COUNT', 'x')), 'ERR value is not an integer or out of range');
    assert.is(await errorOf(cmd(c, 'SCAN', '0', 'MATCH')), 'ERR syntax error');
    assert.is(await errorOf(cmd(c, 'SCAN', '0', 'FOO', 'bar')), 'ERR syntax error');
    await c.quit();
  });

  test(name('SCAN removes expired keys it meets and does not return them'), async () => {
    const c = await nodeRedis(running, resp);
    await setMany(c, ['live', '1', 'dying', '2']);
    await c.pExpire('dying', 5);
    running.clock.advance(10);
    const reply = await c.scan('0', { COUNT: 100 });
    assert.equal(reply, { cursor: '0', keys: ['live'] });
    assert.is(running.server.dbs[0].size, 1);
    assert.ok(events.includes('x:expired:dying@0'));
    await c.quit();
  });

  test(name('RANDOMKEY'), async () => {
    const c = await nodeRedis(running, resp);
    assert.is(await c.randomKey(), null);
    await c.set('only', 'v');
    assert.is(await c.randomKey(), 'only');
    await c.pExpire('only', 1);
    running.clock.advance(5);
    assert.is(await c.randomKey(), null, 'expired keys are never returned');
    await c.quit();
  });

  test(name('EXPIRE family, TTL/PTTL rounding, PERSIST, EXPIRETIME'), async () => {
    const c = await nodeRedis(running, resp);
    const now = running.clock.now();
    await c.set('k', 'v');
    assert.is(await c.ttl('k'), -1);
    assert.is(await c.pTTL('k'), -1);
    assert.is(await c.ttl('missing'), -2);
    assert.is(await c.pTTL('missing'), -2);
    assert.is(await c.expireTime('k'), -1);
    assert.is(await c.expireTime('missing'), -2);
    assert.is(await c.pExpireTime('missing'), -2);
    assert.is(await c.expire('missing', 10), 0);

    assert.is(await c.pExpire('k', 1500), 1);
    assert.is(await c.ttl('k'), 2, '(1500+500)/1000');
    assert.is(await c.pExpire('k', 1499), 1);
    assert.is(await c.ttl('k'), 1);
    assert.is(await c.pExpire('k', 499), 1);
    assert.is(await c.ttl('k'), 0);
    assert.is(await c.pTTL('k'), 499);
    assert.is(await c.pExpireTime('k'), now + 499);
    running.clock.advance(499);
    assert.is(await c.pTTL('k'), 0, 'at the deadline the key still lives');
    running.clock.advance(1);
    assert.is(await c.pTTL('k'), -2);
    assert.is(await c.exists('k'), 0);

    await c.set('k', 'v');
    assert.is(await c.expireAt('k', 2000000000), 1);
    assert.is(await c.expireTime('k'), 2000000000);
    assert.is(await c.pExpireTime('k'), 2000000000000);
    assert.is(await c.pExpireAt('k', 2000000000500), 1);
    assert.is(await c.expireTime('k'), 2000000001, 'rounded as (ms+500)/1000');
    assert.is(await c.persist('k'), 1);
    assert.is(await c.persist('k'), 0);
    assert.is(await c.persist('missing'), 0);
    assert.is(await c.ttl('k'), -1);

    events.length = 0;
    assert.is(await c.expire('k', 100), 1);
    assert.is(await c.expire('k', 0), 1, 'a past time deletes');
    assert.is(await c.exists('k'), 0);
    assert.equal(genericEvents(), ['g:expire:k@0', 'g:del:k@0']);
    await c.set('k', 'v');
    assert.is(await c.expire('k', -5), 1);
    assert.is(await c.exists('k'), 0);
    await c.set('k', 'v');
    assert.is(await c.pExpireAt('k', now - 1), 1);
    assert.is(await c.exists('k'), 0);
    await c.quit();
  });

  test(name('EXPIRE NX/XX/GT/LT and their errors'), async () => {
    const c = await nodeRedis(running, resp);
    await c.set('k', 'v');
    assert.is(await c.expire('k', 100, 'XX'), 0, 'XX: no TTL yet');
    assert.is(await c.expire('k', 100, 'GT'), 0, 'GT: no TTL counts as infinite');
    assert.is(await c.expire('k', 100, 'NX'), 1);
    assert.is(await c.expire('k', 200, 'NX'), 0);
    assert.is(await c.expire('k', 50, 'GT'), 0);
    assert.is(await c.expire('k', 150, 'GT'), 1);
    assert.is(await c.expire('k', 150, 'GT'), 0, 'equal is not greater');
    assert.is(await c.expire('k', 200, 'LT'), 0);
    assert.is(await c.expire('k', 120, 'LT'), 1);
    assert.is(await c.ttl('k'), 120);
    assert.is(await c.expire('k', 300, 'XX'), 1);
    assert.is(await cmd(c, 'EXPIRE', 'k', '400', 'xx', 'gt'), 1);
    await c.persist('k');
    assert.is(await c.expire('k', 100, 'LT'), 1, 'LT: no TTL counts as infinite');

    const nxError = 'ERR NX and XX, GT or LT options at the same time are not compatible';
    assert.is(await errorOf(cmd(c, 'EXPIRE', 'k', '100', 'NX', 'XX')), nxError);
    assert.is(await errorOf(cmd(c, 'PEXPIRE', 'k', '100', 'NX', 'GT')), nxError);
    assert.is(await errorOf(cmd(c, 'EXPIRE', 'k', '100', 'GT', 'LT')), 'ERR GT and LT options at the same time are not compatible');
    assert.is(await errorOf(cmd(c, 'EXPIRE', 'k', '100', 'foo')), 'ERR Unsupported option foo');
    assert.is(await errorOf(cmd(c, 'EXPIRE', 'k', 'abc', 'foo')), 'ERR Unsupported option foo', 'options are parsed first');
    assert.is(await errorOf(cmd(c, 'EXPIRE', 'k', 'abc')), 'ERR value is not an integer or out of range');
    assert.is(await errorOf(cmd(c, 'EXPIRE', 'k', '9223372036854775807')), "ERR invalid expire time in 'expire' command");
    assert.is(await errorOf(cmd(c, 'EXPIRE', 'k', '9223372036854775')), "ERR invalid expire time in 'expire' command");
    assert.is(await errorOf(cmd(c, 'EXPIRE', 'missing', '9223372036854775')), "ERR invalid expire time in 'expire' command");
    assert.is(await errorOf(cmd(c, 'PEXPIRE', 'k', '9223372036854775807')), "ERR invalid expire time in 'pexpire' command");
    assert.is(await errorOf(cmd(c, 'EXPIREAT', 'k', '9223372036854775807')), "ERR invalid expire time in 'expireat' command");
    assert.is(await cmd(c, 'PEXPIREAT', 'k', '9223372036854775807'), 1, 'PEXPIREAT has no base to overflow');
    assert.is(await errorOf(cmd(c, 'EXPIRE', 'k')), "ERR wrong number of arguments for 'expire' command");
    await c.quit();
  });

  test(name('OBJECT ENCODING/REFCOUNT/IDLETIME/FREQ/HELP'), async () => {
    const c = await nodeRedis(running, resp);
    await setMany(c, ['i', '123', 'neg', '-9223372036854775808', 'over', '9223372036854775808', 'zero', '007', 'e', 'x'.repeat(44), 'r', 'x'.repeat(45)]);
    assert.is(await c.objectEncoding('i'), 'int');
    assert.is(await c.objectEncoding('neg'), 'int');
    assert.is(await c.objectEncoding('over'), 'embstr');
    assert.is(await c.objectEncoding('zero'), 'embstr');
    assert.is(await c.objectEncoding('e'), 'embstr');
    assert.is(await c.objectEncoding('r'), 'raw');
    assert.is(await c.objectEncoding('missing'), null);
    assert.is(await c.objectRefCount('i'), 2147483647, 'small integers are shared');
    assert.is(await c.objectRefCount('e'), 1);
    assert.is(await c.objectRefCount('missing'), null);

    assert.is(await c.objectIdleTime('i'), 0);
    running.clock.advance(5000);
    assert.is(await c.objectIdleTime('i'), 5);
    assert.is(await c.objectIdleTime('i'), 5, 'OBJECT does not touch');
    await c.get('i');
    assert.is(await c.objectIdleTime('i'), 0);
    assert.is(await c.objectIdleTime('missing'), null);

    assert.is(
      await errorOf(c.objectFreq('i')),
      'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
    running.server.config.set('maxmemory-policy', 'allkeys-lfu');
    // A new key starts at LFU_INIT_VAL (older ones may have decayed: earlier tests advance the clock).
    await c.set('fresh', '1');
    assert.is(await c.objectFreq('fresh'), 5);
    assert.is(await c.objectFreq('missing'), null);
    assert.is(
      await errorOf(c.objectIdleTime('i')),
      'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
    running.server.config.set('maxmemory', '100mb');
    assert.is(await c.objectRefCount('i'), 1, 'no shared integers under LFU with maxmemory');

    const help = await cmd<string[]>(c, 'OBJECT', 'HELP');
    assert.is(help[0], 'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.is(help.length, 15);
    assert.is(await errorOf(cmd(c, 'OBJECT', 'foo')), "ERR unknown subcommand 'foo'. Try OBJECT HELP.");
    assert.is(await errorOf(cmd(c, 'OBJECT', 'ENCODING')), "ERR wrong number of arguments for 'object|encoding' command");
    await c.quit();
  });

  test(name('lazy expiry on read, and keys in other databases'), async () => {
    const c = await nodeRedis(running, resp);
    await c.set('k', 'v');
    await c.pExpire('k', 100);
    running.clock.advance(101);
    assert.is(await c.exists('k'), 0);
    assert.is(await c.type('k'), 'none');
    assert.ok(events.includes('x:expired:k@0'));
    await c.quit();
  });
}

test('active expiry removes keys nobody reads', async () => {
  const c = await nodeRedis(running, 3);
  const args: string[] = [];
  for (let i = 0; i < 100; i++) args.push(`t:${i}`, 'v');
  await setMany(c, args);
  for (let i = 0; i < 100; i++) await c.pExpire(`t:${i}`, 50);
  await c.set('forever', 'v');
  assert.is(running.server.dbs[0].size, 101);
  running.clock.advance(100);
  for (let i = 0; i < 20 && running.server.dbs[0].size > 1; i++) running.server.cron();
  assert.is(running.server.dbs[0].size, 1);
  assert.is(running.server.dbs[0].expiresCount, 0);
  assert.is(await c.get('forever'), 'v');
  await c.quit();
});

for (const protocol of [2, 3] as const) {
  test(`ioredis protocol ${protocol}: generic commands`, async () => {
    const c = await ioredis(running, protocol);
    await c.set('a', '1');
    assert.is(await c.exists('a', 'a', 'b'), 2);
    assert.is(await c.type('a'), 'string');
    assert.is(await c.expire('a', 100), 1);
    assert.is(await c.ttl('a'), 100);
    assert.is(await c.expire('a', 50, 'GT'), 0);
    assert.is(await c.rename('a', 'b'), 'OK');
    assert.is(await c.copy('b', 'c'), 1);
    assert.is(await c.ttl('c'), 100);
    assert.equal((await c.keys('*')).sort(), ['b', 'c']);
    const [cursor, keys] = await c.scan('0', 'MATCH', 'b', 'COUNT', 100);
    assert.is(cursor, '0');
    assert.equal(keys, ['b']);
    assert.is(await c.object('ENCODING', 'b'), 'int');
    assert.is(await c.persist('b'), 1);
    assert.is(await c.move('b', 1), 1);
    assert.is(await c.del('b', 'c'), 1);
    const failure = await c.rename('nope', 'x').catch((e: Error) => e);
    assert.match(String(failure), /ERR no such key/);
    const streamed: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const stream = c.scanStream({ count: 2 });
      stream.on('data', (batch: string[]) => streamed.push(...batch));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    assert.equal(streamed, []);
    c.disconnect();
  });
}

test.run();
