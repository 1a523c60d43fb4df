// Loading an RDB file (or an AOF's RDB preamble) into the databases. Takes
// every RDB version up to 11 and every value encoding in rdb-value.ts; keys
// already past their TTL are dropped as Redis's master does on load.

import type { Server } from '../server.js';
import type { Db, Entry } from '../keyspace.js';
import { Crc64 } from './crc64.js';
import { RdbError, RdbOpcode, RdbReader } from './rdb-encoding.js';
import { encodingLimits, isValueType, readValue } from './rdb-value.js';

/** The newest RDB version we read (Redis 7.0 writes 10, 7.2 writes 11). */
const MAX_READ_VERSION = 11;

export interface RdbLoadResult {
  keysLoaded: number;
  keysExpired: number;
  /** Bytes consumed, up to and including the checksum (an AOF preamble is followed by commands). */
  bytesRead: number;
  aux: Map<string, string>;
  /** Function libraries found (FUNCTION opcodes): their source code, for the scripting family. */
  functions: string[];
}

export interface RdbLoadOptions {
  /** Where keys go; default server.dbs. */
  dbs?: readonly Db[];
  /** Verify the checksum (default: the rdbchecksum config). */
  verifyChecksum?: boolean;
  /** A key already in the database is replaced by the file's (DEBUG RELOAD MERGE); otherwise it is an error. */
  merge?: boolean;
}

/** Whether data starts like an RDB file (an AOF base file may be one or the other). */
export function looksLikeRdb(data: Uint8Array): boolean {
  return data.length >= 9 && Buffer.from(data.buffer, data.byteOffset, 5).toString('latin1') === 'REDIS';
}

/** Loads an RDB image into the databases. Throws RdbError on a malformed or unsupported file. */
export function loadRdb(server: Server, data: Buffer, options: RdbLoadOptions = {}): RdbLoadResult {
  const dbs = options.dbs ?? server.dbs;
  if (!looksLikeRdb(data)) throw new RdbError('Wrong signature trying to load DB from file');
  const versionText = data.latin1Slice(5, 9);
  const version = /^\d{4}$/.test(versionText) ? Number(versionText) : NaN;
  if (!(version >= 1 && version <= MAX_READ_VERSION)) throw new RdbError(`Can't handle RDB format version ${versionText}`);
  const r = new RdbReader(data, 9);
  const limits = encodingLimits(server);
  const now = server.clock.now();
  const result: RdbLoadResult = { keysLoaded: 0, keysExpired: 0, bytesRead: 0, aux: new Map(), functions: [] };
  let db: Db | undefined = dbs[0];
  let expireAt = -1;
  let idle = -1;
  let freq = -1;
  for (;;) {
    const t = r.byte();
    if (t === RdbOpcode.EOF) break;
    switch (t) {
      case RdbOpcode.EXPIRETIME_MS:
        expireAt = r.i64le();
        continue;
      case RdbOpcode.EXPIRETIME:
        expireAt = r.u32le() * 1000;
        continue;
      case RdbOpcode.IDLE:
        idle = r.length();
        continue;
      case RdbOpcode.FREQ:
        freq = r.byte();
        continue;
      case RdbOpcode.SELECTDB: {
        const index = r.length();
        if (index >= dbs.length) {
          throw new RdbError(
            `FATAL: Data file was created with a Redis server configured to handle more than ${dbs.length} databases. Exiting`,
          );
        }
        db = dbs[index];
        continue;
      }
      case RdbOpcode.RESIZEDB:
        r.length();
        r.length();
        continue;
      case RdbOpcode.AUX: {
        const name = r.string();
        const value = r.string();
        result.aux.set(name, value);
        continue;
      }
      case RdbOpcode.FUNCTION2:
        result.functions.push(r.string());
        continue;
      case RdbOpcode.FUNCTION:
        throw new RdbError('Pre-release function format not supported');
      case RdbOpcode.MODULE_AUX:
        throw new RdbError('Module auxiliary data is not supported by embedis');
      default:
        break;
    }
    if (!isValueType(t)) throw new RdbError(`Unknown RDB encoding type ${t}`);
    const key = r.string();
    const loaded = readValue(r, t, limits);
    const entryExpire = expireAt;
    const entryIdle = idle;
    const entryFreq = freq;
    expireAt = -1;
    idle = -1;
    freq = -1;
    if (loaded === null) continue; // an empty collection: Redis skips it
    if (entryExpire !== -1 && now > entryExpire) {
      result.keysExpired++;
      continue;
    }
    if (db === undefined) throw new RdbError('No database to load into');
    if (options.merge === true && db.map.has(key)) db.remove(key);
    // One hash lookup per key, not two: add, then see whether the map grew.
    const sizeBefore = db.map.size;
    const entry = db.add(key, loaded.type, loaded.value);
    if (db.map.size === sizeBefore) {
      undoDuplicateAdd(db, entry);
      throw new RdbError(`RDB has duplicated key '${key}' in DB ${db.id}`);
    }
    if (entryExpire !== -1) db.setExpire(entry, entryExpire);
    if (entryIdle >= 0 || entryFreq >= 0) applyAccessData(server, entry, entryFreq, entryIdle);
    result.keysLoaded++;
  }
  const bodyEnd = r.pos;
  if (version >= 5) {
    const stored = r.take(8);
    const verify = options.verifyChecksum ?? server.config.bool('rdbchecksum');
    const zero = stored.every((b) => b === 0);
    if (verify && !zero) {
      const crc = new Crc64().update(data, 0, bodyEnd);
      if (!crc.matches(stored, 0)) throw new RdbError('Wrong RDB checksum. Aborting now.');
    }
  }
  result.bytesRead = r.pos;
  return result;
}

/** Takes back an add() that replaced an existing key: the first entry stays, as if never touched. */
function undoDuplicateAdd(db: Db, added: Entry): void {
  db.entries.pop();
  db.addBytes(-added.size);
  for (const entry of db.entries) {
    if (entry.key === added.key) {
      db.map.set(added.key, entry);
      return;
    }
  }
}

/**
 * Redis's objectSetLRUOrLFU: under an LFU policy a FREQ sets the counter;
 * otherwise an IDLE (seconds) sets the access clock back.
 */
export function applyAccessData(server: Server, entry: Entry, freq: number, idleSeconds: number): void {
  const lfuPolicy = server.config.string('maxmemory-policy').endsWith('-lfu');
  if (lfuPolicy) {
    if (freq < 0) return;
    const holder = entry as unknown as { lfu?: unknown };
    if (typeof holder.lfu === 'number') holder.lfu = (holder.lfu & ~0xff) | (freq & 0xff);
  } else if (idleSeconds >= 0) {
    entry.lastAccess = server.clock.now() - idleSeconds * 1000;
  }
}
