// The string family through stock clients (node-redis in RESP3 and RESP2,
// ioredis), against replies and error texts read from a real Redis 7.0.15.
// Time moves with the server's clock (advance), never by sleeping.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { gzipSync, gunzipSync } from 'node:zlib';
import { RESP_TYPES } from 'redis';
import { ioredis, nodeRedis, startTestServer, errorOf, raw, recordKeyspaceEvents } from './helpers.js';
import type { RunningServer } from '../server/index.js';

const test = suite('strings');
let server: RunningServer;
let events: string[] = [];

test.before(async () => {
  server = await startTestServer();
  // Time stands still unless a test advances it, so expire times can be asserted exactly.
  server.clock.freeze();
  events = recordKeyspaceEvents(server, true);
});
test.after(async () => {
  await server.close();
});

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INTEGER = 'ERR value is not an integer or out of range';
const NOT_FLOAT = 'ERR value is not a valid float';
const SYNTAX = 'ERR syntax error';

/** The error text a promise rejects with (fails the test if it resolves). */

/** A key holding a hash, made directly in the keyspace (the hash family is someone else's). */
function makeHash(key: string): void {
  const db = server.server.dbs[0];
  db.remove(key);
  db.add(key, 'hash', new Map([['f', 'v']]));
}

function expireAtOf(key: string): number | undefined {
  return server.server.dbs[0].peek(key)?.expireAt;
}

