// One table of directives, shared by the CLI, redis.conf files, CONFIG GET/SET
// and CONFIG REWRITE. It holds every parameter Redis 7.0 knows (and its
// aliases), with Redis's types, bounds, defaults and error texts, so that a
// knob that changes nothing here is still accepted, validated, stored and
// printed back exactly as Redis would.
//
// Values are kept parsed (numbers, booleans, canonical strings) for the code
// that reads them, beside the text CONFIG GET prints. Numbers are 64-bit in
// Redis: they are parsed and bounds-checked as bigint, and the printed text
// stays exact even where a JS number cannot hold the value.

import { globMatch } from './glob.js';

export { globMatch };

export type DirectiveType =
  | 'bool'
  | 'int'
  | 'memory'
  | 'percent'
  | 'octal'
  | 'string'
  | 'enum'
  | 'flags'
  | 'special';

/** The C integer type Redis stores a numeric directive in: it decides how bounds are checked. */
type NumericKind = 'int' | 'uint' | 'long' | 'ulong' | 'll' | 'ull' | 'size_t' | 'ssize_t' | 'time_t' | 'off_t';

export type ConfigValue = string | number | boolean;

interface Parsed {
  value: ConfigValue;
  /** What CONFIG GET prints. */
  text: string;
}

interface ParseContext {
  /** Current value's text, for directives that merge (client-output-buffer-limit). */
  current: string;
}

export interface DirectiveDef {
  name: string;
  aliases?: readonly string[];
  type: DirectiveType;
  /** Default as Redis prints it in CONFIG GET. */
  default: string;
  /** False: only at start-up (CONFIG SET answers "can't set immutable config"). */
  mutable: boolean;
  /** CONFIG SET refused unless enable-protected-configs allows it (dir, dbfilename). */
  protected?: boolean;
  /** Not listed by CONFIG GET patterns, only by exact name. */
  hidden?: boolean;
  /** A secret: redact it from logs, SLOWLOG and MONITOR. */
  sensitive?: boolean;
  /** Takes several arguments (save, bind, client-output-buffer-limit …): CONFIG SET splits its value on spaces. */
  multiArg?: boolean;
  /** Strings only: the empty string means "unset" (CONFIG REWRITE then drops the directive). */
  nullable?: boolean;
  min?: bigint;
  max?: bigint;
  numeric?: NumericKind;
  /** enum / flags: accepted names (several names may share a value id). */
  values?: readonly string[];
  /** Custom validation or parsing; the default is chosen by type. */
  parse?: (args: string[], ctx: ParseContext) => Parsed;
  /** Turns the parsed value into the one kept (hz is capped, as Redis does). */
  normalize?: (parsed: Parsed) => Parsed;
  /** CONFIG SET only, as Redis's apply functions: may adjust the value or refuse it (ConfigError). */
  apply?: (parsed: Parsed) => Parsed;
}

export class ConfigError extends Error {}

/** A failed CONFIG SET: `message` is the whole reply text after "ERR ". */
export class ConfigSetError extends ConfigError {}

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const UINT_MAX = 4294967295n;
const LONG_MAX = 9223372036854775807n;
const LLONG_MAX = LONG_MAX;
const ULLONG_MAX = 18446744073709551615n;
const TWO64 = 1n << 64n;

// ---- directive constructors -------------------------------------------------

interface Options {
  alias?: string;
  immutable?: boolean;
  protected?: boolean;
  hidden?: boolean;
  sensitive?: boolean;
  nullable?: boolean;
  parse?: (args: string[], ctx: ParseContext) => Parsed;
  normalize?: (parsed: Parsed) => Parsed;
  apply?: (parsed: Parsed) => Parsed;
}

function common(name: string, type: DirectiveType, def: string, o: Options): DirectiveDef {
  const d: DirectiveDef = { name, type, default: def, mutable: !o.immutable };
  if (o.alias) d.aliases = [o.alias];
  if (o.protected) d.protected = true;
  if (o.hidden) d.hidden = true;
  if (o.sensitive) d.sensitive = true;
  if (o.nullable) d.nullable = true;
  if (o.parse) d.parse = o.parse;
  if (o.normalize) d.normalize = o.normalize;
  if (o.apply) d.apply = o.apply;
  return d;
}

function bool(name: string, def: 'yes' | 'no', o: Options = {}): DirectiveDef {
  return common(name, 'bool', def, o);
}

function str(name: string, def: string, o: Options = {}): DirectiveDef {
  return common(name, 'string', def, o);
}

function enumOf(name: string, def: string, values: readonly string[], o: Options = {}): DirectiveDef {
  return { ...common(name, 'enum', def, o), values };
}

function flagsOf(name: string, def: string, values: readonly string[], o: Options = {}): DirectiveDef {
  return { ...common(name, 'flags', def, o), values, multiArg: true };
}

function num(
  name: string,
  def: string,
  kind: NumericKind,
  min: bigint,
  max: bigint,
  type: 'int' | 'memory' | 'percent' | 'octal' = 'int',
  o: Options = {},
): DirectiveDef {
  return { ...common(name, type, def, o), numeric: kind, min, max };
}

function special(name: string, def: string, parse: (args: string[], ctx: ParseContext) => Parsed, o: Options & { multi?: boolean } = {}): DirectiveDef {
  const d = common(name, 'special', def, { ...o, parse });
  if (o.multi) d.multiArg = true;
  return d;
}

// ---- validators --------------------------------------------------------------

function one(args: string[]): string {
  if (args.length !== 1) throw new ConfigError('wrong number of arguments');
  return args[0];
}

function baseName(what: string, kind: string, emptyAllowed: boolean) {
  return (args: string[]): Parsed => {
    const v = one(args);
    if (!emptyAllowed && v === '') throw new ConfigError(`${what} can't be empty`);
    if (v.includes('/') || v.includes('\\')) throw new ConfigError(`${what} can't be a path, just a ${kind}`);
    return { value: v, text: v };
  };
}

