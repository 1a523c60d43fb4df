// The script cache (EVAL / EVALSHA / SCRIPT) and the function libraries
// (FUNCTION / FCALL), per server.
//
// Scripts: the sha1 of the body -> the body and its shebang flags; EVAL adds
// to the cache too, as Redis 7.0 does. Libraries: Redis 7 functions run on the
// same VM. A library's code is wrapped (on its shebang line, so line numbers
// stay the user's) in a prelude that gives it a local `redis` whose
// register_function records the functions; FUNCTION LOAD runs it to learn
// the names and flags, FCALL runs it again and calls the one function.

import { createHash } from 'node:crypto';
import { ReplyError } from '../errors.js';
import type { Server } from '../server.js';
import { PerServer } from '../per-server.js';

export function sha1hex(body: Buffer): string {
  return createHash('sha1').update(body).digest('hex');
}

export const SCRIPT_FLAGS = ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'] as const;

export interface CachedScript {
  sha: string;
  /** Lua source for the VM: the body with its shebang line blanked. */
  source: Buffer;
  /** The body with its shebang line blanked, for the syntax check. */
  bare: Buffer;
  /** Declared a shebang (Redis 7 flags apply). */
  shebang: boolean;
  flags: Set<string>;
}

/**
 * Reads a script body's shebang: "#!lua flags=a,b". Throws Redis's errors
 * for an unknown engine, option or flag.
 */
export function parseScript(body: Buffer): CachedScript {
  const sha = sha1hex(body);
  if (body.length < 2 || body[0] !== 0x23 || body[1] !== 0x21) {
    return { sha, source: asFunction(body), bare: Buffer.from(body), shebang: false, flags: new Set() };
  }
  let end = body.indexOf(10);
  if (end < 0) end = body.length;
  const line = body.latin1Slice(0, end);
  const parts = line.split(' ').filter((p) => p !== '');
  if (parts[0] !== '#!lua') throw new ReplyError(`ERR Unexpected engine in script shebang: ${parts[0]}`);
  const flags = new Set<string>();
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) throw new ReplyError(`ERR Unknown lua shebang option: ${part}`);
    for (const flag of part.slice(6).split(',')) {
      if (flag === '') continue;
      if (!(SCRIPT_FLAGS as readonly string[]).includes(flag)) throw new ReplyError(`ERR Unexpected flag in script shebang: ${flag}`);
      flags.add(flag);
    }
  }
  // Keep the newline: errors then name the same lines as Redis does.
  const source = asFunction(body.subarray(end));
  return { sha, source, bare: Buffer.from(body.subarray(end)), shebang: true, flags };
}

const OPEN = Buffer.from('return ((function() ', 'latin1');
const CLOSE = Buffer.from('\nend)())', 'latin1');

/**
 * The body as Redis runs it: the body of a function called for one result
 * (so `return a, b` answers a). The opening shares the first line with the
 * body, so line numbers stay the user's. Syntax errors are found before, on
 * the bare body (see compileCheck), so their texts are Redis's too.
 */
function asFunction(body: Buffer): Buffer {
  return Buffer.concat([OPEN, body, CLOSE]);
}

export interface FunctionInfo {
  name: string;
  description: string | null;
  flags: string[];
  library: LibraryInfo;
}

export interface LibraryInfo {
  name: string;
  code: Buffer;
  /** The VM chunk cache's key for this code ('L' + its sha1), made on the first FCALL. */
  cacheKey?: string;
  functions: Map<string, FunctionInfo>;
}

export class ScriptingRegistry {
  readonly scripts = new Map<string, CachedScript>();
  readonly libraries = new Map<string, LibraryInfo>();
  readonly functions = new Map<string, FunctionInfo>();
}

const registries = new PerServer(() => new ScriptingRegistry());

export function registry(server: Server): ScriptingRegistry {
  return registries.of(server);
}

const NAME_RE = /^[A-Za-z0-9_]+$/;

export function validName(name: string): boolean {
  return NAME_RE.test(name);
}

/** Parses a library's "#!lua name=<lib>" line; returns the name and the body after the line. */
export function parseLibraryHeader(code: Buffer): { name: string; rest: Buffer } {
  if (code.length < 2 || code[0] !== 0x23 || code[1] !== 0x21) throw new ReplyError('ERR Missing library metadata');
  let end = code.indexOf(10);
  if (end < 0) end = code.length;
  const parts = code.latin1Slice(0, end).split(' ').filter((p) => p !== '');
  if (parts[0] !== '#!lua') throw new ReplyError(`ERR Engine '${parts[0].slice(2)}' not found`);
  let name: string | null = null;
  for (const part of parts.slice(1)) {
    if (part.startsWith('name=')) name = part.slice(5);
    else throw new ReplyError(`ERR Invalid metadata value given: ${part}`);
  }
  if (name === null) throw new ReplyError('ERR Library name was not given');
  if (!validName(name)) throw new ReplyError('ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long');
  return { name, rest: code.subarray(end) };
}

/**
 * The Lua chunk that runs a library: the prelude on the shebang's line, the
 * user's code, then either the list of registered functions (target null) or
 * a call of the target function with KEYS and ARGV.
 */
export function libraryChunk(rest: Buffer, target: string | null): Buffer {
  const prelude =
    'local __embedis_fns, __embedis_order = {}, {} ' +
    'local redis = setmetatable({ register_function = function(a, b) ' +
    'local name, cb, flags, desc = a, b, {}, false ' +
    "if type(a) == 'table' then name, cb, flags, desc = a.function_name, a.callback, a.flags or {}, a.description or false end " +
    "if type(name) ~= 'string' then error('wrong function name given', 2) end " +
    "if type(cb) ~= 'function' then error('wrong callback given', 2) end " +
    "if __embedis_fns[name] ~= nil then error('Function ' .. name .. ' already exists', 2) end " +
    "__embedis_fns[name] = { cb = cb, flags = flags, desc = desc } table.insert(__embedis_order, name) end }, { __index = redis }) " +
    'local __embedis_lib = function() ';
  let epilogue: string;
  if (target === null) {
    epilogue =
      '\nend __embedis_lib() local __out = {} for _, n in ipairs(__embedis_order) do local f = __embedis_fns[n] ' +
      'local fl = {} for _, x in ipairs(f.flags) do table.insert(fl, tostring(x)) end ' +
      'table.insert(__out, { n, f.desc or false, fl }) end return __out';
  } else if (target === '') {
    // The functions themselves, kept by the VM's chunk cache (vm.ts runFunction).
    epilogue = '\nend __embedis_lib() return __embedis_fns';
  } else {
    epilogue = `\nend __embedis_lib() return __embedis_fns['${target}'].cb(KEYS, ARGV)`;
  }
  return Buffer.concat([Buffer.from(prelude, 'latin1'), rest, Buffer.from(epilogue, 'latin1')]);
}
