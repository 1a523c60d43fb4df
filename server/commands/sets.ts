// Set commands (t_set.c): membership, random picks and pops, moves, and the
// algebra (intersection, union, difference) with its STORE and CARD forms.
//
// A set value is an IndexedSet (O(1) add/remove/has and O(1) random picks,
// so SPOP and SRANDMEMBER cost O(count), never a walk of the set) plus the
// one bit of history OBJECT ENCODING needs. Redis 7.0 has two encodings:
// 'intset' while every member is an integer and there are at most
// set-max-intset-entries of them, 'hashtable' otherwise, and a set never goes
// back to intset once converted. An intset is kept sorted, so Redis replies
// with its members in ascending order; we sort on output for intset-encoded
// sets so small integer sets answer exactly as Redis does. Hashtable order
// is unspecified in Redis too.

import { lower, str } from '../bytes.js';
import type { Client } from '../client.js';
import type { Db } from '../keyspace.js';
import type { Server } from '../server.js';
import { Errors, ReplyError } from '../errors.js';
import { IndexedSet } from '../types/indexed-set.js';
import { parseScanCursor, parseScanOptions, replyEmptyScan } from '../scan.js';
import { isIntegerEncodable, registerValueType } from './keys.js';
import { MAX_RANDOM_REPLY, parseInteger, parseInt64, RANDOM_REPLY_TOO_LARGE } from './arguments.js';
import type { CommandDef } from './types.js';
import { keysAt } from './types.js';

const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';
const SRANDMEMBER_RANGE =
  'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';
const NUMKEYS_NOT_POSITIVE = 'ERR numkeys should be greater than 0';
const TOO_MANY_KEYS = "ERR Number of keys can't be greater than number of args";
const LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
/**
 * SRANDMEMBER with a negative count replies |count| elements. Redis 7.0
 * accepts any magnitude and dies building a reply of billions of elements;
 * beyond this many we refuse instead of taking the process down.
 */
/** Redis caps set-max-intset-entries at 2^30 (intset internals). */
const INTSET_HARD_LIMIT = 1 << 30;

const INT64_MIN = -9223372036854775808n;

// ---------------------------------------------------------------------------
// The value

/** A set value: the members, and whether Redis would still hold it as an intset. */
export class SetValue extends IndexedSet<string> {
  constructor(
    /** OBJECT ENCODING 'intset' (true) or 'hashtable'; false is for good. */
    public intset: boolean,
    members?: Iterable<string>,
  ) {
    super(members);
  }

  clone(): SetValue {
    return new SetValue(this.intset, this.members());
  }

  /** Members in the order Redis replies them: ascending for an intset, else slot order. */
  ordered(): readonly string[] {
    return this.intset ? this.members().slice().sort(compareIntegerText) : this.members();
  }
}

/** Orders integer texts (string2ll form: no '+', no leading zeros) numerically, without parsing. */
export function compareIntegerText(a: string, b: string): number {
  const aNegative = a.charCodeAt(0) === 45;
  if (aNegative !== (b.charCodeAt(0) === 45)) return aNegative ? -1 : 1;
  const byMagnitude = a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return aNegative ? -byMagnitude : byMagnitude;
}

/** set-max-intset-entries as Redis applies it. */
export function maxIntsetEntries(server: Server): number {
  return Math.min(server.config.int('set-max-intset-entries'), INTSET_HARD_LIMIT);
}

/** Redis's setTypeAdd: adds member and converts to hashtable when an intset can no longer hold it. */
export function addMember(set: SetValue, member: string, maxIntset: number): boolean {
  const added = set.add(member);
  if (set.intset) {
    if (!isIntegerEncodable(member)) set.intset = false;
    else if (added && set.size > maxIntset) set.intset = false;
  }
  return added;
}

/** Redis's setTypeCreate: the encoding a new set starts with depends on its first member. */
function createFor(first: string): SetValue {
  return new SetValue(isIntegerEncodable(first));
}

registerValueType('set', {
  clone: (value) => (value as SetValue).clone(),
  encoding: (entry) => ((entry.value as SetValue).intset ? 'intset' : 'hashtable'),
});

// ---------------------------------------------------------------------------
// Shared pieces

