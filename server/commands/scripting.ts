// Scripting: EVAL and EVALSHA (and their _RO forms), SCRIPT, and Redis 7
// functions (FUNCTION, FCALL, FCALL_RO). The VM and the run of a script live
// in server/scripting/.

import type { Client } from '../client.js';
import { ReplyError } from '../errors.js';
import { str, lower } from '../bytes.js';
import { parseInteger } from './arguments.js';
import type { CommandDef, Handler } from './types.js';
import { libraryChunk, parseLibraryHeader, parseScript, registry, sha1hex, type CachedScript } from '../scripting/library.js';
import { runScript } from '../scripting/run.js';
import { compileLibrary, dumpFunctions, restoreFunctions, unlinkLibrary, type RestorePolicy } from '../scripting/functions.js';
import { forgetChunks, runLua } from '../scripting/vm.js';

const Errors = {
  noScript: 'NOSCRIPT No matching script. Please use EVAL.',
  negativeKeys: "ERR Number of keys can't be negative",
  tooManyKeys: "ERR Number of keys can't be greater than number of args",
  badKeys: 'ERR Bad number of keys provided',
  roWithWriteFlag: 'ERR Can not execute a script with write flag using *_ro command.',
  notBusy: 'NOTBUSY No scripts in execution right now.',
  functionNotFound: 'ERR Function not found',
} as const;

/** KEYS and ARGV of EVAL-style argv: numkeys at argv[2]. */
function splitKeys(argv: Buffer[], fcall: boolean): { keys: Buffer[]; args: Buffer[] } {
  const n = parseInteger(argv[2], fcall ? Errors.badKeys : undefined);
  if (n < 0) throw new ReplyError(fcall ? Errors.badKeys : Errors.negativeKeys);
  if (n > argv.length - 3) throw new ReplyError(Errors.tooManyKeys);
  return { keys: argv.slice(3, 3 + n), args: argv.slice(3 + n) };
}

/** Compiles a new script once (as Redis does when it first meets a body): its syntax errors are EVAL's. */
function compileCheck(script: CachedScript): void {
  const outcome = runLua(
    "local f, e = loadstring(ARGV[1], '=user_script') if f then return false end return e",
    [],
    [script.bare],
    { call: () => ({ err: Buffer.from('ERR not allowed') }), log: () => undefined, setResp: () => undefined },
    0,
  );
  if ('crashed' in outcome) throw new ReplyError('ERR Error compiling script (new function): out of memory');
  if (Buffer.isBuffer(outcome.value)) {
    throw new ReplyError(`ERR Error compiling script (new function): ${str(outcome.value)}`.replace(/[\r\n]/g, ' '));
  }
}

function cacheScript(client: Client, body: Buffer): CachedScript {
  const scripts = registry(client.server).scripts;
  const sha = sha1hex(body);
  let script = scripts.get(sha);
  if (script === undefined) {
    script = parseScript(body);
    compileCheck(script);
    scripts.set(sha, script);
  }
  return script;
}

function evalCommand(bySha: boolean, readOnly: boolean): Handler {
  return (client, argv) => {
    const { keys, args } = splitKeys(argv, false);
    let script: CachedScript | undefined;
    if (bySha) {
      script = registry(client.server).scripts.get(str(argv[1]).toLowerCase());
      if (script === undefined) throw new ReplyError(Errors.noScript);
    } else {
      script = cacheScript(client, argv[1]);
    }
    if (readOnly && script.shebang && !script.flags.has('no-writes')) throw new ReplyError(Errors.roWithWriteFlag);
    runScript(client.server, client, {
      source: script.source,
      label: script.sha,
      sha: script.sha,
      chunk: 'user_script',
      keys,
      args,
      readOnly: readOnly || script.flags.has('no-writes'),
    });
  };
}

function fcallCommand(readOnly: boolean): Handler {
  return (client, argv) => {
    const fn = registry(client.server).functions.get(str(argv[1]));
    if (fn === undefined) throw new ReplyError(Errors.functionNotFound);
    const { keys, args } = splitKeys(argv, true);
    const noWrites = fn.flags.includes('no-writes');
    if (readOnly && !noWrites) throw new ReplyError(Errors.roWithWriteFlag);
    const library = fn.library;
    const { rest } = parseLibraryHeader(library.code);
    library.cacheKey ??= `L${sha1hex(library.code)}`;
    runScript(client.server, client, {
      source: libraryChunk(rest, fn.name),
      label: fn.name,
      chunk: 'user_function',
      keys,
      args,
      readOnly: readOnly || noWrites,
      fn: { key: library.cacheKey, chunk: () => libraryChunk(rest, ''), name: fn.name },
    });
  };
}

