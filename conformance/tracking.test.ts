// Client-side caching (CLIENT TRACKING): invalidation pushes in RESP3, the
// __redis__:invalidate channel for a RESP2 redirect, BCAST prefixes, OPTIN /
// OPTOUT with CLIENT CACHING, NOLOOP, flushes, tracking-table-max-keys, the
// introspection replies, node-redis's client-side cache, and the seed's
// two-level cache. Expected bytes were read from a real redis-server 7.0.15.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createClient } from 'redis';
import { nodeRedis, startTestServer } from './helpers.js';
import { RawConnection, R } from './pubsub-raw.js';
import type { RunningServer } from '../server/index.js';

const test = suite('tracking');
let server: RunningServer;

test.before(async () => {
  server = await startTestServer();
});
test.after(async () => {
  await server.close();
});

const invalidate = (...keys: string[]) => R.push(2, R.bulk('invalidate'), R.arr(keys.length, ...keys.map(R.bulk)));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function resp3(): Promise<RawConnection> {
  const c = await RawConnection.connect(server.port);
  c.send('HELLO', '3');
  await c.drain(40);
  return c;
}

async function clientId(c: RawConnection): Promise<number> {
  c.send('CLIENT', 'ID');
  const text = await c.drain(30);
  return Number(/:(\d+)/.exec(text)![1]);
}

test('default mode: a read key is invalidated once, after the writer reply when the reader writes', async () => {
  const reader = await resp3();
  const writer = await RawConnection.connect(server.port);
  try {
    assert.is(await reader.call(R.ok, 'CLIENT', 'TRACKING', 'ON'), R.ok);
    assert.is(await reader.call('_\r\n', 'GET', 'k1'), '_\r\n');
    assert.is(await writer.call(R.ok, 'SET', 'k1', 'v'), R.ok);
    assert.is(await reader.expect(invalidate('k1')), invalidate('k1'));
    // Not read again: a second write says nothing.
    assert.is(await writer.call(R.ok, 'SET', 'k1', 'w'), R.ok);
    assert.is(await reader.drain(30), '');
    // The reader's own write: its reply first, then the invalidation (Redis 7.0 pending keys).
    assert.is(await reader.call(R.bulk('w'), 'GET', 'k1'), R.bulk('w'));
    const own = R.ok + invalidate('k1');
    assert.is(await reader.call(own, 'MSET', 'k1', '1', 'other', '2'), own);
    // FLUSHDB: a null key list to every tracking client.
    reader.send('GET', 'k1');
    await reader.drain(30);
    assert.is(await writer.call(R.ok, 'FLUSHALL'), R.ok);
    const flushed = R.push(2, R.bulk('invalidate'), '_\r\n');
    assert.is(await reader.expect(flushed), flushed);
    assert.is(await reader.drain(30), '');
  } finally {
    reader.close();
    writer.close();
  }
});

