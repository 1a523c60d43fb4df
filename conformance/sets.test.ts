// The set family through stock clients (node-redis in RESP3 and RESP2,
// ioredis), against replies and error texts read from a real Redis 7.0.15.
// Intset-encoded sets answer in ascending order as Redis's do; hashtable
// sets are compared as sets.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RESP_TYPES } from 'redis';
import { ioredis, nodeRedis, startTestServer, errorOf, raw, recordKeyspaceEvents } from './helpers.js';
import type { RunningServer } from '../server/index.js';

const test = suite('sets');
let server: RunningServer;
let events: string[] = [];

test.before(async () => {
  server = await startTestServer();
  server.clock.freeze();
  events = recordKeyspaceEvents(server, true);
});
test.after(async () => {
  await server.close();
});

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INTEGER = 'ERR value is not an integer or out of range';
const SYNTAX = 'ERR syntax error';
const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';

function sorted(values: unknown): string[] {
  assert.ok(Array.isArray(values), `expected an array, got ${JSON.stringify(values)}`);
  return [...(values as string[])].sort();
}

function range(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}

for (const resp of [3, 2] as const) {
  const name = (what: string) => `node-redis RESP${resp}: ${what}`;
  const k = (key: string) => `r${resp}:${key}`;

  test(name('SADD / SCARD / SISMEMBER / SMISMEMBER / SMEMBERS'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('basic');
    assert.is(await c.sAdd(key, ['a', 'b', 'c', 'a']), 3);
    assert.is(await c.sAdd(key, ['c', 'd']), 1);
    assert.is(await c.sAdd(key, 'a'), 0);
    assert.is(await c.sCard(key), 4);
    assert.is(await c.sCard(k('none')), 0);
    assert.is(await c.sIsMember(key, 'a'), 1);
    assert.is(await c.sIsMember(key, 'z'), 0);
    assert.is(await c.sIsMember(k('none'), 'a'), 0);
    assert.equal(await c.smIsMember(key, ['a', 'z', 'd']), [1, 0, 1]);
    assert.equal(await c.smIsMember(k('none'), ['a', 'b']), [0, 0]);
    assert.equal(sorted(await c.sMembers(key)), ['a', 'b', 'c', 'd']);
    assert.equal(await c.sMembers(k('none')), []);
    // The reply is a RESP3 set ('~'), an array in RESP2.
    const typed = await c.withTypeMapping({ [RESP_TYPES.SET]: Set }).sMembers(key);
    if (resp === 3) {
      assert.instance(typed, Set);
      assert.equal([...(typed as unknown as Set<string>)].sort(), ['a', 'b', 'c', 'd']);
    } else {
      assert.ok(Array.isArray(typed));
    }
    // Binary-safe members.
    assert.is(await raw(c, 'SADD', k('bin'), '\x00\xff', ''), 2);
    assert.is(await c.sIsMember(k('bin'), ''), 1);
    assert.is(await c.sIsMember(k('bin'), '\x00\xff'), 1);
    assert.is(await errorOf(raw(c, 'SADD', key)), "ERR wrong number of arguments for 'sadd' command");
    assert.is(await errorOf(raw(c, 'SISMEMBER', key, 'a', 'b')), "ERR wrong number of arguments for 'sismember' command");
    await c.quit();
  });

  test(name('OBJECT ENCODING: intset (sorted replies) until a non-integer or 513 members, then hashtable for good'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('enc');
    assert.is(await c.sAdd(key, ['10', '-5', '3', '0', '-100', '9223372036854775807', '-9223372036854775808']), 7);
    assert.is(await c.objectEncoding(key), 'intset');
    // Redis answers an intset in ascending numeric order.
    const ascending = ['-9223372036854775808', '-100', '-5', '0', '3', '10', '9223372036854775807'];
    assert.equal(await c.sMembers(key), ascending);
    assert.equal(await c.sInter(key), ascending);
    assert.equal(await c.sUnion([key, k('none')]), ascending);
    assert.equal(await c.sRandMemberCount(key, 100), ascending);
    assert.equal(await raw(c, 'SSCAN', key, '0'), ['0', ascending]);
    // Not integers in Redis's sense: '+1', '01', '-0', ' 1', out of int64 range.
    for (const m of ['+1', '01', '-0', ' 1', '9223372036854775808', 'x']) {
      await c.del(k('enc2'));
      await c.sAdd(k('enc2'), '1');
      await c.sAdd(k('enc2'), m);
      assert.is(await c.objectEncoding(k('enc2')), 'hashtable', m);
    }
    await c.del(k('enc3'));
    await c.sAdd(k('enc3'), 'a');
    assert.is(await c.objectEncoding(k('enc3')), 'hashtable');
    // A non-integer converts; removing it does not convert back.
    await c.sAdd(key, 'x');
    assert.is(await c.objectEncoding(key), 'hashtable');
    await c.sRem(key, 'x');
    assert.is(await c.objectEncoding(key), 'hashtable');
    // 512 integers stay an intset, the 513th converts.
    const big = k('big');
    assert.is(await c.sAdd(big, range(1, 512)), 512);
    assert.is(await c.objectEncoding(big), 'intset');
    assert.is(await c.sAdd(big, '512'), 0);
    assert.is(await c.objectEncoding(big), 'intset');
    assert.is(await c.sAdd(big, '513'), 1);
    assert.is(await c.objectEncoding(big), 'hashtable');
    // Store results start as intsets too.
    assert.is(await c.sInterStore(k('st'), [big, big]), 513);
    assert.is(await c.objectEncoding(k('st')), 'hashtable');
    assert.is(await c.sAdd(k('few'), ['1', '2', 'x']), 3);
    assert.is(await c.sInterStore(k('st'), [k('few'), big]), 2);
    assert.is(await c.objectEncoding(k('st')), 'intset');
    // COPY keeps the encoding and copies deeply.
    assert.is(await raw(c, 'COPY', key, k('copy')), 1);
    assert.is(await c.objectEncoding(k('copy')), 'hashtable');
    await c.sAdd(k('copy'), 'only-in-copy');
    assert.is(await c.sIsMember(key, 'only-in-copy'), 0);
    await c.quit();
  });

  test(name('SREM deletes the key when the set empties; keyspace events'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('rem');
    await c.sAdd(key, ['a', 'b', 'c']);
    events.length = 0;
    assert.is(await c.sRem(key, ['a', 'z']), 1);
    assert.is(await c.sRem(key, 'z'), 0);
    assert.is(await c.sRem(k('none'), 'z'), 0);
    assert.is(await c.sRem(key, ['b', 'c', 'd']), 2);
    assert.is(await c.exists(key), 0);
    assert.equal(events, [`0:s:srem:${key}`, `0:s:srem:${key}`, `0:g:del:${key}`]);
    assert.is(await c.type(key), 'none');
    await c.quit();
  });

  test(name('SMOVE'), async () => {
    const c = await nodeRedis(server, resp);
    const [src, dst] = [k('mv-src'), k('mv-dst')];
    await c.sAdd(src, ['1', '2']);
    await c.set(k('str'), 'x');
    events.length = 0;
    assert.is(await c.sMove(src, dst, '1'), 1);
    assert.equal(events, [`0:s:srem:${src}`, `0:s:sadd:${dst}`]);
    assert.is(await c.objectEncoding(dst), 'intset');
    assert.is(await c.sMove(src, dst, '9'), 0);
    assert.is(await c.sMove(src, src, '2'), 1);
    assert.is(await c.sMove(src, src, '9'), 0);
    assert.is(await c.sMove(k('none'), k('str'), '1'), 0);
    assert.is(await errorOf(c.sMove(src, k('str'), '2')), WRONGTYPE);
    assert.is(await errorOf(c.sMove(k('str'), src, '2')), WRONGTYPE);
    // Moving the last member deletes the source.
    await c.sAdd(dst, '2');
    events.length = 0;
    assert.is(await c.sMove(src, dst, '2'), 1);
    assert.equal(events, [`0:s:srem:${src}`, `0:g:del:${src}`]);
    assert.is(await c.exists(src), 0);
    assert.equal(await c.sMembers(dst), ['1', '2']);
    await c.quit();
  });

  test(name('SPOP with and without count'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('pop');
    const all = range(1, 50);
    await c.sAdd(key, all);
    const seen = new Set<string>();
    const one = await c.sPop(key);
    assert.ok(typeof one === 'string' && all.includes(one));
    seen.add(one as string);
    const some = (await c.sPopCount(key, 10)) as string[];
    assert.is(some.length, 10);
    for (const m of some) {
      assert.ok(all.includes(m) && !seen.has(m), m);
      seen.add(m);
    }
    assert.is(await c.sCard(key), 39);
    for (const m of seen) assert.is(await c.sIsMember(key, m), 0);
    assert.equal(await raw(c, 'SPOP', key, '0'), []);
    // A count past the size pops everything (in order, for an intset) and deletes the key.
    const rest = (await c.sPopCount(key, 1000)) as string[];
    assert.is(rest.length, 39);
    assert.equal(rest, [...rest].sort((a, b) => Number(a) - Number(b)));
    for (const m of rest) seen.add(m);
    assert.is(seen.size, 50);
    assert.is(await c.exists(key), 0);
    assert.is(await c.sPop(key), null);
    assert.equal(await c.sPopCount(key, 3), []);
    await c.sAdd(key, 'last');
    events.length = 0;
    assert.is(await c.sPop(key), 'last');
    assert.equal(events, [`0:s:spop:${key}`, `0:g:del:${key}`]);
    assert.is(await errorOf(raw(c, 'SPOP', key, '-1')), MUST_BE_POSITIVE);
    assert.is(await errorOf(raw(c, 'SPOP', key, 'x')), MUST_BE_POSITIVE);
    assert.is(await errorOf(raw(c, 'SPOP', key, '1', '2')), SYNTAX);
    await c.quit();
  });

  test(name('SRANDMEMBER: single, distinct count, negative count with repeats'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('rand');
    const all = ['a', 'b', 'c', 'd', 'e'];
    await c.sAdd(key, all);
    for (let i = 0; i < 20; i++) assert.ok(all.includes((await c.sRandMember(key)) as string));
    const three = (await c.sRandMemberCount(key, 3)) as string[];
    assert.is(three.length, 3);
    assert.is(new Set(three).size, 3);
    for (const m of three) assert.ok(all.includes(m));
    assert.equal(sorted(await c.sRandMemberCount(key, 5)), all);
    assert.equal(sorted(await c.sRandMemberCount(key, 99)), all);
    const many = (await c.sRandMemberCount(key, -40)) as string[];
    assert.is(many.length, 40);
    for (const m of many) assert.ok(all.includes(m));
    assert.ok(new Set(many).size < 40, 'a negative count repeats members');
    assert.equal(await c.sRandMemberCount(key, 0), []);
    assert.is(await c.sCard(key), 5, 'SRANDMEMBER never removes');
    assert.is(await c.sRandMember(k('none')), null);
    assert.equal(await c.sRandMemberCount(k('none'), 5), []);
    assert.is(
      await errorOf(raw(c, 'SRANDMEMBER', key, '-9223372036854775808')),
      'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    );
    assert.is(await errorOf(raw(c, 'SRANDMEMBER', key, '9223372036854775808')), NOT_INTEGER);
    assert.is(await errorOf(raw(c, 'SRANDMEMBER', key, 'x')), NOT_INTEGER);
    assert.is(await errorOf(raw(c, 'SRANDMEMBER', key, '1', '2')), SYNTAX);
    await c.quit();
  });

  test(name('SINTER / SUNION / SDIFF and their STORE forms'), async () => {
    const c = await nodeRedis(server, resp);
    const [a, b, d] = [k('alg-a'), k('alg-b'), k('alg-dst')];
    await c.sAdd(a, ['x', 'y', 'z', '1']);
    await c.sAdd(b, ['y', 'z', 'w']);
    assert.equal(sorted(await c.sInter([a, b])), ['y', 'z']);
    assert.equal(await c.sInter([a, k('none')]), []);
    assert.equal(sorted(await c.sUnion([a, b, k('none')])), ['1', 'w', 'x', 'y', 'z']);
    assert.equal(sorted(await c.sDiff([a, b])), ['1', 'x']);
    assert.equal(await c.sDiff([k('none'), a]), []);
    assert.equal(sorted(await c.sDiff([a, k('none')])), ['1', 'x', 'y', 'z']);
    const typed = await c.withTypeMapping({ [RESP_TYPES.SET]: Set }).sInter([a, b]);
    assert.ok(resp === 3 ? typed instanceof Set : Array.isArray(typed));

    await c.set(d, 'old', { EX: 100 });
    events.length = 0;
    assert.is(await c.sInterStore(d, [a, b]), 2);
    assert.is(await c.ttl(d), -1, 'the destination loses its TTL');
    assert.equal(sorted(await c.sMembers(d)), ['y', 'z']);
    assert.is(await c.sUnionStore(d, [a, b]), 5);
    assert.is(await c.sDiffStore(d, [a, b]), 2);
    assert.equal(sorted(await c.sMembers(d)), ['1', 'x']);
    assert.equal(events, [`0:s:sinterstore:${d}`, `0:s:sunionstore:${d}`, `0:s:sdiffstore:${d}`]);
    // The destination may be a source.
    assert.is(await c.sUnionStore(d, [d, b]), 5);
    // An empty result deletes the destination.
    events.length = 0;
    assert.is(await c.sInterStore(d, [a, k('none')]), 0);
    assert.is(await c.exists(d), 0);
    assert.equal(events, [`0:g:del:${d}`]);
    await c.set(d, 'string');
    assert.is(await c.sDiffStore(d, [a, a]), 0);
    assert.is(await c.exists(d), 0);
    assert.is(await c.sUnionStore(d, [k('none')]), 0);
    // A string destination is overwritten, a string source is WRONGTYPE (even after a missing key).
    await c.set(d, 'string');
    assert.is(await c.sUnionStore(d, [a]), 4);
    assert.is(await c.type(d), 'set');
    await c.set(k('str'), 'x');
    assert.is(await errorOf(c.sInter([k('none'), k('str')])), WRONGTYPE);
    assert.is(await errorOf(c.sUnion([a, k('str')])), WRONGTYPE);
    assert.is(await errorOf(c.sDiff([k('none'), k('str')])), WRONGTYPE);
    assert.is(await errorOf(c.sInterStore(d, [a, k('str')])), WRONGTYPE);
    assert.is(await errorOf(c.sUnionStore(d, [k('str')])), WRONGTYPE);
    assert.is(await errorOf(c.sDiffStore(d, [a, k('str')])), WRONGTYPE);
    assert.is(await errorOf(raw(c, 'SINTERSTORE', d)), "ERR wrong number of arguments for 'sinterstore' command");
    await c.quit();
  });

  test(name('SINTERCARD: LIMIT, errors, movable keys'), async () => {
    const c = await nodeRedis(server, resp);
    const [a, b] = [k('card-a'), k('card-b')];
    await c.sAdd(a, range(1, 10));
    await c.sAdd(b, range(5, 20));
    assert.is(await c.sInterCard([a, b]), 6);
    assert.is(await c.sInterCard([a, b], { LIMIT: 3 }), 3);
    assert.is(await c.sInterCard([a, b], { LIMIT: 0 }), 6);
    assert.is(await c.sInterCard([a, b], { LIMIT: 100 }), 6);
    assert.is(await c.sInterCard([a, k('none')]), 0);
    assert.is(await raw(c, 'SINTERCARD', '1', a, 'limit', '1', 'LIMIT', '4'), 4);
    await c.set(k('str'), 'x');
    const cases: Array<[string[], string]> = [
      [['0', a], 'ERR numkeys should be greater than 0'],
      [['-1', a], 'ERR numkeys should be greater than 0'],
      [['x', a], 'ERR numkeys should be greater than 0'],
      [['9223372036854775808', a], 'ERR numkeys should be greater than 0'],
      [['3', a, b], "ERR Number of keys can't be greater than number of args"],
      [['1', a, 'LIMIT', '-1'], "ERR LIMIT can't be negative"],
      [['1', a, 'LIMIT', 'x'], "ERR LIMIT can't be negative"],
      [['1', k('none'), 'LIMIT', '-1'], "ERR LIMIT can't be negative"],
      [['1', a, 'LIMIT'], SYNTAX],
      [['1', a, 'foo'], SYNTAX],
      [['2', k('none'), k('str')], WRONGTYPE],
    ];
    for (const [args, error] of cases) assert.is(await errorOf(raw(c, 'SINTERCARD', ...args)), error, args.join(' '));
    assert.equal(await raw(c, 'COMMAND', 'GETKEYS', 'SINTERCARD', '2', a, b, 'LIMIT', '1'), [a, b]);
    await c.quit();
  });

  test(name('SSCAN: whole intsets, cursor walk over hashtables, MATCH and COUNT'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('scan');
    const members = Array.from({ length: 300 }, (_, i) => `m${i}`);
    await c.sAdd(key, members);
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, batch] = (await raw(c, 'SSCAN', key, cursor, 'COUNT', '25')) as [string, string[]];
      for (const m of batch) seen.add(m);
      cursor = next;
      calls++;
    } while (cursor !== '0' && calls < 1000);
    assert.is(seen.size, 300);
    assert.ok(calls > 1, 'a hashtable is walked in several calls');
    const matched = new Set<string>();
    cursor = '0';
    do {
      const reply = await c.sScan(key, cursor, { MATCH: 'm1?', COUNT: 1000 });
      for (const m of reply.members) matched.add(m);
      cursor = reply.cursor;
    } while (cursor !== '0');
    assert.equal([...matched].sort(), range(10, 19).map((n) => `m${n}`));
    await c.sAdd(k('iscan'), ['3', '1', '2', '11']);
    assert.equal(await raw(c, 'SSCAN', k('iscan'), '0', 'COUNT', '1'), ['0', ['1', '2', '3', '11']]);
    assert.equal(await raw(c, 'SSCAN', k('iscan'), '0', 'MATCH', '1*'), ['0', ['1', '11']]);
    assert.equal(await raw(c, 'SSCAN', k('none'), '0'), ['0', []]);
    assert.equal(await raw(c, 'SSCAN', k('none'), '0', 'COUNT', 'x'), ['0', []]);
    assert.is(await errorOf(raw(c, 'SSCAN', key, 'x')), 'ERR invalid cursor');
    assert.is(await errorOf(raw(c, 'SSCAN', key, '0', 'COUNT', '0')), SYNTAX);
    assert.is(await errorOf(raw(c, 'SSCAN', key, '0', 'COUNT', 'x')), NOT_INTEGER);
    assert.is(await errorOf(raw(c, 'SSCAN', key, '0', 'TYPE', 'set')), SYNTAX);
    assert.is(await errorOf(raw(c, 'SSCAN', key, '0', 'MATCH')), SYNTAX);
    await c.quit();
  });

  test(name('WRONGTYPE from every set command'), async () => {
    const c = await nodeRedis(server, resp);
    const s = k('wrong');
    await c.set(s, 'x');
    for (const args of [
      ['SADD', s, 'a'],
      ['SREM', s, 'a'],
      ['SISMEMBER', s, 'a'],
      ['SMISMEMBER', s, 'a'],
      ['SMEMBERS', s],
      ['SCARD', s],
      ['SPOP', s],
      ['SPOP', s, '0'],
      ['SRANDMEMBER', s],
      ['SRANDMEMBER', s, '0'],
      ['SINTER', s],
      ['SINTERCARD', '1', s],
      ['SUNION', s],
      ['SDIFF', s],
      ['SSCAN', s, '0'],
      ['SSCAN', s, '0', 'COUNT', 'x'],
    ]) {
      assert.is(await errorOf(raw(c, ...args)), WRONGTYPE, args.join(' '));
    }
    assert.is(await errorOf(raw(c, 'SSCAN', s, 'x')), 'ERR invalid cursor');
    assert.is(await c.get(s), 'x');
    await c.quit();
  });

  test(name('tag-based invalidation (the seed pattern)'), async () => {
    const c = await nodeRedis(server, resp);
    const tag = (t: string) => k(`tag:${t}`);
    const cacheWithTags = async (key: string, value: string, tags: string[]) => {
      await c.setEx(key, 3600, value);
      for (const t of tags) await c.sAdd(tag(t), key);
    };
    await cacheWithTags(k('user:123'), '{"id":123}', ['user', 'user:123', 'organization:456']);
    await cacheWithTags(k('user:124'), '{"id":124}', ['user', 'organization:456']);
    await cacheWithTags(k('user:200'), '{"id":200}', ['user', 'organization:789']);
    assert.is(await c.sIsMember(tag('user'), k('user:124')), 1);
    assert.equal(sorted(await c.sInter([tag('user'), tag('organization:456')])), [k('user:123'), k('user:124')]);
    const keys = await c.sMembers(tag('organization:456'));
    assert.is(await c.del(keys), 2);
    await c.del(tag('organization:456'));
    assert.is(await c.get(k('user:123')), null);
    assert.is(await c.get(k('user:200')), '{"id":200}');
    assert.equal(await c.sInter([tag('user'), tag('organization:456')]), []);
    // Post tags and common tags.
    await c.sAdd(k('post:123:tags'), ['python', 'redis', 'caching']);
    await c.sAdd(k('post:456:tags'), ['redis', 'caching', 'go']);
    assert.is(await c.sIsMember(k('post:123:tags'), 'python'), 1);
    assert.equal(sorted(await c.sInter([k('post:123:tags'), k('post:456:tags')])), ['caching', 'redis']);
    await c.quit();
  });
}

