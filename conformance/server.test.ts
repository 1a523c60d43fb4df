import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ioredis, nodeRedis, startTestServer } from './helpers.js';
import type { RunningServer } from '../server/index.js';

/** INFO text -> { field: value }, and the section titles in order. */
function parseInfo(text: string): { fields: Map<string, string>; sections: string[] } {
  const fields = new Map<string, string>();
  const sections: string[] = [];
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) sections.push(line.slice(2));
    else if (line.includes(':')) {
      const at = line.indexOf(':');
      fields.set(line.slice(0, at), line.slice(at + 1));
    }
  }
  return { fields, sections };
}

function infoNumber(text: string, field: string): number {
  const value = parseInfo(text).fields.get(field);
  assert.ok(value !== undefined, `INFO has no ${field}`);
  return Number(value);
}

/** Sends raw bytes on a fresh connection and collects what comes back for `waitMs`. */
function rawExchange(port: number, payload: string, waitMs = 150): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    let closed = false;
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => (closed = true));
    setTimeout(() => {
      socket.destroy();
      resolve({ data, closed });
    }, waitMs);
  });
}

const DEFAULT_SECTIONS = ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Errorstats', 'Cluster', 'Keyspace'];

// ---- INFO ------------------------------------------------------------------------

const info = suite('INFO');
let server: RunningServer;

info.before(async () => {
  server = await startTestServer();
});
info.after(async () => {
  await server.close();
});

for (const resp of [2, 3] as const) {
  info(`node-redis RESP${resp}: default sections and server fields`, async () => {
    const client = await nodeRedis(server, resp);
    const text = String(await client.info());
    const { fields, sections } = parseInfo(text);
    assert.equal(sections, DEFAULT_SECTIONS);
    assert.ok(text.startsWith('# Server\r\n'));
    assert.ok(text.includes('\r\n\r\n# Clients\r\n'));
    assert.is(fields.get('redis_version'), '7.0.15');
    assert.is(fields.get('redis_mode'), 'standalone');
    assert.is(fields.get('run_id'), server.server.runId);
    assert.is(fields.get('tcp_port'), String(server.port));
    assert.is(fields.get('process_id'), String(process.pid));
    assert.is(fields.get('role'), 'master');
    assert.is(fields.get('aof_enabled'), '0');
    assert.is(fields.get('loading'), '0');
    assert.is(fields.get('maxmemory_policy'), 'noeviction');
    assert.is(fields.get('maxmemory_human'), '0B');
    assert.is(fields.get('cluster_enabled'), '0');
    assert.match(fields.get('used_memory_human')!, /^\d+(\.\d\d[KMGTP])?B?$/);
    assert.match(fields.get('master_replid')!, /^[0-9a-f]{40}$/);
    assert.match(fields.get('used_cpu_user')!, /^\d+\.\d{6}$/);
    assert.ok(Number(fields.get('connected_clients')) >= 1);
    assert.ok(Math.abs(Number(fields.get('server_time_usec')) / 1000 - server.clock.now()) < 5000);
    assert.not.ok(fields.has('cmdstat_info'));
    await client.quit();
  });

  info(`ioredis protocol ${resp}: connects (INFO ready check) and reads sections`, async () => {
    const client = await ioredis(server, resp);
    assert.is(client.status, 'ready');
    const text = await client.info('server', 'cpu');
    assert.equal(parseInfo(text).sections, ['Server', 'CPU']);
    assert.is(await client.info('nosuchsection'), '');
    client.disconnect();
  });
}

