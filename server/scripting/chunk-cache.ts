// The compile cache: each script (and each function library) compiled once
// per VM and kept in it, run by a one-line stub.
//
// The engine's only entry point compiles the source it is given on every run.
// Redis compiles a script once and keeps the function in the Lua registry; the
// engine exposes no registry, and the sandbox makes every reachable table
// read-only. So, once per VM, the table that holds the compiled chunks is put
// where only the server's stubs look: in the metatable of _G, under the
// metatable itself as key (no string reaches it; only pairs() over that
// metatable would show it). Storing it means clearing, for one setup script,
// the read-only mark Redis's Lua keeps in each table (an int after the
// header); the setup checks the layout first and leaves the cache off when it
// does not match. A script is compiled with loadstring under the chunk name
// the engine uses ('@user_script'), and run through a one-line stub that
// tail-calls it: KEYS and ARGV (globals set by the engine), error texts, line
// numbers and the sandbox are the ones of the plain run.

import type { LuaEngine, ReplyValue } from 'lua-redis-wasm';
import { evalFast } from './entry.js';
import { heapView, internals, running, type ScriptHost } from './host.js';
import { SECRET, toggleReadOnly } from './readonly-mark.js';
import type { WireWriter } from './wire.js';

/** Per VM: the shas (and library keys) whose chunk is compiled in it (absent: the cache is unavailable). */
const compiledIn = new WeakMap<LuaEngine, Set<string>>();
/** Per script sha: its stub (see stubFor). */
const scriptStubs = new Map<string, ScriptStub>();
/** Per function library key and name: the stub that calls it (the same for every VM). */
const stubs = new Map<string, Buffer>();

/**
 * Run once per VM with the read-only mark lifted (see setUpChunkCache), under
 * its own chunk name. `run` calls a compiled chunk under xpcall so that an
 * error's value and position are noted before the engine turns a non-string
 * value into "script execution failed" (Redis answers with the err field of
 * a table, or "nil" / "true"); the error then goes on as it was. `pcall` is
 * Redis 7.0's: an error table caught by it gives its err field.
 */
const HELPERS = `
local c, error, pcall, xpcall, type, select, redis, secret, G, rawset = ...
local function where()
  for level = 2, 16 do
    local _, pos = pcall(error, '', level)
    if type(pos) == 'string' and pos ~= '' and pos:sub(1, 8) ~= 'embedis:' then return pos end
  end
  return ''
end
local function note(v)
  c.last = {v, where()}
  return v
end
local setresp = redis.setresp
local budget = 0
-- 1: holds a double / map / set / big_number table; 2: holds a boolean (left alone); 0: neither.
local function scan(t, depth)
  if t.err ~= nil or t.ok ~= nil then return 0 end
  if t.double ~= nil or t.map ~= nil or t.set ~= nil or t.big_number ~= nil then return 1 end
  if depth > 32 then return 2 end
  local found = 0
  local i = 1
  while true do
    local v = t[i]
    if v == nil then return found end
    budget = budget - 1
    if budget < 0 then return 2 end
    local tv = type(v)
    if tv == 'boolean' then return 2 end
    if tv == 'table' then
      local r = scan(v, depth + 1)
      if r == 2 then return 2 end
      if r == 1 then found = 1 end
    end
    i = i + 1
  end
end
-- Redis turns {double=}, {map=}, {set=} and {big_number=} into their replies whatever
-- the script's RESP version; the engine only under redis.setresp(3), so it is set then.
local function out(v)
  if type(v) == 'table' then
    budget = 10000
    if scan(v, 0) == 1 then setresp(3) end
  end
  return v
end
-- The engine keeps one result of a run (nil for none), so only the first is looked at.
c.run = function(f)
  c.last = nil
  local ok, v = xpcall(f, note)
  if ok then
    if type(v) == 'table' then return out(v) end
    return v
  end
  return error(v, 0)
end
local find = string.find
local function caught(ok, ...)
  if ok then return ok, ... end
  local e = ...
  -- A script stopped at busy-reply-threshold stays stopped: pcall does not catch that.
  if type(e) == 'string' and find(e, 'Script killed by fuel limit', 1, true) then return error(e, 0) end
  if type(e) == 'table' then
    local m = e.err
    if type(m) == 'string' or type(m) == 'number' then return false, m end
  end
  return false, ...
end
-- FCALL: functions see no KEYS or ARGV globals (Redis 7.0 runs them in the library's globals).
local gref = tostring(G)
local call = redis.call
c.hide = function()
  call(secret, 'unlock', gref)
  rawset(G, 'KEYS', nil)
  rawset(G, 'ARGV', nil)
  call(secret, 'lock', gref)
end
-- Compiled scripts, under the secret-prefixed keys their stubs hand to pcall
-- (a stub of one call to a global compiles in a third of the time of one that
-- walks to this table); no other value finds anything here.
local chunks = {}
c.chunks = chunks
local run = c.run
local wrapped = function(...)
  local f = ...
  local chunk = chunks[f]
  if chunk ~= nil then return run(chunk) end
  -- Redis 7.0's pcall without arguments calls its own result placeholder (true).
  if f == nil and select('#', ...) == 0 then return false, 'attempt to call a boolean value' end
  return caught(pcall(...))
end
return wrapped
`;
const SETUP_CACHE =
  "local m = getmetatable(_G) redis.call('unlock', tostring(m)) m[m] = {} redis.call('lock', tostring(m)) " +
  "local p = loadstring(ARGV[1], '=embedis')(m[m], error, pcall, xpcall, type, select, redis, ARGV[2], _G, rawset) " +
  "redis.call('unlock', tostring(_G)) rawset(_G, 'pcall', p) redis.call('lock', tostring(_G)) return 1";
