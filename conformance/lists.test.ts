// The list family through stock clients (node-redis RESP3 and RESP2, ioredis),
// against replies and error texts read from a real Redis 7.0.15, and the
// blocking commands with two connections (the write-behind queue pattern).

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ioredis, nodeRedis, startTestServer, errorOf, raw, recordKeyspaceEvents } from './helpers.js';
import type { RunningServer } from '../server/index.js';

const test = suite('lists');
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
const NOT_INTEGER = 'ERR value is not an integer or out of range';
const SYNTAX = 'ERR syntax error';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const resp of [3, 2] as const) {
  test(`pushes, pops and ranges (RESP${resp})`, async () => {
    const c = await nodeRedis(server, resp);
    try {
      await c.flushAll();
      assert.is(await c.rPush('l', ['a', 'b', 'c']), 3);
      assert.is(await c.lPush('l', ['y', 'z']), 5);
      assert.is(await c.lPushX('none', 'a'), 0);
      assert.is(await c.rPushX('l', 'd'), 6);
      assert.is(await c.exists('none'), 0);
      assert.equal(await c.lRange('l', 0, -1), ['z', 'y', 'a', 'b', 'c', 'd']);
      assert.equal(await c.lRange('l', -100, 1), ['z', 'y']);
      assert.equal(await c.lRange('l', 4, 2), []);
      assert.equal(await c.lRange('none', 0, -1), []);
      assert.is(await c.lLen('l'), 6);
      assert.is(await c.lLen('none'), 0);
      assert.is(await c.lIndex('l', -1), 'd');
      assert.is(await c.lIndex('l', 100), null);
      assert.is(await c.lPop('l'), 'z');
      assert.is(await c.rPop('l'), 'd');
      assert.equal(await raw(c, 'LPOP', 'l', '2'), ['y', 'a']);
      assert.equal(await raw(c, 'RPOP', 'l', '0'), []);
      assert.is(await raw(c, 'LPOP', 'none'), null);
      assert.is(await raw(c, 'LPOP', 'none', '1'), null);
      assert.equal(await raw(c, 'RPOP', 'l', '10'), ['c', 'b']);
      assert.is(await c.exists('l'), 0);
      assert.is(await errorOf(raw(c, 'LPOP', 'l', '-1')), 'ERR value is out of range, must be positive');
      assert.is(await errorOf(raw(c, 'LPOP', 'l', '1', '2')), "ERR wrong number of arguments for 'lpop' command");
      assert.is(await errorOf(raw(c, 'LRANGE', 'l', 'a', '1')), NOT_INTEGER);
      await c.set('s', 'v');
      assert.is(await errorOf(c.lPush('s', 'a')), WRONGTYPE);
      assert.is(await errorOf(c.lLen('s')), WRONGTYPE);
      assert.is(await errorOf(raw(c, 'LPOP', 's')), WRONGTYPE);
    } finally {
      await c.quit();
    }
  });

  test(`LSET, LREM, LTRIM, LINSERT, LPOS (RESP${resp})`, async () => {
    const c = await nodeRedis(server, resp);
    try {
      await c.flushAll();
      await c.rPush('l', ['a', 'b', 'c', 'a', 'b', 'c', 'a']);
      assert.is(await c.lSet('l', -1, 'A'), 'OK');
      assert.is(await errorOf(c.lSet('l', 100, 'x')), 'ERR index out of range');
      assert.is(await errorOf(c.lSet('none', 0, 'x')), 'ERR no such key');
      assert.is(await c.lPos('l', 'b'), 1);
      assert.is(await c.lPos('l', 'b', { RANK: -1 }), 4);
      assert.is(await c.lPos('l', 'zz'), null);
      assert.equal(await c.lPosCount('l', 'a', 0), [0, 3]);
      assert.equal(await c.lPosCount('l', 'c', 2, { RANK: -1 }), [5, 2]);
      assert.equal(await c.lPosCount('l', 'c', 0, { MAXLEN: 3 }), [2]);
      assert.equal(await c.lPosCount('none', 'c', 0), []);
      assert.is(
        await errorOf(raw(c, 'LPOS', 'l', 'a', 'RANK', '0')),
        "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
      );
      assert.is(await errorOf(raw(c, 'LPOS', 'l', 'a', 'COUNT', '-1')), "ERR COUNT can't be negative");
      assert.is(await errorOf(raw(c, 'LPOS', 'l', 'a', 'MAXLEN', '-1')), "ERR MAXLEN can't be negative");
      assert.is(await errorOf(raw(c, 'LPOS', 'l', 'a', 'FOO', '1')), SYNTAX);
      assert.is(await c.lInsert('l', 'BEFORE', 'b', 'X'), 8);
      assert.is(await c.lInsert('l', 'AFTER', 'nope', 'X'), -1);
      assert.is(await c.lInsert('none', 'AFTER', 'a', 'X'), 0);
      assert.is(await errorOf(raw(c, 'LINSERT', 'l', 'MIDDLE', 'a', 'X')), SYNTAX);
      assert.equal(await c.lRange('l', 0, -1), ['a', 'X', 'b', 'c', 'a', 'b', 'c', 'A']);
      assert.is(await c.lRem('l', -1, 'c'), 1);
      assert.is(await c.lRem('l', 0, 'a'), 2);
      assert.equal(await c.lRange('l', 0, -1), ['X', 'b', 'c', 'b', 'A']);
      assert.is(await c.lTrim('l', 1, -2), 'OK');
      assert.equal(await c.lRange('l', 0, -1), ['b', 'c', 'b']);
      events.length = 0;
      assert.is(await c.lTrim('l', 5, 1), 'OK');
      assert.equal(events, ['l:ltrim:l', 'g:del:l']);
      assert.is(await c.exists('l'), 0);
    } finally {
      await c.quit();
    }
  });

  test(`LMOVE, RPOPLPUSH, LMPOP (RESP${resp})`, async () => {
    const c = await nodeRedis(server, resp);
    try {
      await c.flushAll();
      await c.rPush('src', ['1', '2', '3']);
      events.length = 0;
      assert.is(await c.lMove('src', 'dst', 'LEFT', 'RIGHT'), '1');
      assert.equal(events, ['l:rpush:dst', 'l:lpop:src']);
      assert.is(await c.rPopLPush('src', 'dst'), '3');
      assert.equal(await c.lRange('dst', 0, -1), ['3', '1']);
      assert.is(await c.lMove('none', 'dst', 'LEFT', 'LEFT'), null);
      await c.set('str', 'v');
      assert.is(await errorOf(c.lMove('src', 'str', 'LEFT', 'LEFT')), WRONGTYPE);
      assert.equal(await c.lRange('src', 0, -1), ['2']);
      assert.is(await errorOf(raw(c, 'LMOVE', 'src', 'dst', 'UP', 'LEFT')), SYNTAX);
      assert.equal(await raw(c, 'LMPOP', '2', 'none', 'dst', 'RIGHT', 'COUNT', '5'), ['dst', ['1', '3']]);
      assert.is(await raw(c, 'LMPOP', '1', 'none', 'LEFT'), null);
      assert.is(await errorOf(raw(c, 'LMPOP', '0', 'a', 'LEFT')), 'ERR numkeys should be greater than 0');
      assert.is(await errorOf(raw(c, 'LMPOP', '1', 'a', 'LEFT', 'COUNT', '0')), 'ERR count should be greater than 0');
      assert.is(await errorOf(raw(c, 'LMPOP', '1', 'str', 'LEFT')), WRONGTYPE);
      assert.equal(await raw(c, 'COMMAND', 'GETKEYS', 'LMPOP', '2', 'a', 'b', 'LEFT'), ['a', 'b']);
      assert.is(await c.objectEncoding('src'), 'quicklist');
      assert.is(await c.type('src'), 'list');
    } finally {
      await c.quit();
    }
  });
}

