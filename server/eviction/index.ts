// maxmemory: the accounting total, the eight policies and Redis's
// performEvictions (evict.c), installed on a server as a pre-call check.
//
// Before every command, when maxmemory is set and the accounted memory is
// above it, keys are evicted by the policy until it is under again. Each
// round of the LRU, LFU and TTL policies samples maxmemory-samples keys per
// database into a pool of the 16 best candidates kept across rounds and
// evicts the best; the random policies evict a random key, databases taken
// in turn. Eviction of one command is bounded in time (as Redis's
// maxmemory-eviction-tenacity): past the bound it goes on between event-loop
// turns and the command runs. Only when nothing can be evicted (noeviction,
// a volatile policy without volatile keys) are denyoom commands refused with
// -OOM. Near V8's heap limit denyoom commands are refused too, whatever maxmemory says.

import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import type { Server } from '../server.js';
import type { Client } from '../client.js';
import type { Command } from '../commands/types.js';
import type { Db, Entry } from '../keyspace.js';
import { Errors } from '../errors.js';
import { transactions } from '../transaction.js';
import { setFrequencyReader } from '../commands/keys.js';
import { EvictionPool } from './pool.js';
import { lfuDecayed, lfuParams } from './lfu.js';
import { PerServer } from '../per-server.js';

export type Policy =
  | 'noeviction'
  | 'allkeys-lru'
  | 'allkeys-lfu'
  | 'allkeys-random'
  | 'volatile-lru'
  | 'volatile-lfu'
  | 'volatile-random'
  | 'volatile-ttl';

/** What the accounting says an empty server uses (Redis 7.0 reports about as much at startup). */
export const STARTUP_MEMORY = 880_000;
/** A connected client: its object, parser and reply buffer at rest. */
export const CLIENT_MEMORY = 2_000;
/** Share of V8's heap limit past which writes are refused. */
export const HEAP_LIMIT_SHARE = 0.9;
/** Share of V8's old space the accounted dataset may take before writes are refused. */
export const HEAP_DATASET_SHARE = 0.8;

export const enum EvictResult {
  Ok = 0,
  /** Over the limit but evicting in the background (the command may run). */
  Running = 1,
  /** Over the limit and nothing can be evicted. */
  Fail = 2,
}

export class MemoryState {
  readonly pool = new EvictionPool<Entry>();
  policy: Policy = 'noeviction';
  maxmemory = 0;
  samples = 5;
  tenacity = 10;
  /** Next database the random policies take a key from. */
  nextDb = 0;
  /** The background continuation of an eviction that ran out of time. */
  proc: NodeJS.Immediate | null = null;
  /** V8's heap is close to its limit (refreshed each cron tick). */
  heapNearLimit = false;
  /**
   * The accounted dataset beyond which writes are refused whatever maxmemory
   * says: a share of V8's old space (the heap limit less the young
   * generation's 48 MB and some room), leaving the rest for garbage.
   */
  readonly heapBudget = Math.max(0, v8.getHeapStatistics().heap_size_limit - 64 * 1024 * 1024) * HEAP_DATASET_SHARE;
  peak = 0;
  /** Evictions and the time spent in them, for INFO / benches. */
  evictionMicros = 0;
  /** Eviction slices run (one performEvictions call that evicted something) and the longest one (µs), for benches. */
  slices = 0;
  longestSliceMicros = 0;
  /** Benches: told of every slice (its start on performance.now()'s clock, its length in ms, the keys it evicted). */
  sliceListener: ((startMs: number, spentMs: number, keys: number) => void) | null = null;
  /** Benches: called as a slice begins (to take the process CPU time, say). */
  sliceStartListener: (() => void) | null = null;

  constructor(readonly server: Server) {}
}

const states = new PerServer((server) => new MemoryState(server));

/** The server's memory state (installed by installMemory; created on demand for tools and tests). */
export function memoryState(server: Server): MemoryState {
  return states.of(server);
}

/** The dataset's accounted bytes: the sum of every entry's estimate. */
export function datasetMemory(server: Server): number {
  return server.datasetBytes.bytes;
}

/** used_memory: the startup figure, the clients and the dataset. */
export function usedMemory(server: Server): number {
  const used = STARTUP_MEMORY + server.clients.size * CLIENT_MEMORY + datasetMemory(server);
  const state = states.peek(server);
  if (state !== undefined && used > state.peak) state.peak = used;
  return used;
}

