// Snapshots without fork: SAVE, BGSAVE and the save rules.
//
// Redis forks and lets the kernel copy pages on write. Node cannot fork, so a
// background save walks the keyspace itself, a slice at a time (half a
// millisecond, then setImmediate so commands run), and copies on write by
// hand: at the start it takes each database's dense entry array (a copy of
// the references, O(n) but tiny per key) and claims one bit in the keyspace's
// walkState; the keyspace calls our guard before it looks up, changes, expires
// or removes an entry that does not carry the bit yet, and the guard writes
// that entry out first. Entries created after the start carry the bit from
// birth. So every entry is written exactly once, as it was at the start, and
// the file is the dataset at that instant. FLUSHDB/FLUSHALL/SWAPDB need
// nothing special: they drop or move entries but never change one, and the
// walk holds its own references.
//
// Output for databases the walk has not reached yet (a guard firing on db 5
// while the walk is on db 0) waits in a side buffer for that database.

import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Server } from '../server.js';
import type { Client } from '../client.js';
import type { Command } from '../commands/types.js';
import { Db, walkState, type Entry, type KeyspaceHost } from '../keyspace.js';
import { saveParams } from '../config.js';
import { Crc64 } from './crc64.js';
import { RdbWriter, RdbOpcode } from './rdb-encoding.js';
import { loadRdb } from './rdb-reader.js';
import { loadRdbFunctions } from '../scripting/functions.js';
import { rdbBaseHooks } from './aof.js';
import { safeUnlink } from './durable-file.js';
import {
  accessMode,
  isLive,
  rdbPath,
  saveDatasetToFile,
  serializeDataset,
  tempPathFor,
  writeDbHeader,
  writeHeader,
  writeKey,
  type AccessMode,
} from './rdb-writer.js';

export const MISCONF_ERROR =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/** Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE, save rules wait this long. */
const BGSAVE_RETRY_DELAY_MS = 5000;
/**
 * Work per slice of a background walk before yielding to the event loop: a
 * command arriving during a slice waits for its end. Measured (bench/
 * persistence.ts, 1M keys, 4 writing clients, server on one core): 1 ms
 * slices gave p50 1.2 ms and p99 2.2-4 ms; 0.5 ms p50 0.65 ms; 0.25 ms p50
 * 0.40 ms and 1.7-2x the commands served during the save (15-21k against
 * 8-12k), for a save 25% longer (1.5-2.5 s per 1M keys; Redis's forked
 * child took 2.1-2.6 s in the same runs). The p99.9 is the same with both
 * (3-5 ms): GC pauses and the other threads' turns on the core set it.
 */
const SLICE_MS = 0.25;
/** Bytes buffered before a write to the file (and its checksum, computed on this thread). */
const FLUSH_BYTES = 1 << 16;
/**
 * Bytes handed to the file but not yet written, beyond which the walk waits.
 * Small on purpose: every chunk buffer is external memory, and V8 answers a
 * growing external total with forced (long) collections; with a few chunks in
 * flight the same buffers cycle through the spare list instead.
 */
const MAX_IN_FLIGHT = 1 << 20;

// ---- walks -------------------------------------------------------------------

/** Receives every entry of the dataset as it was when the walk began, each exactly once. */
export interface WalkSink {
  /** An entry of database `dbIndex` (its index when the walk began). */
  entry(dbIndex: number, entry: Entry): void;
  /** The walk is about to go through database dbIndex (only non-empty ones). */
  beginDb?(dbIndex: number, size: number, expires: number): void;
  /** Backpressure: a promise to wait for before the next slice (output still being written), or null. */
  busy?(): Promise<void> | null;
}

const activeWalks: KeyspaceWalk[] = [];

function guard(db: Db, entry: Entry): void {
  if (((entry.walkMarks ^ walkState.doneMarks) & walkState.activeMask) === 0) return;
  // An index loop: no iterator object per guarded write.
  for (let i = 0; i < activeWalks.length; i++) activeWalks[i].visitEarly(db, entry);
}

function beforeClear(db: Db): void {
  for (const walk of activeWalks) walk.drain(db);
}

// Installed once: the keyspace calls them only while activeMask has a walk's bit.
walkState.guard = guard;
walkState.beforeClear = beforeClear;

