// Running one script: the script's own client (as Redis's Lua client), the
// redis.call path through the command table, the checks Redis makes inside
// scripts, the time limit, and the error texts of a failed script.
//
// Atomicity comes from the single thread: nothing else runs until the VM
// returns. Time is frozen for the whole script (as Redis freezes it). A VM
// inside the event loop cannot answer other clients while it runs, so instead
// of Redis's -BUSY replies the script is stopped once it has run for
// busy-reply-threshold milliseconds (an instruction budget for pure Lua, a
// clock check on every redis.call).

import { performance } from 'node:perf_hooks';
import type { Client } from '../client.js';
import type { Command } from '../commands/types.js';
import { call } from '../dispatch.js';
import { ReplyError } from '../errors.js';
import type { Server } from '../server.js';
import { errorText, parseReplies, writeValue } from './convert.js';
import { INSTRUCTIONS_PER_MS, runFunction, runLua, takeRaised, type ReplyValue, type ScriptHost } from './vm.js';
import { PerServer } from '../per-server.js';

export const ScriptErrors = {
  noArgs: 'ERR Please specify at least one argument for this redis lib call',
  unknownCommand: 'ERR Unknown Redis command called from script',
  arity: 'ERR Wrong number of args calling Redis command from script',
  notAllowed: 'ERR This Redis command is not allowed from script',
  readOnly: 'ERR Write commands are not allowed from read-only scripts.',
} as const;

/** Per-server scripting state: the script client and the script running now. */
interface ScriptingState {
  client: Client;
  running: boolean;
}

const states = new PerServer<ScriptingState>((server) => {
  const client = server.createLocalClient();
  client.authenticated = true;
  client.denyBlocking = true;
  client.name = '';
  return { client, running: false };
});

function stateOf(server: Server): ScriptingState {
  return states.of(server);
}

export function isScriptRunning(server: Server): boolean {
  return states.peek(server)?.running ?? false;
}

export interface ScriptRun {
  /** Lua source as given to the VM (shebang line blanked). */
  source: Buffer;
  /** What errors name: the sha for EVAL, the function name for FCALL. */
  label: string;
  /** 'user_script' or 'user_function'. */
  chunk: string;
  keys: Buffer[];
  args: Buffer[];
  /** The sha1 of the script (engine-side errors carry it); computed by the engine when absent. */
  sha?: string;
  /** Write commands refused (EVAL_RO, FCALL_RO, no-writes). */
  readOnly: boolean;
  /** FCALL: the library (its cache key and chunk) and the function, for the VM's chunk cache. */
  fn?: { key: string; chunk: () => Buffer; name: string };
}

const LOG_LEVELS = ['debug', 'verbose', 'notice', 'warning'] as const;

/** Runs a script for caller and writes its reply (or its error) to caller. */
export function runScript(server: Server, caller: Client, run: ScriptRun): void {
  writeValue(caller.reply, execute(server, caller, run));
}

/** Runs a script and returns its value; a failed script throws its error reply. */
function execute(server: Server, caller: Client, run: ScriptRun): ReplyValue {
  const state = stateOf(server);
  const sc = state.client;
  sc.dbIndex = caller.dbIndex;
  sc.reply.resp = 2;
  sc.reply.take();
  const thresholdMs = server.config.int('busy-reply-threshold');
  const started = performance.now();
  let timedOut = false;
  let calls = 0;

  const host: ScriptHost = {
    call(args, protectedCall) {
      if (timedOut || (thresholdMs > 0 && performance.now() - started > thresholdMs)) {
        timedOut = true;
        return { err: Buffer.from(timeoutText(thresholdMs)) };
      }
      // call and pcall differ only in the VM: an error value raises in call.
      void protectedCall;
      return redisCall(server, sc, args, run.readOnly);
    },
    callWire(args, protectedCall, out) {
      // The clock is read on every 8th call: a call is short next to the threshold.
      if (timedOut || (thresholdMs > 0 && (++calls & 7) === 0 && performance.now() - started > thresholdMs)) {
        timedOut = true;
        out.error(timeoutText(thresholdMs));
        return;
      }
      void protectedCall;
      const refusal = redisCallInto(server, sc, args, run.readOnly);
      if (refusal !== null) out.error(refusal);
      else {
        const bytes = sc.reply.take();
        if (bytes === null) out.nil();
        else out.resp(bytes);
      }
    },
    log(level, message) {
      const name = LOG_LEVELS[level];
      if (name === undefined) return;
      server.log(name, message.latin1Slice(0, message.length));
    },
    setResp(version) {
      sc.reply.resp = version;
    },
  };

  const wasFrozen = server.clock.isFrozen;
  server.clock.freeze();
  state.running = true;
  server.effects.begin();
  let outcome;
  try {
    const budget = thresholdMs > 0 ? thresholdMs * INSTRUCTIONS_PER_MS : 0;
    const fn = run.fn;
    outcome =
      (fn === undefined ? null : runFunction(fn.key, fn.chunk(), fn.name, run.keys, run.args, host, budget)) ??
      runLua(run.source, run.keys, run.args, host, budget, run.sha);
  } finally {
    server.effects.end();
    state.running = false;
    if (!wasFrozen) server.clock.thaw();
    sc.reply.take();
  }
  if ('crashed' in outcome) {
    server.log('warning', `Lua VM aborted (${outcome.crashed}); a new VM replaces it`);
    throw new ReplyError(`ERR Error running script: the Lua VM ran out of memory script: ${run.label}, on @${run.chunk}:0.`);
  }
  const value = outcome.value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value) && 'err' in value && value.meta !== undefined) {
    const meta = value.meta;
    let text: string;
    const raw = value.err.latin1Slice(0, value.err.length).replace(/\0+$/, '');
    const raised = takeRaised();
    if (timedOut || raw.endsWith('Script killed by fuel limit')) {
      text = timeoutText(thresholdMs);
    } else if (raised !== null && raw === 'script execution failed') {
      // error() with a value that is not a string, as Redis 7.0 words it: a table's err field
      // as it is, anything else as "ERR <tostring>". (Redis 7.0 crashes on a table without err.)
      if (raised.kind === 1) text = raised.text ?? '';
      else if (raised.kind === 2) text = 'ERR Error raised with a table that has no err field';
      else text = `ERR ${raised.text ?? 'nil'}`;
    } else if (meta.kind === 'global-read') {
      text = `ERR user_script:${meta.line}: Script attempted to access nonexistent global variable '${meta.name ?? ''}'`;
    } else if (meta.kind === 'command-arg-type') {
      text = 'ERR Lua redis lib command arguments must be strings or integers';
    } else if (/^user_script:\d+: ERR RESP version must be 2 or 3\.$/.test(raw)) {
      text = 'ERR RESP version must be 2 or 3.';
    } else {
      text = errorText({ err: Buffer.from(raw, 'latin1'), code: value.code });
    }
    if (run.chunk !== 'user_script') text = text.split('user_script:').join(`${run.chunk}:`);
    throw new ReplyError(`${text} script: ${run.label}, on @${run.chunk}:${meta.line}.`);
  }
  return value;
}