export function peakMemory(server: Server): number {
  const used = usedMemory(server);
  return Math.max(memoryState(server).peak, used);
}

/** Hooks the accounting and the maxmemory check into a new server. */
export function installMemory(server: Server): MemoryState {
  const state = memoryState(server);
  const config = server.config;
  const watch = (name: string, apply: () => void): void => {
    apply();
    config.onChange(name, apply);
  };
  watch('maxmemory-policy', () => {
    const policy = config.string('maxmemory-policy') as Policy;
    if (policy !== state.policy) state.pool.clear();
    state.policy = policy;
    lfuParams.enabled = policy.endsWith('-lfu');
  });
  watch('lfu-log-factor', () => (lfuParams.logFactor = config.int('lfu-log-factor')));
  watch('lfu-decay-time', () => (lfuParams.decayTime = config.int('lfu-decay-time')));
  watch('maxmemory-samples', () => (state.samples = config.int('maxmemory-samples')));
  watch('maxmemory-eviction-tenacity', () => (state.tenacity = config.int('maxmemory-eviction-tenacity')));
  let first = true;
  watch('maxmemory', () => {
    state.maxmemory = config.int('maxmemory');
    // As Redis's updateMaxmemory: a lower limit takes effect at once.
    if (!first && state.maxmemory > 0) {
      const used = usedMemory(server);
      if (state.maxmemory < used) {
        server.log(
          'warning',
          `WARNING: the new maxmemory value set via CONFIG SET (${state.maxmemory}) is smaller than the current memory usage (${used}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.`,
        );
      }
      performEvictions(state);
    }
  });
  first = false;
  // Before pub/sub-mode and MULTI checks, as in Redis's processCommand.
  server.commandChecks.unshift((client, command) => memoryCheck(state, client, command));
  server.cronTasks.push(() => {
    checkHeap(state);
    usedMemory(server);
  });
  setFrequencyReader((entry, srv) => lfuDecayed(entry.lfu, srv.clock.now()));
  return state;
}

function memoryCheck(state: MemoryState, client: Client, command: Command): string | null {
  if (state.maxmemory > 0) {
    if (performEvictions(state) === EvictResult.Fail && rejectsOnOom(client, command)) return Errors.oom;
  }
  // The heap guard: cheap tests first, this runs before every command.
  if ((command.isDenyOom || client.inMulti) && rejectsOnOom(client, command)) {
    if (state.heapNearLimit || datasetMemory(state.server) > state.heapBudget) return Errors.oom;
  }
  return null;
}

/** As Redis: a denyoom command, or an EXEC whose transaction holds one. */
function rejectsOnOom(client: Client, command: Command): boolean {
  if (command.isDenyOom) return true;
  if (client.inMulti && command.parent === null && command.name === 'exec') {
    const queue = transactions(client.server).peek(client)?.queue;
    if (queue) for (const queued of queue) if (queued.command.isDenyOom) return true;
  }
  return false;
}

/**
 * Near the heap limit, checked each cron tick: the heap itself past
 * HEAP_LIMIT_SHARE (V8 collects well before that, so what remains is live).
 * The accounted dataset past HEAP_DATASET_SHARE of the limit (its garbage
 * needs the rest) is checked on every write, being cheap.
 */
function checkHeap(state: MemoryState): void {
  const heap = v8.getHeapStatistics();
  state.heapNearLimit = heap.used_heap_size > heap.heap_size_limit * HEAP_LIMIT_SHARE;
}

/** Redis's evictionTimeLimitUs: how long one call may evict before going on in the background. */
export function evictionTimeLimitMicros(tenacity: number): number {
  if (tenacity <= 10) return 50 * tenacity;
  if (tenacity < 100) return 500 * Math.pow(1.15, tenacity - 10);
  return Infinity;
}