/**
 * A fork-less walk of the whole keyspace. Exported for the AOF rewrite too:
 * give it a sink, call start(), await done.
 *
 * Starting costs O(databases): no entry is touched. Each database's live
 * dense array is walked from the top down; a removal swaps the last entry
 * (already visited, or born after the start) into the hole, so nothing
 * unvisited ever moves above the walk's position.
 */
export class KeyspaceWalk {
  private readonly bit: number;
  /** The value of our bit in an entry we have dealt with. */
  private readonly done: number;
  private readonly dbs: Db[];
  private readonly startSizes: Array<{ size: number; expires: number }>;
  private readonly dbIndex = new Map<Db, number>();
  private current = 0;
  private position = -1;
  private finished = false;
  private cancelled = false;
  readonly startedAt: number;
  readonly done$: Promise<void>;
  private resolveDone!: () => void;
  private rejectDone!: (error: Error) => void;

  constructor(
    private readonly server: Server,
    private readonly sink: WalkSink & { early(dbIndex: number, entry: Entry): void },
  ) {
    let bit = 1;
    while (walkState.activeMask & bit) bit <<= 1;
    if (bit > 1 << 30) throw new Error('too many background walks');
    this.bit = bit;
    // Flip the meaning of our bit: every existing entry now counts as not dealt with.
    this.done = ~walkState.doneMarks & bit;
    walkState.doneMarks = (walkState.doneMarks & ~bit) | this.done;
    this.startedAt = server.clock.now();
    this.dbs = server.dbs.slice();
    this.startSizes = this.dbs.map((db, index) => {
      this.dbIndex.set(db, index);
      return { size: db.size, expires: db.expiresCount };
    });
    walkState.activeMask |= bit;
    activeWalks.push(this);
    this.done$ = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // Nobody may miss a failure: callers await done$, tests may not.
    this.done$.catch(() => {});
  }

  /** Sizes at the start, for RESIZEDB. */
  sizeOf(dbIndex: number): { size: number; expires: number } {
    return this.startSizes[dbIndex];
  }

  start(): void {
    setImmediate(() => this.slice());
  }

  private isDone(entry: Entry): boolean {
    return (entry.walkMarks & this.bit) === this.done;
  }

  private mark(entry: Entry): void {
    entry.walkMarks = (entry.walkMarks & ~this.bit) | this.done;
  }

  /** The guard: an entry about to change. */
  visitEarly(db: Db, entry: Entry): void {
    if (this.isDone(entry)) return;
    this.mark(entry);
    const index = this.dbIndex.get(db);
    if (index === undefined) return;
    this.sink.early(index, entry);
  }

  /** A database about to be emptied: every entry not dealt with goes out now. */
  drain(db: Db): void {
    const index = this.dbIndex.get(db);
    if (index === undefined) return;
    for (const entry of db.entries) {
      if (this.isDone(entry)) continue;
      this.mark(entry);
      this.sink.early(index, entry);
    }
  }

  private release(): void {
    const at = activeWalks.indexOf(this);
    if (at >= 0) activeWalks.splice(at, 1);
    walkState.activeMask &= ~this.bit;
  }

  cancel(): void {
    if (this.finished) return;
    this.cancelled = true;
    this.finished = true;
    // The next walk on this bit flips its meaning again: every live entry must carry "done" now.
    for (let i = this.current; i < this.dbs.length; i++) for (const entry of this.dbs[i].entries) this.mark(entry);
    this.release();
    this.rejectDone(new Error('cancelled'));
  }

  /** Runs the rest of the walk synchronously (SHUTDOWN while a BGSAVE runs, tests). */
  finishNow(): void {
    while (!this.finished) this.step(Infinity);
  }

  private slice(): void {
    if (this.finished) return;
    // Replies to the commands read in this turn leave before the slice's work.
    this.server.writePendingReplies();
    try {
      this.step(performance.now() + SLICE_MS);
    } catch (error) {
      this.cancelled = true;
      this.finished = true;
      for (let i = this.current; i < this.dbs.length; i++) for (const entry of this.dbs[i].entries) this.mark(entry);
      this.release();
      this.rejectDone(error as Error);
      return;
    }
    if (this.finished) return;
    const wait = this.sink.busy?.() ?? null;
    if (wait === null) setImmediate(() => this.slice());
    else wait.then(() => setImmediate(() => this.slice()), () => setImmediate(() => this.slice()));
  }

