// FUNCTION DUMP / RESTORE: payloads interchangeable with a real redis-server
// 7.0 both ways, the three restore policies and Redis's error texts.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import { Redis } from 'ioredis';
import { startTestServer } from './helpers.js';
import { haveRedis, startRealRedis, tempDir, type RealRedis } from './rdb-support.js';
import type { RunningServer } from '../server/index.js';
import { Crc64 } from '../server/persistence/crc64.js';

const test = suite('function dump and restore');

let ours: RunningServer;
let c: Redis;
let redis: RealRedis | null = null;
let real: Redis | null = null;
let dir = '';

const LIB1 = "#!lua name=lib1\nredis.register_function('f1', function(keys, args) return 'one' end)";
const LIB2 =
  "#!lua name=lib2\nredis.register_function{function_name='f2', callback=function(keys, args) return #keys end, flags={'no-writes'}, description='counts the keys it was given'}";
const LIB3 = "#!lua name=lib3\nredis.register_function('f1', function(keys, args) return 'three' end)";

test.before(async () => {
  ours = await startTestServer();
  c = new Redis({ port: ours.port, protocol: 2, maxRetriesPerRequest: 0 });
  c.on('error', () => {});
  if (haveRedis) {
    dir = tempDir('fdump');
    redis = await startRealRedis(7885, dir);
    real = new Redis({ port: 7885, maxRetriesPerRequest: 0 });
    real.on('error', () => {});
  } else {
    console.log('scripting-functions: redis-server not installed, skipping the exchange tests');
  }
});

