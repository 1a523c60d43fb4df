// The sorted set family through stock clients (node-redis in RESP3 and RESP2,
// ioredis), against replies and error texts read from a real Redis 7.0.15.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ioredis, nodeRedis, startTestServer, type NodeRedisClient, errorOf, raw, recordKeyspaceEvents } from './helpers.js';
import type { RunningServer } from '../server/index.js';

const test = suite('zsets');
let server: RunningServer;
let r3: NodeRedisClient;
let r2: NodeRedisClient;
let events: string[] = [];

test.before(async () => {
  server = await startTestServer();
  events = recordKeyspaceEvents(server, false);
  r3 = await nodeRedis(server, 3);
  r2 = await nodeRedis(server, 2);
});
test.after(async () => {
  await r3.quit();
  await r2.quit();
  await server.close();
});
test.before.each(async () => {
  await r3.sendCommand(['FLUSHALL']);
  events.length = 0;
});

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

test('ZADD options, replies and option-conflict errors', async () => {
  assert.is(await raw(r3, 'ZADD', 'z', '1', 'a', '2', 'b'), 2);
  assert.is(await raw(r3, 'ZADD', 'z', 'CH', '5', 'a', '3', 'c'), 2);
  assert.is(await raw(r3, 'ZADD', 'z', 'NX', '9', 'a', '4', 'd'), 1);
  assert.is(await raw(r3, 'ZADD', 'z', 'XX', 'CH', '6', 'a', '9', 'new'), 1);
  assert.is(await raw(r3, 'ZADD', 'z', 'GT', 'CH', '1', 'a'), 0);
  assert.is(await raw(r3, 'ZADD', 'z', 'LT', 'CH', '1', 'a'), 1);
  assert.is(await raw(r3, 'ZADD', 'z', 'INCR', '2.5', 'a'), 3.5);
  assert.is(await raw(r3, 'ZADD', 'z', 'NX', 'INCR', '1', 'a'), null);
  assert.is(await raw(r2, 'ZADD', 'z', 'INCR', '0.1', 'a'), '3.6000000000000001');
  assert.is(await raw(r3, 'ZADD', 'nokey', 'XX', '1', 'a'), 0);
  assert.is(await raw(r3, 'EXISTS', 'nokey'), 0);
  assert.is(await errorOf(raw(r3, 'ZADD', 'z', 'NX', 'XX', '1', 'a')), 'ERR XX and NX options at the same time are not compatible');
  assert.is(await errorOf(raw(r3, 'ZADD', 'z', 'GT', 'LT', '1', 'a')), 'ERR GT, LT, and/or NX options at the same time are not compatible');
  assert.is(await errorOf(raw(r3, 'ZADD', 'z', 'NX', 'GT', '1', 'a')), 'ERR GT, LT, and/or NX options at the same time are not compatible');
  assert.is(await errorOf(raw(r3, 'ZADD', 'z', 'INCR', '1', 'a', '2', 'b')), 'ERR INCR option supports a single increment-element pair');
  assert.is(await errorOf(raw(r3, 'ZADD', 'z', '1', 'a', '2')), 'ERR syntax error');
  assert.is(await errorOf(raw(r3, 'ZADD', 'z', 'nan', 'a')), 'ERR value is not a valid float');
  assert.is(await errorOf(raw(r3, 'ZADD', 'z', '1', 'a', 'x', 'b')), 'ERR value is not a valid float');
  await raw(r3, 'ZADD', 'inf', 'inf', 'a');
  assert.is(await errorOf(raw(r3, 'ZADD', 'inf', 'INCR', '-inf', 'a')), 'ERR resulting score is not a number (NaN)');
  assert.is(await errorOf(raw(r3, 'ZINCRBY', 'inf', '-inf', 'a')), 'ERR resulting score is not a number (NaN)');
  await raw(r3, 'SET', 's', 'v');
  assert.is(await errorOf(raw(r3, 'ZADD', 's', '1', 'a')), WRONGTYPE);
  assert.is(await errorOf(raw(r3, 'ZADD', 's', 'x', 'a')), 'ERR value is not a valid float');
  assert.ok(events.includes('z:zadd:z') && events.includes('z:zincr:z'));
});

