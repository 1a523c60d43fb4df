// Sorted set commands (t_zset.c). A ZSet (server/types/zset.ts) keeps the
// skiplist with spans for order and ranks and a Map for member -> score.
//
// As in Redis, every argument is parsed before the keyspace is touched, and
// the order of the checks (syntax, option conflicts, numbers, then WRONGTYPE)
// is Redis's, since clients can see it. Scores reply as doubles (RESP3 ',',
// RESP2 "%.17g" bulk); WITHSCORES in RESP3 gives [member, score] pairs.

import { lower, str } from '../bytes.js';
import type { Client } from '../client.js';
import type { Db, Entry } from '../keyspace.js';
import type { CommandDef, Flag } from './types.js';
import { keysAt } from './types.js';
import { Errors, ReplyError } from '../errors.js';
import { MAX_RANDOM_REPLY, parseDouble, parseInteger, RANDOM_REPLY_TOO_LARGE } from './arguments.js';
import { formatDouble, parseDoubleText } from '../resp/number-format.js';
import { registerValueType } from './keys.js';
import { ZSet } from '../types/zset.js';
import { scoreGteMin, scoreLteMax, lexGteMin, lexLteMax, type LexRange, type ScoreRange, type SkipNode } from '../types/skiplist.js';
import { parseScanCursor, parseScanOptions, replyEmptyScan } from '../scan.js';
import { blockOn, parseTimeout, serving } from './lists.js';

const NAN_SCORE = 'ERR resulting score is not a number (NaN)';
const NOT_FLOAT_RANGE = 'ERR min or max is not a float';
const NOT_LEX_RANGE = 'ERR min or max not valid string range item';
const XX_NX = 'ERR XX and NX options at the same time are not compatible';
const GT_LT_NX = 'ERR GT, LT, and/or NX options at the same time are not compatible';
const INCR_PAIRS = 'ERR INCR option supports a single increment-element pair';
const LIMIT_RANK = 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX';
const WITHSCORES_LEX = 'ERR syntax error, WITHSCORES not supported in combination with BYLEX';
const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';
const NUMKEYS_POSITIVE = 'ERR numkeys should be greater than 0';
const COUNT_POSITIVE = 'ERR count should be greater than 0';
const WEIGHT_NOT_FLOAT = 'ERR weight value is not a float';
const LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
const RANDMEMBER_RANGE = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';
const atLeastOneKey = (name: string) => `ERR at least 1 input key is needed for '${name}' command`;

registerValueType('zset', {
  clone: (value) => (value as ZSet).clone(),
  encoding: (entry) => ((entry.value as ZSet).converted ? 'skiplist' : 'listpack'),
});

// ---------------------------------------------------------------------------
// Shared pieces

function readZset(client: Client, key: string): ZSet | undefined {
  const entry = client.db.lookupRead(key, client.noTouch);
  if (entry === undefined) return undefined;
  if (entry.type !== 'zset') throw new ReplyError(Errors.wrongType);
  return entry.value as ZSet;
}

function writeZset(db: Db, key: string): Entry | undefined {
  const entry = db.lookupWrite(key);
  if (entry !== undefined && entry.type !== 'zset') throw new ReplyError(Errors.wrongType);
  return entry;
}

function limits(client: Client): [number, number] {
  const config = client.server.config;
  return [config.int('zset-max-listpack-entries'), config.int('zset-max-listpack-value')];
}

/** Deletes key when its set became empty (Redis emits 'del' after the command's own event). */
function dropIfEmpty(client: Client, key: string, zset: ZSet): void {
  if (zset.size === 0) {
    client.db.remove(key);
    client.server.keyChanged(client.db, key, 'g', 'del');
  }
}

