// Shared pieces of the RDB conformance suites: a real redis-server in a
// child process, a dataset with every type in small and big encodings, and a
// canonical dump of a whole dataset for exact comparison.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { connectWhenUp } from './helpers.js';

export const haveRedis = spawnSync('redis-server', ['--version']).status === 0;

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `embedis-${tag}-`));
}

export interface RealRedis {
  port: number;
  client: Redis;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A real redis-server on port, with dir/dbfilename, no save rules. */
export async function startRealRedis(port: number, dir: string, dbfilename = 'dump.rdb', extra: string[] = []): Promise<RealRedis> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--dir', dir, '--dbfilename', dbfilename, '--appendonly', 'no', ...extra],
    { stdio: 'ignore' },
  );
  const client = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  // Still loading answers -LOADING: connectWhenUp waits for a real reply.
  await connectWhenUp(client, () => `redis-server on ${port} did not start`, { tries: 100, delayMs: 50 });
  return {
    port,
    client,
    process: child,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      try {
        await client.call('shutdown', 'nosave');
      } catch {
        // the connection drops as it exits
      }
      client.disconnect();
      await exited;
    },
  };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Fills dbs 0, 1 and 9 with every type in small and large encodings, binary data and TTLs. */
export async function fillDataset(c: Redis, seed = 1): Promise<void> {
  const r = rng(seed);
  const binary = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
  const far = Date.now() + 3_600_000;
  for (const db of [0, 1, 9]) {
    await c.select(db);
    const p = c.pipeline();
    // strings: ints of every width, non-canonical numbers, binary, long compressible, long random
    for (const v of ['0', '-1', '127', '-128', '32767', '-32768', '2147483647', '-2147483648', '2147483648', '9223372036854775807', '-9223372036854775808', '007', '-0', '1.5', '', ' 12']) {
      p.set(`str:${db}:${v}`, v);
    }
    p.set(`bin:${db}`, binary(300));
    p.set(`long:${db}`, 'compress me '.repeat(500));
    p.set(`rand:${db}`, binary(5000));
    p.set(`ttl:${db}`, 'v', 'PXAT', far + db);
    // lists: small, with ints, big, long elements
    p.rpush(`list:small:${db}`, 'a', 'b', '1', '-300', '70000', '5000000000', binary(10));
    p.rpush(`list:big:${db}`, ...Array.from({ length: 1200 }, (_, i) => (i % 3 === 0 ? String(i * 7919) : `item-${i}`)));
    p.rpush(`list:long:${db}`, 'x'.repeat(10000), 'y', binary(20000));
    p.pexpireat(`list:small:${db}`, far + 10);
    // sets: intset small/large, hashtable
    p.sadd(`set:int:${db}`, '1', '2', '-3', '100000', '5000000000');
    p.sadd(`set:bigint:${db}`, ...Array.from({ length: 700 }, (_, i) => String(i * 3 - 50)));
    p.sadd(`set:str:${db}`, 'a', 'b', 'c', binary(8));
    p.sadd(`set:big:${db}`, ...Array.from({ length: 1000 }, (_, i) => `m${i}`));
    // zsets: listpack and skiplist, special scores
    p.zadd(`zset:small:${db}`, '1', 'a', '-2.5', 'b', 'inf', 'c', '-inf', 'd', '0', 'e', '1e300', 'f', '3.141592653589793', 'g');
    p.zadd(`zset:big:${db}`, ...Array.from({ length: 500 }, (_, i) => [String(r() * 1000 - 500), `member-${i}`]).flat());
    p.zadd(`zset:long:${db}`, '5', 'z'.repeat(100), '6', 'w');
    // hashes: listpack, hashtable by size, hashtable by value length
    p.hset(`hash:small:${db}`, 'f1', 'v1', 'n', '42', 'neg', '-7', 'bin', binary(12));
    p.hset(`hash:big:${db}`, ...Array.from({ length: 300 }, (_, i) => [`field${i}`, `value${i}`]).flat());
    p.hset(`hash:long:${db}`, 'k', 'v'.repeat(200));
    p.pexpireat(`hash:big:${db}`, far + 20);
    await p.exec();
  }
  await c.select(0);
}

/** Every key of dbs 0..15 with its type, absolute expire time and value, in a canonical form. */
export async function datasetOf(c: Redis): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (let db = 0; db < 16; db++) {
    await c.select(db);
    const keys = (await c.keysBuffer('*')).map((k) => k.toString('latin1')).sort();
    for (const key of keys) {
      const k = Buffer.from(key, 'latin1');
      const type = await c.type(k);
      const expireAt = await c.call('pexpiretime', k);
      let value: unknown;
      if (type === 'string') value = (await c.getBuffer(k))!.toString('hex');
      else if (type === 'list') value = (await c.lrangeBuffer(k, 0, -1)).map((b) => b.toString('hex'));
      else if (type === 'set') value = (await c.smembersBuffer(k)).map((b) => b.toString('hex')).sort();
      else if (type === 'zset') {
        const flat = (await c.callBuffer('zrange', k, '0', '-1', 'WITHSCORES')) as Buffer[];
        const pairs: string[] = [];
        for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i].toString('hex')}=${flat[i + 1].toString()}`);
        value = pairs;
      } else if (type === 'hash') {
        const flat = await c.hgetallBuffer(k);
        value = Object.entries(flat)
          .map(([f, v]) => `${Buffer.from(f, 'latin1').toString('hex')}=${v.toString('hex')}`)
          .sort();
      }
      out[`${db}/${key}`] = { type, expireAt, value };
    }
  }
  await c.select(0);
  return out;
}

/** OBJECT ENCODING of every key of db 0. */
export async function encodingsOf(c: Redis): Promise<Record<string, string>> {
  await c.select(0);
  const out: Record<string, string> = {};
  for (const key of (await c.keys('*')).sort()) out[key] = String(await c.call('object', 'encoding', key));
  return out;
}

export function checkRdb(file: string): { ok: boolean; output: string } {
  const result = spawnSync('redis-check-rdb', [file], { encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  return { ok: result.status === 0 && output.includes('RDB looks OK'), output };
}

/**
 * Runs fn with a fresh temporary directory, then removes it. Setting an
 * embedded server's `dir` changes the process's working directory (as Redis
 * does chdir), so the previous one is restored first.
 */
export async function withTempDir<T>(tag: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const cwd = process.cwd();
  const dir = tempDir(tag);
  try {
    return await fn(dir);
  } finally {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
