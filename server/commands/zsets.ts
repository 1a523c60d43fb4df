// Sorted set commands (t_zset.c). A ZSet (server/types/zset.ts) keeps the
// skiplist with spans for order and ranks and a Map for member -> score.
//
// As in Redis, every argument is parsed before the keyspace is touched, and
// the order of the checks (syntax, option conflicts, numbers, then WRONGTYPE)
// is Redis's, since clients can see it. Scores reply as doubles (RESP3 ',',
// RESP2 "%.17g" bulk); WITHSCORES in RESP3 gives [member, score] pairs.
//
// This module holds ZADD / ZINCRBY, the single-member reads (ZSCORE, ZMSCORE,
// ZCARD, ZRANK), ZREM, ZRANDMEMBER, ZSCAN and the command table. The rest
// lives beside it, one concern per module:
//   zsets-shared.ts      key access, reply and store helpers they all use
//   zsets-range-args.ts  score / lex bounds and ZRANGE's option parsing
//   zsets-ranges.ts      range reads and removals (ZRANGE forms, ZCOUNT, ZREMRANGEBY*)
//   zsets-algebra.ts     ZUNION / ZINTER / ZDIFF (+STORE), ZINTERCARD
//   zsets-pops.ts        ZPOPMIN / ZPOPMAX / ZMPOP and the blocking pops

import { lower, str } from '../bytes.js';
import type { Client } from '../client.js';
import type { CommandDef, Flag } from './types.js';
import { keysAt } from './types.js';
import { Errors, ReplyError } from '../errors.js';
import { MAX_RANDOM_REPLY, parseDouble, parseInteger, RANDOM_REPLY_TOO_LARGE } from './arguments.js';
import { formatDouble } from '../resp/number-format.js';
import { registerValueType } from './keys.js';
import { ZSet } from '../types/zset.js';
import type { SkipNode } from '../types/skiplist.js';
import { parseScanCursor, parseScanOptions, replyEmptyScan } from '../scan.js';
import { dropIfEmpty, limits, readZset, replyElements, storeResult, writeZset } from './zsets-shared.js';
import { LEX, parseRange, RANK, SCORE } from './zsets-range-args.js';
import { countRange, rangeCommand, selectRange, zremrangeCommand } from './zsets-ranges.js';
import { DIFF, INTER, setOperation, UNION, zintercard } from './zsets-algebra.js';
import { bzmpop, bzpopCommand, zmpop, zpopCommand } from './zsets-pops.js';

// The range parsers were exported from here before the split; kept for importers.
export { parseLexRange, parseScoreRange } from './zsets-range-args.js';

const NAN_SCORE = 'ERR resulting score is not a number (NaN)';
const XX_NX = 'ERR XX and NX options at the same time are not compatible';
const GT_LT_NX = 'ERR GT, LT, and/or NX options at the same time are not compatible';
const INCR_PAIRS = 'ERR INCR option supports a single increment-element pair';
const RANDMEMBER_RANGE = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';

registerValueType('zset', {
  clone: (value) => (value as ZSet).clone(),
  encoding: (entry) => ((entry.value as ZSet).converted ? 'skiplist' : 'listpack'),
});

// ---------------------------------------------------------------------------
// ZADD / ZINCRBY

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;
const CH = 16;
const INCR = 32;

