// The eviction-policy benchmark: a request trace replayed as a cache-aside
// client (GET; on a miss, SET) against embedis and, when installed, a real
// redis-server, under each maxmemory policy with maxmemory sized so that a
// chosen share of the keys is resident. Beside each policy: the hit ratio of
// an exact LRU (mnemonist's LRUCache) and an exact LFU holding the same
// number of keys. Writes results.md, results.csv and two SVG charts under
// bench/results/eviction-<time>/.
//
//   npm run bench:eviction -- [--keys 100000] [--requests 200000] [--resident 0.2]
//     [--traces zipf0.8,zipf0.99,zipf1.2,scan,shift] [--trace-file path]
//     [--policies allkeys-lru,...] [--samples 1,3,5,10,20] [--value 100]
//     [--redis-server path | --no-redis] [--batch 64]

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LRUCache } from 'mnemonist';
import { ExactLfu } from './exact-lfu.js';
import { RespConnection } from './resp-connection.js';
import { barChart, lineChart } from './svg.js';
import { mulberry32 } from '../../test/seeded-random.js';

const ALL_POLICIES = ['noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'];

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const has = (name: string): boolean => process.argv.includes(`--${name}`);

const KEYS = Number(option('keys', '100000'));
const REQUESTS = Number(option('requests', '200000'));
const RESIDENT_SHARE = Number(option('resident', '0.2'));
const VALUE_SIZE = Number(option('value', '100'));
const BATCH = Number(option('batch', '64'));
const POLICIES = option('policies', ALL_POLICIES.join(',')).split(',');
const SAMPLES = option('samples', '1,3,5,10,20').split(',').map(Number);
const TRACES = option('traces', 'zipf0.8,zipf0.99,zipf1.2,scan,shift').split(',').filter(Boolean);
const TRACE_FILE = option('trace-file', '');
const RESIDENT = Math.max(1, Math.round(KEYS * RESIDENT_SHARE));

// ---- traces -------------------------------------------------------------------