info('section selection: all, everything, default + extra, case, order', async () => {
  const client = await nodeRedis(server, 3);
  const all = parseInfo(String(await client.sendCommand(['INFO', 'all']))).sections;
  assert.equal(all, ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Commandstats', 'Errorstats', 'Latencystats', 'Cluster', 'Keyspace']);
  const everything = parseInfo(String(await client.sendCommand(['INFO', 'everything']))).sections;
  assert.equal(everything, all);
  const combined = parseInfo(String(await client.sendCommand(['INFO', 'default', 'commandstats']))).sections;
  assert.ok(combined.includes('Commandstats') && combined.includes('Server'));
  // Redis's order, not the order asked; names are case-insensitive.
  const two = parseInfo(String(await client.sendCommand(['INFO', 'KEYSPACE', 'cpu']))).sections;
  assert.equal(two, ['CPU', 'Keyspace']);
  await client.quit();
});

info('exact bytes of INFO in RESP2 (bulk) and RESP3 (verbatim txt)', async () => {
  const two = await rawExchange(server.port, 'INFO modules cluster\r\n');
  assert.is(two.data, '$43\r\n# Modules\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n');
  const three = await rawExchange(server.port, 'HELLO 3\r\nINFO modules\r\n');
  assert.ok(three.data.endsWith('=15\r\ntxt:# Modules\r\n\r\n'), JSON.stringify(three.data.slice(-40)));
  const none = await rawExchange(server.port, 'INFO nosuch\r\n');
  assert.is(none.data, '$0\r\n\r\n');
});

info('keyspace_hits and keyspace_misses move with GET', async () => {
  const client = await nodeRedis(server, 2);
  await client.set('hit-me', 'v');
  const before = await client.info('stats');
  await client.get('hit-me');
  await client.get('hit-me');
  await client.get('no-such-key');
  const after = await client.info('stats');
  assert.is(infoNumber(after, 'keyspace_hits') - infoNumber(before, 'keyspace_hits'), 2);
  assert.is(infoNumber(after, 'keyspace_misses') - infoNumber(before, 'keyspace_misses'), 1);
  assert.ok(infoNumber(after, 'total_commands_processed') > infoNumber(before, 'total_commands_processed'));
  assert.ok(infoNumber(after, 'total_net_input_bytes') > infoNumber(before, 'total_net_input_bytes'));
  assert.ok(infoNumber(after, 'total_net_output_bytes') > infoNumber(before, 'total_net_output_bytes'));
  await client.quit();
});

info('expired_keys counts a key expired after clock.advance', async () => {
  const client = await nodeRedis(server, 3);
  await client.set('short-lived', 'v', { PX: 100 });
  const before = infoNumber(String(await client.info('stats')), 'expired_keys');
  server.clock.advance(200);
  assert.is(await client.get('short-lived'), null);
  const after = infoNumber(String(await client.info('stats')), 'expired_keys');
  assert.is(after - before, 1);
  await client.quit();
});

info('keyspace section: keys, expires, avg_ttl per db', async () => {
  const client = await nodeRedis(server, 2);
  await client.flushAll();
  await client.set('a', '1');
  await client.set('b', '2', { EX: 100 });
  await client.select(5);
  await client.set('c', '3');
  const { fields } = parseInfo(await client.info('keyspace'));
  const db0 = fields.get('db0')!;
  assert.match(db0, /^keys=2,expires=1,avg_ttl=\d+$/);
  const ttl = Number(/avg_ttl=(\d+)/.exec(db0)![1]);
  assert.ok(ttl > 99000 && ttl <= 100000, String(ttl));
  assert.is(fields.get('db5'), 'keys=1,expires=0,avg_ttl=0');
  assert.not.ok(fields.has('db1'));
  await client.flushAll();
  assert.is(await client.info('keyspace'), '# Keyspace\r\n');
  await client.quit();
});

info('commandstats and errorstats', async () => {
  const client = await nodeRedis(server, 3);
  await client.sendCommand(['CONFIG', 'RESETSTAT']).catch(() => server.server.resetStats());
  server.server.resetStats();
  for (let i = 0; i < 3; i++) await client.set(`cs${i}`, 'x');
  await client.sendCommand(['SLOWLOG', 'LEN']);
  const arity = await client.sendCommand(['GET']).catch((e: Error) => e);
  assert.instance(arity, Error);
  await client.set('notnum', 'abc');
  const failed = await client.incr('notnum').catch((e: Error) => e);
  assert.instance(failed, Error);
  const unknown = await client.sendCommand(['NOSUCHCMD']).catch((e: Error) => e);
  assert.instance(unknown, Error);

  const { fields } = parseInfo(String(await client.sendCommand(['INFO', 'commandstats', 'errorstats', 'stats'])));
  assert.match(fields.get('cmdstat_set')!, /^calls=4,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$/);
  assert.match(fields.get('cmdstat_slowlog|len')!, /^calls=1,/);
  assert.match(fields.get('cmdstat_get')!, /^calls=0,usec=0,usec_per_call=0\.00,rejected_calls=1,failed_calls=0$/);
  assert.match(fields.get('cmdstat_incr')!, /^calls=1,.*rejected_calls=0,failed_calls=1$/);
  assert.not.ok(fields.has('cmdstat_del'));
  assert.is(fields.get('errorstat_ERR'), 'count=3');
  assert.is(fields.get('total_error_replies'), '3');
  await client.quit();
});

info('instantaneous_ops_per_sec is sampled by the cron', async () => {
  const client = await nodeRedis(server, 2);
  await client.info('stats');
  const started = Date.now();
  while (Date.now() - started < 450) {
    await Promise.all(Array.from({ length: 50 }, () => client.ping()));
  }
  const ops = infoNumber(await client.info('stats'), 'instantaneous_ops_per_sec');
  assert.ok(ops > 0, String(ops));
  await client.quit();
});

info('rdb_changes_since_last_save follows server.dirty; LASTSAVE is the start time', async () => {
  const client = await nodeRedis(server, 2);
  const dirty = infoNumber(await client.info('persistence'), 'rdb_changes_since_last_save');
  assert.is(dirty, server.server.dirty);
  const lastsave = Number(await client.sendCommand(['LASTSAVE']));
  assert.is(lastsave, Math.floor(server.server.startedAt / 1000));
  assert.is(infoNumber(await client.info('persistence'), 'rdb_last_save_time'), lastsave);
  await client.quit();
});

// ---- keyspace-wide commands -----------------------------------------------------------

const keyspace = suite('DBSIZE / FLUSHDB / FLUSHALL / TIME');

keyspace.before(async () => {
  server = await startTestServer();
});
keyspace.after(async () => {
  await server.close();
});

for (const resp of [2, 3] as const) {
  keyspace(`node-redis RESP${resp}: DBSIZE, FLUSHDB and FLUSHALL across dbs`, async () => {
    const client = await nodeRedis(server, resp);
    await client.flushAll();
    await client.mSet(['a', '1', 'b', '2', 'c', '3']);
    await client.select(1);
    await client.mSet(['x', '1', 'y', '2']);
    assert.is(await client.dbSize(), 2);
    await client.select(0);
    assert.is(await client.dbSize(), 3);

    const dirty = server.server.dirty;
    assert.is(await client.flushDb(), 'OK');
    assert.is(server.server.dirty - dirty, 3);
    assert.is(await client.dbSize(), 0);
    await client.select(1);
    assert.is(await client.dbSize(), 2);

    assert.is(await client.sendCommand(['FLUSHDB', 'ASYNC']), 'OK');
    assert.is(await client.dbSize(), 0);
    await client.set('z', '1');
    await client.select(0);
    await client.set('w', '1');
    assert.is(await client.sendCommand(['FLUSHALL', 'sync']), 'OK');
    assert.is(await client.dbSize(), 0);
    await client.select(1);
    assert.is(await client.dbSize(), 0);

    const bad = await client.sendCommand(['FLUSHALL', 'now']).catch((e: Error) => e);
    assert.is((bad as Error).message, 'ERR syntax error');
    const extra = await client.sendCommand(['FLUSHDB', 'sync', 'async']).catch((e: Error) => e);
    assert.is((extra as Error).message, 'ERR syntax error');
    const arity = await client.sendCommand(['DBSIZE', 'x']).catch((e: Error) => e);
    assert.is((arity as Error).message, "ERR wrong number of arguments for 'dbsize' command");
    await client.quit();
  });

  keyspace(`ioredis protocol ${resp}: TIME follows the server clock`, async () => {
    const client = await ioredis(server, resp);
    const [seconds, micros] = (await client.time()) as unknown as [string, string];
    assert.type(seconds, 'string');
    assert.match(micros, /^\d{1,6}$/);
    const t = Number(seconds) * 1000 + Number(micros) / 1000;
    assert.ok(Math.abs(t - Date.now()) < 2000);
    server.clock.advance(3_600_000);
    const [later] = (await client.time()) as unknown as [string, string];
    assert.ok(Number(later) - Number(seconds) >= 3599);
    server.clock.advance(-3_600_000);
    client.disconnect();
  });
}

keyspace('flushes wake key-modified listeners (WATCH) for every removed key', async () => {
  const client = await nodeRedis(server, 2);
  await client.flushAll();
  await client.mSet(['k1', '1', 'k2', '2']);
  const seen: string[] = [];
  const listener = (_db: unknown, key: string) => seen.push(key);
  server.server.keyModifiedListeners.push(listener);
  try {
    await client.flushDb();
  } finally {
    server.server.keyModifiedListeners.splice(server.server.keyModifiedListeners.indexOf(listener), 1);
  }
  assert.equal(seen.sort(), ['k1', 'k2']);
  await client.quit();
});

// ---- SLOWLOG --------------------------------------------------------------------------

const slowlog = suite('SLOWLOG');

slowlog.before(async () => {
  server = await startTestServer({ config: { 'slowlog-log-slower-than': 0 } });
});
slowlog.after(async () => {
  await server.close();
});

for (const resp of [2, 3] as const) {
  slowlog(`node-redis RESP${resp}: GET, LEN, RESET`, async () => {
    const client = await nodeRedis(server, resp);
    const named = (await client.sendCommand(['CLIENT', 'SETNAME', 'slowpoke']).catch(() => null)) as unknown === 'OK';
    assert.is(await client.sendCommand(['SLOWLOG', 'RESET']), 'OK');
    await client.set('slow-key', 'slow-value');
    const entries = (await client.sendCommand(['SLOWLOG', 'GET', '2'])) as unknown[][];
    assert.is(entries.length, 2);
    const [entry] = entries;
    assert.is(entry.length, 6);
    assert.type(entry[0], 'number');
    assert.ok(Math.abs((entry[1] as number) - Date.now() / 1000) < 5);
    assert.type(entry[2], 'number');
    assert.equal(entry[3], ['SET', 'slow-key', 'slow-value']);
    assert.match(entry[4] as string, /^127\.0\.0\.1:\d+$/);
    assert.is(entry[5], named ? 'slowpoke' : '');
    // The newest entry first: ids count up.
    assert.ok((entries[0][0] as number) > (entries[1][0] as number));

    const len = (await client.sendCommand(['SLOWLOG', 'LEN'])) as number;
    assert.ok(len >= 3);
    const all = (await client.sendCommand(['SLOWLOG', 'GET', '-1'])) as unknown[];
    assert.ok(all.length >= len);
    for (let i = 0; i < 10; i++) await client.ping();
    const defaultCount = (await client.sendCommand(['SLOWLOG', 'GET'])) as unknown[];
    assert.is(defaultCount.length, 10);
    assert.equal(await client.sendCommand(['SLOWLOG', 'GET', '0']), []);
    await client.quit();
  });
}

slowlog('errors and HELP as Redis', async () => {
  const client = await nodeRedis(server, 2);
  for (const bad of ['-2', 'x', '99999999999999999999']) {
    const error = await client.sendCommand(['SLOWLOG', 'GET', bad]).catch((e: Error) => e);
    assert.is((error as Error).message, 'ERR count should be greater than or equal to -1');
  }
  const extra = await client.sendCommand(['SLOWLOG', 'GET', '1', '2']).catch((e: Error) => e);
  assert.is((extra as Error).message, "ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.");
  const unknown = await client.sendCommand(['SLOWLOG', 'foo']).catch((e: Error) => e);
  assert.is((unknown as Error).message, "ERR unknown subcommand 'foo'. Try SLOWLOG HELP.");
  const help = (await client.sendCommand(['SLOWLOG', 'HELP'])) as string[];
  assert.is(help.length, 12);
  assert.is(help[0], 'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
  await client.quit();
});

slowlog('RESET empties the log (then logs itself)', async () => {
  const client = await ioredis(server, 2);
  await client.set('x', '1');
  await client.call('SLOWLOG', 'RESET');
  assert.is(await client.call('SLOWLOG', 'LEN'), 1);
  const entries = (await client.call('SLOWLOG', 'GET')) as unknown[][];
  assert.is(entries.length, 2);
  assert.equal(entries[0][3], ['SLOWLOG', 'LEN']);
  assert.equal(entries[1][3], ['SLOWLOG', 'RESET']);
  client.disconnect();
});

slowlog('each command of a pipeline is timed alone; one run after a pause times its own run', async () => {
  const client = await ioredis(server, 2);
  await client.call('CONFIG', 'SET', 'slowlog-log-slower-than', '25000');
  try {
    await client.call('SLOWLOG', 'RESET');
    // One read: a slow command between fast ones. Commands of a read share clock
    // readings (one's end is the next one's start): the fast ones must not take the sleep's time.
    const { data } = await rawExchange(server.port, '*1\r\n$4\r\nPING\r\n*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$4\r\n0.05\r\n*3\r\n$3\r\nSET\r\n$4\r\nt:ab\r\n$1\r\nx\r\n*1\r\n$4\r\nPING\r\n', 200);
    assert.is(data, '+PONG\r\n+OK\r\n+OK\r\n+PONG\r\n');
    // A write held by CLIENT PAUSE runs from a timer 150 ms after it arrived: its time is its own run.
    const writer = await ioredis(server, 2);
    await client.call('CLIENT', 'PAUSE', '150', 'WRITE');
    const started = Date.now();
    assert.is(await writer.set('t:paused', 'y'), 'OK');
    assert.ok(Date.now() - started >= 100);
    writer.disconnect();
    const entries = (await client.call('SLOWLOG', 'GET', '-1')) as unknown[][];
    const logged = entries.map((entry) => (entry[3] as string[]).join(' '));
    assert.equal(logged, ['DEBUG SLEEP 0.05'], JSON.stringify(entries));
    assert.ok((entries[0][2] as number) >= 50000);
  } finally {
    await client.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    client.disconnect();
  }
});

// ---- MONITOR, DEBUG, SHUTDOWN ------------------------------------------------------------

const admin = suite('MONITOR / DEBUG / SHUTDOWN');

admin.before(async () => {
  server = await startTestServer();
});
admin.after(async () => {
  await server.close();
});

admin('MONITOR streams other clients\' commands in Redis\'s line format', async () => {
  const monitor = net.connect(server.port, '127.0.0.1');
  let seen = '';
  monitor.on('data', (chunk) => (seen += chunk.toString('latin1')));
  await new Promise<void>((resolve) => monitor.on('connect', () => resolve()));
  monitor.write('MONITOR\r\nMONITOR\r\n');
  await new Promise((resolve) => setTimeout(resolve, 50));
  // The second MONITOR gets no reply at all.
  assert.is(seen, '+OK\r\n');

  const client = await nodeRedis(server, 2);
  await client.select(3);
  await client.sendCommand(['SET', 'a"b', 'x\ny\x01']);
  await client.sendCommand(['CONFIG', 'GET', 'hz']).catch(() => undefined);
  await client.sendCommand(['GET']).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const lines = seen.split('\r\n').filter(Boolean).slice(1);
  const port = /127\.0\.0\.1:(\d+)/.exec(lines[0] ?? '')?.[1];
  assert.ok(port !== undefined, seen);
  // SELECT is shown with the db it switched to; admin commands and rejected calls never show.
  assert.match(lines[lines.length - 2], new RegExp(`^\\+\\d+\\.\\d{6} \\[3 127\\.0\\.0\\.1:${port}\\] "SELECT" "3"$`));
  assert.match(lines[lines.length - 1], /^\+\d+\.\d{6} \[3 127\.0\.0\.1:\d+\] "SET" "a\\"b" "x\\ny\\x01"$/);
  assert.not.ok(seen.includes('"CONFIG"'));
  assert.not.ok(seen.includes('"GET"'));

  // The monitor sees its own later commands too, after their reply.
  seen = '';
  monitor.write('PING\r\n');
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.match(seen, /^\+PONG\r\n\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "PING"\r\n$/);
  monitor.destroy();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.is(server.server.monitors.size, 0);
  await client.quit();
});

admin('ioredis monitor() receives commands', async () => {
  const client = await ioredis(server, 2);
  const monitor = await client.monitor();
  const got = new Promise<string[]>((resolve) =>
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0].toLowerCase() === 'set') resolve(args);
    }),
  );
  const other = await ioredis(server, 2);
  await other.set('monitored', 'yes');
  assert.equal(await got, ['set', 'monitored', 'yes']);
  monitor.disconnect();
  other.disconnect();
  client.disconnect();
});

