// RDB persistence against real Redis: the same mixed dataset (strings, and
// small lists, sets, sorted sets and hashes) in embedis (its CLI, as its own
// process) and in redis-server; then
//   - SAVE: wall time seen by the client and the server process's CPU time
//     (utime+stime from /proc/<pid>/stat, which a shared machine disturbs far
//     less than wall time), and the file size;
//   - BGSAVE while clients write, twice (the first after start-up, then the
//     one the figures without "first" are of): per-command latency percentiles
//     seen by the clients (after --warmup-ms of the same traffic, not
//     counted), and (embedis only) the server's own event-loop delay measured
//     inside its process with perf_hooks.monitorEventLoopDelay, the longest
//     time any command could have waited;
//   - the BGSAVE file is checked: after a restart on it, no key written after
//     the BGSAVE began shows its new value, and every key is there;
//   - start-up: time until PING answers after start with the file (and with
//     no file, the bare process start), CPU time to that point, and the
//     load time the server logs itself ("DB loaded from disk: X seconds").
// It reports; it never fails on speed.
//
// Usage: node dist/bench/persistence.js [--keys N] [--clients C] [--cpu K] [--port P] [--warmup-ms M] [--only embedis|redis]
//   --port P: embedis listens on P, redis-server on P+1 (default 7866).
//   --cpu K pins each server to CPU K with taskset (the clients run unpinned;
//     pin the bench itself to another CPU, e.g. `taskset -c 1 node ...`, so
//     that the clients do not take the servers' core).
//   EMBEDIS_BENCH_NODE_FLAGS: extra Node/V8 flags for the embedis server;
//   EMBEDIS_PERSIST_PROFILE=file: a CPU profile of the server during the BGSAVE;
//   EMBEDIS_PERSIST_LOG=file: the embedis server's output (with V8 trace flags
//     in EMBEDIS_BENCH_NODE_FLAGS, say), the measured windows marked by
//     "=== probe reset" / "=== probe report" lines.
//
// The event-loop probe: this same file, imported with --import into the
// embedis server process with EMBEDIS_PERSIST_PROBE=1, answers 'reset' and
// 'report' over the IPC channel instead of running the bench.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import inspector from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { nodeFlagsFor } from '../server/eviction/heap.js';

interface ProbeReport {
  /** Event-loop delay percentiles and maximum, ms, since the last reset. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** Longest single gap between two ticks of a 1 ms interval timer, ms (independent of the histogram). */
  longestGap: number;
  /**
   * Process CPU time (all threads) spent inside that longest gap, ms: on a
   * shared machine a gap much longer than this was spent waiting for a core,
   * not working; the largest CPU time in any one gap bounds our own blocking.
   */
  longestGapCpu: number;
  maxGapCpu: number;
  /** Longest garbage-collection pause on the main thread, ms, and its kind (V8's names). */
  longestGc: number;
  longestGcKind: string;
  /** Total garbage-collection pause time, ms. */
  gcTotal: number;
}

const GC_KINDS: Record<number, string> = { 1: 'scavenge', 2: 'minor mark-compact', 4: 'mark-compact', 8: 'incremental', 16: 'weak callbacks' };