/** The set at key for a read command (counts a hit or miss), or undefined; WRONGTYPE otherwise. */
function readSet(client: Client, key: string): SetValue | undefined {
  const entry = client.db.lookupRead(key, client.noTouch);
  if (entry === undefined) return undefined;
  if (entry.type !== 'set') throw new ReplyError(Errors.wrongType);
  return entry.value as SetValue;
}

/** The set at key for a write, or undefined; WRONGTYPE otherwise. */
function writeSet(db: Db, key: string): SetValue | undefined {
  const entry = db.lookupWrite(key);
  if (entry === undefined) return undefined;
  if (entry.type !== 'set') throw new ReplyError(Errors.wrongType);
  return entry.value as SetValue;
}

/** Deletes key when its set became empty, with the 'del' event Redis emits. */
function removeIfEmpty(client: Client, key: string, set: SetValue): boolean {
  if (set.size > 0) return false;
  client.db.remove(key);
  client.server.keyChanged(client.db, key, 'g', 'del');
  return true;
}

function replySet(client: Client, members: readonly string[]): void {
  client.reply.set(members.length);
  for (const m of members) client.reply.bulk(m);
}

/**
 * Every key's set, in argument order (undefined for a missing key). All keys
 * are type-checked, even after a missing one, as Redis does. Store commands
 * look their sources up as writes (no hit/miss accounting).
 */
function loadSets(client: Client, argv: Buffer[], from: number, to: number, forWrite: boolean): Array<SetValue | undefined> {
  const sets: Array<SetValue | undefined> = [];
  for (let i = from; i < to; i++) {
    const key = str(argv[i]);
    sets.push(forWrite ? writeSet(client.db, key) : readSet(client, key));
  }
  return sets;
}