function zaddGeneric(client: Client, argv: Buffer[], flags: number): void {
  const key = str(argv[1]);
  let at = 2;
  for (; at < argv.length; at++) {
    // Options are words: an argument that does not start with a letter (a score) ends them, no string made.
    const first = argv[at][0] | 0x20;
    if (first < 0x61 || first > 0x7a) break;
    const option = lower(argv[at]);
    if (option === 'nx') flags |= NX;
    else if (option === 'xx') flags |= XX;
    else if (option === 'ch') flags |= CH;
    else if (option === 'incr') flags |= INCR;
    else if (option === 'gt') flags |= GT;
    else if (option === 'lt') flags |= LT;
    else break;
  }
  const elements = argv.length - at;
  if (elements % 2 !== 0 || elements === 0) throw new ReplyError(Errors.syntax);
  const pairs = elements / 2;
  if (flags & NX && flags & XX) throw new ReplyError(XX_NX);
  if ((flags & GT && flags & NX) || (flags & LT && flags & NX) || (flags & GT && flags & LT)) throw new ReplyError(GT_LT_NX);
  const incr = (flags & INCR) !== 0;
  if (incr && pairs > 1) throw new ReplyError(INCR_PAIRS);
  const scores: number[] = new Array<number>(pairs);
  for (let j = 0; j < pairs; j++) scores[j] = parseDouble(argv[at + j * 2]);

  const db = client.db;
  let entry = writeZset(db, key);
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  if (entry !== undefined || !(flags & XX)) {
    const [maxEntries, maxValue] = limits(client);
    if (entry === undefined) entry = db.add(key, 'zset', new ZSet());
    const zset = entry.value as ZSet;
    try {
      for (let j = 0; j < pairs; j++) {
        const member = str(argv[at + j * 2 + 1]);
        score = scores[j];
        const current = zset.score(member);
        if (current !== undefined) {
          if (flags & NX) continue;
          if (incr) {
            score += current;
            if (Number.isNaN(score)) throw new ReplyError(NAN_SCORE);
          }
          if ((flags & LT && score >= current) || (flags & GT && score <= current)) continue;
          processed++;
          if (score !== current) {
            zset.update(member, score);
            updated++;
          }
        } else if (!(flags & XX)) {
          zset.prepareAdd(member, maxEntries, maxValue);
          zset.insert(member, score);
          added++;
          processed++;
        }
      }
    } finally {
      if (added || updated) client.server.keyChanged(db, key, 'z', incr ? 'zincr' : 'zadd');
      else if (zset.size === 0) db.remove(key);
    }
  }
  if (incr) {
    if (processed) client.reply.double(score);
    else client.reply.nullBulk();
  } else {
    client.reply.integer(flags & CH ? added + updated : added);
  }
}

/** Keys of the numkeys forms: numkeys at argv[at], keys right after; plus a leading destination. */
function numkeysKeys(at: number, withDestination: boolean) {
  return (argv: readonly Buffer[]): number[] => {
    const keys: number[] = withDestination ? [1] : [];
    let n = 0;
    try {
      n = parseInteger(argv[at]);
    } catch {
      return keys;
    }
    for (let i = 0; i < n && at + 1 + i < argv.length; i++) keys.push(at + 1 + i);
    return keys;
  };
}

// ---------------------------------------------------------------------------
// The table

function row(
  name: string,
  arity: number,
  flags: readonly Flag[],
  keys: CommandDef['keys'],
  categories: readonly string[],
  summary: string,
  since: string,
  handler: CommandDef['handler'],
  extra: Partial<CommandDef> = {},
): CommandDef {
  return { name, arity, flags, keys, categories, summary, since, group: 'sorted-set', handler, ...extra };
}

const W_FAST = ['write', 'sortedset', 'fast'];
const R_FAST = ['read', 'sortedset', 'fast'];
const W_SLOW = ['write', 'sortedset', 'slow'];
const R_SLOW = ['read', 'sortedset', 'slow'];

function rankCommand(reverse: boolean) {
  return (client: Client, argv: Buffer[]): void => {
    const zset = readZset(client, str(argv[1]));
    if (zset === undefined) {
      client.reply.nullBulk();
      return;
    }
    const rank = zset.rank(str(argv[2]));
    if (rank < 0) client.reply.nullBulk();
    else client.reply.integer(reverse ? zset.size - 1 - rank : rank);
  };
}

function randomInt(n: number): number {
  return Math.floor(Math.random() * n);
}

