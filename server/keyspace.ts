// A database: the key -> entry map, plus two dense arrays (all entries, and
// entries with a TTL) that give O(1) random picks for RANDOMKEY, eviction
// sampling and active expiry. Each entry remembers its slot in both arrays so
// removal is a swap with the last element.

import type { Clock } from './clock.js';
import { entrySize } from './eviction/accounting.js';
import { lfuInitial, lfuParams, lfuTouch } from './eviction/lfu.js';
import { KeyMap } from './eviction/keymap.js';

export type ValueType = 'string' | 'list' | 'set' | 'zset' | 'hash';

/** Where the keyspace reports what happens on its own (expiry), so effects stay in one place. */
export interface KeyspaceHost {
  readonly clock: Clock;
  /** A key was found expired and removed (lazily or by the active cycle). */
  keyExpired(db: Db, key: string): void;
  /** A key was added (Redis's dbAdd): the 'new' keyspace event. */
  keyCreated?(db: Db, key: string): void;
  /** A read found no key: the 'keymiss' keyspace event. */
  keyMissed?(db: Db, key: string): void;
  readonly stats: { keyspaceHits: number; keyspaceMisses: number };
}

const NO_TTL = -1;

/**
 * Background walks in progress (fork-less BGSAVE, AOF rewrite; see
 * persistence/snapshot.ts). Each walk owns one bit of activeMask; an entry's
 * bit in walkMarks equals that bit of doneMarks once the walk has dealt with
 * it (the meaning flips with each new walk, so starting one touches no
 * entry). While a walk is active, guard(db, entry) runs before an entry is
 * looked up, changed or removed (it compares the marks itself: the write
 * path's optimized code then reads nothing of the entry for it), and
 * beforeClear(db) before a database is emptied wholesale, so a walk sees
 * every entry as it was when it began.
 */
export const walkState = {
  activeMask: 0,
  doneMarks: 0,
  guard: noWalkGuard as (db: Db, entry: Entry) => void,
  beforeClear: noWalkClear as (db: Db) => void,
};

// The hooks before persistence/snapshot.ts installs its own. Every value the
// fields ever hold is a plain function declaration (not null, not an arrow):
// a value of another kind would change walkState's hidden class, and
// optimized code that reads it would be thrown away.
function noWalkGuard(_db: Db, _entry: Entry): void {}
function noWalkClear(_db: Db): void {}
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Expire times beyond 2^53 ms (only PEXPIREAT/PSETEX with huge values reach
 * them) do not fit a double exactly; their exact int64 is kept aside here, so
 * PTTL and PEXPIRETIME answer what Redis answers. Such keys never expire in
 * practice, so comparisons against the clock may use the rounded number.
 */
const farExpiries = new WeakMap<Entry, bigint>();
let anyFarExpiry = false;

/** The entry's expire time, exact: a bigint when beyond 2^53. -1 when it has none. */
export function exactExpireAt(entry: Entry): number | bigint {
  if (anyFarExpiry) {
    const far = farExpiries.get(entry);
    if (far !== undefined) return far;
  }
  return entry.expireAt;
}

/** How OBJECT ENCODING names a string beyond its value's shape (Redis keeps the object's history). */
export const enum StringEncoding {
  /** int if the value looks like an int64, embstr up to 44 bytes, raw beyond. */
  ByValue = 0,
  /** Grown in place (APPEND, SETRANGE): raw whatever its size. */
  Raw = 1,
  /** Made from a number that is not an integer object (INCRBYFLOAT): never int. */
  NotInt = 2,
}

/** The origin of Entry.accessTicks: the process's start, so that access times fit a small integer. */
const ACCESS_EPOCH = Date.now();

