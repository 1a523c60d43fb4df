// The text of INFO: Redis 7.0.15's sections and field names, in Redis's order.
// Each section is "# Title\r\n" followed by "field:value\r\n" lines; sections
// are separated by one empty line.

import { performance } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import type { Server } from './server.js';
import { REDIS_VERSION } from './commands/connection.js';
import { aofInfoFields } from './persistence/aof-server.js';
import { rdbInfoFields } from './persistence/snapshot.js';
import { usedMemory as accountedMemory, datasetMemory, STARTUP_MEMORY } from './eviction/index.js';
import { trackingStats } from './tracking.js';
import { scriptingInfo } from './scripting/stats.js';
import { PerServer } from './per-server.js';

/** Sections in the order Redis prints them, with their titles. */
const SECTIONS: ReadonlyArray<readonly [string, string]> = [
  ['server', 'Server'],
  ['clients', 'Clients'],
  ['memory', 'Memory'],
  ['persistence', 'Persistence'],
  ['stats', 'Stats'],
  ['replication', 'Replication'],
  ['cpu', 'CPU'],
  ['modules', 'Modules'],
  ['commandstats', 'Commandstats'],
  ['errorstats', 'Errorstats'],
  ['latencystats', 'Latencystats'],
  ['cluster', 'Cluster'],
  ['keyspace', 'Keyspace'],
];

const DEFAULT_SECTIONS = new Set([
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'errorstats',
  'cluster',
  'keyspace',
]);

/**
 * Which sections a list of INFO arguments asks for (lowercased by the
 * caller). No arguments means "default"; "all" and "everything" name every
 * section; unknown names select nothing.
 */
export function selectSections(args: readonly string[]): Set<string> {
  const wanted = new Set<string>();
  const names = args.length === 0 ? ['default'] : args;
  for (const name of names) {
    if (name === 'all' || name === 'everything') {
      for (const [section] of SECTIONS) wanted.add(section);
    } else if (name === 'default') {
      for (const section of DEFAULT_SECTIONS) wanted.add(section);
    } else if (name === 'module_list') {
      wanted.add('modules');
    } else {
      wanted.add(name);
    }
  }
  return wanted;
}

/** The whole INFO reply text for the given lowercase section arguments. */
export function infoText(server: Server, args: readonly string[]): string {
  const wanted = selectSections(args);
  ensureSampler(server);
  let out = '';
  let count = 0;
  for (const [section, title] of SECTIONS) {
    if (!wanted.has(section)) continue;
    if (count++ > 0) out += '\r\n';
    out += `# ${title}\r\n`;
    for (const [field, value] of sectionFields(server, section)) out += `${field}:${value}\r\n`;
  }
  return out;
}

type Fields = Array<[string, string | number]>;

function sectionFields(server: Server, section: string): Fields {
  switch (section) {
    case 'server':
      return serverSection(server);
    case 'clients':
      return clientsSection(server);
    case 'memory':
      return memorySection(server);
    case 'persistence':
      return persistenceSection(server);
    case 'stats':
      return statsSection(server);
    case 'replication':
      return replicationSection(server);
    case 'cpu':
      return cpuSection();
    case 'commandstats':
      return commandstatsSection(server);
    case 'errorstats':
      return errorstatsSection(server);
    case 'cluster':
      return [['cluster_enabled', 0]];
    case 'keyspace':
      return keyspaceSection(server);
    default:
      return [];
  }
}

// ---- server -----------------------------------------------------------------

const BUILD_ID = '0000000000000000';
const osName = `${os.type()} ${os.release()} ${os.machine?.() ?? process.arch}`;