function zrandmember(client: Client, argv: Buffer[]): void {
  if (argv.length === 2) {
    const zset = readZset(client, str(argv[1]));
    if (zset === undefined || zset.size === 0) {
      client.reply.nullBulk();
      return;
    }
    client.reply.bulk((zset.at(randomInt(zset.size)) as SkipNode).member);
    return;
  }
  const count = parseInteger(argv[2]);
  if (str(argv[2]) === '-9223372036854775808') throw new ReplyError(RANDMEMBER_RANGE);
  let withScores = false;
  if (argv.length === 4) {
    if (lower(argv[3]) !== 'withscores') throw new ReplyError(Errors.syntax);
    withScores = true;
    const big = BigInt(str(argv[2]));
    if (big > 4611686018427387903n || big < -4611686018427387903n) throw new ReplyError('ERR value is out of range');
  } else if (argv.length > 4) {
    throw new ReplyError(Errors.syntax);
  }
  const zset = readZset(client, str(argv[1]));
  if (zset === undefined || count === 0) {
    client.reply.array(0);
    return;
  }
  const size = zset.size;
  const members: string[] = [];
  const scores: number[] = [];
  if (count < 0) {
    const n = -count;
    if (n > MAX_RANDOM_REPLY) throw new ReplyError(RANDOM_REPLY_TOO_LARGE);
    for (let i = 0; i < n; i++) {
      const node = zset.at(randomInt(size)) as SkipNode;
      members.push(node.member);
      scores.push(node.score);
    }
  } else if (count >= size) {
    for (let x = zset.list.first(); x !== null; x = x.next) {
      members.push(x.member);
      scores.push(x.score);
    }
  } else {
    // Distinct picks: a partial Fisher-Yates over the ranks.
    const ranks = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + randomInt(size - i);
      [ranks[i], ranks[j]] = [ranks[j], ranks[i]];
      const node = zset.at(ranks[i]) as SkipNode;
      members.push(node.member);
      scores.push(node.score);
    }
  }
  replyElements(client, members, withScores ? scores : null);
}

/**
 * A score as a listpack stores it (Redis's d2string): an integral value within
 * +/-LLONG_MAX/2 as an integer ("123456789012345680", not "1.2345678901234568e+17").
 * ZSCAN of a listpack zset answers these stored strings.
 */
function listpackScore(score: number): string {
  if (Number.isInteger(score) && !Object.is(score, -0) && Math.abs(score) <= 4611686018427387903) return BigInt(score).toString();
  return formatDouble(score);
}

function zscan(client: Client, argv: Buffer[]): void {
  const key = str(argv[1]);
  const cursor = parseScanCursor(argv[2]);
  const zset = readZset(client, key);
  if (zset === undefined) {
    replyEmptyScan(client);
    return;
  }
  const { count, match } = parseScanOptions(argv, 3, false);
  const out: string[] = [];
  let next = 0;
  const push = (node: SkipNode) => {
    if (match !== null && !match(node.member)) return;
    out.push(node.member, zset.converted ? formatDouble(node.score) : listpackScore(node.score));
  };
  if (!zset.converted) {
    // Redis answers a listpack in one call.
    for (let x = zset.list.first(); x !== null; x = x.next) push(x);
  } else {
    next = zset.scan(cursor, count, (member, score) => {
      if (match === null || match(member)) out.push(member, formatDouble(score));
    });
  }
  client.reply.array(2);
  client.reply.bulk(String(next));
  client.reply.bulkArray(out);
}

