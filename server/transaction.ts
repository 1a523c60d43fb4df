// MULTI / EXEC / WATCH state, as Redis's multi.c keeps it: per client a queue
// of commands and two dirty flags (a refused command makes EXEC abort with
// EXECABORT; a touched watched key makes it answer a null array), and per
// server an index from (db, key) to the clients watching it, fed by the one
// "key modified" signal every write, expiry, flush and swap sends.
//
// Nothing is installed until a client first sends MULTI or WATCH: a server
// that never uses transactions pays nothing on its command path.

import type { Client } from './client.js';
import type { Command } from './commands/types.js';
import type { Db } from './keyspace.js';
import type { ClientInfoExtras, Server } from './server.js';
import { PerServer } from './per-server.js';

export const Errors = {
  nested: 'ERR MULTI calls can not be nested',
  execWithoutMulti: 'ERR EXEC without MULTI',
  discardWithoutMulti: 'ERR DISCARD without MULTI',
  watchInsideMulti: 'ERR WATCH inside MULTI is not allowed',
  notAllowed: 'ERR Command not allowed inside a transaction',
  execAbort: 'EXECABORT Transaction discarded because of previous errors.',
} as const;

/** Commands that run at once inside MULTI instead of being queued (Redis's processCommand list). */
const RUN_INSIDE_MULTI = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

export interface QueuedCommand {
  readonly command: Command;
  /** Owned copies: the dispatcher's argv is borrowed from the socket buffer. */
  readonly argv: Buffer[];
}

/** One (db, key) a client watches. */
interface WatchedKey {
  readonly client: Client;
  readonly dbIndex: number;
  readonly key: string;
  /** The key was already logically expired when watched: its deletion is no change (Redis 7.0). */
  expired: boolean;
}

export class ClientTransaction {
  /** The queued commands while in MULTI, null outside. */
  queue: QueuedCommand[] | null = null;
  /** A command was refused while queuing: EXEC answers EXECABORT. */
  dirtyExec = false;
  /** A watched key was touched: EXEC answers a null array. */
  dirtyCas = false;
  /** CLIENT LIST's multi-mem as Redis 7.0 counts it: the queued arguments' bytes plus a pointer each. */
  queuedBytes = 0;
  readonly watched: WatchedKey[] = [];
}

export class Transactions {
  private readonly clients = new WeakMap<Client, ClientTransaction>();
  /** Per database index: key -> the watchers of that key. */
  private readonly watchers: Array<Map<string, Set<WatchedKey>>> = [];
  private watchCount = 0;

  constructor(private readonly server: Server) {
    server.commandChecks.push((client, command, argv) => this.check(client, command, argv));
    server.rejectionListeners.push((client, command, text) => this.onRejected(client, command, text));
    server.keyModifiedListeners.push((db, key) => this.touch(db, key));
    server.resetListeners.push((client) => this.forget(client));
    server.disconnectListeners.push((client) => this.forget(client));
    server.clientInfoHooks.push((client, info) => this.describe(client, info));
  }

  /** How many (client, key) watches exist, for tests. */
  get watchedKeys(): number {
    return this.watchCount;
  }

  state(client: Client): ClientTransaction {
    let state = this.clients.get(client);
    if (state === undefined) {
      state = new ClientTransaction();
      this.clients.set(client, state);
    }
    return state;
  }

  peek(client: Client): ClientTransaction | undefined {
    return this.clients.get(client);
  }

  // ---- MULTI ---------------------------------------------------------------

  begin(client: Client): void {
    const state = this.state(client);
    state.queue = [];
    client.inMulti = true;
  }

  /** Leaves MULTI (after EXEC, on DISCARD, RESET, disconnect): queue, flags and watches all go. */
  discard(client: Client): void {
    const state = this.clients.get(client);
    client.inMulti = false;
    if (state === undefined) return;
    state.queue = null;
    state.queuedBytes = 0;
    state.dirtyExec = false;
    state.dirtyCas = false;
    this.unwatchAll(client, state);
  }