const PROBE_CACHE =
  "local m = getmetatable(_G) if type(m[m]) ~= 'table' or type(m[m].run) ~= 'function' then return 0 end " +
  'if pcall(function() m.x = 1 end) then return 0 end if pcall(function() m[m] = 1 end) then return 0 end ' +
  "if pcall(function() rawset(_G, 'x', 1) end) then return 0 end if type(m[m].hide) ~= 'function' then return 0 end " +
  "if type(m[m].chunks) ~= 'table' then return 0 end " +
  "local ok, e = pcall(error, {err = 'E'}) if ok or e ~= 'E' then return 0 end return 1";
const COMPILE_CHUNK = "local m = getmetatable(_G) local f = loadstring(ARGV[1], '@user_script') if f then m[m].chunks[ARGV[2]] = f return 1 end return 0";
const FORGET_CHUNKS =
  "local m = getmetatable(_G) local c = m[m] for k in pairs(c) do if type(k) == 'string' and #k == 41 then c[k] = nil end end " +
  'local s = c.chunks for k in pairs(s) do s[k] = nil end return 1';
/** What the last failed run raised: [kind, line, text?]; kind 0 string, 1 table with err, 2 table without, 3 other. */
const LAST_ERROR =
  'local m = getmetatable(_G) local c = m[m] local l = c.last c.last = nil if l == nil then return false end ' +
  "local v, line = l[1], tonumber(string.match(l[2], ':(%d+): $')) or 0 " +
  "if type(v) == 'string' or type(v) == 'number' then return {0, line} end " +
  "if type(v) == 'table' then local ok, e = pcall(function() return v.err end) " +
  "if ok and (type(e) == 'string' or type(e) == 'number') then return {1, line, tostring(e)} end return {2, line} end " +
  'return {3, line, tostring(v)}';

/** Prepares e's cache (once per VM); the cache stays off when any step does not go as expected. */
export function setUpChunkCache(e: LuaEngine): void {
  const x = internals(e).exports;
  if (x?.HEAPU8 === undefined) return;
  let sound = true;
  let calls = 0;
  const setupHost: ScriptHost = {
    call: () => null,
    callWire(args: Buffer[], _protectedCall: boolean, out: WireWriter): void {
      out.nil();
      calls++;
      const op = args.length === 2 ? args[0].latin1Slice(0, args[0].length) : '';
      const ref = args.length === 2 ? args[1].latin1Slice(0, args[1].length) : '';
      if (!toggleReadOnly(heapView(x.HEAPU8!), op, ref)) sound = false;
    },
    log: () => undefined,
    setResp: () => undefined,
  };
  const previous = running.host;
  running.host = setupHost;
  try {
    const set = e.evalWithArgs(SETUP_CACHE, [], [Buffer.from(HELPERS, 'latin1'), Buffer.from(SECRET, 'latin1')]);
    if (!sound || calls !== 4 || set !== 1) return;
    if (e.evalWithArgs(PROBE_CACHE, [], []) !== 1) return;
  } catch {
    return;
  } finally {
    running.host = previous;
  }
  compiledIn.set(e, new Set());
}

/** How many chunks e keeps compiled (null: its cache is unavailable). */
export function compiledCount(e: LuaEngine): number | null {
  return compiledIn.get(e)?.size ?? null;
}

/** What the last failed run of a cached chunk raised (kind as LAST_ERROR), or null. */
export interface RaisedError {
  kind: number;
  line: number;
  text: string | null;
}

let pendingRaised: RaisedError | null = null;

/** The non-string value the last run raised (then forgotten); null when it raised a string or nothing. */
export function takeRaised(): RaisedError | null {
  const r = pendingRaised;
  pendingRaised = null;
  return r;
}

function lastRaised(e: LuaEngine): RaisedError | null {
  try {
    const v = e.evalWithArgs(LAST_ERROR, [], []);
    if (!Array.isArray(v) || typeof v[0] !== 'number' || typeof v[1] !== 'number') return null;
    return { kind: v[0], line: v[1], text: Buffer.isBuffer(v[2]) ? v[2].latin1Slice(0, v[2].length) : null };
  } catch {
    return null;
  }
}

/**
 * A script error from the stub: the engine saw it raised again by the stub,
 * so its line is the one noted where it was first raised; a value that was
 * not a string (the engine says only "script execution failed") is kept for
 * takeRaised, which gives the text Redis gives it.
 */