export class Entry {
  /** Index in Db.entries. */
  slot = -1;
  /** Index in Db.expiring, or -1. */
  ttlSlot = -1;
  /** Absolute unix time in ms, or -1 for no TTL. */
  expireAt = NO_TTL;
  /**
   * The last access, in ms since ACCESS_EPOCH (see lastAccess). Kept small on
   * purpose: V8 stores a small integer in the object itself, while an epoch-ms
   * double is a separate HeapNumber, so every touch of an old entry allocated
   * one and recorded an old-to-new pointer. On a 1M-key heap that made each
   * young-generation collection ~5x longer (16 ms pauses every ~150 ms of
   * GET traffic). Past 2^30 ms (12 days) of uptime the value is a double
   * again: slower, still right.
   */
  accessTicks: number;
  /** For strings: see StringEncoding. Reset by every plain set. */
  stringEncoding: StringEncoding = StringEncoding.ByValue;
  /** Background walks that have dealt with this entry (see walkState); new entries need none. */
  walkMarks = walkState.doneMarks;
  /** Estimated bytes this entry holds (key, value, overhead), as counted in Db.usedBytes. */
  size = 0;
  /** Redis's LFU field: (minutes mod 2^16) << 8 | 8-bit log counter (see eviction/lfu.ts). */
  lfu: number;

  constructor(
    readonly key: string,
    public type: ValueType,
    public value: unknown,
    now: number,
  ) {
    this.accessTicks = now - ACCESS_EPOCH;
    this.lfu = lfuInitial(now);
  }

  /** Clock time (ms since the Unix epoch) of the last access, for OBJECT IDLETIME and LRU eviction. */
  get lastAccess(): number {
    return this.accessTicks + ACCESS_EPOCH;
  }

  set lastAccess(ms: number) {
    this.accessTicks = ms - ACCESS_EPOCH;
  }

  get hasTtl(): boolean {
    return this.expireAt !== NO_TTL;
  }
}

/**
 * Estimated dataset bytes over a server's databases, kept as they change: the
 * heap guard reads it before every write (summing 16 databases cost 1-2% of a
 * ZADD).
 */
export class ByteTally {
  bytes = 0;
}

/** Keys Redis looks at with lookupKey* flags: reads touch the LRU clock and count hits. */
export class Db {
  /** Split over many Maps once large, so no single rehash walks every key (eviction/keymap.ts). */
  readonly map = new KeyMap<Entry>();
  readonly entries: Entry[] = [];
  readonly expiring: Entry[] = [];
  /** Sum of the entries' size estimates (eviction/accounting.ts). */
  usedBytes = 0;

  constructor(
    public id: number,
    private readonly host: KeyspaceHost,
    /** The server's total over its databases (one Db alone keeps its own). */
    private readonly tally: ByteTally = new ByteTally(),
  ) {}

  /** Counts delta bytes into this database and the server's total. */
  addBytes(delta: number): void {
    this.usedBytes += delta;
    this.tally.bytes += delta;
  }

  get size(): number {
    return this.entries.length;
  }

  get expiresCount(): number {
    return this.expiring.length;
  }

  /**
   * The entry a command last looked up or added. A write looks its key up,
   * then keyChanged wants the entry again for memory accounting: this spares
   * that second hash lookup (a cache miss or more in a big keyspace).
   */
  private recent: Entry | null = null;

  /** The entry without expiry checks or side effects (DEBUG, snapshots). */
  peek(key: string): Entry | undefined {
    return this.map.get(key);
  }

  /** peek(key), answered from the last looked-up entry when it is key's and still in the db. */
  peekRecent(key: string): Entry | undefined {
    const recent = this.recent;
    // Still live: detach sets slot -1, and clear() or a reader's undo leaves entries[slot] someone else.
    if (recent !== null && recent.key === key && this.entries[recent.slot] === recent) return recent;
    return this.map.get(key);
  }