test('ioredis: pushes, pops, LMPOP and null replies', async () => {
  const c = await ioredis(server);
  try {
    await c.flushall();
    assert.is(await c.rpush('q', 'a', 'b', 'c'), 3);
    assert.equal(await c.lrange('q', 0, -1), ['a', 'b', 'c']);
    assert.equal(await c.lpop('q', 2), ['a', 'b']);
    assert.is(await c.lpop('none', 1), null);
    assert.equal(await c.lmpop(1, 'q', 'RIGHT'), ['q', ['c']]);
    assert.is(await c.lmpop(1, 'q', 'RIGHT'), null);
  } finally {
    c.disconnect();
  }
});

test('blocking: immediate pops and argument errors', async () => {
  const c = await nodeRedis(server, 3);
  try {
    await c.flushAll();
    await c.rPush('b', ['1', '2']);
    assert.equal(await raw(c, 'BLPOP', 'none', 'b', '0'), ['b', '1']);
    assert.equal(await raw(c, 'BRPOP', 'b', '0'), ['b', '2']);
    assert.is(await errorOf(raw(c, 'BLPOP', 'b', '-1')), 'ERR timeout is negative');
    assert.is(await errorOf(raw(c, 'BLPOP', 'b', 'abc')), 'ERR timeout is not a float or out of range');
    assert.is(await errorOf(raw(c, 'BLMPOP', '0', '0', 'b', 'LEFT')), 'ERR numkeys should be greater than 0');
    await c.set('s', 'v');
    assert.is(await errorOf(raw(c, 'BLPOP', 's', '0')), WRONGTYPE);
    assert.is(await raw(c, 'BLPOP', 'none', '0.05'), null);
    assert.is(await raw(c, 'BLMOVE', 'none', 'x', 'LEFT', 'LEFT', '0.05'), null);
    assert.is(await raw(c, 'BLMPOP', '0.05', '1', 'none', 'LEFT'), null);
  } finally {
    await c.quit();
  }
});

