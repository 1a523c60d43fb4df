// RDB files exchanged with a real redis-server 7: ours pass redis-check-rdb
// and load into Redis with every key, type, value and TTL; Redis's load into
// ours the same way. Skipped (with a note) when redis-server is not installed.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startTestServer } from './helpers.js';
import { checkRdb, datasetOf, encodingsOf, fillDataset, haveRedis, startRealRedis, withTempDir } from './rdb-support.js';

const test = suite('rdb files with real redis');

if (!haveRedis) console.log('persistence-rdb: redis-server not installed, skipping the exchange tests');

function connect(port: number): Redis {
  const c = new Redis({ port, protocol: 2, lazyConnect: false, maxRetriesPerRequest: 0 });
  c.on('error', () => {});
  return c;
}

async function roundTripThroughRedis(config: Record<string, string>): Promise<void> {
  await withTempDir('ours', (dir) => roundTripIn(dir, config));
}

async function roundTripIn(dir: string, config: Record<string, string>): Promise<void> {
  const ours = await startTestServer({ config: { dir, dbfilename: 'ours.rdb', ...config } });
  const c = connect(ours.port);
  try {
    await fillDataset(c, 7);
    const expected = await datasetOf(c);
    assert.is(await c.save(), 'OK');
    const check = checkRdb(path.join(dir, 'ours.rdb'));
    assert.ok(check.ok, check.output);
    const redis = await startRealRedis(7861, dir, 'ours.rdb');
    try {
      const got = await datasetOf(redis.client);
      assert.equal(Object.keys(got).length, Object.keys(expected).length);
      assert.equal(got, expected);
    } finally {
      await redis.stop();
    }
  } finally {
    c.disconnect();
    await ours.close();
  }
}

test('a file embedis writes passes redis-check-rdb and loads into redis-server', async () => {
  if (!haveRedis) return;
  await roundTripThroughRedis({});
});

test('the same without compression and without checksum', async () => {
  if (!haveRedis) return;
  await roundTripThroughRedis({ rdbcompression: 'no', rdbchecksum: 'no' });
});

test("redis-server's dump.rdb (listpack, intset, quicklist, LZF) loads into embedis", async () => {
  if (!haveRedis) return;
  await withTempDir('redis', loadTheirs);
});

async function loadTheirs(dir: string): Promise<void> {
  const redis = await startRealRedis(7862, dir, 'theirs.rdb');
  let expected: Record<string, unknown>;
  let expectedEncodings: Record<string, string>;
  try {
    await fillDataset(redis.client, 11);
    expected = await datasetOf(redis.client);
    expectedEncodings = await encodingsOf(redis.client);
    assert.is(await redis.client.save(), 'OK');
  } finally {
    await redis.stop();
  }
  const ours = await startTestServer({ config: { dir, dbfilename: 'theirs.rdb' } });
  const c = connect(ours.port);
  try {
    const got = await datasetOf(c);
    assert.equal(got, expected);
    // Loaded values take the encodings Redis gives them.
    assert.equal(await encodingsOf(c), expectedEncodings);
    const info = await c.info('persistence');
    assert.match(info, `rdb_last_load_keys_loaded:${Object.keys(expected).length}`);
  } finally {
    c.disconnect();
    await ours.close();
  }
}

test('a corrupt file stops the load with an error', async () => {
  await withTempDir('corrupt', corruptLoads);
});

