// The list family (Redis's t_list.c): pushes and pops at both ends, positional
// access, LPOS/LINSERT/LREM/LTRIM, moves between lists, and the blocking
// variants, which park the client in server/blocking.ts until a push arrives.

import '../bytes.js';
import { str, lower } from '../bytes.js';
import type { CommandDef, Flag } from './types.js';
import { keysAt } from './types.js';
import { Errors, ReplyError } from '../errors.js';
import { parseInteger, parseLongDoubleArg } from './arguments.js';
import type { Client } from '../client.js';
import type { Db } from '../keyspace.js';
import { List } from '../types/list.js';
import { registerValueType } from './keys.js';
import { blockClient } from '../blocking.js';

// Redis 7.0 stores every list as a quicklist (listpack-encoded lists came in 7.2).
registerValueType('list', {
  clone: (value) => (value as List).clone(),
  encoding: () => 'quicklist',
});

const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';
const RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
const COUNT_NEGATIVE = "ERR COUNT can't be negative";
const MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
const NUMKEYS_ERROR = 'ERR numkeys should be greater than 0';
const COUNT_POSITIVE = 'ERR count should be greater than 0';
const TIMEOUT_NOT_FLOAT = 'ERR timeout is not a float or out of range';
const TIMEOUT_NEGATIVE = 'ERR timeout is negative';

type End = 'left' | 'right';

// ---- helpers ----------------------------------------------------------------

/** The list at key for a read (hit/miss counted), undefined if absent; WRONGTYPE otherwise. */
function readList(client: Client, key: string): List | undefined {
  const entry = client.db.lookupRead(key, client.noTouch);
  if (entry === undefined) return undefined;
  if (entry.type !== 'list') throw new ReplyError(Errors.wrongType);
  return entry.value as List;
}

function writeList(db: Db, key: string): List | undefined {
  const entry = db.lookupWrite(key);
  if (entry === undefined) return undefined;
  if (entry.type !== 'list') throw new ReplyError(Errors.wrongType);
  return entry.value as List;
}

/** Whether key holds something other than a list (absent is fine). */
function holdsOtherType(db: Db, key: string): boolean {
  const entry = db.lookup(key);
  return entry !== undefined && entry.type !== 'list';
}

function pop(list: List, end: End): string {
  return (end === 'left' ? list.popFront() : list.popBack())!;
}

function push(list: List, end: End, value: string): void {
  if (end === 'left') list.pushFront(value);
  else list.pushBack(value);
}

/** After elements left key's list: the pop event, and the key goes when it is empty. */
function afterPop(client: Client, db: Db, key: string, list: List, end: End): void {
  const server = client.server;
  server.keyChanged(db, key, 'l', end === 'left' ? 'lpop' : 'rpop');
  if (list.length === 0) {
    db.remove(key);
    server.keyChanged(db, key, 'g', 'del');
  }
}

function parseEnd(arg: Buffer): End {
  const word = lower(arg);
  if (word === 'left') return 'left';
  if (word === 'right') return 'right';
  throw new ReplyError(Errors.syntax);
}

/**
 * A blocking timeout in seconds (a long double, as Redis 7.0 reads it) to
 * milliseconds, truncated; 0 means forever. Values past the int64 range of
 * milliseconds come out negative in Redis, so they get the same error.
 */
export function parseTimeout(arg: Buffer): number {
  const value = parseLongDoubleArg(arg, TIMEOUT_NOT_FLOAT);
  const magnitude = value.infinite ? Infinity : Number(value.mantissa) * 2 ** value.exponent;
  const seconds = value.negative ? -magnitude : magnitude;
  const ms = Math.trunc(seconds * 1000);
  if (ms < 0 || ms >= 9223372036854775807) throw new ReplyError(TIMEOUT_NEGATIVE);
  return ms === 0 ? 0 : ms; // -0 is 0
}

// ---- pushes ------------------------------------------------------------------

function pushCommand(client: Client, argv: Buffer[], end: End, onlyIfExists: boolean): void {
  const key = str(argv[1]);
  const db = client.db;
  let list = writeList(db, key);
  if (list === undefined) {
    if (onlyIfExists) {
      client.reply.integer(0);
      return;
    }
    list = new List();
    db.add(key, 'list', list);
  }
  for (let i = 2; i < argv.length; i++) push(list, end, str(argv[i]));
  client.server.keyChanged(db, key, 'l', end === 'left' ? 'lpush' : 'rpush');
  client.reply.integer(list.length);
}