  /** The live entry: an expired one is removed and reported, and undefined returned. */
  lookup(key: string): Entry | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    this.recent = entry;
    if (walkState.activeMask !== 0) walkState.guard(this, entry);
    if (entry.expireAt !== NO_TTL && this.host.clock.now() > entry.expireAt) {
      this.expire(entry);
      return undefined;
    }
    return entry;
  }

  /** A read: counts a hit or miss and touches the access clock (unless noTouch). */
  lookupRead(key: string, noTouch = false): Entry | undefined {
    const entry = this.lookup(key);
    if (entry === undefined) {
      this.host.stats.keyspaceMisses++;
      this.host.keyMissed?.(this, key);
      return undefined;
    }
    this.host.stats.keyspaceHits++;
    if (!noTouch) this.touch(entry);
    return entry;
  }

  /** A write: the live entry, access clock touched; no hit/miss accounting. */
  lookupWrite(key: string): Entry | undefined {
    const entry = this.lookup(key);
    if (entry !== undefined) this.touch(entry);
    return entry;
  }

  /** An access: the LRU clock, and the LFU counter while an LFU policy is selected. */
  touch(entry: Entry): void {
    const now = this.host.clock.now();
    entry.accessTicks = now - ACCESS_EPOCH;
    if (lfuParams.enabled) entry.lfu = lfuTouch(entry.lfu, now);
  }

  /** Recomputes the entry's size estimate after its value changed (O(1)). */
  resize(entry: Entry): void {
    const size = entrySize(entry);
    this.addBytes(size - entry.size);
    entry.size = size;
  }

  /** Adds a key that is known to be absent (or expired-and-removed). */
  add(key: string, type: ValueType, value: unknown): Entry {
    const entry = new Entry(key, type, value, this.host.clock.now());
    entry.slot = this.entries.length;
    this.entries.push(entry);
    this.map.set(key, entry);
    this.recent = entry;
    entry.size = entrySize(entry);
    this.addBytes(entry.size);
    this.host.keyCreated?.(this, key);
    return entry;
  }

  /**
   * SET semantics: replaces the value (any type) of key or adds it. The TTL is
   * dropped unless keepTtl. Returns the entry.
   */
  set(key: string, type: ValueType, value: unknown, keepTtl = false): Entry {
    const existing = this.lookup(key);
    if (existing === undefined) return this.add(key, type, value);
    existing.type = type;
    existing.value = value;
    existing.stringEncoding = StringEncoding.ByValue;
    this.touch(existing);
    if (!keepTtl) this.persist(existing);
    this.resize(existing);
    return existing;
  }

  /**
   * set(key, type, value, keepTtl) for an entry a write lookup just returned,
   * of the same type: the new value, without looking the key up again (INCR,
   * APPEND and their kind read the value first).
   */
  replaceValue(entry: Entry, value: unknown): Entry {
    entry.value = value;
    entry.stringEncoding = StringEncoding.ByValue;
    this.resize(entry);
    return entry;
  }

  /** Removes key if present (expired or not). Returns whether it was there. */
  remove(key: string): boolean {
    const entry = this.map.get(key);
    if (entry === undefined) return false;
    this.detach(entry);
    return true;
  }

  private detach(entry: Entry): void {
    if (walkState.activeMask !== 0) walkState.guard(this, entry);
    this.map.delete(entry.key);
    if (this.recent === entry) this.recent = null; // no deleted value kept alive
    swapRemove(this.entries, entry.slot, setSlot);
    if (entry.ttlSlot >= 0) swapRemove(this.expiring, entry.ttlSlot, setTtlSlot);
    entry.slot = -1;
    entry.ttlSlot = -1;
    this.addBytes(-entry.size);
  }

  /** Removes an entry found expired and reports it. */
  expire(entry: Entry): void {
    this.detach(entry);
    this.host.keyExpired(this, entry.key);
  }

  /** Whether the entry's TTL has passed (it may still be in the map). */
  isExpired(entry: Entry): boolean {
    return entry.expireAt !== NO_TTL && this.host.clock.now() > entry.expireAt;
  }

  setExpire(entry: Entry, at: number | bigint): void {
    if (walkState.activeMask !== 0) walkState.guard(this, entry);
    if (typeof at === 'bigint') {
      if (at > MAX_SAFE || at < -MAX_SAFE) {
        farExpiries.set(entry, at);
        anyFarExpiry = true;
      } else if (anyFarExpiry) {
        farExpiries.delete(entry);
      }
      at = Number(at);
    } else if (anyFarExpiry) {
      farExpiries.delete(entry);
    }
    entry.expireAt = at;
    if (entry.ttlSlot < 0) {
      entry.ttlSlot = this.expiring.length;
      this.expiring.push(entry);
    }
  }

  /** Drops the TTL; returns whether there was one. */
  persist(entry: Entry): boolean {
    if (entry.expireAt === NO_TTL) return false;
    if (walkState.activeMask !== 0) walkState.guard(this, entry);
    entry.expireAt = NO_TTL;
    if (anyFarExpiry) farExpiries.delete(entry);
    swapRemove(this.expiring, entry.ttlSlot, setTtlSlot);
    entry.ttlSlot = -1;
    return true;
  }

  /** A random live key, removing expired ones met on the way (as RANDOMKEY does). */
  randomEntry(): Entry | undefined {
    for (let tries = 0; this.entries.length > 0; tries++) {
      const entry = this.entries[(Math.random() * this.entries.length) | 0];
      if (!this.isExpired(entry)) return entry;
      // When every key is volatile and expired, stop after a while and give one back anyway.
      if (tries >= 100 && this.expiring.length === this.entries.length) return entry;
      this.expire(entry);
    }
    return undefined;
  }

  randomVolatile(): Entry | undefined {
    const n = this.expiring.length;
    return n === 0 ? undefined : this.expiring[(Math.random() * n) | 0];
  }

  /** Removes every key. Returns how many there were. */
  clear(): number {
    if (walkState.activeMask !== 0) walkState.beforeClear(this);
    const n = this.entries.length;
    this.recent = null;
    this.map.clear();
    this.entries.length = 0;
    this.expiring.length = 0;
    this.addBytes(-this.usedBytes);
    return n;
  }
}

