// BGSAVE without fork: the walk runs between commands, and the file holds the
// dataset exactly as it was when BGSAVE began, whatever clients write meanwhile.
// Also SAVE, LASTSAVE, BGSAVE errors, save rules, MISCONF and INFO persistence.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startTestServer } from './helpers.js';
import { withTempDir } from './rdb-support.js';
import { Config, Server } from '../server/index.js';
import type { RunningServer } from '../server/index.js';
import { loadRdb } from '../server/persistence/rdb-reader.js';
import { bgsaveFinished, persistenceOf } from '../server/persistence/snapshot.js';
import { List } from '../server/types/list.js';
import { HashValue } from '../server/types/hash.js';
import { ZSet } from '../server/types/zset.js';
import { SetValue } from '../server/commands/sets.js';

const test = suite('bgsave');

function connect(s: RunningServer): Redis {
  const c = new Redis({ port: s.port, protocol: 2, maxRetriesPerRequest: 0 });
  c.on('error', () => {});
  return c;
}

/** Every key of every db: type, expire time and value, canonical. */
function canonical(server: Server): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  server.dbs.forEach((db, index) => {
    for (const entry of db.entries) {
      let value: unknown;
      if (entry.type === 'string') value = entry.value;
      else if (entry.type === 'list') value = (entry.value as List).toArray();
      else if (entry.type === 'set') value = [...(entry.value as SetValue).members()].sort();
      else if (entry.type === 'hash') value = (entry.value as HashValue).toArray().map((c) => `${c.field}=${c.value}`).sort();
      else {
        const pairs: string[] = [];
        for (let x = (entry.value as ZSet).list.tail; x !== null; x = x.backward) pairs.push(`${x.member}=${x.score}`);
        value = pairs.sort();
      }
      out[`${index}/${entry.key}`] = [entry.type, entry.expireAt, value];
    }
  });
  return out;
}

function loadFile(file: string): Server {
  const fresh = new Server(new Config());
  loadRdb(fresh, fs.readFileSync(file));
  return fresh;
}

test('BGSAVE of 200k keys while a client overwrites and deletes: the file is the dataset at the start', async () => {
  await withTempDir('bgsave', async (dir) => {
    const s = await startTestServer({ config: { dir, dbfilename: 'bg.rdb' } });
    const c = connect(s);
    try {
      const server = s.server;
      const now = s.clock.now();
      for (let d = 0; d < 4; d++) {
        const db = server.dbs[d];
        const n = d === 0 ? 200_000 : 2_000;
        for (let i = 0; i < n; i++) {
          const key = `k${i}`;
          switch (i % 10) {
            case 1:
              db.add(key, 'list', new List([`a${i}`, `b${i}`, String(i)]));
              break;
            case 2:
              db.add(key, 'set', new SetValue(true, [String(i), String(i + 1)]));
              break;
            case 3: {
              const z = new ZSet();
              z.insert(`m${i}`, i / 3);
              z.insert('other', -i);
              db.add(key, 'zset', z);
              break;
            }
            case 4:
              db.add(key, 'hash', HashValue.fromPairs([['f', `v${i}`], ['g', String(i)]]));
              break;
            default: {
              const e = db.add(key, 'string', i % 7 === 0 ? `value-${i}-${'x'.repeat(i % 50)}` : String(i));
              if (i % 13 === 0) db.setExpire(e, now + 1_000_000 + i);
            }
          }
        }
      }
      // Twice: the second walk reuses the first one's mark bit with its meaning flipped.
      for (let pass = 0; pass < 2; pass++) {
        const expected = canonical(server);
        assert.is(await c.bgsave(), 'Background saving started');
        // Writes of every kind, in batches, while the walk runs.
        let duringWalk = 0;
        for (let round = 0; round < 40; round++) {
          const p = c.pipeline();
          if (round === 3) {
            p.select(1 + pass);
            p.flushdb();
            p.swapdb(2, 3);
            p.select(0);
          }
          for (let j = 0; j < 500; j++) {
            const i = (round * 4999 + j * 397 + pass * 31) % 200_000;
            const key = `k${i}`;
            switch (j % 12) {
              case 0: p.set(key, `overwritten${pass}`); break;
              case 1: p.del(key); break;
              case 2: p.call('lpush', `k${i - (i % 10) + 1}`, 'pushed'); break;
              case 3: p.sadd(`k${i - (i % 10) + 2}`, 'added'); break;
              case 4: p.zadd(`k${i - (i % 10) + 3}`, '42', 'added'); break;
              case 5: p.hset(`k${i - (i % 10) + 4}`, 'f', 'changed'); break;
              case 6: p.expire(key, 100); break;
              case 7: p.persist(`k${i - (i % 13)}`); break;
              case 8: p.rename(`k${i - (i % 10) + 5}`, `renamed${pass}-${round}-${j}`); break;
              case 9: p.append(`k${i - (i % 10) + 6}`, '-appended'); break;
              case 10: p.call('incr', `k${i - (i % 10) + 8}`); break;
              default: p.set(`new${pass}-${round}-${j}`, 'created');
            }
          }
          p.info('persistence');
          const results = (await p.exec())!;
          const info = String(results[results.length - 1][1]);
          if (info.includes('rdb_bgsave_in_progress:1')) duringWalk++;
        }
        assert.ok(duringWalk > 3, `the writes should overlap the walk (${duringWalk} rounds did)`);
        assert.ok(await bgsaveFinished(server), 'the BGSAVE succeeded');
        const loaded = loadFile(path.join(dir, 'bg.rdb'));
        const got = canonical(loaded);
        assert.is(Object.keys(got).length, Object.keys(expected).length);
        assert.equal(got, expected);
      }
    } finally {
      c.disconnect();
      await s.close();
    }
  });
});

