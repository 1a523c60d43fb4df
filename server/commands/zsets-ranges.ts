// Commands that read or remove a range of a sorted set: ZRANGE and its older
// forms (ZREVRANGE, ZRANGEBYSCORE, ZRANGEBYLEX, ...), ZCOUNT / ZLEXCOUNT and
// ZREMRANGEBYRANK / BYSCORE / BYLEX, around selectRange, which walks the
// skiplist for a parsed RangeRequest (zsets-range-args.ts). ZRANGESTORE's
// handler in the table (zsets.ts) uses selectRange too.

import { str } from '../bytes.js';
import type { Client } from '../client.js';
import { parseInteger } from './arguments.js';
import type { ZSet } from '../types/zset.js';
import { BACKWARD, FORWARD, lexGteMin, lexLteMax, scoreGteMin, scoreLteMax, SLOT, type LexRange, type ScoreRange, type SkipNode } from '../types/skiplist.js';
import { dropIfEmpty, readZset, replyElements, writeZset } from './zsets-shared.js';
import { parseLexRange, parseRange, parseScoreRange, RANK, SCORE, type RangeRequest } from './zsets-range-args.js';

// ---------------------------------------------------------------------------
// Ranges: ZRANGE and its older forms, ZRANGESTORE

/** The first 0-based rank of the last clampRanks (a scratch field: no object per call). */
const clamped = { first: 0 };

/**
 * A rank range as Redis reads it (negative counts from the end, inclusive,
 * clamped to the set): its element count, 0 when empty; the first rank in clamped.first.
 */
function clampRanks(length: number, start: number, end: number): number {
  if (start < 0) start += length;
  if (end < 0) end += length;
  if (start < 0) start = 0;
  if (start > end || start >= length) return 0;
  if (end >= length) end = length - 1;
  clamped.first = start;
  return end - start + 1;
}
/** The nodes a range request selects, in reply order. */
export function selectRange(zset: ZSet, request: RangeRequest): SkipNode[] {
  const out: SkipNode[] = [];
  const list = zset.list;
  if (request.type === RANK) {
    const length = zset.size;
    const count = clampRanks(length, request.start, request.end);
    if (count === 0) return out;
    const start = clamped.first;
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

export function rangeCommand(type: number | null, reverse: boolean | null) {
  return (client: Client, argv: Buffer[]): void => {
    const request = parseRange(argv, 1, type, reverse, false);
    const zset = readZset(client, str(argv[1]));
    if (zset === undefined) {
      client.reply.array(0);
      return;
    }
    if (request.type === RANK) replyRankRange(client, zset, request);
    else replyNodes(client, selectRange(zset, request), request.withScores);
  };
}

/**
 * A range by rank written straight from the skiplist's blocks: its length is
 * known before the walk, so no node views or member arrays are made (ZRANGE
 * key 0 9 is the leaderboard's most common read). Same replies as selectRange
 * followed by replyNodes.
 */
function replyRankRange(client: Client, zset: ZSet, request: RangeRequest): void {
  const reply = client.reply;
  const length = zset.size;
  const count = clampRanks(length, request.start, request.end);
  if (count === 0) {
    reply.array(0);
    return;
  }
  const start = clamped.first;
  const withScores = request.withScores;
  const pairs = withScores && client.resp === 3;
  reply.array(withScores && !pairs ? count * 2 : count);
  const list = zset.list;
  const words = list.words;
  const scores = list.scores;
  const members = list.members;
  const reverse = request.reverse;
  // The walk steps along level 0 from the first node of the range: count nodes exist after it.
  let o = list.offsetAt(reverse ? length - start : start + 1);
  for (let i = 0; i < count; i++) {
    if (pairs) reply.array(2);
    reply.bulk(members[words[2 * o + SLOT]]);
    if (withScores) reply.double(scores[o]);
    o = words[2 * o + (reverse ? BACKWARD : FORWARD)];
  }
}

// ---------------------------------------------------------------------------
// Removal by range

export function zremrangeCommand(type: number) {
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

export function countRange(client: Client, argv: Buffer[], lex: boolean): void {
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
