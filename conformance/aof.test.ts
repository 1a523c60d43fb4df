// The AOF directory moves both ways between embedis and real Redis 7:
// redis-server loads what embedis wrote (and redis-check-aof accepts it),
// embedis loads what redis-server wrote, key by key, type, value and TTL.
// Also: BGREWRITEAOF, CONFIG SET appendonly, INFO, truncated and corrupt files.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { ioredis, startTestServer } from './helpers.js';
import { datasetOf, fillDataset, haveRedis, startRealRedis, withTempDir } from './rdb-support.js';
import type { RunningServer } from '../server/index.js';
import { AofLoadError, aofOf } from '../server/persistence/aof-server.js';
import { execute } from '../server/dispatch.js';

const test = suite('aof');
const REDIS_PORT = 7874;

async function embedis(dir: string, config: Record<string, string> = {}): Promise<{ running: RunningServer; c: Redis }> {
  const running = await startTestServer({ config: { dir, appendonly: 'yes', ...config } });
  const c = await ioredis(running, 2);
  return { running, c };
}

/** Writes whose effects differ from their argv, so the replay must use the effects. */
async function effectWrites(c: Redis): Promise<void> {
  await c.select(2);
  await c.set('plain', 'v');
  await c.expire('plain', 5000);
  await c.setex('sx', 4000, 'x');
  await c.set('sp', 'y', 'EX', 3000);
  await c.sadd('popme', 'a', 'b', 'c', 'd', 'e', 'f');
  await c.spop('popme');
  await c.spop('popme', 2);
  await c.incrbyfloat('fl', '10.5');
  await c.hincrbyfloat('hf', 'f', '0.1');
  await c.rpush('bl', '1', '2', '3');
  await c.blpop('bl', 0);
  await c.blmove('bl', 'bl2', 'RIGHT', 'LEFT', 0);
  await c.multi().set('m1', '1').incr('m2').exec();
  await c.set('gone', '1');
  await c.call('getdel', 'gone');
  await c.select(0);
}

/** Waits until no AOF rewrite runs (it walks the dataset in slices between commands). */
async function rewriteDone(c: Redis): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const info = await c.info('persistence');
    if (info.includes('aof_rewrite_in_progress:0')) return info;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the AOF rewrite did not finish');
}

