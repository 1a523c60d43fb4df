// Publish/subscribe, as Redis's pubsub.c: channel, pattern and shard-channel
// registries, and delivery of messages into subscribers' reply buffers.
//
// Each registry maps a name to its subscribers in subscription order (Redis
// keeps a list per channel), and each client keeps the names it is subscribed
// to, so UNSUBSCRIBE with no arguments and disconnects cost what the client
// holds. PUBLISH delivers to the channel's subscribers first, then to every
// client whose pattern matches, in pattern subscription order; a client that
// matches through several patterns gets one message per pattern, as Redis does.
//
// To a few subscribers a message is written straight into each one's reply
// buffer (a constant frame head, the channel, the payload: no object, no
// intermediate buffer). To many, it is encoded once per protocol version and
// copied into each. Subscribers other than the running client are flushed at
// the end of the event-loop turn (server.scheduleFlush): one socket write per
// subscriber for everything published in one event-loop turn.
//
// Nothing is installed until the first SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE (or a
// PUBLISH that needs the registry): then the RESP2 subscribed-mode check,
// the disconnect/RESET cleanup, the CLIENT LIST counters and the keyspace
// notification emitter are hooked into the server.

import type { Client } from './client.js';
import type { Command } from './commands/types.js';
import { compileGlob, type GlobMatcher } from './glob.js';
import type { Server } from './server.js';
import { installNotifications } from './notifications.js';
import { PerServer } from './per-server.js';

export type SubscriptionKind = 'channel' | 'pattern' | 'shard';

/** What a client is subscribed to, in subscription order. */
interface ClientSubscriptions {
  channels: Set<string>;
  patterns: Set<string>;
  shard: Set<string>;
}

interface PatternEntry {
  match: GlobMatcher;
  clients: Set<Client>;
}

/** Commands a RESP2 client may send while subscribed. */
const ALLOWED_IN_SUBSCRIBED_MODE = new Set([
  'subscribe',
  'unsubscribe',
  'psubscribe',
  'punsubscribe',
  'ssubscribe',
  'sunsubscribe',
  'ping',
  'quit',
  'reset',
]);