for (const resp of [3, 2] as const) {
  test(`blocking: write-behind queue with two node-redis connections (RESP${resp})`, async () => {
    const producer = await nodeRedis(server, resp);
    const consumer = await nodeRedis(server, resp);
    try {
      await producer.flushAll();
      const waiting = consumer.brPop('jobs', 0);
      await sleep(30);
      assert.is(await producer.lPush('jobs', 'job-1'), 1);
      assert.equal(await waiting, { key: 'jobs', element: 'job-1' });
      assert.is(await producer.exists('jobs'), 0);
      // Commands the blocked client sent meanwhile wait for it, in order.
      const second = consumer.brPop('jobs', 0);
      const after = consumer.ping();
      await sleep(30);
      await producer.lPush('jobs', 'job-2');
      assert.equal(await second, { key: 'jobs', element: 'job-2' });
      assert.is(await after, 'PONG');
      // A timeout answers null.
      assert.is(await consumer.brPop('jobs', 0.1), null);
    } finally {
      await producer.quit();
      await consumer.quit();
    }
  });
}

test('blocking: FIFO order, BLMOVE chains, served at the end of the pushing command', async () => {
  const p = await nodeRedis(server, 3);
  const a = await nodeRedis(server, 3);
  const b = await nodeRedis(server, 3);
  const m = await nodeRedis(server, 3);
  try {
    await p.flushAll();
    const first = raw(a, 'BLPOP', 'k', '0');
    await sleep(20);
    const second = raw(b, 'BLPOP', 'k', '0');
    await sleep(20);
    // m moves what lands on 'k2' into 'k' (BLMOVE k2 -> k): it is served and its push serves a.
    const mover = raw(m, 'BLMOVE', 'k2', 'k', 'LEFT', 'RIGHT', '0');
    await sleep(20);
    // Pipelined: the blocked clients are served right after RPUSH, before the LLEN.
    const [pushed, len] = await Promise.all([raw(p, 'RPUSH', 'k2', 'x'), raw(p, 'LLEN', 'k')]);
    assert.is(pushed, 1);
    assert.is(len, 0);
    assert.is(await mover, 'x');
    assert.equal(await first, ['k', 'x']);
    await p.rPush('k', ['y', 'z']);
    assert.equal(await second, ['k', 'y']);
    assert.equal(await p.lRange('k', 0, -1), ['z']);
  } finally {
    for (const c of [p, a, b, m]) await c.quit();
  }
});

