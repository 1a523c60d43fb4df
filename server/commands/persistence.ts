// Persistence commands (Redis's rdb.c and cluster.c): SAVE, BGSAVE, LASTSAVE,
// DUMP and RESTORE. The machinery lives in server/persistence/.

import { lower, str } from '../bytes.js';
import type { Client } from '../client.js';
import { Errors, ReplyError } from '../errors.js';
import { dumpPayloadValid, sealDumpPayload } from '../persistence/dump-payload.js';
import { RdbError, RdbReader, RdbWriter } from '../persistence/rdb-encoding.js';
import { applyAccessData } from '../persistence/rdb-reader.js';
import { encodingLimits, readValue, writeTypedValue, type LoadedValue } from '../persistence/rdb-value.js';
import { persistenceOf, saveNow, startBgsave } from '../persistence/snapshot.js';
import { parseInteger } from './arguments.js';
import type { CommandDef } from './types.js';
import { keysAt } from './types.js';

const BUSY_KEY = 'BUSYKEY Target key name already exists.';
const BAD_PAYLOAD = 'ERR DUMP payload version or checksum are wrong';
const BAD_FORMAT = 'ERR Bad data format';
const BAD_TTL = 'ERR Invalid TTL value, must be >= 0';
const BAD_IDLE = 'ERR Invalid IDLETIME value, must be >= 0';
const BAD_FREQ = 'ERR Invalid FREQ value, must be >= 0 and <= 255';

// ---- DUMP / RESTORE payloads ----------------------------------------------------

/** A DUMP payload: type byte, value, RDB version (2 bytes LE), CRC-64 of all that (8 bytes LE). */
export function dumpPayload(type: Parameters<typeof writeTypedValue>[1], value: unknown, compress = true): Buffer {
  const w = new RdbWriter(256, compress);
  writeTypedValue(w, type, value);
  return sealDumpPayload(w);
}

function restoreCommand(client: Client, argv: Buffer[]): void {
  const server = client.server;
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const option = lower(argv[j]);
    const more = argv.length - j - 1;
    if (option === 'replace') {
      replace = true;
    } else if (option === 'absttl') {
      absttl = true;
    } else if (option === 'idletime' && more >= 1 && freq === -1) {
      idle = parseInteger(argv[++j]);
      if (idle < 0) throw new ReplyError(BAD_IDLE);
    } else if (option === 'freq' && more >= 1 && idle === -1) {
      freq = parseInteger(argv[++j]);
      if (freq < 0 || freq > 255) throw new ReplyError(BAD_FREQ);
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  const key = str(argv[1]);
  const db = client.db;
  if (!replace && db.lookupWrite(key) !== undefined) throw new ReplyError(BUSY_KEY);
  let ttl = parseInteger(argv[2]);
  if (ttl < 0) throw new ReplyError(BAD_TTL);
  const payload = argv[3];
  const checkCrc = !server.config.definition('skip-checksum-validation') || !server.config.bool('skip-checksum-validation');
  if (!dumpPayloadValid(payload, checkCrc)) throw new ReplyError(BAD_PAYLOAD);
  let loaded: LoadedValue | null;
  try {
    const r = new RdbReader(payload, 0, payload.length - 10);
    loaded = readValue(r, r.byte(), encodingLimits(server));
  } catch (error) {
    if (error instanceof RdbError) throw new ReplyError(BAD_FORMAT);
    throw error;
  }
  if (loaded === null) throw new ReplyError(BAD_FORMAT);

  const deleted = replace && db.remove(key);
  const now = server.clock.now();
  if (ttl !== 0 && !absttl) ttl += now;
  if (ttl !== 0 && ttl <= now) {
    if (deleted) server.keyChanged(db, key, 'g', 'del');
    if (deleted && server.effects.active) server.effects.replace(db.id, ['DEL', key]);
    client.reply.ok();
    return;
  }
  const entry = db.add(key, loaded.type, loaded.value);
  if (ttl !== 0) db.setExpire(entry, ttl);
  applyAccessData(server, entry, freq, idle);
  server.keyChanged(db, key, 'g', 'restore');
  // Effect (AOF): a relative TTL replays as an absolute one (argv[2] absolute, ABSTTL appended, as Redis).
  if (ttl !== 0 && !absttl && server.effects.active) {
    server.effects.replace(db.id, [...argv.map((a, i) => (i === 2 ? String(ttl) : Buffer.from(a))), 'ABSTTL']);
  }
  client.reply.ok();
}

// ---- the table -----------------------------------------------------------------------

export const persistenceCommands: CommandDef[] = [
  {
    name: 'save',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    keys: null,
    categories: ['admin', 'slow', 'dangerous'],
    summary: 'Synchronously save the dataset to disk',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(N) where N is the total number of keys in all databases',
    handler(client) {
      const state = persistenceOf(client.server);
      if (state.job !== null) throw new ReplyError('ERR Background save already in progress');
      if (!saveNow(client.server)) throw new ReplyError('ERR');
      client.reply.ok();
    },
  },
  {
    name: 'bgsave',
    arity: -1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    keys: null,
    categories: ['admin', 'slow', 'dangerous'],
    summary: 'Asynchronously save the dataset to disk',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(1)',
    handler(client, argv) {
      let schedule = false;
      if (argv.length > 1) {
        if (argv.length === 2 && lower(argv[1]) === 'schedule') schedule = true;
        else throw new ReplyError(Errors.syntax);
      }
      const server = client.server;
      const state = persistenceOf(server);
      if (state.job !== null) throw new ReplyError('ERR Background save already in progress');
      if (state.otherJobActive()) {
        if (!schedule) {
          throw new ReplyError(
            "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
          );
        }
        state.bgsaveScheduled = true;
        client.reply.simple('Background saving scheduled');
        return;
      }
      const error = startBgsave(server);
      if (error !== null) throw new ReplyError(error);
      client.reply.simple('Background saving started');
    },
  },
  {
    name: 'lastsave',
    arity: 1,
    flags: ['loading', 'stale', 'fast'],
    keys: null,
    categories: ['admin', 'fast', 'dangerous'],
    summary: 'Get the UNIX time stamp of the last successful save to disk',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    handler(client) {
      client.reply.integer(Math.floor(persistenceOf(client.server).lastSave / 1000));
    },
  },
  {
    name: 'dump',
    arity: 2,
    flags: ['readonly'],
    keys: keysAt(1),
    categories: ['keyspace', 'read', 'slow'],
    summary: 'Return a serialized version of the value stored at the specified key.',
    since: '2.6.0',
    group: 'generic',
    complexity:
      'O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).',
    tips: ['nondeterministic_output'],
    handler(client, argv) {
      const entry = client.db.lookupRead(str(argv[1]), client.noTouch);
      if (entry === undefined) {
        client.reply.nullBulk();
        return;
      }
      client.reply.bulkBuffer(dumpPayload(entry.type, entry.value, client.server.config.bool('rdbcompression')));
    },
  },
  {
    name: 'restore',
    arity: -4,
    flags: ['write', 'denyoom'],
    keys: keysAt(1),
    categories: ['keyspace', 'write', 'slow', 'dangerous'],
    summary: 'Create a key using the provided serialized value, previously obtained using DUMP.',
    since: '2.6.0',
    group: 'generic',
    complexity:
      'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).',
    handler: restoreCommand,
  },
];
