// The caching patterns of ../shared/seeds that use hashes, lists, sets and
// sorted sets, written with node-redis and with ioredis the way a user would
// translate the seeds' redis-py code: a user profile hash (HSET mapping, HGET,
// HGETALL), an activity feed (LPUSH + LTRIM + LRANGE), post tags (SADD,
// SISMEMBER, SINTER), trending posts and a game leaderboard (ZADD, ZREVRANGE
// WITHSCORES, ZINCRBY, ZREVRANK), tag-based invalidation (SETEX + SADD,
// SMEMBERS + DEL), a write-behind queue served by a worker blocked in BRPOP,
// and MULTI/EXEC pipelines (redis-py's pipeline(transaction=True)). Each test
// asserts what the seed expects to read back, in RESP3 and RESP2.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Redis } from 'ioredis';
import { ioredis, nodeRedis, startTestServer, type NodeRedisClient } from './helpers.js';
import type { RunningServer } from '../server/index.js';

const test = suite('seeds: data-type patterns');
let server: RunningServer;

test.before(async () => {
  server = await startTestServer();
});
test.after(async () => {
  await server.close();
});

/** node-redis answers a RESP3 map with an object (or a Map): compare as plain entries. */
function entries(value: unknown): Record<string, unknown> {
  if (value instanceof Map) return Object.fromEntries(value);
  return { ...(value as Record<string, unknown>) };
}

const user = { name: 'John Doe', email: 'john@example.com', age: '30' };
const activity = (i: number) => JSON.stringify({ type: 'view', post: i });

