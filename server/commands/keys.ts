// The generic key commands (Redis's db.c, expire.c and object.c): existence,
// deletion, renaming and copying, TTLs, KEYS/SCAN/RANDOMKEY and OBJECT.

import '../bytes.js';
import { str, lower } from '../bytes.js';
import type { CommandDef } from './types.js';
import { keysAt } from './types.js';
import { Errors, ReplyError, sanitize } from '../errors.js';
import { parseInt64, parseInteger } from './arguments.js';
import type { Client } from '../client.js';
import { exactExpireAt, StringEncoding, type Db, type Entry, type ValueType } from '../keyspace.js';
import type { Server } from '../server.js';
import { compileGlob } from '../glob.js';
import { parseScanCursor, parseScanOptions, scanEntries } from '../scan.js';

// ---- per-type hooks -------------------------------------------------------

/** What the generic commands need from each value type; families register theirs. */
export interface ValueTypeHooks {
  /** A deep copy of the value, sharing nothing mutable with the original (COPY). */
  clone(value: unknown): unknown;
  /** OBJECT ENCODING's answer for an entry of this type. */
  encoding(entry: Entry, server: Server): string;
}

const valueTypes = new Map<ValueType, ValueTypeHooks>();

/** Called once by each value family at module load (hashes, lists, sets, zsets). */
export function registerValueType(type: ValueType, hooks: ValueTypeHooks): void {
  valueTypes.set(type, hooks);
}

function hooksFor(type: ValueType): ValueTypeHooks {
  const hooks = valueTypes.get(type);
  if (hooks === undefined) throw new Error(`no value hooks registered for type '${type}'`);
  return hooks;
}

/** A deep copy of entry's value (throws for a type whose family has not registered). */
export function cloneValue(entry: Entry): unknown {
  return hooksFor(entry.type).clone(entry.value);
}

const EMBSTR_SIZE_LIMIT = 44;
const SHARED_INTEGERS = 10000;
const SHARED_REFCOUNT = 2147483647;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Whether Redis would store s as an integer (string2l: no sign '+', no leading zeros, int64). */
export function isIntegerEncodable(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let i = s.charCodeAt(0) === 0x2d ? 1 : 0;
  if (i === n) return false;
  const first = s.charCodeAt(i);
  if (first === 0x30) return n === 1;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  if (n < 18) return true;
  const big = BigInt(s);
  return big <= INT64_MAX && big >= INT64_MIN;
}

registerValueType('string', {
  // Strings are immutable JS strings; a family that keeps a mutable form (APPEND
  // buffers) stores something else, reported as 'raw' and copied here.
  clone: (value) => (Buffer.isBuffer(value) ? Buffer.from(value) : value),
  encoding(entry) {
    const value = entry.value;
    if (typeof value !== 'string' || entry.stringEncoding === StringEncoding.Raw) return 'raw';
    if (entry.stringEncoding === StringEncoding.NotInt) return value.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
    if (isIntegerEncodable(value)) return 'int';
    return value.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
  },
});

/** Policies that keep per-key LRU/LFU data also stop Redis from sharing small integers. */
function policyOf(server: Server): string {
  return server.config.string('maxmemory-policy');
}

function isLfuPolicy(policy: string): boolean {
  return policy.endsWith('-lfu');
}

function sharesIntegers(server: Server): boolean {
  const policy = policyOf(server);
  if (server.config.int('maxmemory') === 0) return true;
  return !(policy.endsWith('-lru') || isLfuPolicy(policy));
}

const LFU_INIT_VAL = 5;

/** OBJECT FREQ under an LFU policy; the eviction family replaces it with its LFU counter. */
let readFrequency: (entry: Entry, server: Server) => number = () => LFU_INIT_VAL;

export function setFrequencyReader(reader: (entry: Entry, server: Server) => number): void {
  readFrequency = reader;
}

// ---- shared helpers -------------------------------------------------------

const errors = {
  sameObject: 'ERR source and destination objects are the same',
  intRange: 'ERR value is out of range, value must between -2147483648 and 2147483647',
  nxConflict: 'ERR NX and XX, GT or LT options at the same time are not compatible',
  gtLtConflict: 'ERR GT and LT options at the same time are not compatible',
  noLfu:
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  lfuSelected:
    'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
} as const;

