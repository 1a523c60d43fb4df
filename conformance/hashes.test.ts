// The hash family through stock clients (node-redis in RESP3 and RESP2,
// ioredis) and a raw RESP connection where the exact reply type matters (a
// RESP3 map, pair arrays, nulls). Expected replies and error texts were read
// from a real Redis 7.0.15.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ioredis, nodeRedis, startTestServer, errorOf, raw, recordKeyspaceEvents } from './helpers.js';
import { RespConnection } from './differential/connection.js';
import { formatReply, type Reply } from './differential/resp.js';
import type { RunningServer } from '../server/index.js';

const test = suite('hashes');
let server: RunningServer;
let events: string[] = [];

test.before(async () => {
  server = await startTestServer();
  events = recordKeyspaceEvents(server, true);
});
test.after(async () => {
  await server.close();
});

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INTEGER = 'ERR value is not an integer or out of range';
const NOT_FLOAT = 'ERR value is not a valid float';
const SYNTAX = 'ERR syntax error';

/** The reply to one command on a fresh raw connection, in the harness's notation ($"x", %{…}, _ …). */
async function wire(resp: 2 | 3, ...commands: string[][]): Promise<string[]> {
  const conn = await RespConnection.open(server.host, server.port);
  try {
    if (resp === 3) await conn.command('HELLO', '3');
    const replies: Reply[] = await conn.pipeline(commands);
    return replies.map((r) => formatReply(r));
  } finally {
    conn.close();
  }
}

function eventsFor(key: string): string[] {
  return events.filter((e) => e.endsWith(`:${key}`));
}

function encoding(key: string): string | undefined {
  const entry = server.server.dbs[0].peek(key);
  return entry === undefined ? undefined : (entry.value as { encoding: string }).encoding;
}