  /** The dispatcher's pre-call check: inside MULTI, queue everything but the commands that act on the transaction. */
  private check(client: Client, command: Command, argv: Buffer[]): string | null {
    if (!client.inMulti) return null;
    const state = this.clients.get(client);
    if (state === undefined || state.queue === null) return null;
    if (command.parent === null && RUN_INSIDE_MULTI.has(command.name)) return null;
    if (command.def.flags.includes('no_multi')) return Errors.notAllowed;
    // As Redis: once the transaction is doomed, nothing more is kept (CLIENT LIST's multi= stops growing).
    if (!state.dirtyExec && !state.dirtyCas) {
      const copy = new Array<Buffer>(argv.length);
      let bytes = 0;
      for (let i = 0; i < argv.length; i++) {
        copy[i] = Buffer.from(argv[i]);
        bytes += argv[i].length + 8;
      }
      state.queue.push({ command, argv: copy });
      state.queuedBytes += bytes;
    }
    client.lastCommand = command.fullName;
    client.reply.simple('QUEUED');
    return '';
  }

  private onRejected(client: Client, command: Command | null, text: string): string {
    if (!client.inMulti) return text;
    const state = this.clients.get(client);
    if (state === undefined || state.queue === null) return text;
    state.dirtyExec = true;
    if (command !== null && command.parent === null && command.name === 'exec') {
      // A refused EXEC ends the transaction with the reason (formatted errors lose their "ERR ").
      this.discard(client);
      const reason = text.startsWith('ERR ') ? text.slice(4) : text;
      return `EXECABORT Transaction discarded because of: ${reason}`;
    }
    return text;
  }

  // ---- WATCH ---------------------------------------------------------------

  watch(client: Client, keys: readonly string[]): void {
    const state = this.state(client);
    // No point watching more once the client is already dirty.
    if (state.dirtyCas) return;
    const dbIndex = client.dbIndex;
    let byKey = this.watchers[dbIndex];
    if (byKey === undefined) this.watchers[dbIndex] = byKey = new Map();
    const db = client.db;
    for (const key of keys) {
      let set = byKey.get(key);
      if (set === undefined) byKey.set(key, (set = new Set()));
      let already = false;
      for (const wk of set) {
        if (wk.client === client) {
          already = true;
          break;
        }
      }
      if (already) continue;
      const entry = db.peek(key);
      const wk: WatchedKey = { client, dbIndex, key, expired: entry !== undefined && db.isExpired(entry) };
      set.add(wk);
      state.watched.push(wk);
      this.watchCount++;
    }
  }

  /** UNWATCH: drops the watches and forgets a touched key. */
  unwatch(client: Client): void {
    const state = this.clients.get(client);
    if (state === undefined) return;
    this.unwatchAll(client, state);
    state.dirtyCas = false;
  }

  private unwatchAll(_client: Client, state: ClientTransaction): void {
    for (const wk of state.watched) {
      const byKey = this.watchers[wk.dbIndex];
      const set = byKey?.get(wk.key);
      if (set === undefined) continue;
      set.delete(wk);
      this.watchCount--;
      if (set.size === 0) byKey.delete(wk.key);
    }
    state.watched.length = 0;
  }

  /** A key was written, deleted, expired, flushed or swapped: its watchers' transactions fail. */
  private touch(db: Db, key: string): void {
    if (this.watchCount === 0) return;
    const set = this.watchers[db.id]?.get(key);
    if (set === undefined) return;
    for (const wk of [...set]) {
      if (wk.expired) {
        // A key that was already expired when watched is now gone: logically nothing changed.
        if (this.server.dbs[wk.dbIndex].peek(key) === undefined) {
          wk.expired = false;
          continue;
        }
      }
      const state = this.clients.get(wk.client);
      if (state === undefined) continue;
      state.dirtyCas = true;
      // Dirty for good: the other watches are of no more use.
      this.unwatchAll(wk.client, state);
    }
  }

  /** EXEC's last look: a watched key whose time ran out since WATCH fails the transaction too. */
  watchedKeyExpired(state: ClientTransaction): boolean {
    for (const wk of state.watched) {
      if (wk.expired) continue;
      const db = this.server.dbs[wk.dbIndex];
      const entry = db.peek(wk.key);
      if (entry !== undefined && db.isExpired(entry)) return true;
    }
    return false;
  }

  // ---- connection state ----------------------------------------------------

  private forget(client: Client): void {
    if (this.clients.has(client)) this.discard(client);
    client.inMulti = false;
  }

  private describe(client: Client, info: ClientInfoExtras): void {
    const state = this.clients.get(client);
    if (state === undefined) return;
    if (state.queue !== null) {
      info.multi = state.queue.length;
      info.multiMem = state.queuedBytes;
    }
    if (state.dirtyCas) info.flags += 'd';
  }
}

const registries = new PerServer((server) => new Transactions(server));

/** The server's transaction bookkeeping, installed on first use. */
export function transactions(server: Server): Transactions {
  return registries.of(server);
}
