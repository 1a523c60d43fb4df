// Hash commands (t_hash.c). A hash is a HashValue (server/types/hash.ts):
// listpack-encoded while small, a hashtable for good once it outgrows
// hash-max-listpack-entries / hash-max-listpack-value.
//
// The order of checks follows Redis, because clients can see it: HSET checks
// its pair count before the key's type; HINCRBY / HINCRBYFLOAT / HRANDFIELD
// parse their numbers before the lookup; HSCAN parses the cursor, then looks
// the key up (a missing key answers an empty scan whatever the options), and
// only then reads its options.

import { lower, str } from '../bytes.js';
import type { Client } from '../client.js';
import type { Db, Entry } from '../keyspace.js';
import type { Server } from '../server.js';
import type { CommandDef } from './types.js';
import { keysAt } from './types.js';
import { Errors, ReplyError } from '../errors.js';
import { MAX_RANDOM_REPLY, parseInt64, parseInteger, parseLongDoubleArg, RANDOM_REPLY_TOO_LARGE } from './arguments.js';
import { incrementFloatText } from '../resp/number-format.js';
import { parseScanCursor, parseScanOptions, replyEmptyScan } from '../scan.js';
import { registerValueType } from './keys.js';
import { HashValue, type HashCell } from '../types/hash.js';

const HASH_NOT_INTEGER = 'ERR hash value is not an integer';
const HASH_NOT_FLOAT = 'ERR hash value is not a float';
const INCREMENT_NAN = 'ERR value is NaN or Infinity';
const RESULT_NAN = 'ERR increment would produce NaN or Infinity';
const OUT_OF_RANGE = 'ERR value is out of range';
const COUNT_RANGE = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
/** LONG_MAX / 2: HRANDFIELD's bound on a count WITHVALUES (the reply would double it). */
const HALF_LONG_MAX = 4611686018427387903n;
/** Below this magnitude, sums of two integers stay exact as JS numbers. */
const SAFE_HALF = 2 ** 52;

registerValueType('hash', {
  clone: (value) => asHash(value).clone(),
  encoding: (entry) => hashOf(entry).encoding,
});

// ---------------------------------------------------------------------------
// Shared pieces

function asHash(value: unknown): HashValue {
  if (value instanceof HashValue) return value;
  // A plain Map (made directly in the keyspace by a test or a loader) is taken as is.
  if (value instanceof Map) return HashValue.fromPairs(value as Map<string, string>);
  throw new Error('hash entry without a HashValue');
}

/** The entry's HashValue, upgrading a plain Map in place. */
function hashOf(entry: Entry): HashValue {
  const value = entry.value;
  if (value instanceof HashValue) return value;
  const hash = asHash(value);
  entry.value = hash;
  return hash;
}

/** The hash at key for a read command (counts a hit or miss), or undefined; WRONGTYPE otherwise. */
function readHash(client: Client, key: string): HashValue | undefined {
  const entry = client.db.lookupRead(key, client.noTouch);
  if (entry === undefined) return undefined;
  if (entry.type !== 'hash') throw new ReplyError(Errors.wrongType);
  return hashOf(entry);
}

/** The hash at key for a write, or undefined when absent; WRONGTYPE for another type. */
function writeHash(db: Db, key: string): HashValue | undefined {
  const entry = db.lookupWrite(key);
  if (entry === undefined) return undefined;
  if (entry.type !== 'hash') throw new ReplyError(Errors.wrongType);
  return hashOf(entry);
}

/** The hash found by writeHash, or a new empty one added at key (hashTypeLookupWriteOrCreate). */
function createHash(db: Db, key: string, found: HashValue | undefined): HashValue {
  if (found !== undefined) return found;
  const hash = new HashValue();
  db.add(key, 'hash', hash);
  return hash;
}

function maxListpackValue(server: Server): number {
  return server.config.int('hash-max-listpack-value');
}

function maxListpackEntries(server: Server): number {
  return server.config.int('hash-max-listpack-entries');
}