test('blocking: BLMPOP, CLIENT UNBLOCK, disconnect', async () => {
  const p = await nodeRedis(server, 2);
  const a = await nodeRedis(server, 2);
  try {
    await p.flushAll();
    const waiting = raw(a, 'BLMPOP', '0', '2', 'm1', 'm2', 'RIGHT', 'COUNT', '2');
    await sleep(20);
    await p.rPush('m2', ['1', '2', '3']);
    assert.equal(await waiting, ['m2', ['3', '2']]);

    const id = String(await a.clientId());
    const timedOut = raw(a, 'BLPOP', 'none', '0');
    await sleep(20);
    assert.is(await raw(p, 'CLIENT', 'UNBLOCK', id), 1);
    assert.is(await timedOut, null);
    const failed = raw(a, 'BLPOP', 'none', '0');
    await sleep(20);
    assert.is(await raw(p, 'CLIENT', 'UNBLOCK', id, 'ERROR'), 1);
    assert.is(await errorOf(failed), 'UNBLOCKED client unblocked via CLIENT UNBLOCK');
    assert.is(await raw(p, 'CLIENT', 'UNBLOCK', id), 0);

    // A client that leaves while blocked is no longer served.
    const gone = await nodeRedis(server, 2);
    raw(gone, 'BLPOP', 'q', '0').catch(() => {});
    await sleep(20);
    await gone.disconnect();
    await sleep(20);
    await p.rPush('q', 'kept');
    await sleep(20);
    assert.equal(await p.lRange('q', 0, -1), ['kept']);
  } finally {
    await p.quit();
    await a.quit();
  }
});

test('blocking: write-behind queue through ioredis', async () => {
  const producer = await ioredis(server, 2);
  const consumer = await ioredis(server, 3);
  try {
    await producer.flushall();
    const waiting = consumer.brpop('wq', 0);
    await sleep(30);
    await producer.lpush('wq', 'task');
    assert.equal(await waiting, ['wq', 'task']);
    assert.is(await consumer.blpop('wq', 0.1), null);
  } finally {
    producer.disconnect();
    consumer.disconnect();
  }
});

test('blocking commands inside MULTI answer at once', async () => {
  const c = await nodeRedis(server, 2);
  try {
    await c.flushAll();
    const replies = await c.multi().addCommand(['BLPOP', 'none', '0']).addCommand(['RPUSH', 'none', 'a']).addCommand(['BRPOP', 'none', '0']).exec();
    assert.equal(replies, [null, 1, ['none', 'a']]);
  } finally {
    await c.quit();
  }
});

test('BLMPOP checks its arguments in Redis order: numkeys and direction before the timeout', async () => {
  const c = await nodeRedis(server, 3);
  const errorOf = (args: string[]) => c.sendCommand(args).then(() => '', (e: Error) => e.message);
  assert.is(await errorOf(['BLMPOP', 'x', '0', 'l', 'LEFT']), 'ERR numkeys should be greater than 0');
  assert.is(await errorOf(['BLMPOP', '-1', '1', 'l', 'UP']), 'ERR syntax error');
  assert.is(await errorOf(['BLMPOP', '-1', '1', 'l', 'LEFT']), 'ERR timeout is negative');
  await c.quit();
});

test.run();
