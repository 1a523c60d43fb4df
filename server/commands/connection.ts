// Connection commands (the "connection" group): PING, ECHO, HELLO, AUTH,
// SELECT, QUIT, RESET, CLIENT …, and SWAPDB (a server command that lives here
// because it is about which database a connection sees). The CLIENT container
// and its subcommands are in client-commands.ts; this file lists its row.

import { lower, str } from '../bytes.js';
import type { Client } from '../client.js';
import { Errors, ReplyError } from '../errors.js';
import { parseInteger } from './arguments.js';
import type { CommandDef } from './types.js';
import { INVALID_NAME, clientExtras, isPubsub, isValidClientAttribute } from './client-info.js';
import { clientCommand } from './client-commands.js';

export const REDIS_VERSION = '7.0.15';

const INT32_RANGE_ERROR = 'ERR value is out of range, value must between -2147483648 and 2147483647';

/** requirepass check for AUTH and HELLO AUTH; only the "default" user exists. */
function authenticate(client: Client, user: string, password: string): boolean {
  const required = client.server.config.string('requirepass');
  if (user !== 'default') return false;
  // With no password set, the default user accepts any password ("nopass").
  if (required !== '' && password !== required) return false;
  client.authenticated = true;
  client.user = user;
  return true;
}

// ---- the commands ----------------------------------------------------------