test('ZSCORE, ZMSCORE, ZCARD, ZINCRBY, -0', async () => {
  await raw(r3, 'ZADD', 'z', '1.5', 'a', '-0', 'b');
  assert.is(await raw(r3, 'ZSCORE', 'z', 'a'), 1.5);
  assert.is(await raw(r2, 'ZSCORE', 'z', 'b'), '0');
  assert.is(await raw(r3, 'ZSCORE', 'z', 'nope'), null);
  assert.equal(await raw(r3, 'ZMSCORE', 'z', 'a', 'nope'), [1.5, null]);
  assert.equal(await raw(r2, 'ZMSCORE', 'nokey', 'a'), [null]);
  assert.is(await raw(r3, 'ZCARD', 'z'), 2);
  assert.is(await raw(r3, 'ZCARD', 'nokey'), 0);
  assert.is(await raw(r2, 'ZINCRBY', 'z', '1e20', 'c'), '1e+20');
  assert.is(await errorOf(raw(r3, 'ZINCRBY', 'z', 'abc', 'c')), 'ERR value is not a valid float');
});

test('ZRANGE by rank, score and lex; REV, LIMIT, WITHSCORES; older forms and errors', async () => {
  await raw(r3, 'ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
  assert.equal(await raw(r3, 'ZRANGE', 'z', '0', '-1'), ['a', 'b', 'c', 'd']);
  assert.equal(await raw(r3, 'ZRANGE', 'z', '0', '1', 'WITHSCORES'), [['a', 1], ['b', 2]]);
  assert.equal(await raw(r2, 'ZRANGE', 'z', '0', '1', 'WITHSCORES'), ['a', '1', 'b', '2']);
  assert.equal(await raw(r3, 'ZRANGE', 'z', '-2', '100', 'REV'), ['b', 'a']);
  assert.equal(await raw(r3, 'ZRANGE', 'z', '(1', '+inf', 'BYSCORE', 'LIMIT', '1', '5'), ['c', 'd']);
  assert.equal(await raw(r3, 'ZRANGE', 'z', '3', '-inf', 'BYSCORE', 'REV', 'WITHSCORES'), [['c', 3], ['b', 2], ['a', 1]]);
  assert.equal(await raw(r3, 'ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '-1', '2'), []);
  assert.equal(await raw(r3, 'ZREVRANGEBYSCORE', 'z', '(4', '2'), ['c', 'b']);
  assert.equal(await raw(r2, 'ZREVRANGE', 'z', '0', '0', 'WITHSCORES'), ['d', '4']);
  assert.equal(await raw(r3, 'ZRANGE', 'nokey', '0', '-1'), []);
  assert.is(await errorOf(raw(r3, 'ZRANGE', 'z', '0', '-1', 'LIMIT', '0', '1')), 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  assert.is(await errorOf(raw(r3, 'ZRANGE', 'z', '-', '+', 'BYLEX', 'WITHSCORES')), 'ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  assert.is(await errorOf(raw(r3, 'ZRANGE', 'z', '0', '-1', 'REV', 'REV')), 'ERR syntax error');
  assert.is(await errorOf(raw(r3, 'ZRANGEBYSCORE', 'z', 'x', '1')), 'ERR min or max is not a float');
  assert.is(await errorOf(raw(r3, 'ZRANGEBYLEX', 'z', 'a', '+')), 'ERR min or max not valid string range item');
  assert.is(await errorOf(raw(r3, 'ZRANGE', 'z', 'x', '1')), 'ERR value is not an integer or out of range');

  await raw(r3, 'ZADD', 'lex', '0', 'alpha', '0', 'beta', '0', 'gamma', '0', 'delta');
  assert.equal(await raw(r3, 'ZRANGEBYLEX', 'lex', '[b', '(g'), ['beta', 'delta']);
  assert.equal(await raw(r3, 'ZREVRANGEBYLEX', 'lex', '+', '(beta', 'LIMIT', '0', '2'), ['gamma', 'delta']);
  assert.equal(await raw(r3, 'ZRANGE', 'lex', '-', '+', 'BYLEX', 'LIMIT', '1', '1'), ['beta']);
  assert.equal(await raw(r3, 'ZRANGEBYLEX', 'lex', '+', '-'), []);
  assert.is(await raw(r3, 'ZLEXCOUNT', 'lex', '-', '+'), 4);
  assert.is(await raw(r3, 'ZLEXCOUNT', 'lex', '(alpha', '[delta'), 2);
  assert.is(await raw(r3, 'ZCOUNT', 'z', '(1', '3'), 2);
  assert.is(await raw(r3, 'ZCOUNT', 'z', '-inf', '+inf'), 4);
  assert.is(await raw(r3, 'ZCOUNT', 'nokey', '-inf', '+inf'), 0);
});

test('ZRANK / ZREVRANK (7.0: no WITHSCORE), ZREM, ZREMRANGEBY*', async () => {
  await raw(r3, 'ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
  assert.is(await raw(r3, 'ZRANK', 'z', 'c'), 2);
  assert.is(await raw(r3, 'ZREVRANK', 'z', 'c'), 2);
  assert.is(await raw(r3, 'ZREVRANK', 'z', 'a'), 4);
  assert.is(await raw(r3, 'ZRANK', 'z', 'nope'), null);
  assert.is(await errorOf(raw(r3, 'ZRANK', 'z', 'a', 'WITHSCORE')), "ERR wrong number of arguments for 'zrank' command");
  assert.is(await raw(r3, 'ZREM', 'z', 'a', 'nope'), 1);
  assert.is(await raw(r3, 'ZREMRANGEBYRANK', 'z', '0', '0'), 1);
  assert.is(await raw(r3, 'ZREMRANGEBYSCORE', 'z', '(3', '+inf'), 2);
  assert.equal(await raw(r3, 'ZRANGE', 'z', '0', '-1'), ['c']);
  events.length = 0;
  assert.is(await raw(r3, 'ZREMRANGEBYLEX', 'z', '-', '+'), 1);
  assert.equal(events, ['z:zremrangebylex:z', 'g:del:z']);
  assert.is(await raw(r3, 'EXISTS', 'z'), 0);
  assert.is(await raw(r3, 'ZREM', 'nokey', 'a'), 0);
});

test('ZPOPMIN / ZPOPMAX / ZMPOP reply shapes in both protocols', async () => {
  await raw(r3, 'ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
  assert.equal(await raw(r3, 'ZPOPMIN', 'z'), ['a', 1]);
  assert.equal(await raw(r3, 'ZPOPMAX', 'z', '1'), [['d', 4]]);
  assert.equal(await raw(r2, 'ZPOPMIN', 'z', '5'), ['b', '2', 'c', '3']);
  assert.equal(await raw(r3, 'ZPOPMIN', 'z'), []);
  assert.is(await errorOf(raw(r3, 'ZPOPMIN', 'z', '-1')), 'ERR value is out of range, must be positive');
  assert.is(await errorOf(raw(r3, 'ZPOPMIN', 'z', '1', '2')), 'ERR syntax error');
  await raw(r3, 'ZADD', 'm', '1', 'a', '2', 'b', '3', 'c');
  assert.equal(await raw(r3, 'ZMPOP', '2', 'nokey', 'm', 'MAX', 'COUNT', '2'), ['m', [['c', 3], ['b', 2]]]);
  assert.equal(await raw(r2, 'ZMPOP', '1', 'm', 'MIN'), ['m', [['a', '1']]]);
  assert.is(await raw(r3, 'ZMPOP', '1', 'm', 'MIN'), null);
  assert.is(await errorOf(raw(r3, 'ZMPOP', '0', 'm', 'MIN')), 'ERR numkeys should be greater than 0');
  assert.is(await errorOf(raw(r3, 'ZMPOP', '1', 'm', 'MIN', 'COUNT', '0')), 'ERR count should be greater than 0');
  assert.is(await errorOf(raw(r3, 'ZMPOP', '1', 'm', 'MID')), 'ERR syntax error');
});

test('ZUNION / ZINTER / ZDIFF, STORE forms, WEIGHTS, AGGREGATE, ZINTERCARD, ZRANGESTORE', async () => {
  await raw(r3, 'ZADD', 'a', '1', 'x', '2', 'y', '3', 'z');
  await raw(r3, 'ZADD', 'b', '10', 'y', '20', 'z', '30', 'w');
  assert.equal(await raw(r3, 'ZUNION', '2', 'a', 'b', 'WITHSCORES'), [['x', 1], ['y', 12], ['z', 23], ['w', 30]]);
  assert.equal(await raw(r2, 'ZINTER', '2', 'a', 'b', 'WEIGHTS', '2', '1', 'AGGREGATE', 'MAX', 'WITHSCORES'), ['y', '10', 'z', '20']);
  assert.equal(await raw(r3, 'ZDIFF', '2', 'a', 'b'), ['x']);
  assert.is(await raw(r3, 'ZUNIONSTORE', 'u', '2', 'a', 'b', 'AGGREGATE', 'MIN'), 4);
  assert.equal(await raw(r3, 'ZRANGE', 'u', '0', '-1', 'WITHSCORES'), [['x', 1], ['y', 2], ['z', 3], ['w', 30]]);
  assert.is(await raw(r3, 'ZINTERSTORE', 'i', '2', 'a', 'b'), 2);
  assert.is(await raw(r3, 'ZDIFFSTORE', 'i', '2', 'a', 'a'), 0);
  assert.is(await raw(r3, 'EXISTS', 'i'), 0);
  assert.is(await raw(r3, 'ZINTERCARD', '2', 'a', 'b'), 2);
  assert.is(await raw(r3, 'ZINTERCARD', '2', 'a', 'b', 'LIMIT', '1'), 1);
  assert.is(await raw(r3, 'ZRANGESTORE', 'r', 'a', '1', '-1'), 2);
  assert.equal(await raw(r3, 'ZRANGE', 'r', '0', '-1'), ['y', 'z']);
  assert.is(await errorOf(raw(r3, 'ZUNION', '0', 'a')), "ERR at least 1 input key is needed for 'zunion' command");
  assert.is(await errorOf(raw(r3, 'ZUNIONSTORE', 'd', '0', 'a')), "ERR at least 1 input key is needed for 'zunionstore' command");
  assert.is(await errorOf(raw(r3, 'ZINTERCARD', '0', 'a')), "ERR at least 1 input key is needed for 'zintercard' command");
  assert.is(await errorOf(raw(r3, 'ZUNION', '2', 'a')), 'ERR syntax error');
  assert.is(await errorOf(raw(r3, 'ZUNION', '1', 'a', 'WEIGHTS', 'x')), 'ERR weight value is not a float');
  assert.is(await errorOf(raw(r3, 'ZDIFF', '1', 'a', 'WEIGHTS', '1')), 'ERR syntax error');
  assert.is(await errorOf(raw(r3, 'ZINTERCARD', '1', 'a', 'LIMIT', '-1')), "ERR LIMIT can't be negative");
  await raw(r3, 'SET', 's', 'v');
  assert.is(await errorOf(raw(r3, 'ZINTER', '2', 's', 'a', 'AGGREGATE', 'AVG')), WRONGTYPE);
  assert.equal(await raw(r3, 'COMMAND', 'GETKEYS', 'ZUNIONSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2'), ['d', 'a', 'b']);
  assert.equal(await raw(r3, 'COMMAND', 'GETKEYS', 'ZMPOP', '2', 'a', 'b', 'MIN'), ['a', 'b']);
});

test('ZRANDMEMBER, ZSCAN', async () => {
  await raw(r3, 'ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
  assert.ok(['a', 'b', 'c'].includes(await raw(r3, 'ZRANDMEMBER', 'z') as string));
  const distinct = (await raw(r3, 'ZRANDMEMBER', 'z', '5')) as string[];
  assert.equal([...distinct].sort(), ['a', 'b', 'c']);
  assert.is(((await raw(r3, 'ZRANDMEMBER', 'z', '-7')) as string[]).length, 7);
  const pairs = (await raw(r3, 'ZRANDMEMBER', 'z', '2', 'WITHSCORES')) as [string, number][];
  assert.is(pairs.length, 2);
  for (const [member, score] of pairs) assert.is(score, { a: 1, b: 2, c: 3 }[member]);
  assert.is(await raw(r3, 'ZRANDMEMBER', 'nokey'), null);
  assert.equal(await raw(r3, 'ZRANDMEMBER', 'nokey', '3'), []);
  assert.is(await errorOf(raw(r3, 'ZRANDMEMBER', 'z', '1', 'x')), 'ERR syntax error');
  assert.equal(await raw(r3, 'ZSCAN', 'z', '0'), ['0', ['a', '1', 'b', '2', 'c', '3']]);
  assert.equal(await raw(r3, 'ZSCAN', 'z', '0', 'MATCH', 'b*'), ['0', ['b', '2']]);
  const big = Array.from({ length: 200 }, (_, i) => [String(i), `m${i}`]).flat();
  await raw(r3, 'ZADD', 'big', ...big);
  const seen = new Set<string>();
  let cursor = '0';
  do {
    const [next, items] = (await raw(r3, 'ZSCAN', 'big', cursor, 'COUNT', '30')) as [string, string[]];
    for (let i = 0; i < items.length; i += 2) seen.add(items[i]);
    cursor = next;
  } while (cursor !== '0');
  assert.is(seen.size, 200);
});

test('OBJECT ENCODING listpack / skiplist by the thresholds; COPY is deep', async () => {
  await raw(r3, 'ZADD', 'small', '1', 'a');
  assert.is(await raw(r3, 'OBJECT', 'ENCODING', 'small'), 'listpack');
  await raw(r3, 'ZADD', 'long', '1', 'x'.repeat(65));
  assert.is(await raw(r3, 'OBJECT', 'ENCODING', 'long'), 'skiplist');
  await raw(r3, 'ZADD', 'many', ...Array.from({ length: 129 }, (_, i) => [String(i), `m${i}`]).flat());
  assert.is(await raw(r3, 'OBJECT', 'ENCODING', 'many'), 'skiplist');
  await raw(r3, 'ZREMRANGEBYRANK', 'many', '0', '-3');
  assert.is(await raw(r3, 'OBJECT', 'ENCODING', 'many'), 'skiplist');
  await raw(r3, 'ZUNIONSTORE', 'back', '1', 'many');
  assert.is(await raw(r3, 'OBJECT', 'ENCODING', 'back'), 'listpack');
  await raw(r3, 'COPY', 'small', 'copy');
  await raw(r3, 'ZADD', 'copy', '5', 'b');
  assert.is(await raw(r3, 'ZCARD', 'small'), 1);
  assert.is(await raw(r3, 'TYPE', 'copy'), 'zset');
});

test('leaderboard seed pattern through node-redis (RESP3, RESP2) and ioredis', async () => {
  for (const client of [r3, r2]) {
    await client.del('game_scores');
    await client.zAdd('game_scores', [
      { score: 5000, value: 'Alice' },
      { score: 2500, value: 'Bob' },
      { score: 7500, value: 'Carol' },
    ]);
    assert.is(Number(await client.zIncrBy('game_scores', 300, 'Bob')), 2800);
    const top = await client.zRangeWithScores('game_scores', 0, 2, { REV: true });
    assert.equal(top.map((x) => [x.value, Number(x.score)]), [['Carol', 7500], ['Alice', 5000], ['Bob', 2800]]);
    assert.is(await client.zRevRank('game_scores', 'Bob'), 2);
  }
  for (const protocol of [2, 3] as const) {
    const io = await ioredis(server, protocol);
    try {
      await io.del('board');
      assert.is(await io.zadd('board', 5000, 'Alice', 2500, 'Bob', 7500, 'Carol'), 3);
      assert.is(Number(await io.zincrby('board', 300, 'Bob')), 2800);
      const flat = (await io.zrevrange('board', 0, 2, 'WITHSCORES')) as unknown[];
      const normalized = flat.flat().map((x) => String(x));
      assert.equal(normalized, ['Carol', '7500', 'Alice', '5000', 'Bob', '2800']);
      assert.is(await io.zrevrank('board', 'Bob'), 2);
    } finally {
      io.disconnect();
    }
  }
});

test.run();