function serverSection(server: Server): Fields {
  const now = server.clock.now();
  const uptime = Math.max(0, Math.floor((now - server.startedAt) / 1000));
  const configFile = server.config.filePath ?? '';
  return [
    ['redis_version', REDIS_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', BUILD_ID],
    ['redis_mode', 'standalone'],
    ['os', osName],
    ['arch_bits', process.arch.endsWith('64') ? 64 : 32],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', 'epoll'],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', server.runId],
    ['tcp_port', server.boundPort || server.config.int('port')],
    ['server_time_usec', server.clock.nowMicros().toString()],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', server.config.int('hz')],
    ['configured_hz', server.config.int('hz')],
    ['lru_clock', Math.floor(now / 1000) & 0xffffff],
    ['executable', executablePath()],
    ['config_file', configFile],
    ['io_threads_active', 0],
  ];
}

function executablePath(): string {
  const script = process.argv[1];
  return script ? path.resolve(script) : process.execPath;
}

// ---- clients ----------------------------------------------------------------

/** The largest pending output among connected clients (Redis samples it over recent cron runs). */
function recentMaxOutputBuffer(server: Server): number {
  let max = 0;
  for (const client of server.clients.values()) max = Math.max(max, client.outputMemory);
  return max;
}

function clientsSection(server: Server): Fields {
  let blocked = 0;
  for (const client of server.clients.values()) if (client.blocked) blocked++;
  return [
    ['connected_clients', server.clients.size],
    ['cluster_connections', 0],
    ['maxclients', server.config.int('maxclients')],
    ['client_recent_max_input_buffer', 0],
    ['client_recent_max_output_buffer', recentMaxOutputBuffer(server)],
    ['blocked_clients', blocked],
    ['tracking_clients', trackingStats(server).clients],
    ['clients_in_timeout_table', 0],
  ];
}

// ---- memory -----------------------------------------------------------------

/** Bytes the dataset uses, as INFO and maxmemory see it. One place to replace with real accounting. */
export function usedMemory(server: Server): number {
  return accountedMemory(server);
}

const peakMemory = new WeakMap<Server, number>();

/** Records and returns the peak of usedMemory (Redis updates it in its cron and on INFO). */
export function peakUsedMemory(server: Server, used = usedMemory(server)): number {
  const peak = Math.max(peakMemory.get(server) ?? 0, used);
  peakMemory.set(server, peak);
  return peak;
}