/** Numkeys-based key positions (EVAL, FCALL): numkeys at argv[2], keys after it. */
function numkeysKeys(argv: readonly Buffer[]): number[] {
  let n = 0;
  try {
    n = parseInteger(argv[2]);
  } catch {
    return [];
  }
  const keys: number[] = [];
  for (let i = 0; i < n && 3 + i < argv.length; i++) keys.push(3 + i);
  return keys;
}

// ---- SCRIPT -------------------------------------------------------------------

const SCRIPT_HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Prints this help.',
];

function helpReply(client: Client, lines: readonly string[]): void {
  client.reply.array(lines.length);
  for (const line of lines) client.reply.simple(line);
}

const scriptSubcommands: CommandDef[] = [
  sub('load', 3, ['noscript', 'stale'], 'Load the specified Lua script into the script cache.', (client, argv) => {
    client.reply.bulk(cacheScript(client, argv[2]).sha);
  }),
  sub('exists', -3, ['noscript'], 'Check existence of scripts in the script cache.', (client, argv) => {
    const scripts = registry(client.server).scripts;
    client.reply.array(argv.length - 2);
    for (let i = 2; i < argv.length; i++) client.reply.integer(scripts.has(str(argv[i]).toLowerCase()) ? 1 : 0);
  }),
  sub('flush', -2, ['noscript'], 'Remove all the scripts from the script cache.', (client, argv) => {
    if (argv.length > 3 || (argv.length === 3 && !['sync', 'async'].includes(lower(argv[2])))) {
      throw new ReplyError('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
    }
    registry(client.server).scripts.clear();
    forgetChunks();
    client.reply.ok();
  }),
  sub('kill', 2, ['noscript', 'allow_busy'], 'Kill the script currently in execution.', (client) => {
    client.reply.error(Errors.notBusy);
    client.server.countError(Errors.notBusy);
  }),
  sub('debug', 3, ['noscript'], 'Set the debug mode for executed scripts.', () => {
    throw new ReplyError('ERR SCRIPT DEBUG is not supported by embedis');
  }),
  sub('help', 2, ['loading', 'stale'], 'Show helpful text about the different subcommands', (client) => helpReply(client, SCRIPT_HELP)),
];

// ---- FUNCTION -------------------------------------------------------------------

const FUNCTION_HELP = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
  'HELP',
  '    Prints this help.',
];

function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

