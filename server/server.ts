// The server: listeners, the client registry, the databases, counters and the
// periodic cron (active expiry and whatever later families hook in).

import net from 'node:net';
import { Client } from './client.js';
import { Clock } from './clock.js';
import { Config, outputBufferLimits, type ConfigValue } from './config.js';
import { CommandTable, commandDefs } from './commands/index.js';
import type { Command } from './commands/types.js';
import { ByteTally, Db, type KeyspaceHost } from './keyspace.js';
import { activeExpireCycle } from './expire.js';
import { Slowlog } from './slowlog.js';
import { Errors } from './errors.js';
import { installMemory } from './eviction/index.js';
import { Effects } from './effects.js';
import { installAof } from './persistence/aof-server.js';
import { readSocket } from './socket-reads.js';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning' | 'nothing';
const LOG_LEVELS: Record<string, number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const LOG_MARKS = ['.', '-', '*', '#'];

/**
 * A pre-call check (pub/sub mode, maxmemory, MULTI queuing …). Returns null to
 * let the command run, an error text to refuse it, or '' when it has handled
 * the command itself (queued it, say).
 */
export type CommandCheck = (client: Client, command: Command, argv: Buffer[]) => string | null;

/** Per-client state owned by other families, as CLIENT LIST shows it; filled by Server.clientInfoHooks. */
export interface ClientInfoExtras {
  /** Channel, pattern and shard-channel subscriptions. */
  sub: number;
  psub: number;
  ssub: number;
  /** Commands queued in MULTI, -1 outside a transaction. */
  multi: number;
  multiMem: number;
  /** Extra CLIENT LIST flag letters (e.g. 'd' dirty CAS, 't' tracking); put in Redis's order by the caller. */
  flags: string;
}

export interface ServerStats {
  keyspaceHits: number;
  keyspaceMisses: number;
  expiredKeys: number;
  evictedKeys: number;
  totalCommands: number;
  totalConnections: number;
  rejectedConnections: number;
  errorReplies: number;
  netInputBytes: number;
  netOutputBytes: number;
  expireCycleCpuMillis: number;
  expiredStalePercent: number;
}

function freshStats(): ServerStats {
  return {
    keyspaceHits: 0,
    keyspaceMisses: 0,
    expiredKeys: 0,
    evictedKeys: 0,
    totalCommands: 0,
    totalConnections: 0,
    rejectedConnections: 0,
    errorReplies: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    expireCycleCpuMillis: 0,
    expiredStalePercent: 0,
  };
}

export class Server implements KeyspaceHost {
  readonly clock: Clock;
  readonly config: Config;
  readonly commands = new CommandTable(commandDefs);
  dbs: Db[] = [];
  /** Estimated bytes of every database's entries (memory accounting). */
  readonly datasetBytes = new ByteTally();
  readonly clients = new Map<number, Client>();
  readonly monitors = new Set<Client>();
  readonly commandChecks: CommandCheck[] = [];
  /** Work done once per cron tick (hz per second), after active expiry. */
  readonly cronTasks: Array<() => void> = [];
  /** Called with (db, key) whenever a key is written, deleted or expired: WATCH, tracking, blocked clients hang here. */
  readonly keyModifiedListeners: Array<(db: Db, key: string) => void> = [];
  /** Run after every command dispatched from a client (not inside EXEC): blocked clients are served here. */
  readonly afterCommandHooks: Array<() => void> = [];
  /** Run after every call() (nested ones inside EXEC or a script too), once the reply is written: client tracking hangs here. */
  readonly afterCallHooks: Array<(client: Client, command: Command, argv: Buffer[]) => void> = [];
  /** The client whose command is running (the outermost one), null between commands. */
  currentClient: Client | null = null;
  /** FLUSHDB / FLUSHALL: called before a database is emptied (client tracking sends its null invalidation). */
  readonly flushListeners: Array<(db: Db) => void> = [];
  /** True while a flush reports its removed keys one by one (client tracking ignores those). */
  flushing = false;
  stats: ServerStats = freshStats();
  readonly errorCounts = new Map<string, number>();
  readonly slowlog: Slowlog;
  /** Write effects for the AOF (and replicas): see server/effects.ts. */
  readonly effects = new Effects();
  /** Run by close() before clients go: persistence writes what it holds. */
  readonly shutdownHooks: Array<() => void> = [];
  /** Writes since the last save, as Redis's server.dirty. */
  dirty = 0;
  activeExpireEnabled = true;
  readonly startedAt: number;
  readonly runId: string;
  /** Config values read on hot paths, kept current by change listeners. */
  readonly limits = { protoMaxBulkLen: 0, clientQueryBufferLimit: 0, maxClients: 0 };
  /** client-output-buffer-limit by class, kept current (checked on every flush, see Client.checkOutputLimits). */
  outputLimits = outputBufferLimits('normal 0 0 0 slave 0 0 0 pubsub 0 0 0');
  private readonly listeners: net.Server[] = [];
  private nextClientId = 1;
  private cronTimer: NodeJS.Timeout | null = null;
  /** Clients with replies to write at the end of this event-loop turn (see scheduleFlush). */
  private readonly pendingFlush: Client[] = [];
  private flushScheduled = false;
  private logLevel = 2;
  private shuttingDown = false;
  /** Called once the server has closed (SHUTDOWN, close()). */
  onShutdown: (() => void) | null = null;

