// Data-type throughput against real Redis, and the cost of one operation on a
// 1,000,000-member value. Two parts, both against embedis (its CLI, as its own
// process) and a real redis-server started side by side (see harness.ts):
//
// 1. redis-benchmark with explicit commands (ZADD, ZRANGE 0 9, ZRANK, LPUSH,
//    LPOP, SADD, SPOP, HSET, HGET; random members from __rand_int__) at each
//    pipeline depth: ops/s of each server, median of three runs, and the ratio.
// 2. Big values: ZADD of N members (1,000,000 by default), then ZRANK, ZRANGE
//    by rank (10 members), ZSCORE and ZREM of random members; SADD of N
//    members, then SRANDMEMBER and SPOP. Sent over one connection in pipelined
//    batches, so the figure is the server's cost per operation at that size:
//    if a rank lookup walked the value it would show as a few ops/s, not tens
//    of thousands.
//
// Usage: node dist/bench/datatypes.js [--requests N] [--clients C]
//          [--pipelines 1,16] [--tests zadd,zrank,...] [--size 1000000]
//          [--ops 100000] [--parts throughput,big]
// (env: BENCH_REQUESTS, BENCH_CLIENTS, BENCH_PIPELINES, BENCH_TESTS, BENCH_SIZE,
// BENCH_OPS, BENCH_PARTS). Reports only; exit 1 only when something crashed.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RespConnection } from '../conformance/differential/connection.js';
import type { Reply } from '../conformance/differential/resp.js';
import * as bench from './harness.js';
import type { BenchResult, Pair } from './harness.js';

/** The member space of __rand_int__ (-r). */
const KEYSPACE = 100_000;

interface DataTest {
  name: string;
  label: string;
  work: string[];
  /** Fills the key before each run, so a pop test never meets an empty value (count = the run's requests). */
  fill?: (conn: RespConnection, count: number) => Promise<void>;
  /** Prepared once per server before the test's runs. */
  prepare?: (conn: RespConnection) => Promise<void>;
}

/** Sends commands in pipelined batches of `batch`; throws on the first error reply. */
async function sendAll(conn: RespConnection, commands: string[][], batch = 1000): Promise<void> {
  for (let i = 0; i < commands.length; i += batch) {
    const replies = await conn.pipeline(commands.slice(i, i + batch));
    const failed = replies.find((r) => r.type === 'error');
    if (failed) throw new Error(`${commands[i][0]}: ${(failed as Extract<Reply, { type: 'error' }>).value}`);
  }
}

/** `count` elements for a variadic command, `per` to a command: [cmd, key, ...chunk]. */
function chunked(head: string[], count: number, per: number, element: (i: number) => string[]): string[][] {
  const out: string[][] = [];
  for (let start = 0; start < count; start += per) {
    const args = [...head];
    for (let i = start; i < Math.min(count, start + per); i++) args.push(...element(i));
    out.push(args);
  }
  return out;
}

/** A member as redis-benchmark spells __rand_int__ (12 digits, zero-padded), so lookups of prepared values hit. */
function randMember(prefix: string, i: number): string {
  return prefix + String(i).padStart(12, '0');
}

