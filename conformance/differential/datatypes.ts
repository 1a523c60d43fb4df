// Generators of the data-type families (lists, sets, hashes, sorted sets):
// every command of each family with its options, edge values (huge and
// malformed counts, inf/nan scores, exclusive and malformed ranges, empty
// members), wrong arities, unknown options, and values sized around the
// listpack/intset limits so encodings convert. Keys are shared with the
// string and key families, so every command also meets WRONGTYPE.
//
// Commands whose reply is random are sent as steps that still check
// something: the collection is listed first (SMEMBERS, HGETALL, ZRANGE 0 -1
// WITHSCORES) and the random reply must be drawn from it, with the count the
// oracle gave (see the `sample` check); SPOP / ZRANDMEMBER … then list the
// value again or drop it, so both servers hold the same data afterwards.
// Blocking commands run here only inside MULTI (where they never block); the
// two-client blocking steps are in blocking.ts.

import { cmd, Gen, type CommandSpec, type Family, type Step } from './generator.js';

const MEMBERS = ['a', 'b', 'c', 'd', 'e', 'f', '', 'a b', '\x00', '\xff', 'member:1', 'Z', 'aa', 'ab'];

function member(g: Gen): string {
  return g.rng.weighted<() => string>([
    [5, () => g.rng.pick(MEMBERS)],
    [3, () => String(g.rng.int(-20, 20))],
    [1, () => g.integer()],
    [1, () => g.value()],
    [0.3, () => 'x'.repeat(g.rng.pick([63, 64, 65, 100]))],
  ])();
}

function membersOf(g: Gen, min: number, max: number): string[] {
  return Array.from({ length: g.rng.int(min, max) }, () => member(g));
}

/** A count argument: mostly small, sometimes an edge (0, negative, huge, malformed). */
function count(g: Gen, allowNegative = true): string {
  return g.rng.weighted<() => string>([
    [6, () => String(g.rng.int(1, 6))],
    [1, () => '0'],
    [allowNegative ? 2 : 0.5, () => String(-g.rng.int(1, 6))],
    [1, () => g.rng.pick(['100', '9223372036854775807', '-9223372036854775808', '9223372036854775808', 'x', '', '1.5', '-0', '4611686018427387904'])],
  ])();
}

function timeoutArg(g: Gen): string {
  return g.rng.pick(['0', '0.01', '1', '-1', 'x', '0.5', '1e3', 'inf']);
}

function numkeysAndKeys(g: Gen): string[] {
  const keys = g.keys(1, 3);
  const numkeys = g.rng.chance(0.9) ? String(keys.length) : g.rng.pick(['0', '-1', 'x', String(keys.length + 1), '9223372036854775808']);
  return [numkeys, ...keys];
}

/** A random-reply step: list the value, draw from it (compared as a sample of the listing), maybe more. */
function sampleStep(listing: string[], draw: string[], distinct: boolean, pairs: boolean, after: string[][] = []): Step {
  return {
    cmds: [
      cmd(listing),
      { args: draw, check: { sample: distinct ? 'distinct' : 'repeat', pairs } },
      ...after.map((a) => cmd(a)),
    ],
  };
}

/** HRANDFIELD / ZRANDMEMBER: key [count [WITHVALUES|WITHSCORES]], drawn from the listing of the key. */
function randomPick(g: Gen, name: string, withOption: string, listing: (key: string, pairs: boolean) => string[]): Step {
  const key = g.key();
  const args = [name, key];
  if (g.rng.chance(0.75)) {
    args.push(count(g));
    if (g.rng.chance(0.5)) args.push(g.rng.chance(0.95) ? g.opt(withOption) : 'FOO');
  }
  const pairs = args.length === 4 && args[3].toUpperCase() === withOption;
  const distinct = !/^-[1-9]/.test(args[2] ?? '');
  return sampleStep(listing(key, pairs), args, distinct, pairs);
}

/** Wraps commands in MULTI/EXEC (where blocking commands do not block). */
function inMulti(commands: string[][]): Step {
  return { cmds: [cmd(['MULTI']), ...commands.map((c) => cmd(c)), cmd(['EXEC'])] };
}

// ---- lists ----------------------------------------------------------------------------------