  constructor(config: Config, clock = new Clock()) {
    this.config = config;
    this.clock = clock;
    this.startedAt = clock.refresh();
    this.runId = randomHex(40);
    this.slowlog = new Slowlog(config, () => this.clock.now());
    const databases = config.int('databases');
    for (let i = 0; i < databases; i++) this.dbs.push(new Db(i, this, this.datasetBytes));
    this.watchConfig('proto-max-bulk-len', (v) => (this.limits.protoMaxBulkLen = v as number));
    this.watchConfig('client-query-buffer-limit', (v) => (this.limits.clientQueryBufferLimit = v as number));
    this.watchConfig('maxclients', (v) => (this.limits.maxClients = v as number));
    this.watchConfig('client-output-buffer-limit', () => (this.outputLimits = outputBufferLimits(this.config.text('client-output-buffer-limit'))));
    this.watchConfig('loglevel', (v) => (this.logLevel = LOG_LEVELS[v as string] ?? 2));
    this.watchConfig('hz', () => this.startCron());
    this.watchConfig('slowlog-max-len', () => this.slowlog.trim());
    installMemory(this);
    installAof(this);
  }

  private watchConfig(name: string, apply: (value: ConfigValue) => void): void {
    apply(this.config.get(name));
    this.config.onChange(name, apply);
  }

  // ---- keyspace host -------------------------------------------------------

  keyCreated(db: Db, key: string): void {
    if (this.keyspaceEventListeners.length > 0) this.notifyKeyspaceEvent('n', 'new', key, db.id);
  }

  keyMissed(db: Db, key: string): void {
    if (this.keyspaceEventListeners.length > 0) this.notifyKeyspaceEvent('m', 'keymiss', key, db.id);
  }

  keyExpired(db: Db, key: string): void {
    this.stats.expiredKeys++;
    this.keyChanged(db, key, 'x', 'expired');
  }

  /**
   * Every write goes through here: it counts toward save rules, wakes WATCH /
   * tracking / blocked-client listeners, and emits the keyspace notification
   * `event` of class `eventClass` (Redis's notify-keyspace-events letters:
   * 'g' generic, '$' string, 'l' list, 's' set, 'h' hash, 'z' zset, 'x' expired …).
   */
  keyChanged(db: Db, key: string, eventClass: string, event: string): void {
    // Memory accounting: the entry's size estimate follows every write (a deleted key was already subtracted).
    const entry = db.peekRecent(key);
    if (entry !== undefined) db.resize(entry);
    this.dirty++;
    if (this.effects.active && (eventClass === 'x' || eventClass === 'e')) this.effects.keyDeleted(db, key);
    this.signalKeyModified(db, key);
    if (this.keyspaceEventListeners.length > 0) this.notifyKeyspaceEvent(eventClass, event, key, db.id);
  }

  /** Keyspace notifications: listeners receive (class, event, key, db). Filled in by the pub/sub family. */
  readonly keyspaceEventListeners: Array<(eventClass: string, event: string, key: string, dbId: number) => void> = [];

