// Whole RDB files: the header and aux fields, one section per non-empty
// database (SELECTDB, RESIZEDB, then each key with its expire time and LRU
// idle / LFU frequency), EOF and the CRC-64 footer. The pieces are exported
// separately so the fork-less background save (snapshot.ts) and the AOF's RDB
// preamble can stream a file slice by slice; serializeDataset() does it all at
// once (SAVE, SHUTDOWN, tests).

import path from 'node:path';
import type { Server } from '../server.js';
import type { Db, Entry } from '../keyspace.js';
import { REDIS_VERSION } from '../commands/connection.js';
import { Crc64 } from './crc64.js';
import { RDB_VERSION, RdbOpcode, RdbWriter } from './rdb-encoding.js';
import { rdbTypeOf, writeValueBody } from './rdb-value.js';
import { usedMemory } from '../eviction/index.js';
import { writeFunctionRecords } from '../scripting/functions.js';
import { replaceFileDurably, writeAll } from './durable-file.js';

/** Which per-key access data goes with each key, from maxmemory-policy (as Redis decides it). */
export type AccessMode = 'lru' | 'lfu' | 'none';

export function accessMode(server: Server): AccessMode {
  const policy = server.config.string('maxmemory-policy');
  if (policy.endsWith('-lfu')) return 'lfu';
  if (policy.endsWith('-lru')) return 'lru';
  return 'none';
}

/** The LFU counter of an entry when the eviction family keeps one; undefined otherwise. */
function lfuCounter(entry: Entry): number | undefined {
  const lfu = (entry as unknown as { lfu?: unknown }).lfu;
  return typeof lfu === 'number' ? lfu & 0xff : undefined;
}

/** 'REDIS0010' and the aux fields Redis 7.0 writes. */
export function writeHeader(w: RdbWriter, server: Server, aofBase = false): void {
  w.latin1(`REDIS${String(RDB_VERSION).padStart(4, '0')}`);
  const aux = (name: string, value: string) => {
    w.byte(RdbOpcode.AUX);
    w.string(name);
    w.string(value);
  };
  aux('redis-ver', REDIS_VERSION);
  aux('redis-bits', '64');
  aux('ctime', String(Math.floor(server.clock.now() / 1000)));
  aux('used-mem', String(usedMemory(server)));
  aux('aof-base', aofBase ? '1' : '0');
  // As Redis 7: function libraries come after the aux fields, before the first database.
  writeFunctionRecords(w, server);
}

/** SELECTDB and RESIZEDB for a database about to be written. */
export function writeDbHeader(w: RdbWriter, dbIndex: number, size: number, expires: number): void {
  w.byte(RdbOpcode.SELECTDB);
  w.length(dbIndex);
  w.byte(RdbOpcode.RESIZEDB);
  w.length(size);
  w.length(expires);
}

/** One key: expire time, access data, type, key and value. */
export function writeKey(w: RdbWriter, entry: Entry, now: number, mode: AccessMode): void {
  if (entry.expireAt !== -1) {
    w.byte(RdbOpcode.EXPIRETIME_MS);
    w.u64le(entry.expireAt);
  }
  if (mode === 'lru') {
    w.byte(RdbOpcode.IDLE);
    w.length(Math.max(0, Math.floor((now - entry.lastAccess) / 1000)));
  } else if (mode === 'lfu') {
    const counter = lfuCounter(entry);
    if (counter !== undefined) {
      w.byte(RdbOpcode.FREQ);
      w.byte(Math.max(0, Math.min(255, counter)));
    }
  }
  w.byte(rdbTypeOf(entry.type));
  w.string(entry.key);
  writeValueBody(w, entry.type, entry.value);
}

/** EOF and the checksum of everything before it (zero when rdbchecksum is off). */
export function writeFooter(w: RdbWriter, crc: Crc64 | null): void {
  w.byte(RdbOpcode.EOF);
  if (crc === null) {
    w.raw(Buffer.alloc(8));
  } else {
    crc.update(w.buf, 0, w.pos);
    w.raw(crc.toBuffer());
  }
}

/** Whether a key is saved: keys already past their TTL are left out. */
export function isLive(entry: Entry, now: number): boolean {
  return entry.expireAt === -1 || now <= entry.expireAt;
}

/** The whole dataset as one RDB buffer, synchronously (SAVE, SHUTDOWN, DEBUG RELOAD, tests). */
export function serializeDataset(server: Server, dbs: readonly Db[] = server.dbs, aofBase = false): Buffer {
  const w = new RdbWriter(1 << 20, server.config.bool('rdbcompression'));
  writeHeader(w, server, aofBase);
  const now = server.clock.now();
  const mode = accessMode(server);
  dbs.forEach((db, index) => {
    if (db.size === 0) return;
    writeDbHeader(w, index, db.size, db.expiresCount);
    for (const entry of db.entries) if (isLive(entry, now)) writeKey(w, entry, now, mode);
  });
  writeFooter(w, server.config.bool('rdbchecksum') ? new Crc64() : null);
  return Buffer.from(w.view());
}

/**
 * SAVE: the whole dataset streamed into target atomically (temp file, fsync,
 * rename), through one reused buffer: no copy of the whole file in memory,
 * and no growing external allocations for V8 to collect.
 */
export function saveDatasetToFile(server: Server, target: string, tmp = tempPathFor(target)): void {
  const chunk = 1 << 20;
  const w = new RdbWriter(chunk * 2, server.config.bool('rdbcompression'));
  const crc = server.config.bool('rdbchecksum') ? new Crc64() : null;
  replaceFileDurably(target, tmp, (fd) => {
    const flush = () => {
      if (w.pos === 0) return;
      crc?.update(w.buf, 0, w.pos);
      writeAll(fd, w.buf, w.pos);
      w.reset();
    };
    writeHeader(w, server);
    const now = server.clock.now();
    const mode = accessMode(server);
    server.dbs.forEach((db, index) => {
      if (db.size === 0) return;
      writeDbHeader(w, index, db.size, db.expiresCount);
      for (const entry of db.entries) {
        if (isLive(entry, now)) writeKey(w, entry, now, mode);
        if (w.pos >= chunk) flush();
      }
    });
    w.byte(RdbOpcode.EOF);
    flush();
    writeAll(fd, crc === null ? Buffer.alloc(8) : crc.toBuffer());
  });
}

/** The temp file name Redis uses for a save (temp-<pid>.rdb in the same directory). */
export function tempPathFor(target: string, tag = 'temp'): string {
  return path.join(path.dirname(target), `${tag}-${process.pid}.rdb`);
}

/** dir/dbfilename as the server is configured now. */
export function rdbPath(server: Server): string {
  return path.resolve(server.config.string('dir'), server.config.string('dbfilename'));
}
