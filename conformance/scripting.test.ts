// Lua scripting through stock clients, and a differential run of EVAL /
// FUNCTION against a real redis-server 7.0 (raw RESP bytes compared), when
// one is installed.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { createClient, defineScript } from 'redis';
import type { CommandParser } from '@redis/client/dist/lib/client/parser.js';
import { ioredis, nodeRedis, startTestServer } from './helpers.js';
import { findRedisServer, startRedisServer, type RedisProcess } from './differential/redis-process.js';
import type { RunningServer } from '../server/index.js';

const test = suite('scripting');

let server: RunningServer;
let oracle: RedisProcess | null = null;

test.before(async () => {
  server = await startTestServer();
  const binary = findRedisServer();
  if (binary !== null) oracle = await startRedisServer(binary);
});

test.after(async () => {
  await server.close();
  if (oracle !== null) await oracle.stop();
});

/** Sends commands on one fresh connection and returns every reply byte (as latin1). */
function exchange(port: number, commands: string[][]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let out = '';
    let expected = commands.length;
    let seen = 0;
    socket.on('error', reject);
    socket.on('data', (d) => {
      out += d.toString('latin1');
      seen = countReplies(out);
      if (seen >= expected) {
        socket.end();
        resolve(out);
      }
    });
    for (const c of commands) {
      socket.write(`*${c.length}\r\n` + c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(''));
    }
    expected = commands.length;
  });
}

/** How many complete top-level replies text holds. */
function countReplies(text: string): number {
  let pos = 0;
  let count = 0;
  const one = (): boolean => {
    const end = text.indexOf('\r\n', pos);
    if (end < 0) return false;
    const type = text[pos];
    const head = text.slice(pos + 1, end);
    pos = end + 2;
    if (type === '$' || type === '=' || type === '!') {
      const n = Number(head);
      if (n < 0) return true;
      if (text.length < pos + n + 2) return false;
      pos += n + 2;
      return true;
    }
    if (type === '*' || type === '~' || type === '>' || type === '%') {
      const n = Number(head) * (type === '%' ? 2 : 1);
      for (let i = 0; i < n; i++) if (!one()) return false;
      return true;
    }
    return true;
  };
  while (pos < text.length) {
    if (!one()) break;
    count++;
  }
  return count;
}

const SCRIPTS = [
  'return 1', 'return 3.9', 'return -3.9', "return 'x'", 'return {1,2,nil,4}', "return {1,'a',{2,{3}},false,true}",
  'return nil', 'return true', 'return false', "return {ok='fine'}", "return {err='My err'}",
  "return redis.error_reply('nocode')", "return redis.error_reply('MY thing')", "return redis.status_reply('S')",
  "error('boom')", 'return y', 'x = 1', 'return type(io)', 'return type(os)', 'return type(require)', 'return type(loadfile)',
  'return type(dofile)', 'return type(setfenv)', 'return type(print)',
  "return redis.call('nosuch')", "return redis.pcall('nosuch')", "return redis.call('get')", "return redis.call('set', KEYS[1], {})",
  "return redis.call('blpop','x',0)", "return redis.call('eval','return 1',0)", "return redis.call('subscribe','c')", 'return redis.call()', 'return 1 +',
  "return redis.call('set', KEYS[1], ARGV[1])", "return redis.call('incr', KEYS[1])", "return redis.pcall('incr', 'h')",
  "return redis.call('hget', KEYS[1], 'a')", "return redis.call('hget', 'h', 'a')", "return redis.sha1hex('')", 'return cjson.encode({1,2})',
  "return cjson.decode('[1,2,3]')", 'return cmsgpack.unpack(cmsgpack.pack({1,2,3}))', 'return bit.bxor(5,3)', "return struct.unpack('>I2', '\\1\\2')",
  'return redis.REDIS_VERSION_NUM', 'return redis.REDIS_VERSION', "return redis.call('ping')", 'return unpack({1,2,3})', "return loadstring('return 5')()",
  "redis.setresp(3); return redis.call('hgetall', 'h')", 'redis.setresp(3); return {double=3.5}', 'redis.setresp(3); return {map={a=1}}',
  'redis.setresp(3); return true', '#!lua flags=no-writes\nreturn redis.call(\'set\',KEYS[1],\'v\')', '#!lua\nreturn 1',
  '#!lua flags=bad\nreturn 1', '#!luax\nreturn 1', "return redis.call('select', 1)", 'local t = nil; return t.x',
  'return redis.setresp(4)', "local a = 1\nlocal b = 2\nerror('line3')", 'return KEYS[1], ARGV[1]', "return redis.call('rpush', 'l', 1, 2, 3)",
  "return redis.call('lpop', 'l', 2)", "return redis.call('zadd', 'z', 1.5, 'm')", "return redis.call('zrange', 'z', 0, -1, 'withscores')",
  "local ok, e = pcall(redis.call, 'incr', 'h') return e", "return redis.call('type','h')", "return redis.call('get','missing') == false",
  'return 10/3', 'return 2^63', 'return -2^63', "return redis.call('expire', 'h', 100)",
];