for (const resp of [3, 2] as const) {
  async function withNode(run: (c: NodeRedisClient, worker: NodeRedisClient) => Promise<void>): Promise<void> {
    const c = await nodeRedis(server, resp);
    const worker = await nodeRedis(server, resp);
    try {
      await c.flushAll();
      await run(c, worker);
    } finally {
      c.destroy();
      worker.destroy();
    }
  }
  async function withIo(run: (c: Redis, worker: Redis) => Promise<void>): Promise<void> {
    const c = await ioredis(server, resp);
    const worker = await ioredis(server, resp);
    try {
      await c.flushall();
      await run(c, worker);
    } finally {
      c.disconnect();
      worker.disconnect();
    }
  }

  // --- hashes: structured data -------------------------------------------------------------
  test(`node-redis RESP${resp}: user profile hash (HSET mapping, HSET field, HGET, HGETALL)`, () =>
    withNode(async (c) => {
      assert.is(await c.hSet('user:123', user), 3);
      assert.is(await c.hSet('user:123', 'age', '31'), 0);
      assert.is(await c.hGet('user:123', 'name'), 'John Doe');
      assert.equal(entries(await c.hGetAll('user:123')), { ...user, age: '31' });
      assert.is(await c.hGet('user:123', 'missing'), null);
      assert.equal(entries(await c.hGetAll('user:999')), {});
    }));

  test(`ioredis RESP${resp}: user profile hash (HSET mapping, HSET field, HGET, HGETALL)`, () =>
    withIo(async (c) => {
      assert.is(await c.hset('user:123', user), 3);
      assert.is(await c.hset('user:123', 'age', '31'), 0);
      assert.is(await c.hget('user:123', 'name'), 'John Doe');
      assert.equal(entries(await c.hgetall('user:123')), { ...user, age: '31' });
      assert.is(await c.hget('user:123', 'missing'), null);
      assert.equal(entries(await c.hgetall('user:999')), {});
    }));

  // --- lists: recent activity feed, newest first, capped at 100 ----------------------------
  test(`node-redis RESP${resp}: activity feed (LPUSH + LTRIM 0 99, LRANGE 0 9)`, () =>
    withNode(async (c) => {
      for (let i = 0; i < 105; i++) {
        await c.lPush('user:123:activity', activity(i));
        assert.is(await c.lTrim('user:123:activity', 0, 99), 'OK');
      }
      assert.is(await c.lLen('user:123:activity'), 100);
      const latest = await c.lRange('user:123:activity', 0, 9);
      assert.equal(latest, Array.from({ length: 10 }, (_, i) => activity(104 - i)));
      assert.equal(JSON.parse(latest[0]), { type: 'view', post: 104 });
      assert.equal(await c.lRange('user:123:activity', -1, -1), [activity(5)]);
    }));

  test(`ioredis RESP${resp}: activity feed (LPUSH + LTRIM 0 99, LRANGE 0 9)`, () =>
    withIo(async (c) => {
      for (let i = 0; i < 105; i++) {
        await c.lpush('user:123:activity', activity(i));
        assert.is(await c.ltrim('user:123:activity', 0, 99), 'OK');
      }
      assert.is(await c.llen('user:123:activity'), 100);
      const latest = await c.lrange('user:123:activity', 0, 9);
      assert.equal(latest, Array.from({ length: 10 }, (_, i) => activity(104 - i)));
      assert.equal(await c.lrange('user:123:activity', -1, -1), [activity(5)]);
    }));

  // --- sets: tags -------------------------------------------------------------------------
  test(`node-redis RESP${resp}: post tags (SADD, SISMEMBER, SINTER)`, () =>
    withNode(async (c) => {
      assert.is(await c.sAdd('post:123:tags', ['python', 'redis', 'caching']), 3);
      assert.is(await c.sAdd('post:456:tags', ['redis', 'nodejs', 'caching', 'redis']), 3);
      assert.is(await c.sIsMember('post:123:tags', 'python'), 1);
      assert.is(await c.sIsMember('post:123:tags', 'java'), 0);
      assert.equal([...(await c.sInter(['post:123:tags', 'post:456:tags']))].sort(), ['caching', 'redis']);
      assert.equal([...(await c.sInter(['post:123:tags', 'post:none:tags']))], []);
    }));

  test(`ioredis RESP${resp}: post tags (SADD, SISMEMBER, SINTER)`, () =>
    withIo(async (c) => {
      assert.is(await c.sadd('post:123:tags', 'python', 'redis', 'caching'), 3);
      assert.is(await c.sadd('post:456:tags', 'redis', 'nodejs', 'caching', 'redis'), 3);
      assert.is(await c.sismember('post:123:tags', 'python'), 1);
      assert.is(await c.sismember('post:123:tags', 'java'), 0);
      assert.equal([...(await c.sinter('post:123:tags', 'post:456:tags'))].sort(), ['caching', 'redis']);
    }));

  // --- sorted sets: trending posts and a game leaderboard ----------------------------------
  test(`node-redis RESP${resp}: trending posts and leaderboard (ZADD, ZREVRANGE WITHSCORES, ZINCRBY, ZREVRANK)`, () =>
    withNode(async (c) => {
      assert.is(await c.zAdd('trending', [{ value: 'post:123', score: 42 }, { value: 'post:456', score: 38 }, { value: 'post:789', score: 55 }]), 3);
      assert.equal(await c.zRangeWithScores('trending', 0, 9, { REV: true }), [
        { value: 'post:789', score: 55 },
        { value: 'post:123', score: 42 },
        { value: 'post:456', score: 38 },
      ]);
      // The seed's own command, ZREVRANGE … WITHSCORES, sent as it is.
      const raw = await c.sendCommand(['ZREVRANGE', 'trending', '0', '9', 'WITHSCORES']);
      assert.equal(raw, resp === 3 ? [['post:789', 55], ['post:123', 42], ['post:456', 38]] : ['post:789', '55', 'post:123', '42', 'post:456', '38']);
      assert.is(await c.zIncrBy('trending', 1, 'post:123'), 43);
      assert.is(await c.zRevRank('trending', 'post:123'), 1);
      assert.is(await c.zRevRank('trending', 'post:789'), 0);
      assert.is(await c.zRevRank('trending', 'post:000'), null);

      await c.zAdd('game_scores', [{ value: 'Alice', score: 5000 }, { value: 'Bob', score: 2500 }, { value: 'Carol', score: 7500 }]);
      assert.is(await c.zIncrBy('game_scores', 300, 'Bob'), 2800);
      assert.equal(await c.zRangeWithScores('game_scores', 0, 2, { REV: true }), [
        { value: 'Carol', score: 7500 },
        { value: 'Alice', score: 5000 },
        { value: 'Bob', score: 2800 },
      ]);
    }));

  test(`ioredis RESP${resp}: trending posts and leaderboard (ZADD, ZREVRANGE WITHSCORES, ZINCRBY, ZREVRANK)`, () =>
    withIo(async (c) => {
      assert.is(await c.zadd('trending', 42, 'post:123', 38, 'post:456', 55, 'post:789'), 3);
      const top = await c.zrevrange('trending', 0, 9, 'WITHSCORES');
      // RESP2: a flat list of strings; RESP3: [member, score] pairs.
      const flat = (top as unknown[]).flat().map(String);
      assert.equal(flat, ['post:789', '55', 'post:123', '42', 'post:456', '38']);
      assert.is(Number(await c.zincrby('trending', 1, 'post:123')), 43);
      assert.is(await c.zrevrank('trending', 'post:123'), 1);
      assert.is(await c.zrevrank('trending', 'post:000'), null);

      await c.zadd('game_scores', 5000, 'Alice', 2500, 'Bob', 7500, 'Carol');
      assert.is(Number(await c.zincrby('game_scores', 300, 'Bob')), 2800);
      const players = ((await c.zrevrange('game_scores', 0, 2, 'WITHSCORES')) as unknown[]).flat().map(String);
      assert.equal(players, ['Carol', '7500', 'Alice', '5000', 'Bob', '2800']);
    }));

  // --- tag-based invalidation ---------------------------------------------------------------
  test(`node-redis RESP${resp}: tag-based invalidation (SETEX + SADD tag:*, SMEMBERS + DEL)`, () =>
    withNode(async (c) => {
      const cacheWithTags = async (key: string, value: string, tags: string[], ttl = 3600) => {
        await c.setEx(key, ttl, value);
        for (const tag of tags) await c.sAdd(`tag:${tag}`, key);
      };
      const invalidateByTag = async (tag: string) => {
        const keys = await c.sMembers(`tag:${tag}`);
        if (keys.length) await c.del([...keys]);
        await c.del(`tag:${tag}`);
      };
      await cacheWithTags('user:123', JSON.stringify({ id: 123 }), ['user', 'user:123', 'organization:456']);
      await cacheWithTags('user:124', JSON.stringify({ id: 124 }), ['user', 'organization:456']);
      await cacheWithTags('user:200', JSON.stringify({ id: 200 }), ['user', 'organization:789']);
      assert.is(await c.ttl('user:123'), 3600);
      await invalidateByTag('organization:456');
      assert.is(await c.exists(['user:123', 'user:124']), 0);
      assert.is(await c.get('user:200'), JSON.stringify({ id: 200 }));
      assert.is(await c.exists('tag:organization:456'), 0);
      // The other tags still list the deleted keys (the seed does not clean them): invalidating again is harmless.
      assert.equal([...(await c.sMembers('tag:user'))].sort(), ['user:123', 'user:124', 'user:200']);
      await invalidateByTag('user');
      assert.is(await c.dbSize(), 2); // tag:user:123 and tag:organization:789 remain
    }));

  test(`ioredis RESP${resp}: tag-based invalidation (SETEX + SADD tag:*, SMEMBERS + DEL)`, () =>
    withIo(async (c) => {
      const cacheWithTags = async (key: string, value: string, tags: string[], ttl = 3600) => {
        await c.setex(key, ttl, value);
        for (const tag of tags) await c.sadd(`tag:${tag}`, key);
      };
      const invalidateByTag = async (tag: string) => {
        const keys = await c.smembers(`tag:${tag}`);
        if (keys.length) await c.del(...keys);
        await c.del(`tag:${tag}`);
      };
      await cacheWithTags('user:123', '{"id":123}', ['user', 'user:123', 'organization:456']);
      await cacheWithTags('user:200', '{"id":200}', ['user', 'organization:789']);
      await invalidateByTag('organization:456');
      assert.is(await c.exists('user:123'), 0);
      assert.is(await c.get('user:200'), '{"id":200}');
      assert.is(await c.exists('tag:organization:456'), 0);
    }));

  // --- write-behind: cache at once, queue the database write for a worker -------------------
  test(`node-redis RESP${resp}: write-behind queue served by a worker in BRPOP`, () =>
    withNode(async (c, worker) => {
      // The worker is already waiting when the first job arrives.
      const waiting = worker.brPop('queue:db-writes', 5);
      await new Promise((r) => setTimeout(r, 20));
      const updateUser = async (id: number, data: object) => {
        await c.setEx(`user:${id}`, 3600, JSON.stringify(data));
        await c.lPush('queue:db-writes', JSON.stringify({ job: 'update_user_db', id, data }));
      };
      await updateUser(1, { name: 'Ann' });
      const first = await waiting;
      assert.equal(first, { key: 'queue:db-writes', element: JSON.stringify({ job: 'update_user_db', id: 1, data: { name: 'Ann' } }) });
      // Jobs queued while the worker is busy come out oldest first (LPUSH + BRPOP is FIFO).
      await updateUser(2, { name: 'Ben' });
      await updateUser(3, { name: 'Cy' });
      const ids: number[] = [];
      for (let i = 0; i < 2; i++) {
        const job = await worker.brPop('queue:db-writes', 1);
        ids.push(JSON.parse((job as { element: string }).element).id);
      }
      assert.equal(ids, [2, 3]);
      assert.is(await c.get('user:3'), JSON.stringify({ name: 'Cy' }));
      // An empty queue: the worker's poll times out with null.
      assert.is(await worker.brPop('queue:db-writes', 0.05), null);
    }));

  test(`ioredis RESP${resp}: write-behind queue served by a worker in BRPOP`, () =>
    withIo(async (c, worker) => {
      const waiting = worker.brpop('queue:db-writes', 5);
      await new Promise((r) => setTimeout(r, 20));
      await c.setex('user:1', 3600, '{"name":"Ann"}');
      await c.lpush('queue:db-writes', 'update_user_db:1');
      assert.equal(await waiting, ['queue:db-writes', 'update_user_db:1']);
      await c.lpush('queue:db-writes', 'update_user_db:2', 'update_user_db:3');
      assert.equal(await worker.brpop('queue:db-writes', 1), ['queue:db-writes', 'update_user_db:2']);
      assert.equal(await worker.brpop('queue:db-writes', 1), ['queue:db-writes', 'update_user_db:3']);
      assert.is(await worker.brpop('queue:db-writes', 0.05), null);
    }));

  // --- pipelines with transaction=True: MULTI/EXEC ----------------------------------------
  test(`node-redis RESP${resp}: MULTI/EXEC pipeline of the seed's writes`, () =>
    withNode(async (c, other) => {
      const replies = await c
        .multi()
        .hSet('user:123', user)
        .lPush('user:123:activity', activity(1))
        .lTrim('user:123:activity', 0, 99)
        .sAdd('post:123:tags', ['python', 'redis'])
        .zAdd('trending', { value: 'post:123', score: 42 })
        .zIncrBy('trending', 1, 'post:123')
        .setEx('user:123:json', 3600, '{}')
        .exec();
      assert.equal(replies, [3, 1, 'OK', 2, 1, 43, 'OK']);
      // A runtime error fails only its own command; the rest of the transaction applies.
      const mixed = (await c.multi().incr('counter').hGet('trending', 'x').incr('counter').exec().catch((e: unknown) => e)) as {
        replies?: unknown[];
        errorIndexes?: number[];
      };
      assert.equal(mixed.errorIndexes, [1]);
      assert.is(mixed.replies?.[0], 1);
      assert.match(String(mixed.replies?.[1]), /^.*WRONGTYPE Operation against a key holding the wrong kind of value/);
      assert.is(mixed.replies?.[2], 2);
      assert.is(await c.get('counter'), '2');
      // WATCH + MULTI: another client's write in between makes EXEC fail.
      await c.watch('trending');
      await other.zIncrBy('trending', 5, 'post:123');
      const aborted = await c.multi().zIncrBy('trending', 1, 'post:123').exec().catch((e: unknown) => e);
      assert.instance(aborted, Error);
      assert.is((aborted as Error).name === 'WatchError' || (aborted as Error).constructor.name === 'WatchError', true);
      assert.is(await c.zScore('trending', 'post:123'), 48);
    }));

  test(`ioredis RESP${resp}: MULTI/EXEC pipeline of the seed's writes`, () =>
    withIo(async (c) => {
      const replies = await c
        .multi()
        .hset('user:123', user)
        .lpush('user:123:activity', activity(1))
        .ltrim('user:123:activity', 0, 99)
        .sadd('post:123:tags', 'python', 'redis')
        .zadd('trending', 42, 'post:123')
        .zincrby('trending', 1, 'post:123')
        .setex('user:123:json', 3600, '{}')
        .exec();
      assert.equal(
        replies?.map(([error, value]) => [error, String(value)]),
        [[null, '3'], [null, '1'], [null, 'OK'], [null, '2'], [null, '1'], [null, '43'], [null, 'OK']],
      );
      const mixed = await c.multi().incr('counter').hget('trending', 'x').incr('counter').exec();
      assert.is(mixed?.[0][1], 1);
      assert.match(String(mixed?.[1][0]), /WRONGTYPE/);
      assert.is(mixed?.[2][1], 2);
      // A plain pipeline (transaction=False) of the same reads.
      const reads = await c.pipeline().hgetall('user:123').lrange('user:123:activity', 0, 9).smembers('post:123:tags').zrevrank('trending', 'post:123').exec();
      assert.equal(entries(reads?.[0][1]), user);
      assert.equal(reads?.[1][1], [activity(1)]);
      assert.equal([...(reads?.[2][1] as string[])].sort(), ['python', 'redis']);
      assert.is(reads?.[3][1], 0);
    }));
}

test.run();
