// Script error texts and RESP3 types, compared with a real redis-server 7.0
// in both protocols: error() with strings, tables ({err=}) and other values,
// and its pcall forms; {double=}, {map=}, {set=}, {big_number=} with and
// without redis.setresp(3); FCALL functions, which see no KEYS / ARGV
// globals; scripts run from the compiled-chunk cache (EVALSHA) as by EVAL.
// (The forms where embedis differs from Redis 7.0 are listed in the README,
// "Lua scripting"; error() with a table that has no err field crashes Redis
// 7.0.15 itself, so it is never sent to the real server.)

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import { Redis } from 'ioredis';
import { startTestServer } from './helpers.js';
import { haveRedis, startRealRedis, tempDir, type RealRedis } from './rdb-support.js';
import type { RunningServer } from '../server/index.js';

const test = suite('script errors and doubles');

let ours: RunningServer;
let redis: RealRedis | null = null;
let dir = '';

test.before(async () => {
  ours = await startTestServer();
  if (haveRedis) {
    dir = tempDir('lua-errors');
    redis = await startRealRedis(7901, dir);
  }
});

test.after(async () => {
  await ours.close();
  if (redis !== null) await redis.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function outcome(client: Redis, args: string[]): Promise<unknown> {
  try {
    return await client.call(args[0], ...args.slice(1));
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

const SCRIPTS: string[] = [
  "error('x')",
  "local a = 1\nlocal b = 2\nerror('on line three')",
  'error(5)',
  "error('x', 0)",
  "local ok, e = pcall(function() error('x') end) return e",
  'local ok, e = pcall(function() error() end) return tostring(e)',
  "local ok, e = pcall(function() error('x', 0) end) return {tostring(ok), e}",
  'redis.setresp(3) return {double=3.5}',
  'redis.setresp(3) return {double=0.1}',
  'redis.setresp(3) return {1, {double=-2.25}, {double=1e300}}',
  "return {double='x'}",
  "local v = redis.call('GET', 'nosuch') return {type(v), tostring(v)}",
  "return redis.call('nosuchcommand')",
  "local a = 1\nreturn redis.call('INCR', 'a', 'b')",
  // error() with a value that is not a string, and Redis 7.0's pcall, which hands out an error table's err.
  "error({err='My Error'})",
  "local a = 1\nerror({err='NOPE on line two'})",
  "error(redis.error_reply('MY x'))",
  'error()',
  'error(nil)',
  'error(true)',
  "local t = setmetatable({}, {__index = function() return 'X' end}) error(t)",
  "local ok, e = pcall(function() error({err='My Error'}) end) return e",
  "return {pcall(function() error({err='E'}) end)}",
  "local ok, e = pcall(error, {err=5}) return {type(e), tostring(e)}",
  "local ok, e = pcall(redis.call, 'nosuch') return {type(e), e}",
  "return error('tail')",
  // Plain pcall forms (the server's stubs go through pcall too: these must stay Redis's).
  'return {pcall()}',
  'local ok, e = pcall() return {tostring(ok), e}',
  "return {pcall('0')}",
  "local ok, e = pcall('1', 2) return {tostring(ok), e}",
  'local ok, e = pcall(nil) return {tostring(ok), e}',
  "return {pcall(function(...) return select('#', ...) end, nil, nil)}",
  // {double=}, {map=}, {set=} and {big_number=} become their replies without redis.setresp(3) too.
  'return {double=3.5}',
  'return {map={a=1}}',
  "return {big_number='123'}",
  'return {set={a=1}}',
  "return {1, {double=2.5}, 'x'}",
  'return {map={a={double=1.5}}}',
  "return {double=3.5, err='E'}",
  'return',
];

for (const protocol of [2, 3] as const) {
  test(`EVAL error texts and doubles as Redis 7.0 (RESP${protocol})`, async () => {
    if (redis === null) return;
    const a = new Redis({ port: redis.port, protocol, maxRetriesPerRequest: 0 });
    const b = new Redis({ port: ours.port, protocol, maxRetriesPerRequest: 0 });
    try {
      for (const script of SCRIPTS) {
        const expected = await outcome(a, ['EVAL', script, '0']);
        assert.equal(await outcome(b, ['EVAL', script, '0']), expected, script);
        // The same body again by EVALSHA: now run from its compiled chunk.
        const sha = String(await b.call('SCRIPT', 'LOAD', script));
        await a.call('SCRIPT', 'LOAD', script);
        assert.equal(await outcome(b, ['EVALSHA', sha, '0']), await outcome(a, ['EVALSHA', sha, '0']), `EVALSHA ${script}`);
      }
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
}

const LIBRARY = [
  '#!lua name=errlib',
  "redis.register_function('seekeys', function(k, a) return type(KEYS) end)",
  "redis.register_function('seeargv', function(k, a) return type(ARGV) end)",
  "redis.register_function('args', function(k, a) return {k[1], a[1], #k, #a} end)",
  "redis.register_function('boom', function(k, a)\n  error('boom')\nend)",
  "redis.register_function('tbl', function(k, a)\n  error({err='TBL x'})\nend)",
  "redis.register_function('dbl', function(k, a) return {double=1.5} end)",
  "redis.register_function('missing', function(k, a)\n\n  return nosuch\nend)",
  "redis.register_function('set', function(k, a) return redis.call('SET', k[1], a[1]) end)",
].join('\n');

for (const protocol of [2, 3] as const) {
  test(`FCALL: no KEYS or ARGV globals, errors and doubles as Redis 7.0 (RESP${protocol})`, async () => {
    if (redis === null) return;
    const a = new Redis({ port: redis.port, protocol, maxRetriesPerRequest: 0 });
    const b = new Redis({ port: ours.port, protocol, maxRetriesPerRequest: 0 });
    try {
      for (const c of [a, b]) await c.call('FUNCTION', 'LOAD', 'REPLACE', LIBRARY);
      const calls: string[][] = [
        ['FCALL', 'seekeys', '1', 'k'],
        ['FCALL', 'seeargv', '0', 'x'],
        ['FCALL', 'args', '1', 'k', 'v'],
        ['FCALL', 'boom', '0'],
        ['FCALL', 'tbl', '0'],
        ['FCALL', 'dbl', '0'],
        ['FCALL', 'missing', '0'],
        ['FCALL', 'set', '1', 'fk', 'fv'],
        // An EVAL in between sets KEYS again for itself; the next FCALL still sees none.
        ['EVAL', 'return {type(KEYS), KEYS[1]}', '1', 'e'],
        ['FCALL', 'seekeys', '1', 'k'],
      ];
      for (const call of calls) assert.equal(await outcome(b, call), await outcome(a, call), call.join(' '));
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
}

test('a script stopped at busy-reply-threshold is not caught by its own pcall', async () => {
  const c = new Redis({ port: ours.port, maxRetriesPerRequest: 0 });
  try {
    await c.call('CONFIG', 'SET', 'busy-reply-threshold', '100');
    const text = String(await outcome(c, ['EVAL', 'while true do pcall(function() while true do end end) end', '0']));
    assert.match(text, 'busy-reply-threshold');
    assert.is(await c.call('PING'), 'PONG');
  } finally {
    await c.call('CONFIG', 'SET', 'busy-reply-threshold', '5000');
    c.disconnect();
  }
});

test('an error table without err (which crashes Redis 7.0.15) is an error reply here', async () => {
  const c = new Redis({ port: ours.port, maxRetriesPerRequest: 0 });
  try {
    const text = String(await outcome(c, ['EVAL', 'error({foo=1})', '0']));
    assert.match(text, 'error: ERR Error raised with a table that has no err field script: ');
  } finally {
    c.disconnect();
  }
});

test('error texts keep their line numbers when run from the chunk cache', async () => {
  const c = new Redis({ port: ours.port, maxRetriesPerRequest: 0 });
  try {
    const body = "local a = 1\nlocal b = 2\nlocal c = nil\nreturn c.field";
    const sha = String(await c.call('SCRIPT', 'LOAD', body));
    for (let i = 0; i < 3; i++) {
      const text = String(await outcome(c, ['EVALSHA', sha, '0']));
      assert.match(text, "user_script:4: attempt to index local 'c' (a nil value)");
      assert.match(text, 'on @user_script:4.');
    }
  } finally {
    c.disconnect();
  }
});

test.run();
