// The engine's entry, driven by the server: the engine's own evalWithArgs
// hashes every script with a pure-JS SHA-1 on each run (over half the cost of
// a short script); the server already knows the sha, so it makes the same
// steps itself when the engine's internals are there.

import type { LuaEngine, ReplyValue } from 'lua-redis-wasm';
import { copyBytes, heapView, internals, readU32, writeU32 } from './host.js';

/** Runs source with KEYS and ARGV; sha is what the engine's error texts name. */
export function evalFast(e: LuaEngine, source: Buffer, sha: string, keys: Buffer[], args: Buffer[]): ReplyValue {
  const inner = internals(e);
  const x = inner.exports;
  if (x?._alloc === undefined || x._free_mem === undefined || inner.callEvalWithArgs === undefined || inner.decodeResult === undefined) {
    return e.evalWithArgs(source, keys, args);
  }
  // The ArgArray wire format ([count u32le] then [len u32le][bytes] each), written in place.
  let argLen = 4;
  for (let i = 0; i < keys.length; i++) argLen += 4 + keys[i].length;
  for (let i = 0; i < args.length; i++) argLen += 4 + args[i].length;
  // One block: the source, then the arguments (4-aligned).
  const srcLen = (source.length + 3) & ~3;
  const scriptPtr = x._alloc(srcLen + argLen);
  const argsPtr = scriptPtr + srcLen;
  // The heap view is taken after the allocation: it may grow the memory.
  const h = heapView(x.HEAPU8!);
  copyBytes(source, 0, h, scriptPtr, source.length);
  let p = argsPtr;
  writeU32(h, p, keys.length + args.length);
  p += 4;
  for (let i = 0; i < keys.length; i++) {
    const b = keys[i];
    writeU32(h, p, b.length);
    copyBytes(b, 0, h, p + 4, b.length);
    p += 4 + b.length;
  }
  for (let i = 0; i < args.length; i++) {
    const b = args[i];
    writeU32(h, p, b.length);
    copyBytes(b, 0, h, p + 4, b.length);
    p += 4 + b.length;
  }
  const result = inner.callEvalWithArgs.call(e, scriptPtr, source.length, argsPtr, argLen, keys.length);
  x._free_mem(scriptPtr);
  const quick = quickValue(x.HEAPU8!, x._free_mem, result);
  return quick !== undefined ? quick : inner.decodeResult.call(e, result, sha);
}

// Tags of the engine's reply encoding ([tag u8][length u32le][payload]).
const REPLY_NULL = 0x00;
const REPLY_INT = 0x01;

/**
 * A nil or a safe integer (what most write scripts return) read straight from
 * the engine's memory, the reply freed; undefined for anything else, left for
 * the engine's decoder. Its generic path copies the reply into a new Buffer
 * and reads a BigInt: about a fifth of a short script's cost outside the VM.
 */
function quickValue(heap: Uint8Array, free: (ptr: number) => void, result: unknown): null | number | undefined {
  if (result === null || typeof result !== 'object') return undefined;
  const { ptr, len } = result as { ptr?: unknown; len?: unknown };
  if (typeof ptr !== 'number' || typeof len !== 'number' || ptr <= 0 || ptr + len > heap.length) return undefined;
  const tag = heap[ptr];
  if (tag === REPLY_NULL && len === 5) {
    free(ptr);
    return null;
  }
  if (tag !== REPLY_INT || len !== 13) return undefined;
  const low = readU32(heap, ptr + 5);
  const high = readU32(heap, ptr + 9) | 0;
  // Within +-2^53 the two halves make the number exactly; beyond, the decoder's BigInt.
  if (high >= 0x200000 || high <= -0x200000) return undefined;
  free(ptr);
  return high * 0x100000000 + low;
}