function subscribedModeError(command: Command): string {
  return `ERR Can't execute '${command.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;
}

/** Bulk string header + body + CRLF for latin1 text. */
function bulkLength(byteLength: number): number {
  return 1 + String(byteLength).length + 2 + byteLength + 2;
}

function writeBulk(out: Buffer, pos: number, text: string | Buffer): number {
  const n = typeof text === 'string' ? text.length : text.length;
  pos += out.latin1Write(`$${n}\r\n`, pos);
  if (typeof text === 'string') pos += out.latin1Write(text, pos);
  else pos += text.copy(out, pos);
  out[pos++] = 13;
  out[pos++] = 10;
  return pos;
}

/**
 * One pub/sub frame: an array (RESP2) or push (RESP3) of bulk strings, the
 * last of which may be the payload buffer. Encoded once, copied into each
 * subscriber's buffer.
 */
export function encodeFrame(resp: 2 | 3, parts: ReadonlyArray<string | Buffer>): Buffer {
  let size = 1 + String(parts.length).length + 2;
  for (const part of parts) size += bulkLength(part.length);
  const out = Buffer.allocUnsafe(size);
  let pos = out.latin1Write(`${resp === 3 ? '>' : '*'}${parts.length}\r\n`, 0);
  for (const part of parts) pos = writeBulk(out, pos, part);
  return out;
}

/** Payloads from this size on are not pre-encoded: one copy per subscriber instead of two. */
const LARGE_PAYLOAD = 16 * 1024;

/** Frames of one message, encoded lazily per protocol. */
class Frame {
  private resp2: Buffer | null = null;
  private resp3: Buffer | null = null;

  constructor(private readonly parts: ReadonlyArray<string | Buffer>) {}

  for(resp: 2 | 3): Buffer {
    if (resp === 3) return (this.resp3 ??= encodeFrame(3, this.parts));
    return (this.resp2 ??= encodeFrame(2, this.parts));
  }

  /** Into the client's reply buffer: large payloads are copied once, straight from the request. */
  writeTo(client: Client): void {
    const last = this.parts[this.parts.length - 1];
    if (last.length < LARGE_PAYLOAD) {
      client.reply.raw(this.for(client.resp));
      return;
    }
    this.writeParts(client);
  }

  private writeParts(client: Client): void {
    const reply = client.reply;
    reply.push(this.parts.length);
    for (const part of this.parts) {
      if (typeof part === 'string') reply.bulk(part);
      else reply.bulkBuffer(part);
    }
  }
}

/** Up to this many receivers a message is written into each reply buffer directly. */
const DIRECT_MAX = 4;

/** '*3\r\n$7\r\nmessage\r\n' and its RESP3 push form. */
const MESSAGE_HEAD: Record<2 | 3, Buffer> = {
  2: Buffer.from('*3\r\n$7\r\nmessage\r\n', 'latin1'),
  3: Buffer.from('>3\r\n$7\r\nmessage\r\n', 'latin1'),
};
const SMESSAGE_HEAD: Record<2 | 3, Buffer> = {
  2: Buffer.from('*3\r\n$8\r\nsmessage\r\n', 'latin1'),
  3: Buffer.from('>3\r\n$8\r\nsmessage\r\n', 'latin1'),
};

/** A message / smessage frame written into one subscriber's reply buffer. */
function writeMessage(client: Client, head: Record<2 | 3, Buffer>, channel: string, message: string | Buffer): void {
  const reply = client.reply;
  reply.raw(head[reply.resp]);
  reply.bulk(channel);
  if (typeof message === 'string') reply.bulk(message);
  else reply.bulkBuffer(message);
  client.scheduleFlush();
}

export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, PatternEntry>();
  readonly shardChannels = new Map<string, Set<Client>>();
  private readonly byClient = new Map<Client, ClientSubscriptions>();

  constructor(private readonly server: Server) {
    server.commandChecks.push((client, command) => {
      if (client.subscriptionCount > 0 && client.resp === 2) {
        const name = command.parent === null ? command.name : command.parent.name;
        if (!ALLOWED_IN_SUBSCRIBED_MODE.has(name)) return subscribedModeError(command);
      }
      return null;
    });
    server.disconnectListeners.push((client) => this.dropClient(client, false));
    server.resetListeners.push((client) => this.dropClient(client, false));
    server.clientInfoHooks.push((client, info) => {
      const subs = this.byClient.get(client);
      if (subs === undefined) return;
      info.sub = subs.channels.size;
      info.psub = subs.patterns.size;
      info.ssub = subs.shard.size;
    });
    // INFO stats reads this (server/info.ts).
    (server as unknown as { pubsubCounts: () => { channels: number; patterns: number; shardChannels: number } }).pubsubCounts =
      () => ({ channels: this.channels.size, patterns: this.patterns.size, shardChannels: this.shardChannels.size });
    installNotifications(server);
  }

  private subscriptionsOf(client: Client): ClientSubscriptions {
    let subs = this.byClient.get(client);
    if (subs === undefined) {
      subs = { channels: new Set(), patterns: new Set(), shard: new Set() };
      this.byClient.set(client, subs);
    }
    return subs;
  }

  /** The count Redis puts in (un)subscribe replies: channels + patterns, or shard channels alone. */
  private replyCount(subs: ClientSubscriptions | undefined, kind: SubscriptionKind): number {
    if (subs === undefined) return 0;
    return kind === 'shard' ? subs.shard.size : subs.channels.size + subs.patterns.size;
  }

  private updateMode(client: Client, subs: ClientSubscriptions): void {
    const total = subs.channels.size + subs.patterns.size + subs.shard.size;
    client.subscriptionCount = total;
    if (total === 0) this.byClient.delete(client);
  }

  /** SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE of one name: the confirmation goes to the client. */
  subscribe(client: Client, kind: SubscriptionKind, name: string): void {
    const subs = this.subscriptionsOf(client);
    const own = kind === 'channel' ? subs.channels : kind === 'pattern' ? subs.patterns : subs.shard;
    if (!own.has(name)) {
      own.add(name);
      if (kind === 'pattern') {
        let entry = this.patterns.get(name);
        if (entry === undefined) {
          entry = { match: compileGlob(name), clients: new Set() };
          this.patterns.set(name, entry);
        }
        entry.clients.add(client);
      } else {
        const registry = kind === 'channel' ? this.channels : this.shardChannels;
        let clients = registry.get(name);
        if (clients === undefined) {
          clients = new Set();
          registry.set(name, clients);
        }
        clients.add(client);
      }
    }
    this.updateMode(client, subs);
    const reply = client.reply;
    reply.push(3);
    reply.bulk(kind === 'channel' ? 'subscribe' : kind === 'pattern' ? 'psubscribe' : 'ssubscribe');
    reply.bulk(name);
    reply.integer(this.replyCount(subs, kind));
  }

  /** Drops one subscription; with `notify` the client gets the confirmation. */
  unsubscribe(client: Client, kind: SubscriptionKind, name: string, notify: boolean): void {
    const subs = this.byClient.get(client);
    const own = subs === undefined ? undefined : kind === 'channel' ? subs.channels : kind === 'pattern' ? subs.patterns : subs.shard;
    if (own !== undefined && own.delete(name)) {
      if (kind === 'pattern') {
        const entry = this.patterns.get(name);
        if (entry !== undefined) {
          entry.clients.delete(client);
          if (entry.clients.size === 0) this.patterns.delete(name);
        }
      } else {
        const registry = kind === 'channel' ? this.channels : this.shardChannels;
        const clients = registry.get(name);
        if (clients !== undefined) {
          clients.delete(client);
          if (clients.size === 0) registry.delete(name);
        }
      }
    }
    if (!notify) return;
    const count = this.replyCount(subs, kind);
    if (subs !== undefined) this.updateMode(client, subs);
    const reply = client.reply;
    reply.push(3);
    reply.bulk(kind === 'channel' ? 'unsubscribe' : kind === 'pattern' ? 'punsubscribe' : 'sunsubscribe');
    reply.bulk(name);
    reply.integer(count);
  }

  /** UNSUBSCRIBE / PUNSUBSCRIBE / SUNSUBSCRIBE with no names: every one, or a null-named confirmation. */
  unsubscribeAll(client: Client, kind: SubscriptionKind): void {
    const subs = this.byClient.get(client);
    const own = subs === undefined ? undefined : kind === 'channel' ? subs.channels : kind === 'pattern' ? subs.patterns : subs.shard;
    if (own === undefined || own.size === 0) {
      const reply = client.reply;
      reply.push(3);
      reply.bulk(kind === 'channel' ? 'unsubscribe' : kind === 'pattern' ? 'punsubscribe' : 'sunsubscribe');
      reply.nullBulk();
      reply.integer(this.replyCount(subs, kind));
      return;
    }
    for (const name of [...own]) this.unsubscribe(client, kind, name, true);
  }

  /** Disconnect / RESET: every subscription goes, silently. */
  dropClient(client: Client, notify: boolean): void {
    const subs = this.byClient.get(client);
    if (subs === undefined) return;
    for (const name of [...subs.channels]) this.unsubscribe(client, 'channel', name, notify);
    for (const name of [...subs.patterns]) this.unsubscribe(client, 'pattern', name, notify);
    for (const name of [...subs.shard]) this.unsubscribe(client, 'shard', name, notify);
    client.subscriptionCount = 0;
    this.byClient.delete(client);
  }

  subscriptionCounts(client: Client): { channels: number; patterns: number; shard: number } {
    const subs = this.byClient.get(client);
    if (subs === undefined) return { channels: 0, patterns: 0, shard: 0 };
    return { channels: subs.channels.size, patterns: subs.patterns.size, shard: subs.shard.size };
  }

  /** PUBLISH: delivers to channel subscribers, then pattern subscribers. Returns the receivers. */
  publish(channel: string, message: string | Buffer): number {
    let receivers = 0;
    const clients = this.channels.get(channel);
    if (clients !== undefined) {
      if (clients.size <= DIRECT_MAX) {
        for (const client of clients) if (!client.closing) writeMessage(client, MESSAGE_HEAD, channel, message);
      } else {
        this.deliverAll(clients, new Frame(['message', channel, message]), message.length >= LARGE_PAYLOAD);
      }
      receivers = clients.size;
    }
    if (this.patterns.size > 0) {
      for (const [pattern, entry] of this.patterns) {
        if (!entry.match(channel)) continue;
        this.deliverAll(entry.clients, new Frame(['pmessage', pattern, channel, message]), message.length >= LARGE_PAYLOAD);
        receivers += entry.clients.size;
      }
    }
    return receivers;
  }

  /** SPUBLISH: shard-channel subscribers only. */
  publishShard(channel: string, message: string | Buffer): number {
    const clients = this.shardChannels.get(channel);
    if (clients === undefined) return 0;
    if (clients.size <= DIRECT_MAX) {
      for (const client of clients) if (!client.closing) writeMessage(client, SMESSAGE_HEAD, channel, message);
    } else {
      this.deliverAll(clients, new Frame(['smessage', channel, message]), message.length >= LARGE_PAYLOAD);
    }
    return clients.size;
  }

  private deliver(client: Client, frame: Frame): void {
    if (client.closing) return;
    frame.writeTo(client);
    client.scheduleFlush();
  }

  /** One frame to many subscribers: the encoded bytes are looked up once per protocol, not per client. */
  private deliverAll(clients: Iterable<Client>, frame: Frame, large: boolean): void {
    if (large) {
      for (const client of clients) this.deliver(client, frame);
      return;
    }
    let resp2: Buffer | null = null;
    let resp3: Buffer | null = null;
    for (const client of clients) {
      if (client.closing) continue;
      const reply = client.reply;
      reply.raw(reply.resp === 3 ? (resp3 ??= frame.for(3)) : (resp2 ??= frame.for(2)));
      client.scheduleFlush();
    }
  }

  /** Active channels (or shard channels) matching pattern (all when null). */
  activeChannels(shard: boolean, pattern: string | null): string[] {
    const registry = shard ? this.shardChannels : this.channels;
    if (pattern === null) return [...registry.keys()];
    const match = compileGlob(pattern);
    const out: string[] = [];
    for (const name of registry.keys()) if (match(name)) out.push(name);
    return out;
  }

  numSub(shard: boolean, channel: string): number {
    return (shard ? this.shardChannels : this.channels).get(channel)?.size ?? 0;
  }
}

const registries = new PerServer((server) => new PubSub(server));

/** The server's pub/sub registry, installed on first use. */
export function pubsubOf(server: Server): PubSub {
  return registries.of(server);
}

/** The registry if installed (PUBLISH with nobody ever subscribed needs none). */
export function pubsubIfAny(server: Server): PubSub | undefined {
  return registries.peek(server);
}
