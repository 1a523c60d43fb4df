#!/usr/bin/env node
// embedis-server [redis.conf] [--directive value ...], as redis-server takes them.

import { Config, ConfigError } from './config.js';
import { Server } from './server.js';

function parseArgs(argv: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      throw new ConfigError(`unexpected argument '${arg}'`);
    }
    const name = arg.slice(2);
    const values: string[] = [];
    i++;
    while (i < argv.length && !argv[i].startsWith('--')) values.push(argv[i++]);
    pairs.push([name, values.join(' ')]);
  }
  return pairs;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '-v' || args[0] === '--version') {
    console.log('embedis v=0.1.0 (Redis 7.0 compatible)');
    return;
  }
  const config = new Config();
  try {
    for (const [name, value] of parseArgs(args)) config.set(name, value);
  } catch (error) {
    console.error(`\n*** FATAL CONFIG FILE ERROR (embedis) ***\n${(error as Error).message}`);
    process.exit(1);
  }
  const server = new Server(config);
  const port = await server.listen();
  server.log('notice', `embedis ready to accept connections on port ${port}`);
  const stop = () => {
    server.log('warning', 'Received signal, scheduling shutdown...');
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.onShutdown = () => process.exit(0);
}

void main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
