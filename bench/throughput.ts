// Throughput against real Redis: starts embedis (its CLI, as its own process)
// and redis-server side by side, runs redis-benchmark against each in turn,
// and prints ops/s and the ratio embedis/redis per test and pipeline depth.
// It reports; it never fails on speed (exit 1 only when something crashed).
//
// Usage: node dist/bench/throughput.js [--requests N] [--clients C]
//          [--tests get,set,incr,mset] [--pipelines 1,16] [--warmup N]
// or the same through env: BENCH_REQUESTS, BENCH_CLIENTS, BENCH_TESTS,
// BENCH_PIPELINES, BENCH_WARMUP.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compare,
  flagReader,
  formatRate,
  formatRatio,
  machineLine,
  markdownTable,
  positive,
  reportRow,
  resultsDir,
  runBenchmark,
  runMain,
  startPair,
  textTable,
  type BenchResult,
} from './harness.js';

interface Options {
  requests: number;
  clients: number;
  tests: string[];
  pipelines: number[];
  warmup: number;
}

function readOptions(): Options {
  const flag = flagReader();
  const requests = positive(flag('requests', 'n'), 100000, 'requests');
  return {
    requests,
    clients: positive(flag('clients', 'c'), 50, 'clients'),
    tests: (flag('tests', 't') ?? 'get,set,incr,mset').split(',').map((t) => t.trim().toLowerCase()).filter(Boolean),
    pipelines: (flag('pipelines', 'P') ?? '1,16').split(',').map((p) => positive(p.trim(), 1, 'pipeline')),
    warmup: positive(flag('warmup'), Math.max(20000, Math.min(requests, 100000)), 'warmup'),
  };
}

const TEST_LABELS: Record<string, string> = { get: 'GET', set: 'SET', incr: 'INCR', mset: 'MSET (10 keys)' };

interface Row {
  test: string;
  pipeline: number;
  redis: BenchResult;
  embedis: BenchResult;
}

const HEAD = ['test', 'pipeline', 'redis ops/s', 'embedis ops/s', 'ratio'];

function cells(r: Row): string[] {
  return [TEST_LABELS[r.test] ?? r.test, String(r.pipeline), formatRate(r.redis.rps), formatRate(r.embedis.rps), formatRatio(r.embedis.rps, r.redis.rps)];
}

async function main(): Promise<number> {
  const options = readOptions();
  const pair = await startPair();
  if (pair === null) return 1;
  const { embedis, redis, notes } = pair;

  console.log(`embedis (node ${process.version}) on :${embedis.port}, redis-server ${pair.redisVersion} on :${redis.port}`);
  console.log(`redis-benchmark -n ${options.requests} -c ${options.clients}, tests ${options.tests.join(',')}, pipelines ${options.pipelines.join(',')}`);

  // Warm up embedis so V8 has compiled the hot paths before anything is measured.
  process.stdout.write(`warming up embedis (${options.warmup} requests per test) ...`);
  for (const test of options.tests) {
    for (const pipeline of options.pipelines) {
      await runBenchmark(embedis.port, { requests: options.warmup * pipeline, clients: options.clients, pipeline, work: ['-t', test] });
    }
  }
  process.stdout.write(' done\n');

  const rows: Row[] = [];
  let crashed = false;
  for (const pipeline of options.pipelines) {
    for (const test of options.tests) {
      const result = await compare(pair, { requests: options.requests, clients: options.clients, pipeline, work: ['-t', test] });
      const row: Row = { test, pipeline, ...result };
      rows.push(row);
      const label = `${TEST_LABELS[test] ?? test} -P ${pipeline}`;
      reportRow(notes, label, row.redis, row.embedis);
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
  console.log(textTable(HEAD, rows.map(cells)));
  console.log('ratio = embedis ops/s / redis ops/s (higher is better for embedis)');
  for (const note of notes) console.log(`note: ${note}`);

  const markdown = [
    '# Throughput: embedis vs redis-server',
    '',
    machineLine(pair.redisVersion),
    '',
    `\`redis-benchmark -t <test> -n ${options.requests} (times the pipeline depth, at most x10) -c ${options.clients} -P <pipeline>\`, three runs alternating servers, median kept, ` +
      `embedis warmed up first with ${options.warmup} requests per test. Ratio = embedis / redis.`,
    '',
    markdownTable(HEAD, rows.map(cells)),
    '',
    ...(notes.length ? ['Notes:', '', ...notes.map((n) => `- ${n.replace(/\n/g, ' ')}`), ''] : []),
  ].join('\n');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'throughput.md'), markdown);
  console.log(`written ${join(resultsDir, 'throughput.md')}`);

  await pair.stop();
  return crashed ? 1 : 0;
}

runMain(main);
