// maxmemory and the eight eviction policies through stock clients (node-redis
// in RESP3, ioredis in RESP2), plus MEMORY USAGE/STATS and OBJECT FREQ/IDLETIME.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, nodeRedis, ioredis } from './helpers.js';
import type { RunningServer } from '../server/index.js';
import { usedMemory } from '../server/eviction/index.js';

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";
const VALUE = 'v'.repeat(1000);

function field(info: string, name: string): string {
  const m = new RegExp(`^${name}:(.*)$`, 'm').exec(info);
  if (m === null) throw new Error(`no ${name} in INFO`);
  return m[1].trim();
}

async function withServer(config: Record<string, string>, run: (s: RunningServer) => Promise<void>): Promise<void> {
  const s = await startTestServer({ config });
  try {
    await run(s);
  } finally {
    await s.close();
  }
}

const test = suite('eviction');

test('seed flow: CONFIG SET maxmemory-policy allkeys-lru + INFO memory (node-redis RESP3, ioredis RESP2)', async () => {
  await withServer({}, async (s) => {
    const c = await nodeRedis(s, 3);
    assert.is(await c.configSet('maxmemory-policy', 'allkeys-lru'), 'OK');
    await c.set('k', VALUE);
    const info = await c.info('memory');
    const used = Number(field(info, 'used_memory'));
    assert.ok(used > 0);
    assert.match(field(info, 'used_memory_human'), /^\d+\.\d\d[KMG]$/);
    assert.ok(Number(field(info, 'used_memory_peak')) >= used);
    assert.ok(Number(field(info, 'used_memory_rss')) > 0);
    assert.is(field(info, 'maxmemory'), '0');
    assert.is(field(info, 'maxmemory_policy'), 'allkeys-lru');
    assert.match(field(info, 'mem_fragmentation_ratio'), /^\d+\.\d\d$/);
    await c.quit();
    const io = await ioredis(s, 2);
    assert.is(await io.config('SET', 'maxmemory', '10mb'), 'OK');
    const info2 = await io.info('memory');
    assert.is(field(info2, 'maxmemory'), String(10 * 1024 * 1024));
    assert.is(field(info2, 'maxmemory_human'), '10.00M');
    assert.is(field(info2, 'maxmemory_policy'), 'allkeys-lru');
    io.disconnect();
  });
});

test('noeviction: SET answers OOM when full, GET and DEL still work', async () => {
  await withServer({ maxmemory: '1mb', 'maxmemory-policy': 'noeviction' }, async (s) => {
    const c = await nodeRedis(s, 3);
    let refused: Error | null = null;
    let i = 0;
    for (; i < 1000 && refused === null; i++) {
      try {
        await c.set(`key:${i}`, VALUE);
      } catch (error) {
        refused = error as Error;
      }
    }
    assert.ok(refused !== null, 'SET was never refused');
    assert.is(refused!.message, OOM);
    assert.ok(i > 10);
    assert.is(await c.get('key:0'), VALUE);
    assert.is(await c.exists('key:0'), 1);
    assert.is(await c.del('key:0'), 1);
    const io = await ioredis(s, 2);
    await io.del('key:1', 'key:2', 'key:3');
    assert.is(await io.set('again', 'x'), 'OK');
    let ioError: Error | null = null;
    try {
      for (let j = 0; j < 50; j++) await io.set(`more:${j}`, VALUE);
    } catch (error) {
      ioError = error as Error;
    }
    assert.ok(ioError !== null);
    assert.is(ioError!.message, OOM);
    const info = await io.info('stats');
    assert.is(field(info, 'evicted_keys'), '0');
    io.disconnect();
    await c.quit();
  });
});

test('OOM inside MULTI refuses at queue time and EXEC aborts', async () => {
  await withServer({ maxmemory: '1', 'maxmemory-policy': 'noeviction' }, async (s) => {
    const io = await ioredis(s, 2);
    const result = await io.multi().set('a', 'b').exec().catch((e: Error) => e);
    assert.ok(result instanceof Error);
    assert.match((result as Error).message, /EXECABORT/);
    assert.is(await io.get('a'), null);
    io.disconnect();
  });
});