export const zsetCommands: CommandDef[] = [
  row('zadd', -4, ['write', 'denyoom', 'fast'], keysAt(1), W_FAST, 'Add one or more members to a sorted set, or update its score if it already exists', '1.2.0', (c, a) => zaddGeneric(c, a, 0)),
  row('zincrby', 4, ['write', 'denyoom', 'fast'], keysAt(1), W_FAST, 'Increment the score of a member in a sorted set', '1.2.0', (client, argv) => {
    zaddGeneric(client, [argv[0], argv[1], argv[2], argv[3]], INCR);
  }),
  row('zscore', 3, ['readonly', 'fast'], keysAt(1), R_FAST, 'Get the score associated with the given member in a sorted set', '1.2.0', (client, argv) => {
    const zset = readZset(client, str(argv[1]));
    const score = zset?.score(str(argv[2]));
    if (score === undefined) client.reply.nullBulk();
    else client.reply.double(score);
  }),
  row('zmscore', -3, ['readonly', 'fast'], keysAt(1), R_FAST, 'Get the score associated with the given members in a sorted set', '6.2.0', (client, argv) => {
    const zset = readZset(client, str(argv[1]));
    client.reply.array(argv.length - 2);
    for (let i = 2; i < argv.length; i++) {
      const score = zset?.score(str(argv[i]));
      if (score === undefined) client.reply.nullBulk();
      else client.reply.double(score);
    }
  }),
  row('zcard', 2, ['readonly', 'fast'], keysAt(1), R_FAST, 'Get the number of members in a sorted set', '1.2.0', (client, argv) => {
    client.reply.integer(readZset(client, str(argv[1]))?.size ?? 0);
  }),
  row('zcount', 4, ['readonly', 'fast'], keysAt(1), R_FAST, 'Count the members in a sorted set with scores within the given values', '2.0.0', (c, a) => countRange(c, a, false)),
  row('zlexcount', 4, ['readonly', 'fast'], keysAt(1), R_FAST, 'Count the number of members in a sorted set between a given lexicographical range', '2.8.9', (c, a) => countRange(c, a, true)),
  row('zrange', -4, ['readonly'], keysAt(1), R_SLOW, 'Return a range of members in a sorted set', '1.2.0', rangeCommand(null, null)),
  row('zrevrange', -4, ['readonly'], keysAt(1), R_SLOW, 'Return a range of members in a sorted set, by index, with scores ordered from high to low', '1.2.0', rangeCommand(RANK, true)),
  row('zrangebyscore', -4, ['readonly'], keysAt(1), R_SLOW, 'Return a range of members in a sorted set, by score', '1.0.5', rangeCommand(SCORE, false)),
  row('zrevrangebyscore', -4, ['readonly'], keysAt(1), R_SLOW, 'Return a range of members in a sorted set, by score, with scores ordered from high to low', '2.2.0', rangeCommand(SCORE, true)),
  row('zrangebylex', -4, ['readonly'], keysAt(1), R_SLOW, 'Return a range of members in a sorted set, by lexicographical range', '2.8.9', rangeCommand(LEX, false)),
  row('zrevrangebylex', -4, ['readonly'], keysAt(1), R_SLOW, 'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.', '2.8.9', rangeCommand(LEX, true)),
  row('zrangestore', -5, ['write', 'denyoom'], keysAt(1, 2), W_SLOW, 'Store a range of members from sorted set into another key', '6.2.0', (client, argv) => {
    const request = parseRange(argv, 2, null, null, true);
    const source = readZset(client, str(argv[2]));
    const nodes = source === undefined ? [] : selectRange(source, request);
    // Redis sizes the destination by the rank range's length (0 for score and
    // lex ranges) and then adds one by one, converting as a ZADD would.
    const [maxEntries, maxValue] = limits(client);
    const result = new ZSet();
    if (request.type === RANK && nodes.length > maxEntries) result.converted = true;
    for (const node of nodes) {
      result.prepareAdd(node.member, maxEntries, maxValue);
      result.insert(node.member, node.score);
    }
    client.reply.integer(storeResult(client, str(argv[1]), result, 'zrangestore', false));
  }),
  row('zrank', 3, ['readonly', 'fast'], keysAt(1), R_FAST, 'Determine the index of a member in a sorted set', '2.0.0', rankCommand(false)),
  row('zrevrank', 3, ['readonly', 'fast'], keysAt(1), R_FAST, 'Determine the index of a member in a sorted set, with scores ordered from high to low', '2.0.0', rankCommand(true)),
  row('zrem', -3, ['write', 'fast'], keysAt(1), W_FAST, 'Remove one or more members from a sorted set', '1.2.0', (client, argv) => {
    const key = str(argv[1]);
    const entry = writeZset(client.db, key);
    if (entry === undefined) {
      client.reply.integer(0);
      return;
    }
    const zset = entry.value as ZSet;
    let removed = 0;
    for (let i = 2; i < argv.length; i++) {
      if (zset.remove(str(argv[i]))) removed++;
      if (zset.size === 0) break;
    }
    if (removed > 0) {
      client.server.keyChanged(client.db, key, 'z', 'zrem');
      dropIfEmpty(client, key, zset);
    }
    client.reply.integer(removed);
  }),
  row('zremrangebyrank', 4, ['write'], keysAt(1), W_SLOW, 'Remove all members in a sorted set within the given indexes', '2.0.0', zremrangeCommand(RANK)),
  row('zremrangebyscore', 4, ['write'], keysAt(1), W_SLOW, 'Remove all members in a sorted set within the given scores', '1.2.0', zremrangeCommand(SCORE)),
  row('zremrangebylex', 4, ['write'], keysAt(1), W_SLOW, 'Remove all members in a sorted set between the given lexicographical range', '2.8.9', zremrangeCommand(LEX)),
  row('zpopmin', -2, ['write', 'fast'], keysAt(1), W_FAST, 'Remove and return members with the lowest scores in a sorted set', '5.0.0', zpopCommand(false)),
  row('zpopmax', -2, ['write', 'fast'], keysAt(1), W_FAST, 'Remove and return members with the highest scores in a sorted set', '5.0.0', zpopCommand(true)),
  row('zrandmember', -2, ['readonly'], keysAt(1), R_SLOW, 'Get one or multiple random elements from a sorted set', '6.2.0', zrandmember, { tips: ['nondeterministic_output'] }),
  row('zscan', -3, ['readonly'], keysAt(1), R_SLOW, 'Incrementally iterate sorted sets elements and associated scores', '2.8.0', zscan, { tips: ['nondeterministic_output'] }),
  row('zunion', -3, ['readonly', 'movablekeys'], null, R_SLOW, 'Add multiple sorted sets', '6.2.0', (c, a) => setOperation(c, a, UNION, false), { getKeys: numkeysKeys(1, false) }),
  row('zinter', -3, ['readonly', 'movablekeys'], null, R_SLOW, 'Intersect multiple sorted sets', '6.2.0', (c, a) => setOperation(c, a, INTER, false), { getKeys: numkeysKeys(1, false) }),
  row('zdiff', -3, ['readonly', 'movablekeys'], null, R_SLOW, 'Subtract multiple sorted sets', '6.2.0', (c, a) => setOperation(c, a, DIFF, false), { getKeys: numkeysKeys(1, false) }),
  row('zunionstore', -4, ['write', 'denyoom', 'movablekeys'], keysAt(1), W_SLOW, 'Add multiple sorted sets and store the resulting sorted set in a new key', '2.0.0', (c, a) => setOperation(c, a, UNION, true), { getKeys: numkeysKeys(2, true) }),
  row('zinterstore', -4, ['write', 'denyoom', 'movablekeys'], keysAt(1), W_SLOW, 'Intersect multiple sorted sets and store the resulting sorted set in a new key', '2.0.0', (c, a) => setOperation(c, a, INTER, true), { getKeys: numkeysKeys(2, true) }),
  row('zdiffstore', -4, ['write', 'denyoom', 'movablekeys'], keysAt(1), W_SLOW, 'Subtract multiple sorted sets and store the resulting sorted set in a new key', '6.2.0', (c, a) => setOperation(c, a, DIFF, true), { getKeys: numkeysKeys(2, true) }),
  row('zintercard', -3, ['readonly', 'movablekeys'], null, R_SLOW, 'Intersect multiple sorted sets and return the cardinality of the result', '7.0.0', zintercard, { getKeys: numkeysKeys(1, false) }),
  row('zmpop', -4, ['write', 'movablekeys'], null, W_SLOW, 'Remove and return members with scores in a sorted set', '7.0.0', zmpop, { getKeys: numkeysKeys(1, false) }),
  row('bzpopmin', -3, ['write', 'noscript', 'blocking', 'fast'], keysAt(1, -2), ['write', 'sortedset', 'fast', 'blocking'], 'Remove and return the member with the lowest score from one or more sorted sets, or block until one is available', '5.0.0', bzpopCommand(false)),
  row('bzpopmax', -3, ['write', 'noscript', 'blocking', 'fast'], keysAt(1, -2), ['write', 'sortedset', 'fast', 'blocking'], 'Remove and return the member with the highest score from one or more sorted sets, or block until one is available', '5.0.0', bzpopCommand(true)),
  row('bzmpop', -5, ['write', 'blocking', 'movablekeys'], null, ['write', 'sortedset', 'slow', 'blocking'], 'Remove and return members with scores in a sorted set or block until one is available', '7.0.0', bzmpop, { getKeys: numkeysKeys(2, false) }),
];
