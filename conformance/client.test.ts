// Connection state through stock clients and raw sockets: CLIENT (names, ids,
// LIST/INFO, KILL, REPLY, PAUSE, NO-TOUCH, SETINFO), RESET, SWAPDB, HELLO,
// AUTH with requirepass, SELECT. Expected replies were taken from a real
// redis-server 7.0.15.

import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import { ioredis, nodeRedis, startTestServer } from './helpers.js';
import type { RunningServer } from '../server/index.js';

// ---- a raw RESP connection, for what stock clients hide --------------------

interface Raw {
  socket: net.Socket;
  /** Every byte received so far. */
  received(): string;
  send(...commands: string[][]): void;
  /** Waits until `text` is received at or after offset `from`; returns everything received. */
  until(text: string, from?: number): Promise<string>;
  closed: Promise<void>;
  close(): void;
}

function encode(command: string[]): string {
  return `*${command.length}\r\n` + command.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('');
}

async function raw(server: RunningServer): Promise<Raw> {
  const socket = net.connect(server.port, server.host);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  let data = '';
  const waiters: Array<() => void> = [];
  socket.on('data', (chunk: Buffer) => {
    data += chunk.toString('latin1');
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    received: () => data,
    send: (...commands) => socket.write(commands.map(encode).join(''), 'latin1'),
    async until(suffix, from = 0) {
      const deadline = Date.now() + 2000;
      while (data.indexOf(suffix, from) < 0) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${JSON.stringify(suffix)}; got ${JSON.stringify(data)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return data;
    },
    closed,
    close: () => socket.destroy(),
  };
}

/** One CLIENT LIST line parsed into [field, value] pairs, in order. */
function fields(line: string): Array<[string, string]> {
  return line
    .trim()
    .split(' ')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return [pair.slice(0, eq), pair.slice(eq + 1)] as [string, string];
    });
}

const REDIS_70_FIELDS =
  'id addr laddr fd name age idle flags db sub psub ssub multi qbuf qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp';

const test = suite('client');
let server: RunningServer;

test.before(async () => {
  server = await startTestServer();
});
test.after(async () => {
  await server.close();
});

