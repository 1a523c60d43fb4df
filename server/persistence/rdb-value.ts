// One value in RDB form: what follows a key in a dump.rdb and what a DUMP
// payload holds (after its type byte). Writing uses the plain encodings
// (strings, lists, sets, ZSET_2 and hashes as counted sequences of strings),
// which every Redis since 2.x loads and converts to its compact encodings;
// reading takes every encoding Redis 7.0 (and earlier) writes.

import type { Server } from '../server.js';
import type { Entry, ValueType } from '../keyspace.js';
import { List } from '../types/list.js';
import { HashValue, type HashCell } from '../types/hash.js';
import { ZSet } from '../types/zset.js';
import { SetValue } from '../commands/sets.js';
import { isIntegerEncodable } from '../commands/keys.js';
import {
  RdbError,
  RdbReader,
  RdbType,
  RdbWriter,
  intsetEntries,
  listpackEntries,
  ziplistEntries,
  zipmapEntries,
} from './rdb-encoding.js';

/** The thresholds that decide which encoding a loaded value takes (OBJECT ENCODING). */
export interface EncodingLimits {
  hashMaxEntries: number;
  hashMaxValue: number;
  zsetMaxEntries: number;
  zsetMaxValue: number;
  setMaxIntset: number;
}

export function encodingLimits(server: Server): EncodingLimits {
  const c = server.config;
  return {
    hashMaxEntries: c.int('hash-max-listpack-entries'),
    hashMaxValue: c.int('hash-max-listpack-value'),
    zsetMaxEntries: c.int('zset-max-listpack-entries'),
    zsetMaxValue: c.int('zset-max-listpack-value'),
    setMaxIntset: Math.min(c.int('set-max-intset-entries'), 1 << 30),
  };
}

export const DEFAULT_LIMITS: EncodingLimits = {
  hashMaxEntries: 128,
  hashMaxValue: 64,
  zsetMaxEntries: 128,
  zsetMaxValue: 64,
  setMaxIntset: 512,
};

/** The RDB type byte a value is written with. */
export function rdbTypeOf(type: ValueType): number {
  switch (type) {
    case 'string':
      return RdbType.STRING;
    case 'list':
      return RdbType.LIST;
    case 'set':
      return RdbType.SET;
    case 'zset':
      return RdbType.ZSET_2;
    case 'hash':
      return RdbType.HASH;
  }
}

/** Writes the type byte and the value of an entry. */
export function writeTypedValue(w: RdbWriter, type: ValueType, value: unknown): void {
  w.byte(rdbTypeOf(type));
  writeValueBody(w, type, value);
}

/** The value without its type byte. */
export function writeValueBody(w: RdbWriter, type: ValueType, value: unknown): void {
  switch (type) {
    case 'string': {
      w.string(typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.latin1Slice(0, value.length) : String(value));
      return;
    }
    case 'list': {
      const list = value as List;
      const n = list.length;
      w.length(n);
      for (let i = 0; i < n; i++) w.string(list.get(i));
      return;
    }
    case 'set': {
      const members = (value as SetValue).members();
      const n = members.length;
      w.length(n);
      // Index loops, not for-of: no iterator object per value during a BGSAVE walk.
      for (let i = 0; i < n; i++) w.string(members[i]);
      return;
    }
    case 'zset': {
      const zset = value as ZSet;
      w.length(zset.size);
      // Highest first, as Redis writes it: a loader inserting at the head does no search.
      for (let x = zset.list.tail; x !== null; x = x.backward) {
        w.string(x.member);
        w.binaryDouble(x.score);
      }
      return;
    }
    case 'hash': {
      const hash = value instanceof HashValue ? value : HashValue.fromPairs(value as Map<string, string>);
      w.length(hash.size);
      // forEach with a module-level callback: no iterator, result objects or closure per hash.
      const outer = cellWriter;
      cellWriter = w;
      try {
        hash.forEachCell(writeCell);
      } finally {
        cellWriter = outer;
      }
      return;
    }
  }
}

/** Where writeCell writes (set around each hash's forEachCell). */
let cellWriter: RdbWriter | null = null;

function writeCell(cell: HashCell): void {
  const w = cellWriter!;
  w.string(cell.field);
  w.string(cell.value);
}

export function writeEntryValue(w: RdbWriter, entry: Entry): void {
  writeTypedValue(w, entry.type, entry.value);
}

export interface LoadedValue {
  type: ValueType;
  value: unknown;
}

/** Whether a type byte names a value (as opposed to an opcode). */
export function isValueType(t: number): boolean {
  return (t >= 0 && t <= 7) || (t >= 9 && t <= 21);
}

/**
 * Reads one value of RDB type `t`. Returns null for an empty collection (Redis
 * skips those in files and refuses them in RESTORE). Throws RdbError.
 */
export function readValue(r: RdbReader, t: number, limits: EncodingLimits): LoadedValue | null {
  try {
    return readValueUnchecked(r, t, limits);
  } catch (error) {
    if (error instanceof RdbError) throw error;
    // A packed blob that lies about its own lengths: Buffer reads throw RangeError.
    throw new RdbError(`Corrupt packed value: ${(error as Error).message}`);
  }
}

