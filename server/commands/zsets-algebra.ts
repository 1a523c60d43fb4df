// The set algebra of sorted sets: ZUNION / ZINTER / ZDIFF, their *STORE forms
// and ZINTERCARD (zunionInterDiffGenericCommand and zinterCardCommand). Plain
// sets count as sources with score 1; WEIGHTS and AGGREGATE follow Redis's
// NaN rules.

import { lower, str } from '../bytes.js';
import type { Client } from '../client.js';
import type { Entry } from '../keyspace.js';
import { Errors, ReplyError } from '../errors.js';
import { parseDouble, parseInteger } from './arguments.js';
import { ZSet } from '../types/zset.js';
import { replyElements, storeResult } from './zsets-shared.js';

const WEIGHT_NOT_FLOAT = 'ERR weight value is not a float';
const LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
const atLeastOneKey = (name: string) => `ERR at least 1 input key is needed for '${name}' command`;

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

export const UNION = 0;
export const INTER = 1;
export const DIFF = 2;

/** zunionInterDiffGenericCommand; dst null for the reply forms. */
export function setOperation(client: Client, argv: Buffer[], op: number, store: boolean): void {
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

export function zintercard(client: Client, argv: Buffer[]): void {
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