/** A database number argument: an int32 (Redis's getIntFromObject), then an existing db. */
function targetDb(server: Server, arg: Buffer): Db {
  const id = parseInteger(arg);
  if (id < -2147483648 || id > 2147483647) throw new ReplyError(errors.intRange);
  if (id < 0 || id >= server.dbs.length) throw new ReplyError(Errors.dbIndex);
  return server.dbs[id];
}

/** Adds key to dst holding value, with from's TTL. */
function place(dst: Db, key: string, from: Entry, value: unknown, keepAccess: boolean): Entry {
  const entry = dst.add(key, from.type, value);
  if (keepAccess) {
    entry.lastAccess = from.lastAccess;
    entry.lfu = from.lfu;
  }
  entry.stringEncoding = from.stringEncoding;
  if (from.hasTtl) dst.setExpire(entry, exactExpireAt(from));
  return entry;
}

function deleteKeys(client: Client, argv: Buffer[]): void {
  const db = client.db;
  let deleted = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = str(argv[i]);
    if (db.lookup(key) === undefined) continue;
    db.remove(key);
    client.server.keyChanged(db, key, 'g', 'del');
    deleted++;
  }
  client.reply.integer(deleted);
}

function rename(client: Client, argv: Buffer[], nx: boolean): void {
  const db = client.db;
  const from = str(argv[1]);
  const to = str(argv[2]);
  const entry = db.lookupWrite(from);
  if (entry === undefined) throw new ReplyError(Errors.noSuchKey);
  if (from === to) {
    if (nx) client.reply.integer(0);
    else client.reply.ok();
    return;
  }
  if (db.lookupWrite(to) !== undefined) {
    if (nx) {
      client.reply.integer(0);
      return;
    }
    db.remove(to);
  }
  db.remove(from);
  place(db, to, entry, entry.value, true);
  client.server.keyChanged(db, from, 'g', 'rename_from');
  client.server.keyChanged(db, to, 'g', 'rename_to');
  if (nx) client.reply.integer(1);
  else client.reply.ok();
}

type ExpireOption = { nx: boolean; xx: boolean; gt: boolean; lt: boolean };

function parseExpireOptions(argv: Buffer[]): ExpireOption {
  const o = { nx: false, xx: false, gt: false, lt: false };
  for (let i = 3; i < argv.length; i++) {
    const opt = lower(argv[i]);
    if (opt === 'nx') o.nx = true;
    else if (opt === 'xx') o.xx = true;
    else if (opt === 'gt') o.gt = true;
    else if (opt === 'lt') o.lt = true;
    else throw new ReplyError(sanitize(`ERR Unsupported option ${str(argv[i])}`));
  }
  if (o.nx && (o.xx || o.gt || o.lt)) throw new ReplyError(errors.nxConflict);
  if (o.gt && o.lt) throw new ReplyError(errors.gtLtConflict);
  return o;
}

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT: relative adds the clock, seconds multiplies by 1000. */
function expireGeneric(client: Client, argv: Buffer[], name: string, relative: boolean, seconds: boolean): void {
  const options = parseExpireOptions(argv);
  let when = parseInt64(argv[2]);
  const now = client.server.clock.now();
  if (seconds) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) throw new ReplyError(Errors.invalidExpire(name));
    when *= 1000n;
  }
  const base = relative ? BigInt(now) : 0n;
  if (when > LLONG_MAX - base) throw new ReplyError(Errors.invalidExpire(name));
  const exactAt = when + base;
  const at = Number(exactAt);

  const db = client.db;
  const key = str(argv[1]);
  const entry = db.lookupWrite(key);
  if (entry === undefined) {
    client.reply.integer(0);
    return;
  }
  const current = entry.hasTtl ? BigInt(exactExpireAt(entry)) : -1n;
  if (
    (options.nx && current !== -1n) ||
    (options.xx && current === -1n) ||
    (options.gt && (current === -1n || exactAt <= current)) ||
    (options.lt && current !== -1n && exactAt >= current)
  ) {
    client.reply.integer(0);
    return;
  }
  if (at <= now) {
    db.remove(key);
    client.server.keyChanged(db, key, 'g', 'del');
    if (client.server.effects.active) client.server.effects.replace(db.id, ['DEL', key]);
  } else {
    db.setExpire(entry, exactAt);
    client.server.keyChanged(db, key, 'g', 'expire');
    // Effect (AOF): every form replays as the absolute PEXPIREAT.
    if (client.server.effects.active && (relative || seconds)) client.server.effects.replace(db.id, ['PEXPIREAT', key, String(exactAt)]);
  }
  client.reply.integer(1);
}

