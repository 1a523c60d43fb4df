// COMMAND and its subcommands: what the server knows about its commands, all
// read from the one command table (server.commands), so a row added to any
// family shows up here with nothing else to touch.

import { lower, str } from '../bytes.js';
import type { Client } from '../client.js';
import { Errors, ReplyError } from '../errors.js';
import { compileGlob } from '../glob.js';
import type { ReplyWriter } from '../resp/writer.js';
import type { Command, CommandDef, Flag } from './types.js';

/** A command or subcommand by name as COMMAND INFO/DOCS take it: 'get', 'GET', 'client|list'. */
function findByName(client: Client, name: string): Command | undefined {
  const bar = name.indexOf('|');
  if (bar < 0) return client.server.commands.get(name);
  return client.server.commands.get(name.slice(0, bar))?.subcommands?.get(name.slice(bar + 1)) ?? undefined;
}

/** The command a full argv names (COMMAND GETKEYS), resolving a container's subcommand as the dispatcher does. */
function findForArgv(client: Client, argv: readonly Buffer[]): Command | undefined {
  const command = client.server.commands.get(lower(argv[0]));
  if (command === undefined || command.subcommands === null || argv.length === 1) return command;
  return command.subcommands.get(lower(argv[1]));
}

/** Access flags of a command's keys, as key specs and GETKEYSANDFLAGS show them (a simplification of Redis's per-spec flags). */
function keyAccessFlags(def: CommandDef): string[] {
  if (def.flags.includes('write')) return ['RW', 'update'];
  if (def.flags.includes('readonly')) return ['RO', 'access'];
  return ['RO'];
}

function writeKeySpecs(reply: ReplyWriter, def: CommandDef): void {
  const keys = def.keys;
  if (keys === null) {
    reply.set(0);
    return;
  }
  reply.set(1);
  reply.map(3);
  reply.bulk('flags');
  const flags = keyAccessFlags(def);
  reply.set(flags.length);
  for (const flag of flags) reply.simple(flag);
  reply.bulk('begin_search');
  reply.map(2);
  reply.bulk('type');
  reply.bulk('index');
  reply.bulk('spec');
  reply.map(1);
  reply.bulk('index');
  reply.integer(keys.first);
  reply.bulk('find_keys');
  reply.map(2);
  reply.bulk('type');
  reply.bulk('range');
  reply.bulk('spec');
  reply.map(3);
  reply.bulk('lastkey');
  // Relative to the first key; negative counts from the end of argv.
  reply.integer(keys.last < 0 ? keys.last : keys.last - keys.first);
  reply.bulk('keystep');
  reply.integer(keys.step);
  reply.bulk('limit');
  reply.integer(0);
}

/** One COMMAND INFO entry, Redis 7's ten fields. */
function writeCommandInfo(reply: ReplyWriter, command: Command): void {
  const def = command.def;
  reply.array(10);
  reply.bulk(command.fullName);
  reply.integer(def.arity);
  reply.set(def.flags.length);
  for (const flag of def.flags) reply.simple(flag);
  reply.integer(def.keys?.first ?? 0);
  reply.integer(def.keys?.last ?? 0);
  reply.integer(def.keys?.step ?? 0);
  reply.set(def.categories.length);
  for (const category of def.categories) reply.simple(`@${category}`);
  const tips = def.tips ?? [];
  reply.set(tips.length);
  for (const tip of tips) reply.bulk(tip);
  writeKeySpecs(reply, def);
  if (command.subcommands === null) {
    reply.set(0);
  } else {
    reply.array(command.subcommands.size);
    for (const sub of command.subcommands.values()) writeCommandInfo(reply, sub);
  }
}

/** One COMMAND DOCS entry (the value; the caller writes the name). */
function writeCommandDocs(reply: ReplyWriter, command: Command): void {
  const def = command.def;
  const subs = command.subcommands;
  reply.map(3 + (def.complexity !== undefined ? 1 : 0) + (subs !== null ? 1 : 0));
  reply.bulk('summary');
  reply.bulk(def.summary);
  reply.bulk('since');
  reply.bulk(def.since);
  reply.bulk('group');
  reply.bulk(def.group);
  if (def.complexity !== undefined) {
    reply.bulk('complexity');
    reply.bulk(def.complexity);
  }
  if (subs !== null) {
    reply.bulk('subcommands');
    reply.map(subs.size);
    for (const sub of subs.values()) {
      reply.bulk(sub.fullName);
      writeCommandDocs(reply, sub);
    }
  }
}

function replyAllInfo(client: Client): void {
  const commands = client.server.commands.byName;
  client.reply.array(commands.size);
  for (const command of commands.values()) writeCommandInfo(client.reply, command);
}

/** The keys of a full command given to GETKEYS / GETKEYSANDFLAGS; errors as Redis words them. */
function keysOf(client: Client, argv: Buffer[]): { command: Command; keys: Buffer[] } {
  const full = argv.slice(2);
  const command = findForArgv(client, full);
  if (command === undefined) throw new ReplyError('ERR Invalid command specified');
  const arity = command.arity;
  if ((arity > 0 && full.length !== arity) || full.length < -arity) {
    throw new ReplyError('ERR Invalid number of arguments specified for command');
  }
  if (command.def.keys === null && command.def.getKeys === undefined) {
    throw new ReplyError('ERR The command has no key arguments');
  }
  return { command, keys: command.keyPositions(full).map((i) => full[i]) };
}

