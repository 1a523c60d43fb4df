// Client-side caching support (CLIENT TRACKING), as Redis's tracking.c.
//
// Default mode: after a read-only command runs, its keys are remembered in
// one table key -> ids of the clients that read it (the table ignores the
// database, as Redis's does). When a key is modified, every client that read
// it gets one invalidation and the key leaves the table: a client must read
// again to hear of the next change. OPTIN remembers only after CLIENT CACHING
// YES, OPTOUT skips the command after CLIENT CACHING NO.
// BCAST mode: nothing is remembered; a modified key that starts with one of
// the registered prefixes is queued under that prefix, and at the end of the
// event-loop turn each prefix sends its keys (sorted, as Redis's radix tree
// gives them) to its clients in one message.
//
// Messages go to the client itself in RESP3 (a push ["invalidate", [keys]]),
// or to the REDIRECT client: as a push if it speaks RESP3, else as a pub/sub
// message on __redis__:invalidate when it is subscribed to something. A flush
// sends a null key list to every tracking client. Invalidations for the
// client whose command is running wait until its reply is written (Redis's
// pending keys), so they follow the reply.
//
// Everything is installed on the first CLIENT TRACKING ON.

import { lower, str } from './bytes.js';
import type { Client } from './client.js';
import { parseInteger } from './commands/arguments.js';
import type { Command } from './commands/types.js';
import { Errors, ReplyError } from './errors.js';
import type { Server } from './server.js';
import { PerServer } from './per-server.js';

export interface TrackingOptions {
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** Client id receiving the invalidations; 0 for the client itself. */
  redirect: number;
  prefixes: string[];
}

interface ClientTracking {
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  redirect: number;
  /** CLIENT CACHING YES/NO was given for the next command. */
  caching: boolean;
  brokenRedirect: boolean;
  /** BCAST prefixes, in the order given. */
  prefixes: string[];
}

interface PrefixState {
  clients: Set<Client>;
  /** Keys modified since the last broadcast, with the client that first modified each (for NOLOOP). */
  keys: Map<string, Client | null>;
}

const INVALIDATE_CHANNEL = '__redis__:invalidate';
const NULL_RESP2 = Buffer.from('$-1\r\n', 'latin1');
const NULL_RESP3 = Buffer.from('_\r\n', 'latin1');

export class Tracking {
  /** key -> ids of the clients that read it. */
  private readonly table = new Map<string, Set<number>>();
  private totalItems = 0;
  private readonly prefixTable = new Map<string, PrefixState>();
  private readonly states = new Map<Client, ClientTracking>();
  /** Invalidations for the running client, sent after its command (null: a flush). */
  private pending: Array<string | null> = [];
  private pendingClient: Client | null = null;
  private broadcastScheduled = false;
  private maxKeys: number;
  private readonly readonlyCache = new WeakMap<Command, boolean>();

  constructor(private readonly server: Server) {
    this.maxKeys = server.config.int('tracking-table-max-keys');
    server.config.onChange('tracking-table-max-keys', (value) => {
      this.maxKeys = value as number;
      this.limitTable();
    });
    server.keyModifiedListeners.push((_db, key) => this.keyModified(key));
    server.flushListeners.push(() => this.flushed());
    server.afterCallHooks.push((client, command, argv) => this.afterCall(client, command, argv));
    server.disconnectListeners.push((client) => this.disable(client));
    server.resetListeners.push((client) => this.disable(client));
    server.clientInfoHooks.push((client, info) => {
      const state = this.states.get(client);
      if (state === undefined) return;
      info.flags += 't';
      if (state.brokenRedirect) info.flags += 'R';
      if (state.bcast) info.flags += 'B';
    });
    server.cronTasks.push(() => this.limitTable());
  }

  get trackingClients(): number {
    return this.states.size;
  }

  get totalKeys(): number {
    return this.table.size;
  }

  get items(): number {
    return this.totalItems;
  }

  get totalPrefixes(): number {
    return this.prefixTable.size;
  }

  isTracking(client: Client): boolean {
    return this.states.has(client);
  }

  redirectOf(client: Client): number {
    const state = this.states.get(client);
    return state === undefined ? -1 : state.redirect;
  }

  /** CLIENT TRACKINGINFO's flags, in Redis's order. */
  flagsOf(client: Client): string[] {
    const state = this.states.get(client);
    if (state === undefined) return ['off'];
    const flags = ['on'];
    if (state.bcast) flags.push('bcast');
    if (state.optin) flags.push('optin');
    if (state.optout) flags.push('optout');
    if (state.caching) flags.push(state.optin ? 'caching-yes' : 'caching-no');
    if (state.noloop) flags.push('noloop');
    if (state.brokenRedirect) flags.push('broken_redirect');
    return flags;
  }

