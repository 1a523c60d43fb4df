// Two checks of maxmemory under load, against an embedis child process:
//  1. flood: maxmemory 100mb, allkeys-lru, N SETs of 100-byte values (default
//     5,000,000): the highest used_memory and RSS seen, against maxmemory and
//     2.5 x maxmemory + the empty server's RSS.
//  2. lower: fill to maxmemory 1gb, then CONFIG SET maxmemory 100mb while a
//     client PINGs every 2 ms: the longest PING round trip while the server
//     evicts its way down (eviction is incremental: no tick should block > 50 ms).
// Run: node dist/bench/eviction/flood.js [--sets 5000000] [--fill-mb 1024] [--low-mb 100] [--only flood|lower]

import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RespConnection } from './resp-connection.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const SETS = Number(option('sets', '5000000'));
const FILL_MB = Number(option('fill-mb', '1024'));
const LOW_MB = Number(option('low-mb', '100'));
const ONLY = option('only', '');
const MB = 1024 * 1024;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function start(args: string[]): Promise<{ child: ChildProcess; conn: RespConnection }> {
  const port = await freePort();
  const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../server/cli.js');
  const child = spawn(process.execPath, [cli, '--port', String(port), '--save', '', '--loglevel', 'warning', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 200; i++) {
    try {
      return { child, conn: await RespConnection.connect(port) };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('server did not start');
}

function field(info: string, name: string): number {
  const m = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  return m ? Number(m[1]) : NaN;
}

async function memory(conn: RespConnection): Promise<{ used: number; rss: number }> {
  const info = String(await conn.call(['INFO', 'memory']));
  return { used: field(info, 'used_memory'), rss: field(info, 'used_memory_rss') };
}

function bar(label: string, share: number): void {
  const filled = Math.round(Math.min(1, share) * 30);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${(share * 100).toFixed(1).padStart(5)}% ${label}   `);
}

async function fill(conn: RespConnection, count: number, prefix: string, label: string, onSample?: (done: number) => Promise<void>): Promise<void> {
  const value = 'x'.repeat(100);
  const batch = 512;
  for (let i = 0; i < count; i += batch) {
    const cmds: string[][] = [];
    for (let j = i; j < Math.min(count, i + batch); j++) cmds.push(['SET', `${prefix}:${j}`, value]);
    await conn.pipeline(cmds);
    if ((i / batch) % 200 === 0) {
      bar(label, i / count);
      if (onSample) await onSample(i);
    }
  }
  bar(label, 1);
  process.stderr.write('\n');
}

async function flood(): Promise<void> {
  const { child, conn } = await start(['--maxmemory', '100mb', '--maxmemory-policy', 'allkeys-lru']);
  const empty = await memory(conn);
  let maxUsed = 0;
  let maxRss = 0;
  const started = performance.now();
  await fill(conn, SETS, 'flood', `flood: ${SETS} SETs, maxmemory 100mb`, async () => {
    const m = await memory(conn);
    maxUsed = Math.max(maxUsed, m.used);
    maxRss = Math.max(maxRss, m.rss);
  });
  const seconds = (performance.now() - started) / 1000;
  const end = await memory(conn);
  maxUsed = Math.max(maxUsed, end.used);
  maxRss = Math.max(maxRss, end.rss);
  const pong = await conn.call(['PING']);
  const stats = String(await conn.call(['INFO', 'stats']));
  const keys = await conn.call(['DBSIZE']);
  const rssLimit = 2.5 * 100 * MB + empty.rss;
  process.stdout.write(
    [
      `## flood`,
      `SETs: ${SETS} in ${seconds.toFixed(1)} s (${Math.round(SETS / seconds)} /s), keys resident: ${keys}, evicted_keys: ${field(stats, 'evicted_keys')}`,
      `max used_memory: ${(maxUsed / MB).toFixed(1)} MB (maxmemory 100 MB) -> ${maxUsed <= 100 * MB ? 'OK' : 'OVER'}`,
      `max RSS: ${(maxRss / MB).toFixed(1)} MB; limit 2.5 x 100 MB + empty RSS ${(empty.rss / MB).toFixed(1)} MB = ${(rssLimit / MB).toFixed(1)} MB -> ${maxRss <= rssLimit ? 'OK' : 'OVER'}`,
      `still answering: PING -> ${String(pong)}`,
      '',
    ].join('\n'),
  );
  conn.close();
  child.kill();
}

async function lower(): Promise<void> {
  const { child, conn } = await start(['--maxmemory', `${FILL_MB}mb`, '--maxmemory-policy', 'allkeys-lru']);
  // Fill until the server starts evicting (it is full).
  let n = 0;
  const value = 'x'.repeat(100);
  for (;;) {
    const cmds: string[][] = [];
    for (let j = 0; j < 4096; j++) cmds.push(['SET', `fill:${n++}`, value]);
    await conn.pipeline(cmds);
    if (n % (4096 * 50) === 0) {
      const m = await memory(conn);
      bar(`filling to maxmemory ${FILL_MB}mb: ${(m.used / MB).toFixed(0)} MB`, m.used / (FILL_MB * MB));
      if (field(String(await conn.call(['INFO', 'stats'])), 'evicted_keys') > 0) break;
    }
  }
  process.stderr.write('\n');
  const probe = await RespConnection.connect((conn as unknown as { socket: net.Socket }).socket.remotePort!);
  let maxRtt = 0;
  let pings = 0;
  let running = true;
  const pinger = (async () => {
    while (running) {
      const t = performance.now();
      await probe.call(['PING']);
      maxRtt = Math.max(maxRtt, performance.now() - t);
      pings++;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  const started = performance.now();
  await conn.call(['CONFIG', 'SET', 'maxmemory', `${LOW_MB}mb`]);
  let m = await memory(conn);
  while (m.used > LOW_MB * MB) {
    await new Promise((r) => setTimeout(r, 20));
    m = await memory(conn);
  }
  const seconds = (performance.now() - started) / 1000;
  running = false;
  await pinger;
  const stats = String(await conn.call(['INFO', 'stats']));
  process.stdout.write(
    [
      `## lower maxmemory ${FILL_MB}mb -> ${LOW_MB}mb on a full server (${n} keys written)`,
      `down to ${(m.used / MB).toFixed(1)} MB in ${seconds.toFixed(2)} s, evicted_keys ${field(stats, 'evicted_keys')}`,
      `longest PING round trip meanwhile: ${maxRtt.toFixed(1)} ms over ${pings} PINGs (goal: no tick blocks > 50 ms)`,
      '',
    ].join('\n'),
  );
  probe.close();
  conn.close();
  child.kill();
}

if (ONLY !== 'lower') await flood();
if (ONLY !== 'flood') await lower();
