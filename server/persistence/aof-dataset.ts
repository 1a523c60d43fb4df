// The dataset as commands: the AOF base file when aof-use-rdb-preamble is
// off (BGREWRITEAOF's synchronous form), and the records one entry turns
// into (the background rewrite walk writes those entry by entry).

import type { EffectArg } from '../effects.js';
import { exactExpireAt, type Entry } from '../keyspace.js';
import type { Server } from '../server.js';
import { formatDouble } from '../resp/number-format.js';
import { encodeRecord, recordSize } from './aof-format.js';

/** How many items one rewrite command carries (Redis's AOF_REWRITE_ITEMS_PER_CMD). */
const ITEMS_PER_COMMAND = 64;

interface ListLike {
  toArray(): string[];
}
interface HashLike {
  values(): IterableIterator<{ readonly field: string; value: string }>;
}
interface ZSetLike {
  list: { first(): { member: string; score: number; next: unknown } | null };
}
interface ZNode {
  member: string;
  score: number;
  next: ZNode | null;
}

/** Every live key of every db as the commands that rebuild it (as Redis's rewriteAppendOnlyFileRio). */
export function datasetAsCommands(server: Server, timestamp = false): Buffer {
  const chunks: Buffer[] = [];
  let buf = Buffer.allocUnsafe(1024 * 1024);
  let len = 0;
  const emit = (args: EffectArg[]) => {
    const size = recordSize(args);
    if (len + size > buf.length) {
      chunks.push(buf.subarray(0, len));
      buf = Buffer.allocUnsafe(Math.max(1024 * 1024, size));
      len = 0;
    }
    len = encodeRecord(buf, len, args);
  };
  const emitText = (text: string) => {
    len += buf.write(text, len, 'latin1');
  };
  const now = server.clock.now();
  // aof-timestamp-enabled: the base starts with the time it was taken, as Redis's rewriteAppendOnlyFileRio.
  if (timestamp) emitText(`#TS:${Math.floor(now / 1000)}\r\n`);
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    emit(['SELECT', String(db.id)]);
    for (const entry of [...db.entries]) {
      if (entry.hasTtl && now > entry.expireAt) continue;
      datasetEntryCommands(emit, entry);
    }
  }
  chunks.push(buf.subarray(0, len));
  return Buffer.concat(chunks);
}

/** The commands that rebuild one entry (its TTL as PEXPIREAT). */
export function datasetEntryCommands(emit: (args: EffectArg[]) => void, entry: Entry): void {
  const key = entry.key;
  const batched = (command: string, items: string[], per: number) => {
    for (let i = 0; i < items.length; i += ITEMS_PER_COMMAND * per) {
      emit([command, key, ...items.slice(i, i + ITEMS_PER_COMMAND * per)]);
    }
  };
  switch (entry.type) {
    case 'string':
      emit(['SET', key, entry.value as string]);
      break;
    case 'list':
      batched('RPUSH', (entry.value as ListLike).toArray(), 1);
      break;
    case 'set':
      batched('SADD', [...(entry.value as Iterable<string>)], 1);
      break;
    case 'zset': {
      const items: string[] = [];
      for (let x = (entry.value as ZSetLike).list.first() as ZNode | null; x !== null; x = x.next) {
        items.push(formatDouble(x.score), x.member);
      }
      batched('ZADD', items, 2);
      break;
    }
    case 'hash': {
      const items: string[] = [];
      for (const cell of (entry.value as HashLike).values()) items.push(cell.field, cell.value);
      batched('HMSET', items, 2);
      break;
    }
  }
  if (entry.hasTtl) emit(['PEXPIREAT', key, String(exactExpireAt(entry))]);
}