const SIDE = ['LEFT', 'RIGHT'];

function listPush(name: string, weight: number): CommandSpec {
  return {
    name: name.toLowerCase(),
    weight,
    make: (g) => {
      if (g.rng.chance(0.03)) {
        // Past list-max-listpack-size (-2: 8 kB nodes) so the quicklist has several nodes.
        return [name, g.key(), ...Array.from({ length: g.rng.int(100, 300) }, (_, i) => `${i}:${'x'.repeat(g.rng.int(0, 80))}`)];
      }
      return [name, g.key(), ...Array.from({ length: g.rng.int(1, 4) }, () => member(g))];
    },
  };
}

export const lists: Family = {
  name: 'lists',
  commands: [
    listPush('RPUSH', 3),
    listPush('LPUSH', 3),
    listPush('LPUSHX', 0.7),
    listPush('RPUSHX', 0.7),
    { name: 'lpop', weight: 1.5, make: (g) => ['LPOP', g.key(), ...(g.rng.chance(0.4) ? [count(g)] : [])] },
    { name: 'rpop', weight: 1.5, make: (g) => ['RPOP', g.key(), ...(g.rng.chance(0.4) ? [count(g)] : [])] },
    { name: 'lrange', weight: 2, make: (g) => ['LRANGE', g.key(), g.index(), g.index()] },
    { name: 'lindex', make: (g) => ['LINDEX', g.key(), g.index()] },
    { name: 'lset', make: (g) => ['LSET', g.key(), g.index(), member(g)] },
    { name: 'llen', make: (g) => ['LLEN', g.key()] },
    { name: 'lrem', make: (g) => ['LREM', g.key(), g.rng.chance(0.8) ? String(g.rng.int(-3, 3)) : count(g), member(g)] },
    { name: 'ltrim', make: (g) => ['LTRIM', g.key(), g.index(), g.index()] },
    {
      name: 'linsert',
      make: (g) => ['LINSERT', g.key(), g.rng.chance(0.9) ? g.opt(g.rng.pick(['BEFORE', 'AFTER'])) : 'MIDDLE', member(g), member(g)],
    },
    {
      name: 'lpos',
      weight: 1.5,
      make: (g) => {
        const args = ['LPOS', g.key(), member(g)];
        for (let i = g.rng.weighted([[3, 0], [3, 1], [2, 2], [1, 3]]); i > 0; i--) {
          args.push(
            ...g.rng.weighted<() => string[]>([
              [2, () => [g.opt('RANK'), g.rng.chance(0.8) ? String(g.rng.int(-3, 3)) : count(g)]],
              [2, () => [g.opt('COUNT'), g.rng.chance(0.8) ? String(g.rng.int(0, 4)) : count(g)]],
              [1.5, () => [g.opt('MAXLEN'), g.rng.chance(0.8) ? String(g.rng.int(0, 6)) : count(g)]],
              [0.2, () => [g.rng.pick(['FOO', 'RANK', 'COUNT'])]],
            ])(),
          );
        }
        return args;
      },
    },
    {
      name: 'lmove',
      weight: 1.5,
      make: (g) => ['LMOVE', g.key(), g.key(), g.rng.chance(0.95) ? g.opt(g.rng.pick(SIDE)) : 'UP', g.opt(g.rng.pick(SIDE))],
    },
    { name: 'rpoplpush', make: (g) => ['RPOPLPUSH', g.key(), g.key()] },
    {
      name: 'lmpop',
      weight: 1.5,
      make: (g) => {
        const args = ['LMPOP', ...numkeysAndKeys(g), g.rng.chance(0.95) ? g.opt(g.rng.pick(SIDE)) : 'MIDDLE'];
        if (g.rng.chance(0.4)) args.push(g.opt('COUNT'), count(g, false));
        return args;
      },
    },
    {
      // Blocking pops inside MULTI answer at once (null when nothing is there).
      name: 'blocking-in-multi',
      weight: 0.8,
      make: (g) =>
        inMulti([
          g.rng.weighted<() => string[]>([
            [2, () => ['BLPOP', ...g.keys(1, 2), timeoutArg(g)]],
            [2, () => ['BRPOP', ...g.keys(1, 2), timeoutArg(g)]],
            [1, () => ['BLMOVE', g.key(), g.key(), g.rng.pick(SIDE), g.rng.pick(SIDE), timeoutArg(g)]],
            [1, () => ['BRPOPLPUSH', g.key(), g.key(), timeoutArg(g)]],
            [1, () => ['BLMPOP', timeoutArg(g), ...numkeysAndKeys(g), g.rng.pick(SIDE), ...(g.rng.chance(0.5) ? ['COUNT', count(g, false)] : [])]],
          ])(),
        ]),
    },
  ],
};

