// Crash tests: embedis runs as its own process with an AOF, four clients
// write and remember what was acknowledged, the process is killed with
// SIGKILL, restarted, and every acknowledged write must be there
// (appendfsync always), or only the last moments may be missing (everysec).

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { tempDir } from './rdb-support.js';
import { connectWhenUp, freePort } from './helpers.js';

const test = suite('aof-crash');
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'server', 'cli.js');
const WRITERS = 4;


interface Child {
  process: ChildProcess;
  port: number;
  stderr: () => string;
}

async function startEmbedis(dir: string, extra: string[]): Promise<Child> {
  const port = await freePort();
  // A heap size on the command line keeps the CLI from relaunching itself in a child (eviction/heap.ts):
  // the process killed must be the server itself.
  const child = spawn(process.execPath, ['--max-old-space-size=512', CLI, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const probe = client(port);
  try {
    await connectWhenUp(probe, () => `embedis did not start: ${err}`, { exited: () => (child.exitCode !== null ? `embedis exited: ${err}` : null) });
  } finally {
    probe.disconnect();
  }
  return { process: child, port, stderr: () => err };
}

function client(port: number): Redis {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  c.on('error', () => {});
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function kill9(child: Child): Promise<void> {
  if (child.process.exitCode !== null) return;
  const exited = new Promise((r) => child.process.once('exit', r));
  child.process.kill('SIGKILL');
  await exited;
}

/** What one writer saw acknowledged: sequence numbers and when. */
interface Acks {
  seqs: number[];
  at: number[];
}

/**
 * Four clients each RPUSH an increasing sequence to their own list (a few
 * commands in flight at a time) and SET a key per write; runs for ms, then
 * the server is killed while they are still writing.
 */
async function writeThenKill(child: Child, round: number, ms: number, acks: Acks[]): Promise<number> {
  let stop = false;
  const writers: Array<Promise<void>> = [];
  const clients: Redis[] = [];
  for (let w = 0; w < WRITERS; w++) {
    const c = client(child.port);
    await c.connect();
    clients.push(c);
    const mine = acks[w];
    writers.push(
      (async () => {
        let seq = mine.seqs.length === 0 ? 0 : mine.seqs[mine.seqs.length - 1] + 1;
        let failed = false;
        while (!stop && !failed) {
          const batch: Array<Promise<void>> = [];
          for (let k = 0; k < 4; k++, seq++) {
            const n = seq;
            batch.push(
              c.multi().rpush(`log:${w}`, String(n)).set(`k:${w}:${n}`, `r${round}`).exec().then(
                (result) => {
                  if (result === null || result.some(([error]) => error !== null)) return;
                  mine.seqs.push(n);
                  mine.at.push(Date.now());
                },
                () => {
                  failed = true; // the server is gone
                },
              ),
            );
          }
          await Promise.all(batch);
          await new Promise((r) => setImmediate(r));
        }
      })(),
    );
  }
  await sleep(ms);
  await kill9(child);
  const killedAt = Date.now();
  stop = true;
  await Promise.all(writers);
  for (const c of clients) c.disconnect();
  return killedAt;
}

/** Acknowledged writes the restarted server does not have, with their ack times. */
async function lostWrites(port: number, acks: Acks[]): Promise<number[]> {
  const c = client(port);
  await c.connect();
  const lostAt: number[] = [];
  try {
    for (let w = 0; w < WRITERS; w++) {
      const log = new Set(await c.lrange(`log:${w}`, 0, -1));
      const { seqs, at } = acks[w];
      for (let i = 0; i < seqs.length; i++) if (!log.has(String(seqs[i]))) lostAt.push(at[i]);
      // The per-write keys went in the same MULTI: spot-check the last ones.
      const tail = seqs.slice(-20);
      if (tail.length > 0) {
        const values = await c.mget(...tail.map((n) => `k:${w}:${n}`));
        for (let i = 0; i < tail.length; i++) if (values[i] === null && log.has(String(tail[i]))) lostAt.push(-1);
      }
    }
  } finally {
    c.disconnect();
  }
  return lostAt;
}

test('appendfsync always: 10 kill -9 restarts under 4 writers lose no acknowledged write', async () => {
  const dir = tempDir('aof-crash-always');
  const acks: Acks[] = Array.from({ length: WRITERS }, () => ({ seqs: [], at: [] }));
  let child: Child | null = null;
  try {
    child = await startEmbedis(dir, ['--appendfsync', 'always']);
    for (let round = 0; round < 10; round++) {
      await writeThenKill(child, round, 500, acks);
      child = await startEmbedis(dir, ['--appendfsync', 'always']);
      const lost = await lostWrites(child.port, acks);
      assert.is(lost.length, 0, `round ${round}: ${lost.length} acknowledged writes lost`);
    }
    const total = acks.reduce((n, a) => n + a.seqs.length, 0);
    assert.ok(total > 100, `only ${total} writes were acknowledged`);
  } finally {
    if (child !== null) await kill9(child);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('appendfsync everysec: writes lost on kill -9 span at most 1.5 s', async () => {
  const dir = tempDir('aof-crash-everysec');
  const acks: Acks[] = Array.from({ length: WRITERS }, () => ({ seqs: [], at: [] }));
  let child: Child | null = null;
  try {
    child = await startEmbedis(dir, ['--appendfsync', 'everysec']);
    for (let round = 0; round < 3; round++) {
      const killedAt = await writeThenKill(child, round, 1200, acks);
      child = await startEmbedis(dir, ['--appendfsync', 'everysec']);
      const lost = await lostWrites(child.port, acks);
      const oldest = lost.length === 0 ? killedAt : Math.min(...lost);
      assert.ok(killedAt - oldest <= 1500, `round ${round}: lost writes acknowledged ${killedAt - oldest} ms before the kill`);
      // What is lost is lost for good: forget it so the next round checks only new writes.
      for (const a of acks) {
        a.seqs.length = 0;
        a.at.length = 0;
      }
      const c = client(child.port);
      await c.connect();
      for (let w = 0; w < WRITERS; w++) {
        const log = await c.lrange(`log:${w}`, -1, -1);
        if (log.length > 0) {
          acks[w].seqs.push(Number(log[0]));
          acks[w].at.push(Date.now());
        }
      }
      c.disconnect();
    }
  } finally {
    if (child !== null) await kill9(child);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an AOF cut in the middle of its last record starts with every complete record', async () => {
  const dir = tempDir('aof-crash-cut');
  const acks: Acks[] = Array.from({ length: WRITERS }, () => ({ seqs: [], at: [] }));
  let restarted: Child | null = null;
  try {
    const child = await startEmbedis(dir, ['--appendfsync', 'always']);
    await writeThenKill(child, 0, 500, acks);
    const aofDir = path.join(dir, 'appendonlydir');
    const incr = path.join(aofDir, fs.readdirSync(aofDir).find((f) => f.endsWith('.incr.aof'))!);
    const whole = fs.readFileSync(incr);
    // The last record is an EXEC; cut inside the last RPUSH instead, so a whole MULTI is incomplete.
    const lastMulti = whole.lastIndexOf('*1\r\n$5\r\nMULTI\r\n');
    const cutAt = lastMulti + 15 + 6;
    fs.writeFileSync(incr, whole.subarray(0, cutAt));
    // The acknowledged writes in the cut transaction are the ones we destroyed by hand.
    restarted = await startEmbedis(dir, ['--appendfsync', 'always']);
    assert.match(restarted.stderr(), /short read while loading the AOF file/);
    assert.match(restarted.stderr(), /Revert incomplete MULTI\/EXEC transaction/);
    const lost = await lostWrites(restarted.port, acks);
    assert.ok(lost.length <= 1, `${lost.length} complete records missing`);
    assert.is(fs.statSync(incr).size, lastMulti);
  } finally {
    if (restarted !== null) await kill9(restarted);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
