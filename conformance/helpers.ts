// Shared set-up for conformance suites: an embedis server started in-process
// on port 0, and stock clients connected to it over TCP.

import net from 'node:net';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import * as assert from 'uvu/assert';
import { startServer, type RunningServer, type ServerOptions } from '../server/index.js';

export type NodeRedisClient = ReturnType<typeof createClient>;

/** A TCP port free on 127.0.0.1 right now, for a server started as its own process. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Connects a lazyConnect ioredis client to a server starting as its own
 * process, retrying until PING answers (a loading server answers -LOADING
 * first). `failure` words the error after `tries` attempts; `exited`, when it
 * returns a message, ends the wait at once (the process is gone).
 */
export async function connectWhenUp(
  client: Redis,
  failure: () => string,
  options: { tries?: number; delayMs?: number; exited?: () => string | null } = {},
): Promise<void> {
  const tries = options.tries ?? 200;
  const delayMs = options.delayMs ?? 25;
  for (let i = 0; ; i++) {
    const gone = options.exited?.() ?? null;
    if (gone !== null) throw new Error(gone);
    try {
      await client.connect();
      await client.ping();
      return;
    } catch {
      if (i > tries) throw new Error(failure());
      client.disconnect();
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

export async function startTestServer(options: ServerOptions = {}): Promise<RunningServer> {
  return startServer({ port: 0, ...options });
}

/** node-redis, in its default RESP3 or in RESP2. */
export async function nodeRedis(server: RunningServer, resp: 2 | 3 = 3): Promise<NodeRedisClient> {
  const client = createClient({ url: server.url, RESP: resp });
  client.on('error', () => {});
  await client.connect();
  return client as NodeRedisClient;
}

export async function ioredis(server: RunningServer, protocol: 2 | 3 = 3): Promise<Redis> {
  const client = new Redis({ host: server.host, port: server.port, protocol, lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** The error message a command fails with; fails the test if it succeeds. */
export async function errorOf(promise: Promise<unknown>): Promise<string> {
  try {
    const value = await promise;
    assert.unreachable(`expected an error, got ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof assert.Assertion) throw error;
    return (error as Error).message;
  }
  return '';
}

/** A command sent as it is, for arguments the client's typed API would refuse. */
export function raw(client: NodeRedisClient, ...args: string[]): Promise<unknown> {
  return client.sendCommand(args);
}

/**
 * Records the keyspace events the server signals (`class:event:key`, prefixed
 * with `db:` when withDb), in the classes KEA publishes: new-key (n) and
 * key-miss (m) events are outside 'A', and the suites pin KEA's sequences.
 * Clear it with `events.length = 0`.
 */
export function recordKeyspaceEvents(server: RunningServer, withDb: boolean): string[] {
  const events: string[] = [];
  server.server.keyspaceEventListeners.push((eventClass, event, key, dbId) => {
    if (eventClass === 'n' || eventClass === 'm') return;
    events.push(withDb ? `${dbId}:${eventClass}:${event}:${key}` : `${eventClass}:${event}:${key}`);
  });
  return events;
}