/** Redis's performEvictions: evict until under maxmemory, within the time limit. */
export function performEvictions(state: MemoryState): EvictResult {
  const server = state.server;
  if (state.maxmemory === 0) return EvictResult.Ok;
  const used = usedMemory(server);
  if (used <= state.maxmemory) return EvictResult.Ok;
  if (state.policy === 'noeviction') return EvictResult.Fail;
  const toFree = used - state.maxmemory;
  const limitMicros = evictionTimeLimitMicros(state.tenacity);
  if (state.sliceStartListener !== null) state.sliceStartListener();
  const started = performance.now();
  let freed = 0;
  let keysFreed = 0;
  let result: EvictResult = EvictResult.Ok;
  while (freed < toFree) {
    const victim = pickVictim(state);
    if (victim === null) {
      result = EvictResult.Fail;
      break;
    }
    freed += victim.entry.size;
    evict(server, victim.db, victim.entry);
    keysFreed++;
    if (keysFreed % 16 === 0 && (performance.now() - started) * 1000 > limitMicros) {
      startEvictionProc(state);
      break;
    }
  }
  const spent = (performance.now() - started) * 1000;
  state.evictionMicros += spent;
  state.slices++;
  if (spent > state.longestSliceMicros) state.longestSliceMicros = spent;
  if (state.sliceListener !== null) state.sliceListener(started, spent / 1000, keysFreed);
  if (result === EvictResult.Fail) return result;
  return state.proc !== null ? EvictResult.Running : EvictResult.Ok;
}

/** Evicting a key: as a delete, counted in evicted_keys, with the 'evicted' event. */
export function evict(server: Server, db: Db, entry: Entry): void {
  const key = entry.key;
  db.remove(key);
  server.stats.evictedKeys++;
  server.keyChanged(db, key, 'e', 'evicted');
}

function startEvictionProc(state: MemoryState): void {
  if (state.proc !== null) return;
  const run = (): void => {
    state.proc = null;
    if (state.server.isShuttingDown) return;
    // Replies to the commands read in this turn leave before the eviction round.
    state.server.writePendingReplies();
    state.server.clock.refresh();
    // performEvictions schedules the next round itself when it runs out of time again.
    performEvictions(state);
  };
  state.proc = setImmediate(run);
  state.proc.unref();
}

interface Victim {
  db: Db;
  entry: Entry;
}

const victim: Victim = { db: null as unknown as Db, entry: null as unknown as Entry };

/** The policy's next key to evict, or null when there is none. */
function pickVictim(state: MemoryState): Victim | null {
  const server = state.server;
  const policy = state.policy;
  const volatile = policy.startsWith('volatile-');
  const dbs = server.dbs;
  if (policy === 'allkeys-random' || policy === 'volatile-random') {
    for (let i = 0; i < dbs.length; i++) {
      const db = dbs[state.nextDb++ % dbs.length];
      const keys = volatile ? db.expiring : db.entries;
      if (keys.length === 0) continue;
      victim.db = db;
      victim.entry = keys[(Math.random() * keys.length) | 0];
      return victim;
    }
    return null;
  }
  const pool = state.pool;
  validDbs = dbs;
  validVolatile = volatile;
  for (;;) {
    let total = 0;
    const now = server.clock.now();
    for (let d = 0; d < dbs.length; d++) {
      const keys = volatile ? dbs[d].expiring : dbs[d].entries;
      const n = keys.length;
      if (n === 0) continue;
      total += n;
      for (let s = 0; s < state.samples; s++) {
        const entry = keys[(Math.random() * n) | 0];
        pool.offer(entry, evictionScore(policy, entry, now), d);
      }
    }
    if (total === 0) return null;
    const best = pool.popBest(stillValid);
    if (best !== undefined) {
      victim.db = dbs[best.tag];
      victim.entry = best.item;
      return victim;
    }
  }
}

// What stillValid checks against (set by pickVictim: no closure per eviction).
let validDbs: Db[] = [];
let validVolatile = false;

/** A pooled candidate is still there: not deleted, evicted or replaced since it was sampled. */
function stillValid(entry: Entry, dbIndex: number): boolean {
  // An entry removed from its database has slot -1 (Db.detach); a replaced key is a new Entry.
  return (
    entry.slot >= 0 &&
    dbIndex < validDbs.length &&
    validDbs[dbIndex].entries[entry.slot] === entry &&
    (!validVolatile || entry.ttlSlot >= 0)
  );
}

/** The pool's order: higher is evicted first (Redis's "idle"). */
export function evictionScore(policy: Policy, entry: Entry, now: number): number {
  switch (policy) {
    case 'allkeys-lru':
    case 'volatile-lru':
      return now - entry.lastAccess;
    case 'allkeys-lfu':
    case 'volatile-lfu':
      return 255 - lfuDecayed(entry.lfu, now);
    case 'volatile-ttl':
      return -entry.expireAt;
    default:
      return 0;
  }
}