test('RESP2 REDIRECT to a subscribed client: __redis__:invalidate messages, and broken redirects', async () => {
  const sub = await RawConnection.connect(server.port);
  const tracker = await RawConnection.connect(server.port);
  const writer = await RawConnection.connect(server.port);
  try {
    const subId = await clientId(sub);
    sub.send('SUBSCRIBE', '__redis__:invalidate');
    await sub.drain(30);
    assert.is(await tracker.call(R.ok, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', String(subId)), R.ok);
    assert.is(await tracker.call(R.int(subId), 'CLIENT', 'GETREDIR'), R.int(subId));
    tracker.send('GET', 'rk');
    tracker.send('GET', 'rj');
    await tracker.drain(30);
    await writer.call(R.ok, 'SET', 'rk', '1');
    const message = R.arr(3, R.bulk('message'), R.bulk('__redis__:invalidate'), R.arr(1, R.bulk('rk')));
    assert.is(await sub.expect(message), message);
    await writer.call(R.ok, 'FLUSHDB');
    const nullMessage = R.arr(3, R.bulk('message'), R.bulk('__redis__:invalidate'), '$-1\r\n');
    assert.is(await sub.expect(nullMessage), nullMessage);
    writer.send('CLIENT', 'LIST');
    const list = await writer.drain(40);
    assert.match(list, new RegExp(` flags=t db=0 .* redir=${subId} resp=2`));
    // The redirect target goes away: a RESP3 tracker hears tracking-redir-broken.
    sub.close();
    await pause(40);
    tracker.send('HELLO', '3');
    tracker.send('GET', 'rk');
    await tracker.drain(40);
    await writer.call(R.ok, 'SET', 'rk', '2');
    const broken = R.push(2, R.bulk('tracking-redir-broken'), R.int(subId));
    assert.is(await tracker.expect(broken), broken);
    tracker.send('CLIENT', 'TRACKINGINFO');
    const info = await tracker.drain(30);
    assert.is(
      info,
      `%3\r\n${R.bulk('flags')}~2\r\n${R.bulk('on')}${R.bulk('broken_redirect')}${R.bulk('redirect')}${R.int(subId)}${R.bulk('prefixes')}*0\r\n`,
    );
  } finally {
    sub.close();
    tracker.close();
    writer.close();
  }
});

test('BCAST: keys under each prefix, sorted, one message per prefix; NOLOOP skips own writes', async () => {
  const tracker = await resp3();
  const writer = await RawConnection.connect(server.port);
  try {
    assert.is(await tracker.call(R.ok, 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'b'), R.ok);
    await writer.call(R.ok, 'MSET', 'b2', '1', 'a1', '2', 'c', '3', 'a0', '1');
    const expected = invalidate('a0', 'a1') + invalidate('b2');
    assert.is(await tracker.expect(expected), expected);
    const info = `%3\r\n${R.bulk('flags')}~2\r\n${R.bulk('on')}${R.bulk('bcast')}${R.bulk('redirect')}${R.int(0)}${R.bulk('prefixes')}${R.arr(2, R.bulk('a'), R.bulk('b'))}`;
    assert.is(await tracker.call(info, 'CLIENT', 'TRACKINGINFO'), info);
    const switchError = "-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.\r\n";
    assert.is(await tracker.call(switchError, 'CLIENT', 'TRACKING', 'ON'), switchError);
    const overlap = "-ERR Prefix 'ab' overlaps with an existing prefix 'a'. Prefixes for a single client must not overlap.\r\n";
    assert.is(await tracker.call(overlap, 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'ab'), overlap);
    // NOLOOP: re-enable with it; the tracker's own write is not reported, another client's is.
    assert.is(await tracker.call(R.ok, 'CLIENT', 'TRACKING', 'OFF'), R.ok);
    assert.is(await tracker.call(R.ok, 'CLIENT', 'TRACKING', 'ON', 'BCAST', 'NOLOOP'), R.ok);
    assert.is(await tracker.call(R.ok, 'SET', 'mine', '1'), R.ok);
    assert.is(await tracker.drain(30), '');
    await writer.call(R.ok, 'SET', 'theirs', '1');
    assert.is(await tracker.expect(invalidate('theirs')), invalidate('theirs'));
    writer.send('INFO');
    const text = await writer.drain(50);
    assert.match(text, 'tracking_clients:1\r\n');
    assert.match(text, 'tracking_total_prefixes:1\r\n');
  } finally {
    tracker.close();
    writer.close();
  }
});

test('OPTIN and OPTOUT with CLIENT CACHING', async () => {
  const tracker = await resp3();
  const writer = await RawConnection.connect(server.port);
  try {
    const notTracking = '-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n';
    assert.is(await tracker.call(notTracking, 'CLIENT', 'CACHING', 'YES'), notTracking);
    assert.is(await tracker.call(R.ok, 'CLIENT', 'TRACKING', 'ON', 'OPTIN'), R.ok);
    const noError = '-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n';
    assert.is(await tracker.call(noError, 'CLIENT', 'CACHING', 'NO'), noError);
    // Not opted in: the read is not remembered.
    tracker.send('GET', 'o1');
    await tracker.drain(30);
    await writer.call(R.ok, 'SET', 'o1', 'x');
    assert.is(await tracker.drain(30), '');
    // Opted in for the next command only.
    assert.is(await tracker.call(R.ok, 'CLIENT', 'CACHING', 'YES'), R.ok);
    assert.is(await tracker.call(R.bulk('x'), 'GET', 'o1'), R.bulk('x'));
    tracker.send('GET', 'o2');
    await tracker.drain(30);
    await writer.call(R.ok, 'MSET', 'o1', 'y', 'o2', 'y');
    assert.is(await tracker.expect(invalidate('o1')), invalidate('o1'));
    assert.is(await tracker.drain(30), '');
    const switchError = "-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.\r\n";
    assert.is(await tracker.call(switchError, 'CLIENT', 'TRACKING', 'ON', 'OPTOUT'), switchError);
    // OPTOUT: everything is remembered except the command after CACHING NO.
    tracker.send('CLIENT', 'TRACKING', 'OFF');
    tracker.send('CLIENT', 'TRACKING', 'ON', 'OPTOUT');
    tracker.send('CLIENT', 'CACHING', 'NO');
    tracker.send('GET', 'o3');
    tracker.send('GET', 'o4');
    await tracker.drain(40);
    await writer.call(R.ok, 'MSET', 'o3', '1', 'o4', '1');
    assert.is(await tracker.expect(invalidate('o4')), invalidate('o4'));
    assert.is(await tracker.drain(30), '');
  } finally {
    tracker.close();
    writer.close();
  }
});

test('CLIENT TRACKING argument errors and introspection when off', async () => {
  const c = await RawConnection.connect(server.port);
  try {
    const cases: Array<[string[], string]> = [
      [['ON', 'PREFIX', 'a'], 'ERR PREFIX option requires BCAST mode to be enabled'],
      [['ON', 'BCAST', 'OPTIN'], 'ERR OPTIN and OPTOUT are not compatible with BCAST'],
      [['ON', 'OPTIN', 'OPTOUT'], "ERR You can't specify both OPTIN mode and OPTOUT mode"],
      [['ON', 'REDIRECT', '99999'], 'ERR The client ID you want redirect to does not exist'],
      [['ON', 'REDIRECT', '0'], 'ERR The client ID you want redirect to does not exist'],
      [['ON', 'REDIRECT', 'abc'], 'ERR value is not an integer or out of range'],
      [['ON', 'FOO'], 'ERR syntax error'],
      [['MAYBE'], 'ERR syntax error'],
      [['ON', 'PREFIX'], 'ERR syntax error'],
      [['ON', 'BCAST', 'PREFIX', 'a', 'PREFIX', 'ab'], "ERR Prefix 'a' overlaps with another provided prefix 'ab'. Prefixes for a single client must not overlap."],
    ];
    for (const [args, error] of cases) {
      assert.is(await c.call(`-${error}\r\n`, 'CLIENT', 'TRACKING', ...args), `-${error}\r\n`, args.join(' '));
    }
    const ownId = await clientId(c);
    const single = '-ERR A client can only redirect to a single other client\r\n';
    assert.is(await c.call(single, 'CLIENT', 'TRACKING', 'ON', 'REDIRECT', String(ownId), 'REDIRECT', String(ownId)), single);
    assert.is(await c.call(R.ok, 'CLIENT', 'TRACKING', 'OFF', 'BCAST'), R.ok);
    assert.is(await c.call(R.int(-1), 'CLIENT', 'GETREDIR'), R.int(-1));
    const off = `*6\r\n${R.bulk('flags')}*1\r\n${R.bulk('off')}${R.bulk('redirect')}${R.int(-1)}${R.bulk('prefixes')}*0\r\n`;
    assert.is(await c.call(off, 'CLIENT', 'TRACKINGINFO'), off);
    c.send('CLIENT', 'TRACKING', 'ON', 'OPTIN', 'NOLOOP');
    c.send('CLIENT', 'CACHING', 'YES');
    await c.drain(30);
    const on = `*6\r\n${R.bulk('flags')}*4\r\n${R.bulk('on')}${R.bulk('optin')}${R.bulk('caching-yes')}${R.bulk('noloop')}${R.bulk('redirect')}${R.int(0)}${R.bulk('prefixes')}*0\r\n`;
    assert.is(await c.call(on, 'CLIENT', 'TRACKINGINFO'), on);
    assert.is(await c.call(R.int(0), 'CLIENT', 'GETREDIR'), R.int(0));
  } finally {
    c.close();
  }
});

test('tracking-table-max-keys: keys beyond the limit are invalidated', async () => {
  const admin = await RawConnection.connect(server.port);
  const tracker = await resp3();
  try {
    await admin.call(R.ok, 'CONFIG', 'SET', 'tracking-table-max-keys', '2');
    tracker.send('CLIENT', 'TRACKING', 'ON');
    tracker.send('MGET', 'm1', 'm2');
    await tracker.drain(30);
    const expected = R.arr(1, '_\r\n') + invalidate('m1');
    assert.is(await tracker.call(expected, 'MGET', 'm3'), expected);
    admin.send('INFO', 'stats');
    assert.match(await admin.drain(40), 'tracking_total_keys:2\r\n');
  } finally {
    await admin.call(R.ok, 'CONFIG', 'SET', 'tracking-table-max-keys', '1000000');
    admin.close();
    tracker.close();
  }
});

test('node-redis clientSideCache (RESP3): a cached GET is invalidated after another client writes', async () => {
  const cached = createClient({ url: server.url, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 0 } });
  cached.on('error', () => {});
  await cached.connect();
  const other = await nodeRedis(server, 3);
  try {
    await other.set('csc:key', 'one');
    assert.is(await cached.get('csc:key'), 'one');
    assert.is(await cached.get('csc:key'), 'one');
    const cache = cached.clientSideCache!;
    assert.ok(cache.stats().hitCount >= 1, 'second read served from the cache');
    await other.set('csc:key', 'two');
    for (let i = 0; i < 50 && cache.size() > 0; i++) await pause(10);
    assert.is(cache.size(), 0, 'the invalidation push emptied the cache');
    assert.is(await cached.get('csc:key'), 'two');
  } finally {
    await cached.quit().catch(() => {});
    await other.quit().catch(() => {});
  }
});

test('seed: two-level cache (in-process map + embedis) drops its local copy on an invalidation push', async () => {
  const redis = createClient({ url: server.url, RESP: 3, emitInvalidate: true });
  redis.on('error', () => {});
  const local = new Map<string, string>();
  redis.on('invalidate', (key: Buffer | string | null) => {
    if (key === null) local.clear();
    else local.delete(key.toString());
  });
  await redis.connect();
  const writer = await nodeRedis(server, 2);
  let dbQueries = 0;
  const database = new Map([['user:1', '{"name":"Ada"}']]);
  async function getUserMultiLevel(id: string): Promise<string> {
    const hit = local.get(id);
    if (hit !== undefined) return hit;
    const cacheKey = id;
    const fromRedis = await redis.get(cacheKey);
    if (fromRedis !== null) {
      local.set(id, fromRedis);
      return fromRedis;
    }
    dbQueries++;
    const user = database.get(id)!;
    await redis.setEx(cacheKey, 3600, user);
    local.set(id, user);
    return user;
  }
  try {
    assert.is(await getUserMultiLevel('user:1'), '{"name":"Ada"}');
    assert.is(dbQueries, 1);
    // Read once through Redis so the key is tracked, then from L1.
    local.clear();
    assert.is(await getUserMultiLevel('user:1'), '{"name":"Ada"}');
    assert.is(local.size, 1);
    // Another application server updates the shared cache: L1 must drop its copy.
    await writer.set('user:1', '{"name":"Grace"}');
    for (let i = 0; i < 50 && local.size > 0; i++) await pause(10);
    assert.is(local.size, 0);
    assert.is(await getUserMultiLevel('user:1'), '{"name":"Grace"}');
    assert.is(dbQueries, 1);
  } finally {
    await redis.quit().catch(() => {});
    await writer.quit().catch(() => {});
  }
});

test.run();