// ---- sets -------------------------------------------------------------------------------------

/** A set member: integers often (so sets stay intsets and convert), any member otherwise. */
function setMember(g: Gen): string {
  return g.rng.chance(0.5) ? g.integer() : member(g);
}

function setMembers(g: Gen, min: number, max: number): string[] {
  return Array.from({ length: g.rng.int(min, max) }, () => setMember(g));
}

export const sets: Family = {
  name: 'sets',
  commands: [
    { name: 'sadd', weight: 4, make: (g) => ['SADD', g.key(), ...setMembers(g, 1, 4)] },
    {
      name: 'sadd-many',
      weight: 0.15,
      // Around set-max-intset-entries (512): the intset -> hashtable conversion.
      make: (g) => {
        const n = g.rng.int(505, 520);
        const base = g.rng.int(-300, 300);
        return ['SADD', g.key(), ...Array.from({ length: n }, (_, i) => String(base + i))];
      },
    },
    { name: 'srem', weight: 2, make: (g) => ['SREM', g.key(), ...setMembers(g, 1, 3)] },
    { name: 'smembers', make: (g) => ['SMEMBERS', g.key()] },
    { name: 'scard', make: (g) => ['SCARD', g.key()] },
    { name: 'sismember', make: (g) => ['SISMEMBER', g.key(), setMember(g)] },
    { name: 'smismember', make: (g) => ['SMISMEMBER', g.key(), ...setMembers(g, 1, 3)] },
    { name: 'smove', make: (g) => ['SMOVE', g.key(), g.key(), setMember(g)] },
    { name: 'sinter', make: (g) => ['SINTER', ...g.keys(1, 3)] },
    { name: 'sunion', make: (g) => ['SUNION', ...g.keys(1, 3)] },
    { name: 'sdiff', make: (g) => ['SDIFF', ...g.keys(1, 3)] },
    { name: 'sinterstore', make: (g) => ['SINTERSTORE', g.key(), ...g.keys(1, 3)] },
    { name: 'sunionstore', make: (g) => ['SUNIONSTORE', g.key(), ...g.keys(1, 3)] },
    { name: 'sdiffstore', make: (g) => ['SDIFFSTORE', g.key(), ...g.keys(1, 3)] },
    {
      name: 'sintercard',
      make: (g) => {
        const args = ['SINTERCARD', ...numkeysAndKeys(g)];
        if (g.rng.chance(0.4)) args.push(g.opt('LIMIT'), g.rng.chance(0.8) ? String(g.rng.int(0, 5)) : g.rng.pick(['-1', 'x', '']));
        else if (g.rng.chance(0.05)) args.push('FOO');
        return args;
      },
    },
    {
      name: 'spop',
      weight: 1.5,
      make: (g) => {
        const key = g.key();
        const args = ['SPOP', key, ...(g.rng.chance(0.7) ? [count(g, false)] : [])];
        // The popped members differ between servers: compare them against the listing, then drop the key.
        return sampleStep(['SMEMBERS', key], args, true, false, [['SCARD', key], ['DEL', key]]);
      },
    },
    {
      name: 'srandmember',
      weight: 1.5,
      make: (g) => {
        const key = g.key();
        const args = ['SRANDMEMBER', key, ...(g.rng.chance(0.75) ? [count(g)] : [])];
        return sampleStep(['SMEMBERS', key], args, !/^-[1-9]/.test(args[2] ?? ''), false);
      },
    },
    {
      name: 'sscan',
      weight: 0.8,
      make: (g) => ({ cmds: [], scan: scanArgs(g, false), scanHead: ['SSCAN', g.key()] }),
    },
  ],
};