  private step(deadline: number): void {
    let count = 0;
    while (this.current < this.dbs.length) {
      const index = this.current;
      if (this.startSizes[index].size > 0) {
        const list = this.dbs[index].entries;
        if (this.position < 0) {
          const { size, expires } = this.startSizes[index];
          this.sink.beginDb?.(index, size, expires);
          this.position = list.length;
        }
        for (;;) {
          if (this.position > list.length) this.position = list.length;
          if (this.position === 0) break;
          const entry = list[--this.position];
          if (!this.isDone(entry)) {
            this.mark(entry);
            this.sink.entry(index, entry);
          }
          if ((++count & 31) === 0 && performance.now() > deadline) return;
        }
      }
      this.current++;
      this.position = -1;
    }
    this.finished = true;
    this.release();
    // Settled from outside this (hot, optimized) code: the resolver is a new
    // function in every walk, a call target that would deoptimize it.
    if (!this.cancelled) process.nextTick(this.resolveDone);
  }
}

/**
 * Runs a few walks over empty databases at start-up, so that V8 has feedback
 * for the end of a walk before it optimizes the walk's loop: otherwise the
 * first BGSAVE's optimized loop deoptimizes when it reaches the end, and the
 * next BGSAVE recompiles it (27 ms of compile on the server's core, measured
 * with bench/persistence.ts and --trace-deopt).
 */
function primeWalkEnd(): void {
  const host = { clock: { now: () => Date.now() }, keyExpired: () => {} } as unknown as KeyspaceHost;
  const dbs = Array.from({ length: 16 }, (_, index) => new Db(index, host));
  const server = { clock: host.clock, dbs } as unknown as Server;
  const sink = { entry: () => {}, early: () => {} };
  // V8 keeps no feedback for a function until it has run several times (lazy feedback allocation).
  for (let round = 0; round < 16; round++) {
    primingWalk = new KeyspaceWalk(server, sink);
    primingWalk.finishNow();
  }
}
/**
 * The last priming walk, kept alive: V8 keeps a hidden class only while some
 * object has it, and the feedback above names the walk's class; once
 * collected, the next walk gets a new one and the feedback is void again.
 */
let primingWalk: KeyspaceWalk | null = null;
primeWalkEnd();

// ---- background RDB save --------------------------------------------------------

/** A BGSAVE in progress: streams the walk into temp-<pid>.rdb, then renames it over target. */
export class BackgroundRdbSave {
  private readonly walk: KeyspaceWalk;
  private readonly w: RdbWriter;
  private readonly side = new Map<number, RdbWriter>();
  private readonly crc: Crc64 | null;
  private readonly fd: number;
  private readonly tmp: string;
  private readonly mode: AccessMode;
  private currentDb = -1;
  /** Writes run one after the other off the event loop; this is the last one queued. */
  private writing: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private writeError: Error | null = null;
  readonly startedAt: number;
  readonly done: Promise<void>;

  constructor(
    private readonly server: Server,
    readonly target: string,
    options: { aofBase?: boolean; tmp?: string } = {},
  ) {
    this.tmp = options.tmp ?? tempPathFor(target);
    this.fd = fs.openSync(this.tmp, 'w');
    this.w = new RdbWriter(1024, server.config.bool('rdbcompression'));
    this.w.buf = Buffer.allocUnsafeSlow(FLUSH_BYTES * 2);
    this.crc = server.config.bool('rdbchecksum') ? new Crc64() : null;
    this.mode = accessMode(server);
    this.startedAt = server.clock.now();
    writeHeader(this.w, server, options.aofBase ?? false);
    // This object is the walk's sink (its methods below, not closures: a
    // closure per save would be a new call target for the walk's optimized
    // code, deoptimized and recompiled in every BGSAVE).
    this.walk = new KeyspaceWalk(server, this);
    this.done = this.walk.done$.then(
      () => this.complete(),
      (error: Error) => {
        this.abandon();
        throw error;
      },
    );
    this.done.catch(() => {});
    this.walk.start();
  }

  // ---- the walk's sink ----

  beginDb(index: number, size: number, expires: number): void {
    this.currentDb = index;
    writeDbHeader(this.w, index, size, expires);
    const waiting = this.side.get(index);
    if (waiting !== undefined) {
      this.w.raw(waiting.view());
      this.side.delete(index);
    }
  }

