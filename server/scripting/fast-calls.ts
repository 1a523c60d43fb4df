// redis.call / redis.pcall as the VM imports them, replaced by the server's
// own handlers: the arguments are handed to the command as views of the VM's
// memory (argv is borrowed, as a socket read's is), and the reply is written
// once, straight into the VM's wire format, instead of a Buffer per argument
// and per reply node.

import type { LuaEngine } from 'lua-redis-wasm';
import { viewOf } from '../bytes.js';
import { copyBytes, heapMemory, heapView, internals, readU32, running, writeU32 } from './host.js';
import { SECRET, toggleReadOnly } from './readonly-mark.js';
import { WireWriter } from './wire.js';

const wire = new WireWriter();
const noScript = Buffer.from('ERR no script running');

interface ModuleInternals {
  handlers?: Record<string, unknown>;
}

/** Installs the handlers on the module that made e (no-op when its internals differ). */
export function installFastCalls(module: unknown, e: LuaEngine): void {
  const handlers = (module as ModuleInternals).handlers;
  const x = internals(e).exports;
  if (handlers === undefined || x?._alloc === undefined || x.HEAPU8 === undefined) return;
  const alloc = x._alloc;
  const make = (protectedCall: boolean) =>
    // (retPtr, ptr, len) when the import returns through memory, else (ptr, len) -> packed i64.
    (a: number, b: number, c?: number): bigint | undefined => {
      const hasRet = c !== undefined;
      const ptr = hasRet ? b : a;
      const len = hasRet ? c : b;
      const view = heapView(x.HEAPU8!);
      const memory = heapMemory();
      const base = view.byteOffset;
      const end = ptr + len;
      const count = len >= 4 ? readU32(view, ptr) : 0;
      const args: Buffer[] = new Array<Buffer>(count);
      let off = ptr + 4;
      for (let i = 0; i < count; i++) {
        const n = readU32(view, off);
        off += 4;
        if (off + n > end) throw new Error('ERR invalid argument encoding');
        args[i] = viewOf(memory, base + off, n);
        off += n;
      }
      wire.reset();
      const host = running.host;
      try {
        if (count === 3 && args[0].length === 32 && args[0].latin1Slice(0, 32) === SECRET) {
          if (toggleReadOnly(view, args[1].latin1Slice(0, args[1].length), args[2].latin1Slice(0, args[2].length))) wire.nil();
          else wire.error('ERR refused');
        } else if (host === null) wire.value({ err: noScript });
        else if (host.callWire !== undefined) host.callWire(args, protectedCall, wire);
        else wire.value(host.call(args, protectedCall));
      } catch (error) {
        wire.reset();
        wire.error(error instanceof Error ? error.message : String(error));
      }
      const outLen = wire.pos;
      const outPtr = alloc(outLen);
      // The allocation may have grown the memory: take the view again.
      const h = heapView(x.HEAPU8!);
      copyBytes(wire.buf, 0, h, outPtr, outLen);
      if (hasRet) {
        writeU32(h, a, outPtr >>> 0);
        writeU32(h, a + 4, outLen);
        return undefined;
      }
      return (BigInt(outLen) << 32n) | BigInt(outPtr >>> 0);
    };
  handlers.call = make(false);
  handlers.pcall = make(true);
}