/** A cursor and options for SCAN-like commands; a full iteration runs on each server. */
function scanArgs(g: Gen, noValues: boolean): string[] {
  const cursor = g.rng.chance(0.92) ? '0' : g.rng.pick(['abc', '1.5', '', '18446744073709551616']);
  const options: string[] = [];
  for (let i = g.rng.weighted([[3, 0], [3, 1], [1, 2]]); i > 0; i--) {
    options.push(
      ...g.rng.weighted<() => string[]>([
        [3, () => [g.opt('MATCH'), g.rng.pick(['*', 'a*', '?', '[a-c]', '1*', '-*', '*x*', ''])]],
        [3, () => [g.opt('COUNT'), g.rng.pick(['1', '2', '10', '1000', '0', '-1', 'x'])]],
        [noValues ? 0 : 0.2, () => ['NOVALUES']],
        [0.2, () => [g.rng.pick(['FOO', 'MATCH', 'COUNT'])]],
      ])(),
    );
  }
  return [cursor, ...options];
}

// ---- hashes -----------------------------------------------------------------------------------

function field(g: Gen): string {
  return g.rng.weighted<() => string>([
    [6, () => g.rng.pick(['f1', 'f2', 'f3', 'f4', 'name', 'age', '', '\x00f', 'f 1'])],
    [2, () => String(g.rng.int(-5, 5))],
    [1, () => g.value()],
    [0.2, () => 'x'.repeat(g.rng.pick([63, 64, 65]))],
  ])();
}

function hashValue(g: Gen): string {
  return g.rng.chance(0.4) ? g.integer() : g.rng.chance(0.3) ? g.float() : g.value();
}

export const hashes: Family = {
  name: 'hashes',
  commands: [
    {
      name: 'hset',
      weight: 4,
      make: (g) => {
        const args = ['HSET', g.key()];
        for (let i = g.rng.weighted([[4, 1], [2, 2], [1, 3]]); i > 0; i--) args.push(field(g), hashValue(g));
        if (g.rng.chance(0.04)) args.push(field(g));
        return args;
      },
    },
    {
      name: 'hset-many',
      weight: 0.15,
      // Around hash-max-listpack-entries (128): the listpack -> hashtable conversion.
      make: (g) => ['HSET', g.key(), ...Array.from({ length: g.rng.int(120, 135) }, (_, i) => [`f${i}`, String(i)]).flat()],
    },
    {
      name: 'hmset',
      make: (g) => {
        const args = ['HMSET', g.key()];
        for (let i = g.rng.int(1, 3); i > 0; i--) args.push(field(g), hashValue(g));
        return args;
      },
    },
    { name: 'hsetnx', make: (g) => ['HSETNX', g.key(), field(g), hashValue(g)] },
    { name: 'hget', weight: 2, make: (g) => ['HGET', g.key(), field(g)] },
    { name: 'hmget', make: (g) => ['HMGET', g.key(), ...Array.from({ length: g.rng.int(1, 4) }, () => field(g))] },
    { name: 'hdel', weight: 1.5, make: (g) => ['HDEL', g.key(), ...Array.from({ length: g.rng.int(1, 3) }, () => field(g))] },
    { name: 'hlen', make: (g) => ['HLEN', g.key()] },
    { name: 'hstrlen', make: (g) => ['HSTRLEN', g.key(), field(g)] },
    { name: 'hexists', make: (g) => ['HEXISTS', g.key(), field(g)] },
    { name: 'hgetall', make: (g) => ['HGETALL', g.key()] },
    { name: 'hkeys', make: (g) => ['HKEYS', g.key()] },
    { name: 'hvals', make: (g) => ['HVALS', g.key()] },
    { name: 'hincrby', weight: 1.5, make: (g) => ['HINCRBY', g.key(), field(g), g.integer()] },
    { name: 'hincrbyfloat', weight: 1.5, make: (g) => ['HINCRBYFLOAT', g.key(), field(g), g.float()] },
    {
      name: 'hrandfield',
      weight: 1.5,
      make: (g) => randomPick(g, 'HRANDFIELD', 'WITHVALUES', (key, pairs) => (pairs ? ['HGETALL', key] : ['HKEYS', key])),
    },
    { name: 'hscan', weight: 0.8, make: (g) => ({ cmds: [], scan: scanArgs(g, true), scanHead: ['HSCAN', g.key()], scanPairs: true }) },
  ],
};