for (const resp of [3, 2] as const) {
  const name = (what: string) => `node-redis RESP${resp}: ${what}`;
  const k = (key: string) => `r${resp}:${key}`;

  test(name('GET / SET and SET options'), async () => {
    const c = await nodeRedis(server, resp);
    assert.is(await c.get(k('none')), null);
    assert.is(await c.set(k('a'), 'v1'), 'OK');
    assert.is(await c.get(k('a')), 'v1');
    assert.is(await c.set(k('a'), 'v2', { condition: 'NX' }), null);
    assert.is(await c.set(k('a'), 'v2', { condition: 'XX' }), 'OK');
    assert.is(await c.set(k('b'), 'x', { condition: 'XX' }), null);
    assert.is(await c.get(k('b')), null);
    assert.is(await c.set(k('a'), 'v3', { GET: true }), 'v2');
    assert.is(await c.set(k('c'), 'new', { GET: true }), null);
    assert.is(await c.get(k('c')), 'new');
    // NX with GET: the old value, and nothing set.
    assert.is(await raw(c, 'SET', k('a'), 'zzz', 'NX', 'GET'), 'v3');
    assert.is(await c.get(k('a')), 'v3');
    assert.is(await raw(c, 'SET', k('nx'), 'n', 'NX', 'GET'), null);
    assert.is(await c.get(k('nx')), 'n');
    assert.is(await raw(c, 'SET', k('xx'), 'n', 'XX', 'GET'), null);
    assert.is(await c.get(k('xx')), null);
    // Repeating the same option is fine; the last EX wins.
    assert.is(await raw(c, 'SET', k('a'), 'v', 'EX', '10', 'EX', '20'), 'OK');
    assert.is(expireAtOf(k('a')), server.clock.now() + 20000);
    assert.is(await raw(c, 'SET', k('a'), 'v', 'keepttl', 'keepttl'), 'OK');
    assert.is(await c.quit(), 'OK');
  });

  test(name('SET syntax errors and invalid expire times'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('e');
    for (const args of [
      ['NX', 'XX'],
      ['XX', 'NX'],
      ['EX', '10', 'PX', '100'],
      ['KEEPTTL', 'EX', '10'],
      ['EX', '10', 'KEEPTTL'],
      ['EXAT', '10', 'PXAT', '10'],
      ['EX'],
      ['PERSIST'],
      ['foo'],
    ]) {
      assert.is(await errorOf(raw(c, 'SET', key, 'v', ...args)), SYNTAX, args.join(' '));
    }
    const invalid = "ERR invalid expire time in 'set' command";
    for (const args of [
      ['EX', '0'],
      ['EX', '-1'],
      ['PX', '0'],
      ['PXAT', '-5'],
      ['EX', '9223372036854775'], // times 1000 plus now overflows int64
      ['EX', '9223372036854776'],
      ['PX', '9223372036854775807'],
    ]) {
      assert.is(await errorOf(raw(c, 'SET', key, 'v', ...args)), invalid, args.join(' '));
    }
    assert.is(await errorOf(raw(c, 'SET', key, 'v', 'EX', 'abc')), NOT_INTEGER);
    assert.is(await errorOf(raw(c, 'SET', key, 'v', 'EX', '1.5')), NOT_INTEGER);
    assert.is(await errorOf(raw(c, 'SET', key, 'v', 'EX', '99999999999999999999')), NOT_INTEGER);
    // Absolute times far away are fine (no now added).
    assert.is(await raw(c, 'SET', key, 'v', 'EXAT', '9223372036854775'), 'OK');
    assert.is(await raw(c, 'SET', key, 'v', 'PXAT', '9223372036854775807'), 'OK');
    assert.is(await c.get(key), 'v');
    // Nothing was written by the refused commands before.
    assert.is(await c.get(k('never')), null);
    assert.is(await errorOf(raw(c, 'SET', k('never'), 'v', 'EX', '0')), invalid);
    assert.is(await c.get(k('never')), null);
    assert.is(await errorOf(raw(c, 'SETEX', key, '0', 'v')), "ERR invalid expire time in 'setex' command");
    assert.is(await errorOf(raw(c, 'SETEX', key, '9223372036854775807', 'v')), "ERR invalid expire time in 'setex' command");
    assert.is(await errorOf(raw(c, 'PSETEX', key, '-5', 'v')), "ERR invalid expire time in 'psetex' command");
    assert.is(await errorOf(raw(c, 'SETEX', key, 'abc', 'v')), NOT_INTEGER);
    assert.is(await errorOf(raw(c, 'SET', key)), "ERR wrong number of arguments for 'set' command");
    await c.quit();
  });

  test(name('TTLs: SET EX/PX/EXAT/PXAT/KEEPTTL, SETEX, PSETEX, expiry on the clock'), async () => {
    const c = await nodeRedis(server, resp);
    const now = server.clock.now();
    assert.is(await c.set(k('t1'), 'v', { expiration: { type: 'PX', value: 100 } }), 'OK');
    assert.is(expireAtOf(k('t1')), now + 100);
    assert.is(await c.set(k('t2'), 'v', { expiration: { type: 'EX', value: 10 } }), 'OK');
    assert.is(expireAtOf(k('t2')), now + 10000);
    assert.is(await c.setEx(k('t3'), 5, 'v'), 'OK');
    assert.is(expireAtOf(k('t3')), now + 5000);
    assert.is(await c.pSetEx(k('t4'), 250, 'v'), 'OK');
    assert.is(expireAtOf(k('t4')), now + 250);
    assert.is(await raw(c, 'SET', k('t5'), 'v', 'EXAT', String(Math.floor(now / 1000) + 100)), 'OK');
    assert.is(expireAtOf(k('t5')), (Math.floor(now / 1000) + 100) * 1000);
    assert.is(await raw(c, 'SET', k('t6'), 'v', 'PXAT', String(now + 777)), 'OK');
    assert.is(expireAtOf(k('t6')), now + 777);

    // KEEPTTL keeps it, a plain SET drops it.
    assert.is(await c.set(k('t2'), 'w', { expiration: 'KEEPTTL' }), 'OK');
    assert.is(expireAtOf(k('t2')), now + 10000);
    assert.is(await c.set(k('t3'), 'w'), 'OK');
    assert.is(expireAtOf(k('t3')), -1);

    // A key lives while now <= expireAt.
    server.clock.advance(100);
    assert.is(await c.get(k('t1')), 'v');
    server.clock.advance(1);
    const misses = server.server.stats.keyspaceMisses;
    assert.is(await c.get(k('t1')), null);
    assert.is(server.server.stats.keyspaceMisses, misses + 1, 'an expired key is a miss');
    assert.is(server.server.dbs[0].peek(k('t1')), undefined, 'and it is removed');
    assert.is(await c.strLen(k('t1')), 0);
    server.clock.advance(10000);
    assert.is(await c.get(k('t2')), null);
    assert.is(await c.get(k('t3')), 'w');
    assert.is(await c.get(k('t4')), null);

    // An absolute time in the past: the key reads as missing.
    assert.is(await raw(c, 'SET', k('t7'), 'v', 'EXAT', '1'), 'OK');
    assert.is(await c.get(k('t7')), null);
    // An expired key is gone for SET NX and counts as missing for INCR / APPEND.
    await c.set(k('t8'), '10', { expiration: { type: 'PX', value: 5 } });
    server.clock.advance(6);
    assert.is(await c.set(k('t8'), 'again', { condition: 'NX' }), 'OK');
    await c.set(k('t9'), '10', { expiration: { type: 'PX', value: 5 } });
    server.clock.advance(6);
    assert.is(await c.incr(k('t9')), 1);
    await c.quit();
  });

  test(name('SETNX, GETSET, GETDEL'), async () => {
    const c = await nodeRedis(server, resp);
    assert.is(await c.setNX(k('n'), 'first'), 1);
    assert.is(await c.setNX(k('n'), 'second'), 0);
    assert.is(await c.get(k('n')), 'first');
    await c.set(k('g'), 'old', { expiration: { type: 'EX', value: 100 } });
    assert.is(await c.getSet(k('g'), 'new'), 'old');
    assert.is(expireAtOf(k('g')), -1, 'GETSET drops the TTL');
    assert.is(await c.getSet(k('g2'), 'x'), null);
    assert.is(await c.get(k('g2')), 'x');
    assert.is(await c.getDel(k('g')), 'new');
    assert.is(await c.getDel(k('g')), null);
    assert.is(await c.get(k('g')), null);
    await c.quit();
  });

  test(name('GETEX: EX/PX/EXAT/PXAT/PERSIST, errors and their order'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('gx');
    const now = server.clock.now();
    await c.set(key, 'val');
    assert.is(await c.getEx(key, { type: 'EX', value: 10 }), 'val');
    assert.is(expireAtOf(key), now + 10000);
    assert.is(await c.getEx(key, { type: 'PX', value: 50 }), 'val');
    assert.is(expireAtOf(key), now + 50);
    assert.is(await raw(c, 'GETEX', key, 'EXAT', String(Math.floor(now / 1000) + 60)), 'val');
    assert.is(expireAtOf(key), (Math.floor(now / 1000) + 60) * 1000);
    assert.is(await raw(c, 'GETEX', key, 'PXAT', String(now + 999)), 'val');
    assert.is(expireAtOf(key), now + 999);
    assert.is(await c.getEx(key, { type: 'PERSIST' }), 'val');
    assert.is(expireAtOf(key), -1);
    assert.is(await raw(c, 'GETEX', key), 'val');
    // PXAT in the past deletes the key, after replying its value.
    assert.is(await raw(c, 'GETEX', key, 'PXAT', '1'), 'val');
    assert.is(await c.get(key), null);

    await c.set(key, 'val');
    for (const args of [['PERSIST', 'EX', '10'], ['EX', '10', 'PERSIST'], ['NX'], ['KEEPTTL'], ['GET'], ['EX'], ['foo']]) {
      assert.is(await errorOf(raw(c, 'GETEX', key, ...args)), SYNTAX, args.join(' '));
    }
    // The expire value is checked only once a string was found.
    assert.is(await raw(c, 'GETEX', k('missing'), 'EX', 'abc'), null);
    assert.is(await raw(c, 'GETEX', k('missing'), 'EX', '0'), null);
    assert.is(await errorOf(raw(c, 'GETEX', key, 'EX', 'abc')), NOT_INTEGER);
    assert.is(await errorOf(raw(c, 'GETEX', key, 'EX', '0')), "ERR invalid expire time in 'getex' command");
    assert.is(await errorOf(raw(c, 'GETEX', k('missing'), 'foo')), SYNTAX);
    // GETEX's expiry takes effect on the clock.
    assert.is(await c.getEx(key, { type: 'PX', value: 10 }), 'val');
    server.clock.advance(11);
    assert.is(await c.getEx(key, { type: 'PERSIST' }), null);
    await c.quit();
  });

  test(name('MGET, MSET, MSETNX'), async () => {
    const c = await nodeRedis(server, resp);
    assert.is(await c.mSet([k('m1'), 'a', k('m2'), 'b']), 'OK');
    makeHash(k('mh'));
    assert.equal(await c.mGet([k('m1'), k('m2'), k('mnone'), k('mh')]), ['a', 'b', null, null]);
    assert.is(await errorOf(raw(c, 'MSET', k('m1'))), "ERR wrong number of arguments for 'mset' command");
    assert.is(await errorOf(raw(c, 'MSET', k('m1'), '1', k('m2'))), "ERR wrong number of arguments for 'mset' command");
    assert.is(await errorOf(raw(c, 'MSETNX', k('m1'), '1', k('m2'))), "ERR wrong number of arguments for 'msetnx' command");
    assert.is(await c.mSetNX([k('m1'), 'x', k('m3'), 'y']), 0);
    assert.is(await c.get(k('m3')), null);
    assert.is(await c.mSetNX([k('m3'), 'x', k('m4'), 'y']), 1);
    assert.equal(await c.mGet([k('m3'), k('m4')]), ['x', 'y']);
    // Duplicate keys: the last value wins.
    assert.is(await c.mSet([k('m5'), '1', k('m5'), '2']), 'OK');
    assert.is(await c.get(k('m5')), '2');
    // MSET overwrites any type and drops TTLs.
    await c.set(k('m6'), 'v', { expiration: { type: 'EX', value: 100 } });
    assert.is(await c.mSet([k('mh'), 'now a string', k('m6'), 'w']), 'OK');
    assert.is(await c.get(k('mh')), 'now a string');
    assert.is(expireAtOf(k('m6')), -1);
    await c.quit();
  });

  test(name('INCR, DECR, INCRBY, DECRBY with int64 limits'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('i');
    assert.is(await c.incr(key), 1);
    assert.is(await c.incrBy(key, 100), 101);
    assert.is(await c.decrBy(key, 50), 51);
    assert.is(await c.decr(key), 50);
    assert.is(await c.get(key), '50');
    // Past 2^53 the arithmetic stays exact.
    const exact = { typeMapping: { [RESP_TYPES.NUMBER]: String } };
    assert.is(await c.sendCommand(['INCRBY', key, '9007199254740991'], exact), '9007199254741041');
    assert.is(await c.get(key), '9007199254741041');
    await c.set(key, '9223372036854775806');
    assert.is(await c.sendCommand(['INCR', key], exact), '9223372036854775807');
    assert.is(await c.get(key), '9223372036854775807');
    assert.is(await errorOf(c.incr(key)), 'ERR increment or decrement would overflow');
    assert.is(await c.get(key), '9223372036854775807');
    await c.set(key, '-9223372036854775807');
    assert.is(await c.sendCommand(['DECR', key], exact), '-9223372036854775808');
    assert.is(await errorOf(c.decr(key)), 'ERR increment or decrement would overflow');
    await c.set(key, '1');
    assert.is(await errorOf(raw(c, 'INCRBY', key, '9223372036854775807')), 'ERR increment or decrement would overflow');
    assert.is(await errorOf(raw(c, 'DECRBY', key, '-9223372036854775808')), 'ERR decrement would overflow');
    // The argument is checked before the key (even a key of another type).
    makeHash(k('ih'));
    assert.is(await errorOf(raw(c, 'DECRBY', k('ih'), '-9223372036854775808')), 'ERR decrement would overflow');
    assert.is(await errorOf(raw(c, 'INCRBY', k('ih'), 'abc')), NOT_INTEGER);
    assert.is(await errorOf(c.incr(k('ih'))), WRONGTYPE);
    for (const bad of ['1.5', ' 1', '1 ', '+1', '01', '-0', '', '9223372036854775808', '99999999999999999999']) {
      assert.is(await errorOf(raw(c, 'INCRBY', key, bad)), NOT_INTEGER, JSON.stringify(bad));
    }
    for (const stored of [' 1', '1.0', '007', '-0', '', 'abc', '9223372036854775808']) {
      await c.set(key, stored);
      assert.is(await errorOf(c.incr(key)), NOT_INTEGER, JSON.stringify(stored));
    }
    // INCR keeps a TTL.
    await c.set(key, '5', { expiration: { type: 'EX', value: 100 } });
    const at = expireAtOf(key);
    assert.is(await c.incr(key), 6);
    assert.is(expireAtOf(key), at);
    await c.quit();
  });

  test(name('INCRBYFLOAT: long double results, formats, errors'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('f');
    await c.set(key, '0.1');
    assert.is(await c.incrByFloat(key, 0.2), '0.3');
    await c.set(key, '10.50');
    assert.is(await c.incrByFloat(key, 0.1), '10.6');
    await c.set(key, '5.0e3');
    assert.is(await raw(c, 'INCRBYFLOAT', key, '2.0e2'), '5200');
    assert.is(await c.get(key), '5200');
    assert.is(await raw(c, 'INCRBYFLOAT', k('fnew'), '-1.5'), '-1.5');
    assert.is(await raw(c, 'INCRBYFLOAT', k('fnew'), '0x1p-3'), '-1.375');
    await c.set(key, '100');
    assert.is(await raw(c, 'INCRBYFLOAT', key, '5e-18'), '100.00000000000000001');
    await c.set(key, '12345678901234567890.5');
    assert.is(await raw(c, 'INCRBYFLOAT', key, '0'), '12345678901234567890');
    await c.set(key, '-0.000000000000000005');
    assert.is(await raw(c, 'INCRBYFLOAT', key, '0'), '0');
    await c.set(key, '1');
    for (const bad of ['nan', ' 1', '1 ', '', 'abc', '1e4933', '1e-4951', '1,5']) {
      assert.is(await errorOf(raw(c, 'INCRBYFLOAT', key, bad)), NOT_FLOAT, JSON.stringify(bad));
    }
    assert.is(await errorOf(raw(c, 'INCRBYFLOAT', key, 'inf')), 'ERR increment would produce NaN or Infinity');
    assert.is(await errorOf(raw(c, 'INCRBYFLOAT', key, '-inf')), 'ERR increment would produce NaN or Infinity');
    assert.is(await c.get(key), '1');
    await c.set(key, 'not a number');
    assert.is(await errorOf(c.incrByFloat(key, 1)), NOT_FLOAT);
    // Type is checked before the increment is parsed.
    makeHash(k('fh'));
    assert.is(await errorOf(raw(c, 'INCRBYFLOAT', k('fh'), 'abc')), WRONGTYPE);
    // It keeps a TTL.
    await c.set(key, '1', { expiration: { type: 'EX', value: 100 } });
    const at = expireAtOf(key);
    assert.is(await raw(c, 'INCRBYFLOAT', key, '1.5'), '2.5');
    assert.is(expireAtOf(key), at);
    await c.quit();
  });

  test(name('APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE'), async () => {
    const c = await nodeRedis(server, resp);
    assert.is(await c.append(k('ap'), 'abc'), 3);
    assert.is(await c.append(k('ap'), 'def'), 6);
    assert.is(await c.append(k('ap'), ''), 6);
    assert.is(await c.get(k('ap')), 'abcdef');
    assert.is(await c.strLen(k('ap')), 6);
    assert.is(await c.strLen(k('none')), 0);

    const s = k('s');
    await c.set(s, 'Hello World');
    const range = (a: string, b: string) => raw(c, 'GETRANGE', s, a, b);
    assert.is(await range('0', '-1'), 'Hello World');
    assert.is(await range('-3', '-1'), 'rld');
    assert.is(await range('-1', '-3'), '');
    assert.is(await range('5', '3'), '');
    assert.is(await range('0', '100'), 'Hello World');
    assert.is(await range('-100', '-50'), 'H'); // Redis 7.0 clamps both ends to 0
    assert.is(await range('-100', '2'), 'Hel');
    assert.is(await range('-9223372036854775808', '9223372036854775807'), 'Hello World');
    assert.is(await c.getRange(k('none'), 0, 1), '');
    assert.is(await errorOf(range('a', '1')), NOT_INTEGER);
    assert.is(await errorOf(range('0', '99999999999999999999')), NOT_INTEGER);
    assert.is(await raw(c, 'SUBSTR', s, '0', '3'), 'Hell');

    assert.is(await c.setRange(s, 6, 'Redis'), 11);
    assert.is(await c.get(s), 'Hello Redis');
    assert.is(await c.setRange(s, 5, ''), 11);
    assert.is(await c.setRange(s, 14, '!'), 15);
    assert.is(await c.get(s), 'Hello Redis\0\0\0!');
    assert.is(await c.setRange(k('sr'), 3, ''), 0);
    assert.is(await c.get(k('sr')), null, 'SETRANGE with nothing to write creates no key');
    assert.is(await c.setRange(k('sr'), 2, 'ab'), 4);
    assert.is(await c.get(k('sr')), '\0\0ab');
    assert.is(await errorOf(c.setRange(s, -1, 'x')), 'ERR offset is out of range');
    const tooBig = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
    assert.is(await errorOf(raw(c, 'SETRANGE', s, '536870912', 'x')), tooBig);
    assert.is(await errorOf(raw(c, 'SETRANGE', s, '9223372036854775807', 'x')), tooBig);
    assert.is(await errorOf(raw(c, 'SETRANGE', s, '9223372036854775808', 'x')), NOT_INTEGER);
    // APPEND and SETRANGE keep a TTL.
    await c.set(s, 'x', { expiration: { type: 'EX', value: 100 } });
    const at = expireAtOf(s);
    await c.append(s, 'y');
    await c.setRange(s, 0, 'z');
    assert.is(await c.get(s), 'zy');
    assert.is(expireAtOf(s), at);
    await c.quit();
  });

  test(name('LCS'), async () => {
    const c = await nodeRedis(server, resp);
    const a = k('lcs1');
    const b = k('lcs2');
    await c.mSet([a, 'ohmytext', b, 'mynewtext']);
    assert.is(await c.lcs(a, b), 'mytext');
    assert.is(await c.lcsLen(a, b), 6);
    assert.equal(await c.lcsIdx(a, b), {
      matches: [
        [[4, 7], [5, 8]],
        [[2, 3], [0, 1]],
      ],
      len: 6,
    });
    assert.equal(await c.lcsIdxWithMatchLen(a, b, { MINMATCHLEN: 4 }), {
      matches: [[[4, 7], [5, 8], 4]],
      len: 6,
    });
    const idx = await raw(c, 'LCS', a, b, 'IDX', 'WITHMATCHLEN');
    const expected = [
      [[4, 7], [5, 8], 4],
      [[2, 3], [0, 1], 2],
    ];
    if (resp === 3) assert.equal(idx, { matches: expected, len: 6 }, 'a map in RESP3');
    else assert.equal(idx, ['matches', expected, 'len', 6], 'a flat array in RESP2');
    assert.is(await raw(c, 'LCS', a, k('lcsnone')), '');
    const empty = await raw(c, 'LCS', a, k('lcsnone'), 'idx');
    if (resp === 3) assert.equal(empty, { matches: [], len: 0 });
    else assert.equal(empty, ['matches', [], 'len', 0]);
    assert.equal(await raw(c, 'LCS', a, b, 'MINMATCHLEN', '-5', 'IDX'), resp === 3
      ? { matches: [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], len: 6 }
      : ['matches', [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], 'len', 6]);
    assert.is(await raw(c, 'LCS', a, b, 'len', 'len', 'withmatchlen'), 6);
    const both = 'ERR If you want both the length and indexes, please just use IDX.';
    assert.is(await errorOf(raw(c, 'LCS', a, b, 'IDX', 'LEN')), both);
    assert.is(await errorOf(raw(c, 'LCS', a, b, 'MINMATCHLEN')), SYNTAX);
    assert.is(await errorOf(raw(c, 'LCS', a, b, 'MINMATCHLEN', 'x')), NOT_INTEGER);
    assert.is(await errorOf(raw(c, 'LCS', a, b, 'foo')), SYNTAX);
    makeHash(k('lcsh'));
    const lcsType = 'ERR The specified keys must contain string values';
    assert.is(await errorOf(raw(c, 'LCS', a, k('lcsh'))), lcsType);
    assert.is(await errorOf(raw(c, 'LCS', k('lcsh'), a, 'foo')), lcsType, 'type is checked before options');
    await c.mSet([a, 'abcdefghabcxyzabc', b, 'xyzabcabcdefgxyzab']);
    assert.is(await c.lcs(a, b), 'abcdefgxyzab');
    assert.equal(await c.lcsIdx(a, b, { MINMATCHLEN: 3 }), {
      matches: [[[11, 15], [13, 17]], [[0, 6], [6, 12]]],
      len: 12,
    });
    await c.quit();
  });

  test(name('WRONGTYPE from every command that reads a string'), async () => {
    const c = await nodeRedis(server, resp);
    const h = k('wrong');
    makeHash(h);
    const calls: string[][] = [
      ['GET', h],
      ['SET', h, 'v', 'GET'],
      ['GETSET', h, 'v'],
      ['GETDEL', h],
      ['GETEX', h],
      ['GETEX', h, 'EX', '10'],
      ['INCR', h],
      ['DECR', h],
      ['INCRBY', h, '2'],
      ['DECRBY', h, '2'],
      ['INCRBYFLOAT', h, '1.5'],
      ['APPEND', h, 'x'],
      ['STRLEN', h],
      ['GETRANGE', h, '0', '1'],
      ['SUBSTR', h, '0', '1'],
      ['SETRANGE', h, '0', 'x'],
    ];
    for (const call of calls) assert.is(await errorOf(c.sendCommand(call)), WRONGTYPE, call[0]);
    assert.is(server.server.dbs[0].peek(h)?.type, 'hash', 'untouched');
    // SET ... GET checks the expire time before the type.
    assert.is(await errorOf(raw(c, 'SET', h, 'v', 'GET', 'EX', '0')), "ERR invalid expire time in 'set' command");
    // SET without GET, and SETNX on a taken key, do not care about the type.
    assert.is(await c.setNX(h, 'v'), 0);
    assert.is(await c.set(h, 'v'), 'OK');
    assert.is(await c.get(h), 'v');
    await c.quit();
  });

  test(name('binary-safe keys and values: all 256 bytes, gzip round trip'), async () => {
    const c = await nodeRedis(server, resp);
    const binary = c.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    const every = Buffer.alloc(256);
    for (let i = 0; i < 256; i++) every[i] = i;
    const key = Buffer.concat([Buffer.from(k('bin:')), every]);
    assert.is(await binary.set(key, every), 'OK');
    const back = (await binary.get(key)) as unknown as Buffer;
    assert.ok(Buffer.isBuffer(back));
    assert.ok(back.equals(every));
    assert.is(await binary.strLen(key), 256);
    assert.is(await binary.append(key, Buffer.from([0, 255])), 258);
    const range = (await binary.getRange(key, 254, 257)) as unknown as Buffer;
    assert.ok(range.equals(Buffer.from([254, 255, 0, 255])));
    assert.is(await binary.setRange(key, 0, Buffer.from([0xff, 0x00, 0x80])), 258);
    const patched = (await binary.getRange(key, 0, 3)) as unknown as Buffer;
    assert.ok(patched.equals(Buffer.from([0xff, 0x00, 0x80, 3])));

    const text = JSON.stringify({ user: 'ünïcödé ✓', items: Array.from({ length: 200 }, (_, i) => ({ i, v: `value-${i}` })) });
    const zipped = gzipSync(Buffer.from(text, 'utf8'));
    await binary.set(k('gz'), zipped);
    const stored = (await binary.get(k('gz'))) as unknown as Buffer;
    assert.ok(stored.equals(zipped));
    assert.is(gunzipSync(stored).toString('utf8'), text);
    assert.equal(((await binary.mGet([k('gz')])) as unknown as Buffer[])[0], zipped);
    // UTF-8 strings travel as their bytes.
    await c.set(k('utf8'), 'héllo ✓');
    assert.is(await c.get(k('utf8')), 'héllo ✓');
    assert.is(await c.strLen(k('utf8')), Buffer.byteLength('héllo ✓'));
    // LCS compares bytes.
    await binary.mSet([k('lb1'), Buffer.from([0, 1, 2, 200, 3]), k('lb2'), Buffer.from([9, 1, 200, 3, 0])]);
    assert.ok(((await binary.lcs(k('lb1'), k('lb2'))) as unknown as Buffer).equals(Buffer.from([1, 200, 3])));
    await c.quit();
  });

  test(name('keyspace events of each write'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('ev');
    const expect = async (run: () => Promise<unknown>, wanted: string[]) => {
      events.length = 0;
      await run();
      // Only this key's events: active expiry may reap other tests' keys at any moment.
      assert.equal(events.filter((e) => e.endsWith(`:${key}`)), wanted.map((e) => `0:${e}:${key}`));
    };
    await expect(() => c.set(key, '1'), ['$:set']);
    await expect(() => raw(c, 'SET', key, '1', 'EX', '100'), ['$:set', 'g:expire']);
    await expect(() => raw(c, 'SET', key, '1', 'NX'), []);
    await expect(() => c.setEx(key, 10, '2'), ['$:set', 'g:expire']);
    await expect(() => c.pSetEx(key, 10000, '2'), ['$:set', 'g:expire']);
    await expect(() => c.getSet(key, '3'), ['$:set']);
    await expect(() => c.incr(key), ['$:incrby']);
    await expect(() => c.decrBy(key, 2), ['$:incrby']);
    await expect(() => c.incrByFloat(key, 1.5), ['$:incrbyfloat']);
    await expect(() => c.append(key, 'x'), ['$:append']);
    await expect(() => c.setRange(key, 0, 'y'), ['$:setrange']);
    await expect(() => c.setRange(key, 0, ''), []);
    await expect(() => c.getEx(key, { type: 'EX', value: 100 }), ['g:expire']);
    await expect(() => c.getEx(key, { type: 'PERSIST' }), ['g:persist']);
    await expect(() => c.getEx(key, { type: 'PERSIST' }), []);
    await expect(() => raw(c, 'GETEX', key, 'PXAT', '1'), ['g:del']);
    await expect(() => c.mSet([key, 'a']), ['$:set']);
    await expect(() => c.getDel(key), ['g:del']);
    await expect(() => c.getDel(key), []);
    await expect(() => c.setNX(key, 'z'), ['$:set']);
    await expect(() => c.setNX(key, 'z'), []);
    const dirty = server.server.dirty;
    await c.get(key);
    await c.mGet([key]);
    await c.lcs(key, key);
    assert.is(server.server.dirty, dirty, 'reads are not writes');
    await c.quit();
  });
}