export const connectionCommands: CommandDef[] = [
  {
    name: 'ping',
    arity: -1,
    flags: ['fast'],
    keys: null,
    categories: ['fast', 'connection'],
    summary: 'Ping the server',
    since: '1.0.0',
    group: 'connection',
    complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    handler(client, argv) {
      if (argv.length > 2) throw new ReplyError(Errors.arity('ping'));
      // A RESP2 client in pub/sub mode can only read arrays: PING answers ["pong", message].
      if (client.resp === 2 && client.server.clientInfoHooks.length > 0 && isPubsub(clientExtras(client))) {
        client.reply.array(2);
        client.reply.bulk('pong');
        if (argv.length === 1) client.reply.bulk('');
        else client.reply.bulkBuffer(argv[1]);
        return;
      }
      if (argv.length === 1) client.reply.simple('PONG');
      else client.reply.bulkBuffer(argv[1]);
    },
  },
  {
    name: 'echo',
    arity: 2,
    flags: ['fast'],
    keys: null,
    categories: ['fast', 'connection'],
    summary: 'Echo the given string',
    since: '1.0.0',
    group: 'connection',
    complexity: 'O(1)',
    handler(client, argv) {
      client.reply.bulkBuffer(argv[1]);
    },
  },
  {
    name: 'select',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    keys: null,
    categories: ['fast', 'connection'],
    summary: 'Change the selected database for the current connection',
    since: '1.0.0',
    group: 'connection',
    complexity: 'O(1)',
    handler(client, argv) {
      const index = parseInteger(argv[1]);
      if (index < -2147483648 || index > 2147483647) throw new ReplyError(INT32_RANGE_ERROR);
      if (index < 0 || index >= client.server.dbs.length) throw new ReplyError(Errors.dbIndex);
      client.dbIndex = index;
      client.reply.ok();
    },
  },
  {
    name: 'swapdb',
    arity: 3,
    flags: ['write', 'fast'],
    keys: null,
    categories: ['keyspace', 'write', 'fast', 'dangerous'],
    summary: 'Swaps two Redis databases',
    since: '4.0.0',
    group: 'server',
    complexity: 'O(N) where N is the count of clients watching or blocking on keys from both databases.',
    handler(client, argv) {
      const server = client.server;
      const a = parseInteger(argv[1], 'ERR invalid first DB index');
      const b = parseInteger(argv[2], 'ERR invalid second DB index');
      if (a < 0 || a >= server.dbs.length || b < 0 || b >= server.dbs.length) throw new ReplyError(Errors.dbIndex);
      if (a !== b) {
        const first = server.dbs[a];
        const second = server.dbs[b];
        server.dbs[a] = second;
        server.dbs[b] = first;
        second.id = a;
        first.id = b;
        // Every key of either database changed for whoever looks at index a or b
        // (WATCH, blocked clients): signal each under both, whichever way a listener keys its state.
        if (server.keyModifiedListeners.length > 0) {
          for (const db of [first, second]) {
            for (const key of [...db.map.keys()]) {
              server.signalKeyModified(server.dbs[a], key);
              server.signalKeyModified(server.dbs[b], key);
            }
          }
        }
        server.dirty++;
      }
      client.reply.ok();
    },
  },
  {
    name: 'auth',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    keys: null,
    categories: ['fast', 'connection'],
    summary: 'Authenticate to the server',
    since: '1.0.0',
    group: 'connection',
    complexity: 'O(N) where N is the number of passwords defined for the user',
    handler(client, argv) {
      if (argv.length > 3) throw new ReplyError(Errors.syntax);
      const required = client.server.config.string('requirepass');
      if (argv.length === 2 && required === '') {
        throw new ReplyError(
          'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
        );
      }
      const user = argv.length === 3 ? str(argv[1]) : 'default';
      const password = str(argv[argv.length - 1]);
      if (!authenticate(client, user, password)) throw new ReplyError(Errors.wrongPass);
      client.reply.ok();
    },
  },
  {
    name: 'hello',
    arity: -1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    keys: null,
    categories: ['fast', 'connection'],
    summary: 'Handshake with Redis',
    since: '6.0.0',
    group: 'connection',
    complexity: 'O(1)',
    handler(client, argv) {
      let version: number = client.resp;
      let next = 1;
      if (argv.length >= 2) {
        version = parseInteger(argv[1], 'ERR Protocol version is not an integer or out of range');
        if (version < 2 || version > 3) throw new ReplyError('NOPROTO unsupported protocol version');
        next = 2;
      }
      let auth: [string, string] | null = null;
      let setName: string | null = null;
      for (let i = next; i < argv.length; i++) {
        const option = lower(argv[i]);
        const more = argv.length - 1 - i;
        if (option === 'auth' && more >= 2) {
          auth = [str(argv[i + 1]), str(argv[i + 2])];
          i += 2;
        } else if (option === 'setname' && more >= 1) {
          setName = str(argv[i + 1]);
          i += 1;
        } else {
          throw new ReplyError(`ERR Syntax error in HELLO option '${str(argv[i])}'`);
        }
      }
      if (auth !== null && !authenticate(client, auth[0], auth[1])) throw new ReplyError(Errors.wrongPass);
      if (!client.authenticated) {
        throw new ReplyError(
          'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
        );
      }
      if (setName !== null) {
        if (!isValidClientAttribute(setName)) throw new ReplyError(INVALID_NAME);
        client.name = setName;
      }
      client.reply.resp = version as 2 | 3;
      const reply = client.reply;
      reply.map(7);
      reply.bulk('server');
      reply.bulk('redis');
      reply.bulk('version');
      reply.bulk(REDIS_VERSION);
      reply.bulk('proto');
      reply.integer(version);
      reply.bulk('id');
      reply.integer(client.id);
      reply.bulk('mode');
      reply.bulk('standalone');
      reply.bulk('role');
      reply.bulk('master');
      reply.bulk('modules');
      reply.array(0);
    },
  },
  {
    name: 'reset',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    keys: null,
    categories: ['fast', 'connection'],
    summary: 'Reset the connection',
    since: '6.2.0',
    group: 'connection',
    complexity: 'O(1)',
    handler(client) {
      const server = client.server;
      // Other families first (MULTI, WATCH, subscriptions, tracking), then the connection's own state.
      for (const listener of server.resetListeners) listener(client);
      if (client.isMonitor) {
        server.monitors.delete(client);
        client.isMonitor = false;
      }
      client.dbIndex = 0;
      client.reply.resp = 2;
      client.user = 'default';
      client.authenticated = server.config.string('requirepass') === '';
      client.name = '';
      client.replyOff = false;
      client.replySkipNext = false;
      // Redis 7.0 keeps NO-EVICT across RESET; NO-TOUCH (7.2) is cleared as 7.2 does.
      client.noTouch = false;
      client.reply.simple('RESET');
    },
  },
  clientCommand,
  {
    name: 'quit',
    arity: -1,
    flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'],
    keys: null,
    categories: ['fast', 'connection'],
    summary: 'Close the connection',
    since: '1.0.0',
    group: 'connection',
    complexity: 'O(1)',
    handler(client) {
      client.reply.ok();
      client.closeAfterReply();
    },
  },
];