function ttlGeneric(client: Client, argv: Buffer[], millis: boolean): void {
  const entry = client.db.lookupRead(str(argv[1]), true);
  if (entry === undefined) client.reply.integer(-2);
  else if (!entry.hasTtl) client.reply.integer(-1);
  else {
    const at = exactExpireAt(entry);
    if (typeof at === 'bigint') {
      const ttl = at - BigInt(client.server.clock.now());
      client.reply.integer(millis ? ttl : (ttl + 500n) / 1000n);
      return;
    }
    const ttl = Math.max(0, at - client.server.clock.now());
    client.reply.integer(millis ? ttl : Math.floor((ttl + 500) / 1000));
  }
}

function expireTimeGeneric(client: Client, argv: Buffer[], millis: boolean): void {
  const entry = client.db.lookupRead(str(argv[1]), true);
  if (entry === undefined) client.reply.integer(-2);
  else if (!entry.hasTtl) client.reply.integer(-1);
  else {
    const at = exactExpireAt(entry);
    if (typeof at === 'bigint') client.reply.integer(millis ? at : (at + 500n) / 1000n);
    else client.reply.integer(millis ? at : Math.floor((at + 500) / 1000));
  }
}

/** OBJECT's key lookup: no touch; a missing key answers null. */
function objectEntry(client: Client, argv: Buffer[]): Entry | undefined {
  const entry = client.db.lookupRead(str(argv[2]), true);
  if (entry === undefined) client.reply.nullBulk();
  return entry;
}

const OBJECT_HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

/** Type names as TYPE and SCAN TYPE spell them. */
function typeName(entry: Entry): string {
  return entry.type;
}

const multiKeyTips = ['request_policy:multi_shard', 'response_policy:agg_sum'] as const;

// ---- the commands ---------------------------------------------------------

