// Connection commands (the "connection" group): PING, ECHO, HELLO, AUTH,
// SELECT, QUIT, RESET, CLIENT …, and SWAPDB (a server command that lives here
// because it is about which database a connection sees).

import { lower, str } from '../bytes.js';
import type { Client } from '../client.js';
import { Errors, ReplyError } from '../errors.js';
import type { ClientInfoExtras, Server } from '../server.js';
import { parseInteger } from './arguments.js';
import type { Command, CommandDef, Flag } from './types.js';
import { clientCachingCommand, clientGetredirCommand, clientTrackingCommand, clientTrackingInfoCommand, trackingRedirect } from '../tracking.js';

export const REDIS_VERSION = '7.0.15';

const INVALID_NAME = 'ERR Client names cannot contain spaces, newlines or special characters.';
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

/** Client names and library attributes: printable ASCII, no spaces (Redis checks '!'..'~'). */
function isValidClientAttribute(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

function onOff(arg: Buffer): boolean {
  const word = lower(arg);
  if (word === 'on') return true;
  if (word === 'off') return false;
  throw new ReplyError(Errors.syntax);
}

// ---- what CLIENT LIST knows about a client ---------------------------------

/** The state other families own (subscriptions, MULTI), gathered through Server.clientInfoHooks. */
export function clientExtras(client: Client): ClientInfoExtras {
  const info: ClientInfoExtras = { sub: 0, psub: 0, ssub: 0, multi: -1, multiMem: 0, flags: '' };
  for (const hook of client.server.clientInfoHooks) hook(client, info);
  return info;
}

/** In pub/sub mode (RESP2 restrictions, type 'pubsub'): subscribed to anything. */
function isPubsub(extras: ClientInfoExtras): boolean {
  return extras.sub + extras.psub + extras.ssub > 0;
}

/** Flag letters in the order Redis prints them. */
const FLAG_ORDER = 'OSMPxbtRBdcuAUreT';

function clientFlags(client: Client, extras: ClientInfoExtras): string {
  let letters = extras.flags;
  if (client.isMonitor) letters += 'O';
  if (isPubsub(extras)) letters += 'P';
  if (extras.multi >= 0) letters += 'x';
  if (client.blocked) letters += 'b';
  if (client.closing) letters += 'c';
  if (client.noEvict) letters += 'e';
  if (client.noTouch) letters += 'T';
  let flags = '';
  for (const letter of FLAG_ORDER) if (letters.includes(letter)) flags += letter;
  return flags === '' ? 'N' : flags;
}

type ClientType = 'normal' | 'replica' | 'master' | 'pubsub';

function clientType(extras: ClientInfoExtras): ClientType {
  return isPubsub(extras) ? 'pubsub' : 'normal';
}

function parseClientType(arg: Buffer): ClientType {
  const name = lower(arg);
  if (name === 'normal' || name === 'master' || name === 'pubsub' || name === 'replica') return name;
  if (name === 'slave') return 'replica';
  throw new ReplyError(`ERR Unknown client type '${str(arg)}'`);
}

/**
 * The socket's file descriptor when libuv exposes it (TCP handles do on
 * Unix); otherwise a stable stand-in derived from the client id.
 */
function clientFd(client: Client): number {
  const socket = client.socket as unknown as { _handle?: { fd?: unknown } | null } | null;
  const fd = socket?._handle?.fd;
  return typeof fd === 'number' && Number.isInteger(fd) && fd >= 0 ? fd : client.id + 7;
}

/** The RESP size of a request, for the caller's qbuf figure. */
function requestSize(argv: readonly Buffer[]): number {
  let size = 3 + String(argv.length).length;
  for (const arg of argv) size += 5 + String(arg.length).length + arg.length;
  return size;
}

const QUERY_BUFFER_FREE = 20474;
const BASE_CLIENT_MEMORY = 37632;

/**
 * One CLIENT LIST line, with the fields of Redis 7.0.15 in its order. `current`
 * is the running request when the line describes the caller itself: Redis
 * shows that command and its buffers then.
 */
export function clientInfoLine(client: Client, current: { command: Command; argv: readonly Buffer[] } | null): string {
  const extras = clientExtras(client);
  const now = client.server.clock.now();
  const qbuf = current ? requestSize(current.argv) : 0;
  let argvMem = 0;
  if (current) for (const arg of current.argv) argvMem += arg.length;
  const pendingOutput = client.reply.pending;
  // Output the socket holds because the peer is not reading (Redis's reply list).
  const queuedOutput = client.socket?.writableLength ?? 0;
  return (
    `id=${client.id} addr=${client.remoteAddress} laddr=${client.localAddress} fd=${clientFd(client)}` +
    ` name=${client.name} age=${Math.max(0, Math.floor((now - client.createdAt) / 1000))}` +
    ` idle=${Math.max(0, Math.floor((now - client.lastInteraction) / 1000))}` +
    ` flags=${clientFlags(client, extras)} db=${client.dbIndex}` +
    ` sub=${extras.sub} psub=${extras.psub} ssub=${extras.ssub} multi=${extras.multi}` +
    ` qbuf=${qbuf} qbuf-free=${QUERY_BUFFER_FREE - qbuf} argv-mem=${argvMem} multi-mem=${extras.multiMem}` +
    ` rbs=16384 rbp=${current ? 16384 : 0} obl=${pendingOutput} oll=0 omem=${queuedOutput}` +
    ` tot-mem=${BASE_CLIENT_MEMORY + qbuf + argvMem + extras.multiMem + queuedOutput}` +
    ` events=r cmd=${current ? current.command.fullName : client.lastCommand} user=${client.user} redir=${trackingRedirect(client)} resp=${client.resp}`
  );
}

/** The caller's running command, for its own CLIENT LIST / CLIENT INFO line. */
function currentCommand(client: Client, argv: readonly Buffer[]): { command: Command; argv: readonly Buffer[] } | null {
  const container = client.server.commands.get(lower(argv[0]));
  const command = container?.subcommands?.get(lower(argv[1]));
  return command ? { command, argv } : null;
}

// ---- killing clients -------------------------------------------------------

/** Closes `victim`: at once for another client, after the reply for the caller itself. */
function killClient(caller: Client, victim: Client): void {
  if (victim === caller) {
    caller.closeAfterReply();
    return;
  }
  victim.close();
  caller.server.disconnect(victim);
}

interface KillFilter {
  id: number | null;
  addr: string | null;
  laddr: string | null;
  user: string | null;
  type: ClientType | null;
  skipMe: boolean;
}

function parseKillFilter(argv: Buffer[]): KillFilter {
  const filter: KillFilter = { id: null, addr: null, laddr: null, user: null, type: null, skipMe: true };
  for (let i = 2; i < argv.length; i += 2) {
    const option = lower(argv[i]);
    if (i + 1 >= argv.length) throw new ReplyError(Errors.syntax);
    const value = argv[i + 1];
    if (option === 'id') {
      const id = parseInteger(value, 'ERR client-id should be greater than 0');
      if (id < 1) throw new ReplyError('ERR client-id should be greater than 0');
      filter.id = id;
    } else if (option === 'type') {
      filter.type = parseClientType(value);
    } else if (option === 'addr') {
      filter.addr = str(value);
    } else if (option === 'laddr') {
      filter.laddr = str(value);
    } else if (option === 'user') {
      const user = str(value);
      if (user !== 'default') throw new ReplyError(`ERR No such user '${user}'`);
      filter.user = user;
    } else if (option === 'skipme') {
      const word = lower(value);
      if (word === 'yes') filter.skipMe = true;
      else if (word === 'no') filter.skipMe = false;
      else throw new ReplyError(Errors.syntax);
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  return filter;
}

function matchesKillFilter(client: Client, caller: Client, filter: KillFilter): boolean {
  if (filter.addr !== null && client.remoteAddress !== filter.addr) return false;
  if (filter.laddr !== null && client.localAddress !== filter.laddr) return false;
  if (filter.type !== null && clientType(clientExtras(client)) !== filter.type) return false;
  if (filter.id !== null && client.id !== filter.id) return false;
  if (filter.user !== null && client.user !== filter.user) return false;
  if (filter.skipMe && client === caller) return false;
  return true;
}

// ---- CLIENT PAUSE ----------------------------------------------------------

/**
 * CLIENT PAUSE as Redis 7.0 does it: while a pause lasts, every command
 * (ALL) or every command that may write (WRITE) from any client, the pausing
 * one included, is postponed; the client's later commands queue behind it.
 * The pause ends when its time (server clock) is reached or on UNPAUSE.
 */
class PauseState {
  mode: 'all' | 'write' | null = null;
  end = 0;
  readonly postponed = new Set<Client>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly server: Server) {
    server.commandChecks.push((client, command, argv) => this.check(client, command, argv));
    server.disconnectListeners.push((client) => this.postponed.delete(client));
  }

  private check(client: Client, command: Command, argv: Buffer[]): string | null {
    if (this.mode === null) return null;
    if (this.server.clock.now() >= this.end) {
      this.unpause();
      return null;
    }
    const mayWrite = command.isWrite || command.def.flags.includes('may_replicate');
    if (this.mode === 'write' && !mayWrite) return null;
    client.blocked = true;
    // At the front: a command re-postponed while its backlog drains keeps its place.
    client.backlog.unshift(argv.map((arg) => Buffer.from(arg)));
    this.postponed.add(client);
    return '';
  }

  pause(mode: 'all' | 'write', end: number): void {
    // A new pause never shortens one in force, nor weakens ALL to WRITE.
    if (this.mode === null || end > this.end) this.end = end;
    if (this.mode !== 'all') this.mode = mode;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.expire(), Math.max(0, this.end - this.server.clock.now()) + 1);
    this.timer.unref();
  }

  private expire(): void {
    this.timer = null;
    this.server.clock.refresh();
    if (this.mode === null) return;
    if (this.server.clock.now() >= this.end) this.unpause();
    else this.pause(this.mode, this.end);
  }

  unpause(): void {
    this.mode = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const released = [...this.postponed];
    this.postponed.clear();
    // Released on the next tick: the commands queued behind run as if newly read.
    if (released.length === 0) return;
    setImmediate(() => {
      this.server.clock.refresh();
      for (const client of released) {
        if (client.closing) continue;
        client.blocked = false;
        client.drainBacklog();
      }
    });
  }
}

const pauses = new WeakMap<Server, PauseState>();

function pauseState(server: Server): PauseState {
  let state = pauses.get(server);
  if (state === undefined) {
    state = new PauseState(server);
    pauses.set(server, state);
  }
  return state;
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
      pauses.get(client.server)?.unpause();
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
  {
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
  },
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
