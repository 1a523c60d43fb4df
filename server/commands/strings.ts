// String commands (t_string.c): GET/SET and their variants, counters,
// ranges, and LCS. Values are latin1 strings (one char per byte).
//
// Order of checks follows Redis exactly, because clients can see it: e.g.
// INCRBY parses its increment before looking at the key, INCRBYFLOAT after;
// GETEX validates its expire time only once it found a string at the key.

import { constants as bufferConstants } from 'node:buffer';
import { lower, str } from '../bytes.js';
import type { Client } from '../client.js';
import { StringEncoding, type Db, type Entry } from '../keyspace.js';
import type { CommandDef } from './types.js';
import { keysAt } from './types.js';
import { Errors, ReplyError } from '../errors.js';
import { parseInteger, parseInt64, parseLongDoubleArg } from './arguments.js';
import { incrementFloatText } from '../resp/number-format.js';

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

const OFFSET_OUT_OF_RANGE = 'ERR offset is out of range';
const DECREMENT_OVERFLOW = 'ERR decrement would overflow';
const NAN_OR_INFINITY = 'ERR increment would produce NaN or Infinity';
const LCS_WRONG_TYPE = 'ERR The specified keys must contain string values';
const LCS_LEN_AND_IDX = 'ERR If you want both the length and indexes, please just use IDX.';
const LCS_NO_MEMORY = 'ERR Insufficient memory, failed allocating transient memory for LCS';

// ---------------------------------------------------------------------------
// Shared pieces

/** The string at key for a read command (counts a hit or miss), or undefined; WRONGTYPE otherwise. */
function readString(client: Client, key: string): string | undefined {
  const entry = client.db.lookupRead(key, client.noTouch);
  if (entry === undefined) return undefined;
  if (entry.type !== 'string') throw new ReplyError(Errors.wrongType);
  return entry.value as string;
}

/** The live entry at key for a write, which must be a string if present. */
function writeString(db: Db, key: string): Entry | undefined {
  const entry = db.lookupWrite(key);
  if (entry !== undefined && entry.type !== 'string') throw new ReplyError(Errors.wrongType);
  return entry;
}

/**
 * Redis's checkStringLength: a string may not grow past proto-max-bulk-len.
 * V8 caps strings a little below the default 512mb; past that cap we give
 * the same answer, since the value cannot be held.
 */
function checkStringLength(client: Client, size: number, append: number): void {
  const total = size + append;
  if (total > client.server.limits.protoMaxBulkLen || total > bufferConstants.MAX_STRING_LENGTH) {
    throw new ReplyError(Errors.stringTooLong);
  }
}

/** A stored value as an int64, with string2ll's rules; WRONG otherwise. */
function storedInteger(text: string): number | bigint {
  const n = text.length;
  if (n === 0 || n > 20) throw new ReplyError(Errors.notInteger);
  let i = 0;
  if (text.charCodeAt(0) === 45) {
    if (n === 1) throw new ReplyError(Errors.notInteger);
    i = 1;
  }
  const first = text.charCodeAt(i);
  if (first === 48 && n === 1) return 0;
  if (first < 49 || first > 57) throw new ReplyError(Errors.notInteger);
  for (let j = i + 1; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) throw new ReplyError(Errors.notInteger);
  }
  if (n - i <= 15) return Number(text);
  const big = BigInt(text);
  if (big > INT64_MAX || big < INT64_MIN) throw new ReplyError(Errors.notInteger);
  return big;
}

// ---------------------------------------------------------------------------
// SET / GETEX options (parseExtendedStringArgumentsOrReply)

const NX = 1;
const XX = 2;
const GET = 4;
const KEEPTTL = 8;
const PERSIST = 16;
const EX = 32;
const PX = 64;
const EXAT = 128;
const PXAT = 256;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

interface ExpireOptions {
  flags: number;
  /** The argument after EX/PX/EXAT/PXAT, still unparsed. */
  expire: Buffer | null;
}