/** hashTypeTryConversion: any argument in argv[from..] longer than the value limit converts. */
function convertForArguments(server: Server, hash: HashValue, argv: Buffer[], from: number, to: number): void {
  if (hash.encoding !== 'listpack') return;
  const limit = maxListpackValue(server);
  for (let i = from; i <= to; i++) {
    if (argv[i].length > limit) {
      hash.convert();
      return;
    }
  }
}

/** After an insert: more fields than the listpack allows converts. */
function convertForSize(server: Server, hash: HashValue): void {
  if (hash.encoding === 'listpack' && hash.size > maxListpackEntries(server)) hash.convert();
}

/** hashTypeSet as HINCRBY* use it: long field or value converts first, then the size rule. */
function setChecked(server: Server, hash: HashValue, field: string, value: string): void {
  if (hash.encoding === 'listpack') {
    const limit = maxListpackValue(server);
    if (field.length > limit || value.length > limit) hash.convert();
  }
  hash.set(field, value);
  convertForSize(server, hash);
}

/** A stored value as string2ll reads it, or null. */
function storedInteger(text: string): number | bigint | null {
  const n = text.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  if (text.charCodeAt(0) === 45) {
    if (n === 1) return null;
    i = 1;
  }
  const first = text.charCodeAt(i);
  if (first === 48) return n === 1 ? 0 : null;
  if (first < 49 || first > 57) return null;
  for (let j = i + 1; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  if (n - i <= 15) return Number(text);
  const big = BigInt(text);
  return big > INT64_MAX || big < INT64_MIN ? null : big;
}

/** Redis counts one change per field written; keyChanged already counted one. */
function addDirty(server: Server, changes: number, counted: number): void {
  server.dirty += changes - counted;
}

function replyPairs(client: Client, cells: readonly HashCell[]): void {
  const reply = client.reply;
  reply.array(cells.length * 2);
  for (const cell of cells) {
    reply.bulk(cell.field);
    reply.bulk(cell.value);
  }
}

// ---------------------------------------------------------------------------
// Handlers

function hsetGeneric(client: Client, argv: Buffer[], name: string): number {
  if (argv.length % 2 === 1) throw new ReplyError(Errors.arity(name));
  const key = str(argv[1]);
  const db = client.db;
  const server = client.server;
  const hash = createHash(db, key, writeHash(db, key));
  convertForArguments(server, hash, argv, 2, argv.length - 1);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) {
    if (hash.set(str(argv[i]), str(argv[i + 1]))) created++;
  }
  convertForSize(server, hash);
  server.keyChanged(db, key, 'h', 'hset');
  addDirty(server, (argv.length - 2) / 2, 1);
  return created;
}

type Reply = 'keys' | 'values' | 'both';

function hgetallGeneric(client: Client, argv: Buffer[], what: Reply): void {
  const hash = readHash(client, str(argv[1]));
  const reply = client.reply;
  if (hash === undefined) {
    if (what === 'both') reply.map(0);
    else reply.array(0);
    return;
  }
  if (what === 'both') {
    reply.map(hash.size);
    for (const cell of hash.values()) {
      reply.bulk(cell.field);
      reply.bulk(cell.value);
    }
  } else {
    reply.array(hash.size);
    for (const cell of hash.values()) reply.bulk(what === 'keys' ? cell.field : cell.value);
  }
}

function hincrby(client: Client, argv: Buffer[]): void {
  let increment: number | bigint = parseInteger(argv[3]);
  if (Math.abs(increment) >= SAFE_HALF) increment = parseInt64(argv[3]);
  const key = str(argv[1]);
  const field = str(argv[2]);
  const db = client.db;
  const found = writeHash(db, key);
  const current = found?.get(field);
  let old: number | bigint = 0;
  if (current !== undefined) {
    const parsed = storedInteger(current);
    if (parsed === null) throw new ReplyError(HASH_NOT_INTEGER);
    old = parsed;
  }
  let result: number | bigint;
  if (typeof old === 'number' && typeof increment === 'number' && Math.abs(old) < SAFE_HALF) {
    result = old + increment;
  } else {
    const sum = BigInt(old) + BigInt(increment);
    if (sum > INT64_MAX || sum < INT64_MIN) throw new ReplyError(Errors.overflow);
    result = sum;
  }
  const hash = createHash(db, key, found);
  setChecked(client.server, hash, field, String(result));
  client.server.keyChanged(db, key, 'h', 'hincrby');
  client.reply.integer(result);
}