function checkAof(manifest: string): { ok: boolean; output: string } {
  const result = spawnSync('redis-check-aof', [manifest], { encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  return { ok: result.status === 0 && output.includes('valid'), output };
}

for (const preamble of ['no', 'yes']) {
  test(`real Redis loads embedis's AOF directory (aof-use-rdb-preamble ${preamble})`, async () => {
    if (!haveRedis) return;
    await withTempDir('aof-out', async (dir) => {
      const { running, c } = await embedis(dir, { 'aof-use-rdb-preamble': preamble, appendfsync: 'always' });
      await fillDataset(c, 3);
      await effectWrites(c);
      // Half the data in the base, half in the incr file.
      assert.is(await c.bgrewriteaof(), 'Background append only file rewriting started');
      // Writes while the base is being written land in the new incr file.
      await c.select(1);
      await c.set('during-rewrite', 'yes');
      await c.del('str:1:0');
      await c.select(0);
      assert.match(await rewriteDone(c), /aof_rewrites:1\r\n/);
      await c.select(1);
      await c.set('after-rewrite', 'yes');
      await c.rpush('list:small:1', 'more');
      await c.select(0);
      const expected = await datasetOf(c);
      c.disconnect();
      await running.close();
      const aofDir = path.join(dir, 'appendonlydir');
      const files = fs.readdirSync(aofDir).sort();
      assert.equal(files, ['appendonly.aof.2.base.' + (preamble === 'yes' ? 'rdb' : 'aof'), 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
      const check = checkAof(path.join(aofDir, 'appendonly.aof.manifest'));
      assert.ok(check.ok, check.output);
      const real = await startRealRedis(REDIS_PORT, dir, 'dump.rdb', ['--appendonly', 'yes']);
      try {
        assert.equal(await datasetOf(real.client), expected);
      } finally {
        await real.stop();
      }
    });
  });

  test(`embedis loads real Redis's AOF directory (aof-use-rdb-preamble ${preamble})`, async () => {
    if (!haveRedis) return;
    await withTempDir('aof-in', async (dir) => {
      const real = await startRealRedis(REDIS_PORT, dir, 'dump.rdb', ['--appendonly', 'yes', '--aof-use-rdb-preamble', preamble]);
      let expected: Record<string, unknown>;
      try {
        await fillDataset(real.client, 4);
        await real.client.bgrewriteaof();
        for (let i = 0; i < 100; i++) {
          const info = await real.client.info('persistence');
          if (info.includes('aof_rewrite_in_progress:0') && info.includes('aof_rewrite_scheduled:0') && info.includes('aof_rewrites:1')) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        await effectWrites(real.client);
        expected = await datasetOf(real.client);
      } finally {
        await real.stop();
      }
      const { running, c } = await embedis(dir);
      try {
        assert.equal(await datasetOf(c), expected);
        // And it keeps appending to Redis's incr file.
        await c.set('added', '1');
      } finally {
        c.disconnect();
        await running.close();
      }
      const again = await embedis(dir);
      try {
        assert.is(await again.c.get('added'), '1');
      } finally {
        again.c.disconnect();
        await again.running.close();
      }
    });
  });
}

test('CONFIG SET appendonly yes writes the dataset as a base; INFO aof fields', async () => {
  await withTempDir('aof-config', async (dir) => {
    const running = await startTestServer({ config: { dir } });
    const c = await ioredis(running, 2);
    try {
      await c.set('before', '1');
      assert.match(await c.info('persistence'), /aof_enabled:0\r\n/);
      assert.not.match(await c.info('persistence'), /aof_current_size/);
      await c.config('SET', 'appendonly', 'yes');
      // The first base is written in the background, as Redis's startAppendOnly.
      const info = await rewriteDone(c);
      assert.match(info, /aof_enabled:1\r\n/);
      assert.match(info, /aof_rewrites:1\r\n/);
      assert.match(info, /aof_current_size:\d+\r\n/);
      await c.set('after', '2');
      await c.config('SET', 'appendonly', 'no');
      assert.match(await c.info('persistence'), /aof_enabled:0\r\n/);
      await c.set('not-logged', '3');
    } finally {
      c.disconnect();
      await running.close();
    }
    const { running: r2, c: c2 } = await embedis(dir);
    try {
      assert.equal(await c2.mget('before', 'after', 'not-logged'), ['1', '2', null]);
    } finally {
      c2.disconnect();
      await r2.close();
    }
  });
});

test('auto-aof-rewrite-percentage rewrites once the AOF doubled', async () => {
  await withTempDir('aof-auto', async (dir) => {
    const { running, c } = await embedis(dir, { 'auto-aof-rewrite-min-size': '1', 'aof-use-rdb-preamble': 'no' });
    try {
      await c.set('seed', 'x'.repeat(100));
      await c.bgrewriteaof();
      await rewriteDone(c);
      for (let i = 0; i < 10; i++) await c.set(`k${i}`, 'y'.repeat(100));
      running.server.cron();
      const info = await rewriteDone(c);
      assert.match(info, /aof_rewrites:2\r\n/);
      const manifest = fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1');
      assert.is(manifest, 'file appendonly.aof.3.base.aof seq 3 type b\nfile appendonly.aof.3.incr.aof seq 3 type i\n');
    } finally {
      c.disconnect();
      await running.close();
    }
  });
});

test('a shutdown during a rewrite leaves a directory that loads everything', async () => {
  await withTempDir('aof-midway', async (dir) => {
    const { running, c } = await embedis(dir, { 'aof-use-rdb-preamble': 'no' });
    await fillDataset(c, 5);
    await c.set('while-rewriting', '0');
    const expected = await datasetOf(c);
    c.disconnect();
    // All in one turn, so the walk (which runs between commands) has not finished when the server stops.
    const aof = aofOf(running.server);
    assert.is(aof.startRewrite(), null);
    assert.is(aof.rewriteInProgress, true);
    assert.is(aof.startRewrite(), 'ERR Background append only file rewriting already in progress');
    const local = running.server.createLocalClient();
    execute(running.server, local, [Buffer.from('SET'), Buffer.from('while-rewriting'), Buffer.from('1')]);
    (expected as Record<string, { value: string }>)['0/while-rewriting'].value = Buffer.from('1').toString('hex');
    await running.close();
    const manifest = fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'latin1');
    assert.is(
      manifest,
      'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n',
    );
    const again = await embedis(dir);
    try {
      assert.equal(await datasetOf(again.c), expected);
    } finally {
      again.c.disconnect();
      await again.running.close();
    }
  });
});

/** An AOF dir written by embedis with a few records in its incr file; returns the incr file's path. */
async function writeSmallAof(dir: string): Promise<string> {
  const { running, c } = await embedis(dir, { appendfsync: 'always' });
  for (let i = 0; i < 10; i++) await c.set(`k${i}`, `v${i}`);
  c.disconnect();
  await running.close();
  const aofDir = path.join(dir, 'appendonlydir');
  return path.join(aofDir, fs.readdirSync(aofDir).find((f) => f.endsWith('.incr.aof'))!);
}

test('a truncated last record is dropped (aof-load-truncated yes), refused otherwise', async () => {
  await withTempDir('aof-trunc', async (dir) => {
    const incr = await writeSmallAof(dir);
    const whole = fs.readFileSync(incr);
    const lastStart = whole.lastIndexOf('*3\r\n');
    fs.writeFileSync(incr, whole.subarray(0, lastStart + 9));
    let refused: unknown = null;
    try {
      const r = await startTestServer({ config: { dir, appendonly: 'yes', 'aof-load-truncated': 'no' } });
      await r.close();
    } catch (error) {
      refused = error;
    }
    assert.ok(refused instanceof AofLoadError);
    assert.match((refused as Error).message, /Unexpected end of file reading the append only file appendonly\.aof\.1\.incr\.aof/);
    const { running, c } = await embedis(dir);
    try {
      assert.is(await c.get('k8'), 'v8');
      assert.is(await c.get('k9'), null);
      assert.is(fs.statSync(incr).size, lastStart);
    } finally {
      c.disconnect();
      await running.close();
    }
  });
});

test('a corrupt AOF stops start-up with the file and offset', async () => {
  await withTempDir('aof-corrupt', async (dir) => {
    const incr = await writeSmallAof(dir);
    const size = fs.statSync(incr).size;
    fs.appendFileSync(incr, 'garbage\r\n*1\r\n$4\r\nPING\r\n');
    let refused: unknown = null;
    try {
      const r = await startTestServer({ config: { dir, appendonly: 'yes' } });
      await r.close();
    } catch (error) {
      refused = error;
    }
    assert.ok(refused instanceof AofLoadError);
    assert.match((refused as Error).message, new RegExp(`Bad file format reading the append only file appendonly\\.aof\\.1\\.incr\\.aof at offset ${size}`));
  });
});

test.run();
