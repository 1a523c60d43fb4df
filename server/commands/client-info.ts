// What CLIENT LIST and CLIENT INFO know about a client: the fields of one
// line, its flags and type, and the rule for the names and library attributes
// a client may set. CLIENT's subcommands, CLIENT KILL's filters, PING and HELLO
// all read these, so they live apart from any one command.

import { lower, str } from '../bytes.js';
import type { Client } from '../client.js';
import { ReplyError } from '../errors.js';
import type { ClientInfoExtras } from '../server.js';
import type { Command } from './types.js';
import { trackingRedirect } from '../tracking.js';

export const INVALID_NAME = 'ERR Client names cannot contain spaces, newlines or special characters.';

/** Client names and library attributes: printable ASCII, no spaces (Redis checks '!'..'~'). */
export function isValidClientAttribute(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

// ---- what CLIENT LIST knows about a client ---------------------------------

/** The state other families own (subscriptions, MULTI), gathered through Server.clientInfoHooks. */
export function clientExtras(client: Client): ClientInfoExtras {
  const info: ClientInfoExtras = { sub: 0, psub: 0, ssub: 0, multi: -1, multiMem: 0, flags: '' };
  for (const hook of client.server.clientInfoHooks) hook(client, info);
  return info;
}

/** In pub/sub mode (RESP2 restrictions, type 'pubsub'): subscribed to anything. */
export function isPubsub(extras: ClientInfoExtras): boolean {
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

export type ClientType = 'normal' | 'replica' | 'master' | 'pubsub';

export function clientType(extras: ClientInfoExtras): ClientType {
  return isPubsub(extras) ? 'pubsub' : 'normal';
}

export function parseClientType(arg: Buffer): ClientType {
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
export function currentCommand(client: Client, argv: readonly Buffer[]): { command: Command; argv: readonly Buffer[] } | null {
  const container = client.server.commands.get(lower(argv[0]));
  const command = container?.subcommands?.get(lower(argv[1]));
  return command ? { command, argv } : null;
}