// ---- pops ------------------------------------------------------------------

function popCommand(client: Client, argv: Buffer[], end: End): void {
  const key = str(argv[1]);
  let count = -1;
  if (argv.length > 3) throw new ReplyError(Errors.arity(end === 'left' ? 'lpop' : 'rpop'));
  if (argv.length === 3) {
    count = parseInteger(argv[2], MUST_BE_POSITIVE);
    if (count < 0) throw new ReplyError(MUST_BE_POSITIVE);
  }
  const db = client.db;
  const list = writeList(db, key);
  if (list === undefined) {
    if (count < 0) client.reply.nullBulk();
    else client.reply.nullArray();
    return;
  }
  if (count < 0) {
    client.reply.bulk(pop(list, end));
  } else {
    const n = Math.min(count, list.length);
    client.reply.array(n);
    for (let i = 0; i < n; i++) client.reply.bulk(pop(list, end));
    if (n === 0) return;
  }
  afterPop(client, db, key, list, end);
}

/** LMPOP/BLMPOP arguments from argv[at]: numkeys key... LEFT|RIGHT [COUNT n]. */
interface MpopArgs {
  keys: string[];
  end: End;
  count: number;
}

function parseMpop(argv: Buffer[], at: number): MpopArgs {
  const numkeys = parseInteger(argv[at], NUMKEYS_ERROR);
  if (numkeys <= 0) throw new ReplyError(NUMKEYS_ERROR);
  const whereAt = at + 1 + numkeys;
  if (numkeys > argv.length - at - 2) throw new ReplyError(Errors.syntax);
  const keys: string[] = [];
  for (let i = at + 1; i < whereAt; i++) keys.push(str(argv[i]));
  const end = parseEnd(argv[whereAt]);
  let count = 1;
  let countSeen = false;
  for (let i = whereAt + 1; i < argv.length; i++) {
    if (lower(argv[i]) === 'count' && !countSeen && i + 1 < argv.length) {
      count = parseInteger(argv[i + 1], COUNT_POSITIVE);
      if (count <= 0) throw new ReplyError(COUNT_POSITIVE);
      countSeen = true;
      i++;
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  return { keys, end, count };
}

/** Pops up to count from the first non-empty list among keys; false when all are empty. */
function mpopFrom(client: Client, db: Db, keys: readonly string[], end: End, count: number): boolean {
  for (const key of keys) {
    const list = writeList(db, key);
    if (list === undefined || list.length === 0) continue;
    replyMpop(client, db, key, list, end, count);
    return true;
  }
  return false;
}

function replyMpop(client: Client, db: Db, key: string, list: List, end: End, count: number): void {
  const n = Math.min(count, list.length);
  client.reply.array(2);
  client.reply.bulk(key);
  client.reply.array(n);
  for (let i = 0; i < n; i++) client.reply.bulk(pop(list, end));
  afterPop(client, db, key, list, end);
  // Effect (AOF): LMPOP/BLMPOP replay as the pop they did.
  if (client.server.effects.active) client.server.effects.replace(db.id, [end === 'left' ? 'LPOP' : 'RPOP', key, String(n)]);
}

function mpopKeys(at: number) {
  return (argv: readonly Buffer[]): number[] => {
    let n: number;
    try {
      n = parseInteger(argv[at]);
    } catch {
      return [];
    }
    const keys: number[] = [];
    for (let i = 0; i < n && at + 1 + i < argv.length; i++) keys.push(at + 1 + i);
    return keys;
  };
}

// ---- moves ------------------------------------------------------------------

/**
 * LMOVE's work once the source is known non-empty: WRONGTYPE if the destination
 * is not a list (nothing popped), else pop, push, reply the element.
 */
function moveOne(client: Client, db: Db, source: string, list: List, destination: string, from: End, to: End): void {
  if (holdsOtherType(db, destination)) throw new ReplyError(Errors.wrongType);
  const value = pop(list, from);
  const server = client.server;
  let target = writeList(db, destination);
  if (target === undefined) {
    target = new List();
    db.add(destination, 'list', target);
  }
  push(target, to, value);
  server.keyChanged(db, destination, 'l', to === 'left' ? 'lpush' : 'rpush');
  // Source and destination may be one list (rotation): it is never empty then.
  afterPop(client, db, source, list, from);
  client.reply.bulk(value);
}

function moveCommand(client: Client, source: string, destination: string, from: End, to: End): boolean {
  const db = client.db;
  const list = writeList(db, source);
  if (list === undefined || list.length === 0) return false;
  moveOne(client, db, source, list, destination, from, to);
  return true;
}

// ---- blocking ----------------------------------------------------------------

/**
 * Blocks client on keys, or answers a null at once when it may not block
 * (inside MULTI/EXEC or a script): a null array, except for the moves
 * (BLMOVE, BRPOPLPUSH), which answer their non-blocking form's null bulk.
 */
export function blockOn(
  client: Client,
  keys: string[],
  timeoutMs: number,
  serve: (db: Db, key: string) => boolean,
  nullWhenDenied: 'array' | 'bulk' = 'array',
): void {
  if (client.denyBlocking) {
    if (nullWhenDenied === 'bulk') client.reply.nullBulk();
    else client.reply.nullArray();
    return;
  }
  const dbIndex = client.dbIndex;
  blockClient({ client, dbIndex, keys, timeoutMs, tryServe: serve });
}

/** A served waiter's reply leaves on the next flush, whatever errors its serving met. */
export function serving(client: Client, work: () => boolean): boolean {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof ReplyError)) throw error;
    client.reply.error(error.text);
    client.server.countError(error.text);
    return true;
  }
}

