// The heap is a limit too: a server started with a small V8 heap and no
// maxmemory answers OOM to writes near the limit, keeps serving reads, and
// does not die. And the CLI picks a heap size when none is given.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { heapSizeFor, tuneGcForCpus } from '../server/eviction/heap.js';
import { freePort, ioredis } from './helpers.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'server', 'cli.js');
const OOM = "OOM command not allowed when used memory > 'maxmemory'.";


async function startCli(port: number, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--loglevel', 'warning'], {
    stdio: 'ignore',
    env: { ...process.env, ...env },
  });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (up) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

const test = suite('heap limit');

test('heap size: suited to maxmemory, or to the machine', () => {
  assert.is(heapSizeFor(100 * 1024 * 1024), 210);
  assert.is(heapSizeFor(1024 * 1024), 160);
  assert.is(heapSizeFor(0, 8 * 1024 * 1024 * 1024), 6144);
});

test('one CPU: young collections without helper threads (the CLI says so at verbose)', async () => {
  assert.is(tuneGcForCpus(2), false);
  assert.is(tuneGcForCpus(8), false);
  const port = await freePort();
  const child = spawn('taskset', ['-c', '0', process.execPath, CLI, '--port', String(port), '--save', '', '--loglevel', 'verbose'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk: Buffer) => (output += chunk.toString('latin1')));
  try {
    for (let i = 0; i < 100 && !output.includes('Ready to accept connections'); i++) await new Promise((r) => setTimeout(r, 50));
    assert.match(output, /One CPU available: young-generation collections run on the main thread alone/);
  } finally {
    child.kill('SIGKILL');
  }
});

test('near a 128 MB heap, SET answers OOM while GET and DEL go on; the server lives', async () => {
  const port = await freePort();
  const child = await startCli(port, { NODE_OPTIONS: '--max-old-space-size=128' });
  let exited = false;
  child.on('exit', () => (exited = true));
  try {
    const io = await ioredis({ host: '127.0.0.1', port, url: '', clock: null as never, server: null as never, close: async () => {} }, 2);
    const value = 'v'.repeat(1000);
    let refused: Error | null = null;
    let written = 0;
    for (let round = 0; round < 400 && refused === null; round++) {
      const pipeline = io.pipeline();
      for (let i = 0; i < 500; i++) pipeline.set(`k:${round}:${i}`, value);
      const results = (await pipeline.exec()) ?? [];
      for (const [error] of results) {
        if (error) {
          refused = error;
          break;
        }
        written++;
      }
    }
    assert.ok(refused !== null, `never refused after ${written} writes`);
    assert.is(refused!.message, OOM);
    assert.ok(written > 10000, `only ${written} writes`);
    assert.is(await io.get('k:0:0'), value);
    assert.is(await io.del('k:0:0'), 1);
    assert.is(await io.ping(), 'PONG');
    assert.is(exited, false);
    io.disconnect();
  } finally {
    child.kill('SIGKILL');
  }
});

test('the CLI relaunches itself with a heap size when none is given, and dies with its launcher', async () => {
  const port = await freePort();
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = await startCli(port, { NODE_OPTIONS: '' });
  const io = await ioredis({ host: '127.0.0.1', port, url: '', clock: null as never, server: null as never, close: async () => {} }, 2);
  try {
    const info = await io.info('server');
    const pid = Number(/^process_id:(\d+)/m.exec(info)?.[1]);
    assert.ok(pid > 0 && pid !== child.pid, 'the server runs in a relaunched process');
    // The relaunch gives node the heap size and the 4 MB young generation (eviction/heap.ts nodeFlagsFor).
    const options = /(?:^|\0)NODE_OPTIONS=([^\0]*)/.exec(fs.readFileSync(`/proc/${pid}/environ`, 'latin1'))?.[1] ?? '';
    assert.match(options, /--max-old-space-size=\d+/);
    assert.match(options, /--max-semi-space-size=4(\s|$)/);
    io.disconnect();
    child.kill('SIGKILL');
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        process.kill(pid, 0);
      } catch {
        alive = false;
      }
    }
    assert.is(alive, false, 'the relaunched server outlived its launcher');
  } finally {
    // An assertion that failed above must not leave the client reconnecting (the suite would never exit).
    io.disconnect();
    child.kill('SIGKILL');
  }
});

test.run();
