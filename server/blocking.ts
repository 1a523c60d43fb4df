// Clients blocked on keys (BLPOP, BLMOVE, BLMPOP …), as Redis's blocked.c:
// each waiter sits in a FIFO queue per (db, key); a write to a key with
// waiters marks it ready, and ready keys are served after the command that
// wrote them (server.afterCommandHooks), the first waiter first. A served,
// timed-out or unblocked client gets its reply on the next flush and runs
// the commands it sent meanwhile (client.backlog) on the next tick.

import type { Client } from './client.js';
import type { Db } from './keyspace.js';
import type { Server } from './server.js';
import { replyError } from './dispatch.js';
import { PerServer } from './per-server.js';

/** What a blocking command leaves behind when it blocks. */
export interface BlockRequest {
  client: Client;
  /** The database the client blocked in (by index, as Redis keys its queues). */
  dbIndex: number;
  keys: readonly string[];
  /** Milliseconds to wait; 0 waits forever. */
  timeoutMs: number;
  /**
   * Tries to serve the client from key: replies and returns true (the client
   * is then released), or returns false when the key has nothing to give yet.
   */
  tryServe(db: Db, key: string): boolean;
}

interface Waiter extends BlockRequest {
  /** server.clock time past which the wait is over (-1: never). */
  deadline: number;
  timer: NodeJS.Timeout | null;
}

/** The longest delay setTimeout takes; longer waits re-arm. */
const MAX_TIMER = 2147483647;

export const UNBLOCKED_ERROR = 'UNBLOCKED client unblocked via CLIENT UNBLOCK';

class BlockingState {
  private readonly queues = new Map<string, Waiter[]>();
  private readonly byClient = new Map<Client, Waiter>();
  private readonly ready: Array<[number, string]> = [];
  private readonly readySet = new Set<string>();
  private serving = false;
  private tickScheduled = false;

  constructor(private readonly server: Server) {
    server.keyModifiedListeners.push((db, key) => this.signal(db.id, key));
    server.afterCommandHooks.push(() => this.serveReady());
    server.disconnectListeners.push((client) => {
      const waiter = this.byClient.get(client);
      if (waiter !== undefined) this.detach(waiter);
    });
    server.resetListeners.push((client) => {
      const waiter = this.byClient.get(client);
      if (waiter !== undefined) this.detach(waiter);
    });
    server.unblockHandlers.push((target, withError) => this.unblock(target, withError));
    server.cronTasks.push(() => this.expireByClock());
  }

  get blockedCount(): number {
    return this.byClient.size;
  }

  isBlocked(client: Client): boolean {
    return this.byClient.has(client);
  }

  block(request: BlockRequest): void {
    const waiter: Waiter = {
      ...request,
      deadline: request.timeoutMs > 0 ? this.server.clock.now() + request.timeoutMs : -1,
      timer: null,
    };
    request.client.blocked = true;
    this.byClient.set(request.client, waiter);
    for (const key of new Set(request.keys)) {
      const id = queueId(request.dbIndex, key);
      let queue = this.queues.get(id);
      if (queue === undefined) this.queues.set(id, (queue = []));
      queue.push(waiter);
    }
    if (request.timeoutMs > 0) this.arm(waiter, request.timeoutMs);
  }

  /** Real timers drive timeouts; long waits are cut into setTimeout-sized pieces. */
  private arm(waiter: Waiter, remaining: number): void {
    const delay = Math.min(remaining, MAX_TIMER);
    waiter.timer = setTimeout(() => {
      waiter.timer = null;
      if (remaining > delay) this.arm(waiter, remaining - delay);
      else this.timeout(waiter);
    }, delay);
    waiter.timer.unref();
  }

  /** Tests move server.clock instead of sleeping: a wait whose deadline passed ends at the next cron. */
  private expireByClock(): void {
    if (this.byClient.size === 0) return;
    const now = this.server.clock.now();
    for (const waiter of [...this.byClient.values()]) {
      if (waiter.deadline >= 0 && now > waiter.deadline) this.timeout(waiter);
    }
  }

  private timeout(waiter: Waiter): void {
    if (this.byClient.get(waiter.client) !== waiter) return;
    this.server.clock.refresh();
    waiter.client.reply.nullArray();
    this.release(waiter);
  }

  private unblock(target: Client, withError: boolean): boolean {
    const waiter = this.byClient.get(target);
    if (waiter === undefined) return false;
    if (withError) replyError(this.server, target, UNBLOCKED_ERROR);
    else target.reply.nullArray();
    this.release(waiter);
    return true;
  }

  /** A key was written: if someone waits on it, serve them after the current command. */
  private signal(dbIndex: number, key: string): void {
    if (this.queues.size === 0) return;
    const id = queueId(dbIndex, key);
    if (!this.queues.has(id) || this.readySet.has(id)) return;
    this.readySet.add(id);
    this.ready.push([dbIndex, key]);
    // Writes made outside a command (the embedding API) are served on the next tick.
    if (!this.tickScheduled) {
      this.tickScheduled = true;
      process.nextTick(() => {
        this.tickScheduled = false;
        this.serveReady();
      });
    }
  }

  /** Serves every ready key, FIFO per key, until none is left (serving may ready more: BLMOVE). */
  serveReady(): void {
    if (this.serving || this.ready.length === 0) return;
    this.serving = true;
    try {
      while (this.ready.length > 0) {
        const [dbIndex, key] = this.ready.shift()!;
        const id = queueId(dbIndex, key);
        this.readySet.delete(id);
        const db = this.server.dbs[dbIndex];
        // Every waiter in order, as Redis: one that cannot take from this key
        // (it waits for another type: BLPOP and BZPOPMIN on one key) is skipped.
        let queue = this.queues.get(id);
        let at = 0;
        while (queue !== undefined && at < queue.length && db.lookup(key) !== undefined) {
          const waiter = queue[at];
          if (waiter.tryServe(db, key)) {
            this.release(waiter);
            queue = this.queues.get(id);
          } else {
            at++;
          }
        }
      }
    } finally {
      this.serving = false;
    }
  }

  /** Takes the waiter out of every queue and stops its timer. */
  private detach(waiter: Waiter): void {
    if (waiter.timer !== null) clearTimeout(waiter.timer);
    waiter.timer = null;
    this.byClient.delete(waiter.client);
    for (const key of new Set(waiter.keys)) {
      const id = queueId(waiter.dbIndex, key);
      const queue = this.queues.get(id);
      if (queue === undefined) continue;
      const at = queue.indexOf(waiter);
      if (at >= 0) queue.splice(at, 1);
      if (queue.length === 0) this.queues.delete(id);
    }
  }

  /** The client got its reply: it runs again, and what it sent meanwhile runs on the next tick. */
  private release(waiter: Waiter): void {
    this.detach(waiter);
    const client = waiter.client;
    client.blocked = false;
    client.scheduleFlush();
    if (client.backlog.length > 0) {
      process.nextTick(() => {
        if (client.closing || client.blocked) return;
        this.server.clock.refresh();
        client.drainBacklog();
      });
    }
  }
}

function queueId(dbIndex: number, key: string): string {
  return `${dbIndex}\u0000${key}`;
}

const states = new PerServer((server) => new BlockingState(server));

/** The blocked-client registry of a server, created (and hooked in) on first use. */
export function blockingState(server: Server): BlockingState {
  return states.of(server);
}

export function blockClient(request: BlockRequest): void {
  blockingState(request.client.server).block(request);
}
