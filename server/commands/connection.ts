// Connection commands (the "connection" group): PING, ECHO, HELLO, AUTH,
// SELECT, QUIT …

import { lower, str } from '../bytes.js';
import type { Client } from '../client.js';
import { Errors, ReplyError } from '../errors.js';
import { parseInteger } from './arguments.js';
import type { CommandDef } from './types.js';

export const REDIS_VERSION = '7.0.15';

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

export const connectionCommands: CommandDef[] = [
  {
    name: 'ping',
    arity: -1,
    flags: ['fast', 'stale'],
    keys: null,
    categories: ['fast', 'connection'],
    summary: "Returns the server's liveliness response.",
    since: '1.0.0',
    group: 'connection',
    handler(client, argv) {
      if (argv.length > 2) throw new ReplyError(Errors.arity('ping'));
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
    summary: 'Returns the given string.',
    since: '1.0.0',
    group: 'connection',
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
    summary: 'Changes the selected database.',
    since: '1.0.0',
    group: 'connection',
    handler(client, argv) {
      const index = parseInteger(argv[1]);
      if (index < 0 || index >= client.server.dbs.length) throw new ReplyError(Errors.dbIndex);
      client.dbIndex = index;
      client.reply.ok();
    },
  },
  {
    name: 'auth',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    keys: null,
    categories: ['fast', 'connection'],
    summary: 'Authenticates the connection.',
    since: '1.0.0',
    group: 'connection',
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
    summary: 'Handshakes with the Redis server.',
    since: '6.0.0',
    group: 'connection',
    handler(client, argv) {
      let version = client.resp as number;
      let next = 1;
      if (argv.length >= 2) {
        const text = str(argv[1]);
        version = /^-?\d+$/.test(text) ? Number(text) : NaN;
        if (!Number.isSafeInteger(version)) {
          throw new ReplyError('ERR Protocol version is not an integer or out of range');
        }
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
      if (version < 2 || version > 3) throw new ReplyError('NOPROTO unsupported protocol version');
      if (auth !== null && !authenticate(client, auth[0], auth[1])) throw new ReplyError(Errors.wrongPass);
      if (!client.authenticated) throw new ReplyError('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
      if (setName !== null) {
        if (/[\s]/.test(setName) || /[^\x21-\x7e]/.test(setName)) {
          throw new ReplyError('ERR Client names cannot contain spaces, newlines or special characters.');
        }
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
    name: 'quit',
    arity: -1,
    flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'],
    keys: null,
    categories: ['fast', 'connection'],
    summary: 'Closes the connection.',
    since: '1.0.0',
    group: 'connection',
    handler(client) {
      client.reply.ok();
      client.closeAfterReply();
    },
  },
];
