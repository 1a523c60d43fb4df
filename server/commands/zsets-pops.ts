// Popping the lowest or highest members: ZPOPMIN / ZPOPMAX, ZMPOP, and the
// blocking forms BZPOPMIN / BZPOPMAX / BZMPOP, which wait through the lists'
// blocked-client machinery (blockOn/serving in lists.ts). Every pop records
// its effect (AOF) as the plain ZPOPMIN/ZPOPMAX it did.

import { lower, str } from '../bytes.js';
import type { Client } from '../client.js';
import type { Db } from '../keyspace.js';
import { Errors, ReplyError } from '../errors.js';
import { parseInteger } from './arguments.js';
import type { ZSet } from '../types/zset.js';
import { blockOn, parseTimeout, serving } from './lists.js';
import { dropIfEmpty, replyElements, writeZset } from './zsets-shared.js';

const MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';
const NUMKEYS_POSITIVE = 'ERR numkeys should be greater than 0';
const COUNT_POSITIVE = 'ERR count should be greater than 0';

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

export function zpopCommand(max: boolean) {
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

/** ZMPOP / BZMPOP's `numkeys key... MIN|MAX [COUNT n]`, numkeys at argv[at], checked in Redis's order. */
function parseMultiPop(argv: Buffer[], at: number): { keys: string[]; max: boolean; count: number } {
  const numkeys = parseInteger(argv[at], NUMKEYS_POSITIVE);
  if (numkeys <= 0) throw new ReplyError(NUMKEYS_POSITIVE);
  const whereAt = at + 1 + numkeys;
  if (whereAt >= argv.length) throw new ReplyError(Errors.syntax);
  const where = lower(argv[whereAt]);
  if (where !== 'min' && where !== 'max') throw new ReplyError(Errors.syntax);
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
  const keys: string[] = [];
  for (let i = at + 1; i < whereAt; i++) keys.push(str(argv[i]));
  return { keys, max: where === 'max', count };
}

/** ZMPOP and BZMPOP's reply: [key, [[member, score]...]]; the effect (AOF) is the pop it did. */
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

export function zmpop(client: Client, argv: Buffer[]): void {
  const { keys, max, count } = parseMultiPop(argv, 1);
  for (const key of keys) {
    const zset = poppableZset(client.db, key);
    if (zset === undefined) continue;
    replyMultiPop(client, key, zset, max, count);
    return;
  }
  client.reply.nullArray();
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

export function bzpopCommand(max: boolean) {
  return (client: Client, argv: Buffer[]): void => {
    const timeoutMs = parseTimeout(argv[argv.length - 1]);
    const keys: string[] = [];
    for (let i = 1; i < argv.length - 1; i++) keys.push(str(argv[i]));
    popOrBlock(client, keys, timeoutMs, (key, zset) => replyBlockingPop(client, key, zset, max));
  };
}

/**
 * The blocking pops' common path: pop from the first non-empty key now, or
 * block on all of them until a push makes one non-empty.
 */
function popOrBlock(client: Client, keys: string[], timeoutMs: number, pop: (key: string, zset: ZSet) => void): void {
  for (const key of keys) {
    const zset = poppableZset(client.db, key);
    if (zset === undefined) continue;
    pop(key, zset);
    return;
  }
  blockOn(client, keys, timeoutMs, (db, key) =>
    serving(client, () => {
      const entry = db.lookup(key);
      if (entry === undefined || entry.type !== 'zset') return false;
      const zset = entry.value as ZSet;
      if (zset.size === 0) return false;
      pop(key, zset);
      return true;
    }),
  );
}

/** BZMPOP timeout numkeys key... MIN|MAX [COUNT n]; Redis reads the timeout after the rest. */
export function bzmpop(client: Client, argv: Buffer[]): void {
  const { keys, max, count } = parseMultiPop(argv, 2);
  const timeoutMs = parseTimeout(argv[1]);
  popOrBlock(client, keys, timeoutMs, (key, zset) => replyMultiPop(client, key, zset, max, count));
}