for (const protocol of [3, 2] as const) {
  test(`ioredis RESP${protocol}: set commands and tag-based invalidation`, async () => {
    const c = await ioredis(server, protocol);
    try {
      const p = `io${protocol}:`;
      assert.is(await c.sadd(`${p}tags`, 'python', 'redis', 'caching'), 3);
      assert.is(await c.sadd(`${p}other`, 'redis', 'go'), 2);
      assert.is(await c.sismember(`${p}tags`, 'python'), 1);
      assert.equal(await c.smismember(`${p}tags`, 'python', 'go'), [1, 0]);
      assert.equal(await c.sinter(`${p}tags`, `${p}other`), ['redis']);
      assert.equal([...(await c.sunion(`${p}tags`, `${p}other`))].sort(), ['caching', 'go', 'python', 'redis']);
      assert.equal([...(await c.sdiff(`${p}tags`, `${p}other`))].sort(), ['caching', 'python']);
      assert.is(await c.sintercard(2, `${p}tags`, `${p}other`), 1);
      assert.is(await c.scard(`${p}tags`), 3);
      assert.equal(await c.smembers(`${p}ints`), []);
      await c.sadd(`${p}ints`, 3, 1, 2);
      assert.equal(await c.smembers(`${p}ints`), ['1', '2', '3']);
      assert.is(await c.object('ENCODING', `${p}ints`), 'intset');
      assert.is(await c.smove(`${p}ints`, `${p}dst`, '2'), 1);
      assert.equal(await c.sscan(`${p}ints`, '0'), ['0', ['1', '3']]);
      assert.is(await c.sinterstore(`${p}dst`, `${p}ints`, `${p}none`), 0);
      assert.is(await c.exists(`${p}dst`), 0);
      const popped = await c.spop(`${p}ints`, 5);
      assert.equal([...popped].sort(), ['1', '3']);
      assert.is(await c.exists(`${p}ints`), 0);

      // The tag pattern.
      await c.setex(`${p}user:123`, 3600, 'u123');
      await c.setex(`${p}user:124`, 3600, 'u124');
      for (const t of ['user', 'organization:456']) await c.sadd(`${p}tag:${t}`, `${p}user:123`, `${p}user:124`);
      const keys = await c.smembers(`${p}tag:organization:456`);
      assert.is(keys.length, 2);
      assert.is(await c.del(...keys), 2);
      await c.del(`${p}tag:organization:456`);
      assert.is(await c.get(`${p}user:123`), null);
      assert.is(await c.exists(`${p}tag:organization:456`), 0);
      await c.set(`${p}str`, 'x');
      try {
        await c.sadd(`${p}str`, 'a');
        assert.unreachable('SADD on a string must fail');
      } catch (error) {
        if (error instanceof assert.Assertion) throw error;
        assert.is((error as Error).message, WRONGTYPE);
      }
    } finally {
      c.disconnect();
    }
  });
}

// Speed is measured in bench/, never asserted in tests: here only the results on a large set.
test('SRANDMEMBER / SPOP with a count on a large set', async () => {
  const c = await nodeRedis(server, 3);
  const key = 'bigset';
  const n = 200_000;
  for (let i = 0; i < n; i += 10_000) await c.sAdd(key, range(i, i + 9_999).map((x) => `e${x}`));
  assert.is(await c.sCard(key), n);
  const sampled = (await c.sRandMemberCount(key, 5)) as string[];
  assert.is(new Set(sampled).size, 5);
  const popped = (await c.sPopCount(key, 1000)) as string[];
  assert.is(new Set(popped).size, 1000);
  assert.is(await c.sCard(key), n - 1000);
  for (const member of popped.slice(0, 20)) assert.is(await c.sIsMember(key, member), 0);
  await c.quit();
});

test.run();