const TESTS: DataTest[] = [
  { name: 'zadd', label: 'ZADD', work: ['ZADD', 'bench:zadd', '__rand_int__', 'm:__rand_int__'] },
  {
    name: 'zrange',
    label: 'ZRANGE 0 9',
    work: ['ZRANGE', 'bench:z', '0', '9'],
    prepare: (conn) => sendAll(conn, [['DEL', 'bench:z'], ...chunked(['ZADD', 'bench:z'], KEYSPACE, 1000, (i) => [String(i), randMember('m:', i)])]),
  },
  {
    name: 'zrank',
    label: 'ZRANK',
    work: ['ZRANK', 'bench:z', 'm:__rand_int__'],
    prepare: (conn) => sendAll(conn, [['DEL', 'bench:z'], ...chunked(['ZADD', 'bench:z'], KEYSPACE, 1000, (i) => [String(i), randMember('m:', i)])]),
  },
  { name: 'lpush', label: 'LPUSH', work: ['LPUSH', 'bench:lpush', 'xyz'] },
  {
    name: 'lpop',
    label: 'LPOP',
    work: ['LPOP', 'bench:l'],
    fill: (conn, count) => sendAll(conn, [['DEL', 'bench:l'], ...chunked(['RPUSH', 'bench:l'], count, 1000, () => ['xyz'])], 50),
  },
  { name: 'sadd', label: 'SADD', work: ['SADD', 'bench:sadd', 'm:__rand_int__'] },
  {
    name: 'spop',
    label: 'SPOP',
    work: ['SPOP', 'bench:s'],
    fill: (conn, count) => sendAll(conn, [['DEL', 'bench:s'], ...chunked(['SADD', 'bench:s'], count, 1000, (i) => [`m:${i}`])], 50),
  },
  { name: 'hset', label: 'HSET', work: ['HSET', 'bench:h', 'f:__rand_int__', 'xyz'] },
  {
    name: 'hget',
    label: 'HGET',
    work: ['HGET', 'bench:h', 'f:__rand_int__'],
    prepare: (conn) => sendAll(conn, [['DEL', 'bench:h'], ...chunked(['HSET', 'bench:h'], KEYSPACE, 1000, (i) => [randMember('f:', i), 'xyz'])]),
  },
];

interface Options {
  requests: number;
  clients: number;
  pipelines: number[];
  tests: DataTest[];
  size: number;
  ops: number;
  parts: string[];
}

function readOptions(): Options {
  const flag = bench.flagReader();
  const names = (flag('tests', 't') ?? TESTS.map((t) => t.name).join(',')).split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  const tests = names.map((name) => {
    const test = TESTS.find((t) => t.name === name);
    if (!test) throw new Error(`unknown test '${name}' (known: ${TESTS.map((t) => t.name).join(', ')})`);
    return test;
  });
  return {
    requests: bench.positive(flag('requests', 'n'), 100000, 'requests'),
    clients: bench.positive(flag('clients', 'c'), 50, 'clients'),
    pipelines: (flag('pipelines', 'P') ?? '1,16').split(',').map((p) => bench.positive(p.trim(), 1, 'pipeline')),
    tests,
    size: bench.positive(flag('size'), 1_000_000, 'size'),
    ops: bench.positive(flag('ops'), 100_000, 'ops'),
    parts: (flag('parts') ?? 'throughput,big').split(',').map((p) => p.trim()),
  };
}

async function withConnection<T>(port: number, run: (conn: RespConnection) => Promise<T>): Promise<T> {
  const conn = await RespConnection.open('127.0.0.1', port, 600_000);
  try {
    return await run(conn);
  } finally {
    conn.close();
  }
}

interface ThroughputRow {
  label: string;
  pipeline: number;
  redis: BenchResult;
  embedis: BenchResult;
}

const THROUGHPUT_HEAD = ['command', 'pipeline', 'redis ops/s', 'embedis ops/s', 'ratio'];

function throughputCells(r: ThroughputRow): string[] {
  return [r.label, String(r.pipeline), bench.formatRate(r.redis.rps), bench.formatRate(r.embedis.rps), bench.formatRatio(r.embedis.rps, r.redis.rps)];
}