test('proto-max-bulk-len bounds APPEND and SETRANGE', async () => {
  const small = await startTestServer({ config: { 'proto-max-bulk-len': '1mb' } });
  const c = await nodeRedis(small, 3);
  const tooBig = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
  assert.is(await errorOf(c.setRange('s', 1024 * 1024, 'x')), tooBig);
  assert.is(await c.get('s'), null);
  assert.is(await c.setRange('s', 1024 * 1024 - 1, 'x'), 1024 * 1024);
  assert.is(await errorOf(c.append('s', 'y')), tooBig);
  assert.is(await c.strLen('s'), 1024 * 1024);
  await c.quit();
  await small.close();
});

for (const protocol of [3, 2] as const) {
  test(`ioredis protocol ${protocol}: strings, buffers, errors`, async () => {
    const c = await ioredis(server, protocol);
    const k = (key: string) => `io${protocol}:${key}`;
    assert.is(await c.set(k('a'), 'v', 'EX', 100), 'OK');
    assert.is(await c.get(k('a')), 'v');
    assert.is(await c.set(k('a'), 'w', 'NX'), null);
    assert.is(await c.set(k('a'), 'w', 'XX', 'GET'), 'v');
    assert.is(await c.getex(k('a'), 'PERSIST'), 'w');
    assert.is(await c.getdel(k('a')), 'w');
    assert.is(await c.get(k('a')), null);
    assert.is(await c.mset(k('m1'), '1', k('m2'), '2'), 'OK');
    assert.equal(await c.mget(k('m1'), k('m2'), k('none')), ['1', '2', null]);
    assert.is(await c.msetnx(k('m1'), 'x', k('m3'), 'y'), 0);
    assert.is(await c.incr(k('m1')), 2);
    assert.is(await c.incrby(k('m1'), 10), 12);
    assert.is(await c.decrby(k('m1'), 2), 10);
    assert.is(await c.decr(k('m1')), 9);
    await c.set(k('f'), '0.1');
    assert.is(await c.incrbyfloat(k('f'), '0.2'), '0.3');
    assert.is(await c.append(k('f'), '5'), 4);
    assert.is(await c.strlen(k('f')), 4);
    assert.is(await c.getrange(k('f'), 1, -1), '.35');
    assert.is(await c.setrange(k('f'), 0, '9'), 4);
    assert.is(await c.getset(k('f'), 'new'), '9.35');
    assert.is(await c.setnx(k('f'), 'x'), 0);
    assert.is(await c.setex(k('ex'), 10, 'v'), 'OK');
    assert.is(await c.psetex(k('px'), 10, 'v'), 'OK');
    server.clock.advance(11);
    assert.is(await c.get(k('px')), null);
    assert.is(await c.get(k('ex')), 'v');
    await c.mset(k('l1'), 'ohmytext', k('l2'), 'mynewtext');
    assert.is(await c.call('LCS', k('l1'), k('l2')), 'mytext');
    assert.is(await c.call('LCS', k('l1'), k('l2'), 'LEN'), 6);

    const every = Buffer.alloc(256);
    for (let i = 0; i < 256; i++) every[i] = i;
    await c.set(k('bin'), every);
    assert.ok((await c.getBuffer(k('bin')))!.equals(every));
    const zipped = gzipSync(Buffer.from('compressible '.repeat(500)));
    await c.set(k('gz'), zipped);
    const back = await c.getBuffer(k('gz'));
    assert.ok(back!.equals(zipped));
    assert.is(gunzipSync(back!).toString(), 'compressible '.repeat(500));

    const failure = (await c.incr(k('bin')).catch((e: Error) => e)) as Error;
    assert.is(failure.message, NOT_INTEGER);
    const syntax = (await c.call('SET', k('x'), 'v', 'NX', 'XX').catch((e: Error) => e)) as Error;
    assert.is(syntax.message, SYNTAX);
    makeHash(k('h'));
    const wrong = (await c.get(k('h')).catch((e: Error) => e)) as Error;
    assert.is(wrong.message, WRONGTYPE);
    const nan = (await c.incrbyfloat(k('f2'), 'inf').catch((e: Error) => e)) as Error;
    assert.is(nan.message, 'ERR increment would produce NaN or Infinity');
    c.disconnect();
  });
}

test.run();
