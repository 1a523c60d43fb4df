// The Lua VM: lua-redis-wasm, Redis's own Lua 5.1 (with cjson, cmsgpack, bit
// and struct, and Redis 7.0's sandbox) compiled to WebAssembly. It is chosen
// over wasmoon (Lua 5.4) and fengari (Lua 5.3 in JS) because scripts written
// for Redis must see Lua 5.1's numbers, unpack, loadstring and the bundled
// libraries; see README "Lua scripting" for the measurements.
//
// One engine serves the whole process: scripts run synchronously and never
// nest (EVAL is refused from a script), so the host callbacks are routed to
// whichever script is running now. The WebAssembly heap has a fixed size: a
// script that exhausts it aborts the instance, which is then replaced by a
// spare loaded in advance (and a new spare is loaded in the background).

import { encodeArgs, load, type LuaEngine, type RedisHost, type ReplyValue } from 'lua-redis-wasm';

export type { ReplyValue } from 'lua-redis-wasm';

/** What a running script provides to redis.call / pcall / log / setresp. */
export interface ScriptHost {
  call(args: Buffer[], protectedCall: boolean): ReplyValue;
  log(level: number, message: Buffer): void;
  setResp(version: 2 | 3): void;
}

/** Roughly how many Lua VM instructions run per millisecond here (measured: ~3e5). */
export const INSTRUCTIONS_PER_MS = 400_000;

/**
 * The engine's own evalWithArgs hashes every script with a pure-JS SHA-1 on
 * each run (over half the cost of a short script); the server already knows
 * the sha, so it drives the same steps itself when these internals exist.
 */
interface EngineInternals {
  exports?: {
    _set_limits?: (maxFuel: number, maxReplyBytes: number, maxArgBytes: number) => void;
    _alloc?: (size: number) => number;
    _free_mem?: (ptr: number) => void;
    HEAPU8?: Uint8Array;
  };
  callEvalWithArgs?: (scriptPtr: number, scriptLen: number, argsPtr: number, argsLen: number, keysCount: number) => unknown;
  decodeResult?: (result: unknown, sha: string) => ReplyValue;
}

function evalFast(e: LuaEngine, source: Buffer, sha: string, keys: Buffer[], args: Buffer[]): ReplyValue {
  const inner = e as unknown as EngineInternals;
  const x = inner.exports;
  if (x?._alloc === undefined || x._free_mem === undefined || inner.callEvalWithArgs === undefined || inner.decodeResult === undefined) {
    return e.evalWithArgs(source, keys, args);
  }
  const argBuf = encodeArgs(keys.length === 0 ? args : args.length === 0 ? keys : keys.concat(args));
  const scriptPtr = x._alloc(source.length);
  const argsPtr = x._alloc(argBuf.length);
  // HEAPU8 is re-read after each allocation: the heap view may have been replaced.
  x.HEAPU8!.set(source, scriptPtr);
  x.HEAPU8!.set(argBuf, argsPtr);
  const result = inner.callEvalWithArgs.call(e, scriptPtr, source.length, argsPtr, argBuf.length, keys.length);
  x._free_mem(scriptPtr);
  x._free_mem(argsPtr);
  return inner.decodeResult.call(e, result, sha);
}

let current: ScriptHost | null = null;

const host: RedisHost = {
  redisCall: (args) => (current === null ? { err: Buffer.from('ERR no script running') } : current.call(args, false)),
  redisPcall: (args) => (current === null ? { err: Buffer.from('ERR no script running') } : current.call(args, true)),
  log: (level, message) => current?.log(level, message),
  onSetResp: (version) => current?.setResp(version),
};

const loadOptions = {
  profile: 'redis-7.0' as const,
  redisProps: {
    REDIS_VERSION: { value: '7.0.15' },
    REDIS_VERSION_NUM: { value: 0x07000f },
  },
};

async function newEngine(): Promise<LuaEngine> {
  const module = await load(loadOptions);
  return module.create(host);
}

let engine: LuaEngine = await newEngine();
let spare: Promise<LuaEngine> | null = newEngine();
let spareReady: LuaEngine | null = null;
void spare.then((e) => {
  spareReady = e;
});
let fuelSet = -1;

function replaceEngine(): boolean {
  if (spareReady === null) return false;
  engine = spareReady;
  spareReady = null;
  fuelSet = -1;
  spare = newEngine();
  void spare.then((e) => {
    spareReady = e;
  });
  return true;
}

/** The outcome of one run: the script's value, or the VM died (heap exhausted). */
export type RunOutcome = { value: ReplyValue } | { crashed: string };

/**
 * Runs source with KEYS and ARGV, routing host calls to scriptHost.
 * maxInstructions bounds pure-Lua work (0 = unbounded).
 */
export function runLua(
  source: Buffer | string,
  keys: Buffer[],
  args: Buffer[],
  scriptHost: ScriptHost,
  maxInstructions: number,
  sha?: string,
): RunOutcome {
  if (fuelSet !== maxInstructions) {
    (engine as unknown as EngineInternals).exports?._set_limits?.(maxInstructions, 0, 0);
    fuelSet = maxInstructions;
  }
  const previous = current;
  current = scriptHost;
  try {
    if (sha !== undefined && Buffer.isBuffer(source)) return { value: evalFast(engine, source, sha, keys, args) };
    return { value: engine.evalWithArgs(source, keys, args) };
  } catch (error) {
    // A WebAssembly abort (heap exhausted) leaves the instance unusable.
    const message = error instanceof Error ? error.message : String(error);
    if (!replaceEngine()) throw error;
    return { crashed: message };
  } finally {
    current = previous;
  }
}
