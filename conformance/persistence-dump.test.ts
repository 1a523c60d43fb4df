// DUMP and RESTORE: payloads interchangeable with a real redis-server 7 both
// ways, for every type and encoding, and RESTORE's options and errors as Redis
// answers them.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import { Redis } from 'ioredis';
import { startTestServer } from './helpers.js';
import { datasetOf, fillDataset, haveRedis, startRealRedis, tempDir, type RealRedis } from './rdb-support.js';
import type { RunningServer } from '../server/index.js';

const test = suite('dump and restore');

let ours: RunningServer;
let c: Redis;
let redis: RealRedis | null = null;
let dir = '';

test.before(async () => {
  ours = await startTestServer();
  c = new Redis({ port: ours.port, protocol: 2, maxRetriesPerRequest: 0 });
  c.on('error', () => {});
  if (haveRedis) {
    dir = tempDir('dump');
    redis = await startRealRedis(7863, dir);
  } else {
    console.log('persistence-dump: redis-server not installed, skipping the exchange tests');
  }
});

test.after(async () => {
  c.disconnect();
  await ours.close();
  if (redis !== null) await redis.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function copyAll(from: Redis, to: Redis): Promise<void> {
  for (let db = 0; db < 16; db++) {
    await from.select(db);
    await to.select(db);
    for (const key of await from.keysBuffer('*')) {
      const payload = await from.dumpBuffer(key);
      const expireAt = Number(await from.call('pexpiretime', key));
      const args: (string | Buffer | number)[] = [key, expireAt > 0 ? expireAt : 0, payload, 'REPLACE'];
      if (expireAt > 0) args.push('ABSTTL');
      assert.is(await to.call('restore', ...args), 'OK');
    }
  }
  await from.select(0);
  await to.select(0);
}

test('payloads from real Redis restore into embedis, every type and encoding', async () => {
  if (redis === null) return;
  await redis.client.flushall();
  await c.flushall();
  await fillDataset(redis.client, 3);
  await copyAll(redis.client, c);
  assert.equal(await datasetOf(c), await datasetOf(redis.client));
});

test('payloads from embedis restore into real Redis', async () => {
  if (redis === null) return;
  await redis.client.flushall();
  await c.flushall();
  await fillDataset(c, 5);
  await copyAll(c, redis.client);
  assert.equal(await datasetOf(redis.client), await datasetOf(c));
});

/** The same command on both servers: the same reply or the same error text. */
async function same(...args: (string | Buffer | number)[]): Promise<unknown> {
  const run = async (client: Redis) => {
    try {
      return { ok: await client.call(String(args[0]), ...args.slice(1)) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };
  const mine = await run(c);
  if (redis !== null) assert.equal(mine, await run(redis.client), `${args.map(String).join(' ').slice(0, 80)}`);
  return mine;
}

test('RESTORE errors and options answer as Redis', async () => {
  await c.flushall();
  if (redis !== null) await redis.client.flushall();
  await c.set('src', 'hello');
  const payload = (await c.dumpBuffer('src')) as Buffer;
  if (redis !== null) await redis.client.set('src', 'hello');
  const corrupt = Buffer.from(payload);
  corrupt[1] ^= 0x55;
  const future = Buffer.from(payload);
  future[future.length - 10] = 11;
  const bad = [
    ['restore', 'src', 0, payload],
    ['restore', 'k', -1, payload],
    ['restore', 'k', 'abc', payload],
    ['restore', 'k', 0, corrupt],
    ['restore', 'k', 0, future],
    ['restore', 'k', 0, Buffer.from('short')],
    ['restore', 'k', 0, payload, 'bogus'],
    ['restore', 'k', 0, payload, 'idletime', -1],
    ['restore', 'k', 0, payload, 'idletime', 'x'],
    ['restore', 'k', 0, payload, 'freq', 256],
    ['restore', 'k', 0, payload, 'freq', 1, 'idletime', 1],
    ['restore', 'k', 0, payload, 'idletime'],
    ['restore', 'src', -1, corrupt],
  ];
  for (const args of bad) {
    const reply = (await same(...args)) as { error?: string };
    assert.ok(reply.error !== undefined, `expected an error for ${args.slice(0, 3).join(' ')}`);
  }
  const e1 = (await same('restore', 'src', 0, payload)) as { error: string };
  assert.is(e1.error, 'BUSYKEY Target key name already exists.');
  const e2 = (await same('restore', 'k', 0, corrupt)) as { error: string };
  assert.is(e2.error, 'ERR DUMP payload version or checksum are wrong');
  const e3 = (await same('restore', 'k', -5, payload)) as { error: string };
  assert.is(e3.error, 'ERR Invalid TTL value, must be >= 0');
});

test('RESTORE REPLACE, TTL, ABSTTL and IDLETIME', async () => {
  await c.flushall();
  await c.rpush('list', 'a', 'b', 'c');
  const payload = (await c.dumpBuffer('list')) as Buffer;
  assert.is(await c.call('restore', 'list', 0, payload, 'replace'), 'OK');
  assert.equal(await c.lrange('list', 0, -1), ['a', 'b', 'c']);
  assert.is(await c.call('restore', 'withttl', 5000, payload), 'OK');
  const pttl = await c.pttl('withttl');
  assert.ok(pttl > 4000 && pttl <= 5000, String(pttl));
  const at = ours.clock.now() + 100000;
  assert.is(await c.call('restore', 'abs', at, payload, 'absttl'), 'OK');
  assert.is(Number(await c.call('pexpiretime', 'abs')), at);
  // An absolute time in the past: OK, nothing created; with REPLACE the old key goes.
  assert.is(await c.call('restore', 'gone', 1, payload, 'absttl'), 'OK');
  assert.is(await c.exists('gone'), 0);
  assert.is(await c.call('restore', 'list', 1, payload, 'absttl', 'replace'), 'OK');
  assert.is(await c.exists('list'), 0);
  assert.is(await c.call('restore', 'idle', 0, payload, 'idletime', 1000), 'OK');
  const idle = Number(await c.call('object', 'idletime', 'idle'));
  assert.ok(idle >= 1000 && idle < 1005, String(idle));
  assert.is(await c.dump('missing'), null);
});

test('DUMP of every type restores to an equal value (embedis alone)', async () => {
  await c.flushall();
  await fillDataset(c, 9);
  const before = await datasetOf(c);
  for (let db = 0; db < 16; db++) {
    await c.select(db);
    for (const key of await c.keysBuffer('*')) {
      const payload = await c.dumpBuffer(key);
      const pttl = await c.pttl(key);
      assert.is(await c.call('restore', key, pttl > 0 ? Number(await c.call('pexpiretime', key)) : 0, payload, 'replace', 'absttl'), 'OK');
    }
  }
  await c.select(0);
  assert.equal(await datasetOf(c), before);
});

test('DUMP and RESTORE in RESP3', async () => {
  const c3 = new Redis({ port: ours.port, protocol: 3, maxRetriesPerRequest: 0 });
  try {
    await c3.set('r3', 'value');
    const payload = (await c3.dumpBuffer('r3')) as Buffer;
    assert.ok(payload.length > 10);
    assert.is(await c3.call('restore', 'r3copy', 0, payload), 'OK');
    assert.is(await c3.get('r3copy'), 'value');
    assert.is(await c3.dump('nope'), null);
  } finally {
    c3.disconnect();
  }
});

test.run();
