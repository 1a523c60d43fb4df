// BZPOPMIN / BZPOPMAX / BZMPOP through stock clients (node-redis RESP3 and
// RESP2, ioredis) with two connections: one blocks, the other ZADDs. Replies
// and error texts read from a real Redis 7.0.15.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ioredis, nodeRedis, startTestServer, errorOf, raw, recordKeyspaceEvents } from './helpers.js';
import type { RunningServer } from '../server/index.js';

const test = suite('zsets-blocking');
let server: RunningServer;
let events: string[] = [];

test.before(async () => {
  server = await startTestServer();
  events = recordKeyspaceEvents(server, false);
});
test.after(async () => {
  await server.close();
});

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const SYNTAX = 'ERR syntax error';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const resp of [3, 2] as const) {
  // RESP3 scores are doubles (node-redis gives numbers), RESP2 scores bulk strings.
  const score = (text: string): unknown => (resp === 3 ? Number(text) : text);

  test(`immediate pops and errors (RESP${resp})`, async () => {
    const c = await nodeRedis(server, resp);
    try {
      await c.flushAll();
      await c.zAdd('z', [{ score: 1, value: 'a' }, { score: 2, value: 'b' }, { score: 3.5, value: 'c' }, { score: 4, value: 'd' }]);
      assert.equal(await raw(c, 'BZPOPMIN', 'none', 'z', '0'), ['z', 'a', score('1')]);
      assert.equal(await raw(c, 'BZPOPMAX', 'z', '0'), ['z', 'd', score('4')]);
      assert.equal(await raw(c, 'BZMPOP', '0', '2', 'none', 'z', 'MAX'), ['z', [['c', score('3.5')]]]);
      assert.equal(await raw(c, 'BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '5'), ['z', [['b', score('2')]]]);
      assert.is(await c.exists('z'), 0);

      await c.set('s', 'x');
      assert.is(await errorOf(raw(c, 'BZPOPMIN', 's', '0')), WRONGTYPE);
      assert.is(await errorOf(raw(c, 'BZPOPMAX', 'none', 's', '0')), WRONGTYPE);
      assert.is(await errorOf(raw(c, 'BZMPOP', '0', '2', 'none', 's', 'MIN')), WRONGTYPE);
      assert.is(await errorOf(raw(c, 'BZPOPMIN', 'z', '-1')), 'ERR timeout is negative');
      assert.is(await errorOf(raw(c, 'BZPOPMIN', 'z', 'abc')), 'ERR timeout is not a float or out of range');
      assert.is(await errorOf(raw(c, 'BZMPOP', '0', '0', 'z', 'MIN')), 'ERR numkeys should be greater than 0');
      assert.is(await errorOf(raw(c, 'BZMPOP', '0', 'abc', 'z', 'MIN')), 'ERR numkeys should be greater than 0');
      assert.is(await errorOf(raw(c, 'BZMPOP', '0', '1', 'z', 'foo')), SYNTAX);
      assert.is(await errorOf(raw(c, 'BZMPOP', '0', '2', 'z', 'MIN')), SYNTAX);
      assert.is(await errorOf(raw(c, 'BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '0')), 'ERR count should be greater than 0');
      assert.is(await errorOf(raw(c, 'BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '1', 'COUNT', '2')), SYNTAX);
      // The rest of the arguments are checked before the timeout, as Redis does.
      assert.is(await errorOf(raw(c, 'BZMPOP', 'x', '0', 'z', 'MIN')), 'ERR numkeys should be greater than 0');
      assert.is(await errorOf(raw(c, 'BZMPOP', 'x', '1', 'z', 'foo')), SYNTAX);
      assert.is(await errorOf(raw(c, 'BZMPOP', 'x', '1', 'z', 'MIN')), 'ERR timeout is not a float or out of range');

      // Timeouts answer a null array.
      assert.is(await raw(c, 'BZPOPMIN', 'none', '0.1'), null);
      assert.is(await raw(c, 'BZMPOP', '0.1', '1', 'none', 'MIN'), null);
    } finally {
      await c.quit();
    }
  });

  test(`one connection blocks, the other ZADDs (RESP${resp})`, async () => {
    const p = await nodeRedis(server, resp);
    const a = await nodeRedis(server, resp);
    try {
      await p.flushAll();
      events.length = 0;
      const waiting = raw(a, 'BZPOPMAX', 'q1', 'q2', '0');
      await sleep(20);
      // The waiter is served right after ZADD, before the pipelined ZCARD.
      const [added, card] = await Promise.all([
        raw(p, 'ZADD', 'q2', '1', 'x', '2', 'y'),
        raw(p, 'ZCARD', 'q2'),
      ]);
      assert.is(added, 2);
      assert.is(card, 1);
      assert.equal(await waiting, ['q2', 'y', score('2')]);
      assert.equal(events, ['z:zadd:q2', 'z:zpopmax:q2']);

      const multi = raw(a, 'BZMPOP', '0', '2', 'm1', 'm2', 'MIN', 'COUNT', '2');
      await sleep(20);
      await raw(p, 'ZADD', 'm1', '3', 'c', '1', 'a', '2', 'b');
      assert.equal(await multi, ['m1', [['a', score('1')], ['b', score('2')]]]);
      assert.equal(await p.zRange('m1', 0, -1), ['c']);

      const single = raw(a, 'BZMPOP', '0', '1', 'm3', 'MAX', 'COUNT', '5');
      await sleep(20);
      await raw(p, 'ZADD', 'm3', '7', 'only');
      assert.equal(await single, ['m3', [['only', score('7')]]]);
      assert.is(await p.exists('m3'), 0);
    } finally {
      await p.quit();
      await a.quit();
    }
  });
}

test('FIFO order of two waiters; a wrong-type write does not serve them', async () => {
  const p = await nodeRedis(server, 3);
  const a = await nodeRedis(server, 3);
  const b = await nodeRedis(server, 2);
  try {
    await p.flushAll();
    const first = raw(a, 'BZPOPMIN', 'k', '0');
    await sleep(20);
    const second = raw(b, 'BZPOPMIN', 'k', '0');
    await sleep(20);
    // A string at k does not wake anyone; deleting it leaves them waiting.
    await p.set('k', 'str');
    await p.del('k');
    await sleep(20);
    await raw(p, 'ZADD', 'k', '5', 'five');
    assert.equal(await first, ['k', 'five', 5]);
    await sleep(20);
    assert.is(await p.exists('k'), 0);
    await raw(p, 'ZADD', 'k', '1', 'one', '2', 'two');
    assert.equal(await second, ['k', 'one', '1']);
    assert.equal(await p.zRange('k', 0, -1), ['two']);
  } finally {
    for (const c of [p, a, b]) await c.quit();
  }
});

test('a BLPOP waiter ahead on the same key does not hold back a BZPOPMIN waiter', async () => {
  const p = await nodeRedis(server, 2);
  const a = await nodeRedis(server, 2);
  const b = await nodeRedis(server, 2);
  try {
    await p.flushAll();
    const listWaiter = raw(a, 'BLPOP', 'mixed', '0');
    await sleep(20);
    const zsetWaiter = raw(b, 'BZPOPMIN', 'mixed', '0');
    await sleep(20);
    await raw(p, 'ZADD', 'mixed', '1', 'a');
    assert.equal(await zsetWaiter, ['mixed', 'a', '1']);
    await p.rPush('mixed', 'item');
    assert.equal(await listWaiter, ['mixed', 'item']);
  } finally {
    for (const c of [p, a, b]) await c.quit();
  }
});

test('CLIENT UNBLOCK and timeouts while blocked', async () => {
  const p = await nodeRedis(server, 2);
  const a = await nodeRedis(server, 2);
  try {
    await p.flushAll();
    const id = String(await a.clientId());
    const unblocked = raw(a, 'BZPOPMIN', 'none', '0');
    await sleep(20);
    assert.is(await raw(p, 'CLIENT', 'UNBLOCK', id), 1);
    assert.is(await unblocked, null);
    const failed = raw(a, 'BZMPOP', '0', '1', 'none', 'MAX');
    await sleep(20);
    assert.is(await raw(p, 'CLIENT', 'UNBLOCK', id, 'ERROR'), 1);
    assert.is(await errorOf(failed), 'UNBLOCKED client unblocked via CLIENT UNBLOCK');
    assert.is(await raw(p, 'CLIENT', 'UNBLOCK', id), 0);
  } finally {
    await p.quit();
    await a.quit();
  }
});

test('inside MULTI the blocking pops answer at once', async () => {
  const c = await nodeRedis(server, 2);
  try {
    await c.flushAll();
    const replies = await c
      .multi()
      .addCommand(['BZPOPMIN', 'none', '0'])
      .addCommand(['BZMPOP', '0', '1', 'none', 'MIN'])
      .addCommand(['ZADD', 'none', '1', 'a'])
      .addCommand(['BZPOPMAX', 'none', '0'])
      .exec();
    assert.equal(replies, [null, null, 1, ['none', 'a', '1']]);
  } finally {
    await c.quit();
  }
});

test('ioredis: a consumer blocks, a producer ZADDs', async () => {
  const producer = await ioredis(server, 2);
  const consumer = await ioredis(server, 3);
  try {
    await producer.flushall();
    const waiting = consumer.bzpopmin('jobs', 0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await producer.zadd('jobs', 10, 'later', 5, 'sooner');
    const got = await waiting;
    assert.ok(got !== null);
    assert.is(got[0], 'jobs');
    assert.is(got[1], 'sooner');
    assert.is(Number(got[2]), 5);
    assert.is(await consumer.bzpopmax('empty', 0.1), null);
    const popped = await producer.call('BZMPOP', '0', '1', 'jobs', 'MAX');
    assert.equal(popped, ['jobs', [['later', '10']]]);
  } finally {
    producer.disconnect();
    consumer.disconnect();
  }
});

test.run();