function readValueUnchecked(r: RdbReader, t: number, limits: EncodingLimits): LoadedValue | null {
  switch (t) {
    case RdbType.STRING:
      return { type: 'string', value: r.string() };
    case RdbType.LIST: {
      const n = r.length();
      const items = new Array<string>(n);
      for (let i = 0; i < n; i++) items[i] = r.string();
      return listOf(items);
    }
    case RdbType.LIST_ZIPLIST:
      return listOf(ziplistEntries(r.stringBytes()));
    case RdbType.LIST_QUICKLIST: {
      const nodes = r.length();
      const items: string[] = [];
      for (let i = 0; i < nodes; i++) for (const item of ziplistEntries(r.stringBytes())) items.push(item);
      return listOf(items);
    }
    case RdbType.LIST_QUICKLIST_2: {
      const nodes = r.length();
      const items: string[] = [];
      for (let i = 0; i < nodes; i++) {
        const container = r.length();
        if (container === 1) items.push(r.string());
        else if (container === 2) for (const item of listpackEntries(r.stringBytes())) items.push(item);
        else throw new RdbError(`Quicklist integrity check failed: unknown container ${container}`);
      }
      return listOf(items);
    }
    case RdbType.SET: {
      const n = r.length();
      const members = new Array<string>(n);
      for (let i = 0; i < n; i++) members[i] = r.string();
      return setOf(members, limits);
    }
    case RdbType.SET_INTSET:
      return setOf(intsetEntries(r.stringBytes()), limits);
    case RdbType.SET_LISTPACK:
      return setOf(listpackEntries(r.stringBytes()), limits);
    case RdbType.ZSET:
    case RdbType.ZSET_2: {
      const n = r.length();
      const members = new Array<string>(n);
      const scores = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        members[i] = r.string();
        scores[i] = t === RdbType.ZSET_2 ? r.binaryDouble() : r.textDouble();
      }
      return zsetOf(members, scores, limits);
    }
    case RdbType.ZSET_ZIPLIST:
    case RdbType.ZSET_LISTPACK: {
      const flat = t === RdbType.ZSET_LISTPACK ? listpackEntries(r.stringBytes()) : ziplistEntries(r.stringBytes());
      if (flat.length % 2 !== 0) throw new RdbError('Zset listpack with an odd number of elements');
      const members: string[] = [];
      const scores: number[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        members.push(flat[i]);
        scores.push(parseScore(flat[i + 1]));
      }
      return zsetOf(members, scores, limits);
    }
    case RdbType.HASH: {
      const n = r.length();
      const flat = new Array<string>(n * 2);
      for (let i = 0; i < n * 2; i++) flat[i] = r.string();
      return hashOf(flat, limits);
    }
    case RdbType.HASH_ZIPMAP:
      return hashOf(zipmapEntries(r.stringBytes()), limits);
    case RdbType.HASH_ZIPLIST:
      return hashOf(ziplistEntries(r.stringBytes()), limits);
    case RdbType.HASH_LISTPACK:
      return hashOf(listpackEntries(r.stringBytes()), limits);
    case RdbType.MODULE:
    case RdbType.MODULE_2:
      throw new RdbError('Module data types are not supported by embedis');
    case RdbType.STREAM_LISTPACKS:
    case RdbType.STREAM_LISTPACKS_2:
    case RdbType.STREAM_LISTPACKS_3:
      throw new RdbError('Stream values are not supported by embedis');
    default:
      throw new RdbError(`Unknown RDB encoding type ${t}`);
  }
}

function parseScore(text: string): number {
  const v = Number(text);
  if (Number.isNaN(v)) {
    const lowered = text.toLowerCase();
    if (lowered === 'inf' || lowered === '+inf') return Infinity;
    if (lowered === '-inf') return -Infinity;
    throw new RdbError('Zset with an invalid score');
  }
  return v;
}

function listOf(items: string[]): LoadedValue | null {
  if (items.length === 0) return null;
  return { type: 'list', value: new List(items) };
}

function setOf(members: string[], limits: EncodingLimits): LoadedValue | null {
  if (members.length === 0) return null;
  let intset = members.length <= limits.setMaxIntset;
  if (intset) for (const m of members) if (!isIntegerEncodable(m)) { intset = false; break; }
  const set = new SetValue(intset, members);
  if (set.size !== members.length) throw new RdbError('Duplicate set members detected');
  return { type: 'set', value: set };
}

function zsetOf(members: string[], scores: number[], limits: EncodingLimits): LoadedValue | null {
  if (members.length === 0) return null;
  let longest = 0;
  for (const m of members) if (m.length > longest) longest = m.length;
  const zset = new ZSet();
  zset.converted = !(members.length <= limits.zsetMaxEntries && longest <= limits.zsetMaxValue);
  for (let i = 0; i < members.length; i++) {
    const score = scores[i];
    if (Number.isNaN(score)) throw new RdbError('Zset with NAN score detected');
    if (zset.dict.has(members[i])) throw new RdbError('Duplicate zset fields detected');
    zset.insert(members[i], score);
  }
  return { type: 'zset', value: zset };
}

function hashOf(flat: string[], limits: EncodingLimits): LoadedValue | null {
  if (flat.length === 0) return null;
  if (flat.length % 2 !== 0) throw new RdbError('Hash with an odd number of elements');
  const hash = new HashValue();
  let long = false;
  for (let i = 0; i < flat.length; i += 2) {
    if (!hash.set(flat[i], flat[i + 1])) throw new RdbError('Duplicate hash fields detected');
    if (flat[i].length > limits.hashMaxValue || flat[i + 1].length > limits.hashMaxValue) long = true;
  }
  if (long || hash.size > limits.hashMaxEntries) hash.convert();
  return { type: 'hash', value: hash };
}