// ---- sorted sets ----------------------------------------------------------------------------

function score(g: Gen): string {
  return g.rng.weighted<() => string>([
    [5, () => String(g.rng.int(-5, 5))],
    [2, () => (g.rng.int(-500, 500) / 100).toString()],
    [2, () => g.float()],
    [0.5, () => g.rng.pick(['inf', '-inf', '+inf', 'nan', '1e400', '-0', '0x1p3', '1e-310'])],
  ])();
}

function scoreBound(g: Gen): string {
  return g.rng.weighted<() => string>([
    [5, () => (g.rng.chance(0.3) ? '(' : '') + String(g.rng.int(-5, 5))],
    [2, () => g.rng.pick(['-inf', '+inf', 'inf', '(-inf', '(+inf', '(1.5', '2.5'])],
    [0.5, () => g.rng.pick(['x', '(x', '(', '', 'nan', '((1', '[1'])],
  ])();
}

function lexBound(g: Gen): string {
  return g.rng.weighted<() => string>([
    [5, () => g.rng.pick(['[', '(']) + g.rng.pick(['a', 'b', 'c', 'd', 'aa', '', '1', '\xff'])],
    [2, () => g.rng.pick(['-', '+'])],
    [0.5, () => g.rng.pick(['a', '', 'x', '{a'])],
  ])();
}

/**
 * Lex ranges are only defined when every member has the same score (Redis
 * answers something unspecified otherwise): lex commands read a key that only
 * ever gets score 0.
 */
const LEX_KEY = 'zlex';

function zaddPairs(g: Gen, min: number, max: number): string[] {
  return Array.from({ length: g.rng.int(min, max) }, () => [score(g), member(g)]).flat();
}

function limit(g: Gen): string[] {
  const offset = g.rng.chance(0.85) ? String(g.rng.int(0, 4)) : g.rng.pick(['-1', 'x', '9223372036854775807']);
  const n = g.rng.chance(0.85) ? String(g.rng.int(-1, 4)) : g.rng.pick(['x', '9223372036854775807', '-5']);
  return [g.opt('LIMIT'), offset, n];
}

function withScores(g: Gen, p = 0.4): string[] {
  return g.rng.chance(p) ? [g.opt('WITHSCORES')] : [];
}

/** ZRANGE / ZRANGESTORE options: BYSCORE or BYLEX (with bounds to match), REV, LIMIT, WITHSCORES. */
function zrangeArgs(g: Gen, store: boolean): string[] {
  const mode = g.rng.weighted<string>([[4, 'rank'], [3, 'score'], [2, 'lex'], [0.3, 'both']]);
  const rev = g.rng.chance(0.35);
  let bounds: string[];
  if (mode === 'rank') bounds = [g.index(), g.index()];
  else if (mode === 'score') bounds = [scoreBound(g), scoreBound(g)];
  else bounds = [lexBound(g), lexBound(g)];
  const args = [...bounds];
  if (mode === 'score' || mode === 'both') args.push(g.opt('BYSCORE'));
  if (mode === 'lex' || mode === 'both') args.push(g.opt('BYLEX'));
  if (rev) args.push(g.opt('REV'));
  if (g.rng.chance(mode === 'rank' ? 0.1 : 0.4)) args.push(...limit(g));
  if (!store) args.push(...withScores(g));
  else if (g.rng.chance(0.05)) args.push('WITHSCORES');
  if (g.rng.chance(0.03)) args.push(g.rng.pick(['FOO', 'LIMIT']));
  return args;
}

const ZADD_FLAGS = ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'];