test('SAVE, LASTSAVE, BGSAVE errors while one runs, INFO persistence', async () => {
  await withTempDir('save', async (dir) => {
    const s = await startTestServer({ config: { dir, dbfilename: 'd.rdb' } });
    const c = connect(s);
    try {
      for (let i = 0; i < 50_000; i++) s.server.dbs[0].add(`key${i}`, 'string', `v${i}`);
      await c.set('a', '1');
      s.clock.advance(5000);
      assert.is(await c.save(), 'OK');
      assert.ok(fs.existsSync(path.join(dir, 'd.rdb')));
      const lastsave = await c.lastsave();
      assert.ok(Math.abs(lastsave - s.clock.now() / 1000) < 2, `${lastsave}`);
      assert.ok(lastsave >= Math.floor(s.server.startedAt / 1000) + 5, 'LASTSAVE moved with the save');
      let info = await c.info('persistence');
      assert.match(info, 'rdb_changes_since_last_save:0');
      assert.match(info, 'rdb_saves:1');
      await c.set('b', '2');
      const p = c.pipeline();
      p.bgsave();
      p.bgsave();
      p.call('bgsave', 'schedule');
      p.save();
      p.info('persistence');
      const r = (await p.exec())!;
      assert.is(r[0][1], 'Background saving started');
      assert.is((r[1][0] as Error).message, 'ERR Background save already in progress');
      assert.is((r[2][0] as Error).message, 'ERR Background save already in progress');
      assert.is((r[3][0] as Error).message, 'ERR Background save already in progress');
      assert.match(String(r[4][1]), 'rdb_bgsave_in_progress:1');
      try {
        await c.call('bgsave', 'now');
        assert.unreachable('BGSAVE NOW accepted');
      } catch (error) {
        assert.is((error as Error).message, 'ERR syntax error');
      }
      assert.ok(await bgsaveFinished(s.server));
      info = await c.info('persistence');
      assert.match(info, 'rdb_bgsave_in_progress:0');
      assert.match(info, 'rdb_last_bgsave_status:ok');
      assert.match(info, 'rdb_saves:2');
      assert.match(info, 'rdb_changes_since_last_save:0');
      const loaded = loadFile(path.join(dir, 'd.rdb'));
      assert.is(loaded.dbs[0].size, 50_002);
    } finally {
      c.disconnect();
      await s.close();
    }
  });
});

test('save rules start a BGSAVE from the cron; a failed one sets MISCONF for writes', async () => {
  await withTempDir('rules', async (dir) => {
    const s = await startTestServer({ config: { dir, dbfilename: 'r.rdb', save: '100 2' } });
    const c = connect(s);
    try {
      await c.set('x', '1');
      s.clock.advance(101_000);
      s.server.cron();
      assert.is(persistenceOf(s.server).job, null, 'one change is not enough');
      await c.set('y', '2');
      s.server.cron();
      assert.ok(persistenceOf(s.server).job !== null, 'two changes after 100 s start a BGSAVE');
      assert.ok(await bgsaveFinished(s.server));
      assert.is(loadFile(path.join(dir, 'r.rdb')).dbs[0].size, 2);
      // Make the next save fail: a directory where the temp file should go.
      fs.mkdirSync(path.join(dir, `temp-${process.pid}.rdb`));
      assert.is(await c.bgsave(), 'Background saving started');
      await bgsaveFinished(s.server);
      assert.match(await c.info('persistence'), 'rdb_last_bgsave_status:err');
      const misconf =
        "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";
      for (const attempt of [() => c.set('z', '1'), () => c.ping()]) {
        try {
          await attempt();
          assert.unreachable('refused while the last BGSAVE failed');
        } catch (error) {
          assert.is((error as Error).message, misconf);
        }
      }
      assert.is(await c.get('x'), '1');
      await c.config('SET', 'stop-writes-on-bgsave-error', 'no');
      assert.is(await c.set('z', '1'), 'OK');
      await c.config('SET', 'stop-writes-on-bgsave-error', 'yes');
      fs.rmdirSync(path.join(dir, `temp-${process.pid}.rdb`));
      assert.is(await c.call('save'), 'OK');
      assert.is(await c.set('z', '2'), 'OK');
    } finally {
      c.disconnect();
      await s.close();
    }
  });
});

