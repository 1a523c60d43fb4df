// The compiled-chunk cache (server/scripting/vm.ts): a script run from its
// cached chunk through the stub must give exactly what a fresh compile of the
// same source gives (values, error texts, lines, KEYS/ARGV, the sandbox), and
// the cache table itself must stay out of the scripts' way.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chunkCacheSize, forgetChunks, runLua, type ReplyValue, type ScriptHost } from '../server/scripting/vm.js';
import { sha1hex } from '../server/scripting/library.js';
import { copyBytes, readU32, writeU32 } from '../server/scripting/host.js';
import { mulberry32 } from './seeded-random.js';

const test = suite('compiled chunk cache');

const host: ScriptHost = {
  call: (args) => {
    const name = args[0].latin1Slice(0, args[0].length).toLowerCase();
    if (name === 'fail') return { err: Buffer.from('ERR failed here') };
    if (name === 'echo') return Buffer.from(args[1] ?? Buffer.alloc(0));
    return 1;
  },
  log: () => undefined,
  setResp: () => undefined,
};

/** The engine wraps bodies like this (library.ts asFunction). */
function wrap(body: string): Buffer {
  return Buffer.from(`return ((function() ${body}\nend)())`, 'latin1');
}

function strip(value: ReplyValue): unknown {
  return JSON.parse(
    JSON.stringify(value, (k, v) => {
      if (k === 'sha') return undefined;
      if (v !== null && typeof v === 'object' && v.type === 'Buffer') {
        return Buffer.from(v.data).toString('latin1');
      }
      return v;
    }),
  );
}

function run(body: string, cached: boolean, keys: string[] = ['k1', 'k2'], args: string[] = ['a1']): unknown {
  const source = wrap(body);
  const outcome = runLua(
    source,
    keys.map((k) => Buffer.from(k)),
    args.map((a) => Buffer.from(a)),
    host,
    0,
    cached ? sha1hex(source) : undefined,
  );
  return 'value' in outcome ? strip(outcome.value) : outcome;
}

const CORPUS: string[] = [
  'return 1',
  'return {KEYS[1], KEYS[2], ARGV[1], #KEYS, #ARGV}',
  'return 1, 2, 3',
  'return',
  "return 'x' .. 'y', 5",
  'return 3.99',
  "error('boom')",
  "local a = 1\nlocal b = 2\nerror('on line 3')",
  "error('level two', 2)",
  "error('no position', 0)",
  'error(5)',
  "error({err='My Error'})",
  'return nosuchglobal',
  'local t = nil\nreturn t.x',
  'x = 1',
  "redis.call('fail')",
  "local a = 1\nreturn redis.call('fail')",
  "return redis.pcall('fail')",
  "return redis.call('echo', ARGV[1])",
  "return {pcall(function() error('inner') end)}",
  'return select(\'#\', ...)',
  "local function f(n) if n == 0 then error('deep') end return f(n - 1) end\nreturn f(50)",
  'return {1, 2, nil, 4}',
  "return {ok='fine'}",
  "return type(getmetatable(_G).__index)",
  "return getmetatable(_G).x",
  "local m = getmetatable(_G) m.x = 1",
  "return tostring(rawget(_G, 'KEYS') == KEYS)",
  "return cjson.encode({1, 2})",
  "return redis.sha1hex('')",
  // pcall is the gateway the stubs use: any other first argument is a plain pcall.
  "return {pcall('0')}",
  "return {pcall('1', 2)}",
  'return {pcall(0/0)}',
  'return {pcall(nil)}',
  'return {pcall(function(...) return select(\'#\', ...) end, nil, nil)}',
];

test('a cached chunk runs exactly as a fresh compile of the same source', () => {
  assert.ok(chunkCacheSize() !== null, 'the chunk cache is set up on this VM');
  for (const body of CORPUS) {
    const fresh = run(body, false);
    const first = run(body, true);
    const again = run(body, true, ['other'], ['b1', 'b2']);
    assert.equal(first, fresh, body);
    assert.equal(again, run(body, false, ['other'], ['b1', 'b2']), body);
  }
});