function memorySection(server: Server): Fields {
  const used = usedMemory(server);
  const peak = peakUsedMemory(server, used);
  const usage = process.memoryUsage();
  const rss = usage.rss;
  // The accounting of server/eviction: a fixed startup figure, the clients, the dataset's entries.
  const startup = STARTUP_MEMORY;
  const dataset = datasetMemory(server);
  const overhead = used - dataset;
  const netUsed = used - startup;
  const maxmemory = server.config.int('maxmemory');
  const totalSystem = os.totalmem();
  const fragBytes = rss - used;
  const lua = scriptingInfo(server);
  return [
    ['used_memory', used],
    ['used_memory_human', bytesToHuman(used)],
    ['used_memory_rss', rss],
    ['used_memory_rss_human', bytesToHuman(rss)],
    ['used_memory_peak', peak],
    ['used_memory_peak_human', bytesToHuman(peak)],
    ['used_memory_peak_perc', `${fixed2(peak === 0 ? 0 : (used * 100) / peak)}%`],
    ['used_memory_overhead', overhead],
    ['used_memory_startup', startup],
    ['used_memory_dataset', dataset],
    ['used_memory_dataset_perc', `${fixed2(netUsed <= 0 ? 0 : (dataset * 100) / netUsed)}%`],
    ['allocator_allocated', usage.heapUsed],
    ['allocator_active', usage.heapTotal],
    ['allocator_resident', rss],
    ['total_system_memory', totalSystem],
    ['total_system_memory_human', bytesToHuman(totalSystem)],
    ['used_memory_lua', lua.vmBytes],
    ['used_memory_vm_eval', lua.vmBytes],
    ['used_memory_lua_human', bytesToHuman(lua.vmBytes)],
    ['used_memory_scripts_eval', lua.scriptsEvalBytes],
    ['number_of_cached_scripts', lua.cachedScripts],
    ['number_of_functions', lua.functions],
    ['number_of_libraries', lua.libraries],
    ['used_memory_vm_functions', 0],
    ['used_memory_vm_total', lua.vmBytes],
    ['used_memory_vm_total_human', bytesToHuman(lua.vmBytes)],
    ['used_memory_functions', lua.functionsBytes],
    ['used_memory_scripts', lua.scriptsEvalBytes + lua.functionsBytes],
    ['used_memory_scripts_human', bytesToHuman(lua.scriptsEvalBytes + lua.functionsBytes)],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', server.config.string('maxmemory-policy')],
    ['allocator_frag_ratio', fixed2(usage.heapUsed === 0 ? 0 : usage.heapTotal / usage.heapUsed)],
    ['allocator_frag_bytes', usage.heapTotal - usage.heapUsed],
    ['allocator_rss_ratio', fixed2(usage.heapTotal === 0 ? 0 : rss / usage.heapTotal)],
    ['allocator_rss_bytes', rss - usage.heapTotal],
    ['rss_overhead_ratio', fixed2(1)],
    ['rss_overhead_bytes', 0],
    ['mem_fragmentation_ratio', fixed2(used === 0 ? 0 : rss / used)],
    ['mem_fragmentation_bytes', fragBytes],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', 0],
    ['mem_clients_slaves', 0],
    ['mem_clients_normal', 0],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', 'libc'],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ];
}

/**
 * Redis's bytesToHuman: "123B", "1.23K", "945.00K", "1.32M", "23.54G" …
 * with two decimals rounded as C's printf rounds (exact ties to even).
 */
export function bytesToHuman(n: number): string {
  const value = BigInt(Math.trunc(n));
  if (value < 0n) return `-${bytesToHuman(-n)}`;
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (value < 1024n) return `${value}B`;
  let divisor = 1024n;
  for (const unit of units) {
    if (value < divisor * 1024n) return `${dividedFixed2(value, divisor)}${unit}`;
    divisor *= 1024n;
  }
  return `${value}B`;
}

/** value / divisor with two decimals, rounding an exact half to even as glibc does. */
function dividedFixed2(value: bigint, divisor: bigint): string {
  const scaled = value * 100n;
  let q = scaled / divisor;
  const r = scaled % divisor;
  if (r * 2n > divisor || (r * 2n === divisor && q % 2n === 1n)) q += 1n;
  const whole = q / 100n;
  const frac = q % 100n;
  return `${whole}.${frac.toString().padStart(2, '0')}`;
}

/** printf("%.2f", d) for the ratios and percentages (exact ties are vanishingly rare here). */
function fixed2(d: number): string {
  return Number.isFinite(d) ? d.toFixed(2) : d > 0 ? 'inf' : d < 0 ? '-inf' : 'nan';
}

// ---- persistence ------------------------------------------------------------

/**
 * Unix seconds of the last successful save (LASTSAVE, rdb_last_save_time): the
 * server's start until persistence exists; it may set `server.lastSave`.
 */
export function lastSaveTime(server: Server): number {
  return rdbInfoFields(server).lastSaveTime;
}

function persistenceSection(server: Server): Fields {
  const rdb = rdbInfoFields(server);
  const aof = aofInfoFields(server);
  return [
    ['loading', 0],
    ['async_loading', 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'],
    ['current_save_keys_processed', 0],
    ['current_save_keys_total', 0],
    ['rdb_changes_since_last_save', rdb.changesSinceLastSave],
    ['rdb_bgsave_in_progress', rdb.bgsaveInProgress],
    ['rdb_last_save_time', rdb.lastSaveTime],
    ['rdb_last_bgsave_status', rdb.lastBgsaveStatus],
    ['rdb_last_bgsave_time_sec', rdb.lastBgsaveTimeSec],
    ['rdb_current_bgsave_time_sec', rdb.currentBgsaveTimeSec],
    ['rdb_saves', rdb.saves],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', rdb.lastLoadKeysExpired],
    ['rdb_last_load_keys_loaded', rdb.lastLoadKeysLoaded],
    ...aof.head,
    ['aof_last_cow_size', 0],
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
    ...aof.tail,
  ];
}

// ---- stats ------------------------------------------------------------------

/** Instantaneous metrics: Redis samples every 100 ms and averages the last 16 samples. */
const SAMPLES = 16;
const SAMPLE_PERIOD_MS = 100;

interface Metric {
  lastTime: number;
  lastValue: number;
  samples: number[];
  index: number;
}

class Sampler {
  readonly ops = newMetric();
  readonly input = newMetric();
  readonly output = newMetric();
  private lastRun = 0;

  constructor(private readonly server: Server) {
    this.sample();
  }

  tick(): void {
    if (performance.now() - this.lastRun < SAMPLE_PERIOD_MS) return;
    this.sample();
    peakUsedMemory(this.server);
  }

  private sample(): void {
    const now = performance.now();
    this.lastRun = now;
    const stats = this.server.stats;
    track(this.ops, now, stats.totalCommands);
    track(this.input, now, stats.netInputBytes);
    track(this.output, now, stats.netOutputBytes);
  }
}

function newMetric(): Metric {
  return { lastTime: -1, lastValue: 0, samples: new Array<number>(SAMPLES).fill(0), index: 0 };
}

function track(metric: Metric, now: number, value: number): void {
  if (metric.lastTime >= 0) {
    const elapsed = now - metric.lastTime;
    // A stats reset makes the counter go backwards: count from zero.
    const delta = value >= metric.lastValue ? value - metric.lastValue : value;
    metric.samples[metric.index] = elapsed > 0 ? (delta * 1000) / elapsed : 0;
    metric.index = (metric.index + 1) % SAMPLES;
  }
  metric.lastTime = now;
  metric.lastValue = value;
}

function average(metric: Metric): number {
  let sum = 0;
  for (const s of metric.samples) sum += s;
  return sum / SAMPLES;
}

const samplers = new PerServer((server) => {
  const sampler = new Sampler(server);
  server.cronTasks.push(() => sampler.tick());
  return sampler;
});

/** Starts sampling the instantaneous rates on the server's cron (once per server). */
export function ensureSampler(server: Server): Sampler {
  return samplers.of(server);
}

function statsSection(server: Server): Fields {
  const s = server.stats;
  const sampler = ensureSampler(server);
  let pubsubChannels = 0;
  let pubsubPatterns = 0;
  let pubsubShardChannels = 0;
  const pubsub = (server as { pubsubCounts?: () => { channels: number; patterns: number; shardChannels?: number } }).pubsubCounts;
  if (typeof pubsub === 'function') {
    const counts = pubsub.call(server);
    pubsubChannels = counts.channels;
    pubsubPatterns = counts.patterns;
    pubsubShardChannels = counts.shardChannels ?? 0;
  }
  return [
    ['total_connections_received', s.totalConnections],
    ['total_commands_processed', s.totalCommands],
    ['instantaneous_ops_per_sec', Math.round(average(sampler.ops))],
    ['total_net_input_bytes', s.netInputBytes],
    ['total_net_output_bytes', s.netOutputBytes],
    ['total_net_repl_input_bytes', 0],
    ['total_net_repl_output_bytes', 0],
    ['instantaneous_input_kbps', fixed2(average(sampler.input) / 1024)],
    ['instantaneous_output_kbps', fixed2(average(sampler.output) / 1024)],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', s.rejectedConnections],
    ['sync_full', 0],
    ['sync_partial_ok', 0],
    ['sync_partial_err', 0],
    ['expired_keys', s.expiredKeys],
    ['expired_stale_perc', fixed2(s.expiredStalePercent)],
    ['expired_time_cap_reached_count', 0],
    ['expire_cycle_cpu_milliseconds', Math.floor(s.expireCycleCpuMillis)],
    ['evicted_keys', s.evictedKeys],
    ['evicted_clients', 0],
    ['total_eviction_exceeded_time', 0],
    ['current_eviction_exceeded_time', 0],
    ['keyspace_hits', s.keyspaceHits],
    ['keyspace_misses', s.keyspaceMisses],
    ['pubsub_channels', pubsubChannels],
    ['pubsub_patterns', pubsubPatterns],
    ['pubsubshard_channels', pubsubShardChannels],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', 0],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', trackingStats(server).keys],
    ['tracking_total_items', trackingStats(server).items],
    ['tracking_total_prefixes', trackingStats(server).prefixes],
    ['unexpected_error_replies', 0],
    ['total_error_replies', s.errorReplies],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', 0],
    ['total_writes_processed', 0],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
  ];
}

// ---- replication ------------------------------------------------------------

const replIds = new WeakMap<Server, string>();

/** The master replication id (CHANGE-REPL-ID replaces it). */
export function masterReplId(server: Server): string {
  let id = replIds.get(server);
  if (id === undefined) {
    id = randomHex(40);
    replIds.set(server, id);
  }
  return id;
}

export function changeReplId(server: Server): void {
  replIds.set(server, randomHex(40));
}

function replicationSection(server: Server): Fields {
  return [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', masterReplId(server)],
    ['master_replid2', '0'.repeat(40)],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', 1048576],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ];
}

function randomHex(length: number): string {
  let s = '';
  while (s.length < length) s += Math.random().toString(16).slice(2);
  return s.slice(0, length);
}

// ---- cpu --------------------------------------------------------------------

function cpuSection(): Fields {
  const usage = process.cpuUsage();
  const sys = (usage.system / 1e6).toFixed(6);
  const user = (usage.user / 1e6).toFixed(6);
  return [
    ['used_cpu_sys', sys],
    ['used_cpu_user', user],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', sys],
    ['used_cpu_user_main_thread', user],
  ];
}

// ---- commandstats / errorstats ------------------------------------------------

function commandstatsSection(server: Server): Fields {
  const fields: Fields = [];
  for (const command of server.commands.all()) {
    if (command.calls === 0 && command.rejectedCalls === 0 && command.failedCalls === 0) continue;
    const perCall = command.calls === 0 ? 0 : command.usec / command.calls;
    fields.push([
      `cmdstat_${command.fullName}`,
      `calls=${command.calls},usec=${command.usec},usec_per_call=${fixed2(perCall)},rejected_calls=${command.rejectedCalls},failed_calls=${command.failedCalls}`,
    ]);
  }
  return fields;
}

function errorstatsSection(server: Server): Fields {
  const fields: Fields = [];
  // Redis keeps error codes in a radix tree: they come out sorted.
  const codes = [...server.errorCounts.keys()].sort();
  for (const code of codes) fields.push([`errorstat_${code}`, `count=${server.errorCounts.get(code)}`]);
  return fields;
}

// ---- keyspace ---------------------------------------------------------------

const AVG_TTL_SAMPLE = 1000;

function keyspaceSection(server: Server): Fields {
  const fields: Fields = [];
  const now = server.clock.now();
  for (const db of server.dbs) {
    const keys = db.size;
    if (keys === 0) continue;
    fields.push([`db${db.id}`, `keys=${keys},expires=${db.expiresCount},avg_ttl=${averageTtl(db.expiring, now)}`]);
  }
  return fields;
}

/** Mean remaining TTL in ms of volatile keys (exact for small sets, sampled for large ones). */
function averageTtl(expiring: ReadonlyArray<{ expireAt: number }>, now: number): number {
  const n = expiring.length;
  if (n === 0) return 0;
  let sum = 0;
  let counted = 0;
  if (n <= AVG_TTL_SAMPLE) {
    for (const entry of expiring) {
      const ttl = entry.expireAt - now;
      if (ttl > 0) {
        sum += ttl;
        counted++;
      }
    }
  } else {
    for (let i = 0; i < AVG_TTL_SAMPLE; i++) {
      const ttl = expiring[(Math.random() * n) | 0].expireAt - now;
      if (ttl > 0) {
        sum += ttl;
        counted++;
      }
    }
  }
  return counted === 0 ? 0 : Math.round(sum / counted);
}