  notifyKeyspaceEvent(eventClass: string, event: string, key: string, dbId: number): void {
    for (const listener of this.keyspaceEventListeners) listener(eventClass, event, key, dbId);
  }

  signalKeyModified(db: Db, key: string): void {
    for (const listener of this.keyModifiedListeners) listener(db, key);
  }

  countError(text: string): void {
    this.stats.errorReplies++;
    const space = text.indexOf(' ');
    const prefix = space < 0 ? text : text.slice(0, space);
    this.errorCounts.set(prefix, (this.errorCounts.get(prefix) ?? 0) + 1);
  }

  // ---- network -------------------------------------------------------------

  /** Binds every address of `bind` on `port` (0 picks a free port). Resolves to the bound port. */
  async listen(): Promise<number> {
    const addresses = this.config.string('bind').split(/\s+/).filter(Boolean);
    let port = this.config.int('port');
    for (const raw of addresses.length ? addresses : ['0.0.0.0']) {
      const optional = raw.startsWith('-');
      const host = optional ? raw.slice(1) : raw;
      const listener = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
      try {
        await new Promise<void>((resolve, reject) => {
          listener.once('error', reject);
          listener.listen({ port, host, exclusive: true }, () => {
            listener.off('error', reject);
            resolve();
          });
        });
      } catch (error) {
        if (optional) continue;
        await this.close();
        throw error;
      }
      if (port === 0) port = (listener.address() as net.AddressInfo).port;
      this.listeners.push(listener);
    }
    if (this.listeners.length === 0) throw new Error(`could not bind any address of '${this.config.string('bind')}'`);
    this.boundPort = port;
    this.startCron();
    return port;
  }

  boundPort = 0;

  /** A client with no socket, for the embedding API and scripts. */
  createLocalClient(): Client {
    return new Client(this, null, this.nextClientId++);
  }

  private accept(socket: net.Socket): void {
    this.stats.totalConnections++;
    if (this.clients.size >= this.limits.maxClients) {
      this.stats.rejectedConnections++;
      socket.end(`-${Errors.maxClients}\r\n`);
      return;
    }
    socket.setNoDelay(true);
    const client = new Client(this, socket, this.nextClientId++);
    this.clients.set(client.id, client);
    readSocket(socket, (chunk) => client.onData(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.disconnect(client));
  }

  disconnect(client: Client): void {
    if (!this.clients.delete(client.id)) return;
    client.closing = true;
    this.monitors.delete(client);
    for (const listener of this.disconnectListeners) listener(client);
  }

  /** Called when a client goes away: pub/sub, blocking and MULTI state hang here. */
  readonly disconnectListeners: Array<(client: Client) => void> = [];

  /**
   * A command the dispatcher refused (unknown, arity, auth, a command check):
   * each listener may rewrite the error text (MULTI flags its transaction, a
   * refused EXEC answers EXECABORT). `command` is null for an unknown command.
   */
  readonly rejectionListeners: Array<(client: Client, command: Command | null, text: string) => string> = [];

  /** RESET: each family drops its per-client state here (MULTI, WATCH, subscriptions, tracking …). */
  readonly resetListeners: Array<(client: Client) => void> = [];

  /** CLIENT LIST / CLIENT INFO / PING: families report per-client state they own (subscriptions, MULTI …). */
  readonly clientInfoHooks: Array<(client: Client, info: ClientInfoExtras) => void> = [];

  /**
   * CLIENT UNBLOCK: a family that blocks clients releases `target` (with a
   * timeout reply, or the UNBLOCKED error when `withError`) and returns true
   * if it held it.
   */
  readonly unblockHandlers: Array<(target: Client, withError: boolean) => boolean> = [];

  /**
   * Writes `client`'s replies once every socket that was ready in this turn
   * has been read (setImmediate runs after libuv's poll phase), as Redis
   * writes in beforeSleep. Writing at once, between one client's commands and
   * the next's, would wake the peer while the server still has work: on this
   * 2-core VM a loopback write that wakes a sleeping reader cost 30 µs of
   * system time, one written in a burst with the others 8-12 µs (EVALSHA at
   * pipeline 1: +40% scripts/s). Only Client.scheduleFlush calls this, once
   * per client per turn.
   */
  scheduleFlush(client: Client): void {
    this.pendingFlush.push(client);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.writePendingReplies);
  }