for (const resp of [2, 3] as const) {
  test(`node-redis RESP${resp}: CLIENT SETNAME / GETNAME / ID / INFO / LIST`, async () => {
    const a = await nodeRedis(server, resp);
    const b = await nodeRedis(server, resp);
    try {
      assert.is(await a.clientGetName(), null);
      assert.is(await a.clientSetName('alpha'), 'OK');
      assert.is(await a.clientGetName(), 'alpha');
      const id = await a.clientId();
      assert.type(id, 'number');
      assert.is.not(id, await b.clientId());

      const info = String(await a.sendCommand(['CLIENT', 'INFO']));
      assert.ok(info.endsWith('\n'), 'CLIENT INFO ends with a newline');
      const own = fields(info);
      assert.is(own.map(([k]) => k).join(' '), REDIS_70_FIELDS);
      const map = new Map(own);
      assert.is(map.get('id'), String(id));
      assert.is(map.get('name'), 'alpha');
      assert.is(map.get('cmd'), 'client|info');
      assert.is(map.get('resp'), String(resp));
      assert.is(map.get('flags'), 'N');
      assert.is(map.get('db'), '0');
      assert.is(map.get('user'), 'default');
      assert.ok(/^\d+$/.test(map.get('fd')!), 'fd is an integer');
      assert.is(map.get('laddr'), `127.0.0.1:${server.port}`);

      const parsed = await a.clientInfo();
      assert.is(parsed.id, id);
      assert.is(parsed.name, 'alpha');

      const list = String(await a.sendCommand(['CLIENT', 'LIST']));
      const lines = list.split('\n').filter(Boolean);
      const ids = lines.map((line) => Number(new Map(fields(line)).get('id')));
      assert.ok(ids.includes(id) && ids.includes(await b.clientId()), 'both connections listed');
      for (const line of lines) assert.is(fields(line).map(([k]) => k).join(' '), REDIS_70_FIELDS);
      const mine = lines.find((line) => line.startsWith(`id=${id} `))!;
      assert.is(new Map(fields(mine)).get('cmd'), 'client|list');

      const byId = String(await a.sendCommand(['CLIENT', 'LIST', 'ID', String(await b.clientId()), '999999']));
      assert.is(byId.split('\n').filter(Boolean).length, 1);
      assert.ok(byId.startsWith(`id=${await b.clientId()} `));
      assert.is(String(await a.sendCommand(['CLIENT', 'LIST', 'TYPE', 'pubsub'])), '');
      assert.ok(String(await a.sendCommand(['CLIENT', 'LIST', 'TYPE', 'NORMAL'])).includes(`id=${id} `));

      const errors: string[] = [];
      for (const command of [
        ['CLIENT', 'SETNAME', 'a b'],
        ['CLIENT', 'SETNAME', 'a\nb'],
        ['CLIENT', 'LIST', 'TYPE', 'foo'],
        ['CLIENT', 'LIST', 'ID', 'abc'],
        ['CLIENT', 'LIST', 'ID'],
        ['CLIENT', 'GETNAME', 'x'],
        ['CLIENT', 'FOO'],
      ]) {
        errors.push(await a.sendCommand(command).then(() => 'no error', (e: Error) => e.message));
      }
      assert.equal(errors, [
        'ERR Client names cannot contain spaces, newlines or special characters.',
        'ERR Client names cannot contain spaces, newlines or special characters.',
        "ERR Unknown client type 'foo'",
        'ERR Invalid client ID',
        'ERR syntax error',
        "ERR wrong number of arguments for 'client|getname' command",
        "ERR unknown subcommand 'FOO'. Try CLIENT HELP.",
      ]);
      // An empty name clears it.
      assert.is(await a.clientSetName(''), 'OK');
      assert.is(await a.clientGetName(), null);
    } finally {
      await a.quit();
      await b.quit();
    }
  });

  test(`ioredis protocol ${resp}: CLIENT SETNAME / LIST / GETREDIR / HELP`, async () => {
    const client = await ioredis(server, resp);
    try {
      assert.is(await client.client('SETNAME', 'io-client'), 'OK');
      assert.is(await client.client('GETNAME'), 'io-client');
      const list = String(await client.client('LIST'));
      assert.match(list, / name=io-client /);
      assert.is(await client.call('CLIENT', 'GETREDIR'), -1);
      const help = (await client.call('CLIENT', 'HELP')) as string[];
      assert.is(help[0], 'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
      assert.is(help[help.length - 1], '    Prints this help.');
    } finally {
      client.disconnect();
    }
  });
}

test('CLIENT SETINFO (as Redis 7.2, sent by node-redis and ioredis at connect)', async () => {
  const client = await nodeRedis(server, 3);
  try {
    assert.is(await client.sendCommand(['CLIENT', 'SETINFO', 'LIB-NAME', 'mylib']), 'OK');
    assert.is(await client.sendCommand(['CLIENT', 'SETINFO', 'lib-ver', '1.2.3']), 'OK');
    const bad = await client.sendCommand(['CLIENT', 'SETINFO', 'LIB-NAME', 'my lib']).catch((e: Error) => e.message);
    assert.is(bad, 'ERR LIB-NAME cannot contain spaces, newlines or special characters.');
    const unknown = await client.sendCommand(['CLIENT', 'SETINFO', 'color', 'x']).catch((e: Error) => e.message);
    assert.is(unknown, "ERR Unrecognized option 'color'");
    const id = await client.clientId();
    const embedded = [...server.server.clients.values()].find((c) => c.id === id)!;
    assert.is(embedded.libName, 'mylib');
    assert.is(embedded.libVersion, '1.2.3');
    // CLIENT LIST keeps the fields of Redis 7.0.15 (no lib-name).
    assert.not.match(String(await client.sendCommand(['CLIENT', 'INFO'])), /lib-name/);
  } finally {
    await client.quit();
  }
});

test('CLIENT KILL by ID: the victim is gone and its next command fails', async () => {
  const killer = await nodeRedis(server, 3);
  const victim = new Redis({
    host: server.host,
    port: server.port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  victim.on('error', () => {});
  await victim.connect();
  try {
    assert.is(await victim.ping(), 'PONG');
    const victimId = Number(await victim.client('ID'));
    const closed = new Promise<void>((resolve) => victim.once('close', () => resolve()));
    assert.is(await killer.sendCommand(['CLIENT', 'KILL', 'ID', String(victimId)]), 1);
    await closed;
    const failure = await victim.ping().then(
      () => null,
      (e: Error) => e,
    );
    assert.ok(failure instanceof Error, 'the killed connection cannot run commands');
    assert.not.ok(String(await killer.sendCommand(['CLIENT', 'LIST'])).includes(`id=${victimId} `));
    assert.is(await killer.sendCommand(['CLIENT', 'KILL', 'ID', String(victimId)]), 0);
  } finally {
    victim.disconnect();
    await killer.quit();
  }
});

test('CLIENT KILL: filters, old form, errors, killing yourself', async () => {
  const a = await raw(server);
  const b = await raw(server);
  const c = await raw(server);
  try {
    b.send(['CLIENT', 'INFO']);
    const bAddr = new Map(fields((await b.until('resp=2\n')).split('\r\n')[1])).get('addr')!;
    a.send(
      ['CLIENT', 'KILL', 'ID', '0'],
      ['CLIENT', 'KILL', 'TYPE', 'foo'],
      ['CLIENT', 'KILL', 'USER', 'nobody'],
      ['CLIENT', 'KILL', 'ID', '1', 'SKIPME'],
      ['CLIENT', 'KILL', 'SKIPME', 'maybe'],
      ['CLIENT', 'KILL', '10.0.0.1:1'],
      ['CLIENT', 'KILL', 'ADDR', '10.0.0.1:1'],
      ['CLIENT', 'KILL', 'LADDR', '10.0.0.1:1'],
      ['CLIENT', 'KILL', bAddr],
      ['PING', 'done'],
    );
    const replies = await a.until('$4\r\ndone\r\n');
    assert.is(
      replies,
      '-ERR client-id should be greater than 0\r\n' +
        "-ERR Unknown client type 'foo'\r\n" +
        "-ERR No such user 'nobody'\r\n" +
        '-ERR syntax error\r\n' +
        '-ERR syntax error\r\n' +
        '-ERR No such client\r\n' +
        ':0\r\n' +
        ':0\r\n' +
        '+OK\r\n' +
        '$4\r\ndone\r\n',
    );
    await b.closed;
    // TYPE normal with SKIPME yes (the default) kills every other normal client: c, not a.
    const before = a.received().length;
    a.send(['CLIENT', 'KILL', 'TYPE', 'normal', 'USER', 'default'], ['PING']);
    const after = (await a.until('+PONG\r\n', before)).slice(before);
    assert.ok(/^:\d+\r\n\+PONG\r\n$/.test(after), after);
    assert.ok(Number(after.slice(1, after.indexOf('\r'))) >= 1);
    await c.closed;
    // Killing yourself: the reply arrives, then the connection closes and later commands never run.
    const d = await raw(server);
    d.send(['CLIENT', 'ID']);
    const dId = (await d.until('\r\n')).slice(1, -2);
    d.send(['CLIENT', 'KILL', 'ID', dId, 'LADDR', `127.0.0.1:${server.port}`, 'SKIPME', 'no'], ['SET', 'after-kill', '1']);
    await d.closed;
    assert.is(d.received(), `:${dId}\r\n:1\r\n`);
    assert.is(server.server.dbs[0].lookup('after-kill'), undefined);
  } finally {
    a.close();
    b.close();
    c.close();
  }
});

test('CLIENT REPLY OFF / SKIP / ON drop exactly the replies they should', async () => {
  const conn = await raw(server);
  try {
    conn.send(
      ['CLIENT', 'REPLY', 'OFF'],
      ['SET', 'reply-off', '1'],
      ['PING', 'silent'],
      ['CLIENT', 'REPLY', 'ON'],
      ['PING', 'a'],
      ['CLIENT', 'REPLY', 'SKIP'],
      ['PING', 'skipped'],
      ['PING', 'b'],
      ['CLIENT', 'REPLY', 'FOO'],
      ['PING', 'end'],
    );
    const got = await conn.until('$3\r\nend\r\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.is(conn.received(), '+OK\r\n$1\r\na\r\n$1\r\nb\r\n-ERR syntax error\r\n$3\r\nend\r\n');
    assert.is(got.includes('silent') || got.includes('skipped'), false);
    // The silenced commands still ran.
    assert.is(server.server.dbs[0].lookup('reply-off')?.value, '1');
  } finally {
    conn.close();
  }
});

test('RESET: back to RESP2, db 0, no name, replies on, NO-EVICT kept', async () => {
  const conn = await raw(server);
  try {
    conn.send(
      ['HELLO', '3', 'SETNAME', 'before-reset'],
      ['SELECT', '5'],
      ['CLIENT', 'NO-EVICT', 'on'],
      ['CLIENT', 'REPLY', 'OFF'],
      ['RESET'],
      ['CLIENT', 'INFO'],
    );
    const text = await conn.until('resp=2\n\r\n');
    assert.ok(text.includes('+RESET\r\n'), text);
    const info = new Map(fields(text.slice(text.lastIndexOf('id='))));
    assert.is(info.get('name'), '');
    assert.is(info.get('db'), '0');
    assert.is(info.get('resp'), '2');
    // As Redis 7.0: NO-EVICT survives RESET.
    assert.is(info.get('flags'), 'e');
    // RESP2 again: CLIENT INFO came back as a bulk string, not a verbatim one.
    assert.ok(/\r\n\$\d+\r\nid=/.test(text), 'bulk string after RESET');
    conn.send(['RESET', 'x']);
    await conn.until("-ERR wrong number of arguments for 'reset' command\r\n");
  } finally {
    conn.close();
  }
});

test('RESET runs the resetListeners of other families', async () => {
  const seen: number[] = [];
  const listener = (client: { id: number }) => seen.push(client.id);
  server.server.resetListeners.push(listener);
  const client = await nodeRedis(server, 3);
  try {
    const id = await client.clientId();
    assert.is(await client.sendCommand(['RESET']), 'RESET');
    assert.equal(seen, [id]);
  } finally {
    server.server.resetListeners.splice(server.server.resetListeners.indexOf(listener), 1);
    await client.quit();
  }
});

for (const resp of [2, 3] as const) {
  test(`SWAPDB and SELECT (node-redis RESP${resp})`, async () => {
    const a = await nodeRedis(server, resp);
    try {
      await a.select(1);
      await a.set('swap-key', 'from-1');
      await a.select(2);
      await a.set('swap-key', 'from-2');
      await a.set('only-in-2', 'x');
      assert.is(await a.sendCommand(['SWAPDB', '1', '2']), 'OK');
      // The connection stays on index 2, which now holds db 1's data.
      assert.is(await a.get('swap-key'), 'from-1');
      assert.is(await a.get('only-in-2'), null);
      await a.select(1);
      assert.is(await a.get('swap-key'), 'from-2');
      assert.is(await a.get('only-in-2'), 'x');
      assert.is(server.server.dbs[1].id, 1);
      assert.is(server.server.dbs[2].id, 2);
      assert.is(await a.sendCommand(['SWAPDB', '3', '3']), 'OK');
      const errors: string[] = [];
      for (const command of [
        ['SWAPDB', 'x', '0'],
        ['SWAPDB', '0', 'x'],
        ['SWAPDB', '0', '16'],
        ['SWAPDB', '-1', '0'],
        ['SELECT', '16'],
        ['SELECT', '-1'],
        ['SELECT', 'abc'],
        ['SELECT', '99999999999'],
      ]) {
        errors.push(await a.sendCommand(command).then(() => 'no error', (e: Error) => e.message));
      }
      assert.equal(errors, [
        'ERR invalid first DB index',
        'ERR invalid second DB index',
        'ERR DB index is out of range',
        'ERR DB index is out of range',
        'ERR DB index is out of range',
        'ERR DB index is out of range',
        'ERR value is not an integer or out of range',
        'ERR value is out of range, value must between -2147483648 and 2147483647',
      ]);
      await a.sendCommand(['FLUSHALL']);
    } finally {
      await a.quit();
    }
  });
}

test('HELLO: versions, SETNAME, errors', async () => {
  const conn = await raw(server);
  try {
    conn.send(['HELLO', '2', 'SETNAME', 'hello-name']);
    const two = await conn.until('modules\r\n*0\r\n');
    assert.ok(two.startsWith('*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:2\r\n'), two);
    let mark = conn.received().length;
    conn.send(['HELLO', '3'], ['CLIENT', 'GETNAME']);
    const three = (await conn.until('$10\r\nhello-name\r\n', mark)).slice(mark);
    assert.ok(three.startsWith('%7\r\n$6\r\nserver\r\n'), three);
    assert.ok(three.includes('$5\r\nproto\r\n:3\r\n'));
    mark = conn.received().length;
    conn.send(
      ['HELLO', '4'],
      ['HELLO', '4', 'FOO'],
      ['HELLO', '1'],
      ['HELLO', 'abc'],
      ['HELLO', '03'],
      ['HELLO', '3', 'FOO'],
      ['HELLO', '3', 'AUTH', 'default'],
      ['HELLO', '3', 'SETNAME', 'a b'],
      ['HELLO', '3', 'AUTH', 'nobody', 'pw'],
      ['PING'],
    );
    const errors = (await conn.until('+PONG\r\n', mark)).slice(mark);
    assert.is(
      errors,
      '-NOPROTO unsupported protocol version\r\n' +
        '-NOPROTO unsupported protocol version\r\n' +
        '-NOPROTO unsupported protocol version\r\n' +
        '-ERR Protocol version is not an integer or out of range\r\n' +
        '-ERR Protocol version is not an integer or out of range\r\n' +
        "-ERR Syntax error in HELLO option 'FOO'\r\n" +
        "-ERR Syntax error in HELLO option 'AUTH'\r\n" +
        '-ERR Client names cannot contain spaces, newlines or special characters.\r\n' +
        '-WRONGPASS invalid username-password pair or user is disabled.\r\n' +
        '+PONG\r\n',
    );
    // With no requirepass the default user takes any password.
    mark = conn.received().length;
    conn.send(['HELLO', '2', 'AUTH', 'default', 'anything']);
    assert.ok((await conn.until(':2\r\n', mark)).slice(mark).startsWith('*14\r\n'));
  } finally {
    conn.close();
  }
});

test('AUTH and HELLO with requirepass', async () => {
  const secured = await startTestServer({ config: { requirepass: 'pw' } });
  const conn = await raw(secured);
  try {
    conn.send(
      ['GET', 'k'],
      ['CLIENT', 'ID'],
      ['HELLO', '3'],
      ['AUTH', 'wrong'],
      ['AUTH', 'default', 'wrong'],
      ['AUTH', 'nobody', 'pw'],
      ['AUTH', 'a', 'b', 'c'],
      ['PING'],
      ['AUTH', 'pw'],
      ['PING'],
    );
    const text = await conn.until('+OK\r\n+PONG\r\n');
    assert.is(
      text,
      '-NOAUTH Authentication required.\r\n' +
        '-NOAUTH Authentication required.\r\n' +
        '-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n' +
        '-WRONGPASS invalid username-password pair or user is disabled.\r\n' +
        '-WRONGPASS invalid username-password pair or user is disabled.\r\n' +
        '-WRONGPASS invalid username-password pair or user is disabled.\r\n' +
        '-ERR syntax error\r\n' +
        '-NOAUTH Authentication required.\r\n' +
        '+OK\r\n' +
        '+PONG\r\n',
    );
    // RESET logs the connection out again.
    let mark = conn.received().length;
    conn.send(['RESET'], ['PING']);
    assert.is((await conn.until('required.\r\n', mark)).slice(mark), '+RESET\r\n-NOAUTH Authentication required.\r\n');
    mark = conn.received().length;
    conn.send(['HELLO', '3', 'AUTH', 'default', 'pw', 'SETNAME', 'authed'], ['CLIENT', 'GETNAME']);
    const hello = (await conn.until('$6\r\nauthed\r\n', mark)).slice(mark);
    assert.ok(hello.startsWith('%7\r\n'), hello);

    for (const resp of [2, 3] as const) {
      const client = new Redis({ host: secured.host, port: secured.port, password: 'pw', protocol: resp, lazyConnect: true });
      client.on('error', () => {});
      await client.connect();
      assert.is(await client.ping(), 'PONG');
      client.disconnect();
    }
    const { createClient } = await import('redis');
    const node = createClient({ url: `redis://:pw@${secured.host}:${secured.port}`, RESP: 3 });
    node.on('error', () => {});
    await node.connect();
    assert.is(await node.ping(), 'PONG');
    await node.quit();
    const denied = createClient({
      url: `redis://:nope@${secured.host}:${secured.port}`,
      RESP: 3,
      socket: { reconnectStrategy: false },
    });
    denied.on('error', () => {});
    const failure = await denied.connect().then(
      () => null,
      (e: Error) => e.message,
    );
    assert.match(String(failure), /WRONGPASS/);
    if (denied.isOpen) denied.destroy();
  } finally {
    conn.close();
    await secured.close();
  }
});

test('CLIENT PAUSE WRITE holds writes, not reads; UNPAUSE releases them in order', async () => {
  const pauser = await raw(server);
  const worker = await raw(server);
  try {
    pauser.send(['CLIENT', 'PAUSE', '5000', 'WRITE']);
    await pauser.until('+OK\r\n');
    worker.send(['GET', 'paused-key'], ['SET', 'paused-key', 'v'], ['GET', 'paused-key']);
    await worker.until('$-1\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.is(worker.received(), '$-1\r\n', 'the write and what follows it wait');
    assert.is(server.server.dbs[0].lookup('paused-key'), undefined);
    pauser.send(['CLIENT', 'UNPAUSE']);
    await pauser.until('+OK\r\n+OK\r\n');
    assert.is(await worker.until('$1\r\nv\r\n'), '$-1\r\n+OK\r\n$1\r\nv\r\n');
    // A short pause ends by itself.
    pauser.send(['CLIENT', 'PAUSE', '30', 'ALL'], ['PING', 'after']);
    const started = Date.now();
    await pauser.until('$5\r\nafter\r\n');
    assert.ok(Date.now() - started >= 20, 'PING waited for the pause to end');
    const mark = pauser.received().length;
    pauser.send(['CLIENT', 'PAUSE', 'abc'], ['CLIENT', 'PAUSE', '-1'], ['CLIENT', 'PAUSE', '10', 'foo'], ['CLIENT', 'PAUSE', '10', 'ALL', 'x']);
    const errors = (await pauser.until('HELP.\r\n', mark)).slice(mark);
    assert.is(
      errors,
      '-ERR timeout is not an integer or out of range\r\n' +
        '-ERR timeout is negative\r\n' +
        '-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n' +
        "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n",
    );
    server.server.dbs[0].remove('paused-key');
  } finally {
    pauser.close();
    worker.close();
  }
});

test('CLIENT UNBLOCK, NO-EVICT, NO-TOUCH', async () => {
  const client = await nodeRedis(server, 3);
  try {
    const id = String(await client.clientId());
    assert.is(await client.sendCommand(['CLIENT', 'UNBLOCK', id]), 0);
    assert.is(await client.sendCommand(['CLIENT', 'UNBLOCK', '12345', 'ERROR']), 0);
    const reason = await client.sendCommand(['CLIENT', 'UNBLOCK', id, 'LATER']).catch((e: Error) => e.message);
    assert.is(reason, 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
    const notInt = await client.sendCommand(['CLIENT', 'UNBLOCK', 'abc']).catch((e: Error) => e.message);
    assert.is(notInt, 'ERR value is not an integer or out of range');

    assert.is(await client.sendCommand(['CLIENT', 'NO-EVICT', 'on']), 'OK');
    assert.match(String(await client.sendCommand(['CLIENT', 'INFO'])), / flags=e /);
    assert.is(await client.sendCommand(['CLIENT', 'NO-EVICT', 'OFF']), 'OK');
    const bad = await client.sendCommand(['CLIENT', 'NO-EVICT', 'maybe']).catch((e: Error) => e.message);
    assert.is(bad, 'ERR syntax error');

    await client.set('touch-key', 'v');
    const entry = server.server.dbs[0].lookup('touch-key')!;
    const written = entry.lastAccess;
    server.clock.advance(5000);
    assert.is(await client.sendCommand(['CLIENT', 'NO-TOUCH', 'on']), 'OK');
    assert.match(String(await client.sendCommand(['CLIENT', 'INFO'])), / flags=T /);
    assert.is(await client.get('touch-key'), 'v');
    assert.is(entry.lastAccess, written, 'GET under NO-TOUCH leaves the access time');
    assert.is(await client.sendCommand(['CLIENT', 'NO-TOUCH', 'off']), 'OK');
    assert.is(await client.get('touch-key'), 'v');
    assert.ok(entry.lastAccess > written, 'GET touches again');
    await client.del('touch-key');
  } finally {
    await client.quit();
  }
});

test("replies leave newest first, as Redis's: the issuer of CLIENT UNBLOCK and PUBLISH hears before the clients it woke", async () => {
  // Replies are written at the end of the event-loop turn; Redis links each
  // client into its pending-writes list at the head, so the client whose
  // command reached others is written first (real Redis: 20 of 20 rounds for
  // CLIENT UNBLOCK, 19-20 of 20 for PUBLISH). Two sockets' data may in
  // principle surface in either order, hence a majority, not every round;
  // oldest-first writing gives the other order in every round.
  const issuer = await raw(server);
  const other = await raw(server);
  const firstOf = async (wake: () => void): Promise<'issuer' | 'other'> => {
    let first: 'issuer' | 'other' | null = null;
    const mark = (who: 'issuer' | 'other') => () => {
      first ??= who;
    };
    const a = new Promise<void>((resolve) => issuer.socket.once('data', () => (mark('issuer')(), resolve())));
    const b = new Promise<void>((resolve) => other.socket.once('data', () => (mark('other')(), resolve())));
    wake();
    await Promise.all([a, b]);
    return first!;
  };
  try {
    other.send(['CLIENT', 'ID']);
    const id = /:(\d+)\r\n/.exec(await other.until('\r\n'))![1];
    let issuerFirst = 0;
    for (let round = 0; round < 20; round++) {
      const from = other.received().length;
      other.send(['BLPOP', 'order-none', '0']);
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.is(other.received().length, from, 'BLPOP blocks');
      if ((await firstOf(() => issuer.send(['CLIENT', 'UNBLOCK', id, 'ERROR']))) === 'issuer') issuerFirst++;
    }
    assert.ok(issuerFirst >= 15, `CLIENT UNBLOCK's issuer first in ${issuerFirst} of 20 rounds`);
    assert.match(other.received(), /-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n$/);

    other.send(['SUBSCRIBE', 'order-ch']);
    await other.until('order-ch');
    let publisherFirst = 0;
    for (let round = 0; round < 20; round++) {
      if ((await firstOf(() => issuer.send(['PUBLISH', 'order-ch', 'm']))) === 'issuer') publisherFirst++;
    }
    assert.ok(publisherFirst >= 15, `PUBLISH's issuer first in ${publisherFirst} of 20 rounds`);
  } finally {
    issuer.close();
    other.close();
  }
});

test('CLIENT LIST age and idle follow the server clock', async () => {
  const a = await raw(server);
  try {
    a.send(['PING']);
    await a.until('+PONG\r\n');
    server.clock.advance(7000);
    const b = await nodeRedis(server, 2);
    try {
      const list = String(await b.sendCommand(['CLIENT', 'LIST']));
      const line = list.split('\n').find((l) => l.includes(' cmd=ping '))!;
      const info = new Map(fields(line));
      assert.ok(Number(info.get('age')) >= 7, line);
      assert.ok(Number(info.get('idle')) >= 7, line);
    } finally {
      await b.quit();
    }
  } finally {
    a.close();
  }
});

test.run();