async function corruptLoads(dir: string): Promise<void> {
  const ours = await startTestServer({ config: { dir, dbfilename: 'a.rdb' } });
  const c = connect(ours.port);
  await c.set('k', 'v'.repeat(100));
  await c.save();
  c.disconnect();
  await ours.close();
  const file = path.join(dir, 'a.rdb');
  const good = fs.readFileSync(file);
  const expectError = async (mutate: (b: Buffer) => void, pattern: RegExp) => {
    const data = Buffer.from(good);
    mutate(data);
    fs.writeFileSync(file, data);
    try {
      const s = await startTestServer({ config: { dir, dbfilename: 'a.rdb' } });
      await s.close();
      assert.unreachable('a corrupt file loaded');
    } catch (error) {
      assert.match((error as Error).message, pattern, (error as Error).message);
    }
  };
  await expectError((b) => (b[b.length - 1] ^= 0xff), /Wrong RDB checksum/);
  await expectError((b) => (b[b.length - 20] ^= 0xff), /RDB|checksum|LZF|Unexpected/i);
  await expectError((b) => b.write('REDIS0099', 0, 'latin1'), /Can't handle RDB format version 0099/);
}

test('DEBUG RELOAD and its MERGE, NOFLUSH and NOSAVE options (replies as redis-server 7.0)', async () => {
  await withTempDir('reload', debugReloads);
});

async function debugReloads(dir: string): Promise<void> {
  const ours = await startTestServer({ config: { dir, dbfilename: 'r.rdb' } });
  const c = connect(ours.port);
  try {
    await fillDataset(c, 3);
    await c.select(0);
    const before = await datasetOf(c);
    await c.select(0);
    assert.is(await c.call('DEBUG', 'RELOAD'), 'OK');
    assert.equal(await datasetOf(c), before, 'saved, emptied and loaded back: the same dataset');
    await c.select(0);
    assert.ok(fs.existsSync(path.join(dir, 'r.rdb')));

    // NOSAVE: the file's contents replace memory (a key written since is gone, a changed one reverts).
    await c.set('reload:new', '1');
    await c.set('reload:kept', 'file');
    assert.is(await c.call('DEBUG', 'RELOAD'), 'OK');
    await c.set('reload:kept', 'memory');
    await c.set('reload:since', 'x');
    assert.is(await c.call('DEBUG', 'RELOAD', 'NOSAVE'), 'OK');
    assert.is(await c.get('reload:kept'), 'file');
    assert.is(await c.get('reload:since'), null);

    // NOSAVE NOFLUSH MERGE: the file is added, its version of a key in both wins.
    await c.set('reload:kept', 'memory');
    await c.set('reload:since', 'x');
    assert.is(await c.call('DEBUG', 'RELOAD', 'nosave', 'noflush', 'merge'), 'OK');
    assert.is(await c.get('reload:kept'), 'file');
    assert.is(await c.get('reload:since'), 'x');

    // NOFLUSH without MERGE over keys in both: Redis's server dies; here an error, and the server goes on.
    const conflict = await c.call('DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH').catch((e: Error) => e.message);
    assert.is(conflict, 'ERR Error trying to load the RDB dump');
    assert.is(await c.ping(), 'PONG');

    // Function libraries come back from the file as well.
    await c.call('FUNCTION', 'LOAD', "#!lua name=reloadlib\nredis.register_function('reloadf', function() return 7 end)");
    assert.is(await c.call('DEBUG', 'RELOAD'), 'OK');
    assert.is(await c.call('FCALL', 'reloadf', '0'), 7);
    assert.is(await c.call('FUNCTION', 'DELETE', 'reloadlib'), 'OK');
    assert.is(await c.call('DEBUG', 'RELOAD', 'NOSAVE'), 'OK');
    assert.is(await c.call('FCALL', 'reloadf', '0'), 7);

    const bad = await c.call('DEBUG', 'RELOAD', 'LATER').catch((e: Error) => e.message);
    assert.is(bad, 'ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');

    // NOSAVE with no file: the error Redis gives (Redis has emptied memory by then; here nothing is lost).
    fs.unlinkSync(path.join(dir, 'r.rdb'));
    const missing = await c.call('DEBUG', 'RELOAD', 'NOSAVE').catch((e: Error) => e.message);
    assert.is(missing, 'ERR Error trying to load the RDB dump');
    assert.is(await c.get('reload:since'), 'x');
  } finally {
    c.disconnect();
    await ours.close();
  }
}

test.run();