  entry(_index: number, entry: Entry): void {
    if (this.writeError !== null) throw this.writeError;
    const now = this.startedAt;
    if (isLive(entry, now)) writeKey(this.w, entry, now, this.mode);
    if (this.w.pos >= FLUSH_BYTES) this.flush();
  }

  busy(): Promise<void> | null {
    return this.inFlight > MAX_IN_FLIGHT ? this.writing : null;
  }

  /** An entry about to change before the walk reached it; its database's section may not have begun yet. */
  early(index: number, entry: Entry): void {
    const now = this.startedAt;
    if (!isLive(entry, now)) return;
    if (index === this.currentDb) {
      writeKey(this.w, entry, now, this.mode);
      return;
    }
    let side = this.side.get(index);
    if (side === undefined) {
      side = new RdbWriter(4096, this.w.compress);
      this.side.set(index, side);
    }
    writeKey(side, entry, now, this.mode);
  }

  /** Output buffers handed back once written: no new external memory per chunk (it makes V8 collect). */
  private readonly spare: Buffer[] = [];

  private flush(): void {
    if (this.w.pos === 0) return;
    this.crc?.update(this.w.buf, 0, this.w.pos);
    const full = this.w.buf;
    const chunk = full.subarray(0, this.w.pos);
    this.w.buf = this.spare.pop() ?? Buffer.allocUnsafeSlow(FLUSH_BYTES * 2);
    this.w.reset();
    this.queueWrite(chunk, () => {
      if (full.length === FLUSH_BYTES * 2 && this.spare.length < 256) this.spare.push(full);
    });
  }

  private queueWrite(chunk: Buffer, onWritten?: () => void): void {
    this.inFlight += chunk.length;
    this.writing = this.writing.then(
      () =>
        new Promise<void>((resolve) => {
          const writeAll = (offset: number) => {
            fs.write(this.fd, chunk, offset, chunk.length - offset, null, (error, written) => {
              if (error) {
                this.writeError ??= error;
                this.inFlight -= chunk.length;
                resolve();
              } else if (offset + written < chunk.length) {
                writeAll(offset + written);
              } else {
                this.inFlight -= chunk.length;
                onWritten?.();
                resolve();
              }
            });
          };
          if (this.abandoned) {
            this.inFlight -= chunk.length;
            resolve();
          } else {
            writeAll(0);
          }
        }),
    );
  }

  private async complete(): Promise<void> {
    try {
      this.w.byte(RdbOpcode.EOF);
      this.flush();
      this.queueWrite(this.crc === null ? Buffer.alloc(8) : this.crc.toBuffer());
      await this.writing;
      if (this.writeError !== null) throw this.writeError;
      await new Promise<void>((resolve, reject) => fs.fsync(this.fd, (e) => (e ? reject(e) : resolve())));
      if (this.abandoned) throw new Error('cancelled');
      // Closed and renamed on libuv's threads: a rename over the previous file
      // frees that file's blocks inside the call (6-7 ms for 28 MB on ext4
      // here, as long as the longest command); Redis's child renames for the
      // same reason.
      this.fdClosed = true;
      await new Promise<void>((resolve, reject) => fs.close(this.fd, (e) => (e ? reject(e) : resolve())));
      await new Promise<void>((resolve, reject) => fs.rename(this.tmp, this.target, (e) => (e ? reject(e) : resolve())));
      await fsyncDirAsync(path.dirname(this.target));
    } catch (error) {
      this.abandon();
      throw error;
    }
  }

  private abandoned = false;
  /** Set once the descriptor is being closed: it must not be closed again (the number may be reused by then). */
  private fdClosed = false;

  private abandon(): void {
    if (this.abandoned) return;
    this.abandoned = true;
    if (!this.fdClosed) {
      this.fdClosed = true;
      try {
        fs.closeSync(this.fd);
      } catch {
        // already closed
      }
    }
    safeUnlink(this.tmp);
  }

  /** Stops the save and removes its temp file now (a new save may reuse the name at once). */
  cancel(): void {
    this.walk.cancel();
    this.abandon();
  }

  /** Finishes the walk now (synchronously); the file is written when done settles. */
  finishNow(): void {
    this.walk.finishNow();
  }
}

