// When the AOF cannot be written (disk full, I/O error), writes get Redis's
// -MISCONF error for the AOF, INFO shows aof_last_write_status:err, and the
// server recovers once a write works again. The disk-full case runs the same
// steps against a real redis-server (the incr file is /dev/full for both);
// the other failures are injected through the AOF's io hooks.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { errorOf, ioredis, startTestServer } from './helpers.js';
import { haveRedis, startRealRedis, withTempDir } from './rdb-support.js';
import { aofOf } from '../server/persistence/aof-server.js';
import type { AofIo } from '../server/persistence/aof.js';
import type { RunningServer } from '../server/index.js';

const test = suite('aof-misconf');
const REDIS_PORT = 7953;
const DISK_FULL = 'MISCONF Errors writing to the AOF file: No space left on device';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function rewriteDone(c: Redis): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const info = await c.info('persistence');
    if (info.includes('aof_rewrite_in_progress:0')) return info;
    await sleep(10);
  }
  throw new Error('the AOF rewrite did not finish');
}

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    return String(await p);
  } catch (error) {
    return `ERR! ${(error as Error).message}`;
  }
}

function field(info: string, name: string): string {
  const m = new RegExp(`${name}:([^\\r]*)\\r\\n`).exec(info);
  return m === null ? '(absent)' : m[1];
}

/**
 * The incr file the AOF opens when CONFIG SET appendonly yes is /dev/full:
 * every write fails with ENOSPC. BGREWRITEAOF opens a real incr file, so the
 * error clears. Returns what a client saw at each step.
 */
async function diskFullScenario(c: Redis, dir: string): Promise<string[]> {
  const aofDir = path.join(dir, 'appendonlydir');
  fs.mkdirSync(aofDir, { recursive: true });
  fs.symlinkSync('/dev/full', path.join(aofDir, 'temp-appendonly.aof.incr'));
  const seen: string[] = [];
  seen.push(await outcome(c.set('a', '1')));
  seen.push(await outcome(c.config('SET', 'appendonly', 'yes')));
  await rewriteDone(c);
  // Under everysec the reply of the write that meets the error still goes (the write happened).
  seen.push(await outcome(c.set('b', '2')));
  seen.push(await outcome(c.set('c', '3')));
  seen.push(await outcome(c.ping()));
  seen.push(await outcome(c.get('b')));
  seen.push(await outcome(c.incr('n')));
  const info = await c.info('persistence');
  seen.push(`aof_last_write_status:${field(info, 'aof_last_write_status')}`);
  seen.push(`aof_enabled:${field(info, 'aof_enabled')}`);
  seen.push(`buffered:${Number(field(info, 'aof_buffer_length')) > 0}`);
  seen.push(field(await c.info('errorstats'), 'errorstat_MISCONF'));
  // A rewrite switches to a new incr file: writes work again.
  seen.push(await outcome(c.bgrewriteaof()));
  await rewriteDone(c);
  seen.push(await outcome(c.set('d', '4')));
  seen.push(`aof_last_write_status:${field(await c.info('persistence'), 'aof_last_write_status')}`);
  seen.push(await outcome(c.ping()));
  return seen;
}

test('disk full: -MISCONF for writes and PING, reads work, INFO err; a rewrite recovers (as real Redis)', async () => {
  const expected = [
    'OK',
    'OK',
    'OK',
    `ERR! ${DISK_FULL}`,
    `ERR! ${DISK_FULL}`,
    '2',
    `ERR! ${DISK_FULL}`,
    'aof_last_write_status:err',
    'aof_enabled:1',
    'buffered:true',
    'count=3',
    'Background append only file rewriting started',
    'OK',
    'aof_last_write_status:ok',
    'PONG',
  ];
  await withTempDir('aof-full', async (dir) => {
    const running = await startTestServer({ config: { dir } });
    const c = await ioredis(running, 2);
    try {
      assert.equal(await diskFullScenario(c, dir), expected);
    } finally {
      c.disconnect();
      await running.close();
    }
    // What was acknowledged is in the AOF: a restart has a, b and d.
    const again = await startTestServer({ config: { dir, appendonly: 'yes' } });
    const c2 = await ioredis(again, 2);
    try {
      assert.equal(await c2.mget('a', 'b', 'c', 'd', 'n'), ['1', '2', null, '4', null]);
    } finally {
      c2.disconnect();
      await again.close();
    }
  });
  if (!haveRedis) return;
  await withTempDir('aof-full-redis', async (dir) => {
    const real = await startRealRedis(REDIS_PORT, dir);
    try {
      assert.equal(await diskFullScenario(real.client, dir), expected);
    } finally {
      await real.stop();
    }
  });
});

test('RESP3 clients and MULTI see the same -MISCONF', async () => {
  await withTempDir('aof-full3', async (dir) => {
    const running = await startTestServer({ config: { dir } });
    const c = await ioredis(running, 3);
    try {
      await c.config('SET', 'appendonly', 'yes');
      await rewriteDone(c);
      const io = failingIo('ENOSPC');
      aofOf(running.server).io = io.io;
      await c.set('x', '1');
      assert.is(await errorOf(c.set('y', '2')), DISK_FULL);
      assert.is(await errorOf(c.ping()), DISK_FULL);
      assert.is(await c.get('x'), '1');
      assert.is(await errorOf(c.multi().set('z', '1').exec()), 'EXECABORT Transaction discarded because of previous errors.');
      io.heal();
      // The next batch writes the records that waited; the error clears.
      assert.is(await c.get('x'), '1');
      assert.is(await c.set('y', '2'), 'OK');
      assert.match(await c.info('persistence'), /aof_last_write_status:ok\r\n/);
    } finally {
      c.disconnect();
      await running.close();
    }
  });
});

