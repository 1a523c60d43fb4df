// Server commands (the "server" group): INFO, DBSIZE, FLUSHDB, FLUSHALL, TIME,
// LASTSAVE, SHUTDOWN, DEBUG, SLOWLOG, MONITOR.

import { lower, str } from '../bytes.js';
import type { Client } from '../client.js';
import { Errors, ReplyError } from '../errors.js';
import { changeReplId, infoText } from '../info.js';
import { reloadRdb, resetRdbAfterFlushAll, saveOnShutdown } from '../persistence/snapshot.js';
import type { Db, Entry } from '../keyspace.js';
import type { Server } from '../server.js';
import { parseInteger } from './arguments.js';
import type { CommandDef } from './types.js';

// ---- helpers --------------------------------------------------------------------

/** A HELP reply: an array of status lines, as Redis's addReplyHelp. */
function replyHelp(client: Client, lines: readonly string[]): void {
  client.reply.array(lines.length);
  for (const line of lines) client.reply.simple(line);
}

function subcommandSyntaxError(sub: Buffer, container: string): ReplyError {
  return new ReplyError(
    `ERR unknown subcommand or wrong number of arguments for '${str(sub).slice(0, 128)}'. Try ${container} HELP.`,
  );
}

/** Empties one database: every key removed counts as a change, and WATCH/tracking hear of each. */
export function flushDb(server: Server, db: Db): number {
  for (const listener of server.flushListeners) listener(db);
  if (server.keyModifiedListeners.length > 0) {
    const keys = db.entries.map((entry) => entry.key);
    const removed = db.clear();
    server.flushing = true;
    for (const key of keys) server.signalKeyModified(db, key);
    server.flushing = false;
    return removed;
  }
  return db.clear();
}

/** FLUSHDB / FLUSHALL's optional SYNC | ASYNC (both flush right away here). */
function checkFlushArgs(argv: Buffer[]): void {
  if (argv.length > 2) throw new ReplyError(Errors.syntax);
  if (argv.length === 2) {
    const mode = lower(argv[1]);
    if (mode !== 'sync' && mode !== 'async') throw new ReplyError(Errors.syntax);
  }
}

/** C's atof: leading spaces, the longest numeric prefix, 0 when there is none. */
function atof(text: string): number {
  const trimmed = text.trimStart();
  if (/^[+-]?inf(inity)?/i.test(trimmed)) return trimmed.startsWith('-') ? -Infinity : Infinity;
  const n = Number.parseFloat(trimmed);
  return Number.isNaN(n) ? 0 : n;
}

