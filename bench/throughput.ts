// Throughput against real Redis: starts embedis (its CLI, as its own process)
// and redis-server side by side, runs redis-benchmark against each in turn,
// and prints ops/s and the ratio embedis/redis per test and pipeline depth.
// It reports; it never fails on speed (exit 1 only when something crashed).
//
// Usage: node dist/bench/throughput.js [--requests N] [--clients C]
//          [--tests get,set,incr,mset] [--pipelines 1,16] [--warmup N]
// or the same through env: BENCH_REQUESTS, BENCH_CLIENTS, BENCH_TESTS,
// BENCH_PIPELINES, BENCH_WARMUP.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cliPath = join(root, 'dist', 'server', 'cli.js');
const resultsDir = join(root, 'bench', 'results');

interface Options {
  requests: number;
  clients: number;
  tests: string[];
  pipelines: number[];
  warmup: number;
}

function readOptions(): Options {
  const argv = process.argv.slice(2);
  const flag = (name: string, short?: string): string | undefined => {
    for (let i = 0; i < argv.length; i++) {
      if (argv[i] === `--${name}` || (short !== undefined && argv[i] === `-${short}`)) return argv[i + 1];
      if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
    }
    return process.env[`BENCH_${name.toUpperCase()}`];
  };
  const positive = (text: string | undefined, fallback: number, what: string): number => {
    if (text === undefined || text === '') return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${what} must be a positive integer, got '${text}'`);
    return n;
  };
  const requests = positive(flag('requests', 'n'), 100000, 'requests');
  return {
    requests,
    clients: positive(flag('clients', 'c'), 50, 'clients'),
    tests: (flag('tests', 't') ?? 'get,set,incr,mset').split(',').map((t) => t.trim().toLowerCase()).filter(Boolean),
    pipelines: (flag('pipelines', 'P') ?? '1,16').split(',').map((p) => positive(p.trim(), 1, 'pipeline')),
    warmup: positive(flag('warmup'), Math.max(20000, Math.min(requests, 100000)), 'warmup'),
  };
}

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolvePort(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      done(true);
    });
    socket.on('error', () => done(false));
  });
}

interface Started {
  name: string;
  port: number;
  child: ChildProcess;
  /** The tail of its stderr/stdout, for a crash report. */
  log(): string;
  exited(): boolean;
}

/**
 * Server and load generator each get a core of their own (taskset), so the
 * comparison is not decided by how the scheduler shares two cores between
 * redis-benchmark, the server and the server's GC threads. Without taskset or
 * with one core, commands run unpinned.
 */
const canPin = os.cpus().length >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;

function pinned(cpu: number, command: string, args: string[]): [string, string[]] {
  return canPin ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

/** Spawns a server and waits until it accepts connections; null if it exited first. */
async function startProcess(name: string, command: string, args: string[], port: number): Promise<Started | null> {
  const child = spawn(...pinned(0, command, args), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  child.once('exit', () => (exited = true));
  child.once('error', (error) => {
    exited = true;
    output += `\n${error.message}`;
  });
  for (let i = 0; i < 200 && !exited; i++) {
    if (await canConnect(port)) {
      return { name, port, child, log: () => output, exited: () => exited };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!exited) child.kill('SIGKILL');
  process.stderr.write(`${name} did not start (${command} ${args.join(' ')}):\n${output}\n`);
  return null;
}

function stop(server: Started | null): Promise<void> {
  if (server === null || server.exited()) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => {
      server.child.kill('SIGKILL');
      done();
    }, 3000);
    server.child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    server.child.kill('SIGTERM');
  });
}

interface BenchResult {
  rps: number | null;
  p50: number | null;
  error: string | null;
}

/** The run with the median rate (an errored run counts as the slowest). */
function median(runs: BenchResult[]): BenchResult {
  const sorted = [...runs].sort((a, b) => (a.rps ?? -1) - (b.rps ?? -1));
  return sorted[Math.floor(sorted.length / 2)];
}

/** One redis-benchmark run of one test; its --csv output parsed. */
function runBenchmark(port: number, test: string, requests: number, clients: number, pipeline: number): Promise<BenchResult> {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-t', test, '-n', String(requests), '-c', String(clients), '-P', String(pipeline), '--csv'];
  return new Promise((done) => {
    const child = spawn(...pinned(1, 'redis-benchmark', args), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', (e) => done({ rps: null, p50: null, error: `redis-benchmark: ${e.message}` }));
    child.once('close', (code) => {
      const row = parseCsv(out)[0];
      if (code === 0 && row !== undefined) {
        done({ rps: row.rps, p50: row.p50, error: null });
        return;
      }
      // redis-benchmark exits on the first error reply (a command embedis lacks, say).
      const reason = /Error from server: (.*)/.exec(err + out)?.[1] ?? (err.trim().split('\n').pop() || `exit code ${code}`);
      done({ rps: null, p50: null, error: reason });
    });
  });
}

/** Rows of redis-benchmark --csv: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",… */
function parseCsv(text: string): Array<{ test: string; rps: number; p50: number | null }> {
  const rows: Array<{ test: string; rps: number; p50: number | null }> = [];
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('"'));
  if (lines.length === 0) return rows;
  const header = splitCsvLine(lines[0]);
  const rpsAt = header.indexOf('rps');
  const p50At = header.indexOf('p50_latency_ms');
  if (rpsAt < 0) return rows;
  for (const line of lines.slice(1)) {
    const cells = splitCsvLine(line);
    const rps = Number(cells[rpsAt]);
    if (!Number.isFinite(rps)) continue;
    rows.push({ test: cells[0], rps, p50: p50At >= 0 ? Number(cells[p50At]) : null });
  }
  return rows;
}

function splitCsvLine(line: string): string[] {
  return line.split('","').map((cell) => cell.replace(/^"|"$/g, ''));
}

function commandOutput(command: string, args: string[]): Promise<string> {
  return new Promise((done) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', () => done(''));
    child.once('close', () => done(out.trim()));
  });
}

const TEST_LABELS: Record<string, string> = { get: 'GET', set: 'SET', incr: 'INCR', mset: 'MSET (10 keys)' };

interface Row {
  test: string;
  pipeline: number;
  redis: BenchResult;
  embedis: BenchResult;
}

function formatRps(r: BenchResult): string {
  return r.rps === null ? 'error' : Math.round(r.rps).toLocaleString('en-US');
}

function formatRatio(row: Row): string {
  if (row.redis.rps === null || row.embedis.rps === null || row.redis.rps === 0) return '-';
  return (row.embedis.rps / row.redis.rps).toFixed(2);
}

function textTable(rows: Row[]): string {
  const head = ['test', 'pipeline', 'redis ops/s', 'embedis ops/s', 'ratio'];
  const body = rows.map((r) => [TEST_LABELS[r.test] ?? r.test, String(r.pipeline), formatRps(r.redis), formatRps(r.embedis), formatRatio(r)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function markdownTable(rows: Row[]): string {
  const out = ['| test | pipeline | redis ops/s | embedis ops/s | ratio |', '|---|---:|---:|---:|---:|'];
  for (const r of rows) {
    out.push(`| ${TEST_LABELS[r.test] ?? r.test} | ${r.pipeline} | ${formatRps(r.redis)} | ${formatRps(r.embedis)} | ${formatRatio(r)} |`);
  }
  return out.join('\n');
}

async function main(): Promise<number> {
  const options = readOptions();
  const notes: string[] = [];
  const [embedisPort, redisPort] = [await freePort(), await freePort()];

  let embedis = await startProcess('embedis', process.execPath, [cliPath, '--port', String(embedisPort), '--save', ''], embedisPort);
  if (embedis === null) {
    // Older CLIs do not know `save` yet: run without it (embedis keeps no snapshot schedule then anyway).
    notes.push("embedis CLI refused `--save ''`; started with --port only.");
    embedis = await startProcess('embedis', process.execPath, [cliPath, '--port', String(embedisPort)], embedisPort);
  }
  const redis = await startProcess('redis-server', 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], redisPort);
  const cleanup = async () => {
    await Promise.all([stop(embedis), stop(redis)]);
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  if (embedis === null || redis === null) {
    await cleanup();
    return 1;
  }

  const redisVersion = /v=(\S+)/.exec(await commandOutput('redis-server', ['--version']))?.[1] ?? 'unknown';
  console.log(`embedis (node ${process.version}) on :${embedisPort}, redis-server ${redisVersion} on :${redisPort}`);
  console.log(`redis-benchmark -n ${options.requests} -c ${options.clients}, tests ${options.tests.join(',')}, pipelines ${options.pipelines.join(',')}`);

  // Warm up embedis so V8 has compiled the hot paths before anything is measured.
  process.stdout.write(`warming up embedis (${options.warmup} requests per test) ...`);
  for (const test of options.tests) {
    for (const pipeline of options.pipelines) await runBenchmark(embedis.port, test, options.warmup * pipeline, options.clients, pipeline);
  }
  process.stdout.write(' done\n');

  const rows: Row[] = [];
  let crashed = false;
  for (const pipeline of options.pipelines) {
    for (const test of options.tests) {
      // A pipelined run is over in a blink at the same count: scale it, so each run lasts long
      // enough to measure, and keep the median of three runs, alternating servers.
      const requests = options.requests * Math.min(pipeline, 10);
      const redisRuns: BenchResult[] = [];
      const embedisRuns: BenchResult[] = [];
      for (let round = 0; round < 3; round++) {
        redisRuns.push(await runBenchmark(redis.port, test, requests, options.clients, pipeline));
        embedisRuns.push(await runBenchmark(embedis.port, test, requests, options.clients, pipeline));
      }
      const redisResult = median(redisRuns);
      const embedisResult = median(embedisRuns);
      const row: Row = { test, pipeline, redis: redisResult, embedis: embedisResult };
      rows.push(row);
      const label = `${TEST_LABELS[test] ?? test} -P ${pipeline}`;
      console.log(`  ${label.padEnd(24)} redis ${formatRps(redisResult).padStart(10)}  embedis ${formatRps(embedisResult).padStart(10)}  ratio ${formatRatio(row)}`);
      for (const [who, r] of [['redis', redisResult], ['embedis', embedisResult]] as const) {
        if (r.error !== null) notes.push(`${who} ${label}: ${r.error.length > 100 ? `${r.error.slice(0, 100)}…` : r.error}`);
      }
      for (const server of [embedis, redis]) {
        if (server.exited()) {
          crashed = true;
          notes.push(`${server.name} exited during ${label}. Last output:\n${server.log()}`);
        }
      }
      if (crashed) break;
    }
    if (crashed) break;
  }

  console.log('');
  console.log(textTable(rows));
  console.log('ratio = embedis ops/s / redis ops/s (higher is better for embedis)');
  for (const note of notes) console.log(`note: ${note}`);

  const markdown = [
    '# Throughput: embedis vs redis-server',
    '',
    `Measured ${new Date().toISOString()} on ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown CPU'}), ` +
      `node ${process.version}, redis-server ${redisVersion}.`,
    '',
    `\`redis-benchmark -t <test> -n ${options.requests} (times the pipeline depth, at most x10) -c ${options.clients} -P <pipeline>\`, three runs alternating servers, median kept, ` +
      `embedis warmed up first with ${options.warmup} requests per test. Ratio = embedis / redis.`,
    '',
    markdownTable(rows),
    '',
    ...(notes.length ? ['Notes:', '', ...notes.map((n) => `- ${n.replace(/\n/g, ' ')}`), ''] : []),
  ].join('\n');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'throughput.md'), markdown);
  console.log(`written ${join(resultsDir, 'throughput.md')}`);

  await cleanup();
  return crashed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack ?? error.message : error);
    process.exit(1);
  },
);