test('EVAL replies and errors match redis-server byte for byte', async () => {
  if (oracle === null) return;
  const diffs: string[] = [];
  for (const script of SCRIPTS) {
    const commands = [['flushall'], ['hset', 'h', 'a', '1'], ['eval', script, '1', 'k', 'val']];
    const ours = await exchange(server.port, commands);
    const theirs = await exchange(oracle.port, commands);
    if (ours !== theirs) diffs.push(`${JSON.stringify(script)}\n  ours:  ${JSON.stringify(ours)}\n  redis: ${JSON.stringify(theirs)}`);
  }
  assert.equal(diffs, []);
});

const COMMAND_CASES: string[][][] = [
  [['eval', 'return 1', '-1']], [['eval', 'return 1', '3', 'a']], [['eval', 'return 1', 'x']],
  [['evalsha', 'ffffffffffffffffffffffffffffffffffffffff', '0']],
  [['script', 'load', "return 'loaded'"], ['evalsha', 'a4e5ee2b9c0e6e3d7b5e8e3e0a0c2c8f1b7d6a2a', '0']],
  [['script', 'load', 'return ARGV[1]'], ['evalsha', '3c7b1fa9bdbbb0bd1e4a6d01ef8d27e5cdbf0e0d', '0', 'q']],
  [['eval_ro', "return redis.call('set','k','v')", '1', 'k']], [['eval_ro', '#!lua\nreturn 1', '0']],
  [['eval', 'return 7', '0'], ['script', 'exists', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', 'ffff']],
  [['script', 'flush', 'x']], [['script', 'kill']], [['script', 'help']], [['script', 'flush'], ['script', 'exists', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db']],
  [['command', 'getkeys', 'eval', 'return 1', '2', 'a', 'b', 'c']],
  [['select', '2'], ['set', 'x', 'in2'], ['eval', "redis.call('select',0) return redis.call('get','x')", '0'], ['get', 'x']],
  [['function', 'flush'], ['function', 'load', "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return args[1] end)\nredis.register_function{function_name='ro', callback=function(keys, args) return redis.call('get', keys[1]) end, flags={'no-writes'}}\nredis.register_function('wr', function(keys, args) return redis.call('set', keys[1], args[1]) end)"],
    ['fcall', 'myfunc', '0', 'hello'], ['fcall', 'wr', '1', 'k', 'v'], ['fcall_ro', 'ro', '1', 'k'], ['fcall_ro', 'myfunc', '0', 'x'], ['fcall', 'nosuch', '0'],
    ['function', 'load', 'return 1'], ['function', 'stats'], ['fcall', 'myfunc', 'x'], ['fcall', 'myfunc', '5', 'a'],
    ['function', 'delete', 'nosuch'], ['function', 'delete', 'mylib'], ['fcall', 'myfunc', '0'], ['function', 'kill']],
  [['function', 'flush'], ['function', 'load', "#!lua name=lib3\nredis.register_function('f3', function() error('boom') end)\nredis.register_function('f4', function() return redis.call('nosuch') end)"], ['fcall', 'f3', '0'], ['fcall', 'f4', '0']],
  [['function', 'flush'], ['function', 'load', '#!lua name=bad3\nlocal a = \n']],
  [['function', 'flush'], ['function', 'load', '#!lua name=a\nredis.register_function(\'x\', function() return 1 end)'], ['function', 'load', '#!lua name=b\nredis.register_function(\'x\', function() return 1 end)'],
    ['function', 'load', 'replace', '#!lua name=a\nredis.register_function(\'y\', function() return 2 end)'], ['fcall', 'y', '0'], ['fcall', 'x', '0'], ['function', 'list']],
];

test('EVALSHA, SCRIPT and FUNCTION match redis-server byte for byte', async () => {
  if (oracle === null) return;
  const diffs: string[] = [];
  for (const commands of COMMAND_CASES) {
    const ours = await exchange(server.port, commands);
    const theirs = await exchange(oracle.port, commands);
    if (ours !== theirs) diffs.push(`${JSON.stringify(commands).slice(0, 200)}\n  ours:  ${JSON.stringify(ours)}\n  redis: ${JSON.stringify(theirs)}`);
  }
  assert.equal(diffs, []);
});

test('ioredis defineCommand, in RESP2 and RESP3', async () => {
  for (const protocol of [2, 3] as const) {
    const client = await ioredis(server, protocol);
    client.defineCommand('incrCapped', {
      numberOfKeys: 1,
      lua: "local v = redis.call('incr', KEYS[1]) if v > tonumber(ARGV[1]) then redis.call('set', KEYS[1], ARGV[1]) return tonumber(ARGV[1]) end return v",
    });
    await client.del('cap');
    const run = (client as unknown as { incrCapped(key: string, cap: number): Promise<number> }).incrCapped.bind(client);
    assert.equal(await run('cap', 2), 1);
    assert.equal(await run('cap', 2), 2);
    assert.equal(await run('cap', 2), 2);
    await client.quit();
  }
});

test('node-redis defineScript (EVALSHA, then EVAL after NOSCRIPT)', async () => {
  const base = await nodeRedis(server, 3);
  await base.sendCommand(['SCRIPT', 'FLUSH']);
  await base.quit();
  const client = createClient({
    url: server.url,
    scripts: {
      getAndBump: defineScript({
        SCRIPT: "local old = redis.call('get', KEYS[1]) redis.call('set', KEYS[1], ARGV[1]) return old",
        NUMBER_OF_KEYS: 1,
        parseCommand(parser: CommandParser, key: string, value: string) {
          parser.pushKey(key);
          parser.push(value);
        },
        transformReply: undefined as unknown as () => string | null,
      }),
    },
  });
  client.on('error', () => {});
  await client.connect();
  await client.del('bump');
  assert.equal(await client.getAndBump('bump', 'one'), null);
  assert.equal(await client.getAndBump('bump', 'two'), 'one');
  await client.quit();
});

test('a runaway script is stopped at busy-reply-threshold and the server stays usable', async () => {
  const client = await ioredis(server, 2);
  await client.config('SET', 'busy-reply-threshold', '200');
  const started = Date.now();
  let message = '';
  try {
    await client.eval('while true do end', 0);
  } catch (error) {
    message = (error as Error).message;
  }
  assert.ok(message.includes('busy-reply-threshold'), message);
  assert.ok(Date.now() - started < 5000);
  // Also a loop of redis.call (the clock check on each call).
  message = '';
  try {
    await client.eval("while true do redis.call('incr', KEYS[1]) end", 1, 'spin');
  } catch (error) {
    message = (error as Error).message;
  }
  assert.ok(message.includes('busy-reply-threshold'), message);
  assert.is(await client.ping(), 'PONG');
  assert.is(await client.eval('return 42', 0), 42);
  await client.config('SET', 'busy-reply-threshold', '5000');
  await client.quit();
});

test('sandbox: no io, os, require, loadfile, dofile; globals protected', async () => {
  const client = await ioredis(server, 2);
  for (const name of ['io', 'os', 'require', 'loadfile', 'dofile', 'debug', 'package']) {
    let message = '';
    try {
      await client.eval(`return ${name} ~= nil`, 0);
    } catch (error) {
      message = (error as Error).message;
    }
    assert.ok(message.includes(`nonexistent global variable '${name}'`), `${name}: ${message}`);
  }
  let message = '';
  try {
    await client.eval('leak = 1', 0);
  } catch (error) {
    message = (error as Error).message;
  }
  assert.ok(message.includes('readonly table'), message);
  try {
    await client.eval("rawset(_G, 'leak', 1)", 0);
  } catch (error) {
    message = (error as Error).message;
  }
  assert.ok(message.includes('readonly table'), message);
  await client.quit();
});

test('time is frozen inside a script; effects: writes notify watchers', async () => {
  const client = await ioredis(server, 2);
  // A key set to expire in 1 ms is still there after the script has run for longer (as Redis).
  const still = await client.eval("redis.call('set', KEYS[1], 'v', 'PX', 1) local t = 0 for i = 1, 3000000 do t = t + 1 end return redis.call('exists', KEYS[1])", 1, 'frozen');
  assert.is(still, 1);
  const watcher = await ioredis(server, 2);
  await watcher.watch('wk');
  await client.eval("redis.call('set', KEYS[1], 'x')", 1, 'wk');
  const result = await watcher.multi().get('wk').exec();
  assert.is(result, null);
  await watcher.quit();
  await client.quit();
});

// Library scripts as their users ship them (written from how they work).

const RATE_LIMITER_CONSUME = `
local current = redis.call('incrby', KEYS[1], ARGV[1])
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then
  redis.call('pexpire', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {current, ttl}`;

const REDLOCK_RELEASE = `
if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("del", KEYS[1])
else
  return 0
end`;

const REDLOCK_ACQUIRE = `
for _, key in ipairs(KEYS) do
  if redis.call("exists", key) == 1 then return 0 end
end
for _, key in ipairs(KEYS) do
  redis.call("set", key, ARGV[1], "PX", ARGV[2])
end
return #KEYS`;

const TOKEN_BUCKET = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local requested = tonumber(ARGV[4])
local state = redis.call('hmget', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + (now - ts) * rate)
local allowed = 0
if tokens >= requested then
  tokens = tokens - requested
  allowed = 1
end
redis.call('hset', KEYS[1], 'tokens', tokens, 'ts', now)
redis.call('pexpire', KEYS[1], math.ceil(capacity / rate) * 1000)
return {allowed, tostring(tokens)}`;

test('rate-limiter-flexible, redlock and token-bucket scripts', async () => {
  const client = await ioredis(server, 3);
  await client.del('rl', 'lock1', 'lock2', 'tb');
  assert.equal(await client.eval(RATE_LIMITER_CONSUME, 1, 'rl', 1, 1000), [1, 1000]);
  const [count, ttl] = (await client.eval(RATE_LIMITER_CONSUME, 1, 'rl', 2, 1000)) as number[];
  assert.is(count, 3);
  assert.ok(ttl > 0 && ttl <= 1000);
  assert.is(await client.eval(REDLOCK_ACQUIRE, 2, 'lock1', 'lock2', 'tokenA', 10000), 2);
  assert.is(await client.eval(REDLOCK_ACQUIRE, 2, 'lock1', 'lock2', 'tokenB', 10000), 0);
  assert.is(await client.eval(REDLOCK_RELEASE, 1, 'lock1', 'tokenB'), 0);
  assert.is(await client.eval(REDLOCK_RELEASE, 1, 'lock1', 'tokenA'), 1);
  assert.is(await client.exists('lock1'), 0);
  assert.equal(await client.eval(TOKEN_BUCKET, 1, 'tb', 3, 1, 100, 1), [1, '2']);
  assert.equal(await client.eval(TOKEN_BUCKET, 1, 'tb', 3, 1, 100, 2), [1, '0']);
  assert.equal(await client.eval(TOKEN_BUCKET, 1, 'tb', 3, 1, 100, 1), [0, '0']);
  assert.equal(await client.eval(TOKEN_BUCKET, 1, 'tb', 3, 1, 102, 1), [1, '1']);
  await client.quit();
});

test('blocking commands and noscript commands inside scripts', async () => {
  const client = await ioredis(server, 2);
  let message = '';
  try {
    await client.eval("return redis.call('brpop', 'nolist', 0)", 0);
  } catch (error) {
    message = (error as Error).message;
  }
  assert.ok(message.startsWith('ERR This Redis command is not allowed from script'), message);
  // BLMPOP is not noscript: it answers at once as if it timed out.
  assert.is(await client.eval("return redis.call('blmpop', 0, 1, 'nolist', 'LEFT')", 0), null);
  await client.quit();
});

test.run();