function hincrbyfloat(client: Client, argv: Buffer[]): void {
  const increment = parseLongDoubleArg(argv[3]);
  if (increment.infinite) throw new ReplyError(INCREMENT_NAN);
  const key = str(argv[1]);
  const field = str(argv[2]);
  const db = client.db;
  const found = writeHash(db, key);
  const outcome = incrementFloatText(found?.get(field) ?? null, increment);
  if ('error' in outcome) throw new ReplyError(outcome.error === 'notFloat' ? HASH_NOT_FLOAT : RESULT_NAN);
  const hash = createHash(db, key, found);
  setChecked(client.server, hash, field, outcome.text);
  client.server.keyChanged(db, key, 'h', 'hincrbyfloat');
  // Effect (AOF): the result, so a replay does not redo float arithmetic.
  if (client.server.effects.active) client.server.effects.replace(db.id, ['HSET', key, field, outcome.text]);
  client.reply.bulk(outcome.text);
}

function hdel(client: Client, argv: Buffer[]): void {
  const key = str(argv[1]);
  const db = client.db;
  const hash = writeHash(db, key);
  if (hash === undefined) {
    client.reply.integer(0);
    return;
  }
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) {
    if (hash.delete(str(argv[i]))) {
      deleted++;
      if (hash.size === 0) break;
    }
  }
  if (deleted > 0) {
    const server = client.server;
    server.keyChanged(db, key, 'h', 'hdel');
    let counted = 1;
    if (hash.size === 0) {
      db.remove(key);
      server.keyChanged(db, key, 'g', 'del');
      counted++;
    }
    addDirty(server, deleted, counted);
  }
  client.reply.integer(deleted);
}

/** One HRANDFIELD element: field, or field and value (a pair array in RESP3). */
function replyRandomElement(client: Client, cell: HashCell, withValues: boolean): void {
  const reply = client.reply;
  if (withValues && client.resp === 3) reply.array(2);
  reply.bulk(cell.field);
  if (withValues) reply.bulk(cell.value);
}

function hrandfield(client: Client, argv: Buffer[]): void {
  const key = str(argv[1]);
  if (argv.length === 2) {
    const hash = readHash(client, key);
    if (hash === undefined) client.reply.nullBulk();
    else client.reply.bulk(hash.random().field);
    return;
  }
  const count64 = parseInt64(argv[2]);
  if (count64 === INT64_MIN) throw new ReplyError(COUNT_RANGE);
  let withValues = false;
  if (argv.length > 4 || (argv.length === 4 && lower(argv[3]) !== 'withvalues')) {
    throw new ReplyError(Errors.syntax);
  } else if (argv.length === 4) {
    withValues = true;
    if (count64 < -HALF_LONG_MAX || count64 > HALF_LONG_MAX) throw new ReplyError(OUT_OF_RANGE);
  }
  const hash = readHash(client, key);
  const reply = client.reply;
  if (hash === undefined || count64 === 0n) {
    reply.array(0);
    return;
  }
  const size = hash.size;
  const header = (n: number) => reply.array(withValues && client.resp === 2 ? n * 2 : n);
  if (count64 < 0n || count64 === 1n) {
    // With repeats: each pick samples the whole hash.
    const count = Number(count64 < 0n ? -count64 : count64);
    if (count > MAX_RANDOM_REPLY) throw new ReplyError(RANDOM_REPLY_TOO_LARGE);
    header(count);
    if (hash.encoding === 'listpack') {
      const cells = hash.toArray();
      for (let i = 0; i < count; i++) replyRandomElement(client, cells[Math.floor(Math.random() * size)], withValues);
    } else {
      for (let i = 0; i < count; i++) replyRandomElement(client, hash.random(), withValues);
    }
    return;
  }
  if (count64 >= BigInt(size)) {
    header(size);
    for (const cell of hash.values()) replyRandomElement(client, cell, withValues);
    return;
  }
  // Distinct fields: a partial Fisher-Yates shuffle of the slots.
  const count = Number(count64);
  const cells = hash.toArray();
  const slots = Array.from({ length: size }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (size - i));
    const t = slots[i];
    slots[i] = slots[j];
    slots[j] = t;
  }
  const picked = slots.slice(0, count);
  // Redis samples a small share of a listpack in listpack order (lpRandomPairsUnique);
  // a larger share comes out of a temporary dict, in no particular order.
  if (hash.encoding === 'listpack' && count * 3 <= size) picked.sort((a, b) => a - b);
  header(count);
  for (const slot of picked) replyRandomElement(client, cells[slot], withValues);
}

