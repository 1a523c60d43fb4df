// Arguments kept past their socket read. embedis reads every socket into one
// reused buffer (server/socket-reads.ts), so whatever keeps an argument must
// copy it. Here the server runs with EMBEDIS_DEBUG_POISON_READS=1 (each read
// is overwritten once handled) and gets large pipelines whose arguments are
// kept by every path that keeps them: MULTI's queue, a client paused by
// CLIENT PAUSE, a blocked client's backlog, the script cache, function
// libraries, the slowlog, pub/sub delivery. Every value is read back.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mulberry32 } from '../test/seeded-random.js';
import { connectWhenUp, freePort } from './helpers.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'server', 'cli.js');
const test = suite('arguments kept past their read (poisoned reads)');


let child: ChildProcess;
let port = 0;
const clients: Redis[] = [];

function connect(): Redis {
  const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, lazyConnect: true });
  c.on('error', () => {});
  clients.push(c);
  return c;
}

test.before(async () => {
  port = await freePort();
  child = spawn(process.execPath, ['--max-old-space-size=512', CLI, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
    env: { ...process.env, EMBEDIS_DEBUG_POISON_READS: '1' },
  });
  await connectWhenUp(connect(), () => 'embedis did not start');
});

test.after(async () => {
  for (const c of clients) c.disconnect();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
});

/** A value of n bytes, all different from one seed to the next. */
function value(seed: number, n: number): Buffer {
  const random = mulberry32(seed);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (random() * 256) | 0;
  return b;
}

test('MULTI queues, scripts, functions, pub/sub, blocked and paused clients keep their arguments', async () => {
  const main = connect();
  const subscriber = connect();
  const blocked = connect();
  const pauser = connect();
  await Promise.all([main.connect(), subscriber.connect(), blocked.connect(), pauser.connect()]);
  await main.config('SET', 'slowlog-log-slower-than', '0');

  const messages: Buffer[] = [];
  subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) => messages.push(message));
  await subscriber.subscribe('news');
  const popped = blocked.blpopBuffer('blocked-list', 5);
  await sleep(50);

  const expected = new Map<string, Buffer>();
  const pipeline = main.pipeline();
  // MULTI: 40 values of 5-9 KB queued, so the queue spans many reads.
  pipeline.call('MULTI');
  for (let i = 0; i < 40; i++) {
    const v = value(100 + i, 5000 + i * 100);
    expected.set(`tx:${i}`, v);
    pipeline.set(`tx:${i}`, v);
  }
  pipeline.call('EXEC');
  // A script and a function library padded past one read (64 KB), then run.
  const pad = `-- ${'x'.repeat(70_000)}\n`;
  const script = `${pad}return redis.call('SET', KEYS[1], ARGV[1])`;
  pipeline.script('LOAD', script);
  pipeline.function('LOAD', 'REPLACE', `#!lua name=keep\n${pad}redis.register_function('keep_set', function(keys, args) return redis.call('SET', keys[1], args[1]) end)`);
  for (let i = 0; i < 10; i++) {
    const v = value(200 + i, 3000);
    expected.set(`script:${i}`, v);
    pipeline.eval(script, 1, `script:${i}`, v);
    const w = value(300 + i, 3000);
    expected.set(`fn:${i}`, w);
    pipeline.fcall('keep_set', 1, `fn:${i}`, w);
  }
  // Pub/sub: messages of 20 KB.
  const sent: Buffer[] = [];
  for (let i = 0; i < 8; i++) {
    const m = value(400 + i, 20_000);
    sent.push(m);
    pipeline.publish('news', m);
  }
  // The blocked client is served by this push.
  const pushed = value(500, 30_000);
  pipeline.rpush('blocked-list', pushed);
  await pipeline.exec();

  // CLIENT PAUSE WRITE: the writes wait in the paused client's backlog, then run.
  await pauser.client('PAUSE', 300, 'WRITE');
  const paused = main.pipeline();
  for (let i = 0; i < 20; i++) {
    const v = value(600 + i, 8000);
    expected.set(`paused:${i}`, v);
    paused.set(`paused:${i}`, v);
  }
  await paused.exec();
  // The slowlog keeps the first 128 bytes of each argument: those of the SET of paused:19 are intact.
  const log = (await main.callBuffer('SLOWLOG', 'GET', '10')) as Array<[number, number, number, Buffer[]]>;
  const entry = log.find((e) => e[3][0].toString('latin1').toLowerCase() === 'set' && e[3][1].toString('latin1') === 'paused:19');
  assert.ok(entry !== undefined, 'the SET is in the slowlog');
  assert.is(entry[3][2].subarray(0, 128).toString('hex'), expected.get('paused:19')!.subarray(0, 128).toString('hex'));

  for (const [key, v] of expected) {
    const got = await main.getBuffer(key);
    assert.ok(got !== null && got.equals(v), `${key} read back as written`);
  }
  const served = await popped;
  assert.ok(served !== null && served[1].equals(pushed), 'the blocked client got the pushed value');
  for (let i = 0; i < 50 && messages.length < sent.length; i++) await sleep(20);
  assert.is(messages.length, sent.length);
  sent.forEach((m, i) => assert.ok(messages[i].equals(m), `message ${i} delivered as published`));
});

test.run();
