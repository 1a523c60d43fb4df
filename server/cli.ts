#!/usr/bin/env node
// embedis-server [/path/to/redis.conf] [--directive value ...] [-], as redis-server takes them.

import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Config } from './config.js';
import { ConfigFileError, loadServerConfig, parseServerArgs } from './config-file.js';
import { REDIS_VERSION } from './commands/connection.js';
import { Server } from './server.js';
import { relaunchWithHeapLimit, tuneGcForCpus, watchLauncher } from './eviction/heap.js';
import { AofLoadError, startAof } from './persistence/aof-server.js';
import { saveOnShutdown, startRdb } from './persistence/snapshot.js';

const EMBEDIS_VERSION = '0.1.0';

const USAGE = `Usage: embedis-server [/path/to/redis.conf] [options] [-]
       embedis-server - (read config from stdin)
       embedis-server -v or --version
       embedis-server -h or --help

Examples:
       embedis-server (run the server with default conf)
       echo 'maxmemory 128mb' | embedis-server -
       embedis-server /etc/redis/6379.conf
       embedis-server --port 7777
       embedis-server --port 7777 --replicaof 127.0.0.1 8888
       embedis-server /etc/myredis.conf --loglevel verbose -
       embedis-server /etc/myredis.conf --loglevel verbose
`;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A log line before the server exists, in Redis's format with the 'C' (config) role. */
function earlyLog(mark: string, message: string): void {
  const d = new Date();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  process.stderr.write(`${process.pid}:C ${stamp} ${mark} ${message}\n`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '-v' || argv[0] === '--version') {
    process.stdout.write(`embedis server v=${REDIS_VERSION} sha=00000000:0 malloc=libc bits=64 build=embedis-${EMBEDIS_VERSION}\n`);
    return;
  }
  if (argv[0] === '-h' || argv[0] === '--help') {
    process.stdout.write(USAGE);
    return;
  }

  const args = parseServerArgs(argv);
  const config = new Config();
  try {
    loadServerConfig(config, args);
  } catch (error) {
    if (error instanceof ConfigFileError) {
      if (error.logLine) earlyLog('#', error.reason);
      else process.stderr.write(error.render());
      process.exit(1);
    }
    throw error;
  }

  // A V8 heap sized for maxmemory (or the machine) unless one was given: this script runs again under it.
  if (relaunchWithHeapLimit(config, fileURLToPath(import.meta.url), argv)) return;
  watchLauncher();
  const singleCpuGc = tuneGcForCpus();

  // Node cannot fork: daemonize starts a detached copy of this process and leaves.
  if (config.bool('daemonize') && process.env.EMBEDIS_DAEMON_CHILD !== '1') {
    const script = fileURLToPath(import.meta.url);
    const env = { ...process.env, EMBEDIS_DAEMON_CHILD: '1' };
    const child = spawn(process.execPath, [script, ...argv], { detached: true, stdio: 'ignore', env });
    child.unref();
    return;
  }

  const quiet = config.string('loglevel') === 'warning';
  if (!quiet) {
    earlyLog('#', 'oO0OoO0OoO0Oo embedis is starting oO0OoO0OoO0Oo');
    earlyLog('#', `embedis version=${EMBEDIS_VERSION} (Redis ${REDIS_VERSION} compatible), bits=64, pid=${process.pid}, just started`);
    if (args.configFile === null) {
      earlyLog('#', 'Warning: no config file specified, using the default config. In order to specify a config file use embedis-server /path/to/redis.conf');
    } else {
      earlyLog('#', 'Configuration loaded');
    }
  }

  const server = new Server(config);
  // As Redis: the AOF (when on) is loaded before the port opens; a bad one stops start-up.
  try {
    startAof(server);
  } catch (error) {
    if (!(error instanceof AofLoadError)) throw error;
    server.log('warning', error.message);
    process.exit(1);
  }
  try {
    startRdb(server);
  } catch (error) {
    server.log('warning', `Fatal error loading the DB: ${(error as Error).message}. Exiting.`);
    process.exit(1);
  }
  let port: number;
  try {
    port = await server.listen();
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    server.log('warning', `Warning: Could not create server TCP listening socket ${config.string('bind')}:${config.int('port')}: ${e.message}`);
    server.log('warning', 'Failed listening on port ' + config.int('port') + ' (TCP), aborting.');
    process.exit(1);
  }
  server.log('notice', `Running mode=standalone, port=${port}.`);
  if (singleCpuGc) server.log('verbose', 'One CPU available: young-generation collections run on the main thread alone.');
  server.log('warning', 'Server initialized');

  const pidfile = config.string('pidfile');
  if (pidfile !== '') {
    try {
      fs.writeFileSync(pidfile, `${process.pid}\n`);
    } catch (error) {
      server.log('warning', `Failed to write PID file: ${(error as Error).message}`);
    }
  }
  server.log('notice', 'Ready to accept connections');

  let stopping = false;
  const finish = () => {
    if (pidfile !== '') {
      try {
        fs.unlinkSync(pidfile);
      } catch {
        // already gone
      }
    }
    server.log('warning', 'embedis is now ready to exit, bye bye...');
    process.exit(0);
  };
  const stop = (signal: string) => {
    if (stopping) {
      server.log('warning', 'You insist... exiting now.');
      process.exit(1);
    }
    stopping = true;
    server.log('warning', `Received ${signal} scheduling shutdown...`);
    server.log('warning', 'User requested shutdown...');
    if (!saveOnShutdown(server, 'default')) {
      server.log('warning', "Error trying to save the DB, can't exit.");
      stopping = false;
      return;
    }
    void server.close().then(finish, finish);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // SHUTDOWN from a client.
  server.onShutdown = finish;
}

void main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