  prefixesOf(client: Client): string[] {
    // Sorted, as Redis's per-client radix tree lists them.
    return [...(this.states.get(client)?.prefixes ?? [])].sort();
  }

  /** CLIENT TRACKING ON checks that depend on the client's current state; returns an error text or null. */
  checkEnable(client: Client, options: TrackingOptions): string | null {
    const state = this.states.get(client);
    if (!options.bcast && options.prefixes.length > 0) return 'ERR PREFIX option requires BCAST mode to be enabled';
    if (state !== undefined && state.bcast !== options.bcast) {
      return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.";
    }
    if (options.bcast && (options.optin || options.optout)) return 'ERR OPTIN and OPTOUT are not compatible with BCAST';
    if (options.optin && options.optout) return "ERR You can't specify both OPTIN mode and OPTOUT mode";
    if (state !== undefined && ((options.optin && state.optout) || (options.optout && state.optin))) {
      return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.";
    }
    if (options.bcast) {
      const existing = state?.prefixes ?? [];
      for (let i = 0; i < options.prefixes.length; i++) {
        const prefix = options.prefixes[i];
        for (const other of existing) {
          if (overlaps(other, prefix)) {
            return `ERR Prefix '${prefix}' overlaps with an existing prefix '${other}'. Prefixes for a single client must not overlap.`;
          }
        }
        for (let j = 0; j < options.prefixes.length; j++) {
          if (j !== i && overlaps(prefix, options.prefixes[j])) {
            return `ERR Prefix '${prefix}' overlaps with another provided prefix '${options.prefixes[j]}'. Prefixes for a single client must not overlap.`;
          }
        }
      }
    }
    return null;
  }

  enable(client: Client, options: TrackingOptions): void {
    let state = this.states.get(client);
    if (state === undefined) {
      state = { bcast: false, optin: false, optout: false, noloop: false, redirect: 0, caching: false, brokenRedirect: false, prefixes: [] };
      this.states.set(client, state);
    }
    state.brokenRedirect = false;
    state.redirect = options.redirect;
    state.bcast = options.bcast;
    if (options.bcast) {
      const prefixes = options.prefixes.length === 0 ? [''] : options.prefixes;
      for (const prefix of prefixes) this.addPrefix(client, state, prefix);
    }
    state.optin = options.optin;
    state.optout = options.optout;
    state.noloop = options.noloop;
  }

  private addPrefix(client: Client, state: ClientTracking, prefix: string): void {
    let entry = this.prefixTable.get(prefix);
    if (entry === undefined) {
      entry = { clients: new Set(), keys: new Map() };
      this.prefixTable.set(prefix, entry);
    }
    entry.clients.add(client);
    if (!state.prefixes.includes(prefix)) state.prefixes.push(prefix);
  }

  disable(client: Client): void {
    const state = this.states.get(client);
    if (state === undefined) return;
    for (const prefix of state.prefixes) {
      const entry = this.prefixTable.get(prefix);
      if (entry === undefined) continue;
      entry.clients.delete(client);
      if (entry.clients.size === 0) this.prefixTable.delete(prefix);
    }
    this.states.delete(client);
  }

  /** CLIENT CACHING YES|NO; returns an error text or null. */
  setCaching(client: Client, yes: boolean): string | null {
    const state = this.states.get(client);
    if (state === undefined) {
      return 'ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled';
    }
    if (yes && !state.optin) return 'ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.';
    if (!yes && !state.optout) return 'ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.';
    state.caching = true;
    return null;
  }

  // ---- remembering reads ------------------------------------------------------

  private isReadonly(command: Command): boolean {
    let readonly = this.readonlyCache.get(command);
    if (readonly === undefined) {
      readonly = command.def.flags.includes('readonly');
      this.readonlyCache.set(command, readonly);
    }
    return readonly;
  }

  private afterCall(client: Client, command: Command, argv: Buffer[]): void {
    // Runs after every command: no lookup while no client tracks.
    const state = this.states.size === 0 ? undefined : this.states.get(client);
    if (state !== undefined && !state.bcast && this.isReadonly(command)) {
      if (!((state.optin && !state.caching) || (state.optout && state.caching))) this.remember(client, command, argv);
    }
    // The outermost command is over: CACHING applied to it (unless it was CLIENT itself, or MULTI is open).
    if (this.server.currentClient !== null) return;
    if (state !== undefined && state.caching && !client.inMulti && (command.parent === null || command.parent.name !== 'client')) {
      state.caching = false;
    }
    if (this.pendingClient !== null) this.sendPending();
    if (this.flushNotified.size > 0) this.flushNotified.clear();
    if (this.maxKeys > 0 && this.table.size > this.maxKeys) this.limitTable();
  }

