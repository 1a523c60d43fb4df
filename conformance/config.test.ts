// CONFIG GET/SET/REWRITE/RESETSTAT/HELP through stock clients, and the
// embedis-server command line started as a child process with a redis.conf.
// Expected texts are those of a real redis-server 7.0.15.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { nodeRedis, startTestServer } from './helpers.js';
import type { RunningServer } from '../server/index.js';

const test = suite('config');
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'server', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'embedis-conf-'));
let server: RunningServer;

async function replyError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error reply');
}

function ioredisClient(port: number, protocol: 2 | 3): Redis {
  const client = new Redis({ port, host: '127.0.0.1', protocol, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  return client;
}

test.before(async () => {
  server = await startTestServer();
});
test.after(async () => {
  await server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

for (const resp of [2, 3] as const) {
  test(`node-redis RESP${resp}: CONFIG GET patterns, map in RESP3 / flat array in RESP2`, async () => {
    const client = await nodeRedis(server, resp);
    assert.equal(await client.configGet('maxmemory-policy'), { 'maxmemory-policy': 'noeviction' });
    const several = await client.configGet(['hz', 'hash-max-*-entries', 'hz']);
    assert.equal(several, { hz: '10', 'hash-max-listpack-entries': '512', 'hash-max-ziplist-entries': '512' });
    const all = await client.configGet('*');
    assert.ok(Object.keys(all).length >= 190, 'every parameter');
    assert.is(all['save'], '3600 1 300 100 60 10000');
    assert.is(all['client-output-buffer-limit'], 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
    assert.is(all['dir'], process.cwd());
    const raw = await client.sendCommand(['CONFIG', 'GET', 'timeout']);
    if (resp === 3) assert.equal(raw, { timeout: '0' });
    else assert.equal(raw, ['timeout', '0']);
    assert.equal(await client.sendCommand(['CONFIG', 'GET', 'nosuch']), resp === 3 ? {} : []);
    await client.quit();
  });

  test(`node-redis RESP${resp}: CONFIG SET several at once, all or nothing, exact errors`, async () => {
    const client = await nodeRedis(server, resp);
    assert.is(await client.configSet({ maxmemory: '10mb', 'maxmemory-policy': 'allkeys-lru', hz: '20' }), 'OK');
    assert.equal(await client.configGet(['maxmemory', 'maxmemory-policy', 'hz']), { maxmemory: '10485760', 'maxmemory-policy': 'allkeys-lru', hz: '20' });
    const cases: Array<[string[], string]> = [
      [['maxmemory', 'abc'], "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"],
      [['hz', '-1'], "ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between 0 and 2147483647 inclusive"],
      [
        ['maxmemory-policy', 'foo'],
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
      ],
      [['nosuch', '1'], "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"],
      [['databases', '3'], "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"],
      [['hz', '5', 'hz', '6'], "ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter"],
      [['hz', '5', 'maxmemory', '1gb', 'maxmemory-policy', 'nope'], "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"],
      [['hz', '5', 'maxmemory'], 'ERR syntax error'],
      [['dir', '/tmp'], "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"],
      [['save', '1 2 3'], "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"],
    ];
    for (const [args, expected] of cases) {
      assert.is(await replyError(client.sendCommand(['CONFIG', 'SET', ...args])), expected, args.join(' '));
    }
    assert.is(await replyError(client.sendCommand(['CONFIG', 'SET', 'hz'])), "ERR wrong number of arguments for 'config|set' command");
    assert.is(await replyError(client.sendCommand(['CONFIG', 'GET'])), "ERR wrong number of arguments for 'config|get' command");
    assert.equal(await client.configGet(['maxmemory', 'maxmemory-policy', 'hz']), { maxmemory: '10485760', 'maxmemory-policy': 'allkeys-lru', hz: '20' }, 'nothing changed');
    await client.configSet({ maxmemory: '0', 'maxmemory-policy': 'noeviction', hz: '10' });
    await client.quit();
  });

  test(`ioredis protocol ${resp}: CONFIG GET / SET / HELP`, async () => {
    const client = ioredisClient(server.port, resp);
    await client.connect();
    assert.equal(await client.config('GET', 'maxmemory-samples'), ['maxmemory-samples', '5']);
    assert.is(await client.config('SET', 'maxmemory-samples', '10', 'lfu-log-factor', '5'), 'OK');
    assert.equal(await client.call('CONFIG', 'GET', 'maxmemory-samples', 'lfu-log-factor'), ['maxmemory-samples', '10', 'lfu-log-factor', '5']);
    await client.config('SET', 'maxmemory-samples', '5', 'lfu-log-factor', '10');
    const help = (await client.call('CONFIG', 'HELP')) as string[];
    assert.is(help[0], 'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.is(help[help.length - 1], '    Prints this help.');
    assert.is(help.length, 11);
    assert.is(await replyError(client.call('CONFIG', 'NOSUCH')), "ERR unknown subcommand 'NOSUCH'. Try CONFIG HELP.");
    client.disconnect();
  });
}

test('hot paths follow CONFIG SET (onChange listeners)', async () => {
  const client = await nodeRedis(server, 3);
  await client.configSet('proto-max-bulk-len', '2mb');
  assert.is(server.server.limits.protoMaxBulkLen, 2 * 1024 * 1024);
  await client.configSet('maxclients', '123');
  assert.is(server.server.limits.maxClients, 123);
  await client.configSet({ 'proto-max-bulk-len': '512mb', maxclients: '10000' });
  await client.quit();
});

test('CONFIG SET requirepass: new connections need AUTH', async () => {
  const admin = await nodeRedis(server, 3);
  await admin.configSet('requirepass', 's3cret');
  assert.is(await admin.ping(), 'PONG', 'the connection that set it stays authenticated');
  const anonymous = createClient({ url: server.url, RESP: 2 });
  anonymous.on('error', () => {});
  await anonymous.connect();
  assert.is(await replyError(anonymous.get('k')), 'NOAUTH Authentication required.');
  assert.is(await anonymous.sendCommand(['AUTH', 's3cret']), 'OK');
  assert.is(await anonymous.get('k'), null);
  await admin.configSet('requirepass', '');
  await anonymous.quit();
  await admin.quit();
});

test('CONFIG REWRITE without a file, CONFIG RESETSTAT', async () => {
  const client = await nodeRedis(server, 2);
  assert.is(await replyError(client.configRewrite()), 'ERR The server is running without a config file');
  await client.ping();
  assert.ok(server.server.stats.totalCommands > 0);
  assert.is(await client.configResetStat(), 'OK');
  assert.ok(server.server.stats.totalCommands <= 1, 'stats were reset');
  await client.quit();
});

test('enable-protected-configs yes: CONFIG SET dir changes the process cwd, or fails as Redis', async () => {
  const open = await startTestServer({ config: { 'enable-protected-configs': 'yes' } });
  const client = await nodeRedis(open, 3);
  const cwd = process.cwd();
  try {
    assert.is(
      await replyError(client.configSet('dir', '/nonexistent-embedis')),
      "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory",
    );
    assert.is(process.cwd(), cwd);
    assert.is(await client.configSet({ dir: tmp, dbfilename: 'other.rdb' }), 'OK');
    assert.is(process.cwd(), fs.realpathSync(tmp));
    assert.equal(await client.configGet(['dir', 'dbfilename']), { dir: fs.realpathSync(tmp), dbfilename: 'other.rdb' });
    assert.is(
      await replyError(client.configSet('dbfilename', 'a/b.rdb')),
      "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename",
    );
  } finally {
    process.chdir(cwd);
    await client.quit();
    await open.close();
  }
});

// ---- the command line ---------------------------------------------------------------

interface Started {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

function startCli(args: string[], cwd = tmp): Promise<Started> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`embedis-server did not start:\n${out}`)), 10000);
    const check = () => {
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve({ child, log: () => out, exited });
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`embedis-server exited:\n${out}`));
    });
  });
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