/** ZUNION/ZINTER/ZDIFF arguments: numkeys, keys, WEIGHTS, AGGREGATE (not for ZDIFF), WITHSCORES. */
function zsetOperation(g: Gen, name: string, store: boolean): string[] {
  const keys = g.keys(1, 3);
  const numkeys = g.rng.chance(0.92) ? String(keys.length) : g.rng.pick(['0', '-1', 'x', String(keys.length + 2)]);
  const args = store ? [name, g.key(), numkeys, ...keys] : [name, numkeys, ...keys];
  const diff = /diff/i.test(name);
  if (!diff && g.rng.chance(0.35)) {
    const n = g.rng.chance(0.9) ? keys.length : keys.length + 1;
    args.push(g.opt('WEIGHTS'), ...Array.from({ length: n }, () => g.rng.pick(['1', '2', '0', '-1', '0.5', 'inf', '-inf', 'x', '3'])));
  }
  if (!diff && g.rng.chance(0.35)) args.push(g.opt('AGGREGATE'), g.rng.chance(0.95) ? g.opt(g.rng.pick(['SUM', 'MIN', 'MAX'])) : 'AVG');
  if (!store) args.push(...withScores(g));
  if (g.rng.chance(0.03)) args.push(g.rng.pick(['FOO', 'WEIGHTS', 'AGGREGATE']));
  return args;
}