function zipfSampler(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / Math.pow(i + 1, s);
    cdf[i] = sum;
  }
  for (let i = 0; i < n; i++) cdf[i] /= sum;
  return () => {
    const r = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** A random permutation: rank -> key id, so hot keys are not neighbours. */
function permutation(n: number, random: () => number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

function makeTrace(name: string): Uint32Array {
  const random = mulberry32(42); // seeded: every run replays the same trace
  const out = new Uint32Array(REQUESTS);
  if (name.startsWith('zipf')) {
    const next = zipfSampler(KEYS, Number(name.slice(4)), random);
    const perm = permutation(KEYS, random);
    for (let i = 0; i < REQUESTS; i++) out[i] = perm[next()];
  } else if (name === 'scan') {
    // 80% Zipf 0.99 over the keys, 20% a sequential scan over as many cold keys.
    const next = zipfSampler(KEYS, 0.99, random);
    const perm = permutation(KEYS, random);
    let cursor = 0;
    for (let i = 0; i < REQUESTS; i++) out[i] = random() < 0.2 ? KEYS + (cursor++ % KEYS) : perm[next()];
  } else if (name === 'shift') {
    // Zipf 0.99 whose hot set moves to other keys five times over the trace.
    const next = zipfSampler(KEYS, 0.99, random);
    const perm = permutation(KEYS, random);
    const phase = Math.ceil(REQUESTS / 5);
    for (let i = 0; i < REQUESTS; i++) out[i] = perm[(next() + Math.floor(i / phase) * Math.floor(KEYS / 5)) % KEYS];
  } else {
    throw new Error(`unknown trace ${name}`);
  }
  return out;
}

function fileTrace(file: string): { ids: Uint32Array; names: string[] } {
  const lines = fs.readFileSync(file, 'latin1').split('\n').map((l) => l.trim()).filter(Boolean);
  const index = new Map<string, number>();
  const ids = new Uint32Array(lines.length);
  const names: string[] = [];
  lines.forEach((line, i) => {
    let id = index.get(line);
    if (id === undefined) {
      id = names.length;
      names.push(line);
      index.set(line, id);
    }
    ids[i] = id;
  });
  return { ids, names };
}

// ---- exact models -------------------------------------------------------------------

function exactLru(trace: Uint32Array, capacity: number): number {
  const cache = new LRUCache<number, boolean>(capacity);
  let hits = 0;
  for (let i = 0; i < trace.length; i++) {
    if (cache.get(trace[i]) !== undefined) hits++;
    else cache.set(trace[i], true);
  }
  return hits / trace.length;
}

function exactLfu(trace: Uint32Array, capacity: number): number {
  const cache = new ExactLfu(capacity);
  let hits = 0;
  for (let i = 0; i < trace.length; i++) if (cache.access(trace[i])) hits++;
  return hits / trace.length;
}

// ---- servers --------------------------------------------------------------------------

interface Target {
  name: string;
  port: number;
  process: ChildProcess;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function startEmbedis(): Promise<Target> {
  const port = await freePort();
  const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../server/cli.js');
  const child = spawn(process.execPath, [cli, '--port', String(port), '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], { stdio: 'ignore' });
  await waitForPort(port);
  return { name: 'embedis', port, process: child };
}

function findRedis(): string | null {
  if (has('no-redis')) return null;
  const given = option('redis-server', '');
  if (given) return given;
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? 'redis-server' : null;
}

async function startRedis(binary: string): Promise<Target> {
  const port = await freePort();
  const child = spawn(binary, ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitForPort(port);
  return { name: 'redis', port, process: child };
}

// ---- one run ------------------------------------------------------------------------

interface Result {
  target: string;
  trace: string;
  policy: string;
  samples: number;
  hitRatio: number;
  evictions: number;
  resident: number;
  opsPerSec: number;
  oomErrors: number;
}

function infoField(info: string, name: string): number {
  const m = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  return m ? Number(m[1]) : 0;
}

/** Bytes one of our keys adds on this server: measured by writing a thousand of them. */
async function perKeyBytes(conn: RespConnection): Promise<{ base: number; perKey: number }> {
  await conn.call(['FLUSHALL']);
  await conn.call(['CONFIG', 'SET', 'maxmemory', '0']);
  const base = infoField(String(await conn.call(['INFO', 'memory'])), 'used_memory');
  const value = 'x'.repeat(VALUE_SIZE);
  const n = 5000;
  const cmds: string[][] = [];
  for (let i = 0; i < n; i++) cmds.push(['SET', `key:${i + 10_000_000}`, value, 'EX', '100000']);
  await conn.pipeline(cmds);
  const used = infoField(String(await conn.call(['INFO', 'memory'])), 'used_memory');
  await conn.call(['FLUSHALL']);
  return { base, perKey: (used - base) / n };
}

async function runOne(target: Target, traceName: string, trace: Uint32Array, names: string[] | null, policy: string, samples: number, progress: (done: number) => void): Promise<Result> {
  const conn = await RespConnection.connect(target.port);
  const { base, perKey } = await perKeyBytes(conn);
  await conn.call(['CONFIG', 'SET', 'maxmemory-policy', policy]);
  await conn.call(['CONFIG', 'SET', 'maxmemory-samples', String(samples)]);
  await conn.call(['CONFIG', 'RESETSTAT']);
  await conn.call(['CONFIG', 'SET', 'maxmemory', String(Math.round(base + RESIDENT * perKey))]);
  const value = 'x'.repeat(VALUE_SIZE);
  const keyOf = (id: number): string => (names !== null ? names[id] : `key:${id}`);
  let hits = 0;
  let oom = 0;
  const started = performance.now();
  for (let i = 0; i < trace.length; i += BATCH) {
    const end = Math.min(trace.length, i + BATCH);
    const gets: string[][] = [];
    for (let j = i; j < end; j++) gets.push(['GET', keyOf(trace[j])]);
    const replies = await conn.pipeline(gets);
    const sets: string[][] = [];
    for (let j = 0; j < replies.length; j++) {
      if (replies[j] !== null) hits++;
      else sets.push(['SET', keyOf(trace[i + j]), value, 'EX', '100000']);
    }
    if (sets.length > 0) for (const r of await conn.pipeline(sets)) if (r instanceof Error) oom++;
    if ((i / BATCH) % 64 === 0) progress(end);
  }
  const seconds = (performance.now() - started) / 1000;
  progress(trace.length);
  const stats = String(await conn.call(['INFO', 'stats']));
  const resident = Number(await conn.call(['DBSIZE']));
  conn.close();
  return {
    target: target.name,
    trace: traceName,
    policy,
    samples,
    hitRatio: hits / trace.length,
    evictions: infoField(stats, 'evicted_keys'),
    resident,
    opsPerSec: Math.round((trace.length + (trace.length - hits)) / seconds),
    oomErrors: oom,
  };
}

// ---- progress --------------------------------------------------------------------------

function progressBar(totalUnits: number): (label: string, done: number) => void {
  let finished = 0;
  let lastDraw = 0;
  return (label, done) => {
    const now = performance.now();
    if (done < 0) {
      finished += -done;
      done = 0;
    }
    if (now - lastDraw < 100 && done !== 0) return;
    lastDraw = now;
    const share = Math.min(1, (finished + done) / totalUnits);
    const width = 30;
    const filled = Math.round(share * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(1).padStart(5)}% ${label.padEnd(44).slice(0, 44)}`);
  };
}

// ---- main ---------------------------------------------------------------------------------

async function main(): Promise<void> {
  const traces: Array<{ name: string; ids: Uint32Array; names: string[] | null }> = TRACES.map((name) => ({ name, ids: makeTrace(name), names: null }));
  if (TRACE_FILE) {
    const t = fileTrace(TRACE_FILE);
    traces.push({ name: `file:${path.basename(TRACE_FILE)}`, ids: t.ids, names: t.names });
  }
  const targets: Target[] = [await startEmbedis()];
  const redis = findRedis();
  if (redis !== null) targets.push(await startRedis(redis));
  const samplePolicies = ['allkeys-lru', 'allkeys-lfu'].filter((p) => POLICIES.includes(p));
  const sampleTrace = traces.find((t) => t.name === 'zipf0.99') ?? traces[0];
  const plan: Array<{ target: Target; trace: (typeof traces)[number]; policy: string; samples: number }> = [];
  for (const target of targets) {
    for (const trace of traces) for (const policy of POLICIES) plan.push({ target, trace, policy, samples: 5 });
    for (const policy of samplePolicies) for (const samples of SAMPLES) if (samples !== 5) plan.push({ target, trace: sampleTrace, policy, samples });
  }
  const total = plan.reduce((n, p) => n + p.trace.ids.length, 0);
  const draw = progressBar(total);
  const results: Result[] = [];
  try {
    for (const step of plan) {
      const label = `${step.target.name} ${step.trace.name} ${step.policy} s=${step.samples}`;
      results.push(await runOne(step.target, step.trace.name, step.trace.ids, step.trace.names, step.policy, step.samples, (d) => draw(label, d)));
      draw(label, -step.trace.ids.length);
    }
  } finally {
    for (const t of targets) t.process.kill();
  }
  process.stderr.write('\n');
  const exact = new Map<string, { lru: number; lfu: number }>();
  for (const t of traces) exact.set(t.name, { lru: exactLru(t.ids, RESIDENT), lfu: exactLfu(t.ids, RESIDENT) });
  // Each server holds its own number of keys under the same maxmemory: compare each run with exact
  // models of the same size as what it actually kept resident.
  const atResident = new Map<string, { lru: number; lfu: number }>();
  for (const r of results) {
    const id = `${r.trace}@${r.resident}`;
    if (atResident.has(id)) continue;
    const ids = traces.find((t) => t.name === r.trace)!.ids;
    atResident.set(id, { lru: exactLru(ids, r.resident), lfu: exactLfu(ids, r.resident) });
  }
  report(results, exact, atResident);
}

function report(results: Result[], exact: Map<string, { lru: number; lfu: number }>, atResident: Map<string, { lru: number; lfu: number }>): void {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dir = path.resolve(here, '../../../bench/results', `eviction-${stamp}`);
  fs.mkdirSync(dir, { recursive: true });
  const pct = (x: number): string => (x * 100).toFixed(2);
  const header = ['target', 'trace', 'policy', 'samples', 'hit ratio %', 'exact LRU %', 'exact LFU %', 'vs exact LRU', 'evictions', 'resident keys', 'ops/s', 'OOM errors'];
  const rows = results.map((r) => {
    const e = atResident.get(`${r.trace}@${r.resident}`)!;
    return [r.target, r.trace, r.policy, String(r.samples), pct(r.hitRatio), pct(e.lru), pct(e.lfu), e.lru > 0 ? (r.hitRatio / e.lru).toFixed(3) : '-', String(r.evictions), String(r.resident), String(r.opsPerSec), String(r.oomErrors)];
  });
  const md = [
    `# Eviction benchmark`,
    '',
    `keys ${KEYS}, requests ${REQUESTS} per run, resident target ${RESIDENT} keys (${RESIDENT_SHARE * 100}%), values ${VALUE_SIZE} B, cache-aside GET/SET pipelined ${BATCH} deep.`,
    `maxmemory is set per server from its own measured bytes per key; the exact LRU / LFU columns are computed at the number of keys each run actually kept resident (the charts' dashed lines: at the target).`,
    `A hit ratio counts every request of the trace, cold start included.`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'results.md'), md);
  fs.writeFileSync(path.join(dir, 'results.csv'), [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
  // Chart 1: hit ratio per policy (samples 5) on each trace, embedis and redis side by side, plus the exact models.
  const groups = [...exact.keys()];
  const series: Array<{ name: string; values: number[] }> = [];
  for (const target of [...new Set(results.map((r) => r.target))]) {
    for (const policy of POLICIES) {
      series.push({
        name: `${target} ${policy}`,
        values: groups.map((g) => results.find((r) => r.target === target && r.trace === g && r.policy === policy && r.samples === 5)?.hitRatio ?? 0),
      });
    }
  }
  series.push({ name: 'exact LRU', values: groups.map((g) => exact.get(g)!.lru) });
  series.push({ name: 'exact LFU', values: groups.map((g) => exact.get(g)!.lfu) });
  fs.writeFileSync(path.join(dir, 'hit-ratio-by-policy.svg'), barChart('Hit ratio per policy (maxmemory-samples 5)', groups, series));
  // Chart 2: hit ratio against maxmemory-samples.
  const lines: Array<{ name: string; points: Array<[number, number]> }> = [];
  for (const target of [...new Set(results.map((r) => r.target))]) {
    for (const policy of ['allkeys-lru', 'allkeys-lfu']) {
      const points = results.filter((r) => r.target === target && r.policy === policy && r.trace === (exact.has('zipf0.99') ? 'zipf0.99' : groups[0])).map((r) => [r.samples, r.hitRatio] as [number, number]);
      if (points.length > 0) lines.push({ name: `${target} ${policy}`, points: points.sort((a, b) => a[0] - b[0]) });
    }
  }
  const ref = exact.get(exact.has('zipf0.99') ? 'zipf0.99' : groups[0])!;
  fs.writeFileSync(path.join(dir, 'hit-ratio-by-samples.svg'), lineChart('Hit ratio vs maxmemory-samples', lines, [{ name: 'exact LRU', value: ref.lru }, { name: 'exact LFU', value: ref.lfu }]));
  process.stdout.write(md);
  process.stdout.write(`\nwritten to ${dir}\n`);
}

main().catch((error) => {
  process.stderr.write(`\n${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
