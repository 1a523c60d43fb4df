// The embedding API: start a server inside a Node process (a test suite's
// global setup, say) and drive its clock.

import { Clock } from './clock.js';
import { Config } from './config.js';
import { Server } from './server.js';
import { startAof } from './persistence/aof-server.js';
import { persistenceOf, startRdb } from './persistence/snapshot.js';

export interface ServerOptions {
  /** TCP port; 0 (the default here) picks a free one. */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Any redis.conf directive, as text: { maxmemory: '100mb', 'maxmemory-policy': 'allkeys-lru' }. */
  config?: Record<string, string | number | boolean>;
  /** A clock to share between servers, or to advance before start. */
  clock?: Clock;
}

export interface RunningServer {
  host: string;
  port: number;
  /** redis://host:port, for clients that take a URL. */
  url: string;
  /** The server's clock: advance(ms) moves time for TTLs and expiry, so tests never sleep. */
  clock: Clock;
  /** The server itself, for tests that reach inside. */
  server: Server;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const config = new Config();
  // Embedded servers are quiet unless asked: a test suite's output is its own.
  config.set('loglevel', 'warning');
  for (const [name, value] of Object.entries(options.config ?? {})) {
    config.set(name, typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value));
  }
  const host = options.host ?? '127.0.0.1';
  config.set('bind', host);
  config.set('port', String(options.port ?? 0));
  const server = new Server(config, options.clock ?? new Clock());
  startAof(server);
  // An embedded server reads a dump file only when told where it is (dir or dbfilename).
  const given = options.config ?? {};
  startRdb(server, 'dir' in given || 'dbfilename' in given);
  // Nor does it write dump files on its own: the save rules (CONFIG GET save still shows
  // Redis's default) act only when options.config sets `save`.
  if (!('save' in given)) persistenceOf(server).autoSave = false;
  const port = await server.listen();
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    host,
    port,
    url: `redis://${urlHost}:${port}`,
    clock: server.clock,
    server,
    close: () => server.close(),
  };
}

export { Clock } from './clock.js';
export { Server } from './server.js';
export { Config } from './config.js';