test.after(async () => {
  c.disconnect();
  real?.disconnect();
  await ours.close();
  if (redis !== null) await redis.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test.before.each(async () => {
  await c.call('FUNCTION', 'FLUSH');
  await real?.call('FUNCTION', 'FLUSH');
});

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

async function dump(client: Redis): Promise<Buffer> {
  return (await client.callBuffer('FUNCTION', 'DUMP')) as Buffer;
}

function listing(reply: unknown): string {
  // Library names and their function names, order-free.
  const libs = (reply as unknown[][]).map((lib) => {
    const fns = (lib[5] as unknown[][]).map((f) => `${String(f[1])}:${String(f[3])}:${(f[5] as string[]).join(',')}`);
    return `${String(lib[1])}=${fns.sort().join('|')}`;
  });
  return libs.sort().join(' ');
}

/** A payload from raw records, with Redis's footer (version 10, CRC-64). */
function payload(records: Buffer[]): Buffer {
  const body = Buffer.concat([...records, Buffer.from([10, 0])]);
  return Buffer.concat([body, new Crc64().update(body).toBuffer()]);
}

function record(code: string): Buffer {
  const b = Buffer.from(code, 'latin1');
  const len = Buffer.alloc(5);
  len[0] = 0x80;
  len.writeUInt32BE(b.length, 1);
  return Buffer.concat([Buffer.from([0xf5]), len, b]);
}

test('an empty dump is the footer alone, as Redis', async () => {
  const ourDump = await dump(c);
  assert.is(ourDump.length, 10);
  assert.is(ourDump.subarray(0, 2).toString('hex'), '0a00');
  if (real !== null) assert.equal(ourDump, await dump(real));
  assert.is(await c.call('FUNCTION', 'RESTORE', ourDump), 'OK');
});

test('dump and restore on embedis keeps libraries, flags and descriptions', async () => {
  await c.call('FUNCTION', 'LOAD', LIB1);
  await c.call('FUNCTION', 'LOAD', LIB2);
  const before = listing(await c.call('FUNCTION', 'LIST'));
  const payloadBytes = await dump(c);
  await c.call('FUNCTION', 'FLUSH');
  assert.is(await c.call('FUNCTION', 'RESTORE', payloadBytes), 'OK');
  assert.is(listing(await c.call('FUNCTION', 'LIST')), before);
  assert.is(await c.call('FCALL', 'f1', '0'), 'one');
  assert.is(await c.call('FCALL_RO', 'f2', '2', 'a', 'b'), 2);
});

test('a payload from real Redis restores here, and ours restores on Redis', async () => {
  if (real === null) return;
  await real.call('FUNCTION', 'LOAD', LIB1);
  await real.call('FUNCTION', 'LOAD', LIB2);
  const theirs = await dump(real);
  assert.is(await c.call('FUNCTION', 'RESTORE', theirs), 'OK');
  const expected = listing(await real.call('FUNCTION', 'LIST'));
  assert.is(listing(await c.call('FUNCTION', 'LIST')), expected);
  assert.is(await c.call('FCALL', 'f2', '1', 'k'), 1);

  const mine = await dump(c);
  await real.call('FUNCTION', 'FLUSH');
  assert.is(await real.call('FUNCTION', 'RESTORE', mine), 'OK');
  assert.is(listing(await real.call('FUNCTION', 'LIST')), expected);
  assert.is(await real.call('FCALL', 'f1', '0'), 'one');
});

test('APPEND (default) refuses a library that exists; REPLACE swaps it; FLUSH drops the others', async () => {
  await c.call('FUNCTION', 'LOAD', LIB1);
  const p = await dump(c);
  assert.is(await errorOf(c.call('FUNCTION', 'RESTORE', p)), 'ERR Library lib1 already exists');
  assert.is(await errorOf(c.call('FUNCTION', 'RESTORE', p, 'append')), 'ERR Library lib1 already exists');
  assert.is(await c.call('FUNCTION', 'RESTORE', p, 'REPLACE'), 'OK');
  await c.call('FUNCTION', 'LOAD', LIB2);
  assert.is(await c.call('FUNCTION', 'RESTORE', p, 'FLUSH'), 'OK');
  assert.is(listing(await c.call('FUNCTION', 'LIST')), 'lib1=f1:null:');
});

test('a function name held by another library is refused under APPEND and REPLACE, nothing changes', async () => {
  await c.call('FUNCTION', 'LOAD', LIB3);
  const p = payload([record(LIB1)]);
  assert.is(await errorOf(c.call('FUNCTION', 'RESTORE', p)), 'ERR Function f1 already exists');
  assert.is(await errorOf(c.call('FUNCTION', 'RESTORE', p, 'REPLACE')), 'ERR Function f1 already exists');
  assert.is(await c.call('FCALL', 'f1', '0'), 'three');
  assert.is(await c.call('FUNCTION', 'RESTORE', p, 'FLUSH'), 'OK');
  assert.is(await c.call('FCALL', 'f1', '0'), 'one');
});

test('REPLACE that fails on a function collision puts the replaced library back', async () => {
  await c.call('FUNCTION', 'LOAD', LIB1);
  await c.call('FUNCTION', 'LOAD', "#!lua name=other\nredis.register_function('g', function() return 'g' end)");
  const p = payload([record("#!lua name=lib1\nredis.register_function('g', function() return 'new' end)")]);
  assert.is(await errorOf(c.call('FUNCTION', 'RESTORE', p, 'REPLACE')), 'ERR Function g already exists');
  assert.is(await c.call('FCALL', 'f1', '0'), 'one');
  assert.is(await c.call('FCALL', 'g', '0'), 'g');
});

test('errors as Redis gives them', async () => {
  const cases: Array<[Buffer[], string]> = [
    [[Buffer.from('abc')], 'ERR DUMP payload version or checksum are wrong'],
    [[Buffer.from('abcdefghijklmn')], 'ERR DUMP payload version or checksum are wrong'],
    [[Buffer.from('x'), Buffer.from('BAD')], 'ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.'],
    [[Buffer.from('x'), Buffer.from('flush'), Buffer.from('extra')], "ERR unknown subcommand or wrong number of arguments for 'RESTORE'. Try FUNCTION HELP."],
    [[payload([record('#!lua name=bad\nthis is bad')])], "ERR Error compiling function: user_function:2: '=' expected near 'is'"],
    [[payload([record(LIB1), record(LIB1)])], "ERR Library 'lib1' already exists"],
    [[payload([record(LIB1), record(LIB3)])], 'ERR Function f1 already exists'],
    [[payload([record('#!lua name=d\nreturn 1')])], 'ERR No functions registered'],
    [[payload([record('nometa')])], 'ERR Missing library metadata'],
    [[payload([Buffer.from([0xf5])])], 'ERR Failed loading library payload'],
    [[payload([Buffer.from([0x00, 0x01, 0x61])])], 'ERR given type is not a function'],
  ];
  for (const [args, expected] of cases) {
    assert.is(await errorOf(c.call('FUNCTION', 'RESTORE', ...args)), expected, expected);
    if (real !== null) assert.is(await errorOf(real.call('FUNCTION', 'RESTORE', ...args)), expected, `redis: ${expected}`);
  }
  assert.equal(await c.call('FUNCTION', 'LIST'), []);
});

test('INFO memory counts cached scripts, functions and libraries and the VM heap', async () => {
  await c.call('SCRIPT', 'FLUSH');
  await c.call('FUNCTION', 'LOAD', LIB1);
  await c.call('FUNCTION', 'LOAD', LIB2);
  await c.call('SCRIPT', 'LOAD', 'return 1');
  await c.call('EVAL', 'return 2', '0');
  const info = String(await c.call('INFO', 'memory'));
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? -1);
  assert.is(field('number_of_cached_scripts'), 2);
  assert.is(field('number_of_functions'), 2);
  assert.is(field('number_of_libraries'), 2);
  assert.ok(field('used_memory_lua') > 0);
  assert.ok(field('used_memory_scripts') > 0);
});

test('a DUMP of a key is refused as not a function', async () => {
  await c.set('k', 'v');
  const keyDump = (await c.dumpBuffer('k')) as Buffer;
  assert.is(await errorOf(c.call('FUNCTION', 'RESTORE', keyDump)), 'ERR given type is not a function');
});

test.run();
