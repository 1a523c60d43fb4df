// redis.call's replies as scripts see them (RESP2 and, after redis.setresp(3),
// RESP3 types), compared with a real redis-server 7.0: the fast path writes
// the VM's wire format straight from the command's RESP bytes.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import { Redis } from 'ioredis';
import { startTestServer } from './helpers.js';
import { haveRedis, startRealRedis, tempDir, type RealRedis } from './rdb-support.js';
import type { RunningServer } from '../server/index.js';

const test = suite('script reply conversions');

let ours: RunningServer;
let c: Redis;
let redis: RealRedis | null = null;
let real: Redis | null = null;
let dir = '';

const SETUP = [
  ['SET', 's', 'hello'], ['SET', 'n', '-42'], ['HSET', 'h', 'a', '1', 'b', 'two'], ['SADD', 'st', 'x'],
  ['ZADD', 'z', '1.5', 'm1', '-2', 'm2', 'inf', 'm3'], ['RPUSH', 'l', 'a', '', 'c'], ['SET', 'big', '9223372036854775806'],
];

test.before(async () => {
  ours = await startTestServer();
  c = new Redis({ port: ours.port, maxRetriesPerRequest: 0 });
  c.on('error', () => {});
  if (haveRedis) {
    dir = tempDir('wire');
    redis = await startRealRedis(7886, dir);
    real = new Redis({ port: 7886, maxRetriesPerRequest: 0 });
    real.on('error', () => {});
  }
  for (const client of [c, real]) {
    if (client === null) continue;
    for (const cmd of SETUP) await client.call(cmd[0], ...cmd.slice(1));
  }
});

test.after(async () => {
  c.disconnect();
  real?.disconnect();
  await ours.close();
  if (redis !== null) await redis.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function outcome(client: Redis, script: string): Promise<unknown> {
  try {
    return await client.call('EVAL', script, '0');
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

// Each script returns what redis.call gave it, in a form both protocols can carry.
const SCRIPTS = [
  "return redis.call('GET', 's')",
  "return redis.call('GET', 'missing') == false",
  "return redis.call('INCRBY', 'n', 0)",
  "return tostring(redis.call('INCRBY', 'big', 0))",
  "return redis.call('LRANGE', 'l', 0, -1)",
  "return redis.call('ZRANGE', 'z', 0, -1, 'WITHSCORES')",
  "return redis.call('HGETALL', 'h')",
  "return redis.call('SET', 'k', 'v')['ok']",
  "return redis.pcall('INCR', 's')['err']",
  "return type(redis.call('TYPE', 'h'))",
  "redis.setresp(3) local m = redis.call('HGETALL', 'h') return {m.map.a, m.map.b}",
  "redis.setresp(3) local s = redis.call('SMEMBERS', 'st') return s.set.x and 1 or 0",
  "redis.setresp(3) local d = redis.call('ZSCORE', 'z', 'm1') return tostring(d.double)",
  "redis.setresp(3) local d = redis.call('ZSCORE', 'z', 'm3') return tostring(d.double)",
  "redis.setresp(3) local r = redis.call('ZRANGE', 'z', 0, -1, 'WITHSCORES') return {#r, tostring(r[1][2].double)}",
  "redis.setresp(3) return redis.call('EXISTS', 'h', 's')",
  "redis.setresp(3) return redis.call('HELLO')['map'] ~= nil",
  "return redis.call('SMISMEMBER', 'st', 'x', 'y')",
];

for (const [i, script] of SCRIPTS.entries()) {
  test(`#${i}: ${script}`, async () => {
    const mine = await outcome(c, script);
    if (real === null) return;
    assert.equal(mine, await outcome(real, script));
  });
}

test('the call path does not keep the VM memory it was given (values stored from a script survive)', async () => {
  await c.call('EVAL', "for i = 1, 200 do redis.call('SET', 'kv' .. i, string.rep('x', i)) end return 1", '0');
  await c.call('EVAL', "local t = {} for i = 1, 2000 do t[i] = string.rep('y', 100) end return #t", '0');
  assert.is(await c.get('kv7'), 'xxxxxxx');
  assert.is((await c.get('kv200'))?.length, 200);
  assert.is(await c.call('EVAL', "return redis.call('GET', 'kv150')", '0'), 'x'.repeat(150));
});

test('after a VM runs out of memory, its replacement\'s calls read their arguments from the new VM\'s memory', async () => {
  // The VM's memory cannot grow: doubling a string past it fails the script and the
  // server replaces the VM. Host calls read their arguments from the VM that runs.
  const doubling = "local s = 'ab' for i = 1, 30 do s = s .. s redis.call('SET', 'grow', i) end return #s";
  const failed = await c.call('EVAL', doubling, '0').catch((e: Error) => e);
  assert.match((failed as Error).message, /out of memory/);
  for (let round = 0; round < 3; round++) {
    const script = "for i = 1, 50 do redis.call('SET', KEYS[1] .. i, ARGV[1] .. i) end return redis.call('GET', KEYS[1] .. '50')";
    assert.is(await c.call('EVAL', script, '1', `fresh${round}:`, `value-${round}-`), `value-${round}-50`);
    assert.is(await c.get(`fresh${round}:7`), `value-${round}-7`);
  }
  assert.ok(Number(await c.get('grow')) > 10);
});

test.run();