function installProbe(): void {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let last = performance.now();
  let lastCpu = cpuNow();
  let longestGap = 0;
  let longestGapCpu = 0;
  let maxGapCpu = 0;
  // For EMBEDIS_PERSIST_LOG: gaps over 3 ms and GC pauses (performance.now() ms), and CPU time per thread.
  const longGaps: Array<{ start: number; ms: number }> = [];
  const gcPauses: Array<{ start: number; ms: number; kind: string }> = [];
  let threadCpuAtReset = new Map<number, number>();
  /** CPU ms of each thread of this process (schedstat's first field: ns on a CPU). */
  const threadCpuMs = () => {
    const cpu = new Map<number, number>();
    for (const tid of fs.readdirSync('/proc/self/task')) {
      try {
        cpu.set(Number(tid), Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'latin1').split(' ')[0]) / 1e6);
      } catch {
        // the thread ended
      }
    }
    return cpu;
  };
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = cpuNow();
    if (now - last > longestGap) {
      longestGap = now - last;
      longestGapCpu = cpu - lastCpu;
    }
    if (cpu - lastCpu > maxGapCpu) maxGapCpu = cpu - lastCpu;
    if (now - last > 3 && longGaps.length < 100) longGaps.push({ start: last, ms: now - last });
    last = now;
    lastCpu = cpu;
  }, 1);
  timer.unref();
  let longestGc = 0;
  let longestGcKind = '';
  let gcTotal = 0;
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcTotal += entry.duration;
      const kindNumber = (entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
      const kind = GC_KINDS[kindNumber] ?? String(kindNumber);
      if (gcPauses.length < 10000) gcPauses.push({ start: entry.startTime, ms: entry.duration, kind });
      if (entry.duration > longestGc) {
        longestGc = entry.duration;
        longestGcKind = kind;
      }
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  process.channel?.unref();
  // EMBEDIS_PERSIST_PROFILE=file: a CPU profile of the server from 'reset' to 'report' (the BGSAVE).
  const profileFile = process.env.EMBEDIS_PERSIST_PROFILE;
  const session = profileFile !== undefined ? new inspector.Session() : null;
  session?.connect();
  process.on('message', (message: unknown) => {
    if (message === 'reset' && session !== null) {
      const before = new Set(fs.readdirSync('/proc/self/task'));
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 100 }, () =>
          session.post('Profiler.start', () => {
            // The profiler's sampling thread may run on any core: pinned with the busy main
            // thread it is seldom scheduled, and the samples it takes say little about when.
            for (const tid of fs.readdirSync('/proc/self/task')) if (!before.has(tid)) spawnSync('taskset', ['-p', '-c', '0-63', tid], { stdio: 'ignore' });
          }),
        ),
      );
    }
    if (message === 'report' && session !== null && profileFile !== undefined) {
      session.post('Profiler.stop', (error, result) => {
        if (error === null) fs.writeFileSync(profileFile, JSON.stringify(result.profile));
      });
    }
    // The measured window, marked in the server's output (EMBEDIS_PERSIST_LOG).
    if (message === 'reset' || message === 'report') process.stderr.write(`=== probe ${message}\n`);
    if (message === 'report') {
      // Each long gap (start, length) with the GC pauses inside it; the offset turns a start into
      // monotonic µs, the time base of a CPU profile and of perf record --clockid monotonic.
      const described = longGaps.map((gap) => {
        const inside = gcPauses.filter((gc) => gc.start < gap.start + gap.ms && gc.start + gc.ms > gap.start);
        return `${gap.start.toFixed(1)}+${gap.ms.toFixed(2)}${inside.map((gc) => `[${gc.kind} ${gc.ms.toFixed(2)}]`).join('')}`;
      });
      const offsetUs = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
      process.stderr.write(`=== gaps over 3 ms (monotonic µs = ms * 1000 + ${offsetUs.toFixed(0)}): ${described.join(' ')}\n`);
      const used = [...threadCpuMs()].map(([tid, ms]) => `${tid}:${(ms - (threadCpuAtReset.get(tid) ?? 0)).toFixed(1)}`);
      process.stderr.write(`=== thread CPU ms (main ${process.pid}): ${used.join(' ')}\n`);
    }
    if (message === 'reset') {
      longGaps.length = 0;
      gcPauses.length = 0;
      threadCpuAtReset = threadCpuMs();
      histogram.reset();
      longestGap = 0;
      longestGapCpu = 0;
      maxGapCpu = 0;
      longestGc = 0;
      longestGcKind = '';
      gcTotal = 0;
      last = performance.now();
      lastCpu = cpuNow();
      process.send?.('reset-done');
    } else if (message === 'report') {
      const ms = (ns: number) => ns / 1e6;
      const report: ProbeReport = {
        p50: ms(histogram.percentile(50)),
        p99: ms(histogram.percentile(99)),
        p999: ms(histogram.percentile(99.9)),
        max: ms(histogram.max),
        longestGap,
        longestGapCpu,
        maxGapCpu,
        longestGc,
        longestGcKind,
        gcTotal,
      };
      process.send?.(report);
    }
  });
}

const args = process.argv.slice(2);
function option(name: string, fallback: number): number {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}
const KEYS = option('keys', 1_000_000);
const CLIENTS = option('clients', 4);
const CPU = option('cpu', -1);
/** Milliseconds of the writing clients' traffic before the BGSAVE, not counted. */
const WARMUP_MS = option('warmup-ms', 3000);
/** Ports: embedis on PORT, redis-server on PORT+1. */
const PORT = option('port', 7866);
/** --only embedis|redis: measure one server. */
const ONLY = ((): string | null => {
  const at = args.indexOf('--only');
  return at >= 0 ? args[at + 1] : null;
})();
const here = fileURLToPath(import.meta.url);
const cli = path.join(path.dirname(here), '..', 'server', 'cli.js');

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
  probe: boolean;
}