/** C's atoi (as long): the leading integer, 0 when there is none. */
function atoi(text: string): number {
  const n = Number.parseInt(text.trimStart(), 10);
  return Number.isNaN(n) ? 0 : n;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the event loop (as Redis blocks its one thread) for ms milliseconds. */
function blockFor(ms: number): void {
  if (ms > 0) Atomics.wait(sleepCell, 0, 0, ms);
}

// ---- DEBUG OBJECT -------------------------------------------------------------------

const SHARED_INTEGERS = 10000;
const OBJ_SHARED_REFCOUNT = 2147483647;

/** A string that Redis would store int-encoded (string2l succeeds). */
function integerValue(s: string): number | null {
  if (s.length === 0 || s.length > 20) return null;
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  const big = BigInt(s);
  if (big > 9223372036854775807n || big < -9223372036854775808n) return null;
  return Number(big);
}

/** Bytes of an RDB length prefix. */
function rdbLengthSize(n: number): number {
  if (n < 64) return 1;
  if (n < 16384) return 2;
  if (n <= 0xffffffff) return 5;
  return 9;
}

/** Bytes of a string as RDB writes it (int-encoded when small, no LZF estimate). */
function rdbStringSize(s: string): number {
  const n = integerValue(s);
  if (n !== null) {
    if (n >= -128 && n <= 127) return 2;
    if (n >= -32768 && n <= 32767) return 3;
    if (n >= -2147483648 && n <= 2147483647) return 5;
  }
  return rdbLengthSize(s.length) + s.length;
}

function stringEncoding(s: string): string {
  if (integerValue(s) !== null) return 'int';
  return s.length <= 44 ? 'embstr' : 'raw';
}

/** Elements of a collection value whatever its representation (Map, Set, array, or an object with size/length). */
function collectionSize(value: unknown): number {
  if (value instanceof Map || value instanceof Set) return value.size;
  if (Array.isArray(value)) return value.length;
  if (value !== null && typeof value === 'object') {
    const v = value as { size?: unknown; length?: unknown };
    if (typeof v.size === 'number') return v.size;
    if (typeof v.length === 'number') return v.length;
    if (typeof v.size === 'function') return Number((v.size as () => unknown).call(value)) || 0;
  }
  return 0;
}

function objectEncoding(server: Server, entry: Entry): string {
  const n = collectionSize(entry.value);
  const limit = (name: string, fallback: number) => {
    const def = server.config.definition(name);
    return def ? server.config.int(name) : fallback;
  };
  switch (entry.type) {
    case 'string':
      return typeof entry.value === 'string' ? stringEncoding(entry.value) : 'raw';
    case 'list':
      return 'quicklist';
    case 'set':
      return n <= limit('set-max-intset-entries', 512) ? 'intset' : 'hashtable';
    case 'hash':
      return n <= limit('hash-max-listpack-entries', 128) ? 'listpack' : 'hashtable';
    case 'zset':
      return n <= limit('zset-max-listpack-entries', 128) ? 'listpack' : 'skiplist';
  }
}

function debugObject(client: Client, keyArg: Buffer): void {
  const server = client.server;
  const entry = client.db.lookup(str(keyArg));
  if (entry === undefined) throw new ReplyError(Errors.noSuchKey);
  const encoding = objectEncoding(server, entry);
  let refcount = 1;
  let serialized: number;
  if (entry.type === 'string') {
    const value = entry.value;
    const s = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.latin1Slice(0, value.length) : String(value);
    serialized = rdbStringSize(s);
    const n = integerValue(s);
    if (n !== null && n >= 0 && n < SHARED_INTEGERS && server.config.int('maxmemory') === 0) refcount = OBJ_SHARED_REFCOUNT;
  } else {
    serialized = rdbLengthSize(collectionSize(entry.value)) + collectionSize(entry.value) * 2;
  }
  const now = server.clock.now();
  const lru = Math.floor(entry.lastAccess / 1000) & 0xffffff;
  const idle = Math.max(0, Math.floor((now - entry.lastAccess) / 1000));
  const address = `0x${(0x7f1000000000 + entry.slot * 32).toString(16)}`;
  let line = `Value at:${address} refcount:${refcount} encoding:${encoding} serializedlength:${serialized} lru:${lru} lru_seconds_idle:${idle}`;
  if (encoding === 'quicklist') {
    const n = collectionSize(entry.value);
    line += ` ql_nodes:${n === 0 ? 0 : 1} ql_avg_node:${n.toFixed(2)} ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:${serialized}`;
  }
  client.reply.simple(line);
}

// ---- DEBUG --------------------------------------------------------------------

const DEBUG_HELP = [
  'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  '    it is used instead of the \'key\' prefix. These are not propagated to',
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
  '    * MERGE: conflicting keys will be loaded from RDB.',
  '    * NOFLUSH: the existing database will not be removed before load, but',
  '      conflicting keys will generate an exception and kill the server.',
  '    * NOSAVE: the database will be loaded from an existing RDB file.',
  '    Examples:',
  '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
  '      the database.',
  '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
  '      existing RDB file.',
  '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
  '      file to the database.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'QUICKLIST-PACKED-THRESHOLD <size>',
  '    Sets the threshold for elements to be inserted as plain vs packed nodes',
  '    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'LISTPACK <key>',
  '    Show low level info about the listpack encoding of <key>.',
  'HELP',
  '    Prints this help.',
];

const POSITIVE_ERROR = 'ERR value is out of range, must be positive';

function parsePositive(arg: Buffer): number {
  const n = parseInteger(arg, POSITIVE_ERROR);
  if (n < 0) throw new ReplyError(POSITIVE_ERROR);
  return n;
}

function debugPopulate(client: Client, argv: Buffer[]): void {
  const count = parsePositive(argv[2]);
  const prefix = argv.length > 3 ? str(argv[3]) : 'key';
  const size = argv.length > 4 ? parsePositive(argv[4]) : 0;
  const db = client.db;
  for (let i = 0; i < count; i++) {
    const key = `${prefix}:${i}`;
    if (db.lookup(key) !== undefined) continue;
    let value = `value:${i}`;
    if (size > 0) value = value.length >= size ? value.slice(0, size) : value + '\0'.repeat(size - value.length);
    db.add(key, 'string', value);
  }
  client.reply.ok();
}

function debugReload(client: Client, argv: Buffer[]): void {
  const options = { save: true, flush: true, merge: false };
  for (let i = 2; i < argv.length; i++) {
    const option = lower(argv[i]);
    if (option === 'merge') options.merge = true;
    else if (option === 'noflush') options.flush = false;
    else if (option === 'nosave') options.save = false;
    else throw new ReplyError('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
  }
  const server = client.server;
  const error = reloadRdb(server, options, (db) => flushDb(server, db));
  if (error !== null) throw new ReplyError(error);
  client.reply.ok();
}

function debugCommand(client: Client, argv: Buffer[]): void {
  const server = client.server;
  const sub = lower(argv[1]);
  const n = argv.length;
  if (sub === 'help' && n === 2) {
    replyHelp(client, DEBUG_HELP);
  } else if (sub === 'sleep' && n === 3) {
    const seconds = atof(str(argv[2]));
    blockFor(Math.min(seconds * 1000, 2 ** 31 - 1));
    server.clock.refresh();
    client.reply.ok();
  } else if (sub === 'set-active-expire' && n === 3) {
    server.activeExpireEnabled = atoi(str(argv[2])) !== 0;
    client.reply.ok();
  } else if (sub === 'object' && n === 3) {
    debugObject(client, argv[2]);
  } else if (sub === 'change-repl-id' && n === 2) {
    changeReplId(server);
    client.reply.ok();
  } else if (sub === 'quicklist-packed-threshold' && n === 3) {
    const text = str(argv[2]);
    const size = /^\d+(b|k|kb|m|mb|g|gb)?$/i.test(text) ? parseMemoryText(text) : -1;
    if (size < 0 || size > 4 * 1024 * 1024 * 1024) {
      throw new ReplyError('ERR argument must be a memory value bigger than 1 and smaller than 4gb');
    }
    client.reply.ok();
  } else if (sub === 'listpack' && n === 3) {
    const entry = client.db.lookup(str(argv[2]));
    if (entry === undefined) throw new ReplyError(Errors.noSuchKey);
    if (objectEncoding(server, entry) !== 'listpack') throw new ReplyError('ERR Not a listpack encoded object.');
    client.reply.simple('Listpack structure printed on stdout');
  } else if (sub === 'reload') {
    debugReload(client, argv);
  } else if (sub === 'populate' && n >= 3 && n <= 5) {
    debugPopulate(client, argv);
  } else if (sub === 'error' && n === 3) {
    throw new ReplyError(str(argv[2]).replace(/[\r\n]/g, ' '));
  } else if (sub === 'log' && n === 3) {
    server.log('warning', `DEBUG LOG: ${str(argv[2])}`);
    client.reply.ok();
  } else {
    throw subcommandSyntaxError(argv[1], 'DEBUG');
  }
}

function parseMemoryText(text: string): number {
  const m = /^(\d+)([a-z]*)$/i.exec(text)!;
  const units: Record<string, number> = { '': 1, b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  return Number(m[1]) * units[m[2].toLowerCase()];
}

// ---- SLOWLOG ------------------------------------------------------------------

const SLOWLOG_HELP = [
  'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
  'HELP',
  '    Prints this help.',
];

const SLOWLOG_COUNT_ERROR = 'ERR count should be greater than or equal to -1';

function slowlogGet(client: Client, argv: Buffer[]): void {
  if (argv.length > 3) throw subcommandSyntaxError(argv[1], 'SLOWLOG');
  let count = 10;
  if (argv.length === 3) {
    count = parseInteger(argv[2], SLOWLOG_COUNT_ERROR);
    if (count < -1) throw new ReplyError(SLOWLOG_COUNT_ERROR);
  }
  const entries = client.server.slowlog.entries;
  const shown = count === -1 ? entries.length : Math.min(count, entries.length);
  const reply = client.reply;
  reply.array(shown);
  for (let i = 0; i < shown; i++) {
    const entry = entries[i];
    reply.array(6);
    reply.integer(entry.id);
    reply.integer(entry.time);
    reply.integer(entry.micros);
    reply.array(entry.args.length);
    for (const arg of entry.args) reply.bulk(arg);
    reply.bulk(entry.peer);
    reply.bulk(entry.clientName);
  }
}

// ---- SHUTDOWN -----------------------------------------------------------------

function shutdownCommand(client: Client, argv: Buffer[]): void {
  let save = false;
  let nosave = false;
  let abort = false;
  let force = false;
  for (let i = 1; i < argv.length; i++) {
    const option = lower(argv[i]);
    if (option === 'nosave') nosave = true;
    else if (option === 'save') save = true;
    else if (option === 'force') force = true;
    else if (option === 'now') continue;
    else if (option === 'abort') abort = true;
    else throw new ReplyError(Errors.syntax);
  }
  if ((abort && argv.length !== 2) || (save && nosave)) throw new ReplyError(Errors.syntax);
  if (abort) throw new ReplyError('ERR No shutdown in progress.');
  const server = client.server;
  server.log('warning', 'User requested shutdown...');
  if (!saveOnShutdown(server, save ? 'save' : nosave ? 'nosave' : 'default') && !force) {
    server.log('warning', "Error trying to save the DB, can't exit.");
    throw new ReplyError('ERR Errors trying to SHUTDOWN. Check logs.');
  }
  void server.close();
}

// ---- the table ------------------------------------------------------------------

export const serverCommands: CommandDef[] = [
  {
    name: 'info',
    arity: -1,
    flags: ['loading', 'stale'],
    keys: null,
    categories: ['slow', 'dangerous'],
    summary: 'Get information and statistics about the server',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(1)',
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    handler(client, argv) {
      const sections: string[] = [];
      for (let i = 1; i < argv.length; i++) sections.push(lower(argv[i]));
      client.reply.verbatim(infoText(client.server, sections));
    },
  },
  {
    name: 'dbsize',
    arity: 1,
    flags: ['readonly', 'fast'],
    keys: null,
    categories: ['keyspace', 'read', 'fast'],
    summary: 'Return the number of keys in the selected database',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
    handler(client) {
      client.reply.integer(client.db.size);
    },
  },
  {
    name: 'flushdb',
    arity: -1,
    flags: ['write'],
    keys: null,
    categories: ['keyspace', 'write', 'slow', 'dangerous'],
    summary: 'Remove all keys from the current database',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(N) where N is the number of keys in the selected database',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    handler(client, argv) {
      checkFlushArgs(argv);
      const server = client.server;
      server.dirty += flushDb(server, client.db);
      client.reply.ok();
    },
  },
  {
    name: 'flushall',
    arity: -1,
    flags: ['write'],
    keys: null,
    categories: ['keyspace', 'write', 'slow', 'dangerous'],
    summary: 'Remove all keys from all databases',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(N) where N is the total number of keys in all databases',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    handler(client, argv) {
      checkFlushArgs(argv);
      const server = client.server;
      let removed = 0;
      for (const db of server.dbs) removed += flushDb(server, db);
      server.dirty += removed;
      resetRdbAfterFlushAll(server);
      client.reply.ok();
    },
  },
  {
    name: 'time',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    keys: null,
    categories: ['fast'],
    summary: 'Return the current server time',
    since: '2.6.0',
    group: 'server',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    handler(client) {
      const micros = client.server.clock.nowMicros();
      client.reply.array(2);
      client.reply.bulk(String(micros / 1000000n));
      client.reply.bulk(String(micros % 1000000n));
    },
  },
  {
    name: 'shutdown',
    arity: -1,
    flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
    keys: null,
    categories: ['admin', 'slow', 'dangerous'],
    summary: 'Synchronously save the dataset to disk and then shut down the server',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
    handler: shutdownCommand,
  },
  {
    name: 'debug',
    arity: -2,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    keys: null,
    categories: ['admin', 'slow', 'dangerous'],
    summary: 'A container for debugging commands',
    since: '1.0.0',
    group: 'server',
    complexity: 'Depends on subcommand.',
    handler: debugCommand,
  },
  {
    name: 'monitor',
    arity: 1,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    keys: null,
    categories: ['admin', 'slow', 'dangerous'],
    summary: 'Listen for all requests received by the server in real time',
    since: '1.0.0',
    group: 'server',
    handler(client) {
      // A client already monitoring gets no reply at all, as in Redis.
      if (client.isMonitor) return;
      client.isMonitor = true;
      client.server.monitors.add(client);
      client.reply.ok();
    },
  },
  {
    name: 'slowlog',
    arity: -2,
    flags: [],
    keys: null,
    categories: ['slow'],
    summary: 'A container for slow log commands',
    since: '2.2.12',
    group: 'server',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'get',
        arity: -2,
        flags: ['admin', 'loading', 'stale'],
        keys: null,
        categories: ['admin', 'slow', 'dangerous'],
        summary: 'Get the slow log\'s entries',
        since: '2.2.12',
        group: 'server',
        complexity: 'O(N) where N is the number of entries returned',
        tips: ['request_policy:all_nodes', 'nondeterministic_output'],
        handler: slowlogGet,
      },
      {
        name: 'len',
        arity: 2,
        flags: ['admin', 'loading', 'stale'],
        keys: null,
        categories: ['admin', 'slow', 'dangerous'],
        summary: 'Get the slow log\'s length',
        since: '2.2.12',
        group: 'server',
        complexity: 'O(1)',
        tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'],
        handler(client) {
          client.reply.integer(client.server.slowlog.entries.length);
        },
      },
      {
        name: 'reset',
        arity: 2,
        flags: ['admin', 'loading', 'stale'],
        keys: null,
        categories: ['admin', 'slow', 'dangerous'],
        summary: 'Clear all entries from the slow log',
        since: '2.2.12',
        group: 'server',
        complexity: 'O(N) where N is the number of entries in the slowlog',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler(client) {
          client.server.slowlog.reset();
          client.reply.ok();
        },
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        keys: null,
        categories: ['slow'],
        summary: 'Show helpful text about the different subcommands',
        since: '6.2.0',
        group: 'server',
        complexity: 'O(1)',
        handler(client) {
          replyHelp(client, SLOWLOG_HELP);
        },
      },
    ],
  },
];