function fsyncDirAsync(dir: string): Promise<void> {
  return new Promise((resolve) => {
    fs.open(dir, 'r', (error, fd) => {
      if (error) return resolve();
      fs.fsync(fd, () => fs.close(fd, () => resolve()));
    });
  });
}

// ---- per-server state ----------------------------------------------------------

export interface PersistenceState {
  /** Unix ms of the last successful save (or the start). */
  lastSave: number;
  lastBgsaveOk: boolean;
  lastBgsaveTry: number;
  lastBgsaveSeconds: number;
  saves: number;
  bgsaveScheduled: boolean;
  job: BackgroundRdbSave | null;
  dirtyAtBgsaveStart: number;
  loadedKeys: number;
  loadedExpired: number;
  /** Another background job (the AOF rewrite) that stops a BGSAVE from starting now. */
  otherJobActive: () => boolean;
  /**
   * Whether the `save` rules act (cron BGSAVE, SHUTDOWN's default save, FLUSHALL's
   * save, MISCONF). An embedded server (startServer) turns this off unless
   * its options set `save`.
   */
  autoSave: boolean;
  /** Callbacks for the end of the current BGSAVE (tests, SHUTDOWN). */
  waiters: Array<(ok: boolean) => void>;
}

const states = new WeakMap<Server, PersistenceState>();

/** The persistence state of a server, created (with its cron task and MISCONF check) on first use. */
export function persistenceOf(server: Server): PersistenceState {
  let state = states.get(server);
  if (state !== undefined) return state;
  state = {
    lastSave: server.startedAt,
    lastBgsaveOk: true,
    // A clock time from the start (Redis: 0; read only after a failed try has set it): a
    // field first holding a small integer and later a time changes the object's hidden
    // class, and code reading it (INFO) was thrown away at the first BGSAVE.
    lastBgsaveTry: server.startedAt,
    lastBgsaveSeconds: -1,
    saves: 0,
    bgsaveScheduled: false,
    job: null,
    dirtyAtBgsaveStart: 0,
    loadedKeys: 0,
    loadedExpired: 0,
    otherJobActive: () => false,
    autoSave: true,
    waiters: [],
  };
  states.set(server, state);
  // Every field a save changes, changed once now and back: V8 treats a field
  // never reassigned as a constant, so the first BGSAVE threw away optimized
  // code that had read them (INFO's, recompiled during the save: 64 ms on the
  // server's core in bench/persistence.ts, which polls INFO persistence).
  for (const field of ['lastSave', 'lastBgsaveTry', 'lastBgsaveSeconds', 'saves', 'dirtyAtBgsaveStart', 'loadedKeys', 'loadedExpired'] as const) {
    state[field] += 1;
    state[field] -= 1;
  }
  state.lastBgsaveOk = !state.lastBgsaveOk;
  state.lastBgsaveOk = !state.lastBgsaveOk;
  state.bgsaveScheduled = !state.bgsaveScheduled;
  state.bgsaveScheduled = !state.bgsaveScheduled;
  state.job = undefined as never;
  state.job = null;
  const s = state;
  server.cronTasks.push(() => saveCron(server, s));
  server.commandChecks.push((client: Client, command: Command) => misconfCheck(server, s, client, command));
  return state;
}

function saveRulesSet(server: Server): boolean {
  return persistenceOf(server).autoSave && saveParams(server.config.string('save')).length > 0;
}

/** Whether a failed BGSAVE refuses writes now (stop-writes-on-bgsave-error). */
export function rdbRefusesWrites(server: Server): boolean {
  const state = persistenceOf(server);
  return !state.lastBgsaveOk && server.config.bool('stop-writes-on-bgsave-error') && saveRulesSet(server);
}

function misconfCheck(server: Server, state: PersistenceState, _client: Client, command: Command): string | null {
  if (state.lastBgsaveOk) return null;
  if (!command.isWrite && command.name !== 'ping') return null;
  if (!server.config.bool('stop-writes-on-bgsave-error') || !saveRulesSet(server)) return null;
  return MISCONF_ERROR;
}

