// Function libraries as a set: compiling one library (FUNCTION LOAD), joining
// a batch of libraries into the server's (FUNCTION RESTORE's FLUSH / APPEND /
// REPLACE), and the serialized form Redis uses for them: RDB "function2"
// records (opcode 245, then the library code as an RDB string). FUNCTION DUMP
// is those records followed by the RDB version (2 bytes LE) and a CRC-64 of
// everything before it (8 bytes LE), exactly as DUMP of a key; the RDB file
// carries the same records before the first SELECTDB.

import { ReplyError } from '../errors.js';
import { dumpPayloadValid, sealDumpPayload } from '../persistence/dump-payload.js';
import { RdbError, RdbOpcode, RdbReader, RdbWriter } from '../persistence/rdb-encoding.js';
import type { Server } from '../server.js';
import { errorText } from './convert.js';
import { libraryChunk, parseLibraryHeader, registry, validName, type FunctionInfo, type LibraryInfo } from './library.js';
import { runLua } from './vm.js';

const FUNCTION_FLAGS = ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'];

const BAD_PAYLOAD = 'ERR DUMP payload version or checksum are wrong';

const noHost = {
  call: () => ({ err: Buffer.from('ERR This Redis command is not allowed from script') }),
  log: () => undefined,
  setResp: () => undefined,
};

function latin1(b: Buffer): string {
  return b.latin1Slice(0, b.length);
}

/** Runs a library's code to learn its functions (FUNCTION LOAD); throws Redis's errors. */
export function compileLibrary(server: Server, code: Buffer): LibraryInfo {
  const { name, rest } = parseLibraryHeader(code);
  const owned = Buffer.from(code);
  // Syntax first, with Redis's wording for it.
  const check = runLua(
    "local f, e = loadstring(ARGV[1], '=user_function') if f then return false end return e",
    [],
    [Buffer.from(rest)],
    noHost,
    0,
  );
  if ('value' in check && Buffer.isBuffer(check.value)) throw new ReplyError(`ERR Error compiling function: ${latin1(check.value)}`);
  const threshold = server.config.int('busy-reply-threshold');
  const outcome = runLua(libraryChunk(rest, null), [], [], noHost, threshold > 0 ? threshold * 400_000 : 0);
  if ('crashed' in outcome) throw new ReplyError('ERR Error registering functions: out of memory');
  const value = outcome.value;
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value) && !Array.isArray(value) && 'err' in value) {
    const text = errorText(value).split('user_script:').join('user_function:').replace(/\0+$/, '');
    throw new ReplyError(`ERR Error registering functions: ${text}`);
  }
  if (!Array.isArray(value) || value.length === 0) throw new ReplyError('ERR No functions registered');
  const library: LibraryInfo = { name, code: owned, functions: new Map() };
  for (const entry of value) {
    if (!Array.isArray(entry)) continue;
    const fname = Buffer.isBuffer(entry[0]) ? latin1(entry[0]) : '';
    if (!validName(fname)) {
      throw new ReplyError(
        'ERR Error registering functions: Function names can only contain letters, numbers, or underscores(_) and must be at least one character long',
      );
    }
    const flags: string[] = [];
    if (Array.isArray(entry[2])) {
      for (const f of entry[2]) {
        const flag = Buffer.isBuffer(f) ? latin1(f) : '';
        if (!FUNCTION_FLAGS.includes(flag)) throw new ReplyError('ERR Error registering functions: unknown flag given');
        flags.push(flag);
      }
    }
    const info: FunctionInfo = { name: fname, description: Buffer.isBuffer(entry[1]) ? latin1(entry[1]) : null, flags, library };
    library.functions.set(fname, info);
  }
  return library;
}

/** Removes a library and its functions; false when there is none of that name. */
export function unlinkLibrary(server: Server, name: string): boolean {
  const reg = registry(server);
  const lib = reg.libraries.get(name);
  if (lib === undefined) return false;
  for (const fname of lib.functions.keys()) reg.functions.delete(fname);
  reg.libraries.delete(name);
  return true;
}

function linkLibrary(server: Server, library: LibraryInfo): void {
  const reg = registry(server);
  reg.libraries.set(library.name, library);
  for (const [fname, info] of library.functions) reg.functions.set(fname, info);
}

/**
 * Compiles a batch of library codes as a fresh set (Redis's own library
 * context): a repeated library or function name inside the batch is refused
 * as FUNCTION LOAD would refuse it.
 */