test('the cache holds one chunk per sha and is emptied by forgetChunks', () => {
  const before = chunkCacheSize() ?? 0;
  run("return 'only once'", true);
  run("return 'only once'", true);
  assert.is(chunkCacheSize(), before + 1);
  forgetChunks();
  assert.is(chunkCacheSize(), 0);
  assert.equal(run("return 'only once'", true), 'only once');
  assert.is(chunkCacheSize(), 1);
});

test('scripts cannot reach or replace the cache through names', () => {
  assert.equal(run("return getmetatable(_G).cache", true), null);
  assert.equal(run("local t = {} for k in pairs(_G) do if type(k) ~= 'string' then t[#t + 1] = 1 end end return #t", true), 0);
  const write = run('local m = getmetatable(_G) m[m] = {}', true);
  assert.match((write as { err: string }).err, 'Attempt to modify a readonly table');
});

test('nil and integers read straight from the engine\'s reply equal its own decoding', async () => {
  const { load } = await import('lua-redis-wasm');
  const plain = (await load({ profile: 'redis-7.0' })).create({ redisCall: () => null, redisPcall: () => null, log: () => undefined, onSetResp: () => undefined });
  const values = ['nil', '0', '1', '-1', '3.99', '-3.99', '2^31', '-2^31', '2^32', '-2^32 - 1', '2^53 - 1', '-(2^53 - 1)', '2^53', '-2^53', '2^53 + 2', '2^62', '-2^63', '2^63', '1/0', '-1/0', '0/0'];
  const random = mulberry32(5);
  for (let i = 0; i < 200; i++) values.push(String(Math.floor((random() - 0.5) * 2 ** (1 + Math.floor(random() * 60)))));
  const shown = (value: unknown) => `${typeof value} ${String(value)}`;
  for (const v of values) {
    const source = Buffer.from(`return ${v}`);
    const expected = shown(plain.evalWithArgs(source, [], []));
    for (const sha of [undefined, sha1hex(source)]) {
      const outcome = runLua(source, [], [], host, 0, sha);
      assert.is('value' in outcome ? shown(outcome.value) : 'crashed', expected, `return ${v}${sha === undefined ? '' : ' (cached)'}`);
    }
  }
});

test('copyBytes copies exactly the n bytes asked for, short and long, as Buffer#copy', () => {
  const random = mulberry32(17);
  const src = Buffer.alloc(300);
  for (let i = 0; i < src.length; i++) src[i] = Math.floor(random() * 256);
  for (let round = 0; round < 500; round++) {
    const n = Math.floor(random() * 120);
    const from = Math.floor(random() * (src.length - n));
    const at = Math.floor(random() * (200 - n));
    const ours = Buffer.alloc(200, 0xee);
    const node = Buffer.alloc(200, 0xee);
    copyBytes(src, from, ours, at, n);
    src.copy(node, at, from, from + n);
    assert.ok(ours.equals(node), `${n} bytes from ${from} to ${at}`);
  }
});

test('the wire formats\' 32-bit fields read and write as Buffer#readUInt32LE / writeInt32LE do', () => {
  const random = mulberry32(11);
  const ours = Buffer.alloc(16);
  const node = Buffer.alloc(16);
  const values = [0, 1, 255, 256, 0x7fffffff, 0x80000000, 0xffffffff, -1, -2147483648];
  for (let i = 0; i < 2000; i++) values.push(Math.floor(random() * 0x100000000), -Math.floor(random() * 0x80000000));
  for (const v of values) {
    const at = Math.floor(random() * 12);
    writeU32(ours, at, v);
    if (v < 0) node.writeInt32LE(v, at);
    else node.writeUInt32LE(v, at);
    assert.is(ours.toString('hex'), node.toString('hex'), `write ${v} at ${at}`);
    assert.is(readU32(ours, at), node.readUInt32LE(at), `read ${v} at ${at}`);
  }
});

test.run();
