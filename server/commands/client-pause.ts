// CLIENT PAUSE and UNPAUSE state: one pause per server, kept in a WeakMap and
// enforced through a command check that postpones the commands it holds back.

import type { Client } from '../client.js';
import type { Server } from '../server.js';
import type { Command } from './types.js';
import { PerServer } from '../per-server.js';

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

export const pauses = new PerServer((server) => new PauseState(server));

export function pauseState(server: Server): PauseState {
  return pauses.of(server);
}