const functionSubcommands: CommandDef[] = [
  sub('load', -3, ['write', 'denyoom', 'noscript'], 'Create a function library.', (client, argv) => {
    let replace = false;
    let i = 2;
    for (; i < argv.length - 1; i++) {
      if (lower(argv[i]) === 'replace') replace = true;
      else throw new ReplyError(`ERR Unknown option given: ${str(argv[i])}`);
    }
    const library = compileLibrary(client.server, argv[argv.length - 1]);
    const reg = registry(client.server);
    const existing = reg.libraries.get(library.name);
    if (existing !== undefined && !replace) throw new ReplyError(`ERR Library '${library.name}' already exists`);
    for (const fname of library.functions.keys()) {
      const owner = reg.functions.get(fname);
      if (owner !== undefined && owner.library.name !== library.name) throw new ReplyError(`ERR Function ${fname} already exists`);
    }
    if (existing !== undefined) unlinkLibrary(client.server, library.name);
    reg.libraries.set(library.name, library);
    for (const [fname, info] of library.functions) reg.functions.set(fname, info);
    client.server.dirty++;
    client.reply.bulk(library.name);
  }),
  sub('delete', 3, ['write', 'noscript'], 'Delete a library and all its functions.', (client, argv) => {
    if (!unlinkLibrary(client.server, str(argv[2]))) throw new ReplyError('ERR Library not found');
    client.server.dirty++;
    client.reply.ok();
  }),
  sub('flush', -2, ['write', 'noscript'], 'Delete all libraries and functions.', (client, argv) => {
    if (argv.length > 3 || (argv.length === 3 && !['sync', 'async'].includes(lower(argv[2])))) {
      throw new ReplyError('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
    }
    const reg = registry(client.server);
    reg.libraries.clear();
    reg.functions.clear();
    forgetChunks();
    client.server.dirty++;
    client.reply.ok();
  }),
  sub('list', -2, ['noscript'], 'List information about all the functions', (client, argv) => {
    let pattern: RegExp | null = null;
    let withCode = false;
    for (let i = 2; i < argv.length; i++) {
      const opt = lower(argv[i]);
      if (opt === 'withcode' && !withCode) withCode = true;
      else if (opt === 'libraryname' && pattern === null && i + 1 < argv.length) pattern = globToRegExp(str(argv[++i]));
      else throw new ReplyError(`ERR Unknown argument ${str(argv[i])}`);
    }
    const libs = [...registry(client.server).libraries.values()].filter((l) => pattern === null || pattern.test(l.name));
    const w = client.reply;
    w.array(libs.length);
    for (const lib of libs) {
      w.map(withCode ? 4 : 3);
      w.bulk('library_name');
      w.bulk(lib.name);
      w.bulk('engine');
      w.bulk('LUA');
      w.bulk('functions');
      const fns = [...lib.functions.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      w.array(fns.length);
      for (const fn of fns) {
        w.map(3);
        w.bulk('name');
        w.bulk(fn.name);
        w.bulk('description');
        w.bulkOrNull(fn.description);
        w.bulk('flags');
        w.set(fn.flags.length);
        for (const f of fn.flags) w.simple(f);
      }
      if (withCode) {
        w.bulk('library_code');
        w.bulkBuffer(lib.code);
      }
    }
  }),
  sub('stats', 2, ['noscript', 'allow_busy'], 'Return information about the function currently running', (client) => {
    const reg = registry(client.server);
    const w = client.reply;
    w.map(2);
    w.bulk('running_script');
    w.nullBulk();
    w.bulk('engines');
    w.map(1);
    w.bulk('LUA');
    w.map(2);
    w.bulk('libraries_count');
    w.integer(reg.libraries.size);
    w.bulk('functions_count');
    w.integer(reg.functions.size);
  }),
  sub('kill', 2, ['noscript', 'allow_busy'], 'Kill the function currently in execution.', (client) => {
    client.reply.error(Errors.notBusy);
    client.server.countError(Errors.notBusy);
  }),
  sub('dump', 2, ['noscript'], 'Dump all functions into a serialized binary payload', (client) => {
    client.reply.bulkBuffer(dumpFunctions(client.server, client.server.config.bool('rdbcompression')));
  }),
  sub('restore', -3, ['write', 'denyoom', 'noscript'], 'Restore all the functions on the given payload', (client, argv) => {
    if (argv.length > 4) throw new ReplyError("ERR unknown subcommand or wrong number of arguments for 'RESTORE'. Try FUNCTION HELP.");
    let policy: RestorePolicy = 'append';
    if (argv.length === 4) {
      const p = lower(argv[3]);
      if (p !== 'flush' && p !== 'append' && p !== 'replace') {
        throw new ReplyError('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
      }
      policy = p;
    }
    const server = client.server;
    const checkCrc = !server.config.definition('skip-checksum-validation') || !server.config.bool('skip-checksum-validation');
    restoreFunctions(server, argv[2], policy, checkCrc);
    server.dirty++;
    client.reply.ok();
  }),
  sub('help', 2, ['loading', 'stale'], 'Show helpful text about the different subcommands', (client) => helpReply(client, FUNCTION_HELP)),
];

function sub(name: string, arity: number, flags: CommandDef['flags'], summary: string, handler: Handler): CommandDef {
  const write = flags.includes('write');
  return {
    name,
    arity,
    flags,
    keys: null,
    categories: write ? ['write', 'slow', 'scripting'] : ['slow', 'scripting'],
    summary,
    since: '7.0.0',
    group: 'scripting',
    handler,
  };
}

const EVAL_FLAGS: CommandDef['flags'] = ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'];
const EVAL_RO_FLAGS: CommandDef['flags'] = ['readonly', ...EVAL_FLAGS];

function top(name: string, flags: CommandDef['flags'], summary: string, since: string, handler: Handler): CommandDef {
  return {
    name,
    arity: -3,
    flags,
    keys: null,
    categories: ['slow', 'scripting'],
    summary,
    since,
    group: 'scripting',
    complexity: 'Depends on the script that is executed.',
    getKeys: numkeysKeys,
    handler,
  };
}

export const scriptingCommands: CommandDef[] = [
  top('eval', EVAL_FLAGS, 'Execute a Lua script server side', '2.6.0', evalCommand(false, false)),
  top('evalsha', EVAL_FLAGS, 'Execute a Lua script server side', '2.6.0', evalCommand(true, false)),
  top('eval_ro', EVAL_RO_FLAGS, 'Execute a read-only Lua script server side', '7.0.0', evalCommand(false, true)),
  top('evalsha_ro', EVAL_RO_FLAGS, 'Execute a read-only Lua script server side', '7.0.0', evalCommand(true, true)),
  top('fcall', EVAL_FLAGS, 'Invoke a function', '7.0.0', fcallCommand(false)),
  top('fcall_ro', EVAL_RO_FLAGS, 'Invoke a read-only function', '7.0.0', fcallCommand(true)),
  {
    name: 'script', arity: -2, flags: [], keys: null, categories: ['slow'], summary: 'A container for Lua scripts management commands',
    since: '2.6.0', group: 'scripting', subcommands: scriptSubcommands,
  },
  {
    name: 'function', arity: -2, flags: [], keys: null, categories: ['slow'], summary: 'A container for function commands',
    since: '7.0.0', group: 'scripting', subcommands: functionSubcommands,
  },
];