function hostname(args: string[]): Parsed {
  const v = one(args);
  if (v.length >= 256) throw new ConfigError('Hostnames must be less than 256 characters');
  if (!/^[A-Za-z0-9.-]*$/.test(v)) throw new ConfigError('Hostnames may only contain alphanumeric characters, hyphens or dots');
  return { value: v, text: v };
}

const PROC_TITLE_VARS = new Set(['title', 'listen-addr', 'server-mode', 'port', 'tls-port', 'unixsocket', 'config-file']);

function procTitleTemplate(args: string[]): Parsed {
  const v = one(args);
  let out = '';
  let ok = true;
  for (let i = 0; i < v.length && ok; i++) {
    const c = v[i];
    if (c === '{') {
      if (v[i + 1] === '{') {
        out += '{';
        i++;
        continue;
      }
      const end = v.indexOf('}', i + 1);
      if (end < 0 || !PROC_TITLE_VARS.has(v.slice(i + 1, end))) ok = false;
      else {
        out += v.slice(i + 1, end) === 'title' ? '' : 'x';
        i = end;
      }
    } else if (c === '}' && v[i + 1] === '}') {
      out += '}';
      i++;
    } else {
      out += c;
    }
  }
  if (!ok || out.trim() === '') throw new ConfigError('template format is invalid or contains unknown variables');
  return { value: v, text: v };
}

function activeDefrag(args: string[]): Parsed {
  const parsed = parseBool(one(args));
  if (parsed.value === true) {
    throw new ConfigError(
      'Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution',
    );
  }
  return parsed;
}

/** Redis caps hz to 1..500 when it applies it (CONFIG GET then shows the capped value). */
function capHz(p: Parsed): Parsed {
  const n = Math.min(500, Math.max(1, p.value as number));
  return { value: n, text: String(n) };
}

/** embedis has no TLS: turning it on fails the way Redis fails without certificates. */
function noTls(p: Parsed): Parsed {
  if (p.value !== 0 && p.value !== false) throw new ConfigError('Unable to update TLS configuration. Check server logs.');
  return p;
}

/** Redis grows a too small replication backlog to 16kb when CONFIG SET applies it. */
function backlogMinimum(p: Parsed): Parsed {
  return (p.value as number) < 16384 ? { value: 16384, text: '16384' } : p;
}

// ---- special directives ------------------------------------------------------

function parseSave(args: string[]): Parsed {
  if (args.length === 1 && args[0] === '') args = [];
  if (args.length % 2 !== 0) throw new ConfigError('Invalid save parameters');
  const nums: bigint[] = [];
  for (let j = 0; j < args.length; j++) {
    const n = strtoll(args[j]);
    if (n === null || (j % 2 === 0 && n < 1n) || (j % 2 === 1 && n < 0n)) throw new ConfigError('Invalid save parameters');
    // Seconds are a time_t, changes an int: Redis truncates the same way.
    nums.push(j % 2 === 0 ? n : BigInt.asIntN(32, n));
  }
  const text = nums.map(String).join(' ');
  return { value: text, text };
}

/** The (seconds, changes) pairs of a `save` value. */
export function saveParams(text: string): Array<{ seconds: number; changes: number }> {
  const parts = text.split(' ').filter(Boolean).map(Number);
  const out: Array<{ seconds: number; changes: number }> = [];
  for (let i = 0; i + 1 < parts.length; i += 2) out.push({ seconds: parts[i], changes: parts[i + 1] });
  return out;
}

const OBUF_CLASSES = ['normal', 'slave', 'pubsub'] as const;

export interface OutputBufferLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

/** client-output-buffer-limit as numbers, by class (normal, replica, pubsub). */
export function outputBufferLimits(text: string): Record<'normal' | 'replica' | 'pubsub', OutputBufferLimit> {
  const p = text.split(' ');
  const at = (i: number): OutputBufferLimit => ({ hard: Number(p[i + 1]), soft: Number(p[i + 2]), softSeconds: Number(p[i + 3]) });
  return { normal: at(0), replica: at(4), pubsub: at(8) };
}

function clientClass(name: string): number {
  const n = name.toLowerCase();
  if (n === 'normal') return 0;
  if (n === 'slave' || n === 'replica') return 1;
  if (n === 'pubsub') return 2;
  return -1; // 'master' is a class for Redis but not a valid one here
}