test('SHUTDOWN saves when save rules are set, NOSAVE does not, SAVE always does', async () => {
  await withTempDir('shutdown', async (dir) => {
    const run = async (config: Record<string, string>, args: string[]): Promise<boolean> => {
      const file = path.join(dir, 's.rdb');
      fs.rmSync(file, { force: true });
      const s = await startTestServer({ config: { dir, dbfilename: 's.rdb', ...config } });
      const c = connect(s);
      await c.set('k', 'v');
      await c.call('shutdown', ...args).catch(() => 'closed');
      c.disconnect();
      await s.close();
      return fs.existsSync(file);
    };
    assert.is(await run({ save: '3600 1' }, []), true);
    assert.is(await run({ save: '3600 1' }, ['nosave']), false);
    assert.is(await run({}, []), false);
    assert.is(await run({}, ['save']), true);
  });
});

test('FLUSHALL drops a running BGSAVE and, with save rules, saves the empty dataset', async () => {
  await withTempDir('flushall', async (dir) => {
    const s = await startTestServer({ config: { dir, dbfilename: 'f.rdb', save: '3600 1' } });
    const c = connect(s);
    try {
      for (let i = 0; i < 100_000; i++) s.server.dbs[0].add(`key${i}`, 'string', `v${i}`);
      assert.is(await c.save(), 'OK');
      assert.is(loadFile(path.join(dir, 'f.rdb')).dbs[0].size, 100_000);
      const p = c.pipeline();
      p.bgsave();
      p.flushall();
      p.info('persistence');
      const r = (await p.exec())!;
      assert.is(r[0][1], 'Background saving started');
      assert.match(String(r[2][1]), 'rdb_bgsave_in_progress:0');
      assert.match(String(r[2][1]), 'rdb_changes_since_last_save:0');
      assert.is(loadFile(path.join(dir, 'f.rdb')).dbs[0].size, 0);
      assert.not.ok(fs.existsSync(path.join(dir, `temp-${process.pid}.rdb`)));
      assert.is(await c.bgsave(), 'Background saving started');
      assert.ok(await bgsaveFinished(s.server));
    } finally {
      c.disconnect();
      await s.close();
    }
  });
});

test('start-up loads dir/dbfilename; a server given neither reads nothing', async () => {
  await withTempDir('startup', async (dir) => {
    const s = await startTestServer({ config: { dir, dbfilename: 'boot.rdb' } });
    const c = connect(s);
    await c.set('persisted', 'yes');
    await c.pexpire('persisted', 1_000_000);
    await c.save();
    c.disconnect();
    await s.close();
    const again = await startTestServer({ config: { dir, dbfilename: 'boot.rdb' } });
    const c2 = connect(again);
    try {
      assert.is(await c2.get('persisted'), 'yes');
      const pttl = await c2.pttl('persisted');
      assert.ok(pttl > 900_000, String(pttl));
      assert.match(await c2.info('persistence'), 'rdb_last_load_keys_loaded:1');
    } finally {
      c2.disconnect();
      await again.close();
    }
  });
});

test('function libraries survive SAVE and a restart, as in Redis 7 (FUNCTION2 records)', async () => {
  await withTempDir('functions', async (dir) => {
    const s = await startTestServer({ config: { dir, dbfilename: 'fn.rdb' } });
    const c = connect(s);
    const code = "#!lua name=persisted\nredis.register_function('twice', function(keys, args) return tonumber(args[1]) * 2 end)";
    assert.is(await c.call('FUNCTION', 'LOAD', code), 'persisted');
    await c.save();
    c.disconnect();
    await s.close();
    const file = path.join(dir, 'fn.rdb');
    assert.ok(fs.readFileSync(file).includes(Buffer.from('#!lua name=persisted')));
    const again = await startTestServer({ config: { dir, dbfilename: 'fn.rdb' } });
    const c2 = connect(again);
    try {
      assert.is(await c2.call('FCALL', 'twice', '0', '21'), 42);
    } finally {
      c2.disconnect();
      await again.close();
    }
  });
});

test.run();