/** utime+stime of a process, ms. */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

function pinned(command: string, argv: string[]): [string, string[]] {
  return CPU >= 0 ? ['taskset', ['-c', String(CPU), command, ...argv]] : [command, argv];
}

/** Collects a child's log lines (stdout and stderr). */
function captureLog(child: ChildProcess): string[] {
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('latin1');
    stream?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.length > 0) lines.push(line);
    });
  }
  (child as ChildProcess & { logLines?: string[] }).logLines = lines;
  return lines;
}

function loggedLoadSeconds(child: ChildProcess): number {
  const lines = (child as ChildProcess & { logLines?: string[] }).logLines ?? [];
  for (const line of lines) {
    const m = /DB loaded from disk: ([0-9.]+) seconds/.exec(line);
    if (m !== null) return Number(m[1]);
  }
  return NaN;
}

async function connect(port: number): Promise<Redis> {
  for (let i = 0; ; i++) {
    const c = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    c.on('error', () => {});
    try {
      await c.connect();
      await c.ping();
      return c;
    } catch {
      c.disconnect();
      if (i > 6000) throw new Error(`nothing answers on ${port}`);
      await new Promise((r) => setTimeout(r, 5));
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

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function askProbe(child: ChildProcess, message: 'reset' | 'report'): Promise<unknown> {
  return new Promise((resolve) => {
    child.once('message', resolve);
    child.send(message);
  });
}

interface BgsaveFigures {
  ms: number;
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  over20: number;
  probe: ProbeReport | null;
  /** Keys set to this round's value after the BGSAVE began (none may come back from the file). */
  written: Set<number>;
}

/** The value the clients write during BGSAVE number round (the restored file must not hold it). */
function updatedValue(round: number): string {
  return `updated-${round}`;
}

async function latencyDuringBgsave(port: number, child: ChildProcess | null, round: number): Promise<BgsaveFigures> {
  const control = await connect(port);
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => connect(port)));
  let samples = new Float64Array(1 << 20);
  let count = 0;
  const written = new Set<number>();
  let running = true;
  // The same traffic runs for WARMUP_MS before the BGSAVE and is not counted:
  // the figures are those of a server already serving it (its command path
  // compiled by the JIT), not of its first seconds. Warm-up writes 'warm', so
  // the file may hold it; only updatedValue(round) is written once the BGSAVE answered.
  let recording = false;
  // Only writes sent after BGSAVE's reply must stay out of the file: one sent
  // between the BGSAVE and its reply, on another connection, may reach the
  // server first (epoll reports a socket that was ready on its last wait ahead
  // of one that became ready since), so it is written as 'warm' and not checked.
  let snapshotBegun = false;
  const workers = clients.map(async (c, n) => {
    let i = n;
    while (running) {
      // Only string keys (i % 20 < 14), so GET never meets another type.
      const k = (((i * 7919) % Math.floor(KEYS / 20)) * 20 + (i % 14)) % KEYS;
      const counted = recording;
      const after = snapshotBegun;
      const t = performance.now();
      if (i % 2 === 0) {
        await c.set(`key:${k}`, after ? updatedValue(round) : 'warm');
        if (after) written.add(k);
      } else {
        await c.get(`key:${k}`);
      }
      const took = performance.now() - t;
      i += CLIENTS;
      if (!counted) continue;
      if (count === samples.length) {
        const grown = new Float64Array(samples.length * 2);
        grown.set(samples);
        samples = grown;
      }
      samples[count++] = took;
    }
  });
  // The control connection's polling is part of the traffic too: INFO
  // persistence every 20 ms, as while the BGSAVE runs. Without it V8 first
  // optimizes the INFO code during the BGSAVE (a 49 ms TurboFan job, seen
  // with --trace-opt), on the core the server is pinned to.
  const warmupEnd = performance.now() + WARMUP_MS;
  while (performance.now() < warmupEnd) {
    await new Promise((r) => setTimeout(r, 20));
    await control.info('persistence');
  }
  if (child !== null) await askProbe(child, 'reset');
  const started = performance.now();
  recording = true;
  await control.bgsave();
  snapshotBegun = true;
  for (;;) {
    await new Promise((r) => setTimeout(r, 20));
    const info = await control.info('persistence');
    if (info.includes('rdb_bgsave_in_progress:0')) break;
  }
  const ms = performance.now() - started;
  running = false;
  await Promise.all(workers);
  const probe = child !== null ? ((await askProbe(child, 'report')) as ProbeReport) : null;
  for (const c of [control, ...clients]) c.disconnect();
  const sorted = samples.subarray(0, count).sort();
  let over20 = 0;
  for (const s of sorted) if (s > 20) over20++;
  return {
    ms,
    count,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted[count - 1] ?? 0,
    over20,
    probe,
    written,
  };
}

async function stop(c: Redis, child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  await c.call('shutdown', 'nosave').catch(() => 'closing');
  c.disconnect();
  await exited;
}

/** Starts a target and times it until PING answers: wall ms and the server's CPU ms by then. */
async function timedStart(target: Target): Promise<{ child: ChildProcess; c: Redis; ms: number; cpu: number }> {
  const t = performance.now();
  const child = target.start();
  const c = await connect(target.port);
  const ms = performance.now() - t;
  const cpu = child.pid !== undefined ? cpuMs(child.pid) : NaN;
  return { child, c, ms, cpu };
}

/** Whether the restarted server holds the dataset as it was when the BGSAVE began (keys sampled where written). */
async function checkRestored(c: Redis, written: Set<number>, round: number): Promise<string> {
  const size = await c.dbsize();
  if (size !== KEYS) return `FAIL dbsize ${size}`;
  const keys = [...written];
  let changed = 0;
  for (let at = 0; at < keys.length; at += 1000) {
    const values = await c.mget(...keys.slice(at, at + 1000).map((k) => `key:${k}`));
    for (const v of values) if (v === updatedValue(round)) changed++;
  }
  return changed === 0 ? `ok (${keys.length} keys written during)` : `FAIL ${changed}/${keys.length} keys carry later writes`;
}

async function measure(target: Target): Promise<Record<string, string>> {
  fs.rmSync(path.join(target.dir, 'dump.rdb'), { force: true });
  const bare = await timedStart(target);
  let { child, c } = bare;
  const t0 = performance.now();
  await fill(c);
  const fillMs = performance.now() - t0;
  const pid = child.pid ?? 0;
  const cpu0 = cpuMs(pid);
  const t1 = performance.now();
  await c.save();
  const saveMs = performance.now() - t1;
  const saveCpu = cpuMs(pid) - cpu0;
  const size = fs.statSync(path.join(target.dir, 'dump.rdb')).size;
  // Two BGSAVEs: the first after start-up also shows the JIT compiling the
  // background walk (the cold case); the second is the steady state of a
  // server whose save rules have fired before. Both are reported.
  const first = await latencyDuringBgsave(target.port, target.probe ? child : null, 1);
  const bg = await latencyDuringBgsave(target.port, target.probe ? child : null, 2);
  await stop(c, child);
  // Start-up with the BGSAVE's file: time until PING answers (includes process start).
  const loaded = await timedStart(target);
  ({ child, c } = loaded);
  const restored = await checkRestored(c, bg.written, 2);
  await stop(c, child);
  const logged = loggedLoadSeconds(child);
  const perM = 1e6 / KEYS;
  const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  return {
    server: target.name,
    'fill s': f(fillMs / 1000, 1),
    'SAVE ms': f(saveMs),
    'SAVE cpu ms': f(saveCpu),
    'SAVE ms/1M': f(saveMs * perM),
    'file MB': f(size / 1e6, 1),
    'bare start ms': f(bare.ms),
    'start+load ms': f(loaded.ms),
    'start+load cpu ms': f(loaded.cpu),
    'logged load ms': f(logged * 1000),
    'load ms/1M': f(logged * 1000 * perM),
    'first BGSAVE: p99 ms': f(first.p99, 2),
    'first BGSAVE: p99.9 ms': f(first.p999, 2),
    'first BGSAVE: max ms': f(first.max, 2),
    'first BGSAVE: cmds >20ms': String(first.over20),
    'first BGSAVE: longest gap ms': first.probe ? f(first.probe.longestGap, 2) : '-',
    'first BGSAVE: cpu in that gap ms': first.probe ? f(first.probe.longestGapCpu, 2) : '-',
    'first BGSAVE: most cpu in a gap ms': first.probe ? f(first.probe.maxGapCpu, 2) : '-',
    'first BGSAVE: longest GC ms': first.probe ? `${f(first.probe.longestGc, 2)} (${first.probe.longestGcKind})` : '-',
    'first BGSAVE: GC total ms': first.probe ? f(first.probe.gcTotal, 1) : '-',
    'BGSAVE ms': f(bg.ms),
    'cmds during': String(bg.count),
    'p50 ms': f(bg.p50, 2),
    'p99 ms': f(bg.p99, 2),
    'p99.9 ms': f(bg.p999, 2),
    'max ms': f(bg.max, 2),
    'cmds >20ms': String(bg.over20),
    'loop p99 ms': bg.probe ? f(bg.probe.p99, 2) : '-',
    'loop p99.9 ms': bg.probe ? f(bg.probe.p999, 2) : '-',
    'loop max ms': bg.probe ? f(bg.probe.max, 2) : '-',
    'longest gap ms': bg.probe ? f(bg.probe.longestGap, 2) : '-',
    'cpu in that gap ms': bg.probe ? f(bg.probe.longestGapCpu, 2) : '-',
    'most cpu in a gap ms': bg.probe ? f(bg.probe.maxGapCpu, 2) : '-',
    'longest GC pause ms': bg.probe ? `${f(bg.probe.longestGc, 2)} (${bg.probe.longestGcKind})` : '-',
    'GC pauses total ms': bg.probe ? f(bg.probe.gcTotal, 1) : '-',
    'restored as at start': restored,
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
      port: PORT,
      dir: embedisDir,
      probe: true,
      start: () => {
        const [command, argv] = pinned(process.execPath, [
          '--max-old-space-size=8192',
          // The V8 flags embedis-server's relaunch would set (a heap size given here means no relaunch).
          ...nodeFlagsFor(0),
          // EMBEDIS_BENCH_NODE_FLAGS: extra V8/Node flags for the embedis server (GC experiments).
          ...(process.env.EMBEDIS_BENCH_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== ''),
          '--import',
          pathToFileURL(here).href,
          cli,
          '--port',
          String(PORT),
          '--dir',
          embedisDir,
          '--save',
          '',
          '--loglevel',
          'notice',
        ]);
        const child = track(spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, EMBEDIS_PERSIST_PROBE: '1' } }));
        captureLog(child);
        const logFile = process.env.EMBEDIS_PERSIST_LOG;
        if (logFile !== undefined) {
          const out = fs.createWriteStream(logFile, { flags: 'a' });
          child.stdout?.pipe(out, { end: false });
          child.stderr?.pipe(out, { end: false });
        }
        return child;
      },
    },
    {
      name: 'redis',
      port: PORT + 1,
      dir: redisDir,
      probe: false,
      start: () => {
        const [command, argv] = pinned('redis-server', ['--port', String(PORT + 1), '--dir', redisDir, '--save', '', '--appendonly', 'no']);
        const child = track(spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] }));
        captureLog(child);
        return child;
      },
    },
  ];
  console.log(`persistence bench: ${KEYS} keys of mixed types, ${CLIENTS} clients writing during BGSAVE${CPU >= 0 ? `, servers pinned to CPU ${CPU}` : ''}`);
  const rows: Record<string, string>[] = [];
  for (const target of targets) if (ONLY === null || ONLY === target.name) rows.push(await measure(target));
  // One row per figure, one column per server: the table stays readable with many figures.
  const names = Object.keys(rows[0]).filter((k) => k !== 'server');
  const width = Math.max(...names.map((n) => n.length));
  const colWidths = rows.map((r) => Math.max(r.server.length, ...names.map((n) => r[n].length)));
  console.log(['figure'.padEnd(width), ...rows.map((r, i) => r.server.padStart(colWidths[i]))].join('  '));
  for (const n of names) console.log([n.padEnd(width), ...rows.map((r, i) => r[n].padStart(colWidths[i]))].join('  '));
  fs.rmSync(base, { recursive: true, force: true });
}

if (process.env.EMBEDIS_PERSIST_PROBE === '1') {
  installProbe();
} else {
  main().catch((error) => {
    console.error(error);
    for (const child of children) if (child.exitCode === null) child.kill();
    process.exit(1);
  });
}