async function stopCli(started: Started): Promise<number | null> {
  started.child.kill('SIGTERM');
  return started.exited;
}

test('CLI: a redis.conf plus --flags, REWRITE round trip, SIGTERM shuts down cleanly', async () => {
  const conf = path.join(tmp, 'redis.conf');
  fs.writeFileSync(
    conf,
    ['# embedis test config', 'port 7100', 'maxmemory 1mb', 'save 900 1', 'save 300 10', 'requirepass "pa ss"', 'hash-max-ziplist-entries 64', '# end', ''].join('\n'),
  );
  const first = await startCli([conf, '--port', '7143', '--maxmemory', '10mb', '--maxmemory-policy', 'allkeys-lfu']);
  const client = createClient({ url: 'redis://127.0.0.1:7143', RESP: 3, password: 'pa ss' });
  client.on('error', () => {});
  await client.connect();
  assert.equal(await client.configGet(['port', 'maxmemory', 'maxmemory-policy', 'save', 'hash-max-listpack-entries']), {
    port: '7143',
    maxmemory: '10485760',
    'maxmemory-policy': 'allkeys-lfu',
    save: '900 1 300 10',
    'hash-max-listpack-entries': '64',
  });
  assert.is(await client.configSet({ hz: '25', save: '60 5', 'notify-keyspace-events': 'Ex' }), 'OK');
  assert.is(await client.configRewrite(), 'OK');
  await client.quit();
  assert.is(await stopCli(first), 0);
  assert.match(first.log(), /Received SIGTERM scheduling shutdown/);

  const rewritten = fs.readFileSync(conf, 'latin1');
  const lines = rewritten.split('\n');
  assert.is(lines[0], '# embedis test config', 'comments kept');
  assert.is(lines[1], 'port 7143');
  assert.is(lines[2], 'maxmemory 10mb');
  assert.is(lines[3], 'save 60 5');
  assert.ok(lines.includes('hash-max-listpack-entries 64'), 'the alias line became the directive');
  assert.ok(lines.includes('requirepass "pa ss"'));
  assert.ok(lines.includes('# end'));
  assert.ok(lines.includes('# Generated by CONFIG REWRITE'));
  assert.ok(lines.includes('hz 25'));
  assert.ok(lines.includes('maxmemory-policy allkeys-lfu'));
  assert.ok(lines.includes('notify-keyspace-events "xE"'));
  assert.not.ok(lines.includes('save 300 10'));

  // The rewritten file starts the same server again.
  const second = await startCli([conf]);
  const again = createClient({ url: 'redis://127.0.0.1:7143', RESP: 2, password: 'pa ss' });
  again.on('error', () => {});
  await again.connect();
  assert.equal(await again.configGet(['hz', 'save', 'maxmemory', 'notify-keyspace-events']), {
    hz: '25',
    save: '60 5',
    maxmemory: '10485760',
    'notify-keyspace-events': 'xE',
  });
  await again.quit();
  let cliOk = true;
  try {
    execFileSync('redis-cli', ['--version'], { stdio: 'ignore' });
  } catch {
    cliOk = false;
  }
  if (cliOk) {
    const out = execFileSync('redis-cli', ['-p', '7143', '--no-auth-warning', '-a', 'pa ss', 'CONFIG', 'GET', 'maxmemory-policy'], { encoding: 'latin1' });
    assert.is(out, 'maxmemory-policy\nallkeys-lfu\n');
  }
  second.child.kill('SIGINT');
  assert.is(await second.exited, 0);
});

