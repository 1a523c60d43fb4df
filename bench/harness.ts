// What the benchmarks share: starting embedis (its CLI, as its own process)
// and a real redis-server side by side on free ports, pinning the servers and
// the load generator to cores of their own, running redis-benchmark and
// reading its --csv output, taking the median of several runs, and printing
// ratio tables. Each benchmark script is then only its list of tests.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = join(root, 'dist', 'server', 'cli.js');
export const resultsDir = join(root, 'bench', 'results');

/** Reads `--name value`, `--name=value`, `-s value` or $BENCH_NAME. */
export function flagReader(argv: readonly string[] = process.argv.slice(2)) {
  return (name: string, short?: string): string | undefined => {
    for (let i = 0; i < argv.length; i++) {
      if (argv[i] === `--${name}` || (short !== undefined && argv[i] === `-${short}`)) return argv[i + 1];
      if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
    }
    return process.env[`BENCH_${name.toUpperCase()}`];
  };
}

export function positive(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${what} must be a positive integer, got '${text}'`);
  return n;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
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

export interface Started {
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

export function pinned(cpu: number, command: string, args: string[]): [string, string[]] {
  return canPin ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

/** Spawns a server on core 0 and waits until it accepts connections; null if it exited first. */
export async function startProcess(name: string, command: string, args: string[], port: number): Promise<Started | null> {
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

export function stop(server: Started | null): Promise<void> {
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

export interface Pair {
  embedis: Started;
  redis: Started;
  redisVersion: string;
  notes: string[];
  stop(): Promise<void>;
}

/**
 * embedis (`node dist/server/cli.js --port P --save ''`) and redis-server
 * (`--save '' --appendonly no`) on free ports; null (after a message) when
 * either did not start. SIGINT stops both.
 */
export async function startPair(extraArgs: string[] = []): Promise<Pair | null> {
  const notes: string[] = [];
  const [embedisPort, redisPort] = [await freePort(), await freePort()];
  let embedis = await startProcess('embedis', process.execPath, [cliPath, '--port', String(embedisPort), '--save', '', ...extraArgs], embedisPort);
  if (embedis === null) {
    // Older CLIs do not know `save` yet: run without it (embedis keeps no snapshot schedule then anyway).
    notes.push("embedis CLI refused `--save ''`; started with --port only.");
    embedis = await startProcess('embedis', process.execPath, [cliPath, '--port', String(embedisPort), ...extraArgs], embedisPort);
  }
  const redis = await startProcess(
    'redis-server',
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs],
    redisPort,
  );
  const stopBoth = async () => {
    await Promise.all([stop(embedis), stop(redis)]);
  };
  process.once('SIGINT', () => void stopBoth().then(() => process.exit(130)));
  if (embedis === null || redis === null) {
    await stopBoth();
    return null;
  }
  const redisVersion = /v=(\S+)/.exec(await commandOutput('redis-server', ['--version']))?.[1] ?? 'unknown';
  return { embedis, redis, redisVersion, notes, stop: stopBoth };
}

export interface BenchResult {
  rps: number | null;
  p50: number | null;
  error: string | null;
}

/** The run with the median rate (an errored run counts as the slowest). */
export function median(runs: BenchResult[]): BenchResult {
  const sorted = [...runs].sort((a, b) => (a.rps ?? -1) - (b.rps ?? -1));
  return sorted[Math.floor(sorted.length / 2)];
}

export interface BenchLoad {
  requests: number;
  clients: number;
  pipeline: number;
  /** redis-benchmark arguments that pick the work: ['-t', 'get'] or ['-r', '100000', 'ZADD', 'z', '__rand_int__', 'm:__rand_int__']. */
  work: string[];
}

/** One redis-benchmark run (on core 1) of one test; its --csv output parsed. */
export function runBenchmark(port: number, load: BenchLoad): Promise<BenchResult> {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-n', String(load.requests), '-c', String(load.clients), '-P', String(load.pipeline), '--csv', ...load.work];
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

export function commandOutput(command: string, args: string[]): Promise<string> {
  return new Promise((done) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', () => done(''));
    child.once('close', () => done(out.trim()));
  });
}

/**
 * Median of three runs per server, alternating servers; a pipelined run is
 * over in a blink at the same count, so requests scale with the depth (x10 at most).
 */
export async function compare(pair: Pair, load: BenchLoad, before?: (port: number) => Promise<void>): Promise<{ redis: BenchResult; embedis: BenchResult }> {
  const scaled: BenchLoad = { ...load, requests: load.requests * Math.min(load.pipeline, 10) };
  const redisRuns: BenchResult[] = [];
  const embedisRuns: BenchResult[] = [];
  for (let round = 0; round < 3; round++) {
    await before?.(pair.redis.port);
    redisRuns.push(await runBenchmark(pair.redis.port, scaled));
    await before?.(pair.embedis.port);
    embedisRuns.push(await runBenchmark(pair.embedis.port, scaled));
  }
  return { redis: median(redisRuns), embedis: median(embedisRuns) };
}

/** Prints one compared row as it completes and notes any error of either server. */
export function reportRow(notes: string[], label: string, redis: BenchResult, embedis: BenchResult): void {
  console.log(`  ${label.padEnd(24)} redis ${formatRate(redis.rps).padStart(10)}  embedis ${formatRate(embedis.rps).padStart(10)}  ratio ${formatRatio(embedis.rps, redis.rps)}`);
  for (const [who, r] of [['redis', redis], ['embedis', embedis]] as const) {
    if (r.error !== null) notes.push(`${who} ${label}: ${r.error.length > 100 ? `${r.error.slice(0, 100)}…` : r.error}`);
  }
}

export function formatRate(rate: number | null): string {
  return rate === null ? 'error' : Math.round(rate).toLocaleString('en-US');
}

export function formatRatio(embedis: number | null, redis: number | null): string {
  if (redis === null || embedis === null || redis === 0) return '-';
  return (embedis / redis).toFixed(2);
}

/** A table with the first column left-aligned and the rest right-aligned. */
export function textTable(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function markdownTable(head: string[], body: string[][]): string {
  const out = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const row of body) out.push(`| ${row.join(' | ')} |`);
  return out.join('\n');
}

export function machineLine(redisVersion: string): string {
  return `Measured ${new Date().toISOString()} on ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown CPU'}), node ${process.version}, redis-server ${redisVersion}.`;
}

/** Runs a benchmark's main and exits with its code (1 on a crash). */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.stack ?? error.message : error);
      process.exit(1);
    },
  );
}
