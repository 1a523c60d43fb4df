// State a subsystem keeps for each server (several servers may share a
// process: test suites, embedders), made on first use and dropped with its
// server (a WeakMap holds it).

import type { Server } from './server.js';

export class PerServer<T> {
  private readonly states = new WeakMap<Server, T>();

  constructor(private readonly make: (server: Server) => T) {}

  /** The server's state, made now if it has none yet. */
  of(server: Server): T {
    let state = this.states.get(server);
    if (state === undefined) {
      state = this.make(server);
      this.states.set(server, state);
    }
    return state;
  }

  /** The server's state if it was made, else undefined (nothing is made). */
  peek(server: Server): T | undefined {
    return this.states.get(server);
  }
}