/** The intersection's members (ordered as Redis walks the smallest set), up to limit (0 = all). */
function intersection(sets: Array<SetValue | undefined>, limit = 0): string[] {
  const present: SetValue[] = [];
  for (const s of sets) {
    if (s === undefined) return [];
    present.push(s);
  }
  present.sort((a, b) => a.size - b.size);
  const [smallest, ...others] = present;
  const out: string[] = [];
  outer: for (const m of smallest.ordered()) {
    for (const other of others) if (other !== smallest && !other.has(m)) continue outer;
    out.push(m);
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

function union(sets: Array<SetValue | undefined>, maxIntset: number): SetValue {
  const result = new SetValue(true);
  for (const s of sets) if (s !== undefined) for (const m of s) addMember(result, m, maxIntset);
  return result;
}

function difference(sets: Array<SetValue | undefined>, maxIntset: number): SetValue {
  const result = new SetValue(true);
  const first = sets[0];
  if (first === undefined) return result;
  const others = sets.slice(1).filter((s): s is SetValue => s !== undefined);
  outer: for (const m of first) {
    for (const other of others) if (other.has(m)) continue outer;
    addMember(result, m, maxIntset);
  }
  return result;
}

/** A STORE command's ending: the destination gets the result, or is deleted when it is empty. */
function store(client: Client, dest: string, result: SetValue, event: string): void {
  const { db, server } = client;
  if (result.size > 0) {
    db.set(dest, 'set', result);
    server.keyChanged(db, dest, 's', event);
    client.reply.integer(result.size);
  } else {
    client.reply.integer(0);
    if (db.remove(dest)) server.keyChanged(db, dest, 'g', 'del');
  }
}

/** The members of the union / intersection built fresh, in Redis's reply order. */
function resultOf(values: readonly string[], maxIntset: number): SetValue {
  const result = new SetValue(true);
  for (const m of values) addMember(result, m, maxIntset);
  return result;
}

const SET_FLAGS_READ_FAST = ['readonly', 'fast'] as const;

// ---------------------------------------------------------------------------
// The commands

export const setCommands: CommandDef[] = [
  {
    name: 'sadd',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'set', 'fast'],
    summary: 'Add one or more members to a set',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    handler(client, argv) {
      const key = str(argv[1]);
      const { db, server } = client;
      let set = writeSet(db, key);
      if (set === undefined) {
        set = createFor(str(argv[2]));
        db.add(key, 'set', set);
      }
      const max = maxIntsetEntries(server);
      let added = 0;
      for (let i = 2; i < argv.length; i++) if (addMember(set, str(argv[i]), max)) added++;
      if (added > 0) server.keyChanged(db, key, 's', 'sadd');
      client.reply.integer(added);
    },
  },
  {
    name: 'srem',
    arity: -3,
    flags: ['write', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'set', 'fast'],
    summary: 'Remove one or more members from a set',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(N) where N is the number of members to be removed.',
    handler(client, argv) {
      const key = str(argv[1]);
      const set = writeSet(client.db, key);
      if (set === undefined) {
        client.reply.integer(0);
        return;
      }
      let deleted = 0;
      for (let i = 2; i < argv.length && set.size > 0; i++) if (set.delete(str(argv[i]))) deleted++;
      if (deleted > 0) {
        client.server.keyChanged(client.db, key, 's', 'srem');
        removeIfEmpty(client, key, set);
      }
      client.reply.integer(deleted);
    },
  },
  {
    name: 'smove',
    arity: 4,
    flags: ['write', 'fast'],
    keys: keysAt(1, 2),
    categories: ['write', 'set', 'fast'],
    summary: 'Move a member from one set to another',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(1)',
    handler(client, argv) {
      const { db, server } = client;
      const source = str(argv[1]);
      const destination = str(argv[2]);
      const srcEntry = db.lookupWrite(source);
      const dstEntry = db.lookupWrite(destination);
      const member = str(argv[3]);
      if (srcEntry === undefined) {
        client.reply.integer(0);
        return;
      }
      if (srcEntry.type !== 'set' || (dstEntry !== undefined && dstEntry.type !== 'set')) {
        throw new ReplyError(Errors.wrongType);
      }
      const src = srcEntry.value as SetValue;
      if (srcEntry === dstEntry) {
        client.reply.integer(src.has(member) ? 1 : 0);
        return;
      }
      if (!src.delete(member)) {
        client.reply.integer(0);
        return;
      }
      server.keyChanged(db, source, 's', 'srem');
      removeIfEmpty(client, source, src);
      let dst: SetValue;
      if (dstEntry === undefined) {
        dst = createFor(member);
        db.add(destination, 'set', dst);
      } else {
        dst = dstEntry.value as SetValue;
      }
      if (addMember(dst, member, maxIntsetEntries(server))) server.keyChanged(db, destination, 's', 'sadd');
      client.reply.integer(1);
    },
  },
  {
    name: 'sismember',
    arity: 3,
    flags: SET_FLAGS_READ_FAST,
    keys: keysAt(1),
    categories: ['read', 'set', 'fast'],
    summary: 'Determine if a given value is a member of a set',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(1)',
    handler(client, argv) {
      const set = readSet(client, str(argv[1]));
      client.reply.integer(set !== undefined && set.has(str(argv[2])) ? 1 : 0);
    },
  },
  {
    name: 'smismember',
    arity: -3,
    flags: SET_FLAGS_READ_FAST,
    keys: keysAt(1),
    categories: ['read', 'set', 'fast'],
    summary: 'Returns the membership associated with the given elements for a set',
    since: '6.2.0',
    group: 'set',
    complexity: 'O(N) where N is the number of elements being checked for membership',
    handler(client, argv) {
      const set = readSet(client, str(argv[1]));
      client.reply.array(argv.length - 2);
      for (let i = 2; i < argv.length; i++) client.reply.integer(set !== undefined && set.has(str(argv[i])) ? 1 : 0);
    },
  },
  {
    name: 'smembers',
    arity: 2,
    flags: ['readonly'],
    keys: keysAt(1),
    categories: ['read', 'set', 'slow'],
    summary: 'Get all the members in a set',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(N) where N is the set cardinality.',
    tips: ['nondeterministic_output_order'],
    handler(client, argv) {
      const set = readSet(client, str(argv[1]));
      replySet(client, set === undefined ? [] : set.ordered());
    },
  },
  {
    name: 'scard',
    arity: 2,
    flags: SET_FLAGS_READ_FAST,
    keys: keysAt(1),
    categories: ['read', 'set', 'fast'],
    summary: 'Get the number of members in a set',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(1)',
    handler(client, argv) {
      const set = readSet(client, str(argv[1]));
      client.reply.integer(set === undefined ? 0 : set.size);
    },
  },
  {
    name: 'spop',
    arity: -2,
    flags: ['write', 'fast'],
    keys: keysAt(1),
    categories: ['write', 'set', 'fast'],
    summary: 'Remove and return one or multiple random members from a set',
    since: '1.0.0',
    group: 'set',
    complexity:
      'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
    tips: ['nondeterministic_output'],
    handler(client, argv) {
      if (argv.length > 3) throw new ReplyError(Errors.syntax);
      const { db, server } = client;
      const key = str(argv[1]);
      if (argv.length === 2) {
        const set = writeSet(db, key);
        if (set === undefined) {
          client.reply.nullBulk();
          return;
        }
        const member = set.pop() as string;
        server.keyChanged(db, key, 's', 'spop');
        // Effects (AOF): the random choice replays as its outcome.
        if (server.effects.active) server.effects.replace(db.id, ['SREM', key, member]);
        client.reply.bulk(member);
        removeIfEmpty(client, key, set);
        return;
      }
      const count = parseInteger(argv[2], MUST_BE_POSITIVE);
      if (count < 0) throw new ReplyError(MUST_BE_POSITIVE);
      const set = writeSet(db, key);
      if (set === undefined || count === 0) {
        client.reply.set(0);
        return;
      }
      server.keyChanged(db, key, 's', 'spop');
      if (count >= set.size) {
        replySet(client, set.ordered());
        set.clear();
        removeIfEmpty(client, key, set);
        if (server.effects.active) server.effects.replace(db.id, ['DEL', key]);
        return;
      }
      client.reply.set(count);
      if (server.effects.active) server.effects.suppress();
      for (let i = 0; i < count; i++) {
        const member = set.pop() as string;
        client.reply.bulk(member);
        if (server.effects.active) server.effects.also(db.id, ['SREM', key, member]);
      }
    },
  },
  {
    name: 'srandmember',
    arity: -2,
    flags: ['readonly'],
    keys: keysAt(1),
    categories: ['read', 'set', 'slow'],
    summary: 'Get one or multiple random members from a set',
    since: '1.0.0',
    group: 'set',
    complexity:
      'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
    tips: ['nondeterministic_output'],
    handler(client, argv) {
      if (argv.length > 3) throw new ReplyError(Errors.syntax);
      const key = str(argv[1]);
      if (argv.length === 2) {
        const set = readSet(client, key);
        if (set === undefined) client.reply.nullBulk();
        else client.reply.bulk(set.random() as string);
        return;
      }
      const requested = parseInt64(argv[2]);
      if (requested === INT64_MIN) throw new ReplyError(SRANDMEMBER_RANGE);
      const unique = requested >= 0n;
      const magnitude = unique ? requested : -requested;
      const set = readSet(client, key);
      if (set === undefined || magnitude === 0n) {
        client.reply.array(0);
        return;
      }
      if (!unique || magnitude === 1n) {
        // Repeats allowed: count independent picks, in random order.
        if (magnitude > BigInt(MAX_RANDOM_REPLY)) throw new ReplyError(RANDOM_REPLY_TOO_LARGE);
        const count = Number(magnitude);
        client.reply.array(count);
        for (let i = 0; i < count; i++) client.reply.bulk(set.random() as string);
        return;
      }
      if (magnitude >= BigInt(set.size)) {
        const all = set.ordered();
        client.reply.array(all.length);
        for (const m of all) client.reply.bulk(m);
        return;
      }
      client.reply.bulkArray(set.sample(Number(magnitude)));
    },
  },
  {
    name: 'sinter',
    arity: -2,
    flags: ['readonly'],
    keys: keysAt(1, -1),
    categories: ['read', 'set', 'slow'],
    summary: 'Intersect multiple sets',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    tips: ['nondeterministic_output_order'],
    handler(client, argv) {
      replySet(client, intersection(loadSets(client, argv, 1, argv.length, false)));
    },
  },
  {
    name: 'sintercard',
    arity: -3,
    flags: ['readonly', 'movablekeys'],
    keys: null,
    categories: ['read', 'set', 'slow'],
    summary: 'Intersect multiple sets and return the cardinality of the result',
    since: '7.0.0',
    group: 'set',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    getKeys(argv) {
      let numkeys: number;
      try {
        numkeys = parseInteger(argv[1]);
      } catch {
        return [];
      }
      if (numkeys < 1 || numkeys > argv.length - 2) return [];
      return Array.from({ length: numkeys }, (_, i) => i + 2);
    },
    handler(client, argv) {
      const numkeys = parseInteger(argv[1], NUMKEYS_NOT_POSITIVE);
      if (numkeys < 1) throw new ReplyError(NUMKEYS_NOT_POSITIVE);
      if (numkeys > argv.length - 2) throw new ReplyError(TOO_MANY_KEYS);
      let limit = 0;
      for (let i = 2 + numkeys; i < argv.length; i++) {
        if (lower(argv[i]) === 'limit' && i + 1 < argv.length) {
          limit = parseInteger(argv[++i], LIMIT_NEGATIVE);
          if (limit < 0) throw new ReplyError(LIMIT_NEGATIVE);
        } else {
          throw new ReplyError(Errors.syntax);
        }
      }
      client.reply.integer(intersection(loadSets(client, argv, 2, 2 + numkeys, false), limit).length);
    },
  },
  {
    name: 'sinterstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: keysAt(1, -1),
    categories: ['write', 'set', 'slow'],
    summary: 'Intersect multiple sets and store the resulting set in a key',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.',
    handler(client, argv) {
      const members = intersection(loadSets(client, argv, 2, argv.length, true));
      store(client, str(argv[1]), resultOf(members, maxIntsetEntries(client.server)), 'sinterstore');
    },
  },
  {
    name: 'sunion',
    arity: -2,
    flags: ['readonly'],
    keys: keysAt(1, -1),
    categories: ['read', 'set', 'slow'],
    summary: 'Add multiple sets',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    tips: ['nondeterministic_output_order'],
    handler(client, argv) {
      const sets = loadSets(client, argv, 1, argv.length, false);
      replySet(client, union(sets, maxIntsetEntries(client.server)).ordered());
    },
  },
  {
    name: 'sunionstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: keysAt(1, -1),
    categories: ['write', 'set', 'slow'],
    summary: 'Add multiple sets and store the resulting set in a key',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    handler(client, argv) {
      const sets = loadSets(client, argv, 2, argv.length, true);
      store(client, str(argv[1]), union(sets, maxIntsetEntries(client.server)), 'sunionstore');
    },
  },
  {
    name: 'sdiff',
    arity: -2,
    flags: ['readonly'],
    keys: keysAt(1, -1),
    categories: ['read', 'set', 'slow'],
    summary: 'Subtract multiple sets',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    tips: ['nondeterministic_output_order'],
    handler(client, argv) {
      const sets = loadSets(client, argv, 1, argv.length, false);
      replySet(client, difference(sets, maxIntsetEntries(client.server)).ordered());
    },
  },
  {
    name: 'sdiffstore',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: keysAt(1, -1),
    categories: ['write', 'set', 'slow'],
    summary: 'Subtract multiple sets and store the resulting set in a key',
    since: '1.0.0',
    group: 'set',
    complexity: 'O(N) where N is the total number of elements in all given sets.',
    handler(client, argv) {
      const sets = loadSets(client, argv, 2, argv.length, true);
      store(client, str(argv[1]), difference(sets, maxIntsetEntries(client.server)), 'sdiffstore');
    },
  },
  {
    name: 'sscan',
    arity: -3,
    flags: ['readonly'],
    keys: keysAt(1),
    categories: ['read', 'set', 'slow'],
    summary: 'Incrementally iterate Set elements',
    since: '2.8.0',
    group: 'set',
    complexity:
      'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..',
    tips: ['nondeterministic_output'],
    handler(client, argv) {
      const cursor = parseScanCursor(argv[2]);
      const set = readSet(client, str(argv[1]));
      if (set === undefined) {
        // Redis answers an empty scan before it reads the options.
        replyEmptyScan(client);
        return;
      }
      const { count, match } = parseScanOptions(argv, 3, false);
      const found: string[] = [];
      let next = 0;
      if (set.intset) {
        // An intset is not a hash table: Redis returns it whole, in order, with cursor 0.
        for (const m of set.ordered()) if (match === null || match(m)) found.push(m);
      } else {
        next = set.scan(cursor, count, (m) => {
          if (match === null || match(m)) found.push(m);
        });
      }
      client.reply.array(2);
      client.reply.bulk(String(next));
      client.reply.bulkArray(found);
    },
  },
];
