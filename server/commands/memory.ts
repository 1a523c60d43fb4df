// MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP: the memory
// accounting of server/eviction seen from a client.

import { lower, str } from '../bytes.js';
import type { Client } from '../client.js';
import { Errors, ReplyError } from '../errors.js';
import { parseInteger } from './arguments.js';
import { datasetMemory, peakMemory, STARTUP_MEMORY, CLIENT_MEMORY, usedMemory } from '../eviction/index.js';
import { mapBytes } from '../eviction/accounting.js';
import type { CommandDef } from './types.js';

const HELP = [
  'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
  'HELP',
  '    Prints this help.',
];

const EMPTY_DOCTOR =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.";
const HEALTHY_DOCTOR = 'Hi Sam, I can\'t find any memory issue in your instance. I can only account for what occurs on this base.';

/** MEMORY USAGE: our estimate is exact for the structure (kept current), so SAMPLES only gets validated. */
function memoryUsage(client: Client, argv: Buffer[]): void {
  for (let i = 3; i < argv.length; i++) {
    if (lower(argv[i]) === 'samples' && i + 1 < argv.length) {
      const samples = parseInteger(argv[i + 1]);
      if (samples < 0) throw new ReplyError(Errors.syntax);
      i++;
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  // As Redis: a plain dictionary find (no expiry check, no hit/miss, no LRU touch).
  const entry = client.db.peek(str(argv[2]));
  if (entry === undefined) {
    client.reply.nullBulk();
    return;
  }
  client.reply.integer(entry.size);
}

function memoryStats(client: Client): void {
  const server = client.server;
  const reply = client.reply;
  const used = usedMemory(server);
  const peak = peakMemory(server);
  const usage = process.memoryUsage();
  const clientsNormal = server.clients.size * CLIENT_MEMORY;
  const populated = server.dbs.filter((db) => db.size > 0);
  let keys = 0;
  let hashOverhead = 0;
  for (const db of populated) {
    keys += db.size;
    hashOverhead += mapBytes(db.size) + mapBytes(db.expiresCount);
  }
  const overhead = STARTUP_MEMORY + clientsNormal + hashOverhead;
  const dataset = Math.max(0, used - overhead);
  const netUsed = used - STARTUP_MEMORY;
  const rss = usage.rss;
  reply.map(27 + populated.length);
  const int = (name: string, n: number): void => {
    reply.bulk(name);
    reply.integer(Math.round(n));
  };
  const dbl = (name: string, d: number): void => {
    reply.bulk(name);
    reply.double(d);
  };
  int('peak.allocated', peak);
  int('total.allocated', used);
  int('startup.allocated', STARTUP_MEMORY);
  int('replication.backlog', 0);
  int('clients.slaves', 0);
  int('clients.normal', clientsNormal);
  int('cluster.links', 0);
  int('aof.buffer', 0);
  int('lua.caches', 0);
  int('functions.caches', 0);
  for (const db of populated) {
    reply.bulk(`db.${db.id}`);
    reply.map(3);
    int('overhead.hashtable.main', mapBytes(db.size));
    int('overhead.hashtable.expires', db.expiresCount === 0 ? 0 : mapBytes(db.expiresCount));
    int('overhead.hashtable.slot-to-keys', 0);
  }
  int('overhead.total', overhead);
  int('keys.count', keys);
  int('keys.bytes-per-key', keys === 0 ? 0 : Math.floor(netUsed / keys));
  int('dataset.bytes', dataset);
  dbl('dataset.percentage', netUsed <= 0 ? 0 : (dataset * 100) / netUsed);
  dbl('peak.percentage', peak === 0 ? 0 : (used * 100) / peak);
  int('allocator.allocated', usage.heapUsed);
  int('allocator.active', usage.heapTotal);
  int('allocator.resident', rss);
  dbl('allocator-fragmentation.ratio', usage.heapUsed === 0 ? 0 : usage.heapTotal / usage.heapUsed);
  int('allocator-fragmentation.bytes', usage.heapTotal - usage.heapUsed);
  dbl('allocator-rss.ratio', usage.heapTotal === 0 ? 0 : rss / usage.heapTotal);
  int('allocator-rss.bytes', rss - usage.heapTotal);
  dbl('rss-overhead.ratio', 1);
  int('rss-overhead.bytes', 0);
  dbl('fragmentation', used === 0 ? 0 : rss / used);
  int('fragmentation.bytes', rss - used);
}

/** MEMORY DOCTOR: Redis's report, from our figures (empty below 5 MB, as Redis). */
function memoryDoctor(client: Client): void {
  const server = client.server;
  const dataset = datasetMemory(server);
  if (usedMemory(server) < 5 * 1024 * 1024) {
    client.reply.verbatim(EMPTY_DOCTOR);
    return;
  }
  const issues: string[] = [];
  const peak = peakMemory(server);
  const used = usedMemory(server);
  if (peak / used > 1.5) {
    issues.push(
      ' * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.',
    );
  }
  const clients = server.clients.size * CLIENT_MEMORY;
  if (server.clients.size > 0 && clients / server.clients.size > 1024 * 200) {
    issues.push(' * Big client buffers: The clients output buffers are in general big.');
  }
  void dataset;
  if (issues.length === 0) {
    client.reply.verbatim(HEALTHY_DOCTOR);
    return;
  }
  client.reply.verbatim(
    `Sam, I detected a few issues in this Redis instance memory implants:\n\n${issues.join('\n\n')}\n\nI'm here to keep you safe, Sam. I want to help you.\n`,
  );
}

export const memoryCommands: CommandDef[] = [
  {
    name: 'memory',
    arity: -2,
    flags: [],
    keys: null,
    categories: ['slow'],
    summary: 'A container for memory diagnostics commands',
    since: '4.0.0',
    group: 'server',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'doctor',
        arity: 2,
        flags: [],
        keys: null,
        categories: ['slow'],
        summary: 'Outputs memory problems report',
        since: '4.0.0',
        group: 'server',
        complexity: 'O(1)',
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
        handler: (client) => memoryDoctor(client),
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        keys: null,
        categories: ['slow'],
        summary: 'Show helpful text about the different subcommands',
        since: '4.0.0',
        group: 'server',
        complexity: 'O(1)',
        handler(client) {
          client.reply.array(HELP.length);
          for (const line of HELP) client.reply.simple(line);
        },
      },
      {
        name: 'malloc-stats',
        arity: 2,
        flags: [],
        keys: null,
        categories: ['slow'],
        summary: 'Show allocator internal stats',
        since: '4.0.0',
        group: 'server',
        complexity: 'Depends on how much memory is allocated, could be slow',
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
        handler(client) {
          client.reply.verbatim('Stats not supported for the current allocator');
        },
      },
      {
        name: 'purge',
        arity: 2,
        flags: [],
        keys: null,
        categories: ['slow'],
        summary: 'Ask the allocator to release memory',
        since: '4.0.0',
        group: 'server',
        complexity: 'Depends on how much memory is allocated, could be slow',
        tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
        handler(client) {
          (globalThis as { gc?: () => void }).gc?.();
          client.reply.ok();
        },
      },
      {
        name: 'stats',
        arity: 2,
        flags: [],
        keys: null,
        categories: ['slow'],
        summary: 'Show memory usage details',
        since: '4.0.0',
        group: 'server',
        complexity: 'O(1)',
        tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
        handler: (client) => memoryStats(client),
      },
      {
        name: 'usage',
        arity: -3,
        flags: ['readonly'],
        keys: { first: 2, last: 2, step: 1 },
        categories: ['read', 'slow'],
        summary: 'Estimate the memory usage of a key',
        since: '4.0.0',
        group: 'server',
        complexity: 'O(N) where N is the number of samples.',
        handler: memoryUsage,
      },
    ],
  },
];