export function compileBatch(server: Server, codes: readonly Buffer[]): LibraryInfo[] {
  const libs = new Map<string, LibraryInfo>();
  const fns = new Set<string>();
  for (const code of codes) {
    const lib = compileLibrary(server, code);
    if (libs.has(lib.name)) throw new ReplyError(`ERR Library '${lib.name}' already exists`);
    for (const fname of lib.functions.keys()) {
      if (fns.has(fname)) throw new ReplyError(`ERR Function ${fname} already exists`);
    }
    for (const fname of lib.functions.keys()) fns.add(fname);
    libs.set(lib.name, lib);
  }
  return [...libs.values()];
}

export type RestorePolicy = 'flush' | 'append' | 'replace';

/** Redis's libraryJoin (APPEND / REPLACE) or a swap of the whole set (FLUSH). All or nothing. */
export function joinLibraries(server: Server, libs: readonly LibraryInfo[], policy: RestorePolicy): void {
  const reg = registry(server);
  if (policy === 'flush') {
    reg.libraries.clear();
    reg.functions.clear();
    for (const lib of libs) linkLibrary(server, lib);
    return;
  }
  const replaced: LibraryInfo[] = [];
  for (const lib of libs) {
    const old = reg.libraries.get(lib.name);
    if (old === undefined) continue;
    if (policy === 'append') throw new ReplyError(`ERR Library ${lib.name} already exists`);
    replaced.push(old);
  }
  for (const old of replaced) unlinkLibrary(server, old.name);
  for (const lib of libs) {
    for (const fname of lib.functions.keys()) {
      if (reg.functions.has(fname)) {
        for (const old of replaced) linkLibrary(server, old);
        throw new ReplyError(`ERR Function ${fname} already exists`);
      }
    }
  }
  for (const lib of libs) linkLibrary(server, lib);
}

/** The function2 records of every library, for an RDB file or a FUNCTION DUMP payload. */
export function writeFunctionRecords(w: RdbWriter, server: Server): void {
  for (const lib of registry(server).libraries.values()) {
    w.byte(RdbOpcode.FUNCTION2);
    w.string(latin1(lib.code));
  }
}

/** FUNCTION DUMP's payload. */
export function dumpFunctions(server: Server, compress: boolean): Buffer {
  const w = new RdbWriter(256, compress);
  writeFunctionRecords(w, server);
  return sealDumpPayload(w);
}

/** Reads the library codes of a FUNCTION DUMP payload; throws Redis's errors. */
export function readFunctionPayload(payload: Buffer, checkCrc: boolean): Buffer[] {
  if (!dumpPayloadValid(payload, checkCrc)) throw new ReplyError(BAD_PAYLOAD);
  const dataEnd = payload.length - 10;
  // As Redis, reads may run into the footer (the reader sees the whole payload).
  const r = new RdbReader(payload);
  const codes: Buffer[] = [];
  while (r.pos < dataEnd) {
    const type = r.byte();
    if (type !== RdbOpcode.FUNCTION2 && type !== RdbOpcode.FUNCTION) throw new ReplyError('ERR given type is not a function');
    if (type === RdbOpcode.FUNCTION) throw new ReplyError('ERR Pre-GA function format not supported');
    let code: Buffer;
    try {
      code = Buffer.from(r.stringBytes());
    } catch (error) {
      if (error instanceof RdbError) throw new ReplyError('ERR Failed loading library payload');
      throw error;
    }
    codes.push(code);
  }
  return codes;
}

/** FUNCTION RESTORE: checks the payload, compiles every library, then joins them by policy. */
export function restoreFunctions(server: Server, payload: Buffer, policy: RestorePolicy, checkCrc = true): void {
  const codes = readFunctionPayload(payload, checkCrc);
  joinLibraries(server, compileBatch(server, codes), policy);
}

/**
 * For the RDB loader: the codes of the function2 records found in the file
 * (RdbLoadResult.functions). Libraries of the same name are replaced, as at
 * start-up none exist. Throws a ReplyError whose message says why a library
 * could not be created (the loader should then refuse the file, as Redis).
 */
export function loadRdbFunctions(server: Server, codes: readonly string[]): void {
  for (const code of codes) {
    const lib = compileLibrary(server, Buffer.from(code, 'latin1'));
    const reg = registry(server);
    for (const fname of lib.functions.keys()) {
      const owner = reg.functions.get(fname);
      if (owner !== undefined && owner.library.name !== lib.name) throw new ReplyError(`ERR Function ${fname} already exists`);
    }
    unlinkLibrary(server, lib.name);
    linkLibrary(server, lib);
  }
}
