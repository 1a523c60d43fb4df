// In-process cost of one command through the whole server path (request
// parsing, dispatch, the handler, the reply writer) without sockets: local
// clients are fed pipelines the way a socket read feeds them (one reused read
// buffer), so the kernel's share and the benchmark client's scheduling, the
// noisiest parts of a redis-benchmark run on a small VM, are left out. Use it
// to compare two builds of the server on one command (A/B, alternating runs);
// bench/datatypes.ts and bench/throughput.ts give the figures against Redis.
//
// Usage: node dist/bench/dispatch-micro.js [--root <dir with dist/>] [--seconds 2]
//          [--pipeline 16] [--prep "ZADD z __rand_int__ m:__rand_int__"] -- CMD ARG...
// __rand_int__ becomes a 12-digit number below 100000, as redis-benchmark -r 100000
// writes it. --prep is sent 320,000 times first (to fill a value). Prints the
// median over five timed slices of process CPU ns per command (GC threads
// included). Reports only.

import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Client } from '../server/client.js';
import type { RunningServer, ServerOptions } from '../server/index.js';
import { xorshift32 } from '../test/seeded-random.js';

interface Options {
  root: string;
  seconds: number;
  pipeline: number;
  prep: string[] | null;
  command: string[];
}

function readOptions(): Options {
  const argv = process.argv.slice(2);
  const split = argv.indexOf('--');
  const flags = split < 0 ? [] : argv.slice(0, split);
  const command = split < 0 ? argv : argv.slice(split + 1);
  const flag = (name: string): string | undefined => {
    const at = flags.indexOf(`--${name}`);
    return at >= 0 ? flags[at + 1] : undefined;
  };
  if (command.length === 0) throw new Error('usage: dispatch-micro [--root dir] [--seconds s] [--pipeline p] [--prep "CMD ..."] -- CMD ARG...');
  const here = fileURLToPath(new URL('.', import.meta.url));
  return {
    root: resolve(flag('root') ?? join(here, '..', '..')),
    seconds: Number(flag('seconds') ?? 2),
    pipeline: Number(flag('pipeline') ?? 16),
    prep: flag('prep')?.split(' ') ?? null,
    command,
  };
}

const random = xorshift32(12345);

function encode(args: string[]): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) {
    const filled = arg.replace(/__rand_int__/g, () => String(Math.floor(random() * 100000)).padStart(12, '0'));
    out += `$${Buffer.byteLength(filled, 'latin1')}\r\n${filled}\r\n`;
  }
  return out;
}

/** `count` pipelines of `depth` commands each, encoded once up front. */
function pipelines(args: string[], count: number, depth: number): Buffer[] {
  const out: Buffer[] = [];
  for (let k = 0; k < count; k++) {
    let text = '';
    for (let i = 0; i < depth; i++) text += encode(args);
    out.push(Buffer.from(text, 'latin1'));
  }
  return out;
}

/** One socket read's worth: copied into the shared read buffer, then handed to the client. */
function feed(client: Client, read: Buffer, bytes: Buffer): void {
  bytes.copy(read, 0);
  client.onData(read.subarray(0, bytes.length));
  client.flush(); // what the end of the event-loop turn does for a socket's client
}

async function main(): Promise<void> {
  const options = readOptions();
  const { startServer } = (await import(pathToFileURL(join(options.root, 'dist', 'server', 'index.js')).href)) as {
    startServer(options: ServerOptions): Promise<RunningServer>;
  };
  const running = await startServer({ port: 0 });
  const clients = Array.from({ length: 50 }, () => running.server.createLocalClient());
  const read = Buffer.allocUnsafeSlow(64 * 1024);
  if (options.prep !== null) for (const bytes of pipelines(options.prep, 20_000, 16)) feed(clients[0], read, bytes);
  const work = pipelines(options.command, 2000, options.pipeline);

  let k = 0;
  const slice = (ms: number): number => {
    const end = performance.now() + ms;
    let commands = 0;
    const start = process.cpuUsage();
    while (performance.now() < end) {
      for (let j = 0; j < 200; j++, k++) {
        feed(clients[k % clients.length], read, work[k % work.length]);
        commands += options.pipeline;
      }
    }
    const cpu = process.cpuUsage(start);
    return ((cpu.user + cpu.system) * 1000) / commands;
  };
  slice(1500); // warm-up: the JIT, and values the command fills
  const costs: number[] = [];
  for (let r = 0; r < 5; r++) costs.push(slice((options.seconds * 1000) / 5));
  costs.sort((a, b) => a - b);
  console.log(`${options.command.join(' ')} (pipeline ${options.pipeline}): ${costs[2].toFixed(0)} ns CPU per command [${costs.map((c) => c.toFixed(0)).join(' ')}]`);
  await running.close();
}

await main();