export const keyCommands: CommandDef[] = [
  {
    name: 'del',
    arity: -2,
    flags: ['write'],
    keys: keysAt(1, -1),
    categories: ['keyspace', 'write', 'slow'],
    summary: 'Delete a key',
    since: '1.0.0',
    group: 'generic',
    complexity:
      'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).',
    tips: multiKeyTips,
    handler: deleteKeys,
  },
  {
    name: 'unlink',
    arity: -2,
    flags: ['write', 'fast'],
    keys: keysAt(1, -1),
    categories: ['keyspace', 'write', 'fast'],
    summary: 'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.',
    since: '4.0.0',
    group: 'generic',
    complexity:
      'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.',
    tips: multiKeyTips,
    handler: deleteKeys,
  },
  {
    name: 'exists',
    arity: -2,
    flags: ['readonly', 'fast'],
    keys: keysAt(1, -1),
    categories: ['keyspace', 'read', 'fast'],
    summary: 'Determine if a key exists',
    since: '1.0.0',
    group: 'generic',
    complexity: 'O(N) where N is the number of keys to check.',
    tips: multiKeyTips,
    handler(client, argv) {
      const db = client.db;
      let count = 0;
      for (let i = 1; i < argv.length; i++) if (db.lookupRead(str(argv[i]), true) !== undefined) count++;
      client.reply.integer(count);
    },
  },
  {
    name: 'type',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: keysAt(1),
    categories: ['keyspace', 'read', 'fast'],
    summary: 'Determine the type stored at key',
    since: '1.0.0',
    group: 'generic',
    complexity: 'O(1)',
    handler(client, argv) {
      const entry = client.db.lookupRead(str(argv[1]), true);
      client.reply.simple(entry === undefined ? 'none' : typeName(entry));
    },
  },
  {
    name: 'rename',
    arity: 3,
    flags: ['write'],
    keys: keysAt(1, 2),
    categories: ['keyspace', 'write', 'slow'],
    summary: 'Rename a key',
    since: '1.0.0',
    group: 'generic',
    complexity: 'O(1)',
    handler: (client, argv) => rename(client, argv, false),
  },
  {
    name: 'renamenx',
    arity: 3,
    flags: ['write', 'fast'],
    keys: keysAt(1, 2),
    categories: ['keyspace', 'write', 'fast'],
    summary: 'Rename a key, only if the new key does not exist',
    since: '1.0.0',
    group: 'generic',
    complexity: 'O(1)',
    handler: (client, argv) => rename(client, argv, true),
  },
  {
    name: 'copy',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: keysAt(1, 2),
    categories: ['keyspace', 'write', 'slow'],
    summary: 'Copy a key',
    since: '6.2.0',
    group: 'generic',
    complexity: 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.',
    handler(client, argv) {
      const src = client.db;
      let dst = src;
      let replace = false;
      for (let i = 3; i < argv.length; i++) {
        const opt = lower(argv[i]);
        if (opt === 'replace') replace = true;
        else if (opt === 'db' && i + 1 < argv.length) dst = targetDb(client.server, argv[++i]);
        else throw new ReplyError(Errors.syntax);
      }
      const from = str(argv[1]);
      const to = str(argv[2]);
      if (src === dst && from === to) throw new ReplyError(errors.sameObject);
      const entry = src.lookupRead(from);
      if (entry === undefined) {
        client.reply.integer(0);
        return;
      }
      const existing = dst.lookupWrite(to) !== undefined;
      if (existing && !replace) {
        client.reply.integer(0);
        return;
      }
      // Clone before touching the target: a type without a clone hook fails cleanly.
      const copy = cloneValue(entry);
      if (existing) dst.remove(to);
      place(dst, to, entry, copy, false);
      client.server.keyChanged(dst, to, 'g', 'copy_to');
      client.reply.integer(1);
    },
  },
  {
    name: 'move',
    arity: 3,
    flags: ['write', 'fast'],
    keys: keysAt(1),
    categories: ['keyspace', 'write', 'fast'],
    summary: 'Move a key to another database',
    since: '1.0.0',
    group: 'generic',
    complexity: 'O(1)',
    handler(client, argv) {
      const src = client.db;
      const dst = targetDb(client.server, argv[2]);
      if (src === dst) throw new ReplyError(errors.sameObject);
      const key = str(argv[1]);
      const entry = src.lookupWrite(key);
      if (entry === undefined || dst.lookupWrite(key) !== undefined) {
        client.reply.integer(0);
        return;
      }
      src.remove(key);
      place(dst, key, entry, entry.value, true);
      client.server.keyChanged(src, key, 'g', 'move_from');
      client.server.keyChanged(dst, key, 'g', 'move_to');
      client.reply.integer(1);
    },
  },
  {
    name: 'touch',
    arity: -2,
    flags: ['readonly', 'fast'],
    keys: keysAt(1, -1),
    categories: ['keyspace', 'read', 'fast'],
    summary: 'Alters the last access time of a key(s). Returns the number of existing keys specified.',
    since: '3.2.1',
    group: 'generic',
    complexity: 'O(N) where N is the number of keys that will be touched.',
    tips: multiKeyTips,
    handler(client, argv) {
      const db = client.db;
      let count = 0;
      for (let i = 1; i < argv.length; i++) if (db.lookupRead(str(argv[i])) !== undefined) count++;
      client.reply.integer(count);
    },
  },
  {
    name: 'keys',
    arity: 2,
    flags: ['readonly'],
    keys: null,
    categories: ['keyspace', 'read', 'slow', 'dangerous'],
    summary: 'Find all keys matching the given pattern',
    since: '1.0.0',
    group: 'generic',
    complexity:
      'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.',
    tips: ['request_policy:all_shards', 'nondeterministic_output_order'],
    handler(client, argv) {
      const pattern = str(argv[1]);
      const db = client.db;
      const match = pattern === '*' ? null : compileGlob(pattern);
      const found: string[] = [];
      // Expired keys are skipped, not removed: removal would reorder the array under the walk.
      for (const entry of db.entries) {
        if ((match === null || match(entry.key)) && !db.isExpired(entry)) found.push(entry.key);
      }
      client.reply.bulkArray(found);
    },
  },
  {
    name: 'scan',
    arity: -2,
    flags: ['readonly'],
    keys: null,
    categories: ['keyspace', 'read', 'slow'],
    summary: 'Incrementally iterate the keys space',
    since: '2.8.0',
    group: 'generic',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    tips: ['nondeterministic_output', 'request_policy:special'],
    handler(client, argv) {
      const cursor = parseScanCursor(argv[1]);
      const { count, match, type } = parseScanOptions(argv, 2, true);
      const db = client.db;
      const found: string[] = [];
      const expired: Entry[] = [];
      const next = scanEntries(db, cursor, count, (entry) => {
        if (type !== null && typeName(entry) !== type) return;
        if (match !== null && !match(entry.key)) return;
        if (db.isExpired(entry)) expired.push(entry);
        else found.push(entry.key);
      });
      // Removing after the walk keeps the cursor's guarantee: swap-remove only moves
      // the last entry, which lies in the visited region, into another visited slot.
      for (const entry of expired) if (entry.slot >= 0) db.expire(entry);
      client.reply.array(2);
      client.reply.bulk(String(next));
      client.reply.bulkArray(found);
    },
  },
  {
    name: 'randomkey',
    arity: 1,
    flags: ['readonly'],
    keys: null,
    categories: ['keyspace', 'read', 'slow'],
    summary: 'Return a random key from the keyspace',
    since: '1.0.0',
    group: 'generic',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'nondeterministic_output'],
    handler(client) {
      const db = client.db;
      // As a Redis master does: expired picks are removed until a live key turns up.
      while (db.entries.length > 0) {
        const entry = db.entries[(Math.random() * db.entries.length) | 0];
        if (!db.isExpired(entry)) {
          client.reply.bulk(entry.key);
          return;
        }
        db.expire(entry);
      }
      client.reply.nullBulk();
    },
  },
  {
    name: 'expire',
    arity: -3,
    flags: ['write', 'fast'],
    keys: keysAt(1),
    categories: ['keyspace', 'write', 'fast'],
    summary: "Set a key's time to live in seconds",
    since: '1.0.0',
    group: 'generic',
    complexity: 'O(1)',
    handler: (client, argv) => expireGeneric(client, argv, 'expire', true, true),
  },
  {
    name: 'pexpire',
    arity: -3,
    flags: ['write', 'fast'],
    keys: keysAt(1),
    categories: ['keyspace', 'write', 'fast'],
    summary: "Set a key's time to live in milliseconds",
    since: '2.6.0',
    group: 'generic',
    complexity: 'O(1)',
    handler: (client, argv) => expireGeneric(client, argv, 'pexpire', true, false),
  },
  {
    name: 'expireat',
    arity: -3,
    flags: ['write', 'fast'],
    keys: keysAt(1),
    categories: ['keyspace', 'write', 'fast'],
    summary: 'Set the expiration for a key as a UNIX timestamp',
    since: '1.2.0',
    group: 'generic',
    complexity: 'O(1)',
    handler: (client, argv) => expireGeneric(client, argv, 'expireat', false, true),
  },
  {
    name: 'pexpireat',
    arity: -3,
    flags: ['write', 'fast'],
    keys: keysAt(1),
    categories: ['keyspace', 'write', 'fast'],
    summary: 'Set the expiration for a key as a UNIX timestamp specified in milliseconds',
    since: '2.6.0',
    group: 'generic',
    complexity: 'O(1)',
    handler: (client, argv) => expireGeneric(client, argv, 'pexpireat', false, false),
  },
  {
    name: 'ttl',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: keysAt(1),
    categories: ['keyspace', 'read', 'fast'],
    summary: 'Get the time to live for a key in seconds',
    since: '1.0.0',
    group: 'generic',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    handler: (client, argv) => ttlGeneric(client, argv, false),
  },
  {
    name: 'pttl',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: keysAt(1),
    categories: ['keyspace', 'read', 'fast'],
    summary: 'Get the time to live for a key in milliseconds',
    since: '2.6.0',
    group: 'generic',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    handler: (client, argv) => ttlGeneric(client, argv, true),
  },
  {
    name: 'persist',
    arity: 2,
    flags: ['write', 'fast'],
    keys: keysAt(1),
    categories: ['keyspace', 'write', 'fast'],
    summary: 'Remove the expiration from a key',
    since: '2.2.0',
    group: 'generic',
    complexity: 'O(1)',
    handler(client, argv) {
      const db = client.db;
      const key = str(argv[1]);
      const entry = db.lookupWrite(key);
      if (entry === undefined || !db.persist(entry)) {
        client.reply.integer(0);
        return;
      }
      client.server.keyChanged(db, key, 'g', 'persist');
      client.reply.integer(1);
    },
  },
  {
    name: 'expiretime',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: keysAt(1),
    categories: ['keyspace', 'read', 'fast'],
    summary: 'Get the expiration Unix timestamp for a key',
    since: '7.0.0',
    group: 'generic',
    complexity: 'O(1)',
    handler: (client, argv) => expireTimeGeneric(client, argv, false),
  },
  {
    name: 'pexpiretime',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: keysAt(1),
    categories: ['keyspace', 'read', 'fast'],
    summary: 'Get the expiration Unix timestamp for a key in milliseconds',
    since: '7.0.0',
    group: 'generic',
    complexity: 'O(1)',
    handler: (client, argv) => expireTimeGeneric(client, argv, true),
  },
  {
    name: 'object',
    arity: -2,
    flags: [],
    keys: null,
    categories: ['slow'],
    summary: 'A container for object introspection commands',
    since: '2.2.3',
    group: 'generic',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'encoding',
        arity: 3,
        flags: ['readonly'],
        keys: keysAt(2),
        categories: ['keyspace', 'read', 'slow'],
        summary: 'Inspect the internal encoding of a Redis object',
        since: '2.2.3',
        group: 'generic',
        complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        handler(client, argv) {
          const entry = objectEntry(client, argv);
          if (entry !== undefined) client.reply.bulk(hooksFor(entry.type).encoding(entry, client.server));
        },
      },
      {
        name: 'freq',
        arity: 3,
        flags: ['readonly'],
        keys: keysAt(2),
        categories: ['keyspace', 'read', 'slow'],
        summary: 'Get the logarithmic access frequency counter of a Redis object',
        since: '4.0.0',
        group: 'generic',
        complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        handler(client, argv) {
          const entry = objectEntry(client, argv);
          if (entry === undefined) return;
          if (!isLfuPolicy(policyOf(client.server))) throw new ReplyError(errors.noLfu);
          client.reply.integer(readFrequency(entry, client.server));
        },
      },
      {
        name: 'idletime',
        arity: 3,
        flags: ['readonly'],
        keys: keysAt(2),
        categories: ['keyspace', 'read', 'slow'],
        summary: 'Get the time since a Redis object was last accessed',
        since: '2.2.3',
        group: 'generic',
        complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        handler(client, argv) {
          const entry = objectEntry(client, argv);
          if (entry === undefined) return;
          if (isLfuPolicy(policyOf(client.server))) throw new ReplyError(errors.lfuSelected);
          // Redis's LRU clock ticks in whole seconds.
          const now = client.server.clock.now();
          client.reply.integer(Math.max(0, Math.floor(now / 1000) - Math.floor(entry.lastAccess / 1000)));
        },
      },
      {
        name: 'refcount',
        arity: 3,
        flags: ['readonly'],
        keys: keysAt(2),
        categories: ['keyspace', 'read', 'slow'],
        summary: 'Get the number of references to the value of the key',
        since: '2.2.3',
        group: 'generic',
        complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        handler(client, argv) {
          const entry = objectEntry(client, argv);
          if (entry === undefined) return;
          const value = entry.value;
          const shared =
            entry.type === 'string' &&
            typeof value === 'string' &&
            value.length <= 4 &&
            isIntegerEncodable(value) &&
            Number(value) >= 0 &&
            Number(value) < SHARED_INTEGERS &&
            sharesIntegers(client.server);
          client.reply.integer(shared ? SHARED_REFCOUNT : 1);
        },
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        keys: null,
        categories: ['keyspace', 'slow'],
        summary: 'Show helpful text about the different subcommands',
        since: '6.2.0',
        group: 'generic',
        complexity: 'O(1)',
        handler(client) {
          client.reply.array(OBJECT_HELP.length);
          for (const line of OBJECT_HELP) client.reply.simple(line);
        },
      },
    ],
  },
];
