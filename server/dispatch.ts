// The command path, as Redis's processCommand: lookup -> arity -> auth ->
// (hooks for pub/sub mode, maxmemory and MULTI, filled by their families) ->
// call -> stats. Handlers never repeat these checks.

import { performance } from 'node:perf_hooks';
import './bytes.js';
import type { Client } from './client.js';
import type { Command } from './commands/types.js';
import { Errors, ReplyError, unknownCommandError } from './errors.js';
import type { Server } from './server.js';

/** Lowercase ASCII command name from the first argument, without a regex. */
function commandName(arg: Buffer): string {
  const name = arg.latin1Slice(0, arg.length);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) return name.toLowerCase();
  }
  return name;
}

/** "POST" or "Host:" in any case, compared on the bytes: LPUSH, HSET and INCR pass here on every call. */
function isHttpWord(arg: Buffer): boolean {
  const n = arg.length;
  if (n === 4) return (arg[0] | 0x20) === 0x70 && (arg[1] | 0x20) === 0x6f && (arg[2] | 0x20) === 0x73 && (arg[3] | 0x20) === 0x74;
  if (n === 5) return arg[4] === 0x3a && (arg[0] | 0x20) === 0x68 && (arg[1] | 0x20) === 0x6f && (arg[2] | 0x20) === 0x73 && (arg[3] | 0x20) === 0x74;
  return false;
}

/**
 * The command named by arg. Pipelines repeat one command, so each client
 * remembers the bytes of the last name it resolved: a byte compare then
 * spares the string, the lowercasing and the hash lookup.
 */
function lookupCommand(server: Server, client: Client, arg: Buffer): Command | undefined {
  const cached = client.lastNameBytes;
  if (cached !== null && cached.length === arg.length) {
    let i = 0;
    while (i < arg.length && cached[i] === arg[i]) i++;
    if (i === arg.length) return client.lastNameCommand!;
  }
  const command = server.commands.get(commandName(arg));
  if (command !== undefined && arg.length <= 32) {
    client.lastNameBytes = Buffer.from(arg); // argv is borrowed: keep a copy
    client.lastNameCommand = command;
  }
  return command;
}

/** Finds the command (or subcommand) argv names; replies the error and returns null if none. */
export function resolveCommand(server: Server, client: Client, argv: Buffer[]): Command | null {
  let command = lookupCommand(server, client, argv[0]);
  if (command === undefined) {
    rejectCommand(server, client, null, unknownCommandError(argv[0].latin1Slice(0, argv[0].length), argv));
    return null;
  }
  if (command.subcommands !== null) {
    if (argv.length === 1) {
      // As Redis: a container named alone is the container itself (COMMAND runs; CLIENT fails its arity).
      if (command.handler !== undefined && (command.arity === -1 || command.arity === 1)) return command;
      rejectCommand(server, client, command, Errors.arity(command.fullName));
      return null;
    }
    const sub = command.subcommands.get(commandName(argv[1]));
    if (sub === undefined) {
      rejectCommand(server, client, command, Errors.unknownSubcommand(argv[1].latin1Slice(0, argv[1].length), command.name));
      return null;
    }
    command = sub;
  }
  const arity = command.arity;
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity) {
    rejectCommand(server, client, command, Errors.arity(command.fullName));
    return null;
  }
  return command;
}

export function execute(server: Server, client: Client, argv: Buffer[]): void {
  // An HTTP request line or header on the port: Redis logs it as an attack and drops the connection.
  if (isHttpWord(argv[0])) {
    server.log('warning', 'Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. Connection aborted.');
    client.close();
    return;
  }
  const command = resolveCommand(server, client, argv);
  if (command === null) return;

  if (!client.authenticated && !command.isNoAuth) {
    rejectCommand(server, client, command, Errors.noAuth);
    return;
  }
  for (const check of server.commandChecks) {
    const refusal = check(client, command, argv);
    if (refusal !== null) {
      if (refusal !== '') rejectCommand(server, client, command, refusal);
      return;
    }
  }
  call(server, client, command, argv);
  // As Redis's processCommand: keys made ready by this command serve their blocked clients now.
  for (const hook of server.afterCommandHooks) hook();
}