for (const resp of [3, 2] as const) {
  const name = (s: string) => `RESP${resp}: ${s}`;
  const k = (s: string) => `${s}:${resp}`;

  test(name('seed pattern: HSET mapping, HSET one field, HGET, HGETALL'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('user:123');
    assert.is(await c.hSet(key, { name: 'John Doe', email: 'john@example.com', age: '30' }), 3);
    assert.is(await c.hSet(key, 'age', '31'), 0);
    assert.is(await c.hGet(key, 'name'), 'John Doe');
    assert.equal(await c.hGetAll(key), { name: 'John Doe', email: 'john@example.com', age: '31' });
    assert.equal(await c.hGetAll(k('missing')), {});
    assert.is(await c.hGet(key, 'nope'), null);
    assert.is(await c.hGet(k('missing'), 'name'), null);
    await c.quit();
  });

  test(name('HSET / HMSET: counts, odd pairs, WRONGTYPE, events'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('hs');
    events.length = 0;
    assert.is(await raw(c, 'HSET', key, 'a', '1', 'b', '2', 'a', '3'), 2);
    assert.is(await raw(c, 'HSET', key, 'a', '4', 'c', '5'), 1);
    assert.is(await errorOf(raw(c, 'HSET', key, 'a', '1', 'b')), "ERR wrong number of arguments for 'hset' command");
    assert.is(await errorOf(raw(c, 'hset', key, 'a')), "ERR wrong number of arguments for 'hset' command");
    assert.is(await errorOf(raw(c, 'HMSET', key, 'a', '1', 'b')), "ERR wrong number of arguments for 'hmset' command");
    assert.is(await raw(c, 'HMSET', key, 'd', '6', 'a', '7'), 'OK');
    assert.equal(await raw(c, 'HMGET', key, 'a', 'b', 'c', 'd', 'x'), ['7', '2', '5', '6', null]);
    assert.equal(eventsFor(key), ['0:h:hset:' + key, '0:h:hset:' + key, '0:h:hset:' + key]);
    await c.set(k('str'), 'x');
    assert.is(await errorOf(raw(c, 'HSET', k('str'), 'a', '1')), WRONGTYPE);
    // The pair count is checked before the type.
    assert.is(await errorOf(raw(c, 'HSET', k('str'), 'a', '1', 'b')), "ERR wrong number of arguments for 'hset' command");
    await c.quit();
  });

  test(name('HSETNX'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('nx');
    events.length = 0;
    assert.is(await raw(c, 'HSETNX', key, 'f', 'one'), 1);
    assert.is(await raw(c, 'HSETNX', key, 'f', 'two'), 0);
    assert.is(await c.hGet(key, 'f'), 'one');
    assert.equal(eventsFor(key), ['0:h:hset:' + key]);
    await c.set(k('nxs'), 'x');
    assert.is(await errorOf(raw(c, 'HSETNX', k('nxs'), 'f', 'v')), WRONGTYPE);
    await c.quit();
  });

  test(name('HDEL deletes fields and the emptied key, with hdel then del events'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('del');
    await c.hSet(key, { a: '1', b: '2', c: '3' });
    events.length = 0;
    assert.is(await raw(c, 'HDEL', key, 'a', 'x', 'a'), 1);
    assert.equal(eventsFor(key), ['0:h:hdel:' + key]);
    assert.is(await raw(c, 'HDEL', key, 'x'), 0);
    assert.is(await raw(c, 'HDEL', key, 'b', 'c', 'd'), 2);
    assert.equal(eventsFor(key), ['0:h:hdel:' + key, '0:h:hdel:' + key, '0:g:del:' + key]);
    assert.is(await c.exists(key), 0);
    assert.is(await raw(c, 'HDEL', key, 'a'), 0);
    await c.set(k('dels'), 'x');
    assert.is(await errorOf(raw(c, 'HDEL', k('dels'), 'a')), WRONGTYPE);
    await c.quit();
  });

  test(name('HEXISTS, HLEN, HSTRLEN, HKEYS, HVALS, HGETALL in listpack order'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('read');
    await raw(c, 'HSET', key, 'z', '1', 'y', 'two', 'x', '', 'y', 'three');
    assert.is(await raw(c, 'HEXISTS', key, 'z'), 1);
    assert.is(await raw(c, 'HEXISTS', key, 'q'), 0);
    assert.is(await raw(c, 'HEXISTS', k('none'), 'q'), 0);
    assert.is(await raw(c, 'HLEN', key), 3);
    assert.is(await raw(c, 'HLEN', k('none')), 0);
    assert.is(await raw(c, 'HSTRLEN', key, 'y'), 5);
    assert.is(await raw(c, 'HSTRLEN', key, 'x'), 0);
    assert.is(await raw(c, 'HSTRLEN', k('none'), 'x'), 0);
    assert.equal(await raw(c, 'HKEYS', key), ['z', 'y', 'x']);
    assert.equal(await raw(c, 'HVALS', key), ['1', 'three', '']);
    assert.equal(await raw(c, 'HKEYS', k('none')), []);
    assert.equal(await raw(c, 'HVALS', k('none')), []);
    await c.set(k('rs'), 'x');
    for (const call of [
      ['HGET', k('rs'), 'a'],
      ['HMGET', k('rs'), 'a'],
      ['HGETALL', k('rs')],
      ['HKEYS', k('rs')],
      ['HVALS', k('rs')],
      ['HLEN', k('rs')],
      ['HEXISTS', k('rs'), 'a'],
      ['HSTRLEN', k('rs'), 'a'],
      ['HRANDFIELD', k('rs')],
      ['HRANDFIELD', k('rs'), '2'],
      ['HSCAN', k('rs'), '0'],
      ['HINCRBY', k('rs'), 'a', '1'],
      ['HINCRBYFLOAT', k('rs'), 'a', '1'],
    ]) {
      assert.is(await errorOf(c.sendCommand(call)), WRONGTYPE, call[0]);
    }
    await c.quit();
  });

  test(name('exact reply types on the wire'), async () => {
    const key = k('wire');
    const c = await nodeRedis(server, resp);
    await raw(c, 'HSET', key, 'a', '1', 'b', '2');
    await c.quit();
    const replies = await wire(
      resp,
      ['HGETALL', key],
      ['HGETALL', k('none')],
      ['HMGET', k('none'), 'a'],
      ['HGET', key, 'x'],
      ['HRANDFIELD', k('none')],
      ['HRANDFIELD', k('none'), '3'],
      ['HRANDFIELD', key, '5', 'WITHVALUES'],
      ['HRANDFIELD', key, '0', 'WITHVALUES'],
      ['HSCAN', key, '0'],
      ['HSCAN', k('none'), '0', 'COUNT', 'x'],
    );
    const nil = resp === 3 ? '_' : '$-1';
    assert.equal(replies, [
      resp === 3 ? '%{$"a": $"1", $"b": $"2"}' : '*[$"a", $"1", $"b", $"2"]',
      resp === 3 ? '%{}' : '*[]',
      `*[${nil}]`,
      nil,
      nil,
      '*[]',
      resp === 3 ? '*[*[$"a", $"1"], *[$"b", $"2"]]' : '*[$"a", $"1", $"b", $"2"]',
      '*[]',
      '*[$"0", *[$"a", $"1", $"b", $"2"]]',
      '*[$"0", *[]]',
    ]);
  });

  test(name('HINCRBY'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('incr');
    events.length = 0;
    assert.is(await raw(c, 'HINCRBY', key, 'n', '5'), 5);
    assert.is(await raw(c, 'HINCRBY', key, 'n', '-7'), -2);
    assert.equal(eventsFor(key), ['0:h:hincrby:' + key, '0:h:hincrby:' + key]);
    assert.is(await c.hGet(key, 'n'), '-2');
    await raw(c, 'HSET', key, 'max', '9223372036854775806', 's', 'abc', 'sp', ' 1', 'big', '9223372036854775808');
    assert.is(await raw(c, 'HINCRBY', key, 'max', '1'), 9223372036854775807);
    assert.is(await c.hGet(key, 'max'), '9223372036854775807');
    assert.is(await errorOf(raw(c, 'HINCRBY', key, 'max', '1')), 'ERR increment or decrement would overflow');
    assert.is(await errorOf(raw(c, 'HINCRBY', key, 's', '1')), 'ERR hash value is not an integer');
    assert.is(await errorOf(raw(c, 'HINCRBY', key, 'sp', '1')), 'ERR hash value is not an integer');
    assert.is(await errorOf(raw(c, 'HINCRBY', key, 'big', '1')), 'ERR hash value is not an integer');
    assert.is(await errorOf(raw(c, 'HINCRBY', key, 'n', '1.5')), NOT_INTEGER);
    assert.is(await errorOf(raw(c, 'HINCRBY', key, 'n', '9223372036854775808')), NOT_INTEGER);
    // The increment is parsed before the key's type is checked.
    await c.set(k('incrs'), 'x');
    assert.is(await errorOf(raw(c, 'HINCRBY', k('incrs'), 'n', 'x')), NOT_INTEGER);
    assert.is(await errorOf(raw(c, 'HINCRBY', k('incrs'), 'n', '1')), WRONGTYPE);
    await c.quit();
  });

  test(name('HINCRBYFLOAT: exact text and errors'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('incrf');
    events.length = 0;
    assert.is(await raw(c, 'HINCRBYFLOAT', key, 'f', '10.5'), '10.5');
    assert.is(await raw(c, 'HINCRBYFLOAT', key, 'f', '0.1'), '10.6');
    assert.is(await raw(c, 'HINCRBYFLOAT', key, 'f', '-5.6'), '5');
    assert.is(await raw(c, 'HINCRBYFLOAT', key, 'g', '5.0e3'), '5000');
    assert.is(await raw(c, 'HINCRBYFLOAT', key, 'h', '1e70'), '10000000000000000000222479489586148259025995410601157579323600873193472');
    assert.equal(eventsFor(key).length, 5);
    assert.is(eventsFor(key)[0], '0:h:hincrbyfloat:' + key);
    await raw(c, 'HSET', key, 's', 'abc', 'inf', 'inf');
    assert.is(await errorOf(raw(c, 'HINCRBYFLOAT', key, 's', '1')), 'ERR hash value is not a float');
    assert.is(await errorOf(raw(c, 'HINCRBYFLOAT', key, 'inf', '1')), 'ERR increment would produce NaN or Infinity');
    assert.is(await errorOf(raw(c, 'HINCRBYFLOAT', key, 'f', 'inf')), 'ERR value is NaN or Infinity');
    assert.is(await errorOf(raw(c, 'HINCRBYFLOAT', key, 'f', 'nan')), NOT_FLOAT);
    assert.is(await errorOf(raw(c, 'HINCRBYFLOAT', key, 'f', 'x')), NOT_FLOAT);
    assert.is(await errorOf(raw(c, 'HINCRBYFLOAT', k('nokey'), 'f', '-inf')), 'ERR value is NaN or Infinity');
    assert.is(await c.exists(k('nokey')), 0);
    await c.quit();
  });

  test(name('HRANDFIELD: counts, repeats, WITHVALUES, errors'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('rand');
    const fields = ['a', 'b', 'c', 'd', 'e'];
    await c.hSet(key, Object.fromEntries(fields.map((f, i) => [f, String(i)])));
    for (let i = 0; i < 20; i++) assert.ok(fields.includes((await raw(c, 'HRANDFIELD', key)) as string));
    const three = (await raw(c, 'HRANDFIELD', key, '3')) as string[];
    assert.is(three.length, 3);
    assert.is(new Set(three).size, 3, 'a positive count gives distinct fields');
    // A small share of a listpack comes in listpack order.
    const twelve = k('rand12');
    await c.hSet(twelve, Object.fromEntries('abcdefghijkl'.split('').map((f) => [f, '1'])));
    for (let i = 0; i < 10; i++) {
      const four = (await raw(c, 'HRANDFIELD', twelve, '4')) as string[];
      assert.is(new Set(four).size, 4);
      assert.equal(four, [...four].sort());
    }
    assert.equal(await raw(c, 'HRANDFIELD', key, '10'), fields);
    const repeats = (await raw(c, 'HRANDFIELD', key, '-50')) as string[];
    assert.is(repeats.length, 50);
    assert.ok(new Set(repeats).size < 50, 'a negative count repeats fields');
    for (const f of repeats) assert.ok(fields.includes(f));
    const withValues = (await raw(c, 'HRANDFIELD', key, '-4', 'withvalues')) as unknown[];
    if (resp === 3) {
      assert.is(withValues.length, 4);
      for (const pair of withValues as string[][]) assert.is(pair[1], String(fields.indexOf(pair[0])));
    } else {
      assert.is(withValues.length, 8);
      for (let i = 0; i < 8; i += 2) assert.is(withValues[i + 1], String(fields.indexOf(withValues[i] as string)));
    }
    assert.equal(await raw(c, 'HRANDFIELD', key, '0'), []);
    assert.is(await errorOf(raw(c, 'HRANDFIELD', key, 'x')), NOT_INTEGER);
    assert.is(
      await errorOf(raw(c, 'HRANDFIELD', key, '-9223372036854775808', 'foo')),
      'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    );
    assert.is(await errorOf(raw(c, 'HRANDFIELD', key, '1', 'WITHVALUE')), SYNTAX);
    assert.is(await errorOf(raw(c, 'HRANDFIELD', key, '1', 'WITHVALUES', 'x')), SYNTAX);
    assert.is(await errorOf(raw(c, 'HRANDFIELD', key, '4611686018427387904', 'WITHVALUES')), 'ERR value is out of range');
    assert.is(await errorOf(raw(c, 'HRANDFIELD', k('none'), 'x')), NOT_INTEGER);
    await c.quit();
  });

  test(name('HSCAN: a listpack in one call, MATCH, option errors'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('scan');
    await raw(c, 'HSET', key, 'a1', '1', 'b1', '2', 'a2', '3');
    assert.equal(await raw(c, 'HSCAN', key, '0', 'COUNT', '1'), ['0', ['a1', '1', 'b1', '2', 'a2', '3']]);
    assert.equal(await raw(c, 'HSCAN', key, '77', 'MATCH', 'a*'), ['0', ['a1', '1', 'a2', '3']]);
    assert.equal(await raw(c, 'HSCAN', key, '0', 'match', '*2'), ['0', ['a2', '3']]);
    assert.is(await errorOf(raw(c, 'HSCAN', key, 'x')), 'ERR invalid cursor');
    assert.is(await errorOf(raw(c, 'HSCAN', key, '0', 'COUNT', '0')), SYNTAX);
    assert.is(await errorOf(raw(c, 'HSCAN', key, '0', 'COUNT', 'x')), NOT_INTEGER);
    assert.is(await errorOf(raw(c, 'HSCAN', key, '0', 'TYPE', 'string')), SYNTAX);
    assert.is(await errorOf(raw(c, 'HSCAN', key, '0', 'MATCH')), SYNTAX);
    await c.quit();
  });

  test(name('HSCAN over a hashtable: a full iteration sees every field that stays'), async () => {
    const c = await nodeRedis(server, resp);
    const key = k('bigscan');
    const all: string[] = [];
    for (let i = 0; i < 1000; i++) all.push(`f${i}`, `v${i}`);
    await c.sendCommand(['HSET', key, ...all]);
    assert.is(encoding(key), 'hashtable');
    const seen = new Set<string>();
    const deleted = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = (await raw(c, 'HSCAN', key, cursor, 'COUNT', '37')) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) {
        assert.is(items[i + 1], `v${items[i].slice(1)}`);
        seen.add(items[i]);
      }
      // Delete a few fields between calls (some seen, some not yet).
      const victim = `f${(calls * 97) % 1000}`;
      if (!deleted.has(victim)) {
        deleted.add(victim);
        await raw(c, 'HDEL', key, victim);
      }
      cursor = next;
      calls++;
    } while (cursor !== '0');
    assert.ok(calls > 10, `several calls (${calls})`);
    for (let i = 0; i < 1000; i++) if (!deleted.has(`f${i}`)) assert.ok(seen.has(`f${i}`), `f${i} seen`);
    const matched = (await raw(c, 'HSCAN', key, '0', 'COUNT', '2000', 'MATCH', 'f99*')) as [string, string[]];
    assert.is(matched[0], '0');
    assert.equal(
      matched[1].filter((_, i) => i % 2 === 0).sort(),
      ['f99', 'f990', 'f991', 'f992', 'f993', 'f994', 'f995', 'f996', 'f997', 'f998', 'f999'].filter((f) => !deleted.has(f)),
    );
    await c.quit();
  });

  test(name('OBJECT ENCODING: listpack until the limits, never back'), async () => {
    const c = await nodeRedis(server, resp);
    const enc = (key: string) => raw(c, 'OBJECT', 'ENCODING', key);
    const small = k('enc1');
    await raw(c, 'HSET', small, 'f', 'x'.repeat(64));
    assert.is(await enc(small), 'listpack');
    await raw(c, 'HSET', small, 'g', 'y'.repeat(65));
    assert.is(await enc(small), 'hashtable');
    await raw(c, 'HDEL', small, 'g');
    assert.is(await enc(small), 'hashtable', 'no conversion back');
    const many = k('enc2');
    const args: string[] = [];
    for (let i = 0; i < 512; i++) args.push(`f${i}`, '1');
    await c.sendCommand(['HSET', many, ...args]);
    assert.is(await enc(many), 'listpack');
    await raw(c, 'HSET', many, 'one-more', '1');
    assert.is(await enc(many), 'hashtable');
    // A long field through HINCRBY converts too; HSETNX on an existing field does not.
    const incr = k('enc3');
    await raw(c, 'HINCRBY', incr, 'z'.repeat(65), '1');
    assert.is(await enc(incr), 'hashtable');
    const nx = k('enc4');
    await raw(c, 'HSET', nx, 'f', '1');
    await raw(c, 'HSETNX', nx, 'f', 'w'.repeat(65));
    assert.is(await enc(nx), 'listpack');
    await raw(c, 'HSETNX', nx, 'g', 'w'.repeat(65));
    assert.is(await enc(nx), 'hashtable');
    const float = k('enc5');
    await raw(c, 'HINCRBYFLOAT', float, 'f', '1e70');
    assert.is(await enc(float), 'hashtable');
    await c.quit();
  });

  test(name('COPY makes an independent hash with the same encoding'), async () => {
    const c = await nodeRedis(server, resp);
    const src = k('copysrc');
    const dst = k('copydst');
    await raw(c, 'HSET', src, 'a', '1', 'b', 'v'.repeat(100));
    assert.is(await raw(c, 'COPY', src, dst), 1);
    await raw(c, 'HSET', dst, 'a', '2');
    assert.is(await c.hGet(src, 'a'), '1');
    assert.is(await c.hGet(dst, 'a'), '2');
    assert.is(encoding(dst), 'hashtable');
    await c.quit();
  });
}