  private remember(client: Client, command: Command, argv: Buffer[]): void {
    for (const position of command.keyPositions(argv)) {
      const key = argv[position].latin1Slice(0, argv[position].length);
      let ids = this.table.get(key);
      if (ids === undefined) {
        ids = new Set();
        this.table.set(key, ids);
      }
      if (!ids.has(client.id)) {
        ids.add(client.id);
        this.totalItems++;
      }
    }
  }

  // ---- invalidation ------------------------------------------------------------

  private keyModified(key: string): void {
    if (this.server.flushing || (this.table.size === 0 && this.prefixTable.size === 0)) return;
    if (this.prefixTable.size > 0) this.rememberForBroadcast(key);
    const ids = this.table.get(key);
    if (ids === undefined) return;
    this.table.delete(key);
    this.totalItems -= ids.size;
    const current = this.server.currentClient;
    for (const id of ids) {
      const target = this.server.clients.get(id);
      if (target === undefined) continue;
      const state = this.states.get(target);
      if (state === undefined || state.bcast) continue;
      if (state.noloop && target === current) continue;
      if (target === current) this.addPending(target, key);
      else this.send(target, state, [key]);
    }
  }

  private addPending(client: Client, key: string | null): void {
    if (this.pendingClient !== null && this.pendingClient !== client) this.sendPending();
    this.pendingClient = client;
    this.pending.push(key);
  }

  private sendPending(): void {
    const client = this.pendingClient!;
    const keys = this.pending;
    this.pendingClient = null;
    this.pending = [];
    const state = this.states.get(client);
    if (state === undefined) return;
    for (const key of keys) this.send(client, state, key === null ? null : [key]);
  }

  private rememberForBroadcast(key: string): void {
    const current = this.server.currentClient;
    for (const [prefix, entry] of this.prefixTable) {
      if (!key.startsWith(prefix)) continue;
      if (!entry.keys.has(key)) entry.keys.set(key, current);
      this.scheduleBroadcast();
    }
  }

  private scheduleBroadcast(): void {
    if (this.broadcastScheduled) return;
    this.broadcastScheduled = true;
    // As Redis's beforeSleep: after the commands of this turn have written their replies.
    process.nextTick(() => {
      this.broadcastScheduled = false;
      this.broadcast();
    });
  }

  private broadcast(): void {
    const prefixes = [...this.prefixTable.keys()].sort();
    for (const prefix of prefixes) {
      const entry = this.prefixTable.get(prefix)!;
      if (entry.keys.size === 0) continue;
      const keys = [...entry.keys.keys()].sort();
      for (const client of entry.clients) {
        const state = this.states.get(client);
        if (state === undefined) continue;
        const own = state.noloop ? keys.filter((key) => entry.keys.get(key) !== client) : keys;
        if (own.length > 0) this.send(client, state, own);
      }
      entry.keys.clear();
    }
  }

  /** FLUSHDB / FLUSHALL: every tracking client hears a null key list (once per command), and the table empties. */
  private flushed(): void {
    const current = this.server.currentClient;
    for (const [client, state] of this.states) {
      if (client === current) {
        if (this.pendingClient !== client || this.pending[this.pending.length - 1] !== null) this.addPending(client, null);
      } else if (!this.flushNotified.has(client)) {
        this.send(client, state, null);
        this.flushNotified.add(client);
      }
    }
    if (this.flushNotified.size > 0 && !this.flushResetScheduled) {
      this.flushResetScheduled = true;
      queueMicrotask(() => {
        this.flushResetScheduled = false;
        this.flushNotified.clear();
      });
    }
    this.table.clear();
    this.totalItems = 0;
  }

  /** FLUSHALL empties every database in one command: each client hears one null, not one per database. */
  private readonly flushNotified = new Set<Client>();
  private flushResetScheduled = false;

  /** tracking-table-max-keys: forget (and invalidate) the oldest keys beyond the limit. */
  private limitTable(): void {
    if (this.maxKeys <= 0) return;
    while (this.table.size > this.maxKeys) {
      const [key, ids] = this.table.entries().next().value as [string, Set<number>];
      this.table.delete(key);
      this.totalItems -= ids.size;
      for (const id of ids) {
        const target = this.server.clients.get(id);
        const state = target === undefined ? undefined : this.states.get(target);
        if (target !== undefined && state !== undefined && !state.bcast) this.send(target, state, [key]);
      }
    }
  }