const COMMAND_HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
  'HELP',
  '    Prints this help.',
];

const SUB_FLAGS: readonly Flag[] = ['loading', 'stale'];

function commandSub(
  name: string,
  arity: number,
  summary: string,
  since: string,
  complexity: string,
  handler: CommandDef['handler'],
  tips?: readonly string[],
): CommandDef {
  return {
    name,
    arity,
    flags: SUB_FLAGS,
    keys: null,
    categories: ['slow', 'connection'],
    summary,
    since,
    group: 'server',
    complexity,
    ...(tips ? { tips } : {}),
    handler,
  };
}

export const introspectionCommands: CommandDef[] = [
  {
    name: 'command',
    arity: -1,
    flags: ['loading', 'stale'],
    keys: null,
    categories: ['slow', 'connection'],
    summary: 'Get array of Redis command details',
    since: '2.8.13',
    group: 'server',
    complexity: 'O(N) where N is the total number of Redis commands',
    tips: ['nondeterministic_output_order'],
    handler(client) {
      replyAllInfo(client);
    },
    subcommands: [
      commandSub(
        'info',
        -2,
        'Get array of specific Redis command details, or all when no argument is given.',
        '2.8.13',
        'O(N) where N is the number of commands to look up',
        (client, argv) => {
          if (argv.length === 2) {
            replyAllInfo(client);
            return;
          }
          client.reply.array(argv.length - 2);
          for (let i = 2; i < argv.length; i++) {
            const command = findByName(client, lower(argv[i]));
            if (command === undefined) client.reply.nullBulk();
            else writeCommandInfo(client.reply, command);
          }
        },
        ['nondeterministic_output_order'],
      ),
      commandSub(
        'docs',
        -2,
        'Get array of specific Redis command documentation',
        '7.0.0',
        'O(N) where N is the number of commands to look up',
        (client, argv) => {
          const found: Command[] = [];
          if (argv.length === 2) {
            found.push(...client.server.commands.byName.values());
          } else {
            for (let i = 2; i < argv.length; i++) {
              const command = findByName(client, lower(argv[i]));
              if (command !== undefined) found.push(command);
            }
          }
          client.reply.map(found.length);
          for (const command of found) {
            client.reply.bulk(command.fullName);
            writeCommandDocs(client.reply, command);
          }
        },
        ['nondeterministic_output_order'],
      ),
      commandSub('count', 2, 'Get total number of Redis commands', '2.8.13', 'O(1)', (client) => {
        client.reply.integer(client.server.commands.byName.size);
      }),
      commandSub(
        'list',
        -2,
        'Get an array of Redis command names',
        '7.0.0',
        'O(N) where N is the total number of Redis commands',
        (client, argv) => {
          let accept: (command: Command) => boolean = () => true;
          if (argv.length === 5 && lower(argv[2]) === 'filterby') {
            const kind = lower(argv[3]);
            const value = str(argv[4]);
            if (kind === 'module') {
              accept = () => false; // no modules are ever loaded
            } else if (kind === 'aclcat') {
              const category = value.toLowerCase();
              accept = (command) => command.def.categories.includes(category);
            } else if (kind === 'pattern') {
              const match = compileGlob(value, true);
              accept = (command) => match(command.fullName);
            } else {
              throw new ReplyError(Errors.syntax);
            }
          } else if (argv.length !== 2) {
            throw new ReplyError(Errors.syntax);
          }
          const names: string[] = [];
          for (const command of client.server.commands.all()) if (accept(command)) names.push(command.fullName);
          client.reply.bulkArray(names);
        },
        ['nondeterministic_output_order'],
      ),
      commandSub(
        'getkeys',
        -4,
        'Extract keys given a full Redis command',
        '2.8.13',
        'O(N) where N is the number of arguments to the command',
        (client, argv) => {
          const { keys } = keysOf(client, argv);
          client.reply.array(keys.length);
          for (const key of keys) client.reply.bulkBuffer(key);
        },
      ),
      commandSub(
        'getkeysandflags',
        -4,
        'Extract keys and access flags given a full Redis command',
        '7.0.0',
        'O(N) where N is the number of arguments to the command',
        (client, argv) => {
          const { command, keys } = keysOf(client, argv);
          const flags = keyAccessFlags(command.def);
          client.reply.array(keys.length);
          for (const key of keys) {
            client.reply.array(2);
            client.reply.bulkBuffer(key);
            client.reply.set(flags.length);
            for (const flag of flags) client.reply.simple(flag);
          }
        },
      ),
      commandSub('help', 2, 'Show helpful text about the different subcommands', '5.0.0', 'O(1)', (client) => {
        client.reply.array(COMMAND_HELP.length);
        for (const line of COMMAND_HELP) client.reply.simple(line);
      }),
    ],
  },
];