export const zsets: Family = {
  name: 'zsets',
  commands: [
    {
      name: 'zadd',
      weight: 5,
      make: (g) => {
        const args = ['ZADD', g.key()];
        for (let i = g.rng.weighted([[5, 0], [3, 1], [1.5, 2], [0.3, 3]]); i > 0; i--) args.push(g.opt(g.rng.pick(ZADD_FLAGS)));
        const incr = args.some((a) => /^incr$/i.test(a));
        args.push(...zaddPairs(g, 1, incr && g.rng.chance(0.9) ? 1 : 3));
        if (g.rng.chance(0.03)) args.push(score(g));
        return args;
      },
    },
    {
      name: 'zadd-many',
      weight: 0.15,
      // Around zset-max-listpack-entries (128): the listpack -> skiplist conversion.
      // One score for all (lex ranges are only defined on equal scores), sometimes several.
      make: (g) => {
        const mixed = g.rng.chance(0.3);
        return ['ZADD', g.key(), ...Array.from({ length: g.rng.int(120, 135) }, (_, i) => [mixed ? String(i % 7) : '0', `m${i}`]).flat()];
      },
    },
    { name: 'zincrby', weight: 1.5, make: (g) => ['ZINCRBY', g.key(), score(g), member(g)] },
    { name: 'zscore', weight: 1.5, make: (g) => ['ZSCORE', g.key(), member(g)] },
    { name: 'zmscore', make: (g) => ['ZMSCORE', g.key(), ...membersOf(g, 1, 3)] },
    { name: 'zcard', make: (g) => ['ZCARD', g.key()] },
    { name: 'zcount', make: (g) => ['ZCOUNT', g.key(), scoreBound(g), scoreBound(g)] },
    {
      name: 'zadd-lex',
      weight: 1.5,
      make: (g) => ['ZADD', LEX_KEY, ...Array.from({ length: g.rng.int(1, 4) }, () => ['0', g.rng.pick(MEMBERS)]).flat()],
    },
    { name: 'zlexcount', make: (g) => ['ZLEXCOUNT', LEX_KEY, lexBound(g), lexBound(g)] },
    {
      name: 'zrange',
      weight: 3,
      make: (g) => {
        const args = zrangeArgs(g, false);
        return ['ZRANGE', args.some((a) => /^bylex$/i.test(a)) ? LEX_KEY : g.key(), ...args];
      },
    },
    {
      name: 'zrangestore',
      make: (g) => {
        const args = zrangeArgs(g, true);
        return ['ZRANGESTORE', g.key(), args.some((a) => /^bylex$/i.test(a)) ? LEX_KEY : g.key(), ...args];
      },
    },
    { name: 'zrevrange', make: (g) => ['ZREVRANGE', g.key(), g.index(), g.index(), ...withScores(g)] },
    {
      name: 'zrangebyscore',
      make: (g) => ['ZRANGEBYSCORE', g.key(), scoreBound(g), scoreBound(g), ...withScores(g), ...(g.rng.chance(0.3) ? limit(g) : [])],
    },
    {
      name: 'zrevrangebyscore',
      make: (g) => ['ZREVRANGEBYSCORE', g.key(), scoreBound(g), scoreBound(g), ...(g.rng.chance(0.3) ? limit(g) : []), ...withScores(g)],
    },
    { name: 'zrangebylex', make: (g) => ['ZRANGEBYLEX', LEX_KEY, lexBound(g), lexBound(g), ...(g.rng.chance(0.3) ? limit(g) : [])] },
    { name: 'zrevrangebylex', make: (g) => ['ZREVRANGEBYLEX', LEX_KEY, lexBound(g), lexBound(g), ...(g.rng.chance(0.3) ? limit(g) : [])] },
    { name: 'zrank', weight: 1.5, make: (g) => ['ZRANK', g.key(), member(g), ...(g.rng.chance(0.05) ? ['WITHSCORE'] : [])] },
    { name: 'zrevrank', make: (g) => ['ZREVRANK', g.key(), member(g)] },
    { name: 'zrem', weight: 1.5, make: (g) => ['ZREM', g.key(), ...membersOf(g, 1, 3)] },
    { name: 'zremrangebyrank', make: (g) => ['ZREMRANGEBYRANK', g.key(), g.index(), g.index()] },
    { name: 'zremrangebyscore', make: (g) => ['ZREMRANGEBYSCORE', g.key(), scoreBound(g), scoreBound(g)] },
    { name: 'zremrangebylex', make: (g) => ['ZREMRANGEBYLEX', LEX_KEY, lexBound(g), lexBound(g)] },
    { name: 'zpopmin', make: (g) => ['ZPOPMIN', g.key(), ...(g.rng.chance(0.5) ? [count(g)] : [])] },
    { name: 'zpopmax', make: (g) => ['ZPOPMAX', g.key(), ...(g.rng.chance(0.5) ? [count(g)] : [])] },
    {
      name: 'zmpop',
      make: (g) => {
        const args = ['ZMPOP', ...numkeysAndKeys(g), g.rng.chance(0.95) ? g.opt(g.rng.pick(['MIN', 'MAX'])) : 'MID'];
        if (g.rng.chance(0.4)) args.push(g.opt('COUNT'), count(g, false));
        return args;
      },
    },
    { name: 'zunion', make: (g) => zsetOperation(g, 'ZUNION', false) },
    { name: 'zinter', make: (g) => zsetOperation(g, 'ZINTER', false) },
    { name: 'zdiff', make: (g) => zsetOperation(g, 'ZDIFF', false) },
    { name: 'zunionstore', make: (g) => zsetOperation(g, 'ZUNIONSTORE', true) },
    { name: 'zinterstore', make: (g) => zsetOperation(g, 'ZINTERSTORE', true) },
    { name: 'zdiffstore', make: (g) => zsetOperation(g, 'ZDIFFSTORE', true) },
    {
      name: 'zintercard',
      make: (g) => {
        const args = ['ZINTERCARD', ...numkeysAndKeys(g)];
        if (g.rng.chance(0.4)) args.push(g.opt('LIMIT'), g.rng.chance(0.8) ? String(g.rng.int(0, 5)) : g.rng.pick(['-1', 'x']));
        return args;
      },
    },
    {
      name: 'zrandmember',
      weight: 1.5,
      make: (g) => randomPick(g, 'ZRANDMEMBER', 'WITHSCORES', (key, pairs) => ['ZRANGE', key, '0', '-1', ...(pairs ? ['WITHSCORES'] : [])]),
    },
    { name: 'zscan', weight: 0.8, make: (g) => ({ cmds: [], scan: scanArgs(g, false), scanHead: ['ZSCAN', g.key()], scanPairs: true }) },
    {
      name: 'zblocking-in-multi',
      weight: 0.6,
      make: (g) =>
        inMulti([
          g.rng.weighted<() => string[]>([
            [2, () => ['BZPOPMIN', ...g.keys(1, 2), timeoutArg(g)]],
            [2, () => ['BZPOPMAX', ...g.keys(1, 2), timeoutArg(g)]],
            [1, () => ['BZMPOP', timeoutArg(g), ...numkeysAndKeys(g), g.rng.pick(['MIN', 'MAX']), ...(g.rng.chance(0.5) ? ['COUNT', count(g, false)] : [])]],
          ])(),
        ]),
    },
  ],
};