/** io hooks that fail with code until healed; the first failing write may write part of its bytes first. */
function failingIo(code: string, partial = 0, what: 'write' | 'fsync' = 'write'): { io: AofIo; heal(): void; failures(): number } {
  let broken = true;
  let failures = 0;
  const fail = () => {
    failures++;
    const error = new Error(`${code}: simulated`) as NodeJS.ErrnoException;
    error.code = code;
    return error;
  };
  let partialLeft = partial;
  const io: AofIo = {
    write: (fd, buffer, offset, length) => {
      if (broken && what === 'write') {
        if (partialLeft > 0) {
          const n = Math.min(partialLeft, length);
          partialLeft = 0;
          return fs.writeSync(fd, buffer, offset, n);
        }
        throw fail();
      }
      return fs.writeSync(fd, buffer, offset, length);
    },
    fdatasync: (fd) => {
      if (broken && what === 'fsync') throw fail();
      fs.fdatasyncSync(fd);
    },
    fdatasyncAsync: (fd, done) => {
      if (broken && what === 'fsync') {
        const error = fail();
        setImmediate(() => done(error));
        return;
      }
      fs.fdatasync(fd, done);
    },
    ftruncate: (fd, length) => fs.ftruncateSync(fd, length),
  };
  return {
    io,
    heal: () => {
      broken = false;
    },
    failures: () => failures,
  };
}

async function aofServer(dir: string, appendfsync: string): Promise<{ running: RunningServer; c: Redis }> {
  const running = await startTestServer({ config: { dir, appendonly: 'yes', appendfsync } });
  const c = await ioredis(running, 2);
  return { running, c };
}

async function reload(dir: string, keys: string[]): Promise<Array<string | null>> {
  const again = await startTestServer({ config: { dir, appendonly: 'yes' } });
  const c = await ioredis(again, 2);
  try {
    return await c.mget(...keys);
  } finally {
    c.disconnect();
    await again.close();
  }
}

test('a short write is cut off the file; the records are written whole once the disk works', async () => {
  await withTempDir('aof-short', async (dir) => {
    const { running, c } = await aofServer(dir, 'everysec');
    try {
      await c.set('before', '1');
      const io = failingIo('ENOSPC', 7);
      aofOf(running.server).io = io.io;
      await c.incr('counter'); // meets the error: its record stays buffered
      assert.is(await errorOf(c.incr('counter')), DISK_FULL);
      assert.match(await c.info('persistence'), /aof_last_write_status:err\r\n/);
      io.heal();
      // The once-a-second cron tries again even with no client batch.
      for (let i = 0; i < 200 && (await c.info('persistence')).includes('aof_last_write_status:err'); i++) await sleep(10);
      assert.match(await c.info('persistence'), /aof_last_write_status:ok\r\n/);
      await c.incr('counter');
    } finally {
      c.disconnect();
      await running.close();
    }
    // No partial record was left between the records: everything replays, INCR counted twice.
    assert.equal(await reload(dir, ['before', 'counter']), ['1', '2']);
  });
});

test('EIO: the errno text is in the error; a failed background fsync refuses writes until one works', async () => {
  await withTempDir('aof-eio', async (dir) => {
    const { running, c } = await aofServer(dir, 'everysec');
    try {
      const aof = aofOf(running.server);
      const io = failingIo('EIO');
      aof.io = io.io;
      await c.set('k', 'v');
      assert.is(await errorOf(c.set('k', 'w')), 'MISCONF Errors writing to the AOF file: Input/output error');
      io.heal();
      await c.get('k');
      assert.is(await c.set('k', 'w'), 'OK');
      // fsync failure (the everysec background fsync).
      const bad = failingIo('EIO', 0, 'fsync');
      aof.io = bad.io;
      for (let i = 0; i < 300 && bad.failures() === 0; i++) await sleep(10);
      assert.ok(bad.failures() > 0);
      await sleep(5);
      assert.match(await c.info('persistence'), /aof_last_write_status:err\r\n/);
      assert.is(await errorOf(c.set('k', 'x')), 'MISCONF Errors writing to the AOF file: Input/output error');
      bad.heal();
      for (let i = 0; i < 300 && (await c.info('persistence')).includes('aof_last_write_status:err'); i++) await sleep(10);
      assert.is(await c.set('k', 'y'), 'OK');
    } finally {
      c.disconnect();
      await running.close();
    }
    assert.equal(await reload(dir, ['k']), ['y']);
  });
});

test('appendfsync always: a write that cannot reach the disk is not acknowledged until it does', async () => {
  await withTempDir('aof-always', async (dir) => {
    const { running, c } = await aofServer(dir, 'always');
    const other = await ioredis(running, 2);
    try {
      await c.set('k', '0');
      const io = failingIo('ENOSPC');
      aofOf(running.server).io = io.io;
      let acknowledged = false;
      const pending = c.incr('k').then((v) => {
        acknowledged = true;
        return v;
      });
      await sleep(50);
      assert.is(acknowledged, false);
      // Other clients: writes refused, reads answered.
      assert.is(await errorOf(other.set('x', '1')), DISK_FULL);
      assert.is(await other.exists('x'), 0);
      io.heal();
      assert.is(await pending, 1); // retried by the cron within a second
      assert.is(await other.set('x', '1'), 'OK');
    } finally {
      c.disconnect();
      other.disconnect();
      await running.close();
    }
    assert.equal(await reload(dir, ['k', 'x']), ['1', '1']);
  });
});

test.run();
