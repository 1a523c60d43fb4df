// One connection: its request parser, its reply writer, and the per-client
// state commands read (database, protocol, auth, name, reply mode). Every
// command parsed from one socket read runs before the replies leave, in one
// socket write.

import type { Socket } from 'node:net';
import { RequestParser, type RequestSink } from './resp/request-parser.js';
import { ReplyWriter } from './resp/writer.js';
import type { Db } from './keyspace.js';
import type { Server } from './server.js';
import type { Command } from './commands/types.js';
import { closeCallChain, execute, openCallChain } from './dispatch.js';

export class Client implements RequestSink {
  readonly id: number;
  readonly reply = new ReplyWriter();
  readonly parser: RequestParser;
  readonly createdAt: number;
  lastInteraction: number;
  dbIndex = 0;
  name = '';
  libName = '';
  libVersion = '';
  authenticated: boolean;
  user = 'default';
  /** Name of the last command run, for CLIENT LIST's cmd field. */
  lastCommand = 'NULL';
  /** CLIENT REPLY OFF. */
  replyOff = false;
  /** CLIENT REPLY SKIP: set by the SKIP command, it drops the reply of the next command. */
  replySkipNext = false;
  replySkip = false;
  noEvict = false;
  noTouch = false;
  isMonitor = false;
  closing = false;
  /** Channels + patterns + shard channels this client is subscribed to (kept by server/pubsub.ts). */
  subscriptionCount = 0;
  /** Commands waiting while this client cannot run them (e.g. it is blocked). Their buffers are owned copies. */
  readonly backlog: Buffer[][] = [];
  /** Inside MULTI, and while its EXEC runs: blocking commands must not block (transactions family). */
  inMulti = false;
  /** Set while a command that blocks holds this client (issue: blocking lists). */
  blocked = false;
  /**
   * Set while this client's commands must not block (EXEC running its queue, a
   * script): blocking commands then answer as if they timed out at once.
   */
  denyBlocking = false;
  /** Bytes read from / written to the socket, for INFO stats. */
  readonly remoteAddress: string;
  readonly localAddress: string;
  netInput = 0;
  /** The last command name resolved on this connection (bytes as sent), see dispatch.lookupCommand. */
  lastNameBytes: Buffer | null = null;
  lastNameCommand: Command | null = null;
  lastCommandBytes = 0;

  constructor(
    readonly server: Server,
    readonly socket: Socket | null,
    id: number,
  ) {
    this.id = id;
    this.createdAt = server.clock.now();
    this.lastInteraction = this.createdAt;
    this.authenticated = server.config.string('requirepass') === '';
    this.remoteAddress = socket ? formatAddress(socket.remoteAddress, socket.remotePort) : '';
    this.localAddress = socket ? formatAddress(socket.localAddress, socket.localPort) : '';
    this.parser = new RequestParser(this, {
      maxBulkLength: () => server.limits.protoMaxBulkLen,
      queryBufferLimit: () => server.limits.clientQueryBufferLimit,
      authenticated: () => this.authenticated,
    });
  }

  get db(): Db {
    return this.server.dbs[this.dbIndex];
  }

  get resp(): 2 | 3 {
    return this.reply.resp;
  }

  /** A socket read: parse it, run what it holds; the replies leave in one write at the end of the turn. */
  onData(chunk: Buffer): void {
    if (this.closing) return;
    this.server.clock.refresh();
    this.lastInteraction = this.server.clock.now();
    this.netInput += chunk.length;
    this.server.stats.netInputBytes += chunk.length;
    openCallChain();
    try {
      this.parser.feed(chunk);
    } finally {
      closeCallChain();
    }
    this.scheduleFlush();
  }

  onCommand(argv: Buffer[]): void {
    if (this.closing) return;
    if (this.blocked || this.backlog.length > 0) {
      this.backlog.push(argv.map((b) => Buffer.from(b)));
      return;
    }
    execute(this.server, this, argv);
  }

  /** Runs commands queued while blocked; called when the client is released. */
  drainBacklog(): void {
    while (!this.blocked && !this.closing && this.backlog.length > 0) {
      execute(this.server, this, this.backlog.shift()!);
    }
    this.flush();
  }

  onProtocolError(message: string): void {
    this.reply.error(`ERR Protocol error: ${message}`);
    this.server.log('verbose', `Protocol error (${message}) from client: ${this.describe()}`);
    this.closeAfterReply();
  }

  onQueryBufferLimit(): void {
    this.server.log('warning', `Closing client that reached max query buffer length: ${this.describe()}`);
    this.close();
  }

  /** Writes pending replies to the socket in one write. */
  flush(): void {
    this.flushQueued = false;
    // Durability order: AOF records are written (under appendfsync always, fsynced) before replies leave.
    if (this.server.effects.active && this.server.effects.holdReplies(this)) return;
    const out = this.reply.take();
    if (out !== null && this.socket !== null && !this.socket.destroyed) {
      this.server.stats.netOutputBytes += out.length;
      this.socket.write(out);
      if (this.socket.writableLength > 0) this.checkOutputLimits();
    }
    if (this.closing && this.socket !== null && !this.socket.destroyed) this.socket.end();
  }

  /** Bytes written but not yet taken by the peer (Redis's omem): the socket's queue plus unflushed replies. */
  get outputMemory(): number {
    return (this.socket?.writableLength ?? 0) + this.reply.pending;
  }

  /** When the output buffer went over the soft limit (ms), 0 when under it. */
  private softLimitSince = 0;

  /**
   * client-output-buffer-limit: a client whose pending output reaches the hard
   * limit of its class (pubsub when subscribed, normal otherwise) is closed at
   * once; one that stays at or over the soft limit longer than its seconds is
   * closed then. A subscriber that never reads is bounded this way.
   */
  private checkOutputLimits(): void {
    const limits = this.subscriptionCount > 0 ? this.server.outputLimits.pubsub : this.server.outputLimits.normal;
    if (limits.hard === 0 && limits.soft === 0) return;
    const used = this.outputMemory;
    let over = limits.hard > 0 && used >= limits.hard;
    if (!over && limits.soft > 0 && used >= limits.soft) {
      const now = this.server.clock.now();
      if (this.softLimitSince === 0) this.softLimitSince = now;
      else over = (now - this.softLimitSince) / 1000 > limits.softSeconds;
    } else if (!over) {
      this.softLimitSince = 0;
    }
    if (!over) return;
    this.server.log('warning', `Client ${this.describe()} scheduled to be closed ASAP for overcoming of output buffer limits.`);
    this.close();
    this.server.disconnect(this);
  }

  /** This client's replies (to its own commands, or pub/sub, unblocking …) leave at the end of this turn. */
  scheduleFlush(): void {
    // A PUBLISH to this subscriber after the first in a turn costs a flag test, not a Set insert.
    if (this.flushQueued) return;
    this.flushQueued = true;
    this.server.scheduleFlush(this);
  }

  /** Set by scheduleFlush until the next flush. */
  private flushQueued = false;

  closeAfterReply(): void {
    this.closing = true;
  }

  close(): void {
    this.closing = true;
    if (this.socket !== null) this.socket.destroy();
  }

  describe(): string {
    return `id=${this.id} addr=${this.remoteAddress} laddr=${this.localAddress} name=${this.name}`;
  }
}

/** ip:port as Redis prints it, IPv6 in brackets. */
function formatAddress(address: string | undefined, port: number | undefined): string {
  if (address === undefined) return '?:0';
  const host = address.startsWith('::ffff:') ? address.slice(7) : address;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