test('allkeys-lru: stays under maxmemory, keeps the recently used keys, counts evicted_keys', async () => {
  await withServer({ maxmemory: '2mb', 'maxmemory-policy': 'allkeys-lru', 'maxmemory-samples': '10' }, async (s) => {
    const c = await nodeRedis(s, 3);
    const hot = Array.from({ length: 20 }, (_, i) => `hot:${i}`);
    for (const k of hot) await c.set(k, VALUE);
    for (let i = 0; i < 3000; i++) {
      s.clock.advance(1);
      await c.set(`cold:${i}`, VALUE);
      if (i % 10 === 0) for (const k of hot) await c.get(k);
    }
    const info = await c.info();
    assert.ok(Number(field(info, 'used_memory')) <= 2 * 1024 * 1024);
    const evicted = Number(field(info, 'evicted_keys'));
    assert.ok(evicted > 1000, `evicted ${evicted}`);
    assert.ok((await c.dbSize()) < 3020);
    let kept = 0;
    for (const k of hot) kept += await c.exists(k);
    assert.ok(kept >= 19, `hot keys kept: ${kept}`);
    await c.quit();
  });
});

test('allkeys-lfu: frequently read keys survive; OBJECT FREQ answers the counter', async () => {
  await withServer({ maxmemory: '2mb', 'maxmemory-policy': 'allkeys-lfu' }, async (s) => {
    const c = await nodeRedis(s, 3);
    await c.set('fresh', 'x');
    assert.is(await c.sendCommand(['OBJECT', 'FREQ', 'fresh']), 5);
    const hot = Array.from({ length: 20 }, (_, i) => `hot:${i}`);
    for (const k of hot) await c.set(k, VALUE);
    for (let r = 0; r < 30; r++) for (const k of hot) await c.get(k);
    assert.ok(((await c.sendCommand(['OBJECT', 'FREQ', 'hot:0'])) as number) > 5);
    for (let i = 0; i < 3000; i++) await c.set(`cold:${i}`, VALUE);
    let kept = 0;
    for (const k of hot) kept += await c.exists(k);
    assert.ok(kept >= 19, `hot keys kept: ${kept}`);
    let error: Error | null = null;
    try {
      await c.sendCommand(['OBJECT', 'IDLETIME', 'hot:0']);
    } catch (e) {
      error = e as Error;
    }
    assert.match(error!.message, /^ERR An LFU maxmemory policy is selected, idle time not tracked/);
    await c.quit();
  });
});

test('OBJECT FREQ is refused without an LFU policy', async () => {
  await withServer({}, async (s) => {
    const io = await ioredis(s, 2);
    await io.set('k', 'v');
    const error = await io.object('FREQ', 'k').catch((e: Error) => e);
    assert.ok(error instanceof Error);
    assert.match((error as Error).message, /^ERR An LFU maxmemory policy is not selected, access frequency not tracked/);
    s.clock.advance(5000);
    assert.is(await io.object('IDLETIME', 'k'), 5);
    io.disconnect();
  });
});

for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']) {
  test(`${policy}: evicts only keys with a TTL, then answers OOM`, async () => {
    await withServer({ maxmemory: '2mb', 'maxmemory-policy': policy }, async (s) => {
      const c = await nodeRedis(s, 2);
      for (let i = 0; i < 400; i++) await c.set(`persistent:${i}`, VALUE);
      for (let i = 0; i < 400; i++) await c.set(`volatile:${i}`, VALUE, { EX: 1000 + i });
      let refused: Error | null = null;
      for (let i = 0; i < 3000 && refused === null; i++) {
        try {
          await c.set(`more:${i}`, VALUE);
        } catch (error) {
          refused = error as Error;
        }
      }
      assert.ok(refused !== null);
      assert.is(refused!.message, OOM);
      let persistent = 0;
      for (let i = 0; i < 400; i++) persistent += await c.exists(`persistent:${i}`);
      assert.is(persistent, 400);
      const info = await c.info('stats');
      assert.ok(Number(field(info, 'evicted_keys')) >= 400);
      assert.is(await c.get('persistent:0'), VALUE);
      await c.quit();
    });
  });
}