for (const protocol of [3, 2] as const) {
  test(`ioredis RESP${protocol}: seed pattern and the common calls`, async () => {
    const r = await ioredis(server, protocol);
    const key = `io:user:${protocol}`;
    assert.is(await r.hset(key, { name: 'John Doe', email: 'john@example.com', age: '30' }), 3);
    assert.is(await r.hset(key, 'age', '31'), 0);
    assert.is(await r.hget(key, 'name'), 'John Doe');
    assert.equal(await r.hgetall(key), { name: 'John Doe', email: 'john@example.com', age: '31' });
    assert.equal(await r.hgetall(`io:none:${protocol}`), {});
    assert.equal(await r.hmget(key, 'name', 'zip'), ['John Doe', null]);
    assert.is(await r.hincrby(key, 'visits', 3), 3);
    assert.is(await r.hincrbyfloat(key, 'score', '2.5'), '2.5');
    assert.is(await r.hlen(key), 5);
    assert.is(await r.hdel(key, 'visits', 'score'), 2);
    assert.equal(await r.hkeys(key), ['name', 'email', 'age']);
    assert.is(await r.hsetnx(key, 'name', 'x'), 0);
    const [cursor, items] = await r.hscan(key, '0');
    assert.is(cursor, '0');
    assert.equal(items, ['name', 'John Doe', 'email', 'john@example.com', 'age', '31']);
    await r.set(`io:str:${protocol}`, 'x');
    assert.is(await errorOf(r.hget(`io:str:${protocol}`, 'a')), WRONGTYPE);
    r.disconnect();
  });
}

test.run();
