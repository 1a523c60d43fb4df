// Does lowering maxmemory on a full server stall it? Fills a server to
// maxmemory (default 1gb, allkeys-lru) with 100-byte values until it evicts,
// then CONFIG SET maxmemory 100mb and waits until used_memory is under it,
// PINGing every 2 ms meanwhile. Reports, for embedis (in a child process,
// bench/eviction/stall-server.ts):
//   - the longest event-loop block inside the server (monitorEventLoopDelay max),
//   - the longest eviction slice (timestamps around each performEvictions call),
//   - GC pauses by kind (scavenge / mark-compact), from PerformanceObserver('gc'),
//   - the eviction rate (keys / s of wall time, and server CPU ms per 100k keys),
//   - the longest PING round trip seen by a client;
// and for a real redis-server (when installed): the eviction rate, CPU time,
// the longest PING round trip and LATENCY LATEST's eviction-cycle maximum.
//
// Findings (2 shared cores, load 4-8, so wall-time figures carry preemption):
//  - The 0.3-0.9 s stalls were V8 Map rehashes, not GC: Map.delete shrinks
//    the table when it falls under a quarter full, rehashing every remaining
//    key in one go (300 ms at 1M keys, 175 ms at 512k, measured alone). The
//    key index is now split over 256 Maps (server/eviction/keymap.ts).
//  - GC while evicting: ~30 scavenges (longest 25-40 ms wall) and one
//    mark-compact (atomic pause ~30 ms after incremental marking): not the
//    cause. (Since then the CLI caps the young generation at 4 MB semi-spaces
//    for shorter young-GC pauses under writes: eviction/heap.ts nodeFlagsFor,
//    which this bench's server gets too.)
//  - The eviction rate is bound by memory latency: a random Entry read on a
//    1 GB V8 heap costs ~400 ns here (TLB misses), 5 per evicted key.
//  - Slices whose wall time is far above their CPU time were descheduled;
//    compare the CPU column, and real Redis's LATENCY figures on the same box.
// Run: node dist/bench/eviction/stall.js [--fill-mb 1024] [--low-mb 100] [--only embedis|redis]
//      [--node-flags "--max-semi-space-size=64"] [--redis-port 7840] [--pin] [--verbose]

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RespConnection } from './resp-connection.js';
import { heapSizeFor, nodeFlagsFor } from '../../server/eviction/heap.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const MB = 1024 * 1024;
const FILL_MB = Number(option('fill-mb', '1024'));
const LOW_MB = Number(option('low-mb', '100'));
const ONLY = option('only', '');
const REDIS_PORT = Number(option('redis-port', '7840'));
const PIN = process.argv.includes('--pin');
const VALUE = 'x'.repeat(100);

function field(info: string, name: string): number {
  const m = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  return m ? Number(m[1]) : NaN;
}