test('volatile-ttl evicts the keys that expire soonest', async () => {
  await withServer({ maxmemory: '2mb', 'maxmemory-policy': 'volatile-ttl', 'maxmemory-samples': '10' }, async (s) => {
    const c = await nodeRedis(s, 3);
    for (let i = 0; i < 800; i++) await c.set(`v:${i}`, VALUE, { EX: 10000 + i * 10 });
    for (let i = 0; i < 300; i++) await c.set(`p:${i}`, VALUE);
    let lowHalf = 0;
    let highHalf = 0;
    for (let i = 0; i < 400; i++) lowHalf += await c.exists(`v:${i}`);
    for (let i = 400; i < 800; i++) highHalf += await c.exists(`v:${i}`);
    assert.ok(highHalf > lowHalf, `kept ${lowHalf} soon-expiring vs ${highHalf} late-expiring`);
    await c.quit();
  });
});

test('allkeys-random evicts from every database', async () => {
  await withServer({ maxmemory: '2mb', 'maxmemory-policy': 'allkeys-random' }, async (s) => {
    const io = await ioredis(s, 3);
    for (let i = 0; i < 600; i++) await io.set(`a:${i}`, VALUE);
    await io.select(1);
    for (let i = 0; i < 600; i++) await io.set(`b:${i}`, VALUE);
    await io.select(0);
    const size0 = await io.dbsize();
    assert.ok(size0 < 600 && size0 > 0, `db0 has ${size0}`);
    io.disconnect();
  });
});

test('CONFIG SET maxmemory lower evicts at once', async () => {
  await withServer({ 'maxmemory-policy': 'allkeys-lru' }, async (s) => {
    const c = await nodeRedis(s, 3);
    for (let i = 0; i < 2000; i++) await c.set(`k:${i}`, VALUE);
    assert.is(s.server.stats.evictedKeys, 0);
    await c.configSet('maxmemory', '2mb');
    // Eviction may go on between turns past its time budget; give it those turns.
    assert.ok(s.server.stats.evictedKeys > 0);
    for (let i = 0; i < 1000 && usedMemory(s.server) > 2 * 1024 * 1024; i++) await new Promise((r) => setImmediate(r));
    assert.ok(Number(field(await c.info('memory'), 'used_memory')) <= 2 * 1024 * 1024);
    await c.quit();
  });
});

