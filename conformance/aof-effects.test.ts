// Write effects as the AOF sees them: what each write records (checked
// against what Redis 7.0.15 writes to its .incr.aof for the same commands).

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Redis } from 'ioredis';
import { ioredis, startTestServer } from './helpers.js';
import type { RunningServer } from '../server/index.js';
import type { EffectArg, EffectConsumer } from '../server/effects.js';

const test = suite('aof-effects');

class Collector implements EffectConsumer {
  records: string[][] = [];
  private db = -1;
  feed(dbId: number, args: readonly EffectArg[]): void {
    if (dbId >= 0 && dbId !== this.db) {
      this.records.push(['SELECT', String(dbId)]);
      this.db = dbId;
    }
    this.records.push(args.map((a) => (typeof a === 'string' ? a : a.toString('latin1'))));
  }
  take(): string[][] {
    const out = this.records;
    this.records = [];
    return out;
  }
}

let running: RunningServer;
let c: Redis;
let collector: Collector;

test.before(async () => {
  running = await startTestServer();
  collector = new Collector();
  running.server.effects.attach(collector);
  c = await ioredis(running, 2);
  await c.ping();
  collector.take();
});

test.after(async () => {
  c.disconnect();
  await running.close();
});

test.before.each(async () => {
  await c.select(0);
  await c.flushall();
  collector.take();
});

const now = () => running.clock.now();

test('plain writes record their own argv, reads record nothing', async () => {
  await c.set('a', '1');
  await c.get('a');
  await c.call('setnx', 'a', '2'); // no change: no record
  await c.rpush('l', 'x', 'y');
  await c.srandmember('l').catch(() => null);
  await c.lrange('l', 0, -1);
  assert.equal(collector.take(), [
    ['SELECT', '0'],
    ['set', 'a', '1'],
    ['rpush', 'l', 'x', 'y'],
  ]);
});

test('relative expiries become absolute: PEXPIREAT and SET … PXAT', async () => {
  await c.set('k', 'v');
  collector.take();
  running.clock.freeze();
  const t = now();
  try {
    await c.expire('k', 100);
    await c.setex('s', 100, 'x');
    await c.call('psetex', 'p', '5000', 'y');
    await c.set('e', '1', 'EX', 50, 'GET');
    await c.call('getex', 'e', 'PX', '7000');
    await c.call('getex', 'e', 'PERSIST');
    await c.call('expireat', 'k', String(Math.floor(t / 1000) + 1000));
    assert.equal(collector.take(), [
      ['PEXPIREAT', 'k', String(t + 100000)],
      ['SET', 's', 'x', 'PXAT', String(t + 100000)],
      ['SET', 'p', 'y', 'PXAT', String(t + 5000)],
      ['SET', 'e', '1', 'PXAT', String(t + 50000)],
      ['PEXPIREAT', 'e', String(t + 7000)],
      ['PERSIST', 'e'],
      ['PEXPIREAT', 'k', String((Math.floor(t / 1000) + 1000) * 1000)],
    ]);
  } finally {
    running.clock.thaw();
  }
  await c.expire('k', -1);
  assert.equal(collector.take(), [['DEL', 'k']]);
});

test('GETDEL as DEL, GETSET as SET, float increments as their result', async () => {
  await c.set('a', '5');
  await c.call('getdel', 'a');
  await c.getset('g', 'new');
  await c.incrbyfloat('f', '1.5');
  await c.incrbyfloat('f', '0.25');
  await c.hincrbyfloat('h', 'x', '2.5');
  assert.equal(collector.take().slice(1), [
    ['DEL', 'a'],
    ['SET', 'g', 'new'],
    ['SET', 'f', '1.5', 'KEEPTTL'],
    ['SET', 'f', '1.75', 'KEEPTTL'],
    ['HSET', 'h', 'x', '2.5'],
  ]);
});

test('SPOP records the members it chose', async () => {
  await c.sadd('s', 'a', 'b', 'c', 'd', 'e');
  collector.take();
  const one = await c.spop('s');
  assert.equal(collector.take(), [['SREM', 's', one!]]);
  const two = await c.spop('s', 2);
  assert.equal(collector.take(), [['MULTI'], ['SREM', 's', two[0]], ['SREM', 's', two[1]], ['EXEC']]);
  await c.spop('s', 10);
  assert.equal(collector.take(), [['DEL', 's']]);
});