  /**
   * Newest first, as Redis walks its pending-writes list (it links each
   * client in at the head): the client whose command woke or messaged others
   * gets its reply before they get theirs (CLIENT UNBLOCK's issuer before the
   * unblocked client, PUBLISH's before the subscribers'). Background work
   * that runs from setImmediate too (snapshot slices, the eviction loop)
   * calls this first, or its slice would delay the replies of the turn.
   */
  readonly writePendingReplies = (): void => {
    const pending = this.pendingFlush;
    let done = 0;
    // A flush that schedules another (a reply released by this one) is taken by a further round.
    while (done < pending.length) {
      const end = pending.length;
      for (let i = end - 1; i >= done; i--) pending[i].flush();
      done = end;
    }
    pending.length = 0;
    this.flushScheduled = false;
  };

  feedMonitors(client: Client, argv: readonly Buffer[]): void {
    const micros = this.clock.nowMicros();
    const stamp = `${micros / 1000000n}.${String(micros % 1000000n).padStart(6, '0')}`;
    const source = client.socket === null ? 'lua' : client.remoteAddress;
    let line = `${stamp} [${client.dbIndex} ${source}]`;
    for (const arg of argv) line += ` "${escapeMonitorArg(arg)}"`;
    for (const monitor of this.monitors) {
      monitor.reply.simple(line);
      monitor.scheduleFlush();
    }
  }

  // ---- cron and lifecycle --------------------------------------------------

  private startCron(): void {
    if (this.cronTimer !== null) clearInterval(this.cronTimer);
    if (this.listeners.length === 0 && this.boundPort === 0) return;
    const hz = Math.min(500, Math.max(1, this.config.int('hz')));
    this.cronTimer = setInterval(() => this.cron(), Math.round(1000 / hz));
    this.cronTimer.unref();
  }

  cron(): void {
    this.clock.refresh();
    if (this.activeExpireEnabled) {
      activeExpireCycle(this.dbs, () => this.clock.now(), this.config.int('hz'), this.stats);
    }
    for (const task of this.cronTasks) task();
  }

  resetStats(): void {
    this.stats = freshStats();
    this.errorCounts.clear();
    for (const command of this.commands.all()) {
      command.calls = 0;
      command.usec = 0;
      command.rejectedCalls = 0;
      command.failedCalls = 0;
    }
  }

  log(level: LogLevel, message: string): void {
    const value = LOG_LEVELS[level];
    if (value < this.logLevel || value >= 4) return;
    const d = new Date();
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const stamp = `${pad(d.getDate())} ${months[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
    process.stderr.write(`${process.pid}:M ${stamp} ${LOG_MARKS[value]} ${message}\n`);
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** File work left to libuv's threads (old AOF files being unlinked): close() waits for it. */
  private readonly fileWork = new Set<Promise<void>>();

  trackFileWork(work: Promise<void>): void {
    this.fileWork.add(work);
    void work.finally(() => this.fileWork.delete(work));
  }

  /** Stops listening, disconnects every client, stops the cron, waits for tracked file work. */
  async close(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    if (this.cronTimer !== null) clearInterval(this.cronTimer);
    this.cronTimer = null;
    const closing = this.listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve())));
    for (const hook of this.shutdownHooks) hook();
    for (const client of this.clients.values()) {
      client.flush();
      client.close();
    }
    await Promise.all([...closing, ...this.fileWork]);
    this.onShutdown?.();
  }
}

function escapeMonitorArg(arg: Buffer): string {
  let out = '';
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i];
    if (c === 0x5c) out += '\\\\';
    else if (c === 0x22) out += '\\"';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x07) out += '\\a';
    else if (c === 0x08) out += '\\b';
    else if (c >= 32 && c < 127) out += String.fromCharCode(c);
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function randomHex(length: number): string {
  let s = '';
  while (s.length < length) s += Math.random().toString(16).slice(2);
  return s.slice(0, length);
}
