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
// spare loaded in the background once scripts are first used.

import { WireWriter } from './wire.js';
import { vmStats } from './stats.js';
import { load, type LuaEngine, type RedisHost, type ReplyValue } from 'lua-redis-wasm';

export type { ReplyValue } from 'lua-redis-wasm';

/** What a running script provides to redis.call / pcall / log / setresp. */
export interface ScriptHost {
  call(args: Buffer[], protectedCall: boolean): ReplyValue;
  /** The same as call, written into out in the VM's wire format (the fast path). */
  callWire?(args: Buffer[], protectedCall: boolean, out: WireWriter): void;
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
  // The ArgArray wire format ([count u32le] then [len u32le][bytes] each), written in place.
  let argLen = 4;
  for (let i = 0; i < keys.length; i++) argLen += 4 + keys[i].length;
  for (let i = 0; i < args.length; i++) argLen += 4 + args[i].length;
  const scriptPtr = x._alloc(source.length);
  const argsPtr = x._alloc(argLen);
  // The heap view is taken after the allocations: they may grow the memory.
  const h = heapView(x.HEAPU8!);
  h.set(source, scriptPtr);
  let p = argsPtr;
  h.writeUInt32LE(keys.length + args.length, p);
  p += 4;
  for (const list of [keys, args]) {
    for (let i = 0; i < list.length; i++) {
      const b = list[i];
      h.writeUInt32LE(b.length, p);
      h.set(b, p + 4);
      p += 4 + b.length;
    }
  }
  const result = inner.callEvalWithArgs.call(e, scriptPtr, source.length, argsPtr, argLen, keys.length);
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

const wire = new WireWriter();

/** A Buffer over the VM's memory, made again only when the memory grew (its ArrayBuffer changes). */
let viewOf: ArrayBufferLike | null = null;
let view: Buffer = Buffer.alloc(0);

function heapView(heap: Uint8Array): Buffer {
  if (heap.buffer !== viewOf || view.length !== heap.byteLength) {
    viewOf = heap.buffer;
    view = Buffer.from(heap.buffer, heap.byteOffset, heap.byteLength);
  }
  return view;
}
const noScript = Buffer.from('ERR no script running');

interface HandlerInternals {
  handlers?: Record<string, unknown>;
  exports?: { _alloc?: (size: number) => number; HEAPU8?: Uint8Array };
}

/**
 * Replaces the engine's redis.call / redis.pcall import handlers: the
 * arguments are handed to the command as views of the VM's memory (argv is
 * borrowed, as a socket read's is), and the reply is written once, straight
 * into the wire format, instead of a Buffer per argument and per reply node.
 */
function installFastCalls(module: unknown, e: LuaEngine): void {
  const handlers = (module as HandlerInternals).handlers;
  const x = (e as unknown as HandlerInternals).exports;
  if (handlers === undefined || x?._alloc === undefined || x.HEAPU8 === undefined) return;
  const alloc = x._alloc;
  const make = (protectedCall: boolean) =>
    (...abi: number[]): bigint | undefined => {
      const hasRet = abi.length >= 3;
      const ptr = hasRet ? abi[1] : abi[0];
      const len = hasRet ? abi[2] : abi[1];
      const view = heapView(x.HEAPU8!);
      const end = ptr + len;
      const count = len >= 4 ? view.readUInt32LE(ptr) : 0;
      const args: Buffer[] = new Array<Buffer>(count);
      let off = ptr + 4;
      for (let i = 0; i < count; i++) {
        const n = view.readUInt32LE(off);
        off += 4;
        if (off + n > end) throw new Error('ERR invalid argument encoding');
        args[i] = view.subarray(off, off + n);
        off += n;
      }
      wire.reset();
      const host = current;
      try {
        if (host === null) wire.value({ err: noScript });
        else if (host.callWire !== undefined) host.callWire(args, protectedCall, wire);
        else wire.value(host.call(args, protectedCall));
      } catch (error) {
        wire.reset();
        wire.error(error instanceof Error ? error.message : String(error));
      }
      const out = wire.view();
      const outPtr = alloc(out.length);
      x.HEAPU8!.set(out, outPtr);
      if (hasRet) {
        const h = heapView(x.HEAPU8!);
        h.writeUInt32LE(outPtr >>> 0, abi[0]);
        h.writeUInt32LE(out.length, abi[0] + 4);
        return undefined;
      }
      return (BigInt(out.length) << 32n) | BigInt(outPtr >>> 0);
    };
  handlers.call = make(false);
  handlers.pcall = make(true);
}

async function newEngine(): Promise<LuaEngine> {
  const module = await load(loadOptions);
  const e = module.create(host);
  if (process.env.EMBEDIS_LUA_SLOW_CALLS === undefined) installFastCalls(module, e);
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
vmStats.heapBytes = () => (engine as unknown as HandlerInternals).exports?.HEAPU8?.byteLength ?? 0;

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
  if (spare === null) loadSpare();
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