function saveCron(server: Server, state: PersistenceState): void {
  if (state.job !== null || state.otherJobActive()) return;
  if (!state.autoSave && !state.bgsaveScheduled) return;
  if (state.bgsaveScheduled) {
    state.bgsaveScheduled = false;
    startBgsave(server);
    return;
  }
  const now = server.clock.now();
  for (const { seconds, changes } of saveParams(server.config.string('save'))) {
    if (
      server.dirty >= changes &&
      now - state.lastSave > seconds * 1000 &&
      (now - state.lastBgsaveTry > BGSAVE_RETRY_DELAY_MS || state.lastBgsaveOk)
    ) {
      server.log('notice', `${changes} changes in ${seconds} seconds. Saving...`);
      startBgsave(server);
      return;
    }
  }
}

/** SAVE: the whole dataset written now, synchronously. Returns whether it worked. */
export function saveNow(server: Server, target = rdbPath(server)): boolean {
  const state = persistenceOf(server);
  try {
    saveDatasetToFile(server, target);
  } catch (error) {
    server.log('warning', `Failed saving the DB: ${(error as Error).message}`);
    return false;
  }
  server.dirty = 0;
  state.lastSave = server.clock.now();
  state.lastBgsaveOk = true;
  state.saves++;
  server.log('notice', 'DB saved on disk');
  return true;
}

/** Starts a BGSAVE. Returns an error text, or null when it started. */
export function startBgsave(server: Server, target = rdbPath(server)): string | null {
  const state = persistenceOf(server);
  if (state.job !== null) return 'ERR Background save already in progress';
  state.lastBgsaveTry = server.clock.now();
  state.dirtyAtBgsaveStart = server.dirty;
  let job: BackgroundRdbSave;
  try {
    job = new BackgroundRdbSave(server, target);
  } catch (error) {
    // Redis's child would have failed to open its file: the BGSAVE "started" and then failed.
    state.lastBgsaveOk = false;
    server.log('warning', `Failed opening the temp RDB file for saving: ${(error as Error).message}`);
    server.log('warning', 'Background saving error');
    return null;
  }
  state.job = job;
  server.log('notice', 'Background saving started');
  const started = performance.now();
  job.done.then(
    () => {
      if (state.job === job) state.job = null;
      server.dirty = Math.max(0, server.dirty - state.dirtyAtBgsaveStart);
      state.lastSave = server.clock.now();
      state.lastBgsaveOk = true;
      state.saves++;
      state.lastBgsaveSeconds = Math.round((performance.now() - started) / 1000);
      server.log('notice', 'Background saving terminated with success');
      for (const waiter of state.waiters.splice(0)) waiter(true);
    },
    (error: Error) => {
      if (state.job === job) state.job = null;
      state.lastBgsaveSeconds = Math.round((performance.now() - started) / 1000);
      if (error.message !== 'cancelled') {
        state.lastBgsaveOk = false;
        server.log('warning', `Background saving error: ${error.message}`);
      }
      for (const waiter of state.waiters.splice(0)) waiter(false);
    },
  );
  return null;
}

/** Resolves when the BGSAVE in progress (if any) ends: true when it succeeded. */
export function bgsaveFinished(server: Server): Promise<boolean> {
  const state = persistenceOf(server);
  if (state.job === null) return Promise.resolve(state.lastBgsaveOk);
  return new Promise((resolve) => state.waiters.push(resolve));
}

/**
 * SHUTDOWN's save: with SAVE, or by default when save rules are set, unless
 * NOSAVE. A BGSAVE in progress is dropped (Redis kills its child). Returns
 * false when a save was wanted and failed.
 */
export function saveOnShutdown(server: Server, mode: 'save' | 'nosave' | 'default'): boolean {
  const state = persistenceOf(server);
  if (state.job !== null) {
    state.job.cancel();
    state.job = null;
  }
  if (mode === 'nosave') return true;
  if (mode === 'default' && !saveRulesSet(server)) return true;
  server.log('notice', 'Saving the final RDB snapshot before exiting.');
  return saveNow(server);
}

// ---- start-up --------------------------------------------------------------------

/**
 * Loads dir/dbfilename into the databases if the file exists (as redis-server
 * does at start). Throws (RdbError, or the fs error) when the file is there
 * but cannot be loaded: the caller stops start-up with the message.
 */