/** Writes (member, score) pairs: RESP3 nested pairs, RESP2 flat; members only without scores. */
function replyElements(client: Client, members: readonly string[], scores: readonly number[] | null): void {
  const reply = client.reply;
  if (scores === null) {
    reply.bulkArray(members);
    return;
  }
  if (client.resp === 3) {
    reply.array(members.length);
    for (let i = 0; i < members.length; i++) {
      reply.array(2);
      reply.bulk(members[i]);
      reply.double(scores[i]);
    }
  } else {
    reply.array(members.length * 2);
    for (let i = 0; i < members.length; i++) {
      reply.bulk(members[i]);
      reply.double(scores[i]);
    }
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INFINITY = /^[+-]?(inf|infinity)$/i;

/** A range end as C's strtod reads it (leading spaces, "" is 0, overflow saturates); NaN refused. */
function strtodWhole(text: string): number | null {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const t = text.slice(i);
  if (t === '') return i === 0 ? 0 : null;
  if (DECIMAL.test(t)) return Number(t);
  if (INFINITY.test(t)) return t.charCodeAt(0) === 0x2d ? -Infinity : Infinity;
  const value = parseDoubleText(t);
  return value === null || Number.isNaN(value) ? null : value;
}

function parseScoreBound(arg: Buffer): { value: number; exclusive: boolean } {
  let text = str(arg);
  let exclusive = false;
  if (text.charCodeAt(0) === 0x28) {
    exclusive = true;
    text = text.slice(1);
  }
  const value = strtodWhole(text);
  if (value === null) throw new ReplyError(NOT_FLOAT_RANGE);
  return { value, exclusive };
}

export function parseScoreRange(minArg: Buffer, maxArg: Buffer): ScoreRange {
  const min = parseScoreBound(minArg);
  const max = parseScoreBound(maxArg);
  return { min: min.value, max: max.value, minEx: min.exclusive, maxEx: max.exclusive };
}

/** One end of a lex range; returns [value (null = unbounded), exclusive, isPlus, isMinus]. */
function parseLexItem(arg: Buffer): { value: string | null; exclusive: boolean; plus: boolean; minus: boolean } {
  const c = arg[0];
  if (c === 0x2b || c === 0x2d) {
    if (arg.length !== 1) throw new ReplyError(NOT_LEX_RANGE);
    return { value: null, exclusive: false, plus: c === 0x2b, minus: c === 0x2d };
  }
  if (c === 0x28 || c === 0x5b) {
    return { value: arg.latin1Slice(1, arg.length), exclusive: c === 0x28, plus: false, minus: false };
  }
  throw new ReplyError(NOT_LEX_RANGE);
}

export function parseLexRange(minArg: Buffer, maxArg: Buffer): LexRange {
  const min = parseLexItem(minArg);
  const max = parseLexItem(maxArg);
  return {
    min: min.value,
    max: max.value,
    minEx: min.exclusive,
    maxEx: max.exclusive,
    empty: min.plus || max.minus,
  };
}

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

// ---------------------------------------------------------------------------
// Ranges: ZRANGE and its older forms, ZRANGESTORE

const RANK = 0;
const SCORE = 1;
const LEX = 2;

interface RangeRequest {
  type: number;
  reverse: boolean;
  withScores: boolean;
  offset: number;
  limit: number;
  start: number;
  end: number;
  score: ScoreRange | null;
  lex: LexRange | null;
}

/**
 * zrangeGenericCommand's parsing: argv[first] is the source key, then min and
 * max, then options. `type`/`reverse` preset by the older commands (null = ZRANGE's AUTO).
 */
function parseRange(argv: Buffer[], first: number, presetType: number | null, presetReverse: boolean | null, store: boolean): RangeRequest {
  let type = presetType;
  let reverse = presetReverse;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = first + 3; j < argv.length; j++) {
    const option = lower(argv[j]);
    const left = argv.length - j - 1;
    if (!store && option === 'withscores') withScores = true;
    else if (option === 'limit' && left >= 2) {
      offset = parseInteger(argv[j + 1]);
      limit = parseInteger(argv[j + 2]);
      j += 2;
    } else if (reverse === null && option === 'rev') reverse = true;
    else if (type === null && option === 'bylex') type = LEX;
    else if (type === null && option === 'byscore') type = SCORE;
    else throw new ReplyError(Errors.syntax);
  }
  if (reverse === null) reverse = false;
  if (type === null) type = RANK;
  if (limit !== -1 && type === RANK) throw new ReplyError(LIMIT_RANK);
  if (withScores && type === LEX) throw new ReplyError(WITHSCORES_LEX);
  let minArg = argv[first + 1];
  let maxArg = argv[first + 2];
  if (reverse && type !== RANK) [minArg, maxArg] = [maxArg, minArg];
  const request: RangeRequest = { type, reverse, withScores, offset, limit, start: 0, end: 0, score: null, lex: null };
  if (type === RANK) {
    request.start = parseInteger(minArg);
    request.end = parseInteger(maxArg);
  } else if (type === SCORE) {
    request.score = parseScoreRange(minArg, maxArg);
  } else {
    request.lex = parseLexRange(minArg, maxArg);
  }
  return request;
}

/** The nodes a range request selects, in reply order. */
function selectRange(zset: ZSet, request: RangeRequest): SkipNode[] {
  const out: SkipNode[] = [];
  const list = zset.list;
  if (request.type === RANK) {
    const length = zset.size;
    let start = request.start;
    let end = request.end;
    if (start < 0) start += length;
    if (end < 0) end += length;
    if (start < 0) start = 0;
    if (start > end || start >= length) return out;
    if (end >= length) end = length - 1;
    const count = end - start + 1;
    if (request.reverse) {
      let node = list.byRank(length - start);
      for (let i = 0; i < count && node !== null; i++, node = node.backward) out.push(node);
    } else {
      let node = list.byRank(start + 1);
      for (let i = 0; i < count && node !== null; i++, node = node.next) out.push(node);
    }
    return out;
  }
  let offset = request.offset;
  let limit = request.limit;
  if (offset < 0) return out;
  let node: SkipNode | null;
  let inRange: (n: SkipNode) => boolean;
  if (request.type === SCORE) {
    const range = request.score as ScoreRange;
    node = request.reverse ? list.lastInScoreRange(range) : list.firstInScoreRange(range);
    inRange = request.reverse ? (n) => scoreGteMin(n.score, range) : (n) => scoreLteMax(n.score, range);
  } else {
    const range = request.lex as LexRange;
    node = request.reverse ? list.lastInLexRange(range, !zset.converted) : list.firstInLexRange(range, !zset.converted);
    inRange = request.reverse ? (n) => lexGteMin(n.member, range) : (n) => lexLteMax(n.member, range);
  }
  while (node !== null && offset-- > 0) node = request.reverse ? node.backward : node.next;
  while (node !== null && limit !== 0 && inRange(node)) {
    out.push(node);
    if (limit > 0) limit--;
    node = request.reverse ? node.backward : node.next;
  }
  return out;
}

function replyNodes(client: Client, nodes: readonly SkipNode[], withScores: boolean): void {
  const members = nodes.map((n) => n.member);
  replyElements(client, members, withScores ? nodes.map((n) => n.score) : null);
}

function rangeCommand(type: number | null, reverse: boolean | null) {
  return (client: Client, argv: Buffer[]): void => {
    const request = parseRange(argv, 1, type, reverse, false);
    const zset = readZset(client, str(argv[1]));
    if (zset === undefined) {
      client.reply.array(0);
      return;
    }
    replyNodes(client, selectRange(zset, request), request.withScores);
  };
}

/** Replaces dst with a freshly built set (or deletes it when empty); returns the size. */
function storeResult(client: Client, dst: string, result: ZSet, event: string, settle = true): number {
  const db = client.db;
  if (result.size === 0) {
    if (db.remove(dst)) client.server.keyChanged(db, dst, 'g', 'del');
    return 0;
  }
  if (settle) {
    const [maxEntries, maxValue] = limits(client);
    result.settleEncoding(maxEntries, maxValue);
  }
  db.set(dst, 'zset', result);
  client.server.keyChanged(db, dst, 'z', event);
  return result.size;
}

// ---------------------------------------------------------------------------
// Removal by range

function zremrangeCommand(type: number) {
  return (client: Client, argv: Buffer[]): void => {
    const key = str(argv[1]);
    let start = 0;
    let end = 0;
    let score: ScoreRange | null = null;
    let lex: LexRange | null = null;
    if (type === RANK) {
      start = parseInteger(argv[2]);
      end = parseInteger(argv[3]);
    } else if (type === SCORE) {
      score = parseScoreRange(argv[2], argv[3]);
    } else {
      lex = parseLexRange(argv[2], argv[3]);
    }
    const entry = writeZset(client.db, key);
    if (entry === undefined) {
      client.reply.integer(0);
      return;
    }
    const zset = entry.value as ZSet;
    const request: RangeRequest = { type, reverse: false, withScores: false, offset: 0, limit: -1, start, end, score, lex };
    const nodes = selectRange(zset, request);
    const members = nodes.map((n) => n.member);
    for (const member of members) zset.remove(member);
    if (members.length > 0) {
      const event = type === RANK ? 'zremrangebyrank' : type === SCORE ? 'zremrangebyscore' : 'zremrangebylex';
      client.server.keyChanged(client.db, key, 'z', event);
      dropIfEmpty(client, key, zset);
    }
    client.reply.integer(members.length);
  };
}

// ---------------------------------------------------------------------------
// Pops

/** Pops up to count elements from one end; emits the events. */
function popElements(client: Client, key: string, zset: ZSet, max: boolean, count: number): [string[], number[]] {
  const members: string[] = [];
  const scores: number[] = [];
  while (members.length < count && zset.size > 0) {
    const node = max ? zset.list.tail : zset.list.first();
    if (node === null) break;
    members.push(node.member);
    scores.push(node.score);
    zset.remove(node.member);
  }
  if (members.length > 0) {
    client.server.keyChanged(client.db, key, 'z', max ? 'zpopmax' : 'zpopmin');
    dropIfEmpty(client, key, zset);
  }
  return [members, scores];
}

function zpopCommand(max: boolean) {
  return (client: Client, argv: Buffer[]): void => {
    if (argv.length > 3) throw new ReplyError(Errors.syntax);
    let count = 1;
    const withCount = argv.length === 3;
    if (withCount) {
      count = parseInteger(argv[2], MUST_BE_POSITIVE);
      if (count < 0) throw new ReplyError(MUST_BE_POSITIVE);
    }
    const key = str(argv[1]);
    const entry = writeZset(client.db, key);
    if (entry === undefined || count === 0) {
      client.reply.array(0);
      return;
    }
    const [members, scores] = popElements(client, key, entry.value as ZSet, max, count);
    if (!withCount || client.resp === 2) {
      client.reply.array(members.length * 2);
      for (let i = 0; i < members.length; i++) {
        client.reply.bulk(members[i]);
        client.reply.double(scores[i]);
      }
    } else {
      replyElements(client, members, scores);
    }
  };
}

// ---------------------------------------------------------------------------
// Set operations: ZUNION / ZINTER / ZDIFF (+STORE), ZINTERCARD

const SUM = 0;
const MIN = 1;
const MAX = 2;

/** A source's elements as (member, score) pairs: zsets, and plain sets with score 1. */
function sourceOf(entry: Entry | undefined): Map<string, number> | null {
  if (entry === undefined) return null;
  if (entry.type === 'zset') return (entry.value as ZSet).dict;
  if (entry.type === 'set') {
    const out = new Map<string, number>();
    const value = entry.value as { [Symbol.iterator]?: () => Iterator<unknown> };
    if (value !== null && typeof value === 'object' && typeof value[Symbol.iterator] === 'function') {
      for (const member of value as Iterable<unknown>) if (typeof member === 'string') out.set(member, 1);
    }
    return out;
  }
  throw new ReplyError(Errors.wrongType);
}

function aggregate(target: number, value: number, how: number): number {
  if (how === SUM) {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (how === MIN) return value < target ? value : target;
  return value > target ? value : target;
}

const UNION = 0;
const INTER = 1;
const DIFF = 2;

/** zunionInterDiffGenericCommand; dst null for the reply forms. */
function setOperation(client: Client, argv: Buffer[], op: number, store: boolean): void {
  const name = argv[0].latin1Slice(0, argv[0].length).toLowerCase();
  const numkeysAt = store ? 2 : 1;
  const numkeys = parseInteger(argv[numkeysAt]);
  if (numkeys < 1) throw new ReplyError(atLeastOneKey(name));
  if (numkeys > argv.length - numkeysAt - 1) throw new ReplyError(Errors.syntax);
  // Redis looks the sources up (and answers WRONGTYPE) before it reads the options.
  const db = client.db;
  const sources: (Map<string, number> | null)[] = [];
  for (let i = 0; i < numkeys; i++) {
    const key = str(argv[numkeysAt + 1 + i]);
    sources.push(sourceOf(store ? db.lookupWrite(key) : db.lookupRead(key, client.noTouch)));
  }
  const weights: number[] = new Array<number>(numkeys).fill(1);
  let how = SUM;
  let withScores = false;
  for (let j = numkeysAt + 1 + numkeys; j < argv.length; j++) {
    const option = lower(argv[j]);
    const left = argv.length - j - 1;
    if (op !== DIFF && option === 'weights' && left >= numkeys) {
      for (let i = 0; i < numkeys; i++) weights[i] = parseDouble(argv[++j], WEIGHT_NOT_FLOAT);
    } else if (op !== DIFF && option === 'aggregate' && left >= 1) {
      const which = lower(argv[++j]);
      if (which === 'sum') how = SUM;
      else if (which === 'min') how = MIN;
      else if (which === 'max') how = MAX;
      else throw new ReplyError(Errors.syntax);
    } else if (!store && option === 'withscores') {
      withScores = true;
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  const result = new Map<string, number>();
  if (op === UNION) {
    const order = sources.map((_, i) => i).sort((a, b) => (sources[a]?.size ?? 0) - (sources[b]?.size ?? 0));
    for (const i of order) {
      const source = sources[i];
      if (source === null) continue;
      for (const [member, raw] of source) {
        let value = weights[i] * raw;
        if (Number.isNaN(value)) value = 0;
        const existing = result.get(member);
        result.set(member, existing === undefined ? value : aggregate(existing, value, how));
      }
    }
  } else if (op === INTER) {
    if (sources.every((s) => s !== null && s.size > 0)) {
      const present = sources as Map<string, number>[];
      const order = present.map((_, i) => i).sort((a, b) => present[a].size - present[b].size);
      const [firstIndex, ...rest] = order;
      outer: for (const [member, raw] of present[firstIndex]) {
        let score = weights[firstIndex] * raw;
        if (Number.isNaN(score)) score = 0;
        for (const i of rest) {
          const other = present[i].get(member);
          if (other === undefined) continue outer;
          // As Redis: only the first source's product is cleared of NaN; SUM clears its own result.
          score = aggregate(score, weights[i] * other, how);
        }
        result.set(member, score);
      }
    }
  } else {
    const first = sources[0];
    if (first !== null) {
      for (const [member, score] of first) {
        if (!sources.some((s, i) => i > 0 && s !== null && s.has(member))) result.set(member, score);
      }
    }
  }
  const zset = ZSet.built();
  for (const [member, score] of result) zset.insert(member, score);
  if (store) {
    const event = op === UNION ? 'zunionstore' : op === INTER ? 'zinterstore' : 'zdiffstore';
    client.reply.integer(storeResult(client, str(argv[1]), zset, event));
    return;
  }
  const members: string[] = [];
  const scores: number[] = [];
  for (let x = zset.list.first(); x !== null; x = x.next) {
    members.push(x.member);
    scores.push(x.score);
  }
  replyElements(client, members, withScores ? scores : null);
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
// Blocking pops: BZPOPMIN / BZPOPMAX / BZMPOP (the lists' blocked-client machinery)

/** A non-empty sorted set at key, WRONGTYPE for another type, undefined when absent or empty. */
function poppableZset(db: Db, key: string): ZSet | undefined {
  const entry = writeZset(db, key);
  if (entry === undefined) return undefined;
  const zset = entry.value as ZSet;
  return zset.size > 0 ? zset : undefined;
}

/** BZPOPMIN/BZPOPMAX's reply: [key, member, score] (score a double: RESP3 ',', RESP2 bulk). */
function replyBlockingPop(client: Client, key: string, zset: ZSet, max: boolean): void {
  const [members, scores] = popElements(client, key, zset, max, 1);
  // Effect (AOF): BZPOPMIN/BZPOPMAX replay as the pop they did.
  if (client.server.effects.active) client.server.effects.replace(client.dbIndex, [max ? 'ZPOPMAX' : 'ZPOPMIN', key]);
  client.reply.array(3);
  client.reply.bulk(key);
  client.reply.bulk(members[0]);
  client.reply.double(scores[0]);
}

function bzpopCommand(max: boolean) {
  return (client: Client, argv: Buffer[]): void => {
    const timeoutMs = parseTimeout(argv[argv.length - 1]);
    const keys: string[] = [];
    for (let i = 1; i < argv.length - 1; i++) keys.push(str(argv[i]));
    for (const key of keys) {
      const zset = poppableZset(client.db, key);
      if (zset === undefined) continue;
      replyBlockingPop(client, key, zset, max);
      return;
    }
    blockOn(client, keys, timeoutMs, (db, key) =>
      serving(client, () => {
        const entry = db.lookup(key);
        if (entry === undefined || entry.type !== 'zset') return false;
        const zset = entry.value as ZSet;
        if (zset.size === 0) return false;
        replyBlockingPop(client, key, zset, max);
        return true;
      }),
    );
  };
}

/** BZMPOP's reply: [key, [[member, score]...]], as ZMPOP. */
function replyMultiPop(client: Client, key: string, zset: ZSet, max: boolean, count: number): void {
  const [members, scores] = popElements(client, key, zset, max, count);
  if (client.server.effects.active) client.server.effects.replace(client.dbIndex, [max ? 'ZPOPMAX' : 'ZPOPMIN', key, String(members.length)]);
  client.reply.array(2);
  client.reply.bulk(key);
  client.reply.array(members.length);
  for (let k = 0; k < members.length; k++) {
    client.reply.array(2);
    client.reply.bulk(members[k]);
    client.reply.double(scores[k]);
  }
}

/** BZMPOP timeout numkeys key... MIN|MAX [COUNT n]; Redis reads the timeout after the rest. */
function bzmpop(client: Client, argv: Buffer[]): void {
  const numkeys = parseInteger(argv[2], NUMKEYS_POSITIVE);
  if (numkeys <= 0) throw new ReplyError(NUMKEYS_POSITIVE);
  if (numkeys > argv.length - 4) throw new ReplyError(Errors.syntax);
  const whereAt = numkeys + 3;
  const where = lower(argv[whereAt]);
  if (where !== 'min' && where !== 'max') throw new ReplyError(Errors.syntax);
  const max = where === 'max';
  let count = 1;
  let countGiven = false;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (!countGiven && lower(argv[j]) === 'count' && j + 1 < argv.length) {
      count = parseInteger(argv[++j], COUNT_POSITIVE);
      if (count <= 0) throw new ReplyError(COUNT_POSITIVE);
      countGiven = true;
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  const timeoutMs = parseTimeout(argv[1]);
  const keys: string[] = [];
  for (let i = 3; i < whereAt; i++) keys.push(str(argv[i]));
  for (const key of keys) {
    const zset = poppableZset(client.db, key);
    if (zset === undefined) continue;
    replyMultiPop(client, key, zset, max, count);
    return;
  }
  blockOn(client, keys, timeoutMs, (db, key) =>
    serving(client, () => {
      const entry = db.lookup(key);
      if (entry === undefined || entry.type !== 'zset') return false;
      const zset = entry.value as ZSet;
      if (zset.size === 0) return false;
      replyMultiPop(client, key, zset, max, count);
      return true;
    }),
  );
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

function countRange(client: Client, argv: Buffer[], lex: boolean): void {
  const score = lex ? null : parseScoreRange(argv[2], argv[3]);
  const lexRange = lex ? parseLexRange(argv[2], argv[3]) : null;
  const zset = readZset(client, str(argv[1]));
  if (zset === undefined) {
    client.reply.integer(0);
    return;
  }
  const list = zset.list;
  let count = 0;
  if (score !== null) {
    const first = list.firstInScoreRange(score);
    if (first !== null) {
      const last = list.lastInScoreRange(score) as SkipNode;
      count = list.rank(last.score, last.member) - list.rank(first.score, first.member) + 1;
    }
  } else if (lexRange !== null) {
    if (!zset.converted) {
      // A listpack counts from the first match while members stay below max.
      for (let x = list.firstInLexRange(lexRange, true); x !== null && lexLteMax(x.member, lexRange); x = x.next) count++;
    } else {
      const first = list.firstInLexRange(lexRange);
      if (first !== null) {
        const last = list.lastInLexRange(lexRange) as SkipNode;
        count = list.rank(last.score, last.member) - list.rank(first.score, first.member) + 1;
      }
    }
  }
  client.reply.integer(count);
}

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
    // The cursor is a rank: elements removed during a scan may shift others past it.
    let node = zset.at(cursor);
    let visited = 0;
    while (node !== null && visited < count) {
      push(node);
      visited++;
      node = node.next;
    }
    next = node === null ? 0 : cursor + visited;
  }
  client.reply.array(2);
  client.reply.bulk(String(next));
  client.reply.bulkArray(out);
}

function zmpop(client: Client, argv: Buffer[]): void {
  const numkeys = parseInteger(argv[1], NUMKEYS_POSITIVE);
  if (numkeys <= 0) throw new ReplyError(NUMKEYS_POSITIVE);
  const whereAt = numkeys + 2;
  if (whereAt >= argv.length) throw new ReplyError(Errors.syntax);
  const where = lower(argv[whereAt]);
  if (where !== 'min' && where !== 'max') throw new ReplyError(Errors.syntax);
  let count = 1;
  let countGiven = false;
  for (let j = whereAt + 1; j < argv.length; j++) {
    const option = lower(argv[j]);
    if (!countGiven && option === 'count' && j + 1 < argv.length) {
      count = parseInteger(argv[++j], COUNT_POSITIVE);
      if (count <= 0) throw new ReplyError(COUNT_POSITIVE);
      countGiven = true;
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  for (let i = 0; i < numkeys; i++) {
    const key = str(argv[2 + i]);
    const entry = writeZset(client.db, key);
    if (entry === undefined) continue;
    const [members, scores] = popElements(client, key, entry.value as ZSet, where === 'max', count);
    // Effect (AOF): ZMPOP replays as the pop it did.
    if (client.server.effects.active) client.server.effects.replace(client.dbIndex, [where === 'max' ? 'ZPOPMAX' : 'ZPOPMIN', key, String(members.length)]);
    client.reply.array(2);
    client.reply.bulk(key);
    client.reply.array(members.length);
    for (let k = 0; k < members.length; k++) {
      client.reply.array(2);
      client.reply.bulk(members[k]);
      client.reply.double(scores[k]);
    }
    return;
  }
  client.reply.nullArray();
}

function zintercard(client: Client, argv: Buffer[]): void {
  const numkeys = parseInteger(argv[1]);
  if (numkeys <= 0) throw new ReplyError(atLeastOneKey('zintercard'));
  if (numkeys > argv.length - 2) throw new ReplyError(Errors.syntax);
  const sources: (Map<string, number> | null)[] = [];
  for (let i = 0; i < numkeys; i++) sources.push(sourceOf(client.db.lookupRead(str(argv[2 + i]), client.noTouch)));
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    const option = lower(argv[j]);
    if (option === 'limit' && j + 1 < argv.length) {
      limit = parseInteger(argv[++j], LIMIT_NEGATIVE);
      if (limit < 0) throw new ReplyError(LIMIT_NEGATIVE);
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  let count = 0;
  if (sources.every((s) => s !== null && s.size > 0)) {
    const present = (sources as Map<string, number>[]).slice().sort((a, b) => a.size - b.size);
    for (const member of present[0].keys()) {
      if (present.every((s) => s.has(member))) {
        count++;
        if (limit > 0 && count >= limit) break;
      }
    }
  }
  client.reply.integer(count);
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
