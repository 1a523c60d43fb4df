// Scripting figures for INFO (memory section), without loading the VM: the
// VM module registers how to read its heap size once it is loaded.

import type { Server } from '../server.js';
import { registry } from './library.js';

export const vmStats = { heapBytes: (): number => 0 };

export interface ScriptingInfo {
  /** The Lua VM's memory (used_memory_lua / used_memory_vm_eval). */
  vmBytes: number;
  /** Script bodies held by the EVAL cache (used_memory_scripts_eval). */
  scriptsEvalBytes: number;
  cachedScripts: number;
  functions: number;
  libraries: number;
  /** Library code and function records (used_memory_functions). */
  functionsBytes: number;
}

export function scriptingInfo(server: Server): ScriptingInfo {
  const reg = registry(server);
  let scriptsEvalBytes = 0;
  for (const s of reg.scripts.values()) scriptsEvalBytes += s.source.length + 40 + 64;
  let functionsBytes = 0;
  for (const lib of reg.libraries.values()) functionsBytes += lib.code.length + lib.name.length + 64 + 96 * lib.functions.size;
  return {
    vmBytes: vmStats.heapBytes(),
    scriptsEvalBytes,
    cachedScripts: reg.scripts.size,
    functions: reg.functions.size,
    libraries: reg.libraries.size,
    functionsBytes,
  };
}
