// Starts a private real redis-server (the oracle) on a free loopback port,
// without persistence, and stops it again.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { RespConnection } from './connection.js';

export interface RedisProcess {
  host: string;
  port: number;
  version: string;
  stop(): Promise<void>;
}

/** The redis-server binary to use: $REDIS_SERVER or the one on PATH; null when absent. */
export function findRedisServer(): { path: string; version: string } | null {
  const path = process.env.REDIS_SERVER || 'redis-server';
  const probe = spawnSync(path, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return null;
  const version = /v=(\S+)/.exec(probe.stdout)?.[1] ?? 'unknown';
  return { path, version };
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startRedisServer(binary: { path: string; version: string }): Promise<RedisProcess> {
  const host = '127.0.0.1';
  let lastError: unknown;
  // The port is free when probed; another process may take it first, so retry.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort(host);
    const child = spawn(
      binary.path,
      ['--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', '', '--dir', '/tmp'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    running.add(child);
    let exited = false;
    child.once('exit', () => {
      exited = true;
      running.delete(child);
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 5000;
    while (!exited && Date.now() < deadline) {
      try {
        const probe = await RespConnection.open(host, port, 2000);
        const pong = await probe.command('PING');
        probe.close();
        if (pong.type === 'simple' && pong.value === 'PONG') {
          return {
            host,
            port,
            version: binary.version,
            stop: () => stopChild(child),
          };
        }
      } catch (error) {
        lastError = error;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    await stopChild(child);
    lastError = new Error(`redis-server did not start on port ${port}: ${stderr || String(lastError)}`);
  }
  throw lastError;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