/** Options of SET (from argv[3]) or GETEX (from argv[2]); syntax errors only, values are checked later. */
function parseExpireOptions(argv: Buffer[], start: number, isSet: boolean): ExpireOptions {
  let flags = 0;
  let expire: Buffer | null = null;
  for (let j = start; j < argv.length; j++) {
    const option = lower(argv[j]);
    const hasNext = j < argv.length - 1;
    if (option === 'nx' && isSet && !(flags & XX)) {
      flags |= NX;
    } else if (option === 'xx' && isSet && !(flags & NX)) {
      flags |= XX;
    } else if (option === 'get' && isSet) {
      flags |= GET;
    } else if (option === 'keepttl' && isSet && !(flags & (PERSIST | ANY_EXPIRE))) {
      flags |= KEEPTTL;
    } else if (option === 'persist' && !isSet && !(flags & (KEEPTTL | ANY_EXPIRE))) {
      flags |= PERSIST;
    } else if (option === 'ex' && hasNext && !(flags & (KEEPTTL | PERSIST | PX | EXAT | PXAT))) {
      flags |= EX;
      expire = argv[++j];
    } else if (option === 'px' && hasNext && !(flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT))) {
      flags |= PX;
      expire = argv[++j];
    } else if (option === 'exat' && hasNext && !(flags & (KEEPTTL | PERSIST | EX | PX | PXAT))) {
      flags |= EXAT;
      expire = argv[++j];
    } else if (option === 'pxat' && hasNext && !(flags & (KEEPTTL | PERSIST | EX | PX | EXAT))) {
      flags |= PXAT;
      expire = argv[++j];
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  return { flags, expire };
}

/** Largest expire text handled without BigInt: its milliseconds plus now stay exact. */
const FAST_EXPIRE_LIMIT = 2 ** 40;

/**
 * Redis's getExpireMillisecondsOrReply: the absolute expire time in ms.
 * <= 0, or an overflow of the int64 milliseconds, is an invalid expire time.
 */
function expireTime(client: Client, arg: Buffer, flags: number, command: string): number | bigint {
  const seconds = (flags & (EX | EXAT)) !== 0;
  const relative = (flags & (EX | PX)) !== 0;
  const now = client.server.clock.now();
  const n = parseInteger(arg);
  if (n <= 0) throw new ReplyError(Errors.invalidExpire(command));
  if (n < FAST_EXPIRE_LIMIT) return (seconds ? n * 1000 : n) + (relative ? now : 0);
  let ms = parseInt64(arg);
  if (seconds) {
    if (ms > INT64_MAX / 1000n) throw new ReplyError(Errors.invalidExpire(command));
    ms *= 1000n;
  }
  if (relative) ms += BigInt(now);
  // C's signed addition wraps to a negative number here.
  if (ms > INT64_MAX) throw new ReplyError(Errors.invalidExpire(command));
  return ms;
}

/**
 * setGenericCommand: SET, SETNX, SETEX, PSETEX. `replies` overrides the
 * OK / aborted replies (SETNX answers 1 / 0).
 */
function setGeneric(
  client: Client,
  command: string,
  keyArg: Buffer,
  valueArg: Buffer,
  options: ExpireOptions,
  integerReplies = false,
): void {
  const { flags, expire } = options;
  const at = expire === null ? -1 : expireTime(client, expire, flags, command);
  const key = str(keyArg);
  const db = client.db;
  let old: string | undefined;
  if (flags & GET) old = readString(client, key);
  const found = db.lookupWrite(key) !== undefined;
  if ((flags & NX && found) || (flags & XX && !found)) {
    if (flags & GET) client.reply.bulkOrNull(old);
    else if (integerReplies) client.reply.integer(0);
    else client.reply.nullBulk();
    return;
  }
  const entry = db.set(key, 'string', str(valueArg), (flags & KEEPTTL) !== 0);
  client.server.keyChanged(db, key, '$', 'set');
  if (at !== -1) {
    db.setExpire(entry, at);
    client.server.notifyKeyspaceEvent('g', 'expire', key, db.id);
    // Effect (AOF): a relative expire replays as an absolute one.
    if (client.server.effects.active) client.server.effects.replace(db.id, ['SET', key, entry.value as string, 'PXAT', String(at)]);
  }
  if (flags & GET) client.reply.bulkOrNull(old);
  else if (integerReplies) client.reply.integer(1);
  else client.reply.ok();
}

// ---------------------------------------------------------------------------
// Counters

/** incrDecrCommand: add incr to the integer at key (missing = 0). */
function incrementBy(client: Client, keyArg: Buffer, incr: number | bigint): void {
  const key = str(keyArg);
  const db = client.db;
  const entry = writeString(db, key);
  const current = entry === undefined ? 0 : storedInteger(entry.value as string);
  let result: number | bigint;
  if (typeof current === 'number' && typeof incr === 'number' && Number.isSafeInteger(current + incr)) {
    result = current + incr;
  } else {
    result = BigInt(current) + BigInt(incr);
    if (result > INT64_MAX || result < INT64_MIN) throw new ReplyError(Errors.overflow);
  }
  const text = String(result);
  if (entry === undefined) db.add(key, 'string', text);
  else db.replaceValue(entry, text);
  client.server.keyChanged(db, key, '$', 'incrby');
  client.reply.integer(result);
}

/** An INCRBY/DECRBY amount: a number when exact, else a bigint. */
function amount(arg: Buffer): number | bigint {
  const n = parseInteger(arg);
  return Number.isSafeInteger(n) ? n : parseInt64(arg);
}

// ---------------------------------------------------------------------------
// LCS

/** lcs[i*(blen+1)+j] = length of the LCS of a[0..i) and b[0..j). */
function lcsTable(a: Uint8Array, b: Uint8Array): Uint32Array {
  const alen = a.length;
  const width = b.length + 1;
  const cells = (alen + 1) * width;
  let table: Uint32Array;
  try {
    if (cells > 2 ** 28) throw new RangeError('too large');
    table = new Uint32Array(cells);
  } catch {
    throw new ReplyError(LCS_NO_MEMORY);
  }
  for (let i = 1; i <= alen; i++) {
    const ca = a[i - 1];
    const row = i * width;
    const previous = row - width;
    for (let j = 1; j < width; j++) {
      if (ca === b[j - 1]) {
        table[row + j] = table[previous + j - 1] + 1;
      } else {
        const up = table[previous + j];
        const left = table[row + j - 1];
        table[row + j] = up > left ? up : left;
      }
    }
  }
  return table;
}

interface LcsMatch {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

function lcsCommand(client: Client, argv: Buffer[]): void {
  const db = client.db;
  const first = db.lookupRead(str(argv[1]), client.noTouch);
  const second = db.lookupRead(str(argv[2]), client.noTouch);
  if ((first !== undefined && first.type !== 'string') || (second !== undefined && second.type !== 'string')) {
    throw new ReplyError(LCS_WRONG_TYPE);
  }
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const option = lower(argv[j]);
    const moreArgs = argv.length - 1 - j;
    if (option === 'idx') getIdx = true;
    else if (option === 'len') getLen = true;
    else if (option === 'withmatchlen') withMatchLen = true;
    else if (option === 'minmatchlen' && moreArgs > 0) {
      minMatchLen = Math.max(0, parseInteger(argv[++j]));
    } else throw new ReplyError(Errors.syntax);
  }
  if (getIdx && getLen) throw new ReplyError(LCS_LEN_AND_IDX);

  const a = Buffer.from(first === undefined ? '' : (first.value as string), 'latin1');
  const b = Buffer.from(second === undefined ? '' : (second.value as string), 'latin1');
  const table = lcsTable(a, b);
  const width = b.length + 1;
  const total = table[a.length * width + b.length];
  if (getLen) {
    client.reply.integer(total);
    return;
  }

  // Walk back from the end, collecting the LCS and its contiguous ranges
  // (last ranges first, as Redis emits them).
  const result = Buffer.allocUnsafe(total);
  const matches: LcsMatch[] = [];
  let index = total;
  let i = a.length;
  let j = b.length;
  let current: LcsMatch | null = null;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      result[--index] = a[i - 1];
      if (current === null) {
        current = { aStart: i - 1, aEnd: i - 1, bStart: j - 1, bEnd: j - 1 };
      } else if (current.aStart === i && current.bStart === j) {
        current.aStart--;
        current.bStart--;
      } else {
        emit = true;
      }
      if (current.aStart === 0 || current.bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if (table[(i - 1) * width + j] > table[i * width + j - 1]) i--;
      else j--;
      if (current !== null) emit = true;
    }
    if (emit && current !== null) {
      if (current.aEnd - current.aStart + 1 >= minMatchLen) matches.push(current);
      current = null;
    }
  }

  if (!getIdx) {
    client.reply.bulkBuffer(result);
    return;
  }
  const reply = client.reply;
  reply.map(2);
  reply.bulk('matches');
  reply.array(matches.length);
  for (const m of matches) {
    reply.array(withMatchLen ? 3 : 2);
    reply.array(2);
    reply.integer(m.aStart);
    reply.integer(m.aEnd);
    reply.array(2);
    reply.integer(m.bStart);
    reply.integer(m.bEnd);
    if (withMatchLen) reply.integer(m.aEnd - m.aStart + 1);
  }
  reply.bulk('len');
  reply.integer(total);
}