test('blocking pops record their non-blocking effect, served at once or later', async () => {
  await c.rpush('l', 'a', 'b', 'c');
  collector.take();
  await c.blpop('l', 0);
  await c.brpop('l', 0);
  await c.blmove('l', 'l2', 'LEFT', 'RIGHT', 0);
  assert.equal(collector.take(), [['LPOP', 'l'], ['RPOP', 'l'], ['LMOVE', 'l', 'l2', 'left', 'right']]);

  const waiter = c.duplicate();
  const pending = waiter.blpop('q', 0);
  await new Promise((r) => setTimeout(r, 50));
  await c.lpush('q', 'v');
  assert.equal(await pending, ['q', 'v']);
  waiter.disconnect();
  assert.equal(collector.take(), [['lpush', 'q', 'v'], ['LPOP', 'q']]);

  await c.rpush('m', '1', '2', '3');
  collector.take();
  await c.zadd('z', 1, 'a', 2, 'b', 3, 'c');
  collector.take();
  await c.call('lmpop', '1', 'm', 'LEFT', 'COUNT', '5');
  await c.call('bzpopmin', 'z', '0');
  await c.call('zmpop', '1', 'z', 'MAX', 'COUNT', '1');
  assert.equal(collector.take(), [['LPOP', 'm', '3'], ['ZPOPMIN', 'z'], ['ZPOPMAX', 'z', '1']]);
});

test('MULTI/EXEC is wrapped when it wrote more than once; SELECT follows the db', async () => {
  await c.multi().set('x', '1').get('x').incr('n').exec();
  assert.equal(collector.take(), [['MULTI'], ['set', 'x', '1'], ['incr', 'n'], ['EXEC']]);
  await c.multi().get('x').set('y', '2').exec();
  assert.equal(collector.take(), [['set', 'y', '2']]);
  await c.select(3);
  await c.set('k', 'v');
  await c.select(0);
  await c.set('k', 'v');
  assert.equal(collector.take(), [['SELECT', '3'], ['set', 'k', 'v'], ['SELECT', '0'], ['set', 'k', 'v']]);
});

test('keys that expire record a DEL (lazy and active expiry)', async () => {
  await c.set('t', '1', 'PX', 100);
  await c.set('u', '1', 'PX', 100);
  collector.take();
  running.clock.advance(200);
  assert.is(await c.get('t'), null);
  assert.equal(collector.take(), [['DEL', 't']]);
  running.server.cron();
  for (let i = 0; i < 20 && (await c.dbsize()) > 0; i++) running.server.cron();
  assert.equal(collector.take(), [['DEL', 'u']]);
});

test('a write over an expired key records the DEL first, atomically with the write', async () => {
  await c.set('t', '1', 'PX', 100);
  collector.take();
  running.clock.advance(200);
  await c.set('t', '2');
  assert.equal(collector.take(), [['MULTI'], ['DEL', 't'], ['set', 't', '2'], ['EXEC']]);
});

test('RESTORE with a relative TTL records the absolute one and ABSTTL', async () => {
  await c.set('src', 'value');
  const payload = (await c.dumpBuffer('src'))!;
  collector.take();
  running.clock.freeze();
  try {
    const t = now();
    await c.restore('dst', 5000, payload);
    await c.restore('dst2', 0, payload);
    assert.equal(collector.take(), [
      ['restore', 'dst', String(t + 5000), payload.toString('latin1'), 'ABSTTL'],
      ['restore', 'dst2', '0', payload.toString('latin1')],
    ]);
  } finally {
    running.clock.thaw();
  }
});

test('evicted keys record a DEL', async () => {
  await c.set('a', '1');
  await c.set('b', '2');
  collector.take();
  await c.config('SET', 'maxmemory-policy', 'allkeys-random');
  await c.config('SET', 'maxmemory', '1');
  try {
    await c.set('c', '3').catch(() => null);
  } finally {
    await c.config('SET', 'maxmemory', '0');
  }
  const records = collector.take();
  assert.equal(records.filter((r) => r[0] === 'DEL').map((r) => r[1]).sort(), ['a', 'b']);
  // Evictions inside one command (CONFIG SET maxmemory evicts at once) may come MULTI-wrapped; nothing else is recorded.
  assert.equal(records.filter((r) => !['DEL', 'MULTI', 'EXEC'].includes(r[0])), []);
});

test('effects.begin/end group several calls into one unit (the scripting API)', async () => {
  const fx = running.server.effects;
  fx.begin();
  fx.also(0, ['SET', 'a', '1']);
  fx.also(0, ['SET', 'b', '2']);
  assert.equal(collector.records.length, 0);
  fx.end();
  assert.equal(collector.take(), [['MULTI'], ['SET', 'a', '1'], ['SET', 'b', '2'], ['EXEC']]);
});

test('with no consumer nothing is recorded', async () => {
  running.server.effects.detach(collector);
  assert.is(running.server.effects.active, false);
  await c.set('a', '1');
  running.server.effects.attach(collector);
  assert.equal(collector.take(), []);
});

test.run();
