// The Lua VM: lua-redis-wasm, Redis's own Lua 5.1 (with cjson, cmsgpack, bit
// and struct, and Redis 7.0's sandbox) compiled to WebAssembly. It is chosen
// over wasmoon (Lua 5.4) and fengari (Lua 5.3 in JS) because scripts written
// for Redis must see Lua 5.1's numbers, unpack, loadstring and the bundled
// libraries; see README "Lua scripting" for the measurements.
//
// This module loads the engine and replaces it. One engine serves the whole
// process: scripts run synchronously and never nest (EVAL is refused from a
// script), so the host callbacks are routed to whichever script is running
// now (host.ts). The WebAssembly heap has a fixed size: a script that
// exhausts it aborts the instance, which is then replaced by a spare loaded
// in the background once scripts are first used.
//
// The other modules: host.ts (routing, heap view, engine internals),
// entry.ts (the engine's entry, driven by the server), fast-calls.ts
// (redis.call / pcall handlers), chunk-cache.ts (scripts compiled once per
// VM), readonly-mark.ts (the helpers' lock / unlock of read-only tables).

import { load, type LuaEngine, type ReplyValue } from 'lua-redis-wasm';
import { compiledCount, forgetChunks as forgetIn, hasChunkCache, runCached, runCachedFunction, setUpChunkCache, takeRaised } from './chunk-cache.js';
import { evalFast } from './entry.js';
import { installFastCalls } from './fast-calls.js';
import { internals, routedHost, running, type ScriptHost } from './host.js';
import { vmStats } from './stats.js';

export type { ReplyValue } from 'lua-redis-wasm';
export type { ScriptHost } from './host.js';
export { takeRaised, type RaisedError } from './chunk-cache.js';

/** Roughly how many Lua VM instructions run per millisecond here (measured: ~3e5). */
export const INSTRUCTIONS_PER_MS = 400_000;

const loadOptions = {
  profile: 'redis-7.0' as const,
  redisProps: {
    REDIS_VERSION: { value: '7.0.15' },
    REDIS_VERSION_NUM: { value: 0x07000f },
  },
};

async function newEngine(): Promise<LuaEngine> {
  const module = await load(loadOptions);
  const e = module.create(routedHost);
  if (process.env.EMBEDIS_LUA_SLOW_CALLS === undefined) installFastCalls(module, e);
  if (process.env.EMBEDIS_LUA_NO_CHUNK_CACHE === undefined) setUpChunkCache(e);
  return e;
}

let engine: LuaEngine = await newEngine();
// The spare (which replaces a VM that ran out of memory) is loaded only once
// scripts are used: a server that never runs Lua pays for one VM, not two.
let spare: Promise<LuaEngine> | null = null;
let spareReady: LuaEngine | null = null;

function loadSpare(): void {
  spare = newEngine();
  void spare.then((e) => {
    spareReady = e;
  });
}
let fuelSet = -1;
vmStats.heapBytes = () => internals(engine).exports?.HEAPU8?.byteLength ?? 0;

function replaceEngine(): boolean {
  if (spareReady === null) return false;
  engine = spareReady;
  spareReady = null;
  fuelSet = -1;
  loadSpare();
  return true;
}

/** The outcome of one run: the script's value, or the VM died (heap exhausted). */
export type RunOutcome = { value: ReplyValue } | { crashed: string };

/** What every run does first: the spare on its way, the instruction budget set. */
function prepare(maxInstructions: number): void {
  if (spare === null) loadSpare();
  if (fuelSet !== maxInstructions) {
    internals(engine).exports?._set_limits?.(maxInstructions, 0, 0);
    fuelSet = maxInstructions;
  }
}

/** A run that threw: the VM is replaced (an abort leaves it unusable) and the run reports a crash. */
function crashed(error: unknown): RunOutcome {
  const message = error instanceof Error ? error.message : String(error);
  if (!replaceEngine()) throw error;
  return { crashed: message };
}

/**
 * FCALL from the VM's chunk cache (see chunk-cache.ts); null when the cache
 * is unavailable or the library does not load there.
 */
export function runFunction(
  key: string,
  libraryCode: Buffer,
  name: string,
  keys: Buffer[],
  args: Buffer[],
  scriptHost: ScriptHost,
  maxInstructions: number,
): RunOutcome | null {
  if (!hasChunkCache(engine) || !/^[A-Za-z0-9_]+$/.test(name)) return null;
  prepare(maxInstructions);
  const previous = running.host;
  running.host = scriptHost;
  try {
    const value = runCachedFunction(engine, key, libraryCode, name, keys, args);
    return value === null ? null : { value };
  } catch (error) {
    return crashed(error);
  } finally {
    running.host = previous;
  }
}

/**
 * Runs source with KEYS and ARGV, routing host calls to scriptHost.
 * maxInstructions bounds pure-Lua work (0 = unbounded). With its sha, the
 * script runs from the VM's chunk cache.
 */
export function runLua(
  source: Buffer | string,
  keys: Buffer[],
  args: Buffer[],
  scriptHost: ScriptHost,
  maxInstructions: number,
  sha?: string,
): RunOutcome {
  prepare(maxInstructions);
  const previous = running.host;
  running.host = scriptHost;
  takeRaised();
  try {
    if (sha !== undefined && Buffer.isBuffer(source)) {
      const value = runCached(engine, sha, source, keys, args);
      return { value: value !== undefined ? value : evalFast(engine, source, sha, keys, args) };
    }
    return { value: engine.evalWithArgs(source, keys, args) };
  } catch (error) {
    return crashed(error);
  } finally {
    running.host = previous;
  }
}

/** Drops every compiled chunk (SCRIPT FLUSH). */
export function forgetChunks(): void {
  forgetIn(engine);
}

/** Whether the running VM keeps compiled chunks (tests and INFO-style diagnostics). */
export function chunkCacheSize(): number | null {
  return compiledCount(engine);
}