function parseClientOutputBufferLimit(args: string[], ctx: ParseContext): Parsed {
  if (args.length % 4 !== 0) throw new ConfigError('Wrong number of arguments in buffer limit configuration.');
  const current = ctx.current.split(' ');
  const values: string[][] = [0, 1, 2].map((c) => current.slice(c * 4 + 1, c * 4 + 4));
  const updates = new Map<number, string[]>();
  for (let j = 0; j < args.length; j += 4) {
    const cls = clientClass(args[j]);
    if (cls < 0) throw new ConfigError('Invalid client class specified in buffer limit configuration.');
    const hard = memtoull(args[j + 1]);
    const soft = memtoull(args[j + 2]);
    const parsedSeconds = strtollPrefix(args[j + 3]);
    const seconds = parsedSeconds === null ? null : BigInt.asIntN(32, parsedSeconds);
    if (hard === null || soft === null || seconds === null || seconds < 0n) {
      throw new ConfigError('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
    }
    updates.set(cls, [String(hard), String(soft), String(seconds)]);
  }
  for (const [cls, v] of updates) values[cls] = v;
  const text = OBUF_CLASSES.map((name, i) => `${name} ${values[i].join(' ')}`).join(' ');
  return { value: text, text };
}

function parseOomScoreAdjValues(args: string[]): Parsed {
  if (args.length !== 3) throw new ConfigError('wrong number of arguments');
  const out: bigint[] = [];
  for (const a of args) {
    const n = strtollPrefix(a);
    if (n === null || n < -2000n || n > 2000n) {
      throw new ConfigError('Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
    }
    out.push(n);
  }
  const text = out.join(' ');
  return { value: text, text };
}

// notify-keyspace-events: the classes covered by 'A', in the order Redis prints them.
const KEYSPACE_ALL = 'g$lshzxetd';

/** Canonical form of a notify-keyspace-events flag string, or null for an invalid character. */
export function normalizeKeyspaceEvents(flags: string): string | null {
  const set = new Set<string>();
  for (const c of flags) {
    if (c === 'A') for (const a of KEYSPACE_ALL) set.add(a);
    else if ('g$lshzxeKEtmdn'.includes(c)) set.add(c);
    else return null;
  }
  let out = '';
  if ([...KEYSPACE_ALL].every((c) => set.has(c))) out = 'A';
  else {
    for (const c of KEYSPACE_ALL) if (set.has(c)) out += c;
    if (set.has('n')) out += 'n';
  }
  if (set.has('K')) out += 'K';
  if (set.has('E')) out += 'E';
  if (set.has('m')) out += 'm';
  return out;
}

function parseNotifyKeyspaceEvents(args: string[]): Parsed {
  const v = one(args);
  const text = normalizeKeyspaceEvents(v);
  if (text === null) throw new ConfigError("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  return { value: text, text };
}

function parseBind(args: string[]): Parsed {
  if (args.length > 16) throw new ConfigError('Too many bind addresses specified.');
  if (args.length === 1 && args[0] === '') args = [];
  const text = args.join(' ');
  return { value: text, text };
}

function parseReplicaOf(args: string[]): Parsed {
  if (args.length !== 2) throw new ConfigError('wrong number of arguments');
  if (args[0].toLowerCase() === 'no' && args[1].toLowerCase() === 'one') return { value: '', text: '' };
  const port = strtollPrefix(args[1]);
  if (port === null || port < 0n || port > 65535n) throw new ConfigError('Invalid master port');
  const text = `${args[0]} ${port}`;
  return { value: text, text };
}

function parsePercentiles(args: string[]): Parsed {
  if (args.length === 1 && args[0] === '') args = [];
  const out: string[] = [];
  for (const a of args) {
    const d = string2d(a);
    if (d === null) throw new ConfigError('Invalid latency-tracking-info-percentiles parameters');
    if (d > 100 || d < 0) throw new ConfigError('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
    out.push(trimDouble(d.toFixed(6)));
  }
  const text = out.join(' ');
  return { value: text, text };
}

function parseDir(args: string[]): Parsed {
  const v = one(args);
  return { value: v, text: v };
}

// ---- the table ---------------------------------------------------------------

const MAXMEMORY_POLICIES = ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'];
const PROTECTED_ACTION = ['no', 'yes', 'local'];
const SHUTDOWN_FLAGS = ['default', 'save', 'nosave', 'now', 'force'];
const IMM = { immutable: true };

const directives: DirectiveDef[] = [
  // booleans
  bool('rdbchecksum', 'yes', IMM),
  bool('daemonize', 'no', IMM),
  bool('io-threads-do-reads', 'no', IMM),
  bool('always-show-logo', 'no', IMM),
  bool('protected-mode', 'yes'),
  bool('rdbcompression', 'yes'),
  bool('rdb-del-sync-files', 'no'),
  bool('activerehashing', 'yes'),
  bool('stop-writes-on-bgsave-error', 'yes'),
  bool('set-proc-title', 'yes', IMM),
  bool('dynamic-hz', 'yes'),
  bool('lazyfree-lazy-eviction', 'no'),
  bool('lazyfree-lazy-expire', 'no'),
  bool('lazyfree-lazy-server-del', 'no'),
  bool('lazyfree-lazy-user-del', 'no'),
  bool('lazyfree-lazy-user-flush', 'no'),
  bool('repl-disable-tcp-nodelay', 'no'),
  bool('repl-diskless-sync', 'yes'),
  bool('aof-rewrite-incremental-fsync', 'yes'),
  bool('no-appendfsync-on-rewrite', 'no'),
  bool('cluster-require-full-coverage', 'yes'),
  bool('rdb-save-incremental-fsync', 'yes'),
  bool('aof-load-truncated', 'yes'),
  bool('aof-use-rdb-preamble', 'yes'),
  bool('aof-timestamp-enabled', 'no'),
  bool('cluster-replica-no-failover', 'no', { alias: 'cluster-slave-no-failover' }),
  bool('replica-lazy-flush', 'no', { alias: 'slave-lazy-flush' }),
  bool('replica-serve-stale-data', 'yes', { alias: 'slave-serve-stale-data' }),
  bool('replica-read-only', 'yes', { alias: 'slave-read-only' }),
  bool('replica-ignore-maxmemory', 'yes', { alias: 'slave-ignore-maxmemory' }),
  bool('jemalloc-bg-thread', 'yes'),
  bool('activedefrag', 'no', { parse: activeDefrag }),
  bool('syslog-enabled', 'no', IMM),
  bool('cluster-enabled', 'no', IMM),
  bool('appendonly', 'no'),
  bool('cluster-allow-reads-when-down', 'no'),
  bool('cluster-allow-pubsubshard-when-down', 'yes'),
  bool('crash-log-enabled', 'yes'),
  bool('crash-memcheck-enabled', 'yes'),
  bool('use-exit-on-panic', 'no', { hidden: true }),
  bool('disable-thp', 'yes', IMM),
  bool('cluster-allow-replica-migration', 'yes'),
  bool('replica-announced', 'yes'),
  bool('latency-tracking', 'yes'),
  bool('aof-disable-auto-gc', 'no'),
  bool('replica-ignore-disk-write-errors', 'no'),

  // strings
  str('aclfile', '', IMM),
  str('unixsocket', '', { immutable: true, nullable: true }),
  str('pidfile', '', { immutable: true, nullable: true }),
  str('replica-announce-ip', '', { alias: 'slave-announce-ip', nullable: true }),
  str('masteruser', '', { sensitive: true, nullable: true }),
  str('cluster-announce-ip', '', { nullable: true }),
  str('cluster-config-file', 'nodes.conf', IMM),
  str('cluster-announce-hostname', '', { nullable: true, parse: hostname }),
  str('syslog-ident', 'redis', IMM),
  str('dbfilename', 'dump.rdb', { protected: true, parse: baseName('dbfilename', 'filename', true) }),
  str('appendfilename', 'appendonly.aof', { immutable: true, parse: baseName('appendfilename', 'filename', false) }),
  str('appenddirname', 'appendonlydir', { immutable: true, parse: baseName('appenddirname', 'dirname', false) }),
  str('server_cpulist', '', { immutable: true, nullable: true }),
  str('bio_cpulist', '', { immutable: true, nullable: true }),
  str('aof_rewrite_cpulist', '', { immutable: true, nullable: true }),
  str('bgsave_cpulist', '', { immutable: true, nullable: true }),
  str('ignore-warnings', ''),
  str('proc-title-template', '{title} {listen-addr} {server-mode}', { parse: procTitleTemplate }),
  str('bind-source-addr', '', { nullable: true }),
  str('logfile', '', IMM),
  str('masterauth', '', { sensitive: true, nullable: true }),
  str('requirepass', '', { sensitive: true, nullable: true }),
  str('tls-cert-file', '', { nullable: true }),
  str('tls-key-file', '', { nullable: true }),
  str('tls-key-file-pass', '', { nullable: true }),
  str('tls-client-cert-file', '', { nullable: true }),
  str('tls-client-key-file', '', { nullable: true }),
  str('tls-client-key-file-pass', '', { nullable: true }),
  str('tls-dh-params-file', '', { nullable: true }),
  str('tls-ca-cert-file', '', { nullable: true }),
  str('tls-ca-cert-dir', '', { nullable: true }),
  str('tls-protocols', '', { nullable: true }),
  str('tls-ciphers', '', { nullable: true }),
  str('tls-ciphersuites', '', { nullable: true }),

  // enums
  enumOf('supervised', 'no', ['upstart', 'systemd', 'auto', 'no'], IMM),
  enumOf('syslog-facility', 'local0', ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'], IMM),
  enumOf('repl-diskless-load', 'disabled', ['disabled', 'on-empty-db', 'swapdb']),
  enumOf('loglevel', 'notice', ['debug', 'verbose', 'notice', 'warning']),
  enumOf('maxmemory-policy', 'noeviction', MAXMEMORY_POLICIES),
  enumOf('appendfsync', 'everysec', ['everysec', 'always', 'no']),
  // 'relative' is another name of 'yes': CONFIG GET prints 'yes' for it.
  enumOf('oom-score-adj', 'no', ['no', 'yes', 'relative=yes', 'absolute']),
  enumOf('acl-pubsub-default', 'resetchannels', ['allchannels', 'resetchannels']),
  enumOf('sanitize-dump-payload', 'no', ['no', 'yes', 'clients']),
  enumOf('enable-protected-configs', 'no', PROTECTED_ACTION, IMM),
  enumOf('enable-debug-command', 'no', PROTECTED_ACTION, IMM),
  enumOf('enable-module-command', 'no', PROTECTED_ACTION, IMM),
  enumOf('cluster-preferred-endpoint-type', 'ip', ['ip', 'hostname', 'unknown-endpoint']),
  enumOf('propagation-error-behavior', 'ignore', ['ignore', 'panic', 'panic-on-replicas']),
  enumOf('tls-auth-clients', 'yes', ['no', 'yes', 'optional']),
  flagsOf('shutdown-on-sigint', 'default', SHUTDOWN_FLAGS),
  flagsOf('shutdown-on-sigterm', 'default', SHUTDOWN_FLAGS),

  // integers
  num('databases', '16', 'int', 1n, INT_MAX, 'int', IMM),
  num('port', '6379', 'int', 0n, 65535n),
  num('io-threads', '1', 'int', 1n, 128n, 'int', IMM),
  num('auto-aof-rewrite-percentage', '100', 'int', 0n, INT_MAX),
  num('cluster-replica-validity-factor', '10', 'int', 0n, INT_MAX, 'int', { alias: 'cluster-slave-validity-factor' }),
  num('list-max-listpack-size', '-2', 'int', INT_MIN, INT_MAX, 'int', { alias: 'list-max-ziplist-size' }),
  num('tcp-keepalive', '300', 'int', 0n, INT_MAX),
  num('cluster-migration-barrier', '1', 'int', 0n, INT_MAX),
  num('active-defrag-cycle-min', '1', 'int', 1n, 99n),
  num('active-defrag-cycle-max', '25', 'int', 1n, 99n),
  num('active-defrag-threshold-lower', '10', 'int', 0n, 1000n),
  num('active-defrag-threshold-upper', '100', 'int', 0n, 1000n),
  num('lfu-log-factor', '10', 'int', 0n, INT_MAX),
  num('lfu-decay-time', '1', 'int', 0n, INT_MAX),
  num('replica-priority', '100', 'int', 0n, INT_MAX, 'int', { alias: 'slave-priority' }),
  num('repl-diskless-sync-delay', '5', 'int', 0n, INT_MAX),
  num('maxmemory-samples', '5', 'int', 1n, INT_MAX),
  num('maxmemory-eviction-tenacity', '10', 'int', 0n, 100n),
  num('timeout', '0', 'int', 0n, INT_MAX),
  num('replica-announce-port', '0', 'int', 0n, 65535n, 'int', { alias: 'slave-announce-port' }),
  num('tcp-backlog', '511', 'int', 0n, INT_MAX, 'int', IMM),
  num('cluster-port', '0', 'int', 0n, 65535n, 'int', IMM),
  num('cluster-announce-bus-port', '0', 'int', 0n, 65535n),
  num('cluster-announce-port', '0', 'int', 0n, 65535n),
  num('cluster-announce-tls-port', '0', 'int', 0n, 65535n),
  num('repl-timeout', '60', 'int', 1n, INT_MAX),
  num('repl-ping-replica-period', '10', 'int', 1n, INT_MAX, 'int', { alias: 'repl-ping-slave-period' }),
  num('list-compress-depth', '0', 'int', 0n, INT_MAX),
  num('rdb-key-save-delay', '0', 'int', INT_MIN, INT_MAX, 'int', { hidden: true }),
  num('key-load-delay', '0', 'int', INT_MIN, INT_MAX, 'int', { hidden: true }),
  num('active-expire-effort', '1', 'int', 1n, 10n),
  num('hz', '10', 'int', 0n, INT_MAX, 'int', { normalize: capHz }),
  num('min-replicas-to-write', '0', 'int', 0n, INT_MAX, 'int', { alias: 'min-slaves-to-write' }),
  num('min-replicas-max-lag', '10', 'int', 0n, INT_MAX, 'int', { alias: 'min-slaves-max-lag' }),
  num('watchdog-period', '0', 'int', 0n, INT_MAX, 'int', { hidden: true }),
  num('shutdown-timeout', '10', 'int', 0n, INT_MAX),
  num('repl-diskless-sync-max-replicas', '0', 'int', 0n, INT_MAX),
  num('maxclients', '10000', 'uint', 1n, UINT_MAX),
  num('unixsocketperm', '0', 'uint', 0n, 0o777n, 'octal', IMM),
  num('socket-mark-id', '0', 'uint', 0n, UINT_MAX, 'int', IMM),
  num('active-defrag-max-scan-fields', '1000', 'ulong', 1n, LONG_MAX),
  num('slowlog-max-len', '128', 'ulong', 0n, LONG_MAX),
  num('acllog-max-len', '128', 'ulong', 0n, LONG_MAX),
  num('busy-reply-threshold', '5000', 'll', 0n, LONG_MAX, 'int', { alias: 'lua-time-limit' }),
  num('cluster-node-timeout', '15000', 'll', 0n, LLONG_MAX),
  num('slowlog-log-slower-than', '10000', 'll', -1n, LLONG_MAX),
  num('latency-monitor-threshold', '0', 'll', 0n, LLONG_MAX),
  num('proto-max-bulk-len', '536870912', 'll', 1024n * 1024n, LONG_MAX, 'memory'),
  num('stream-node-max-entries', '100', 'll', 0n, LLONG_MAX),
  num('repl-backlog-size', '1048576', 'll', 1n, LLONG_MAX, 'memory', { apply: backlogMinimum }),
  num('maxmemory', '0', 'ull', 0n, ULLONG_MAX, 'memory'),
  num('cluster-link-sendbuf-limit', '0', 'ull', 0n, ULLONG_MAX, 'memory'),
  num('hash-max-listpack-entries', '512', 'size_t', 0n, LONG_MAX, 'int', { alias: 'hash-max-ziplist-entries' }),
  num('set-max-intset-entries', '512', 'size_t', 0n, LONG_MAX),
  num('zset-max-listpack-entries', '128', 'size_t', 0n, LONG_MAX, 'int', { alias: 'zset-max-ziplist-entries' }),
  num('active-defrag-ignore-bytes', '104857600', 'size_t', 1n, LLONG_MAX, 'memory'),
  num('hash-max-listpack-value', '64', 'size_t', 0n, LONG_MAX, 'memory', { alias: 'hash-max-ziplist-value' }),
  num('stream-node-max-bytes', '4096', 'size_t', 0n, LONG_MAX, 'memory'),
  num('zset-max-listpack-value', '64', 'size_t', 0n, LONG_MAX, 'memory', { alias: 'zset-max-ziplist-value' }),
  num('hll-sparse-max-bytes', '3000', 'size_t', 0n, LONG_MAX, 'memory'),
  num('tracking-table-max-keys', '1000000', 'size_t', 0n, LONG_MAX),
  num('client-query-buffer-limit', '1073741824', 'size_t', 1024n * 1024n, LONG_MAX, 'memory'),
  num('maxmemory-clients', '0', 'ssize_t', -100n, LLONG_MAX, 'percent'),
  num('repl-backlog-ttl', '3600', 'time_t', 0n, LONG_MAX),
  num('auto-aof-rewrite-min-size', '67108864', 'off_t', 0n, LLONG_MAX, 'memory'),
  num('loading-process-events-interval-bytes', '2097152', 'off_t', 1024n, INT_MAX, 'int', { hidden: true }),
  num('tls-port', '0', 'int', 0n, 65535n, 'int', { apply: noTls }),
  num('tls-session-cache-size', '20480', 'int', 0n, INT_MAX),
  num('tls-session-cache-timeout', '300', 'int', 0n, INT_MAX),
  bool('tls-cluster', 'no', { apply: noTls }),
  bool('tls-replication', 'no', { apply: noTls }),
  bool('tls-prefer-server-ciphers', 'no'),
  bool('tls-session-caching', 'yes'),

  // special
  // embedis binds loopback by default (Redis's compiled-in default is "* -::*",
  // its shipped redis.conf says "127.0.0.1 -::1"): a dev server stays private.
  special('bind', '127.0.0.1 -::1', parseBind, { multi: true }),
  special('dir', '', parseDir, { protected: true }),
  special('save', '3600 1 300 100 60 10000', parseSave, { multi: true }),
  special('client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60', parseClientOutputBufferLimit, { multi: true }),
  special('oom-score-adj-values', '0 200 800', parseOomScoreAdjValues, { multi: true }),
  special('notify-keyspace-events', '', parseNotifyKeyspaceEvents),
  special('replicaof', '', parseReplicaOf, { multi: true, immutable: true, alias: 'slaveof' }),
  special('latency-tracking-info-percentiles', '50 99 99.9', parsePercentiles, { multi: true }),
];

/** Directives a redis.conf may hold that are not parameters: accepted and ignored (Redis 7.0 deprecated them). */
export const DEPRECATED_DIRECTIVES = new Set(['list-max-ziplist-entries', 'list-max-ziplist-value', 'lua-replicate-commands']);

export function directiveTable(): readonly DirectiveDef[] {
  return directives;
}

// ---- the store -----------------------------------------------------------------

type Listener = (value: ConfigValue) => void;

export interface SetOptions {
  /** CONFIG SET from a client enable-protected-configs allows (yes, or local and the client is local). */
  allowProtected?: boolean;
}

export class Config {
  /** Absolute path of the redis.conf the server was started from (CONFIG REWRITE writes it back). */
  filePath: string | null = null;
  /** `rename-command` lines of the config file, in order, for the command table to apply. */
  readonly renamedCommands: Array<[string, string]> = [];
  /** `user` lines of the config file (the arguments after `user`), for ACL. */
  readonly users: string[][] = [];

  private readonly values = new Map<string, ConfigValue>();
  private readonly texts = new Map<string, string>();
  private readonly byName = new Map<string, DirectiveDef>();
  private readonly listeners = new Map<string, Listener[]>();

  constructor() {
    for (const def of directives) {
      this.byName.set(def.name, def);
      for (const alias of def.aliases ?? []) this.byName.set(alias, def);
      if (def.name === 'dir') continue; // the process cwd, read live
      // Special directives keep their canonical text as their value.
      const parsed = def.type === 'special' ? { value: def.default, text: def.default } : this.parse(def, def.multiArg ? splitMulti(def.default) : [def.default]);
      this.values.set(def.name, parsed.value);
      this.texts.set(def.name, parsed.text);
    }
  }

  definition(name: string): DirectiveDef | undefined {
    return this.byName.get(name.toLowerCase());
  }

  get(name: string): ConfigValue {
    // Canonical names (every caller in the server) hit values directly: hot
    // paths (a ZADD's listpack limits) read knobs per command.
    const value = this.values.get(name);
    if (value !== undefined) return value;
    const def = this.definition(name);
    if (!def) throw new ConfigError(`unknown directive ${name}`);
    if (def.name === 'dir') return process.cwd();
    return this.values.get(def.name)!;
  }

  int(name: string): number {
    return this.get(name) as number;
  }

  bool(name: string): boolean {
    return this.get(name) as boolean;
  }

  string(name: string): string {
    return String(this.get(name));
  }

  /** The value as CONFIG GET prints it. */
  text(name: string): string {
    const def = this.definition(name);
    if (!def) throw new ConfigError(`unknown directive ${name}`);
    if (def.name === 'dir') return process.cwd();
    return this.texts.get(def.name)!;
  }

  /**
   * Sets from text at start-up (the CLI, the embedding API): immutable and
   * protected directives are allowed. A directive that takes several
   * arguments (save, bind …) has them separated by spaces, as CONFIG SET
   * takes them. Throws ConfigError with Redis's message.
   */
  set(name: string, text: string): void {
    const def = this.definition(name);
    if (!def) throw new ConfigError('Bad directive or wrong number of arguments');
    this.setArgs(def, def.multiArg ? splitMulti(text) : [text]);
  }

  /** Sets a directive from already split arguments (a config file line); throws ConfigError. */
  setArgs(def: DirectiveDef, args: string[]): void {
    const parsed = this.parse(def, args);
    const old = this.snapshot(def);
    this.commit(def, parsed);
    try {
      this.notify(def);
    } catch (error) {
      this.restore(def, old);
      throw error;
    }
  }

  /**
   * CONFIG SET name value [name value ...]: all or nothing, as Redis checks
   * it (unknown names, immutable and protected ones and duplicates first,
   * then every value, then the changes are applied; a listener that throws
   * rolls every change back). Throws ConfigSetError with the reply text.
   */
  setMany(pairs: ReadonlyArray<readonly [string, string]>, options: SetOptions = {}): void {
    const defs: DirectiveDef[] = [];
    // Redis registers an alias as its own entry: 'slave-priority' and 'replica-priority' are not duplicates.
    const entries: string[] = [];
    let failure: string | null = null;
    for (const [name] of pairs) {
      const def = this.definition(name);
      if (!def) {
        if (failure === null) throw new ConfigSetError(`Unknown option or number of arguments for CONFIG SET - '${name}'`);
        continue;
      }
      if (failure !== null) continue;
      if (!def.mutable || (def.protected && !options.allowProtected)) {
        failure = setFailure(name, def.mutable ? "can't set protected config" : "can't set immutable config");
        continue;
      }
      const entry = entryName(name, def);
      if (entries.includes(entry)) failure = setFailure(name, 'duplicate parameter');
      defs.push(def);
      entries.push(entry);
    }
    if (failure !== null) throw new ConfigSetError(failure);

    const parsed: Parsed[] = [];
    for (let i = 0; i < defs.length; i++) {
      const def = defs[i];
      try {
        parsed.push(this.parse(def, def.multiArg ? splitMulti(pairs[i][1]) : [pairs[i][1]]));
      } catch (error) {
        if (error instanceof ConfigError) throw new ConfigSetError(setFailure(entries[i], error.message));
        throw error;
      }
    }

    for (let i = 0; i < defs.length; i++) {
      const apply = defs[i].apply;
      if (!apply) continue;
      try {
        parsed[i] = apply(parsed[i]);
      } catch (error) {
        if (error instanceof ConfigError) throw new ConfigSetError(setFailure(entries[i], error.message));
        throw error;
      }
    }

    const olds = defs.map((def) => this.snapshot(def));
    let step = 0;
    try {
      for (; step < defs.length; step++) this.commit(defs[step], parsed[step]);
      for (step = 0; step < defs.length; step++) this.notify(defs[step]);
    } catch (error) {
      for (let i = defs.length - 1; i >= 0; i--) {
        try {
          this.restore(defs[i], olds[i]);
        } catch {
          // best effort, as Redis's restoreBackupConfig
        }
      }
      if (error instanceof ConfigError) throw new ConfigSetError(setFailure(entries[step], error.message));
      throw error;
    }
  }

  /** Called after every successful set of `name` with the parsed value (also on CONFIG SET). May throw ConfigError to refuse it. */
  onChange(name: string, listener: Listener): void {
    const def = this.definition(name);
    if (!def) throw new ConfigError(`unknown directive ${name}`);
    const list = this.listeners.get(def.name) ?? [];
    list.push(listener);
    this.listeners.set(def.name, list);
  }

  /**
   * CONFIG GET: the (name, value) pairs matching any of the patterns, once
   * each. An exact name is answered under the name as given; patterns match
   * case-insensitively over every name and alias except hidden ones.
   */
  match(patterns: readonly string[]): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const seen = new Set<string>();
    for (const pattern of patterns) {
      if (!/[[*?]/.test(pattern)) {
        const key = pattern.toLowerCase();
        if (seen.has(key)) continue;
        const def = this.byName.get(key);
        if (def) {
          seen.add(key);
          out.push([pattern, this.text(def.name)]);
        }
        continue;
      }
      for (const [name, def] of this.byName) {
        if (def.hidden || seen.has(name)) continue;
        if (globMatch(pattern, name, true)) {
          seen.add(name);
          out.push([name, this.text(def.name)]);
        }
      }
    }
    return out;
  }

  /** Every parameter name, aliases included (hidden ones left out). */
  names(): string[] {
    const out: string[] = [];
    for (const [name, def] of this.byName) if (!def.hidden) out.push(name);
    return out;
  }

  // ---- internals -----------------------------------------------------------

  private parse(def: DirectiveDef, args: string[]): Parsed {
    const ctx: ParseContext = { current: this.texts.get(def.name) ?? def.default };
    let parsed: Parsed;
    if (def.parse) parsed = def.parse(args, ctx);
    else if (def.type === 'flags') parsed = parseFlags(def, args);
    else {
      const v = one(args);
      switch (def.type) {
        case 'bool':
          parsed = parseBool(v);
          break;
        case 'enum':
          parsed = parseEnum(def, v);
          break;
        case 'int':
        case 'memory':
        case 'percent':
        case 'octal':
          parsed = parseNumeric(def, v);
          break;
        default:
          parsed = { value: v, text: v };
      }
    }
    return def.normalize ? def.normalize(parsed) : parsed;
  }

  private snapshot(def: DirectiveDef): Parsed {
    if (def.name === 'dir') return { value: process.cwd(), text: process.cwd() };
    return { value: this.values.get(def.name)!, text: this.texts.get(def.name)! };
  }

  private commit(def: DirectiveDef, parsed: Parsed): void {
    if (def.name === 'dir') {
      changeDirectory(parsed.text);
      return;
    }
    this.values.set(def.name, parsed.value);
    this.texts.set(def.name, parsed.text);
  }

  private restore(def: DirectiveDef, old: Parsed): void {
    this.commit(def, old);
    this.notify(def);
  }

  private notify(def: DirectiveDef): void {
    const list = this.listeners.get(def.name);
    if (!list) return;
    const value = this.get(def.name);
    for (const listener of list) listener(value);
  }
}

function setFailure(name: string, message: string): string {
  return message === ''
    ? `CONFIG SET failed (possibly related to argument '${name}')`
    : `CONFIG SET failed (possibly related to argument '${name}') - ${message}`;
}

/** The table entry a name reaches: the alias itself for an alias, else the directive's name. */
function entryName(given: string, def: DirectiveDef): string {
  const lower = given.toLowerCase();
  return (def.aliases ?? []).includes(lower) ? lower : def.name;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EACCES: 'Permission denied',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EPERM: 'Operation not permitted',
  EISDIR: 'Is a directory',
  EEXIST: 'File exists',
  ENOSPC: 'No space left on device',
  EROFS: 'Read-only file system',
};

/** strerror(errno) for a Node system error, as Redis prints it. */
export function strerror(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code && ERRNO_TEXT[code]) return ERRNO_TEXT[code];
  return error instanceof Error ? error.message : String(error);
}

function changeDirectory(path: string): void {
  try {
    process.chdir(path);
  } catch (error) {
    throw new ConfigError(strerror(error));
  }
}

/** CONFIG SET's split of a multi-argument value: on single spaces, nothing for the empty string. */
function splitMulti(text: string): string[] {
  return text === '' ? [] : text.split(' ');
}

// ---- value parsers -------------------------------------------------------------

function parseBool(v: string): Parsed {
  const t = v.toLowerCase();
  if (t === 'yes') return { value: true, text: 'yes' };
  if (t === 'no') return { value: false, text: 'no' };
  throw new ConfigError("argument must be 'yes' or 'no'");
}

/** Enum names: 'alias=canonical' marks a second name for a value. */
function enumNames(def: DirectiveDef): Array<[string, string]> {
  return def.values!.map((v) => {
    const eq = v.indexOf('=');
    return eq < 0 ? [v, v] : [v.slice(0, eq), v.slice(eq + 1)];
  });
}

function enumError(def: DirectiveDef): ConfigError {
  return new ConfigError(`argument(s) must be one of the following: ${enumNames(def).map(([n]) => n).join(', ')}`);
}

function parseEnum(def: DirectiveDef, v: string): Parsed {
  const t = v.toLowerCase();
  for (const [name, canonical] of enumNames(def)) {
    if (name === t) return { value: canonical, text: canonical };
  }
  throw enumError(def);
}

/** shutdown-on-sig*: several flag names; 'default' is none of them. */
function parseFlags(def: DirectiveDef, args: string[]): Parsed {
  if (args.length === 0) throw enumError(def);
  const set = new Set<string>();
  for (const a of args) {
    const t = a.toLowerCase();
    if (!def.values!.includes(t)) throw enumError(def);
    if (t !== 'default') set.add(t);
  }
  if (set.has('save') && set.has('nosave')) throw new ConfigError("shutdown options SAVE and NOSAVE can't be used simultaneously");
  const names = def.values!.filter((n) => set.has(n));
  const text = names.length ? names.join(' ') : 'default';
  return { value: text, text };
}

/** Redis's string2ll: an optional '-', digits without leading zeros, in the signed 64-bit range. */
export function string2ll(s: string): bigint | null {
  if (s.length === 0 || s.length > 20) return null;
  if (s === '0') return 0n;
  if (!/^-?[1-9][0-9]*$/.test(s)) return null;
  const n = BigInt(s);
  if (n > LLONG_MAX || n < -LLONG_MAX - 1n) return null;
  return n;
}

/** strtoll(s, &end, 10) with *end == '\0' required: leading spaces and a sign allowed, saturating. */
function strtoll(s: string): bigint | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(s);
  if (!m) return null;
  let n = BigInt(m[2]);
  if (m[1] === '-') n = -n;
  if (n > LLONG_MAX) return LLONG_MAX;
  if (n < -LLONG_MAX - 1n) return -LLONG_MAX - 1n;
  return n;
}

/** Same as strtoll but the empty string reads as 0 (C's strtoll accepts it). */
function strtollPrefix(s: string): bigint | null {
  if (s === '') return 0n;
  return strtoll(s);
}

/** Redis's memtoull: digits then an optional unit (b k kb m mb g gb, any case); wraps at 2^64 as C does. */
export function memtoull(p: string): bigint | null {
  if (p.startsWith('-')) return null;
  let i = 0;
  while (i < p.length && p.charCodeAt(i) >= 48 && p.charCodeAt(i) <= 57) i++;
  const unit = p.slice(i).toLowerCase();
  const mul: Record<string, bigint> = {
    '': 1n,
    b: 1n,
    k: 1000n,
    kb: 1024n,
    m: 1000n * 1000n,
    mb: 1024n * 1024n,
    g: 1000n * 1000n * 1000n,
    gb: 1024n * 1024n * 1024n,
  };
  if (!(unit in mul)) return null;
  const digits = p.slice(0, i);
  if (digits.length >= 128) return null;
  let n = digits === '' ? 0n : BigInt(digits);
  if (n > ULLONG_MAX) n = ULLONG_MAX;
  return (n * mul[unit]) % TWO64;
}

/** Memory text to bytes (units b, k, kb, m, mb, g, gb), or null; as a JS number. */
export function parseMemory(text: string): number | null {
  const n = memtoull(text);
  return n === null ? null : Number(n);
}

function isUnsigned(kind: NumericKind): boolean {
  return kind === 'ull' || kind === 'uint' || kind === 'size_t';
}

function parseNumeric(def: DirectiveDef, v: string): Parsed {
  let ll: bigint | null = null;
  if (def.type === 'memory' || def.type === 'percent') {
    const u = memtoull(v);
    if (u !== null) ll = BigInt.asIntN(64, u);
  }
  if (ll === null && def.type === 'percent' && v.length > 1 && v.endsWith('%')) {
    const n = string2ll(v.slice(0, -1));
    if (n !== null && n >= 0n) ll = -n;
  }
  if (ll === null && def.type === 'octal') {
    const m = /^[ \t\n\v\f\r]*([+-]?)([0-7]+)$/.exec(v);
    if (m) {
      ll = BigInt(`0o${m[2]}`);
      if (m[1] === '-') ll = -ll;
    }
  }
  if (ll === null && def.type === 'int') ll = string2ll(v);
  if (ll === null) {
    if (def.type === 'percent') throw new ConfigError('argument must be a memory or percent value');
    if (def.type === 'memory') throw new ConfigError('argument must be a memory value');
    if (def.type === 'octal') throw new ConfigError("argument couldn't be parsed as an octal number");
    throw new ConfigError("argument couldn't be parsed into an integer");
  }
  const min = def.min!;
  const max = def.max!;
  if (isUnsigned(def.numeric!)) {
    const u = BigInt.asUintN(64, ll);
    if (u > max || u < min) {
      const f = (n: bigint) => (def.type === 'octal' ? n.toString(8) : n.toString());
      throw new ConfigError(`argument must be between ${f(min)} and ${f(max)} inclusive`);
    }
  } else if (def.type === 'percent' && ll < 0n) {
    if (ll < min) throw new ConfigError(`percentage argument must be less or equal to ${-min}`);
  } else if (ll > max || ll < min) {
    throw new ConfigError(`argument must be between ${min} and ${max} inclusive`);
  }
  let text: string;
  if (def.type === 'percent' && ll < 0n) text = `${-ll}%`;
  else if (def.type === 'memory' || def.type === 'percent') text = BigInt.asUintN(64, ll).toString();
  else if (def.type === 'octal') text = ll.toString(8);
  else text = ll.toString();
  const value = def.type === 'memory' && isUnsigned(def.numeric!) ? Number(BigInt.asUintN(64, ll)) : Number(ll);
  return { value, text };
}

/** Redis's string2d: the whole string is a finite number (no spaces, no NaN). */
function string2d(s: string): number | null {
  if (s.length === 0 || /^\s|\s$/.test(s)) return null;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) && !/^[+-]?inf(inity)?$/i.test(s)) return null;
  const d = Number(/inf/i.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : s);
  if (Number.isNaN(d)) return null;
  return d;
}

/** "%f" then Redis's trimDoubleString: trailing zeros and a trailing dot go. */
function trimDouble(s: string): string {
  if (!s.includes('.')) return s;
  s = s.replace(/0+$/, '');
  return s.endsWith('.') ? s.slice(0, -1) : s;
}
