// The CLIENT container command and its subcommand rows (ID, SETNAME, LIST,
// KILL, PAUSE, TRACKING …) with their help text. What they report about a
// client lives in client-info.ts, the KILL filters in client-kill.ts and the
// pause state in client-pause.ts; connection.ts lists the container row.

import { lower, str } from '../bytes.js';
import type { Client } from '../client.js';
import { Errors, ReplyError } from '../errors.js';
import { parseInteger } from './arguments.js';
import type { CommandDef, Flag } from './types.js';
import { clientCachingCommand, clientGetredirCommand, clientTrackingCommand, clientTrackingInfoCommand } from '../tracking.js';
import {
  INVALID_NAME,
  clientExtras,
  clientInfoLine,
  clientType,
  currentCommand,
  isValidClientAttribute,
  parseClientType,
} from './client-info.js';
import { killClient, matchesKillFilter, parseKillFilter } from './client-kill.js';
import { pauseState, pauses } from './client-pause.js';

function onOff(arg: Buffer): boolean {
  const word = lower(arg);
  if (word === 'on') return true;
  if (word === 'off') return false;
  throw new ReplyError(Errors.syntax);
}

// ---- CLIENT subcommands ----------------------------------------------------

const CLIENT_HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'SETINFO <LIB-NAME|LIB-VER> <value>',
  '    Record the name or version of the client library on the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'NO-TOUCH (ON|OFF)',
  '    Do not change the LRU/LFU access time of keys read by this connection.',
  'HELP',
  '    Prints this help.',
];

/** Rows of the CLIENT container share everything but arity, flags and the handler. */
function clientSub(
  name: string,
  arity: number,
  admin: boolean,
  summary: string,
  since: string,
  complexity: string,
  handler: CommandDef['handler'],
  extra: Partial<CommandDef> = {},
): CommandDef {
  const flags: Flag[] = admin ? ['admin', 'noscript', 'loading', 'stale'] : ['noscript', 'loading', 'stale'];
  return {
    name,
    arity,
    flags,
    keys: null,
    categories: admin ? ['admin', 'slow', 'dangerous', 'connection'] : ['slow', 'connection'],
    summary,
    since,
    group: 'connection',
    complexity,
    handler,
    ...extra,
  };
}

function subcommandSyntaxError(argv: Buffer[]): ReplyError {
  return new ReplyError(
    `ERR unknown subcommand or wrong number of arguments for '${str(argv[1])}'. Try CLIENT HELP.`,
  );
}