  /** One invalidation message for the tracking client `client` (keys null: everything). */
  private send(client: Client, state: ClientTracking, keys: string[] | null): void {
    let target = client;
    let redirected = false;
    if (state.redirect !== 0) {
      const other = this.server.clients.get(state.redirect);
      if (other === undefined) {
        state.brokenRedirect = true;
        if (client.resp === 3) {
          client.reply.push(2);
          client.reply.bulk('tracking-redir-broken');
          client.reply.integer(state.redirect);
          client.scheduleFlush();
        }
        return;
      }
      target = other;
      redirected = true;
    }
    const reply = target.reply;
    if (target.resp === 3) {
      reply.push(2);
      reply.bulk('invalidate');
    } else if (redirected && target.subscriptionCount > 0) {
      reply.array(3);
      reply.bulk('message');
      reply.bulk(INVALIDATE_CHANNEL);
    } else {
      // RESP2 without a subscribed redirect: nowhere to say it.
      return;
    }
    if (keys === null) {
      // As Redis: the null of the tracking client's protocol.
      reply.raw(client.resp === 3 ? NULL_RESP3 : NULL_RESP2);
    } else {
      reply.array(keys.length);
      for (const key of keys) reply.bulk(key);
    }
    target.scheduleFlush();
  }
}

/** Two prefixes overlap when one starts with the other. */
function overlaps(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

const registries = new PerServer((server) => new Tracking(server));

/** The server's tracking state, installed on first use. */
export function trackingOf(server: Server): Tracking {
  return registries.of(server);
}

/** For CLIENT LIST's redir field and GETREDIR: -1 when not tracking. */
export function trackingRedirect(client: Client): number {
  return registries.peek(client.server)?.redirectOf(client) ?? -1;
}

/** INFO figures: tracking_clients, tracking_total_keys, tracking_total_items, tracking_total_prefixes. */
export function trackingStats(server: Server): { clients: number; keys: number; items: number; prefixes: number } {
  const tracking = registries.peek(server);
  if (tracking === undefined) return { clients: 0, keys: 0, items: 0, prefixes: 0 };
  return { clients: tracking.trackingClients, keys: tracking.totalKeys, items: tracking.items, prefixes: tracking.totalPrefixes };
}

// ---- CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO handlers ------------------

/** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]. */
export function clientTrackingCommand(client: Client, argv: Buffer[]): void {
  const options: TrackingOptions = { bcast: false, optin: false, optout: false, noloop: false, redirect: 0, prefixes: [] };
  for (let j = 3; j < argv.length; j++) {
    const word = lower(argv[j]);
    const more = j + 1 < argv.length;
    if (word === 'redirect' && more) {
      j++;
      if (options.redirect !== 0) throw new ReplyError('ERR A client can only redirect to a single other client');
      const id = parseInteger(argv[j]);
      if (!client.server.clients.has(id)) throw new ReplyError('ERR The client ID you want redirect to does not exist');
      options.redirect = id;
    } else if (word === 'bcast') {
      options.bcast = true;
    } else if (word === 'optin') {
      options.optin = true;
    } else if (word === 'optout') {
      options.optout = true;
    } else if (word === 'noloop') {
      options.noloop = true;
    } else if (word === 'prefix' && more) {
      j++;
      options.prefixes.push(str(argv[j]));
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  const mode = lower(argv[2]);
  if (mode === 'on') {
    const tracking = trackingOf(client.server);
    const refusal = tracking.checkEnable(client, options);
    if (refusal !== null) throw new ReplyError(refusal);
    tracking.enable(client, options);
  } else if (mode === 'off') {
    registries.peek(client.server)?.disable(client);
  } else {
    throw new ReplyError(Errors.syntax);
  }
  client.reply.ok();
}

/** CLIENT CACHING YES|NO. */
export function clientCachingCommand(client: Client, argv: Buffer[]): void {
  const tracking = registries.peek(client.server);
  const notTracking = 'ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled';
  if (tracking === undefined || !tracking.isTracking(client)) throw new ReplyError(notTracking);
  const word = lower(argv[2]);
  if (word !== 'yes' && word !== 'no') throw new ReplyError(Errors.syntax);
  const refusal = tracking.setCaching(client, word === 'yes');
  if (refusal !== null) throw new ReplyError(refusal);
  client.reply.ok();
}

/** CLIENT GETREDIR: -1 when not tracking, 0 when not redirecting. */
export function clientGetredirCommand(client: Client): void {
  client.reply.integer(trackingRedirect(client));
}

/** CLIENT TRACKINGINFO: a map of flags (a set), redirect and prefixes. */
export function clientTrackingInfoCommand(client: Client): void {
  const tracking = registries.peek(client.server);
  const flags = tracking?.flagsOf(client) ?? ['off'];
  const reply = client.reply;
  reply.map(3);
  reply.bulk('flags');
  reply.set(flags.length);
  for (const flag of flags) reply.bulk(flag);
  reply.bulk('redirect');
  reply.integer(trackingRedirect(client));
  reply.bulk('prefixes');
  reply.bulkArray(tracking?.prefixesOf(client) ?? []);
}