function raisedFrom(e: LuaEngine, value: ReplyValue): ReplyValue {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value) || !('err' in value)) return value;
  const meta = value.meta;
  if (meta === undefined) return value;
  const raised = lastRaised(e);
  if (raised === null) return value;
  if (raised.line > 0) meta.line = raised.line;
  if (raised.kind !== 0) pendingRaised = raised;
  return value;
}

/** A script's stub and the key its compiled chunk is kept under (the same in every VM). */
interface ScriptStub {
  key: string;
  source: Buffer;
}

/** 64 secret bits before each chunk key: a script cannot name a chunk, so its pcall never runs one. */
const CHUNK_KEY_PREFIX = SECRET.slice(0, 16);
let chunkKeysMade = 0;

function stubFor(sha: string): ScriptStub {
  let stub = scriptStubs.get(sha);
  if (stub === undefined) {
    const key = CHUNK_KEY_PREFIX + (chunkKeysMade++).toString(36);
    // pcall is the helpers' wrapper (see HELPERS): it runs the chunk kept under key through c.run.
    stub = { key, source: Buffer.from(`return pcall('${key}')`, 'latin1') };
    scriptStubs.set(sha, stub);
  }
  return stub;
}

/** More compiled chunks than this and the cache starts again (EVAL of generated bodies). */
const MAX_COMPILED = 10_000;
const COMPILE_SOURCE = Buffer.from(COMPILE_CHUNK, 'latin1');
const COMPILE_SHA = '0000000000000000000000000000000000000000';
/** Runs a library chunk (libraryChunk(rest, '')) once and keeps its functions table under ARGV[2]. */
const LOAD_LIBRARY_SOURCE = Buffer.from(
  "local m = getmetatable(_G) local f = loadstring(ARGV[1], '@user_script') if not f then return 0 end " +
    "local ok, fns = pcall(f) if not ok or type(fns) ~= 'table' then return 0 end m[m][ARGV[2]] = fns return 1",
  'latin1',
);

/**
 * Makes sure e's cache holds the chunk under key, running loader (which keeps
 * ARGV[1]'s compiled code under ARGV[2]) the first time; false when the cache
 * is unavailable or the code does not load.
 */
function compileOnce(e: LuaEngine, key: string, loader: Buffer, code: Buffer): boolean {
  const compiled = compiledIn.get(e);
  if (compiled === undefined) return false;
  if (compiled.has(key)) return true;
  if (compiled.size >= MAX_COMPILED) forgetChunks(e);
  if (evalFast(e, loader, COMPILE_SHA, [], [code, Buffer.from(key, 'latin1')]) !== 1) return false;
  compiled.add(key);
  return true;
}

/**
 * Runs the script source (whose sha1 is sha) from e's cache, compiling it
 * first when new; undefined when the cache is unavailable or the source does
 * not compile (the caller then runs the source the plain way, for its error).
 */
export function runCached(e: LuaEngine, sha: string, source: Buffer, keys: Buffer[], args: Buffer[]): ReplyValue | undefined {
  pendingRaised = null;
  const stub = stubFor(sha);
  if (!compileOnce(e, stub.key, COMPILE_SOURCE, source)) return undefined;
  return raisedFrom(e, evalFast(e, stub.source, sha, keys, args));
}

/**
 * FCALL from the cache: the library's code runs once per VM (its functions
 * kept under key), then a stub calls the one function with KEYS and ARGV,
 * which stop being globals first. Null when the cache is unavailable or the
 * library does not load; the caller then runs the library the plain way.
 */
export function runCachedFunction(
  e: LuaEngine,
  key: string,
  libraryCode: Buffer,
  name: string,
  keys: Buffer[],
  args: Buffer[],
): ReplyValue | null {
  pendingRaised = null;
  if (!compileOnce(e, key, LOAD_LIBRARY_SOURCE, libraryCode)) return null;
  let stub = stubs.get(key + name);
  if (stub === undefined) {
    stub = Buffer.from(
      `local m = getmetatable(_G) local c = m[m] local f, k, a = c['${key}']['${name}'].cb, KEYS, ARGV ` +
        'c.hide() return c.run(function() return f(k, a) end)',
      'latin1',
    );
    if (stubs.size < MAX_COMPILED) stubs.set(key + name, stub);
  }
  return raisedFrom(e, evalFast(e, stub, key, keys, args));
}

/** Whether e's cache is there (FCALL checks this before it asks for a library). */
export function hasChunkCache(e: LuaEngine): boolean {
  return compiledIn.has(e);
}

/** Drops every chunk e keeps compiled (SCRIPT FLUSH; a full cache). */
export function forgetChunks(e: LuaEngine): void {
  const compiled = compiledIn.get(e);
  if (compiled === undefined || compiled.size === 0) return;
  compiled.clear();
  try {
    e.evalWithArgs(FORGET_CHUNKS, [], []);
  } catch {
    // A VM that cannot run this is replaced on the next script.
  }
}
