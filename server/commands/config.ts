// CONFIG GET / SET / RESETSTAT / REWRITE / HELP: the directive table of
// server/config.ts seen from a client.

import { str } from '../bytes.js';
import type { Client } from '../client.js';
import { ConfigSetError, strerror } from '../config.js';
import { rewriteConfigFile } from '../config-file.js';
import { ReplyError } from '../errors.js';
import type { CommandDef } from './types.js';

const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;
const ADMIN_CATEGORIES = ['admin', 'slow', 'dangerous'];

const HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Prints this help.',
];

/** Redis's islocalClient: a unix socket or a loopback address. */
function isLocalClient(client: Client): boolean {
  const socket = client.socket;
  if (socket === null) return true;
  const address = socket.remoteAddress ?? '';
  if (address === '') return true; // unix socket
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

function allowProtected(client: Client): boolean {
  const mode = client.server.config.string('enable-protected-configs');
  return mode === 'yes' || (mode === 'local' && isLocalClient(client));
}

function configGet(client: Client, argv: Buffer[]): void {
  const patterns: string[] = [];
  for (let i = 2; i < argv.length; i++) patterns.push(str(argv[i]));
  const pairs = client.server.config.match(patterns);
  client.reply.map(pairs.length);
  for (const [name, value] of pairs) {
    client.reply.bulk(name);
    client.reply.bulk(value);
  }
}

function configSet(client: Client, argv: Buffer[]): void {
  if (argv.length % 2 !== 0) throw new ReplyError('ERR syntax error');
  const pairs: Array<[string, string]> = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([str(argv[i]), str(argv[i + 1])]);
  try {
    client.server.config.setMany(pairs, { allowProtected: allowProtected(client) });
  } catch (error) {
    if (error instanceof ConfigSetError) throw new ReplyError(`ERR ${error.message}`);
    throw error;
  }
  client.reply.ok();
}

function configResetStat(client: Client): void {
  client.server.resetStats();
  client.reply.ok();
}

function configRewrite(client: Client): void {
  const server = client.server;
  const path = server.config.filePath;
  if (path === null) throw new ReplyError('ERR The server is running without a config file');
  try {
    rewriteConfigFile(server.config, path);
  } catch (error) {
    const text = strerror(error);
    server.log('warning', `CONFIG REWRITE failed: ${text}`);
    throw new ReplyError(`ERR Rewriting config file: ${text}`);
  }
  server.log('warning', 'CONFIG REWRITE executed with success.');
  client.reply.ok();
}

function configHelp(client: Client): void {
  client.reply.array(HELP.length);
  for (const line of HELP) client.reply.simple(line);
}

export const configCommands: CommandDef[] = [
  {
    name: 'config',
    arity: -2,
    flags: [],
    keys: null,
    categories: ['slow'],
    summary: 'A container for server configuration commands',
    since: '2.0.0',
    group: 'server',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'get',
        arity: -3,
        flags: ADMIN,
        keys: null,
        categories: ADMIN_CATEGORIES,
        summary: 'Get the values of configuration parameters',
        since: '2.0.0',
        group: 'server',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        handler: configGet,
      },
      {
        name: 'set',
        arity: -4,
        flags: ADMIN,
        keys: null,
        categories: ADMIN_CATEGORIES,
        summary: 'Set configuration parameters to the given values',
        since: '2.0.0',
        group: 'server',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        handler: configSet,
      },
      {
        name: 'resetstat',
        arity: 2,
        flags: ADMIN,
        keys: null,
        categories: ADMIN_CATEGORIES,
        summary: 'Reset the stats returned by INFO',
        since: '2.0.0',
        group: 'server',
        complexity: 'O(1)',
        handler: configResetStat,
      },
      {
        name: 'rewrite',
        arity: 2,
        flags: ADMIN,
        keys: null,
        categories: ADMIN_CATEGORIES,
        summary: 'Rewrite the configuration file with the in memory configuration',
        since: '2.8.0',
        group: 'server',
        complexity: 'O(1)',
        handler: configRewrite,
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        keys: null,
        categories: ['slow'],
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        group: 'server',
        complexity: 'O(1)',
        handler: configHelp,
      },
    ],
  },
];