async function throughput(pair: Pair, options: Options): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  const random = ['-r', String(KEYSPACE)];
  console.log(`redis-benchmark -n ${options.requests} (x pipeline, at most x10) -c ${options.clients} -r ${KEYSPACE}, pipelines ${options.pipelines.join(',')}`);
  // Warm-up: every test once at each depth on embedis, results discarded.
  process.stdout.write('warming up embedis ...');
  for (const test of options.tests) {
    await withConnection(pair.embedis.port, async (conn) => {
      await test.prepare?.(conn);
      await test.fill?.(conn, 20_000);
    });
    await bench.runBenchmark(pair.embedis.port, { requests: 20_000, clients: options.clients, pipeline: 16, work: [...random, ...test.work] });
  }
  process.stdout.write(' done\n');
  for (const pipeline of options.pipelines) {
    for (const test of options.tests) {
      for (const server of [pair.redis, pair.embedis]) await withConnection(server.port, async (conn) => test.prepare?.(conn));
      const requests = options.requests * Math.min(pipeline, 10);
      const fill = test.fill;
      const before = fill ? (port: number) => withConnection(port, (conn) => fill(conn, requests)) : undefined;
      const result = await bench.compare(pair, { requests: options.requests, clients: options.clients, pipeline, work: [...random, ...test.work] }, before);
      const row: ThroughputRow = { label: test.label, pipeline, ...result };
      rows.push(row);
      bench.reportRow(pair.notes, `${test.label} -P ${pipeline}`, row.redis, row.embedis);
      if (pair.embedis.exited() || pair.redis.exited()) return rows;
    }
  }
  return rows;
}

/** A reproducible stream of member indexes (a 32-bit LCG), the same for both servers. */
function indexes(count: number, size: number, seed: number): number[] {
  let state = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out.push(state % size);
  }
  return out;
}

interface BigRow {
  label: string;
  redis: number | null;
  embedis: number | null;
}

/** ops/s of sending these commands in batches of 1000 (one connection, pipelined). */
async function timed(conn: RespConnection, commands: string[][], countAs = commands.length): Promise<number> {
  const started = process.hrtime.bigint();
  await sendAll(conn, commands, 1000);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return countAs / seconds;
}

/** The big-value steps on one server: each entry is [label, ops/s]. */
async function bigSteps(port: number, size: number, ops: number): Promise<Array<[string, number]>> {
  return withConnection(port, async (conn) => {
    const out: Array<[string, number]> = [];
    const member = (i: number) => `member:${i}`;
    await sendAll(conn, [['DEL', 'big:z', 'big:s']]);
    // Scores shuffled against insertion order, so the skiplist is not built in order.
    const scores = indexes(size, 1_000_000_007, 7);
    out.push([`ZADD ${size.toLocaleString('en-US')} members (100 per command), members/s`, await timed(conn, chunked(['ZADD', 'big:z'], size, 100, (i) => [String(scores[i]), member(i)]), size)]);
    const picks = indexes(ops, size, 11);
    out.push(['ZRANK (random member)', await timed(conn, picks.map((i) => ['ZRANK', 'big:z', member(i)]))]);
    out.push(['ZRANGE r r+9 (random rank)', await timed(conn, picks.map((i) => ['ZRANGE', 'big:z', String(i), String(i + 9)]))]);
    out.push(['ZSCORE (random member)', await timed(conn, picks.map((i) => ['ZSCORE', 'big:z', member(i)]))]);
    const distinct = [...new Set(picks)];
    out.push(['ZREM (random member)', await timed(conn, distinct.map((i) => ['ZREM', 'big:z', member(i)]))]);
    out.push([`SADD ${size.toLocaleString('en-US')} members (100 per command), members/s`, await timed(conn, chunked(['SADD', 'big:s'], size, 100, (i) => [member(i)]), size)]);
    out.push(['SRANDMEMBER', await timed(conn, picks.map(() => ['SRANDMEMBER', 'big:s']))]);
    out.push(['SRANDMEMBER 10', await timed(conn, picks.map(() => ['SRANDMEMBER', 'big:s', '10']))]);
    out.push(['SPOP', await timed(conn, picks.map(() => ['SPOP', 'big:s']))]);
    await sendAll(conn, [['DEL', 'big:z', 'big:s']]);
    return out;
  });
}