export function loadAtStartup(server: Server, file = rdbPath(server)): boolean {
  const state = persistenceOf(server);
  if (!fs.existsSync(file)) return false;
  const started = performance.now();
  const data = fs.readFileSync(file);
  const result = loadRdb(server, data);
  state.loadedKeys = result.keysLoaded;
  state.loadedExpired = result.keysExpired;
  state.lastSave = server.clock.now();
  const redisVer = result.aux.get('redis-ver');
  if (redisVer !== undefined) server.log('notice', `Loading RDB produced by version ${redisVer}`);
  server.log('notice', `Done loading RDB, keys loaded: ${result.keysLoaded}, keys expired: ${result.keysExpired}.`);
  server.log('notice', `DB loaded from disk: ${((performance.now() - started) / 1000).toFixed(3)} seconds`);
  // As Redis: a library that cannot be created refuses the whole load (the error reaches start-up).
  loadRdbFunctions(server, result.functions);
  return true;
}

/**
 * DEBUG RELOAD: save (unless !save), empty every database (unless !flush),
 * load dir/dbfilename back (keys already there replaced when merge) with its
 * function libraries. Returns
 * Redis's error text, or null. A key in both the file and memory without
 * MERGE stops the load with an error here, where Redis's server dies.
 */
export function reloadRdb(server: Server, options: { save: boolean; flush: boolean; merge: boolean }, empty: (db: Db) => void): string | null {
  const file = rdbPath(server);
  if (options.save && !saveNow(server, file)) return 'ERR';
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (error) {
    server.log('warning', `Failed loading the RDB for DEBUG RELOAD: ${(error as Error).message}`);
    return 'ERR Error trying to load the RDB dump';
  }
  if (options.flush) for (const db of server.dbs) empty(db);
  try {
    // Functions come back from the file too, replacing libraries of the same name (as Redis's reload).
    loadRdbFunctions(server, loadRdb(server, data, { merge: options.merge }).functions);
  } catch (error) {
    server.log('warning', `DEBUG RELOAD: ${(error as Error).message}`);
    return 'ERR Error trying to load the RDB dump';
  }
  server.log('warning', 'DB reloaded by DEBUG RELOAD');
  return null;
}

// The AOF's base file may be an RDB (aof-use-rdb-preamble): the AOF code calls these.
rdbBaseHooks.write = (server) => serializeDataset(server, server.dbs, true);
rdbBaseHooks.load = (server, data, fileName) => {
  try {
    return loadRdb(server, data).bytesRead;
  } catch (error) {
    throw new Error(`Bad RDB base file ${fileName}: ${(error as Error).message}`);
  }
};

/**
 * Start-up as redis-server does it: registers the save machinery and, unless
 * the AOF is on (its files take precedence), loads dir/dbfilename.
 */
export function startRdb(server: Server, load = true): void {
  persistenceOf(server);
  if (load && !server.config.bool('appendonly')) loadAtStartup(server);
}

/** INFO persistence's rdb_* values (and the fields around them that a save drives). */
export function rdbInfoFields(server: Server): {
  changesSinceLastSave: number;
  bgsaveInProgress: number;
  lastSaveTime: number;
  lastBgsaveStatus: string;
  lastBgsaveTimeSec: number;
  currentBgsaveTimeSec: number;
  saves: number;
  lastLoadKeysExpired: number;
  lastLoadKeysLoaded: number;
} {
  const state = persistenceOf(server);
  const job = state.job;
  return {
    changesSinceLastSave: server.dirty,
    bgsaveInProgress: job === null ? 0 : 1,
    lastSaveTime: Math.floor(state.lastSave / 1000),
    lastBgsaveStatus: state.lastBgsaveOk ? 'ok' : 'err',
    lastBgsaveTimeSec: state.lastBgsaveSeconds,
    currentBgsaveTimeSec: job === null ? -1 : Math.floor((server.clock.now() - job.startedAt) / 1000),
    saves: state.saves,
    lastLoadKeysExpired: state.loadedExpired,
    lastLoadKeysLoaded: state.loadedKeys,
  };
}

/**
 * FLUSHALL's part (Redis's flushAllDataAndResetRDB): a BGSAVE in progress is
 * dropped, and with save rules set the now empty dataset is saved at once.
 */
export function resetRdbAfterFlushAll(server: Server): void {
  const state = persistenceOf(server);
  if (state.job !== null) {
    state.job.cancel();
    state.job = null;
  }
  if (saveRulesSet(server)) saveNow(server);
}