function setSlot(entry: Entry, slot: number): void {
  entry.slot = slot;
}

function setTtlSlot(entry: Entry, slot: number): void {
  entry.ttlSlot = slot;
}

function swapRemove(array: Entry[], index: number, place: (e: Entry, slot: number) => void): void {
  const last = array.pop()!;
  if (index < array.length) {
    array[index] = last;
    place(last, index);
  }
}

/**
 * Takes every guarded path at start-up, with two stand-in guards. The walk
 * branches are otherwise never taken before V8 optimizes the write path: the
 * optimized code then holds no feedback for them, and the first BGSAVE threw
 * away the SET handler, set and lookup and recompiled them, 20 ms of compile
 * on the server's own core (bench/persistence.ts, --trace-deopt). Two
 * different guards make the call site megamorphic: a plain call, never
 * inlined, so a walk's own code (and the real guard) deoptimizes nothing
 * here. (Feedback about the entry itself would not last: the entries' hidden
 * class changes as the dataset loads, hence the marks compared in the guard.)
 */
function primeWalkGuards(): void {
  const clock = { now: () => Date.now() } as Clock;
  const db = new Db(0, { clock, keyExpired: noWalkGuard } as unknown as KeyspaceHost);
  // V8 keeps no feedback for a function until it has run several times (lazy feedback allocation).
  for (let round = 0; round < 16; round++) {
    walkState.guard = round & 1 ? primingGuardOne : primingGuardTwo;
    walkState.beforeClear = round & 1 ? primingClearOne : primingClearTwo;
    walkState.activeMask = 0;
    const entry = new Entry('walk-guard-priming', 'string', Buffer.alloc(1), Date.now());
    entry.slot = db.entries.length;
    db.entries.push(entry);
    db.map.set(entry.key, entry);
    walkState.activeMask = 1;
    // Written with changing values, as every walk does: V8 folds a field never changed into the code as a constant.
    walkState.doneMarks = round & 1;
    db.lookup(entry.key);
    db.setExpire(entry, Number.MAX_SAFE_INTEGER);
    db.persist(entry);
    db.remove(entry.key);
    db.clear();
  }
  walkState.activeMask = 0;
  walkState.doneMarks = 0;
  walkState.guard = noWalkGuard;
  walkState.beforeClear = noWalkClear;
}
function primingGuardOne(_db: Db, _entry: Entry): void {}
function primingGuardTwo(_db: Db, _entry: Entry): void {}
function primingClearOne(_db: Db): void {}
function primingClearTwo(_db: Db): void {}
primeWalkGuards();