test('MEMORY USAGE grows with the value; nil for a missing key; MEMORY STATS/DOCTOR/HELP answer', async () => {
  await withServer({}, async (s) => {
    const c = await nodeRedis(s, 3);
    await c.set('small', 'x');
    await c.set('big', 'x'.repeat(10000));
    const small = (await c.sendCommand(['MEMORY', 'USAGE', 'small'])) as number;
    const big = (await c.sendCommand(['MEMORY', 'USAGE', 'big', 'SAMPLES', '0'])) as number;
    assert.ok(small > 0 && big >= small + 9900, `${small} ${big}`);
    for (let i = 0; i < 100; i++) await c.rPush('list', VALUE);
    assert.ok(((await c.sendCommand(['MEMORY', 'USAGE', 'list'])) as number) > 100 * 1000);
    await c.hSet('h', 'f', 'v');
    const h1 = (await c.sendCommand(['MEMORY', 'USAGE', 'h'])) as number;
    await c.hSet('h', 'g', VALUE);
    assert.ok(((await c.sendCommand(['MEMORY', 'USAGE', 'h'])) as number) > h1 + 1000);
    assert.is(await c.sendCommand(['MEMORY', 'USAGE', 'missing']), null);
    const bad = await c.sendCommand(['MEMORY', 'USAGE', 'small', 'SAMPLES', 'x']).catch((e: Error) => e);
    assert.is((bad as Error).message, 'ERR value is not an integer or out of range');
    const syntax = await c.sendCommand(['MEMORY', 'USAGE', 'small', 'FOO']).catch((e: Error) => e);
    assert.is((syntax as Error).message, 'ERR syntax error');
    const stats = (await c.sendCommand(['MEMORY', 'STATS'])) as Record<string, unknown>;
    assert.is(stats['keys.count'], 4);
    assert.ok(typeof stats['db.0'] === 'object');
    const doctor = String(await c.sendCommand(['MEMORY', 'DOCTOR']));
    assert.match(doctor, /Sam/);
    const help = (await c.sendCommand(['MEMORY', 'HELP'])) as string[];
    assert.is(help[0], 'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    await c.quit();
  });
});

test('used_memory follows writes and deletes', async () => {
  await withServer({}, async (s) => {
    const io = await ioredis(s, 2);
    const before = Number(field(await io.info('memory'), 'used_memory'));
    for (let i = 0; i < 100; i++) await io.sadd('set', `${VALUE}:${i}`);
    const grown = Number(field(await io.info('memory'), 'used_memory'));
    assert.ok(grown - before > 100 * 1000);
    await io.del('set');
    const after = Number(field(await io.info('memory'), 'used_memory'));
    assert.ok(after - before < 1000, `${before} -> ${after}`);
    io.disconnect();
  });
});

test('every entry size stays equal to a fresh estimate after writes of every family', async () => {
  await withServer({}, async (s) => {
    const c = await nodeRedis(s, 3);
    const run = (...args: string[]) => c.sendCommand(args);
    await run('SET', 's', 'abc');
    await run('APPEND', 's', 'x'.repeat(100));
    await run('SETRANGE', 's', '500', 'y');
    await run('SET', 'n', '10');
    await run('INCRBY', 'n', '1000000');
    await run('INCRBYFLOAT', 'n', '0.5');
    await run('MSET', 'm1', 'a', 'm2', 'b'.repeat(50));
    await run('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f', 'g');
    await run('LPUSH', 'l', 'z'.repeat(200));
    await run('RPOP', 'l');
    await run('LSET', 'l', '1', 'q'.repeat(300));
    await run('LREM', 'l', '0', 'c');
    await run('LINSERT', 'l', 'BEFORE', 'd', 'inserted');
    await run('LTRIM', 'l', '1', '-2');
    await run('LMOVE', 'l', 'l2', 'LEFT', 'RIGHT');
    await run('SADD', 'set', 'a', 'b', 'c', '1', '2', 'x'.repeat(100));
    await run('SREM', 'set', 'b');
    await run('SPOP', 'set');
    await run('SMOVE', 'set', 'set2', 'a');
    await run('SUNIONSTORE', 'set3', 'set', 'set2');
    await run('HSET', 'h', 'f1', 'v1', 'f2', 'v'.repeat(100), 'n', '1');
    await run('HINCRBY', 'h', 'n', '12345');
    await run('HSET', 'h', 'f1', 'w'.repeat(80));
    await run('HDEL', 'h', 'f2');
    await run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'.repeat(100), '4', 'd');
    await run('ZINCRBY', 'z', '5', 'a');
    await run('ZREM', 'z', 'b');
    await run('ZPOPMIN', 'z');
    await run('ZUNIONSTORE', 'z2', '1', 'z');
    await run('ZREMRANGEBYRANK', 'z2', '0', '0');
    await run('EXPIRE', 'h', '100');
    await run('PERSIST', 'h');
    await run('EXPIRE', 'z', '100');
    await run('RENAME', 'set3', 'set4');
    await run('COPY', 'h', 'hcopy');
    await run('MOVE', 'm1', '3');
    await run('GETDEL', 'm2');
    await run('GETEX', 's', 'EX', '1000');
    const { entrySize } = await import('../server/eviction/accounting.js');
    for (const db of s.server.dbs) {
      let sum = 0;
      for (const entry of db.entries) {
        assert.is(entry.size, entrySize(entry), `size of ${entry.key}`);
        sum += entry.size;
      }
      assert.is(db.usedBytes, sum, `db ${db.id}`);
    }
    assert.ok(s.server.dbs[0].usedBytes > 0 && s.server.dbs[3].usedBytes > 0);
    await run('FLUSHALL');
    assert.is(s.server.dbs[0].usedBytes, 0);
    await c.quit();
  });
});

test.run();
