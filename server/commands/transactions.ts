// Transactions (the "transactions" group): MULTI, EXEC, DISCARD, WATCH,
// UNWATCH. The queuing itself is a dispatcher check (server/transaction.ts);
// EXEC replays the queue through the dispatcher's call(), so every command
// replies, counts and fails exactly as it would alone.

import { str } from '../bytes.js';
import { call } from '../dispatch.js';
import { ReplyError } from '../errors.js';
import { Errors, transactions } from '../transaction.js';
import { keysAt, type CommandDef } from './types.js';

export const transactionCommands: CommandDef[] = [
  {
    name: 'multi',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    keys: null,
    categories: ['fast', 'transaction'],
    summary: 'Mark the start of a transaction block',
    since: '1.2.0',
    group: 'transactions',
    complexity: 'O(1)',
    handler(client) {
      if (client.inMulti) throw new ReplyError(Errors.nested);
      transactions(client.server).begin(client);
      client.reply.ok();
    },
  },
  {
    name: 'exec',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
    keys: null,
    categories: ['slow', 'transaction'],
    summary: 'Execute all commands issued after MULTI',
    since: '1.2.0',
    group: 'transactions',
    complexity: 'Depends on commands in the transaction',
    handler(client) {
      const server = client.server;
      const registry = transactions(server);
      const state = registry.peek(client);
      if (!client.inMulti || state === undefined || state.queue === null) throw new ReplyError(Errors.execWithoutMulti);
      if (!state.dirtyCas && registry.watchedKeyExpired(state)) state.dirtyCas = true;
      if (state.dirtyExec) {
        registry.discard(client);
        throw new ReplyError(Errors.execAbort);
      }
      if (state.dirtyCas) {
        registry.discard(client);
        client.reply.nullArray();
        return;
      }
      const queue = state.queue;
      // The transaction's own writes must not fail it: drop the watches first.
      registry.unwatch(client);
      const denied = client.denyBlocking;
      client.denyBlocking = true;
      // One instant for the whole transaction, as Redis.
      const wasFrozen = server.clock.isFrozen;
      server.clock.freeze();
      try {
        client.reply.array(queue.length);
        for (const queued of queue) call(server, client, queued.command, queued.argv);
      } finally {
        if (!wasFrozen) server.clock.thaw();
        client.denyBlocking = denied;
        registry.discard(client);
      }
    },
  },
  {
    name: 'discard',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    keys: null,
    categories: ['fast', 'transaction'],
    summary: 'Discard all commands issued after MULTI',
    since: '2.0.0',
    group: 'transactions',
    complexity: 'O(N), when N is the number of queued commands',
    handler(client) {
      if (!client.inMulti) throw new ReplyError(Errors.discardWithoutMulti);
      transactions(client.server).discard(client);
      client.reply.ok();
    },
  },
  {
    name: 'watch',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    keys: keysAt(1, -1),
    categories: ['fast', 'transaction'],
    summary: 'Watch the given keys to determine execution of the MULTI/EXEC block',
    since: '2.2.0',
    group: 'transactions',
    complexity: 'O(1) for every key.',
    handler(client, argv) {
      if (client.inMulti) throw new ReplyError(Errors.watchInsideMulti);
      const keys = new Array<string>(argv.length - 1);
      for (let i = 1; i < argv.length; i++) keys[i - 1] = str(argv[i]);
      transactions(client.server).watch(client, keys);
      client.reply.ok();
    },
  },
  {
    name: 'unwatch',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    keys: null,
    categories: ['fast', 'transaction'],
    summary: 'Forget about all watched keys',
    since: '2.2.0',
    group: 'transactions',
    complexity: 'O(1)',
    handler(client) {
      transactions(client.server).unwatch(client);
      client.reply.ok();
    },
  },
];
