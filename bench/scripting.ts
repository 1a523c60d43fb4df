// Lua scripting speed against real Redis: a 5-call script (GET, INCR, EXPIRE,
// HSET, ZADD) loaded with SCRIPT LOAD and run by EVALSHA through
// redis-benchmark, on embedis and redis-server side by side. Also a script
// of 100 redis.call in a loop, to show the cost of one call. It reports; it
// never fails on speed.
//
// Usage: node dist/bench/scripting.js [--requests N] [--clients C] [--pipelines 1,16]

import { compare, commandOutput, flagReader, formatRate, formatRatio, positive, runBenchmark, runMain, startPair, textTable } from './harness.js';

const FIVE_CALLS = [
  "local v = redis.call('GET', KEYS[1])",
  "local n = redis.call('INCR', KEYS[1])",
  "redis.call('EXPIRE', KEYS[1], 60)",
  "redis.call('HSET', KEYS[2], 'f', n)",
  "return redis.call('ZADD', KEYS[3], n, ARGV[1])",
].join('\n');

const HUNDRED_CALLS = "for i = 1, 100 do redis.call('INCR', KEYS[1]) end return redis.call('GET', KEYS[1])";

async function load(port: number, script: string): Promise<string> {
  return commandOutput('redis-cli', ['-p', String(port), 'SCRIPT', 'LOAD', script]);
}

async function main(): Promise<number> {
  const flag = flagReader();
  const requests = positive(flag('requests', 'n'), 50000, 'requests');
  const clients = positive(flag('clients', 'c'), 50, 'clients');
  const pipelines = (flag('pipelines', 'P') ?? '1,16').split(',').map((p) => positive(p.trim(), 1, 'pipeline'));
  const pair = await startPair();
  if (pair === null) return 1;
  const rows: string[][] = [];
  try {
    const five = await load(pair.embedis.port, FIVE_CALLS);
    const hundred = await load(pair.embedis.port, HUNDRED_CALLS);
    if (five !== (await load(pair.redis.port, FIVE_CALLS)) || hundred !== (await load(pair.redis.port, HUNDRED_CALLS))) {
      console.log('SCRIPT LOAD gave different sha1s on the two servers');
      return 1;
    }
    const tests: Array<[string, string[], number]> = [
      ['EVALSHA 5 calls', ['-r', '10000', 'EVALSHA', five, '3', 'k:__rand_int__', 'h:__rand_int__', 'z:__rand_int__', 'm:__rand_int__'], 5],
      ['EVALSHA 100 calls', ['-r', '10000', 'EVALSHA', hundred, '1', 'c:__rand_int__'], 101],
    ];
    console.log(`embedis on :${pair.embedis.port}, redis-server ${pair.redisVersion} on :${pair.redis.port}; -n ${requests} -c ${clients}`);
    for (const [label, work, callsPerScript] of tests) {
      await runBenchmark(pair.embedis.port, { requests: Math.max(5000, requests / 5), clients, pipeline: 1, work }); // warm-up
      for (const pipeline of pipelines) {
        const scaledRequests = label.includes('100') ? Math.max(1000, Math.floor(requests / 10)) : requests;
        const { redis, embedis } = await compare(pair, { requests: scaledRequests, clients, pipeline, work });
        const calls = (r: number | null) => (r === null ? null : r * callsPerScript);
        rows.push([label, String(pipeline), formatRate(redis.rps), formatRate(embedis.rps), formatRate(calls(embedis.rps)), formatRatio(embedis.rps, redis.rps)]);
        console.log(`  ${label} -P ${pipeline}: redis ${formatRate(redis.rps)} embedis ${formatRate(embedis.rps)} ratio ${formatRatio(embedis.rps, redis.rps)}${embedis.error ? ` (embedis: ${embedis.error})` : ''}${redis.error ? ` (redis: ${redis.error})` : ''}`);
      }
    }
  } finally {
    await pair.stop();
  }
  console.log('');
  console.log(textTable(['test', 'pipeline', 'redis scripts/s', 'embedis scripts/s', 'embedis redis.call/s', 'ratio'], rows));
  console.log('ratio = embedis / redis (higher is better for embedis)');
  return 0;
}

runMain(main);
