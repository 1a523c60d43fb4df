// Shared set-up for conformance suites: an embedis server started in-process
// on port 0, and stock clients connected to it over TCP.

import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { startServer, type RunningServer, type ServerOptions } from '../server/index.js';

export type NodeRedisClient = ReturnType<typeof createClient>;

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