/** Error replies counted when the innermost running call began or last ended (see call). */
let errorMark = 0;

/**
 * Command timing in a client's read batch. The commands of a pipeline run back
 * to back, so each one's start is taken as the previous one's end: one clock
 * read per command instead of two (the gap between them, parsing the next
 * command and its checks, counts toward the next one). Only inside a batch
 * the client opened, never across a return to the event loop: a command run
 * from a timer or a drained backlog reads the clock for its own start.
 */
let chainOpen = false;
/** End of the last top-level call in the open batch (0: none yet). */
let chainEnd = 0;

/** A client starts running the commands of one read. */
export function openCallChain(): void {
  chainOpen = true;
  chainEnd = 0;
}

/** The read's commands are done: the next call reads its own start. */
export function closeCallChain(): void {
  chainOpen = false;
  chainEnd = 0;
}

/** Runs a resolved and admitted command: the handler, then stats, slowlog and monitors. */
export function call(server: Server, client: Client, command: Command, argv: Buffer[]): void {
  const replyMark = client.reply.mark();
  errorMark = server.stats.errorReplies;
  // Effects (AOF, replicas): only when something consumes them; see server/effects.ts.
  const effects = server.effects.active ? server.effects : null;
  const dirtyBefore = server.dirty;
  if (effects !== null) effects.enter();
  const outerClient = server.currentClient;
  if (outerClient === null) server.currentClient = client;
  // Nested calls (EXEC's commands, a script's) time themselves: the chain is the outermost level's.
  const chained = chainOpen && outerClient === null;
  const started = chained && chainEnd !== 0 ? chainEnd : performance.now();
  try {
    command.handler!(client, argv);
  } catch (error) {
    if (error instanceof ReplyError) {
      replyError(server, client, error.text);
    } else {
      server.log('warning', `Internal error in ${command.fullName}: ${(error as Error).stack ?? error}`);
      replyError(server, client, `ERR internal error in '${command.fullName}': ${(error as Error).message}`);
    }
  }
  const ended = performance.now();
  if (chained) chainEnd = ended;
  const micros = Math.round((ended - started) * 1000);
  if (effects !== null) effects.leave(client, command, argv, server.dirty - dirtyBefore);
  // As Redis 7.0: monitors see a command after it ran (SELECT shows its new db), admin commands never.
  if (server.monitors.size > 0 && !command.skipMonitor && !command.isAdmin) server.feedMonitors(client, argv);
  command.calls++;
  command.usec += micros;
  // As Redis's prev_err_count: errors of calls nested inside this one (EXEC's commands) were counted there.
  if (server.stats.errorReplies > errorMark) command.failedCalls++;
  errorMark = server.stats.errorReplies;
  server.stats.totalCommands++;
  client.lastCommand = command.fullName;
  if (!command.skipSlowlog) server.slowlog.consider(client, argv, micros);
  if (client.replyOff || client.replySkip || client.replySkipNext) applyReplyMode(client, replyMark);
  server.currentClient = outerClient;
  for (const hook of server.afterCallHooks) hook(client, command, argv);
}

/** CLIENT REPLY OFF/SKIP: the replies are produced, then dropped (as Redis drops them in addReply). */
function applyReplyMode(client: Client, mark: number): void {
  if (client.replyOff || client.replySkip) client.reply.rewind(mark);
  client.replySkip = client.replySkipNext;
  client.replySkipNext = false;
}

/** An error reply, counted in errorstats as Redis counts them (by the first word). */
export function replyError(server: Server, client: Client, text: string): void {
  client.reply.error(text);
  server.countError(text);
}

/** A command refused before it ran: an error reply and a rejected call. */
function rejectCommand(server: Server, client: Client, command: Command | null, text: string): void {
  if (command !== null) command.rejectedCalls++;
  // A refusal inside MULTI flags the transaction; a refused EXEC answers EXECABORT instead.
  for (const listener of server.rejectionListeners) text = listener(client, command, text);
  replyError(server, client, text);
}