admin('DEBUG SLEEP 0.1 blocks every client', async () => {
  const a = await nodeRedis(server, 3);
  const b = await ioredis(server, 2);
  const started = performance.now();
  const sleeping = a.sendCommand(['DEBUG', 'SLEEP', '0.1']);
  const ping = b.ping().then(() => performance.now() - started);
  assert.is(await sleeping, 'OK');
  const elapsed = await ping;
  assert.ok(elapsed >= 95, `PING answered after ${elapsed}ms`);
  assert.is(await a.sendCommand(['DEBUG', 'SLEEP', 'abc']), 'OK');
  await a.quit();
  b.disconnect();
});

admin('DEBUG subcommands and errors', async () => {
  const client = await nodeRedis(server, 2);
  await client.set('small', '100');
  await client.set('word', 'v');
  await client.set('long', 'x'.repeat(50));
  assert.match(
    String(await client.sendCommand(['DEBUG', 'OBJECT', 'small'])),
    /^Value at:0x[0-9a-f]+ refcount:2147483647 encoding:int serializedlength:2 lru:\d+ lru_seconds_idle:\d+$/,
  );
  assert.match(String(await client.sendCommand(['DEBUG', 'OBJECT', 'word'])), / refcount:1 encoding:embstr serializedlength:2 /);
  assert.match(String(await client.sendCommand(['DEBUG', 'OBJECT', 'long'])), / encoding:raw /);
  const missing = await client.sendCommand(['DEBUG', 'OBJECT', 'nope']).catch((e: Error) => e);
  assert.is((missing as Error).message, 'ERR no such key');

  assert.is(await client.sendCommand(['DEBUG', 'SET-ACTIVE-EXPIRE', '0']), 'OK');
  assert.is(server.server.activeExpireEnabled, false);
  assert.is(await client.sendCommand(['DEBUG', 'set-active-expire', '1']), 'OK');
  assert.is(server.server.activeExpireEnabled, true);

  const before = parseInfo(await client.info('replication')).fields.get('master_replid');
  assert.is(await client.sendCommand(['DEBUG', 'CHANGE-REPL-ID']), 'OK');
  assert.is.not(parseInfo(await client.info('replication')).fields.get('master_replid'), before);

  assert.is(await client.sendCommand(['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '100']), 'OK');
  const threshold = await client.sendCommand(['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', 'x']).catch((e: Error) => e);
  assert.is((threshold as Error).message, 'ERR argument must be a memory value bigger than 1 and smaller than 4gb');

  await client.flushDb();
  assert.is(await client.sendCommand(['DEBUG', 'POPULATE', '3']), 'OK');
  assert.is(await client.dbSize(), 3);
  assert.is(await client.get('key:2'), 'value:2');
  await client.sendCommand(['DEBUG', 'POPULATE', '1', 'p', '10']);
  assert.is(await client.get('p:0'), 'value:0\0\0\0');
  const negative = await client.sendCommand(['DEBUG', 'POPULATE', '-1']).catch((e: Error) => e);
  assert.is((negative as Error).message, 'ERR value is out of range, must be positive');

  const custom = await client.sendCommand(['DEBUG', 'ERROR', 'MYERR custom text']).catch((e: Error) => e);
  assert.is((custom as Error).message, 'MYERR custom text');

  const unknown = await client.sendCommand(['DEBUG', 'foo']).catch((e: Error) => e);
  assert.is((unknown as Error).message, "ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP.");
  const wrongCount = await client.sendCommand(['DEBUG', 'SLEEP']).catch((e: Error) => e);
  assert.is((wrongCount as Error).message, "ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP.");
  const help = (await client.sendCommand(['DEBUG', 'HELP'])) as string[];
  assert.is(help[0], 'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
  await client.quit();
});

admin('SHUTDOWN argument errors leave the server running', async () => {
  const client = await nodeRedis(server, 3);
  for (const [args, message] of [
    [['SHUTDOWN', 'foo'], 'ERR syntax error'],
    [['SHUTDOWN', 'SAVE', 'NOSAVE'], 'ERR syntax error'],
    [['SHUTDOWN', 'NOW', 'ABORT'], 'ERR syntax error'],
    [['SHUTDOWN', 'ABORT'], 'ERR No shutdown in progress.'],
  ] as const) {
    const error = await client.sendCommand([...args]).catch((e: Error) => e);
    assert.is((error as Error).message, message);
  }
  assert.is(await client.ping(), 'PONG');
  await client.quit();
});

admin('SHUTDOWN NOSAVE closes the connection without a reply and the listener', async () => {
  const own = await startTestServer();
  let shutdownFired = false;
  own.server.onShutdown = () => (shutdownFired = true);
  const other = await rawExchange(own.port, '', 10);
  assert.is(other.data, '');
  const result = await rawExchange(own.port, 'SHUTDOWN NOSAVE\r\n', 150);
  assert.is(result.data, '');
  assert.ok(result.closed);
  assert.ok(shutdownFired);
  const refused = await new Promise<boolean>((resolve) => {
    const socket = net.connect(own.port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });
  assert.ok(refused, 'the port still accepts connections');
});

info.run();
keyspace.run();
slowlog.run();
admin.run();
