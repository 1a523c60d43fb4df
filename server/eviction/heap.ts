// The V8 heap is a limit too: node's default old-space size has nothing to do
// with maxmemory. The CLI re-runs itself with a heap suited to maxmemory (or,
// with maxmemory 0, to the machine) unless the user chose one; the server then
// refuses writes near the heap limit (eviction/index.ts) instead of dying.

import os from 'node:os';
import { spawn } from 'node:child_process';
import v8 from 'node:v8';
import type { Config } from '../config.js';

const MB = 1024 * 1024;
const HEAP_FLAG = /--max-old-space-size[= ]\d+/;

/** The old-space size (MB) for this config: room for the dataset and its garbage, or 3/4 of the RAM. */
export function heapSizeFor(maxmemory: number, totalMemory = os.totalmem()): number {
  if (maxmemory > 0) return Math.max(160, Math.ceil((maxmemory * 1.3) / MB) + 80);
  return Math.max(512, Math.floor((totalMemory * 0.75) / MB));
}

/** Whether the heap size was chosen already (by the user or by an earlier relaunch). */
export function heapSizeGiven(): boolean {
  if (process.execArgv.some((a) => a.startsWith('--max-old-space-size'))) return true;
  return HEAP_FLAG.test(process.env.NODE_OPTIONS ?? '');
}

/**
 * Re-runs `script argv` in a child node with the heap size in NODE_OPTIONS (so
 * a daemonized grandchild keeps it), forwarding signals and the exit code.
 * Returns false when no relaunch is needed.
 */
export function relaunchWithHeapLimit(config: Config, script: string, argv: string[]): boolean {
  if (heapSizeGiven() || process.env.EMBEDIS_NO_HEAP_RELAUNCH === '1') return false;
  // A config read from stdin cannot be read again by the child.
  if (argv.includes('-')) return false;
  const size = heapSizeFor(config.int('maxmemory'));
  const options = [process.env.NODE_OPTIONS ?? '', `--max-old-space-size=${size}`, ...nodeFlagsFor(config.int('maxmemory'))].join(' ').trim();
  // The IPC channel lets the server see this wrapper die, even by SIGKILL (see watchLauncher).
  const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_OPTIONS: options, EMBEDIS_LAUNCHER: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
  return true;
}

/**
 * In a relaunched server: when the launcher goes away without having
 * forwarded a signal (killed with SIGKILL, say), the server dies at once too,
 * as the process the caller started and killed would have.
 */
export function watchLauncher(): void {
  if (process.env.EMBEDIS_LAUNCHER !== '1' || process.channel === undefined) return;
  delete process.env.EMBEDIS_LAUNCHER;
  process.channel.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}

/**
 * V8 flags besides the heap size that the CLI's relaunch sets for a server
 * with this maxmemory (bench/eviction/stall and bench/persistence start their
 * servers with the same).
 *
 * A young generation of 4 MB semi-spaces (V8's default grows to 16 MB): on a
 * big keyspace every write leaves an old-to-new pointer on a random page, and
 * a young-generation GC's pause grows with the pages it must visit, so with
 * fewer writes between collections the pauses are shorter. Measured with
 * bench/persistence.ts (1M keys, 4 writing clients, BGSAVE, pinned core):
 * longest young GC 7.0 -> 3.5-4.2 ms, p99.9 latency 6.8-7.4 -> 4.7-5.2 ms;
 * CPU per SET at pipeline 16 +0-6% (2 MB semi-spaces: p99.9 4.0 ms but +15%).
 */
export function nodeFlagsFor(_maxmemory: number): string[] {
  return ['--max-semi-space-size=4'];
}

/**
 * On a process allowed one CPU only (taskset, a one-core container), young
 * collections run on the main thread alone. V8's parallel scavenge hands part
 * of each pause to helper threads, which then wait for the same core: with
 * bench/persistence.ts's server pinned to one CPU, the longest young pauses
 * during a BGSAVE went from 3.3-3.7 ms to 2.1-2.9 ms. The flag is read at
 * every collection, so setting it at start-up is enough. The standalone
 * server only: an embedding process keeps its own GC settings.
 */
export function tuneGcForCpus(cpus = os.availableParallelism()): boolean {
  if (cpus !== 1) return false;
  v8.setFlagsFromString('--no-parallel-scavenge');
  return true;
}