async function big(pair: Pair, options: Options): Promise<BigRow[]> {
  console.log(`big values: ${options.size.toLocaleString('en-US')} members, ${options.ops.toLocaleString('en-US')} operations per step, pipelined by 1000 on one connection`);
  const rows: BigRow[] = [];
  const [redis, embedis] = [await bigSteps(pair.redis.port, options.size, options.ops), await bigSteps(pair.embedis.port, options.size, options.ops)];
  for (let i = 0; i < redis.length; i++) {
    const row = { label: redis[i][0], redis: redis[i][1], embedis: embedis[i]?.[1] ?? null };
    rows.push(row);
    console.log(`  ${row.label.padEnd(52)} redis ${bench.formatRate(row.redis).padStart(10)}  embedis ${bench.formatRate(row.embedis).padStart(10)}  ratio ${bench.formatRatio(row.embedis, row.redis)}`);
  }
  return rows;
}

const BIG_HEAD = ['operation', 'redis ops/s', 'embedis ops/s', 'ratio', 'embedis µs/op'];

function bigCells(r: BigRow): string[] {
  const micros = r.embedis === null ? '-' : (1e6 / r.embedis).toFixed(1);
  return [r.label, bench.formatRate(r.redis), bench.formatRate(r.embedis), bench.formatRatio(r.embedis, r.redis), micros];
}

async function main(): Promise<number> {
  const options = readOptions();
  const pair = await bench.startPair();
  if (pair === null) return 1;
  console.log(`embedis (node ${process.version}) on :${pair.embedis.port}, redis-server ${pair.redisVersion} on :${pair.redis.port}`);
  let rows: ThroughputRow[] = [];
  let bigRows: BigRow[] = [];
  let crashed = false;
  try {
    if (options.parts.includes('throughput')) rows = await throughput(pair, options);
    if (options.parts.includes('big') && !pair.embedis.exited() && !pair.redis.exited()) bigRows = await big(pair, options);
  } catch (error) {
    crashed = true;
    pair.notes.push(`aborted: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const server of [pair.embedis, pair.redis]) {
    if (server.exited()) {
      crashed = true;
      pair.notes.push(`${server.name} exited. Last output:\n${server.log()}`);
    }
  }

  console.log('');
  if (rows.length) console.log(bench.textTable(THROUGHPUT_HEAD, rows.map(throughputCells)) + '\n');
  if (bigRows.length) console.log(bench.textTable(BIG_HEAD, bigRows.map(bigCells)) + '\n');
  console.log('ratio = embedis ops/s / redis ops/s (higher is better for embedis)');
  for (const note of pair.notes) console.log(`note: ${note}`);

  const markdown = [
    '# Data types: embedis vs redis-server',
    '',
    bench.machineLine(pair.redisVersion),
    '',
    ...(rows.length
      ? [
          '## Throughput',
          '',
          `\`redis-benchmark -r ${KEYSPACE} -n ${options.requests} (times the pipeline depth, at most x10) -c ${options.clients} -P <pipeline> <command>\`, ` +
            'three runs alternating servers, median kept. ZRANGE/ZRANK/HGET read a value of 100,000 members; LPOP/SPOP are refilled before each run with as many elements as the run pops.',
          '',
          bench.markdownTable(THROUGHPUT_HEAD, rows.map(throughputCells)),
          '',
        ]
      : []),
    ...(bigRows.length
      ? [
          `## One value of ${options.size.toLocaleString('en-US')} members`,
          '',
          `${options.ops.toLocaleString('en-US')} operations per step on random members, pipelined 1000 at a time over one connection.`,
          '',
          bench.markdownTable(BIG_HEAD, bigRows.map(bigCells)),
          '',
        ]
      : []),
    ...(pair.notes.length ? ['Notes:', '', ...pair.notes.map((n) => `- ${n.replace(/\n/g, ' ')}`), ''] : []),
  ].join('\n');
  mkdirSync(bench.resultsDir, { recursive: true });
  writeFileSync(join(bench.resultsDir, 'datatypes.md'), markdown);
  console.log(`written ${join(bench.resultsDir, 'datatypes.md')}`);
  await pair.stop();
  return crashed ? 1 : 0;
}

bench.runMain(main);
