// Starting from the AOF of an older Redis (one appendonly.aof in dir, with or
// without an RDB preamble), "#TS:" annotations of aof-timestamp-enabled, and
// CONFIG SET appendonly yes writing its first base without blocking clients.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { ioredis, startTestServer } from './helpers.js';
import { haveRedis, startRealRedis, withTempDir } from './rdb-support.js';
import { encodeRecord, recordSize } from '../server/persistence/aof-format.js';

const test = suite('aof-upgrade');
const REDIS_PORT = 7954;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function resp(...commands: string[][]): Buffer {
  return Buffer.concat(
    commands.map((args) => {
      const out = Buffer.alloc(recordSize(args));
      encodeRecord(out, 0, args);
      return out;
    }),
  );
}

/** What a Redis 6 with appendonly yes left in dir: commands, an annotation, a TTL. */
const OLD_AOF = Buffer.concat([
  resp(['SELECT', '0'], ['set', 'old', '1'], ['rpush', 'list', 'a', 'b']),
  Buffer.from('#TS:1700000000\r\n'),
  resp(['set', 'old2', '2'], ['PEXPIREAT', 'old2', String(Date.now() + 3_600_000)], ['SELECT', '3'], ['incr', 'n'], ['incr', 'n']),
]);

function listing(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

async function contents(c: Redis): Promise<unknown[]> {
  const out: unknown[] = [];
  await c.select(0);
  out.push(await c.get('old'), await c.lrange('list', 0, -1), await c.get('old2'), (await c.ttl('old2')) > 3000);
  await c.select(3);
  out.push(await c.get('n'));
  await c.select(0);
  return out;
}

test('an old single-file AOF is moved into appenddirname as the base, with a manifest (as real Redis)', async () => {
  const expected = ['1', ['a', 'b'], '2', true, '2'];
  const expectedManifest = 'file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n';
  const layouts: string[][] = [];
  await withTempDir('aof-upgrade', async (dir) => {
    fs.writeFileSync(path.join(dir, 'appendonly.aof'), OLD_AOF);
    const running = await startTestServer({ config: { dir, appendonly: 'yes' } });
    const c = await ioredis(running, 2);
    try {
      assert.equal(await contents(c), expected);
      await c.set('new', 'x');
    } finally {
      c.disconnect();
      await running.close();
    }
    assert.equal(listing(dir), ['appendonlydir']);
    const aofDir = path.join(dir, 'appendonlydir');
    layouts.push(listing(aofDir));
    assert.equal(listing(aofDir), ['appendonly.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
    assert.is(fs.readFileSync(path.join(aofDir, 'appendonly.aof.manifest'), 'latin1'), expectedManifest);
    assert.ok(fs.readFileSync(path.join(aofDir, 'appendonly.aof')).equals(OLD_AOF));
    // Started again, the directory is used as it is (no second upgrade).
    const again = await startTestServer({ config: { dir, appendonly: 'yes' } });
    const c2 = await ioredis(again, 2);
    try {
      assert.equal(await contents(c2), expected);
      assert.is(await c2.get('new'), 'x');
    } finally {
      c2.disconnect();
      await again.close();
    }
  });
  if (!haveRedis) return;
  await withTempDir('aof-upgrade-redis', async (dir) => {
    fs.writeFileSync(path.join(dir, 'appendonly.aof'), OLD_AOF);
    const real = await startRealRedis(REDIS_PORT, dir, 'dump.rdb', ['--appendonly', 'yes']);
    try {
      assert.equal(await contents(real.client), expected);
    } finally {
      await real.stop();
    }
    const aofDir = path.join(dir, 'appendonlydir');
    assert.equal(listing(aofDir), layouts[0]);
    assert.is(fs.readFileSync(path.join(aofDir, 'appendonly.aof.manifest'), 'latin1'), expectedManifest);
  });
});

test('an old AOF with an RDB preamble is upgraded and loads', async () => {
  await withTempDir('aof-upgrade-rdb', async (dir) => {
    // The preamble: a dump.rdb of a dataset, then commands after it (as Redis 6 wrote with aof-use-rdb-preamble).
    const first = await startTestServer({ config: { dir } });
    const c0 = await ioredis(first, 2);
    try {
      await c0.set('fromrdb', 'r');
      await c0.hset('h', 'f', 'v');
      await c0.save();
    } finally {
      c0.disconnect();
      await first.close();
    }
    const rdb = fs.readFileSync(path.join(dir, 'dump.rdb'));
    fs.unlinkSync(path.join(dir, 'dump.rdb'));
    fs.writeFileSync(path.join(dir, 'appendonly.aof'), Buffer.concat([rdb, resp(['SELECT', '0'], ['set', 'after', 'a'])]));
    const running = await startTestServer({ config: { dir, appendonly: 'yes' } });
    const c = await ioredis(running, 2);
    try {
      assert.equal(await c.mget('fromrdb', 'after'), ['r', 'a']);
      assert.equal(await c.hgetall('h'), { f: 'v' });
    } finally {
      c.disconnect();
      await running.close();
    }
    assert.equal(listing(path.join(dir, 'appendonlydir')), ['appendonly.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
  });
});

test('aof-timestamp-enabled: a #TS line before the first record of each second, skipped on load', async () => {
  await withTempDir('aof-ts', async (dir) => {
    const running = await startTestServer({ config: { dir, appendonly: 'yes', 'aof-timestamp-enabled': 'yes', 'aof-use-rdb-preamble': 'no' } });
    const c = await ioredis(running, 2);
    running.clock.freeze(); // whole seconds: no real second boundary between a mark and its write
    const seconds = () => Math.floor(running.clock.now() / 1000);
    const marks: number[] = [];
    try {
      marks.push(seconds());
      await c.set('a', '1');
      await c.set('b', '2');
      running.clock.advance(1000);
      marks.push(seconds());
      await c.select(2);
      await c.incr('n');
      running.clock.advance(2500);
      marks.push(seconds());
      await c.incr('n');
      await c.bgrewriteaof();
      for (let i = 0; i < 300 && !(await c.info('persistence')).includes('aof_rewrite_in_progress:0'); i++) await sleep(10);
    } finally {
      c.disconnect();
      await running.close();
    }
    const aofDir = path.join(dir, 'appendonlydir');
    // The first incr went away with the rewrite; its records are in base 2, which starts with a #TS line.
    assert.ok(!fs.existsSync(path.join(aofDir, 'appendonly.aof.1.incr.aof')));
    const base = fs.readFileSync(path.join(aofDir, 'appendonly.aof.2.base.aof'), 'latin1');
    assert.match(base, new RegExp(`^#TS:${marks[2]}\\r\\n\\*2\\r\\n\\$6\\r\\nSELECT\\r\\n`));
    // redis-check-aof accepts annotated files.
    const check = spawnSync('redis-check-aof', [path.join(aofDir, 'appendonly.aof.manifest')], { encoding: 'utf8' });
    if (check.status !== null) assert.match(`${check.stdout}${check.stderr}`, /valid/);
  });
});

test('aof-timestamp-enabled: annotations in the incr file, exactly where Redis puts them', async () => {
  await withTempDir('aof-ts-incr', async (dir) => {
    const running = await startTestServer({ config: { dir, appendonly: 'yes', 'aof-timestamp-enabled': 'yes' } });
    const c = await ioredis(running, 2);
    // Frozen: the annotations are whole seconds, and a real second boundary
    // crossed between computing the expectation and the write made this flaky.
    running.clock.freeze();
    const sec = () => Math.floor(running.clock.now() / 1000);
    let expected = '';
    const rec = (...args: string[]) => resp(args).toString('latin1');
    try {
      expected += `#TS:${sec()}\r\n` + rec('SELECT', '0') + rec('set', 'a', '1');
      await c.set('a', '1');
      await c.set('b', '2');
      expected += rec('set', 'b', '2');
      running.clock.advance(1000);
      await c.select(2);
      await c.incr('n');
      expected += `#TS:${sec()}\r\n` + rec('SELECT', '2') + rec('incr', 'n');
      await c.get('n'); // reads record nothing, so no annotation either
      running.clock.advance(1000);
      await c.get('n');
      running.clock.advance(1000);
      await c.del('n');
      expected += `#TS:${sec()}\r\n` + rec('del', 'n');
      await c.config('SET', 'aof-timestamp-enabled', 'no');
      running.clock.advance(1000);
      await c.set('c', '3');
      expected += rec('set', 'c', '3');
    } finally {
      c.disconnect();
      await running.close();
    }
    const incr = fs.readFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.incr.aof'), 'latin1');
    assert.is(incr, expected);
    const again = await startTestServer({ config: { dir, appendonly: 'yes' } });
    const c2 = await ioredis(again, 2);
    try {
      assert.equal(await c2.mget('a', 'b'), ['1', '2']);
      await c2.select(2);
      assert.is(await c2.exists('n'), 0);
      assert.is(await c2.get('c'), '3');
    } finally {
      c2.disconnect();
      await again.close();
    }
    if (!haveRedis) return;
    // Real Redis loads the annotated directory too.
    const real = await startRealRedis(REDIS_PORT, dir, 'dump.rdb', ['--appendonly', 'yes']);
    try {
      assert.equal(await real.client.mget('a', 'b'), ['1', '2']);
      await real.client.select(2);
      assert.is(await real.client.get('c'), '3');
    } finally {
      await real.stop();
    }
  });
});

test('CONFIG SET appendonly yes: the first base is walked in slices while clients are served', async () => {
  await withTempDir('aof-enable', async (dir) => {
    const running = await startTestServer({ config: { dir } });
    const c = await ioredis(running, 2);
    const other = await ioredis(running, 2);
    const KEYS = 200_000;
    try {
      for (let i = 0; i < KEYS; i += 5000) {
        const args: string[] = [];
        for (let j = i; j < i + 5000; j++) args.push(`key:${j}`, `value:${j}`);
        await c.mset(...args);
      }
      assert.is(await c.config('SET', 'appendonly', 'yes'), 'OK');
      // The reply came before the base was complete: INFO shows the walk in progress, as Redis's AOF_WAIT_REWRITE.
      const during = await other.info('persistence');
      assert.match(during, /aof_enabled:1\r\n/);
      assert.match(during, /aof_rewrite_in_progress:1\r\n/);
      assert.match(during, /aof_rewrites:0\r\n/);
      const aofDir = path.join(dir, 'appendonlydir');
      assert.ok(fs.existsSync(path.join(aofDir, 'temp-appendonly.aof.incr')));
      // Writes during the walk: answered now, and in the AOF after it.
      let answered = 0;
      while ((await other.info('persistence')).includes('aof_rewrite_in_progress:1')) {
        await other.set(`during:${answered}`, String(answered));
        await other.incr('counter');
        await other.set(`key:${answered}`, 'changed');
        answered++;
      }
      assert.ok(answered > 0, 'clients were served while the base was written');
      const info = await c.info('persistence');
      assert.match(info, /aof_rewrites:1\r\n/);
      assert.match(info, /aof_last_bgrewrite_status:ok\r\n/);
      assert.equal(listing(aofDir), ['appendonly.aof.1.base.rdb', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
      await c.set('after', '1');
      const again = await startTestServer({ config: { dir: path.join(dir), appendonly: 'yes' } });
      const c2 = await ioredis(again, 2);
      try {
        assert.is(await c2.dbsize(), KEYS + answered + 2);
        assert.is(await c2.get('counter'), String(answered));
        assert.is(await c2.get(`key:0`), 'changed');
        assert.is(await c2.get(`key:${KEYS - 1}`), `value:${KEYS - 1}`);
        assert.is(await c2.get('after'), '1');
      } finally {
        c2.disconnect();
        await again.close();
      }
    } finally {
      c.disconnect();
      other.disconnect();
      await running.close();
    }
  });
});

test('appendonly no while the first base is written: the temp incr file goes, nothing is left half-made', async () => {
  await withTempDir('aof-enable-off', async (dir) => {
    const running = await startTestServer({ config: { dir } });
    const c = await ioredis(running, 2);
    try {
      for (let i = 0; i < 100_000; i += 5000) {
        const args: string[] = [];
        for (let j = i; j < i + 5000; j++) args.push(`key:${j}`, 'v');
        await c.mset(...args);
      }
      await c.config('SET', 'appendonly', 'yes');
      assert.match(await c.info('persistence'), /aof_rewrite_in_progress:1\r\n/);
      await c.config('SET', 'appendonly', 'no');
      const info = await c.info('persistence');
      assert.match(info, /aof_enabled:0\r\n/);
      assert.match(info, /aof_rewrite_in_progress:0\r\n/);
      await sleep(50);
      const aofDir = path.join(dir, 'appendonlydir');
      assert.equal(listing(aofDir).filter((f) => !f.startsWith('temp-rewriteaof')), []);
      // On again: this time to the end.
      await c.config('SET', 'appendonly', 'yes');
      for (let i = 0; i < 500 && (await c.info('persistence')).includes('aof_rewrite_in_progress:1'); i++) await sleep(10);
      assert.equal(listing(aofDir), ['appendonly.aof.1.base.rdb', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
    } finally {
      c.disconnect();
      await running.close();
    }
  });
});

test.run();