// ---------------------------------------------------------------------------
// GETRANGE

function getRange(client: Client, argv: Buffer[]): void {
  let start = parseInteger(argv[2]);
  let end = parseInteger(argv[3]);
  const value = readString(client, str(argv[1]));
  if (value === undefined) {
    client.reply.bulk('');
    return;
  }
  const n = value.length;
  if (start < 0 && end < 0 && start > end) {
    client.reply.bulk('');
    return;
  }
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= n) end = n - 1;
  if (start > end || n === 0) client.reply.bulk('');
  else client.reply.bulk(value.slice(start, end + 1));
}

// ---------------------------------------------------------------------------
// The table

export const stringCommands: CommandDef[] = [
  {
    name: 'get',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: keysAt(1),
    categories: ['read', 'string', 'fast'],
    summary: 'Get the value of a key',
    since: '1.0.0',
    group: 'string',
    complexity: 'O(1)',
    handler(client, argv) {
      client.reply.bulkOrNull(readString(client, str(argv[1])));
    },
  },
  {
    name: 'set',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: keysAt(1),
    categories: ['write', 'string', 'slow'],
    summary: 'Set the string value of a key',
    since: '1.0.0',
    group: 'string',
    complexity: 'O(1)',
    handler(client, argv) {
      if (argv.length === 3) {
        // The common case, without option parsing.
        const key = str(argv[1]);
        client.db.set(key, 'string', str(argv[2]));
        client.server.keyChanged(client.db, key, '$', 'set');
        client.reply.ok();
        return;
      }
      setGeneric(client, 'set', argv[1], argv[2], parseExpireOptions(argv, 3, true));
    },
  },
  {
    name: 'setnx',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'string', 'fast'],
    summary: 'Set the value of a key, only if the key does not exist',
    since: '1.0.0',
    group: 'string',
    complexity: 'O(1)',
    handler(client, argv) {
      setGeneric(client, 'setnx', argv[1], argv[2], { flags: NX, expire: null }, true);
    },
  },
  {
    name: 'setex',
    arity: 4,
    flags: ['write', 'denyoom'],
    keys: keysAt(1),
    categories: ['write', 'string', 'slow'],
    summary: 'Set the value and expiration of a key',
    since: '2.0.0',
    group: 'string',
    complexity: 'O(1)',
    handler(client, argv) {
      setGeneric(client, 'setex', argv[1], argv[3], { flags: EX, expire: argv[2] });
    },
  },
  {
    name: 'psetex',
    arity: 4,
    flags: ['write', 'denyoom'],
    keys: keysAt(1),
    categories: ['write', 'string', 'slow'],
    summary: 'Set the value and expiration in milliseconds of a key',
    since: '2.6.0',
    group: 'string',
    complexity: 'O(1)',
    handler(client, argv) {
      setGeneric(client, 'psetex', argv[1], argv[3], { flags: PX, expire: argv[2] });
    },
  },
  {
    name: 'getset',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'string', 'fast'],
    summary: 'Set the string value of a key and return its old value',
    since: '1.0.0',
    group: 'string',
    complexity: 'O(1)',
    handler(client, argv) {
      const key = str(argv[1]);
      const old = readString(client, key);
      const value = str(argv[2]);
      client.db.set(key, 'string', value);
      client.server.keyChanged(client.db, key, '$', 'set');
      if (client.server.effects.active) client.server.effects.replace(client.dbIndex, ['SET', key, value]);
      client.reply.bulkOrNull(old);
    },
  },
  {
    name: 'getdel',
    arity: 2,
    flags: ['write', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'string', 'fast'],
    summary: 'Get the value of a key and delete the key',
    since: '6.2.0',
    group: 'string',
    complexity: 'O(1)',
    handler(client, argv) {
      const key = str(argv[1]);
      const value = readString(client, key);
      client.reply.bulkOrNull(value);
      if (value !== undefined && client.db.remove(key)) {
        client.server.keyChanged(client.db, key, 'g', 'del');
        if (client.server.effects.active) client.server.effects.replace(client.dbIndex, ['DEL', key]);
      }
    },
  },
  {
    name: 'getex',
    arity: -2,
    flags: ['write', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'string', 'fast'],
    summary: 'Get the value of a key and optionally set its expiration',
    since: '6.2.0',
    group: 'string',
    complexity: 'O(1)',
    handler(client, argv) {
      const { flags, expire } = parseExpireOptions(argv, 2, false);
      const key = str(argv[1]);
      const db = client.db;
      const entry = db.lookupRead(key, client.noTouch);
      if (entry === undefined) {
        client.reply.nullBulk();
        return;
      }
      if (entry.type !== 'string') throw new ReplyError(Errors.wrongType);
      const at = expire === null ? -1 : expireTime(client, expire, flags, 'getex');
      client.reply.bulk(entry.value as string);
      if (flags & (EXAT | PXAT) && at <= client.server.clock.now()) {
        db.remove(key);
        client.server.keyChanged(db, key, 'g', 'del');
        if (client.server.effects.active) client.server.effects.replace(db.id, ['DEL', key]);
      } else if (at !== -1) {
        db.setExpire(entry, at);
        client.server.keyChanged(db, key, 'g', 'expire');
        if (client.server.effects.active) client.server.effects.replace(db.id, ['PEXPIREAT', key, String(at)]);
      } else if (flags & PERSIST && db.persist(entry)) {
        client.server.keyChanged(db, key, 'g', 'persist');
        if (client.server.effects.active) client.server.effects.replace(db.id, ['PERSIST', key]);
      }
    },
  },
  {
    name: 'mget',
    arity: -2,
    flags: ['readonly', 'fast'],
    keys: keysAt(1, -1, 1),
    categories: ['read', 'string', 'fast'],
    summary: 'Get the values of all the given keys',
    since: '1.0.0',
    group: 'string',
    complexity: 'O(N) where N is the number of keys to retrieve.',
    tips: ['request_policy:multi_shard'],
    handler(client, argv) {
      const db = client.db;
      client.reply.array(argv.length - 1);
      for (let i = 1; i < argv.length; i++) {
        const entry = db.lookupRead(str(argv[i]), client.noTouch);
        if (entry === undefined || entry.type !== 'string') client.reply.nullBulk();
        else client.reply.bulk(entry.value as string);
      }
    },
  },
  {
    name: 'mset',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: keysAt(1, -1, 2),
    categories: ['write', 'string', 'slow'],
    summary: 'Set multiple keys to multiple values',
    since: '1.0.1',
    group: 'string',
    complexity: 'O(N) where N is the number of keys to set.',
    tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
    handler(client, argv) {
      if (argv.length % 2 === 0) throw new ReplyError(Errors.arity('mset'));
      const db = client.db;
      for (let i = 1; i < argv.length; i += 2) {
        const key = str(argv[i]);
        db.set(key, 'string', str(argv[i + 1]));
        client.server.keyChanged(db, key, '$', 'set');
      }
      client.reply.ok();
    },
  },
  {
    name: 'msetnx',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: keysAt(1, -1, 2),
    categories: ['write', 'string', 'slow'],
    summary: 'Set multiple keys to multiple values, only if none of the keys exist',
    since: '1.0.1',
    group: 'string',
    complexity: 'O(N) where N is the number of keys to set.',
    tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
    handler(client, argv) {
      if (argv.length % 2 === 0) throw new ReplyError(Errors.arity('msetnx'));
      const db = client.db;
      for (let i = 1; i < argv.length; i += 2) {
        if (db.lookupWrite(str(argv[i])) !== undefined) {
          client.reply.integer(0);
          return;
        }
      }
      for (let i = 1; i < argv.length; i += 2) {
        const key = str(argv[i]);
        db.set(key, 'string', str(argv[i + 1]));
        client.server.keyChanged(db, key, '$', 'set');
      }
      client.reply.integer(1);
    },
  },
  {
    name: 'incr',
    arity: 2,
    flags: ['write', 'denyoom', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'string', 'fast'],
    summary: 'Increment the integer value of a key by one',
    since: '1.0.0',
    group: 'string',
    complexity: 'O(1)',
    handler(client, argv) {
      incrementBy(client, argv[1], 1);
    },
  },
  {
    name: 'decr',
    arity: 2,
    flags: ['write', 'denyoom', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'string', 'fast'],
    summary: 'Decrement the integer value of a key by one',
    since: '1.0.0',
    group: 'string',
    complexity: 'O(1)',
    handler(client, argv) {
      incrementBy(client, argv[1], -1);
    },
  },
  {
    name: 'incrby',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'string', 'fast'],
    summary: 'Increment the integer value of a key by the given amount',
    since: '1.0.0',
    group: 'string',
    complexity: 'O(1)',
    handler(client, argv) {
      incrementBy(client, argv[1], amount(argv[2]));
    },
  },
  {
    name: 'decrby',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'string', 'fast'],
    summary: 'Decrement the integer value of a key by the given number',
    since: '1.0.0',
    group: 'string',
    complexity: 'O(1)',
    handler(client, argv) {
      const n = amount(argv[2]);
      if (n === INT64_MIN) throw new ReplyError(DECREMENT_OVERFLOW);
      incrementBy(client, argv[1], typeof n === 'number' ? -n : -n);
    },
  },
  {
    name: 'incrbyfloat',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'string', 'fast'],
    summary: 'Increment the float value of a key by the given amount',
    since: '2.6.0',
    group: 'string',
    complexity: 'O(1)',
    handler(client, argv) {
      const key = str(argv[1]);
      const db = client.db;
      const entry = writeString(db, key);
      const increment = parseLongDoubleArg(argv[2]);
      const outcome = incrementFloatText(entry === undefined ? null : (entry.value as string), increment);
      if ('error' in outcome) throw new ReplyError(outcome.error === 'notFloat' ? Errors.notFloat : NAN_OR_INFINITY);
      const stored = entry === undefined ? db.add(key, 'string', outcome.text) : db.replaceValue(entry, outcome.text);
      stored.stringEncoding = StringEncoding.NotInt;
      client.server.keyChanged(db, key, '$', 'incrbyfloat');
      // Effect: the result, so a replay does not redo float arithmetic.
      if (client.server.effects.active) client.server.effects.replace(db.id, ['SET', key, outcome.text, 'KEEPTTL']);
      client.reply.bulk(outcome.text);
    },
  },
  {
    name: 'append',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'string', 'fast'],
    summary: 'Append a value to a key',
    since: '2.0.0',
    group: 'string',
    complexity:
      'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.',
    handler(client, argv) {
      const key = str(argv[1]);
      const db = client.db;
      const entry = writeString(db, key);
      let length: number;
      if (entry === undefined) {
        db.add(key, 'string', str(argv[2]));
        length = argv[2].length;
      } else {
        const old = entry.value as string;
        checkStringLength(client, old.length, argv[2].length);
        const value = old + str(argv[2]);
        db.replaceValue(entry, value).stringEncoding = StringEncoding.Raw;
        length = value.length;
      }
      client.server.keyChanged(db, key, '$', 'append');
      client.reply.integer(length);
    },
  },
  {
    name: 'strlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: keysAt(1),
    categories: ['read', 'string', 'fast'],
    summary: 'Get the length of the value stored in a key',
    since: '2.2.0',
    group: 'string',
    complexity: 'O(1)',
    handler(client, argv) {
      const value = readString(client, str(argv[1]));
      client.reply.integer(value === undefined ? 0 : value.length);
    },
  },
  {
    name: 'getrange',
    arity: 4,
    flags: ['readonly'],
    keys: keysAt(1),
    categories: ['read', 'string', 'slow'],
    summary: 'Get a substring of the string stored at a key',
    since: '2.4.0',
    group: 'string',
    complexity:
      'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.',
    handler: getRange,
  },
  {
    name: 'substr',
    arity: 4,
    flags: ['readonly'],
    keys: keysAt(1),
    categories: ['read', 'string', 'slow'],
    summary: 'Get a substring of the string stored at a key',
    since: '1.0.0',
    group: 'string',
    complexity:
      'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.',
    handler: getRange,
  },
  {
    name: 'setrange',
    arity: 4,
    flags: ['write', 'denyoom'],
    keys: keysAt(1),
    categories: ['write', 'string', 'slow'],
    summary: 'Overwrite part of a string at key starting at the specified offset',
    since: '2.2.0',
    group: 'string',
    complexity:
      'O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.',
    handler(client, argv) {
      const offset = parseInteger(argv[2]);
      if (offset < 0) throw new ReplyError(OFFSET_OUT_OF_RANGE);
      const key = str(argv[1]);
      const db = client.db;
      const entry = writeString(db, key);
      const patch = argv[3];
      const old = entry === undefined ? '' : (entry.value as string);
      if (patch.length === 0) {
        client.reply.integer(old.length);
        return;
      }
      checkStringLength(client, offset, patch.length);
      const head = offset <= old.length ? old.slice(0, offset) : old + '\0'.repeat(offset - old.length);
      const value = head + str(patch) + old.slice(offset + patch.length);
      const stored = entry === undefined ? db.add(key, 'string', value) : db.replaceValue(entry, value);
      stored.stringEncoding = StringEncoding.Raw;
      client.server.keyChanged(db, key, '$', 'setrange');
      client.reply.integer(value.length);
    },
  },
  {
    name: 'lcs',
    arity: -3,
    flags: ['readonly'],
    keys: keysAt(1, 2, 1),
    categories: ['read', 'string', 'slow'],
    summary: 'Find longest common substring',
    since: '7.0.0',
    group: 'string',
    complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively',
    handler: lcsCommand,
  },
];