function timeoutText(ms: number): string {
  return `ERR Script killed: it ran past busy-reply-threshold (${ms} ms); embedis cannot serve other clients while a script runs, so it stops the script instead`;
}


/** redis.call / redis.pcall: one command on the script's client, its reply as a VM value. */
function redisCall(server: Server, sc: Client, args: Buffer[], readOnly: boolean): ReplyValue {
  const refusal = redisCallInto(server, sc, args, readOnly);
  if (refusal !== null) return { err: Buffer.from(refusal, 'latin1') };
  return takeReply(sc);
}

const NAME_SLOTS = 256;
const nameSlots: ({ bytes: Buffer; name: string } | undefined)[] = new Array(NAME_SLOTS);

function commandName(arg: Buffer): string {
  const n = arg.length;
  if (n > 24) return arg.latin1Slice(0, n).toLowerCase();
  let h = n;
  for (let i = 0; i < n; i++) h = (Math.imul(h, 31) + (arg[i] | 0x20)) | 0;
  const slot = (h ^ (h >>> 8)) & (NAME_SLOTS - 1);
  const hit = nameSlots[slot];
  if (hit !== undefined && hit.bytes.length === n) {
    const b = hit.bytes;
    let same = true;
    for (let i = 0; i < n; i++) {
      if (b[i] !== arg[i]) {
        same = false;
        break;
      }
    }
    if (same) return hit.name;
  }
  const name = arg.latin1Slice(0, n).toLowerCase();
  nameSlots[slot] = { bytes: Buffer.from(arg), name };
  return name;
}

/**
 * Runs one command for a script on its client. Returns the refusal text when
 * the command may not run, else null with the reply left on sc.reply.
 */
function redisCallInto(server: Server, sc: Client, args: Buffer[], readOnly: boolean): string | null {
  if (args.length === 0) return ScriptErrors.noArgs;
  let command: Command | undefined = server.commands.get(commandName(args[0]));
  if (command === undefined) return ScriptErrors.unknownCommand;
  if (command.subcommands !== null && args.length >= 2) {
    const sub = command.subcommands.get(args[1].latin1Slice(0, args[1].length).toLowerCase());
    if (sub === undefined) return ScriptErrors.unknownCommand;
    command = sub;
  }
  const arity = command.arity;
  if ((arity > 0 && args.length !== arity) || args.length < -arity) return ScriptErrors.arity;
  if (command.isNoScript) return ScriptErrors.notAllowed;
  if (readOnly && command.isWrite) return ScriptErrors.readOnly;
  const checks = server.commandChecks;
  for (let i = 0; i < checks.length; i++) {
    const refusal = checks[i](sc, command, args);
    if (refusal !== null) {
      if (refusal !== '') return refusal;
      return null;
    }
  }
  call(server, sc, command, args);
  return null;
}

function takeReply(sc: Client): ReplyValue {
  const out = sc.reply.take();
  if (out === null) return null;
  const values = parseReplies(out);
  return values.length === 0 ? null : values[values.length - 1];
}