function blockingPop(client: Client, argv: Buffer[], end: End): void {
  const timeoutMs = parseTimeout(argv[argv.length - 1]);
  const keys: string[] = [];
  for (let i = 1; i < argv.length - 1; i++) keys.push(str(argv[i]));
  const db = client.db;
  for (const key of keys) {
    const list = writeList(db, key);
    if (list === undefined || list.length === 0) continue;
    client.reply.array(2);
    client.reply.bulk(key);
    client.reply.bulk(pop(list, end));
    afterPop(client, db, key, list, end);
    if (client.server.effects.active) client.server.effects.replace(db.id, [end === 'left' ? 'LPOP' : 'RPOP', key]);
    return;
  }
  blockOn(client, keys, timeoutMs, (db, key) =>
    serving(client, () => {
      const entry = db.lookup(key);
      if (entry === undefined || entry.type !== 'list') return false;
      const list = entry.value as List;
      if (list.length === 0) return false;
      client.reply.array(2);
      client.reply.bulk(key);
      client.reply.bulk(pop(list, end));
      afterPop(client, db, key, list, end);
      // Effect (AOF): the waiter's pop, after the push that served it.
      if (client.server.effects.active) client.server.effects.replace(db.id, [end === 'left' ? 'LPOP' : 'RPOP', key]);
      return true;
    }),
  );
}

function blockingMove(client: Client, source: string, destination: string, from: End, to: End, timeoutMs: number): void {
  // Effect (AOF): BLMOVE replays as LMOVE, BRPOPLPUSH as RPOPLPUSH.
  const moved = (dbId: number) => {
    const fx = client.server.effects;
    if (!fx.active) return;
    if (from === 'right' && to === 'left' && client.lastNameCommand?.name === 'brpoplpush') fx.replace(dbId, ['RPOPLPUSH', source, destination]);
    else fx.replace(dbId, ['LMOVE', source, destination, from, to]);
  };
  if (moveCommand(client, source, destination, from, to)) {
    moved(client.dbIndex);
    return;
  }
  blockOn(client, [source], timeoutMs, (db, key) =>
    serving(client, () => {
      const entry = db.lookup(key);
      if (entry === undefined || entry.type !== 'list') return false;
      const list = entry.value as List;
      if (list.length === 0) return false;
      moveOne(client, db, source, list, destination, from, to);
      moved(db.id);
      return true;
    }),
    'bulk',
  );
}

// ---- the table ----------------------------------------------------------------

interface Row {
  name: string;
  arity: number;
  flags: Flag[];
  first: number;
  last: number;
  categories: string[];
  summary: string;
  since: string;
  complexity: string;
  getKeys?: (argv: readonly Buffer[]) => number[];
  handler: (client: Client, argv: Buffer[]) => void;
}

function row(r: Row): CommandDef {
  return {
    name: r.name,
    arity: r.arity,
    flags: r.flags,
    keys: r.first === 0 ? null : keysAt(r.first, r.last),
    categories: r.categories,
    summary: r.summary,
    since: r.since,
    group: 'list',
    complexity: r.complexity,
    getKeys: r.getKeys,
    handler: r.handler,
  };
}

