// The pieces every sorted-set module uses: typed key access (readZset for
// read commands, writeZset for writes, both answering WRONGTYPE), the listpack
// limits from the config, deleting a key whose set became empty, the
// (member, score) reply shape, and storing a freshly built set at a
// destination (ZRANGESTORE and the *STORE set operations). Kept apart so the
// command modules (zsets.ts, zsets-ranges.ts, zsets-algebra.ts, zsets-pops.ts)
// share them without importing one another.

import type { Client } from '../client.js';
import type { Db, Entry } from '../keyspace.js';
import { Errors, ReplyError } from '../errors.js';
import { ZSet } from '../types/zset.js';

// ---------------------------------------------------------------------------
// Shared pieces

export function readZset(client: Client, key: string): ZSet | undefined {
  const entry = client.db.lookupRead(key, client.noTouch);
  if (entry === undefined) return undefined;
  if (entry.type !== 'zset') throw new ReplyError(Errors.wrongType);
  return entry.value as ZSet;
}

export function writeZset(db: Db, key: string): Entry | undefined {
  const entry = db.lookupWrite(key);
  if (entry !== undefined && entry.type !== 'zset') throw new ReplyError(Errors.wrongType);
  return entry;
}

export function limits(client: Client): [number, number] {
  const config = client.server.config;
  return [config.int('zset-max-listpack-entries'), config.int('zset-max-listpack-value')];
}

/** Deletes key when its set became empty (Redis emits 'del' after the command's own event). */
export function dropIfEmpty(client: Client, key: string, zset: ZSet): void {
  if (zset.size === 0) {
    client.db.remove(key);
    client.server.keyChanged(client.db, key, 'g', 'del');
  }
}

/** Writes (member, score) pairs: RESP3 nested pairs, RESP2 flat; members only without scores. */
export function replyElements(client: Client, members: readonly string[], scores: readonly number[] | null): void {
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

/** Replaces dst with a freshly built set (or deletes it when empty); returns the size. */
export function storeResult(client: Client, dst: string, result: ZSet, event: string, settle = true): number {
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
