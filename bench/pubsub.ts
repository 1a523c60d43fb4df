// PUBLISH throughput: one publisher pipelining PUBLISH to 1 and to 100
// subscribers, messages per second until every subscriber has every message,
// embedis (its own process) against a real redis-server. Prints figures and
// the ratio; never fails on speed.
//
//   npm run bench:pubsub  [-- --messages 50000 --size 64]

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
function flag(name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const text = i >= 0 ? args[i + 1] : process.env[`BENCH_${name.toUpperCase()}`];
  return text === undefined ? fallback : Number(text);
}
const MESSAGES = flag('messages', 50000);
const SIZE = flag('size', 64);
const BATCH = 100;
/** --pin CPU: run both servers under `taskset -c CPU` (run this driver on another CPU: taskset -c 1 npm run bench:pubsub -- --pin 0). */
const PIN = flag('pin', -1);

/** Spawns command args, under taskset when pinning (taskset execs: the pid is the server's). */
function spawnServer(command: string, argv: string[], stdio: 'ignore' | ['ignore', 'pipe', 'inherit']): ChildProcess {
  if (PIN < 0) return spawn(command, argv, { stdio });
  return spawn('taskset', ['-c', String(PIN), command, ...argv], { stdio });
}

async function startEmbedis(): Promise<{ port: number; proc: ChildProcess }> {
  const entry = new URL('../server/index.js', import.meta.url).href;
  const script = `import(${JSON.stringify(entry)}).then(async ({ startServer }) => { const s = await startServer({ port: 0 }); process.stdout.write(s.port + '\\n'); });`;
  const proc = spawnServer(process.execPath, ['--input-type=module', '-e', script], ['ignore', 'pipe', 'inherit']);
  const port = await new Promise<number>((resolve) => proc.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  return { port, proc };
}

async function startRedis(port: number): Promise<ChildProcess> {
  const proc = spawnServer('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], 'ignore');
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return proc;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('redis-server did not start');
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

function encode(...parts: string[]): Buffer {
  let out = `*${parts.length}\r\n`;
  for (const p of parts) out += `$${Buffer.byteLength(p)}\r\n${p}\r\n`;
  return Buffer.from(out);
}

/** Messages per second published (each delivered to every subscriber). */
async function run(port: number, subscribers: number): Promise<number> {
  const channel = 'bench';
  const payload = 'x'.repeat(SIZE);
  const frameBytes = encode('message', channel, payload).length;
  const subs: net.Socket[] = [];
  let received = 0;
  const expected = MESSAGES * subscribers * frameBytes;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  for (let i = 0; i < subscribers; i++) {
    const s = await connect(port);
    await new Promise<void>((resolve) => {
      s.once('data', () => resolve());
      s.write(encode('SUBSCRIBE', channel));
    });
    s.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= expected) done();
    });
    subs.push(s);
  }
  const pub = await connect(port);
  const batch = Buffer.concat(Array.from({ length: BATCH }, () => encode('PUBLISH', channel, payload)));
  let replies = 0;
  let replyBytes = 0;
  const replyLength = `:${subscribers}\r\n`.length;
  let wake: () => void = () => {};
  pub.on('data', (chunk: Buffer) => {
    replyBytes += chunk.length;
    replies = Math.floor(replyBytes / replyLength);
    wake();
  });
  const started = performance.now();
  let sent = 0;
  while (sent < MESSAGES) {
    pub.write(batch);
    sent += BATCH;
    // Keep at most a few batches in flight, as a client with a bounded pipeline would.
    while (sent - replies > BATCH * 4) await new Promise<void>((r) => (wake = r));
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;
  pub.destroy();
  for (const s of subs) s.destroy();
  return MESSAGES / seconds;
}

/** utime + stime of a process, in ms (Linux), or NaN. */
function cpuMs(pid: number | undefined): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

async function main(): Promise<void> {
  // --port N: drive an already running server only (for profiling it).
  const only = flag('port', 0);
  if (only > 0) {
    const counts = flag('subscribers', 0) > 0 ? [flag('subscribers', 0)] : [1, 100];
    for (const subscribers of counts) console.log(`${subscribers} subscribers: ${Math.round(await run(only, subscribers))} msg/s`);
    return;
  }
  const embedis = await startEmbedis();
  const redisPort = 7831;
  const redis = await startRedis(redisPort);
  try {
    console.log(`PUBLISH ${MESSAGES} messages of ${SIZE} bytes, pipelined in batches of ${BATCH}${PIN >= 0 ? `, servers pinned to CPU ${PIN}` : ''}`);
    console.log('Server CPU is utime+stime of each server process over the run (/proc/<pid>/stat), per message published.');
    console.log('subscribers  embedis msg/s  redis msg/s  ratio  embedis CPU us/msg  redis CPU us/msg  CPU ratio');
    for (const subscribers of [1, 100]) {
      let cpu = cpuMs(embedis.proc.pid);
      const ours = await run(embedis.port, subscribers);
      const ourCpu = ((cpuMs(embedis.proc.pid) - cpu) * 1000) / MESSAGES;
      cpu = cpuMs(redis.pid);
      const theirs = await run(redisPort, subscribers);
      const theirCpu = ((cpuMs(redis.pid) - cpu) * 1000) / MESSAGES;
      console.log(
        `${String(subscribers).padStart(11)}  ${Math.round(ours).toString().padStart(13)}  ${Math.round(theirs).toString().padStart(11)}  ${(ours / theirs).toFixed(2).padStart(5)}  ${ourCpu.toFixed(2).padStart(18)}  ${theirCpu.toFixed(2).padStart(16)}  ${(theirCpu / ourCpu).toFixed(2).padStart(9)}`,
      );
    }
  } finally {
    embedis.proc.kill();
    redis.kill();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