const PUSH_COMPLEXITY =
  'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.';
const WRITE_FAST = ['write', 'list', 'fast'];
const WRITE_SLOW = ['write', 'list', 'slow'];
const BLOCKING = ['write', 'list', 'slow', 'blocking'];

export const listCommands: CommandDef[] = [
  row({
    name: 'lpush', arity: -3, flags: ['write', 'denyoom', 'fast'], first: 1, last: 1, categories: WRITE_FAST,
    summary: 'Prepend one or multiple elements to a list', since: '1.0.0', complexity: PUSH_COMPLEXITY,
    handler: (client, argv) => pushCommand(client, argv, 'left', false),
  }),
  row({
    name: 'rpush', arity: -3, flags: ['write', 'denyoom', 'fast'], first: 1, last: 1, categories: WRITE_FAST,
    summary: 'Append one or multiple elements to a list', since: '1.0.0', complexity: PUSH_COMPLEXITY,
    handler: (client, argv) => pushCommand(client, argv, 'right', false),
  }),
  row({
    name: 'lpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], first: 1, last: 1, categories: WRITE_FAST,
    summary: 'Prepend an element to a list, only if the list exists', since: '2.2.0', complexity: PUSH_COMPLEXITY,
    handler: (client, argv) => pushCommand(client, argv, 'left', true),
  }),
  row({
    name: 'rpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], first: 1, last: 1, categories: WRITE_FAST,
    summary: 'Append an element to a list, only if the list exists', since: '2.2.0', complexity: PUSH_COMPLEXITY,
    handler: (client, argv) => pushCommand(client, argv, 'right', true),
  }),
  row({
    name: 'lpop', arity: -2, flags: ['write', 'fast'], first: 1, last: 1, categories: WRITE_FAST,
    summary: 'Remove and get the first elements in a list', since: '1.0.0',
    complexity: 'O(N) where N is the number of elements returned',
    handler: (client, argv) => popCommand(client, argv, 'left'),
  }),
  row({
    name: 'rpop', arity: -2, flags: ['write', 'fast'], first: 1, last: 1, categories: WRITE_FAST,
    summary: 'Remove and get the last elements in a list', since: '1.0.0',
    complexity: 'O(N) where N is the number of elements returned',
    handler: (client, argv) => popCommand(client, argv, 'right'),
  }),
  row({
    name: 'llen', arity: 2, flags: ['readonly', 'fast'], first: 1, last: 1, categories: ['read', 'list', 'fast'],
    summary: 'Get the length of a list', since: '1.0.0', complexity: 'O(1)',
    handler(client, argv) {
      const list = readList(client, str(argv[1]));
      client.reply.integer(list === undefined ? 0 : list.length);
    },
  }),
  row({
    name: 'lrange', arity: 4, flags: ['readonly'], first: 1, last: 1, categories: ['read', 'list', 'slow'],
    summary: 'Get a range of elements from a list', since: '1.0.0',
    complexity:
      'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.',
    handler(client, argv) {
      const key = str(argv[1]);
      const start = parseInteger(argv[2]);
      const stop = parseInteger(argv[3]);
      const list = readList(client, key);
      client.reply.bulkArray(list === undefined ? [] : list.range(start, stop));
    },
  }),
  row({
    name: 'lindex', arity: 3, flags: ['readonly'], first: 1, last: 1, categories: ['read', 'list', 'slow'],
    summary: 'Get an element from a list by its index', since: '1.0.0',
    complexity:
      'O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).',
    handler(client, argv) {
      const key = str(argv[1]);
      const list = readList(client, key);
      if (list === undefined) {
        client.reply.nullBulk();
        return;
      }
      const index = parseInteger(argv[2]);
      client.reply.bulkOrNull(list.at(index) ?? null);
    },
  }),
  row({
    name: 'lset', arity: 4, flags: ['write', 'denyoom'], first: 1, last: 1, categories: WRITE_SLOW,
    summary: 'Set the value of an element in a list by its index', since: '1.0.0',
    complexity: 'O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).',
    handler(client, argv) {
      const key = str(argv[1]);
      const db = client.db;
      const list = writeList(db, key);
      if (list === undefined) throw new ReplyError(Errors.noSuchKey);
      const index = parseInteger(argv[2]);
      if (!list.set(index, str(argv[3]))) throw new ReplyError(Errors.outOfRange);
      client.server.keyChanged(db, key, 'l', 'lset');
      client.reply.ok();
    },
  }),
  row({
    name: 'lrem', arity: 4, flags: ['write'], first: 1, last: 1, categories: WRITE_SLOW,
    summary: 'Remove elements from a list', since: '1.0.0',
    complexity: 'O(N+M) where N is the length of the list and M is the number of elements removed.',
    handler(client, argv) {
      const key = str(argv[1]);
      const count = parseInteger(argv[2]);
      const db = client.db;
      const list = writeList(db, key);
      if (list === undefined) {
        client.reply.integer(0);
        return;
      }
      const removed = list.remove(str(argv[3]), count);
      if (removed > 0) {
        client.server.keyChanged(db, key, 'l', 'lrem');
        if (list.length === 0) {
          db.remove(key);
          client.server.keyChanged(db, key, 'g', 'del');
        }
      }
      client.reply.integer(removed);
    },
  }),
  row({
    name: 'ltrim', arity: 4, flags: ['write'], first: 1, last: 1, categories: WRITE_SLOW,
    summary: 'Trim a list to the specified range', since: '1.0.0',
    complexity: 'O(N) where N is the number of elements to be removed by the operation.',
    handler(client, argv) {
      const key = str(argv[1]);
      const start = parseInteger(argv[2]);
      const stop = parseInteger(argv[3]);
      const db = client.db;
      const list = writeList(db, key);
      if (list !== undefined) {
        list.trim(start, stop);
        client.server.keyChanged(db, key, 'l', 'ltrim');
        if (list.length === 0) {
          db.remove(key);
          client.server.keyChanged(db, key, 'g', 'del');
        }
      }
      client.reply.ok();
    },
  }),
  row({
    name: 'linsert', arity: 5, flags: ['write', 'denyoom'], first: 1, last: 1, categories: WRITE_SLOW,
    summary: 'Insert an element before or after another element in a list', since: '2.2.0',
    complexity:
      'O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).',
    handler(client, argv) {
      const key = str(argv[1]);
      const where = lower(argv[2]);
      if (where !== 'before' && where !== 'after') throw new ReplyError(Errors.syntax);
      const db = client.db;
      const list = writeList(db, key);
      if (list === undefined) {
        client.reply.integer(0);
        return;
      }
      const length = list.insert(str(argv[3]), str(argv[4]), where === 'after');
      if (length > 0) client.server.keyChanged(db, key, 'l', 'linsert');
      client.reply.integer(length);
    },
  }),
  row({
    name: 'lpos', arity: -3, flags: ['readonly'], first: 1, last: 1, categories: ['read', 'list', 'slow'],
    summary: 'Return the index of matching elements on a list', since: '6.0.6',
    complexity:
      'O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.',
    handler(client, argv) {
      const key = str(argv[1]);
      const element = str(argv[2]);
      let rank = 1;
      let wrapped = false;
      let count = -1;
      let maxlen = 0;
      for (let i = 3; i < argv.length; i++) {
        const option = lower(argv[i]);
        const last = i + 1 >= argv.length;
        if (option === 'rank' && !last) {
          rank = parseInteger(argv[++i]);
          if (rank === 0) throw new ReplyError(RANK_ZERO);
          wrapped = str(argv[i]) === '-9223372036854775808';
        } else if (option === 'count' && !last) {
          count = parseInteger(argv[++i], COUNT_NEGATIVE);
          if (count < 0) throw new ReplyError(COUNT_NEGATIVE);
        } else if (option === 'maxlen' && !last) {
          maxlen = parseInteger(argv[++i], MAXLEN_NEGATIVE);
          if (maxlen < 0) throw new ReplyError(MAXLEN_NEGATIVE);
        } else {
          throw new ReplyError(Errors.syntax);
        }
      }
      const list = readList(client, key);
      const matches: number[] = [];
      if (list !== undefined) {
        const n = list.length;
        // RANK -9223372036854775808 overflows in Redis (-rank stays negative): every match from the
        // tail qualifies and a COUNT never stops the walk (COUNT 2 answers every match).
        const want = count === 0 || (wrapped && count > 0) ? Infinity : count < 0 ? 1 : count;
        const limit = maxlen === 0 ? n : Math.min(maxlen, n);
        let skip = wrapped ? 0 : Math.abs(rank) - 1;
        for (let step = 0; step < limit && matches.length < want; step++) {
          const i = rank > 0 ? step : n - 1 - step;
          if (list.get(i) !== element) continue;
          if (skip > 0) skip--;
          else matches.push(i);
        }
      }
      if (count < 0) {
        if (matches.length === 0) client.reply.nullBulk();
        else client.reply.integer(matches[0]);
        return;
      }
      client.reply.array(matches.length);
      for (const i of matches) client.reply.integer(i);
    },
  }),
  row({
    name: 'lmove', arity: 5, flags: ['write', 'denyoom'], first: 1, last: 2, categories: WRITE_SLOW,
    summary: 'Pop an element from a list, push it to another list and return it', since: '6.2.0', complexity: 'O(1)',
    handler(client, argv) {
      const from = parseEnd(argv[3]);
      const to = parseEnd(argv[4]);
      if (!moveCommand(client, str(argv[1]), str(argv[2]), from, to)) client.reply.nullBulk();
    },
  }),
  row({
    name: 'rpoplpush', arity: 3, flags: ['write', 'denyoom'], first: 1, last: 2, categories: WRITE_SLOW,
    summary: 'Remove the last element in a list, prepend it to another list and return it', since: '1.2.0',
    complexity: 'O(1)',
    handler(client, argv) {
      if (!moveCommand(client, str(argv[1]), str(argv[2]), 'right', 'left')) client.reply.nullBulk();
    },
  }),
  row({
    name: 'lmpop', arity: -4, flags: ['write', 'movablekeys'], first: 0, last: 0, categories: WRITE_SLOW,
    summary: 'Pop elements from a list', since: '7.0.0',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    getKeys: mpopKeys(1),
    handler(client, argv) {
      const args = parseMpop(argv, 1);
      if (!mpopFrom(client, client.db, args.keys, args.end, args.count)) client.reply.nullArray();
    },
  }),
  row({
    name: 'blpop', arity: -3, flags: ['write', 'noscript', 'blocking'], first: 1, last: -2, categories: BLOCKING,
    summary: 'Remove and get the first element in a list, or block until one is available', since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    handler: (client, argv) => blockingPop(client, argv, 'left'),
  }),
  row({
    name: 'brpop', arity: -3, flags: ['write', 'noscript', 'blocking'], first: 1, last: -2, categories: BLOCKING,
    summary: 'Remove and get the last element in a list, or block until one is available', since: '2.0.0',
    complexity: 'O(N) where N is the number of provided keys.',
    handler: (client, argv) => blockingPop(client, argv, 'right'),
  }),
  row({
    name: 'blmove', arity: 6, flags: ['write', 'denyoom', 'noscript', 'blocking'], first: 1, last: 2, categories: BLOCKING,
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    since: '6.2.0', complexity: 'O(1)',
    handler(client, argv) {
      const from = parseEnd(argv[3]);
      const to = parseEnd(argv[4]);
      const timeoutMs = parseTimeout(argv[5]);
      blockingMove(client, str(argv[1]), str(argv[2]), from, to, timeoutMs);
    },
  }),
  row({
    name: 'brpoplpush', arity: 4, flags: ['write', 'denyoom', 'noscript', 'blocking'], first: 1, last: 2,
    categories: BLOCKING,
    summary: 'Pop an element from a list, push it to another list and return it; or block until one is available',
    since: '2.2.0', complexity: 'O(1)',
    handler(client, argv) {
      const timeoutMs = parseTimeout(argv[3]);
      blockingMove(client, str(argv[1]), str(argv[2]), 'right', 'left', timeoutMs);
    },
  }),
  row({
    name: 'blmpop', arity: -5, flags: ['write', 'blocking', 'movablekeys'], first: 0, last: 0, categories: BLOCKING,
    summary: 'Pop elements from a list, or block until one is available', since: '7.0.0',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    getKeys: mpopKeys(2),
    handler(client, argv) {
      // Redis checks numkeys, direction and COUNT before the timeout.
      const args = parseMpop(argv, 2);
      const timeoutMs = parseTimeout(argv[1]);
      if (mpopFrom(client, client.db, args.keys, args.end, args.count)) return;
      blockOn(client, args.keys, timeoutMs, (db, key) =>
        serving(client, () => {
          const entry = db.lookup(key);
          if (entry === undefined || entry.type !== 'list') return false;
          const list = entry.value as List;
          if (list.length === 0) return false;
          replyMpop(client, db, key, list, args.end, args.count);
          return true;
        }),
      );
    },
  }),
];