function bar(label: string, share: number): void {
  const filled = Math.round(Math.min(1, share) * 30);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${(share * 100).toFixed(1).padStart(5)}% ${label}   `);
}

async function connect(port: number): Promise<RespConnection> {
  for (let i = 0; i < 200; i++) {
    try {
      return await RespConnection.connect(port);
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`nothing listens on ${port}`);
}

/** SETs fill:<n> until the server reports evictions. Returns the number of keys written. */
async function fill(conn: RespConnection, label: string): Promise<number> {
  let n = 0;
  for (;;) {
    const cmds: string[][] = [];
    for (let j = 0; j < 4096; j++) cmds.push(['SET', `fill:${n++}`, VALUE]);
    await conn.pipeline(cmds);
    if (n % (4096 * 25) === 0) {
      const used = field(String(await conn.call(['INFO', 'memory'])), 'used_memory');
      bar(`${label}: filling to ${FILL_MB} MB: ${(used / MB).toFixed(0)} MB, ${n} keys`, used / (FILL_MB * MB));
      if (field(String(await conn.call(['INFO', 'stats'])), 'evicted_keys') > 0) break;
    }
  }
  process.stderr.write('\n');
  return n;
}

interface Lowered {
  seconds: number;
  evicted: number;
  maxPingMs: number;
  pings: number;
  usedMb: number;
}

/** CONFIG SET maxmemory low, then wait until used_memory is under it while a second client PINGs. */
async function lower(conn: RespConnection, probe: RespConnection): Promise<Lowered> {
  const before = field(String(await conn.call(['INFO', 'stats'])), 'evicted_keys');
  let maxPing = 0;
  let pings = 0;
  let running = true;
  const pinger = (async () => {
    while (running) {
      const t = performance.now();
      await probe.call(['PING']);
      maxPing = Math.max(maxPing, performance.now() - t);
      pings++;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  const started = performance.now();
  await conn.call(['CONFIG', 'SET', 'maxmemory', `${LOW_MB}mb`]);
  let used = field(String(await conn.call(['INFO', 'memory'])), 'used_memory');
  while (used > LOW_MB * MB) {
    await new Promise((r) => setTimeout(r, 10));
    used = field(String(await conn.call(['INFO', 'memory'])), 'used_memory');
  }
  const seconds = (performance.now() - started) / 1000;
  running = false;
  await pinger;
  const evicted = field(String(await conn.call(['INFO', 'stats'])), 'evicted_keys') - before;
  return { seconds, evicted, maxPingMs: maxPing, pings, usedMb: used / MB };
}

function ask(child: ChildProcess, msg: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as Record<string, unknown>));
    child.send(msg);
  });
}

function pinned(cpu: number, argv: string[]): string[] {
  return PIN ? ['taskset', '-c', String(cpu), ...argv] : argv;
}

async function embedis(): Promise<void> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'stall-server.js');
  // The flags the CLI's relaunch would give a server with this maxmemory, unless given here.
  const given = option('node-flags', '');
  const flags = given !== '' ? given.split(/\s+/) : [`--max-old-space-size=${heapSizeFor(FILL_MB * MB)}`, ...nodeFlagsFor(FILL_MB * MB)];
  const argv = pinned(1, [process.execPath, ...flags, script, `${FILL_MB}mb`]);
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = (await new Promise((resolve) => child.once('message', resolve))) as { port: number };
  const conn = await connect(port);
  const probe = await connect(port);
  const keys = await fill(conn, 'embedis');
  const start = await ask(child, 'reset');
  const r = await lower(conn, probe);
  const rep = await ask(child, 'report');
  const cpuMs = (rep.cpuMs as number) - (start.cpuMs as number);
  const gc = rep.gc as Record<string, { count: number; totalMs: number; maxMs: number }>;
  const gcText = Object.entries(gc)
    .map(([kind, k]) => `${kind} ${k.count}x, total ${k.totalMs.toFixed(0)} ms, longest ${k.maxMs.toFixed(1)} ms`)
    .join('; ');
  process.stdout.write(
    [
      `## embedis: maxmemory ${FILL_MB}mb -> ${LOW_MB}mb on a full server (${keys} keys written; node ${flags.join(' ')})`,
      `evicted ${r.evicted} keys in ${r.seconds.toFixed(2)} s: ${Math.round(r.evicted / r.seconds)} keys/s wall; server CPU ${cpuMs.toFixed(0)} ms (${((cpuMs / r.evicted) * 1e5).toFixed(0)} ms per 100k keys); inside eviction ${(rep.evictionMs as number).toFixed(0)} ms`,
      `longest event-loop block (monitorEventLoopDelay max): ${(rep.loopMaxMs as number).toFixed(1)} ms, p99 ${(rep.loopP99Ms as number).toFixed(1)} ms (goal: <= 50 ms)`,
      `longest eviction slice: ${(rep.longestSliceMs as number).toFixed(2)} ms wall, ${(rep.longestSliceCpuMs as number).toFixed(2)} ms CPU, over ${rep.slices as number} slices`,
      `machine load average meanwhile: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs (wall-time figures include time the server was not scheduled)`,
      `GC meanwhile: ${gcText || 'none'}`,
      `longest PING round trip: ${r.maxPingMs.toFixed(1)} ms over ${r.pings} PINGs; used_memory now ${r.usedMb.toFixed(1)} MB`,
      '',
    ].join('\n'),
  );
  if (process.argv.includes('--verbose')) process.stdout.write(`${(rep.events as string[]).join('\n')}\n`);
  conn.close();
  probe.close();
  await ask(child, 'exit').catch(() => undefined);
}

function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function redis(): Promise<void> {
  try {
    execFileSync('redis-server', ['--version']);
  } catch {
    process.stdout.write('## redis-server: not installed, skipped\n');
    return;
  }
  const argv = pinned(1, ['redis-server', '--port', String(REDIS_PORT), '--save', '', '--appendonly', 'no', '--maxmemory', `${FILL_MB}mb`, '--maxmemory-policy', 'allkeys-lru', '--latency-monitor-threshold', '1']);
  const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore' });
  try {
    const conn = await connect(REDIS_PORT);
    const probe = await connect(REDIS_PORT);
    const pid = Number(field(String(await conn.call(['INFO', 'server'])), 'process_id'));
    const keys = await fill(conn, 'redis');
    await conn.call(['LATENCY', 'RESET']);
    const ticks0 = cpuTicks(pid);
    const r = await lower(conn, probe);
    const cpuMs = ((cpuTicks(pid) - ticks0) * 1000) / 100;
    const latest = (await conn.call(['LATENCY', 'LATEST'])) as unknown as Array<[string, number, number, number]>;
    const events = latest.map(([name, , last, max]) => `${name} max ${max} ms`).join(', ');
    process.stdout.write(
      [
        `## redis-server: maxmemory ${FILL_MB}mb -> ${LOW_MB}mb on a full server (${keys} keys written)`,
        `evicted ${r.evicted} keys in ${r.seconds.toFixed(2)} s: ${Math.round(r.evicted / r.seconds)} keys/s wall; server CPU ${cpuMs.toFixed(0)} ms (${((cpuMs / r.evicted) * 1e5).toFixed(0)} ms per 100k keys)`,
        `LATENCY LATEST (threshold 1 ms): ${events || 'no event >= 1 ms'}`,
        `longest PING round trip: ${r.maxPingMs.toFixed(1)} ms over ${r.pings} PINGs; used_memory now ${r.usedMb.toFixed(1)} MB`,
        '',
      ].join('\n'),
    );
    conn.close();
    probe.close();
  } finally {
    child.kill();
  }
}

if (ONLY !== 'redis') await embedis();
if (ONLY !== 'embedis') await redis();