function hscan(client: Client, argv: Buffer[]): void {
  const cursor = parseScanCursor(argv[2]);
  const hash = readHash(client, str(argv[1]));
  if (hash === undefined) {
    replyEmptyScan(client);
    return;
  }
  const { count, match } = parseScanOptions(argv, 3, false);
  const reply = client.reply;
  const found: HashCell[] = [];
  let next = 0;
  if (hash.encoding === 'listpack') {
    // A listpack is small: Redis answers all of it at once, whatever the cursor.
    for (const cell of hash.values()) if (match === null || match(cell.field)) found.push(cell);
  } else {
    next = hash.scan(cursor, count, (cell) => {
      if (match === null || match(cell.field)) found.push(cell);
    });
  }
  reply.array(2);
  reply.bulk(String(next));
  replyPairs(client, found);
}

// ---------------------------------------------------------------------------
// The table

const NOT_DETERMINISTIC_ORDER = ['nondeterministic_output_order'];
const ALL_OF_IT = 'O(N) where N is the size of the hash.';

export const hashCommands: CommandDef[] = [
  {
    name: 'hset',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'hash', 'fast'],
    summary: 'Set the string value of a hash field',
    since: '2.0.0',
    group: 'hash',
    complexity:
      'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    handler(client, argv) {
      const created = hsetGeneric(client, argv, 'hset');
      client.reply.integer(created);
    },
  },
  {
    name: 'hmset',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'hash', 'fast'],
    summary: 'Set multiple hash fields to multiple values',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(N) where N is the number of fields being set.',
    handler(client, argv) {
      hsetGeneric(client, argv, 'hmset');
      client.reply.ok();
    },
  },
  {
    name: 'hsetnx',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'hash', 'fast'],
    summary: 'Set the value of a hash field, only if the field does not exist',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(1)',
    handler(client, argv) {
      const key = str(argv[1]);
      const field = str(argv[2]);
      const db = client.db;
      const server = client.server;
      const found = writeHash(db, key);
      if (found !== undefined && found.has(field)) {
        client.reply.integer(0);
        return;
      }
      const hash = createHash(db, key, found);
      convertForArguments(server, hash, argv, 2, 3);
      hash.set(field, str(argv[3]));
      convertForSize(server, hash);
      server.keyChanged(db, key, 'h', 'hset');
      client.reply.integer(1);
    },
  },
  {
    name: 'hget',
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: keysAt(1),
    categories: ['read', 'hash', 'fast'],
    summary: 'Get the value of a hash field',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(1)',
    handler(client, argv) {
      const hash = readHash(client, str(argv[1]));
      client.reply.bulkOrNull(hash === undefined ? undefined : hash.get(str(argv[2])));
    },
  },
  {
    name: 'hmget',
    arity: -3,
    flags: ['readonly', 'fast'],
    keys: keysAt(1),
    categories: ['read', 'hash', 'fast'],
    summary: 'Get the values of all the given hash fields',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(N) where N is the number of fields being requested.',
    handler(client, argv) {
      const hash = readHash(client, str(argv[1]));
      const reply = client.reply;
      reply.array(argv.length - 2);
      for (let i = 2; i < argv.length; i++) {
        reply.bulkOrNull(hash === undefined ? undefined : hash.get(str(argv[i])));
      }
    },
  },
  {
    name: 'hgetall',
    arity: 2,
    flags: ['readonly'],
    keys: keysAt(1),
    categories: ['read', 'hash', 'slow'],
    summary: 'Get all the fields and values in a hash',
    since: '2.0.0',
    group: 'hash',
    complexity: ALL_OF_IT,
    tips: NOT_DETERMINISTIC_ORDER,
    handler(client, argv) {
      hgetallGeneric(client, argv, 'both');
    },
  },
  {
    name: 'hkeys',
    arity: 2,
    flags: ['readonly'],
    keys: keysAt(1),
    categories: ['read', 'hash', 'slow'],
    summary: 'Get all the fields in a hash',
    since: '2.0.0',
    group: 'hash',
    complexity: ALL_OF_IT,
    tips: NOT_DETERMINISTIC_ORDER,
    handler(client, argv) {
      hgetallGeneric(client, argv, 'keys');
    },
  },
  {
    name: 'hvals',
    arity: 2,
    flags: ['readonly'],
    keys: keysAt(1),
    categories: ['read', 'hash', 'slow'],
    summary: 'Get all the values in a hash',
    since: '2.0.0',
    group: 'hash',
    complexity: ALL_OF_IT,
    tips: NOT_DETERMINISTIC_ORDER,
    handler(client, argv) {
      hgetallGeneric(client, argv, 'values');
    },
  },
  {
    name: 'hdel',
    arity: -3,
    flags: ['write', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'hash', 'fast'],
    summary: 'Delete one or more hash fields',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(N) where N is the number of fields to be removed.',
    handler: hdel,
  },
  {
    name: 'hexists',
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: keysAt(1),
    categories: ['read', 'hash', 'fast'],
    summary: 'Determine if a hash field exists',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(1)',
    handler(client, argv) {
      const hash = readHash(client, str(argv[1]));
      client.reply.integer(hash !== undefined && hash.has(str(argv[2])) ? 1 : 0);
    },
  },
  {
    name: 'hlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: keysAt(1),
    categories: ['read', 'hash', 'fast'],
    summary: 'Get the number of fields in a hash',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(1)',
    handler(client, argv) {
      const hash = readHash(client, str(argv[1]));
      client.reply.integer(hash === undefined ? 0 : hash.size);
    },
  },
  {
    name: 'hstrlen',
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: keysAt(1),
    categories: ['read', 'hash', 'fast'],
    summary: 'Get the length of the value of a hash field',
    since: '3.2.0',
    group: 'hash',
    complexity: 'O(1)',
    handler(client, argv) {
      const hash = readHash(client, str(argv[1]));
      client.reply.integer(hash?.get(str(argv[2]))?.length ?? 0);
    },
  },
  {
    name: 'hincrby',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'hash', 'fast'],
    summary: 'Increment the integer value of a hash field by the given number',
    since: '2.0.0',
    group: 'hash',
    complexity: 'O(1)',
    handler: hincrby,
  },
  {
    name: 'hincrbyfloat',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'hash', 'fast'],
    summary: 'Increment the float value of a hash field by the given amount',
    since: '2.6.0',
    group: 'hash',
    complexity: 'O(1)',
    handler: hincrbyfloat,
  },
  {
    name: 'hrandfield',
    arity: -2,
    flags: ['readonly'],
    keys: keysAt(1),
    categories: ['read', 'hash', 'slow'],
    summary: 'Get one or multiple random fields from a hash',
    since: '6.2.0',
    group: 'hash',
    complexity: 'O(N) where N is the number of fields returned',
    tips: ['nondeterministic_output'],
    handler: hrandfield,
  },
  {
    name: 'hscan',
    arity: -3,
    flags: ['readonly'],
    keys: keysAt(1),
    categories: ['read', 'hash', 'slow'],
    summary: 'Incrementally iterate hash fields and associated values',
    since: '2.8.0',
    group: 'hash',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    tips: ['nondeterministic_output'],
    handler: hscan,
  },
];
