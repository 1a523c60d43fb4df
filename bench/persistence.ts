// RDB persistence against real Redis: the same mixed dataset (strings, and
// small lists, sets, sorted sets and hashes) in embedis (its CLI, as its own
// process) and in redis-server; then SAVE time, file size, start-up load
// time, and command latency seen by writing clients while a BGSAVE runs
// (embedis walks the keyspace in slices instead of forking). It reports; it
// never fails on speed.
//
// Usage: node dist/bench/persistence.js [--keys N] [--clients C]

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const args = process.argv.slice(2);
function option(name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}
const KEYS = option('keys', 1_000_000);
const CLIENTS = option('clients', 4);
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'server', 'cli.js');

const children: ChildProcess[] = [];
function track(child: ChildProcess): ChildProcess {
  children.push(child);
  return child;
}

interface Target {
  name: string;
  port: number;
  dir: string;
  start(): ChildProcess;
}

async function connect(port: number): Promise<Redis> {
  for (let i = 0; ; i++) {
    const c = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => {});
    try {
      await c.connect();
      await c.ping();
      return c;
    } catch {
      c.disconnect();
      if (i > 600) throw new Error(`nothing answers on ${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function fill(c: Redis): Promise<void> {
  const batch = 5000;
  for (let start = 0; start < KEYS; start += batch) {
    const p = c.pipeline();
    for (let i = start; i < Math.min(KEYS, start + batch); i++) {
      const kind = i % 20;
      const key = `key:${i}`;
      if (kind < 14) p.set(key, kind < 7 ? String(i) : `value-${i}-${'x'.repeat(i % 40)}`);
      else if (kind < 16) p.rpush(key, 'a', 'b', String(i), 'd', 'e');
      else if (kind === 16) p.sadd(key, '1', '2', String(i), 'x', 'y');
      else if (kind === 17) p.zadd(key, '1', 'a', '2', 'b', String(i), 'c');
      else p.hset(key, 'f1', 'v1', 'f2', String(i), 'f3', 'v3');
      if (i % 10 === 0) p.pexpire(key, 86_400_000);
    }
    await p.exec();
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function latencyDuringBgsave(port: number): Promise<{ ms: number; count: number; p50: number; p99: number; p999: number; max: number }> {
  const control = await connect(port);
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => connect(port)));
  const samples: number[] = [];
  let running = true;
  const started = performance.now();
  await control.bgsave();
  const workers = clients.map(async (c, n) => {
    let i = n;
    while (running) {
      const t = performance.now();
      // Only string keys (i % 20 < 14), so GET never meets another type.
      const k = (((i * 7919) % Math.floor(KEYS / 20)) * 20 + (i % 14)) % KEYS;
      if (i % 2 === 0) await c.set(`key:${k}`, 'updated');
      else await c.get(`key:${k}`);
      samples.push(performance.now() - t);
      i += CLIENTS;
    }
  });
  for (;;) {
    await new Promise((r) => setTimeout(r, 20));
    const info = await control.info('persistence');
    if (info.includes('rdb_bgsave_in_progress:0')) break;
  }
  const ms = performance.now() - started;
  running = false;
  await Promise.all(workers);
  for (const c of [control, ...clients]) c.disconnect();
  samples.sort((a, b) => a - b);
  return { ms, count: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), p999: percentile(samples, 99.9), max: samples[samples.length - 1] ?? 0 };
}

async function stop(c: Redis, child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  await c.call('shutdown', 'nosave').catch(() => 'closing');
  c.disconnect();
  await exited;
}

async function measure(target: Target): Promise<Record<string, string>> {
  let child = target.start();
  let c = await connect(target.port);
  const t0 = performance.now();
  await fill(c);
  const fillMs = performance.now() - t0;
  const t1 = performance.now();
  await c.save();
  const saveMs = performance.now() - t1;
  const size = fs.statSync(path.join(target.dir, 'dump.rdb')).size;
  const bg = await latencyDuringBgsave(target.port);
  await stop(c, child);
  // Start-up with the file: time until PING answers (includes process start).
  const t2 = performance.now();
  child = target.start();
  c = await connect(target.port);
  const loadMs = performance.now() - t2;
  const dbsize = await c.dbsize();
  await stop(c, child);
  return {
    server: target.name,
    keys: String(dbsize),
    'fill s': (fillMs / 1000).toFixed(1),
    'SAVE ms': saveMs.toFixed(0),
    'file MB': (size / 1e6).toFixed(1),
    'start+load ms': loadMs.toFixed(0),
    'BGSAVE ms': bg.ms.toFixed(0),
    'cmds during': String(bg.count),
    'p50 ms': bg.p50.toFixed(2),
    'p99 ms': bg.p99.toFixed(2),
    'p99.9 ms': bg.p999.toFixed(2),
    'max ms': bg.max.toFixed(2),
  };
}

async function main(): Promise<void> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'embedis-bench-persist-'));
  const mk = (name: string) => {
    const dir = path.join(base, name);
    fs.mkdirSync(dir);
    return dir;
  };
  const embedisDir = mk('embedis');
  const redisDir = mk('redis');
  const targets: Target[] = [
    {
      name: 'embedis',
      port: 7866,
      dir: embedisDir,
      start: () =>
        track(spawn(process.execPath, ['--max-old-space-size=8192', cli, '--port', '7866', '--dir', embedisDir, '--save', '', '--loglevel', 'warning'], { stdio: 'ignore' })),
    },
    {
      name: 'redis',
      port: 7867,
      dir: redisDir,
      start: () => track(spawn('redis-server', ['--port', '7867', '--dir', redisDir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })),
    },
  ];
  console.log(`persistence bench: ${KEYS} keys of mixed types, ${CLIENTS} clients writing during BGSAVE`);
  const rows: Record<string, string>[] = [];
  for (const target of targets) rows.push(await measure(target));
  const columns = Object.keys(rows[0]);
  const widths = columns.map((col) => Math.max(col.length, ...rows.map((r) => r[col].length)));
  console.log(columns.map((col, i) => col.padStart(widths[i])).join('  '));
  for (const row of rows) console.log(columns.map((col, i) => row[col].padStart(widths[i])).join('  '));
  fs.rmSync(base, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  for (const child of children) if (child.exitCode === null) child.kill();
  process.exit(1);
});