test('CLI: --port 0 picks a free port, --save "" and --version / --help', async () => {
  const started = await startCli(['--port', '0', '--save', '', '--bind', '127.0.0.1']);
  const m = /port=(\d+)/.exec(started.log());
  assert.ok(m, started.log());
  const port = Number(m![1]);
  assert.ok(port > 0);
  const client = ioredisClient(port, 2);
  await client.connect();
  assert.equal(await client.config('GET', 'save'), ['save', '']);
  assert.equal(await client.config('GET', 'bind'), ['bind', '127.0.0.1']);
  client.disconnect();
  assert.is(await stopCli(started), 0);

  const version = await runCli(['--version']);
  assert.is(version.code, 0);
  assert.match(version.stdout, /v=7\.0\.15/);
  const help = await runCli(['--help']);
  assert.match(help.stdout, /^Usage: embedis-server \[\/path\/to\/redis\.conf\] \[options\] \[-\]/);
});

test('CLI: a bad config stops start-up with Redis\'s message', async () => {
  const bad = path.join(tmp, 'bad.conf');
  fs.writeFileSync(bad, 'port 7144\nmaxmemory abc\n');
  const r = await runCli([bad]);
  assert.is(r.code, 1);
  assert.is(r.stderr, "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'maxmemory abc'\nargument must be a memory value\n");
  const flag = await runCli(['--port', '7144', '--hz', 'abc']);
  assert.is(flag.code, 1);
  assert.is(flag.stderr, "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'hz \"abc\"'\nargument couldn't be parsed into an integer\n");
  const missing = await runCli([path.join(tmp, 'missing.conf')]);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /# Fatal error, can't open config file '.*missing\.conf': No such file or directory/);
});

test.run();