const clientSubcommands: CommandDef[] = [
  clientSub('id', 2, false, 'Returns the client ID for the current connection', '5.0.0', 'O(1)', (client) => {
    client.reply.integer(client.id);
  }),
  clientSub('setname', 3, false, 'Set the current connection name', '2.6.9', 'O(1)', (client, argv) => {
    const name = str(argv[2]);
    if (!isValidClientAttribute(name)) throw new ReplyError(INVALID_NAME);
    client.name = name;
    client.reply.ok();
  }),
  clientSub('getname', 2, false, 'Get the current connection name', '2.6.9', 'O(1)', (client) => {
    client.reply.bulkOrNull(client.name === '' ? null : client.name);
  }),
  clientSub(
    'setinfo',
    4,
    false,
    'Set client or connection specific info',
    '7.2.0',
    'O(1)',
    (client, argv) => {
      const attribute = lower(argv[2]);
      if (attribute !== 'lib-name' && attribute !== 'lib-ver') {
        throw new ReplyError(`ERR Unrecognized option '${str(argv[2])}'`);
      }
      const value = str(argv[3]);
      if (!isValidClientAttribute(value)) {
        throw new ReplyError(`ERR ${str(argv[2])} cannot contain spaces, newlines or special characters.`);
      }
      if (attribute === 'lib-name') client.libName = value;
      else client.libVersion = value;
      client.reply.ok();
    },
    { tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'] },
  ),
  clientSub(
    'list',
    -2,
    true,
    'Get the list of client connections',
    '2.4.0',
    'O(N) where N is the number of client connections',
    (client, argv) => {
      const server = client.server;
      const current = currentCommand(client, argv);
      const line = (c: Client) => clientInfoLine(c, c === client ? current : null) + '\n';
      let text = '';
      if (argv.length === 4 && lower(argv[2]) === 'type') {
        const type = parseClientType(argv[3]);
        for (const c of server.clients.values()) if (clientType(clientExtras(c)) === type) text += line(c);
      } else if (argv.length > 3 && lower(argv[2]) === 'id') {
        const ids = argv.slice(3).map((arg) => parseInteger(arg, 'ERR Invalid client ID'));
        for (const id of ids) {
          const c = server.clients.get(id);
          if (c !== undefined) text += line(c);
        }
      } else if (argv.length !== 2) {
        throw new ReplyError(Errors.syntax);
      } else {
        for (const c of server.clients.values()) text += line(c);
      }
      client.reply.verbatim(text);
    },
    { tips: ['nondeterministic_output'] },
  ),
  clientSub(
    'info',
    2,
    false,
    'Returns information about the current client connection.',
    '6.2.0',
    'O(1)',
    (client, argv) => {
      client.reply.verbatim(clientInfoLine(client, currentCommand(client, argv)) + '\n');
    },
    { tips: ['nondeterministic_output'] },
  ),
  clientSub(
    'kill',
    -3,
    true,
    'Kill the connection of a client',
    '2.4.0',
    'O(N) where N is the number of client connections',
    (client, argv) => {
      const server = client.server;
      if (argv.length === 3) {
        // The old form: one address, the caller included, OK or an error.
        const addr = str(argv[2]);
        let victim: Client | undefined;
        for (const c of server.clients.values()) {
          if (c.remoteAddress === addr) {
            victim = c;
            break;
          }
        }
        if (victim === undefined) throw new ReplyError('ERR No such client');
        client.reply.ok();
        killClient(client, victim);
        return;
      }
      const filter = parseKillFilter(argv);
      const victims: Client[] = [];
      for (const c of server.clients.values()) if (matchesKillFilter(c, client, filter)) victims.push(c);
      client.reply.integer(victims.length);
      for (const victim of victims) killClient(client, victim);
    },
  ),
  clientSub('reply', 3, false, 'Instruct the server whether to reply to commands', '3.2.0', 'O(1)', (client, argv) => {
    const mode = lower(argv[2]);
    if (mode === 'on') {
      client.replyOff = false;
      client.replySkipNext = false;
      client.reply.ok();
    } else if (mode === 'off') {
      client.replyOff = true;
    } else if (mode === 'skip') {
      if (!client.replyOff) client.replySkipNext = true;
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }),
  clientSub('no-evict', 3, true, 'Set client eviction mode for the current connection', '7.0.0', 'O(1)', (client, argv) => {
    client.noEvict = onOff(argv[2]);
    client.reply.ok();
  }),
  clientSub(
    'no-touch',
    3,
    false,
    'Controls whether commands sent by the client will alter the LRU/LFU of the keys they access.',
    '7.2.0',
    'O(1)',
    (client, argv) => {
      client.noTouch = onOff(argv[2]);
      client.reply.ok();
    },
  ),
  clientSub(
    'getredir',
    2,
    false,
    'Get tracking notifications redirection client ID if any',
    '6.0.0',
    'O(1)',
    clientGetredirCommand,
  ),
  clientSub(
    'trackinginfo',
    2,
    false,
    'Return information about server assisted client side caching for the current connection',
    '6.2.0',
    'O(1)',
    clientTrackingInfoCommand,
  ),
  clientSub(
    'tracking',
    -3,
    false,
    'Enable or disable server assisted client side caching support',
    '6.0.0',
    'O(1). Some options may introduce additional complexity.',
    clientTrackingCommand,
  ),
  clientSub(
    'caching',
    3,
    false,
    'Instruct the server about tracking or not keys in the next request',
    '6.0.0',
    'O(1)',
    clientCachingCommand,
  ),
  clientSub(
    'pause',
    -3,
    true,
    'Stop processing commands from clients for some time',
    '2.9.50',
    'O(1)',
    (client, argv) => {
      if (argv.length > 4) throw subcommandSyntaxError(argv);
      const timeout = parseInteger(argv[2], 'ERR timeout is not an integer or out of range');
      if (timeout < 0) throw new ReplyError('ERR timeout is negative');
      let mode: 'all' | 'write' = 'all';
      if (argv.length === 4) {
        const word = lower(argv[3]);
        if (word === 'write') mode = 'write';
        else if (word !== 'all') throw new ReplyError('ERR CLIENT PAUSE mode must be WRITE or ALL');
      }
      const end = client.server.clock.now() + timeout;
      // Redis's end time overflows past int64 and lands in the past: no pause.
      if (end <= Number.MAX_SAFE_INTEGER) pauseState(client.server).pause(mode, end);
      client.reply.ok();
    },
    { tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'] },
  ),
  clientSub(
    'unpause',
    2,
    true,
    'Resume processing of clients that were paused',
    '6.2.0',
    'O(N) Where N is the number of paused clients',
    (client) => {
      pauses.peek(client.server)?.unpause();
      client.reply.ok();
    },
    { tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'] },
  ),
  clientSub(
    'unblock',
    -3,
    true,
    'Unblock a client blocked in a blocking command from a different connection',
    '5.0.0',
    'O(log N) where N is the number of client connections',
    (client, argv) => {
      if (argv.length > 4) throw subcommandSyntaxError(argv);
      const id = parseInteger(argv[2]);
      let withError = false;
      if (argv.length === 4) {
        const reason = lower(argv[3]);
        if (reason === 'error') withError = true;
        else if (reason !== 'timeout') throw new ReplyError('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
      }
      // The blocking family registers in server.unblockHandlers; a client held by a pause is not unblockable.
      const target = client.server.clients.get(id);
      let released = false;
      if (target !== undefined && target.blocked) {
        for (const handler of client.server.unblockHandlers) {
          if (handler(target, withError)) {
            released = true;
            break;
          }
        }
      }
      client.reply.integer(released ? 1 : 0);
    },
  ),
  clientSub('help', 2, false, 'Show helpful text about the different subcommands', '5.0.0', 'O(1)', (client) => {
    client.reply.array(CLIENT_HELP.length);
    for (const line of CLIENT_HELP) client.reply.simple(line);
  }, { flags: ['loading', 'stale'] }),
];

// ---- the container ---------------------------------------------------------

export const clientCommand: CommandDef = {
  name: 'client',
  arity: -2,
  flags: [],
  keys: null,
  categories: ['slow'],
  summary: 'A container for client connection commands',
  since: '2.4.0',
  group: 'connection',
  complexity: 'Depends on subcommand.',
  subcommands: clientSubcommands,
};
