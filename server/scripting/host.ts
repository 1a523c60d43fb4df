// What the VM's host imports see: the script running now (scripts run one at
// a time and never nest, so one engine serves every server in the process and
// its callbacks go to whichever script is current), a Buffer over the VM's
// memory, and the engine internals the server drives directly.

import type { LuaEngine, RedisHost, ReplyValue } from 'lua-redis-wasm';
import type { WireWriter } from './wire.js';

/** What a running script provides to redis.call / pcall / log / setresp. */
export interface ScriptHost {
  call(args: Buffer[], protectedCall: boolean): ReplyValue;
  /** The same as call, written into out in the VM's wire format (the fast path). */
  callWire?(args: Buffer[], protectedCall: boolean, out: WireWriter): void;
  log(level: number, message: Buffer): void;
  setResp(version: 2 | 3): void;
}

/** The script whose host calls the VM makes now (null between scripts). */
export const running: { host: ScriptHost | null } = { host: null };

/** The host given to the engine: every callback is routed to running.host. */
export const routedHost: RedisHost = {
  redisCall: (args) => (running.host === null ? { err: Buffer.from('ERR no script running') } : running.host.call(args, false)),
  redisPcall: (args) => (running.host === null ? { err: Buffer.from('ERR no script running') } : running.host.call(args, true)),
  log: (level, message) => running.host?.log(level, message),
  onSetResp: (version) => running.host?.setResp(version),
};

/** The engine's exports the server uses (present in lua-redis-wasm 1.5; each is checked before use). */
export interface EngineExports {
  _set_limits?: (maxFuel: number, maxReplyBytes: number, maxArgBytes: number) => void;
  _alloc?: (size: number) => number;
  _free_mem?: (ptr: number) => void;
  _eval_with_args?: (...args: number[]) => unknown;
  HEAPU8?: Uint8Array;
}

/** The engine object's internals: its exports and the steps of evalWithArgs. */
export interface EngineInternals {
  exports?: EngineExports;
  callEvalWithArgs?: (scriptPtr: number, scriptLen: number, argsPtr: number, argsLen: number, keysCount: number) => unknown;
  decodeResult?: (result: unknown, sha: string) => ReplyValue;
}

export function internals(e: LuaEngine): EngineInternals {
  return e as unknown as EngineInternals;
}

/**
 * A Buffer over the VM's memory, made again only when the memory grew. The
 * engine replaces its byte array (HEAPU8) whenever the memory grows, so the
 * array's identity tells: reading its `.buffer` on every host call went
 * through a C++ getter.
 */
let viewedHeap: Uint8Array | null = null;
let view: Buffer = Buffer.alloc(0);
let memory: ArrayBuffer = new ArrayBuffer(0);

export function heapView(heap: Uint8Array): Buffer {
  if (heap !== viewedHeap) {
    viewedHeap = heap;
    memory = heap.buffer as ArrayBuffer;
    view = Buffer.from(memory, heap.byteOffset, heap.byteLength);
  }
  return view;
}

/** The ArrayBuffer under the last heapView (argument views are made on it, see bytes.ts viewOf). */
export function heapMemory(): ArrayBuffer {
  return memory;
}

// Little-endian 32-bit fields of the VM's wire formats, as plain byte loads and
// stores: Buffer#readUInt32LE / writeUInt32LE check their offset through Node's
// validators on every call, a measurable share of a short script's host calls.

/** The unsigned 32-bit little-endian value at o. */
export function readU32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
}

/** Stores v (an unsigned 32-bit value, or a signed one: its two's complement) at o. */
export function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

/**
 * Copies n bytes of src from srcStart to dst at dstStart. Arguments, stubs
 * and replies crossing into the VM are mostly a few dozen bytes, where a byte
 * loop costs a third of Buffer#copy's checked call into C++.
 */
export function copyBytes(src: Uint8Array, srcStart: number, dst: Uint8Array, dstStart: number, n: number): void {
  if (n > 48) {
    dst.set(src.subarray(srcStart, srcStart + n), dstStart);
    return;
  }
  for (let i = 0; i < n; i++) dst[dstStart + i] = src[srcStart + i];
}
