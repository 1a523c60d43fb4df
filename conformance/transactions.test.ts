// Transactions (MULTI, EXEC, DISCARD, WATCH, UNWATCH) through stock clients
// (node-redis in RESP3 and RESP2, ioredis) and through raw sockets where the
// exact bytes matter. Replies and error texts were read from a real Redis
// 7.0.15. Time moves with the server's clock (advance), never by sleeping.

import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ioredis, nodeRedis, startTestServer } from './helpers.js';
import type { RunningServer } from '../server/index.js';

const test = suite('transactions');
let server: RunningServer;

test.before(async () => {
  server = await startTestServer();
  server.clock.freeze();
});
test.after(async () => {
  await server.close();
});

const EXECABORT = 'EXECABORT Transaction discarded because of previous errors.';
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INTEGER = 'ERR value is not an integer or out of range';

/** A raw connection: sends commands as multibulks and compares the bytes that come back. */
class Raw {
  private data = '';
  private waiter: (() => void) | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.data += chunk.toString('latin1');
      this.waiter?.();
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<Raw> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new Raw(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends every command in one write and asserts the replies are exactly `expected`. */
  async run(commands: string[][], expected: string, message?: string): Promise<void> {
    this.data = '';
    let out = '';
    for (const args of commands) {
      out += `*${args.length}\r\n`;
      for (const arg of args) out += `$${Buffer.byteLength(arg, 'latin1')}\r\n${arg}\r\n`;
    }
    this.socket.write(Buffer.from(out, 'latin1'));
    const deadline = Date.now() + 2000;
    while (this.data.length < expected.length && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
    this.waiter = null;
    // Anything more than expected has a moment to arrive, so extra replies fail the test too.
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.is(JSON.stringify(this.data), JSON.stringify(expected), message);
  }

  /** HELLO 3, its map reply dropped. */
  async resp3(): Promise<void> {
    this.data = '';
    this.socket.write('*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n');
    const deadline = Date.now() + 2000;
    while (!this.data.endsWith('modules\r\n*0\r\n') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.match(this.data, /^%7\r\n/);
    this.data = '';
  }

  close(): void {
    this.socket.destroy();
  }
}

async function withRaw(fn: (a: Raw, b: Raw) => Promise<void>): Promise<void> {
  const a = await Raw.connect(server.port);
  const b = await Raw.connect(server.port);
  try {
    await fn(a, b);
  } finally {
    a.close();
    b.close();
  }
}

/** The error a promise rejects with (fails the test if it resolves). */
async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    const value = await promise;
    assert.unreachable(`expected an error, got ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof assert.Assertion) throw error;
    return error as Error;
  }
  throw new Error('unreachable');
}

function infoField(text: string, name: string): string | undefined {
  for (const line of text.split('\r\n')) if (line.startsWith(`${name}:`)) return line.slice(name.length + 1);
  return undefined;
}

// ---- node-redis, both protocols --------------------------------------------

for (const resp of [3, 2] as const) {
  test(`node-redis RESP${resp}: multi().exec() returns each reply`, async () => {
    const c = await nodeRedis(server, resp);
    try {
      await c.del(['tx:a', 'tx:l']);
      const replies = await c.multi().set('tx:a', '1').get('tx:a').incr('tx:a').rPush('tx:l', ['x', 'y']).lRange('tx:l', 0, -1).exec();
      assert.equal(replies, ['OK', '1', 2, 2, ['x', 'y']]);
      assert.is(await c.get('tx:a'), '2');
    } finally {
      c.destroy();
    }
  });

  test(`node-redis RESP${resp}: tag invalidation as the caching seeds do it, in transactions`, async () => {
    const c = await nodeRedis(server, resp);
    try {
      await c.del(['tx:tag:users', 'tx:user:1', 'tx:user:2']);
      for (const id of ['1', '2']) {
        const replies = await c.multi().set(`tx:user:${id}`, `{"id":${id}}`, { EX: 60 }).sAdd('tx:tag:users', `tx:user:${id}`).expire('tx:tag:users', 3600).exec();
        assert.equal(replies, ['OK', 1, 1]);
      }
      assert.is(await c.ttl('tx:user:1'), 60);
      const members = (await c.sMembers('tx:tag:users')).sort();
      assert.equal(members, ['tx:user:1', 'tx:user:2']);
      assert.equal(await c.multi().del(members).del('tx:tag:users').exec(), [2, 1]);
      assert.is(await c.exists(['tx:user:1', 'tx:user:2', 'tx:tag:users']), 0);
    } finally {
      c.destroy();
    }
  });

  test(`node-redis RESP${resp}: a runtime error fails only its command`, async () => {
    const c = await nodeRedis(server, resp);
    try {
      await c.set('tx:s', 'text');
      const error = (await errorOf(c.multi().incr('tx:s').lPush('tx:s', 'x').set('tx:after', 'ok').get('tx:s').exec())) as Error & {
        replies: unknown[];
        errorIndexes: number[];
      };
      assert.equal(error.errorIndexes, [0, 1]);
      assert.is((error.replies[0] as Error).message, NOT_INTEGER);
      assert.is((error.replies[1] as Error).message, WRONGTYPE);
      assert.is(error.replies[2], 'OK');
      assert.is(error.replies[3], 'text');
      // The commands around the failures ran.
      assert.is(await c.get('tx:after'), 'ok');
    } finally {
      c.destroy();
    }
  });

  test(`node-redis RESP${resp}: WATCH aborted by another client's write`, async () => {
    const c = await nodeRedis(server, resp);
    const other = await nodeRedis(server, resp);
    try {
      await c.set('tx:w', '1');
      await c.watch('tx:w');
      await other.set('tx:w', '2');
      const error = await errorOf(c.multi().set('tx:w', 'mine').exec());
      assert.is(error.constructor.name, 'WatchError');
      assert.is(await c.get('tx:w'), '2', 'nothing ran');
      // The next transaction watches nothing and runs.
      assert.equal(await c.multi().set('tx:w', 'mine').exec(), ['OK']);
      // An untouched watch lets EXEC run.
      await c.watch('tx:w');
      assert.equal(await c.multi().get('tx:w').exec(), ['mine']);
    } finally {
      c.destroy();
      other.destroy();
    }
  });

  test(`node-redis RESP${resp}: a queuing error discards the transaction`, async () => {
    const c = await nodeRedis(server, resp);
    try {
      await c.set('tx:q', 'before');
      const error = await errorOf(c.multi().set('tx:q', 'after').addCommand(['SET', 'tx:q']).exec());
      assert.is(error.message, "ERR wrong number of arguments for 'set' command");
      assert.is(await c.get('tx:q'), 'before');
    } finally {
      c.destroy();
    }
  });
}

// ---- ioredis ---------------------------------------------------------------

for (const protocol of [3, 2] as const) {
  test(`ioredis RESP${protocol}: multi().exec() and WATCH`, async () => {
    const c = await ioredis(server, protocol);
    const other = await ioredis(server, protocol);
    try {
      await c.set('tx:i', 'text');
      const replies = await c.multi().set('tx:j', '1').incr('tx:i').incr('tx:j').get('tx:j').exec();
      assert.ok(replies);
      assert.equal(replies![0], [null, 'OK']);
      assert.is((replies![1][0] as Error).message, NOT_INTEGER);
      assert.equal(replies![2], [null, 2]);
      assert.equal(replies![3], [null, '2']);

      await c.watch('tx:j');
      await other.incr('tx:j');
      assert.is(await c.multi().set('tx:j', 'lost').exec(), null);
      assert.is(await c.get('tx:j'), '3');

      const error = (await errorOf(c.multi().set('tx:j', 'x').call('NOSUCHCOMMAND').exec())) as Error & { previousErrors?: Error[] };
      assert.is(error.message, EXECABORT);
      assert.is(await c.get('tx:j'), '3');

      // MULTI sent on its own, commands queued one by one, then DISCARD.
      assert.is(await c.multi({ pipeline: false }), 'OK');
      assert.is(await c.set('tx:j', 'never'), 'QUEUED');
      assert.is(await c.discard(), 'OK');
      assert.is(await c.get('tx:j'), '3');
    } finally {
      c.disconnect();
      other.disconnect();
    }
  });
}

// ---- exact replies over a raw socket ---------------------------------------

test('MULTI, EXEC, DISCARD, WATCH errors and their effects', async () => {
  await withRaw(async (a) => {
    await a.run([['MULTI'], ['MULTI'], ['SET', 'tx:r', '1'], ['EXEC']], '+OK\r\n-ERR MULTI calls can not be nested\r\n+QUEUED\r\n*1\r\n+OK\r\n', 'a nested MULTI fails alone');
    await a.run([['MULTI'], ['WATCH', 'tx:r'], ['GET', 'tx:r'], ['EXEC']], '+OK\r\n-ERR WATCH inside MULTI is not allowed\r\n+QUEUED\r\n*1\r\n$1\r\n1\r\n');
    await a.run([['EXEC'], ['DISCARD'], ['UNWATCH'], ['WATCH']], "-ERR EXEC without MULTI\r\n-ERR DISCARD without MULTI\r\n+OK\r\n-ERR wrong number of arguments for 'watch' command\r\n");
    await a.run([['MULTI'], ['EXEC']], '+OK\r\n*0\r\n', 'an empty transaction');
    await a.run([['MULTI'], ['SET', 'tx:r', '2'], ['DISCARD'], ['GET', 'tx:r'], ['EXEC']], '+OK\r\n+QUEUED\r\n+OK\r\n$1\r\n1\r\n-ERR EXEC without MULTI\r\n');
    await a.run([['MULTI'], ['UNWATCH'], ['PING'], ['EXEC']], '+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n+PONG\r\n', 'UNWATCH is queued');
    await a.run([['MULTI'], ['SET', 'tx:r', '3'], ['RESET'], ['EXEC'], ['GET', 'tx:r']], '+OK\r\n+QUEUED\r\n+RESET\r\n-ERR EXEC without MULTI\r\n$1\r\n1\r\n', 'RESET discards');
  });
});

test('EXECABORT after unknown commands, arity errors and no_multi commands', async () => {
  await withRaw(async (a) => {
    await a.run(
      [['MULTI'], ['NOSUCH', 'x'], ['SET', 'tx:e', '1'], ['EXEC'], ['EXISTS', 'tx:e']],
      `+OK\r\n-ERR unknown command 'NOSUCH', with args beginning with: 'x' \r\n+QUEUED\r\n-${EXECABORT}\r\n:0\r\n`,
    );
    await a.run([['MULTI'], ['SET', 'tx:e'], ['EXEC']], `+OK\r\n-ERR wrong number of arguments for 'set' command\r\n-${EXECABORT}\r\n`);
    await a.run([['MULTI'], ['CLIENT', 'NOSUCH'], ['EXEC']], `+OK\r\n-ERR unknown subcommand 'NOSUCH'. Try CLIENT HELP.\r\n-${EXECABORT}\r\n`);
    await a.run([['MULTI'], ['DISCARD', 'x'], ['EXEC']], `+OK\r\n-ERR wrong number of arguments for 'discard' command\r\n-${EXECABORT}\r\n`);
    await a.run([['MULTI'], ['SHUTDOWN'], ['EXEC']], `+OK\r\n-ERR Command not allowed inside a transaction\r\n-${EXECABORT}\r\n`);
    // A refused EXEC ends the transaction at once, with the reason.
    await a.run(
      [['MULTI'], ['SET', 'tx:e', '1'], ['EXEC', 'x'], ['EXEC'], ['EXISTS', 'tx:e']],
      "+OK\r\n+QUEUED\r\n-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n-ERR EXEC without MULTI\r\n:0\r\n",
    );
  });
});

test('runtime errors are elements of the EXEC reply, in both protocols', async () => {
  await withRaw(async (a) => {
    const commands = [['SET', 'tx:t', 'x'], ['DEL', 'tx:none'], ['MULTI'], ['LPUSH', 'tx:t', '1'], ['GET', 'tx:t'], ['INCR', 'tx:t'], ['GET', 'tx:none'], ['EXEC']];
    await a.run(commands, `+OK\r\n:0\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*4\r\n-${WRONGTYPE}\r\n$1\r\nx\r\n-${NOT_INTEGER}\r\n$-1\r\n`);
    await a.resp3();
    await a.run(commands, `+OK\r\n:0\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*4\r\n-${WRONGTYPE}\r\n$1\r\nx\r\n-${NOT_INTEGER}\r\n_\r\n`);
  });
});

test('a WATCH abort is *-1 in RESP2, _ in RESP3', async () => {
  await withRaw(async (a, b) => {
    await a.run([['SET', 'tx:n', '1'], ['WATCH', 'tx:n']], '+OK\r\n+OK\r\n');
    await b.run([['SET', 'tx:n', '2']], '+OK\r\n');
    await a.run([['MULTI'], ['SET', 'tx:n', 'mine'], ['EXEC'], ['GET', 'tx:n']], '+OK\r\n+QUEUED\r\n*-1\r\n$1\r\n2\r\n');
    await a.resp3();
    await a.run([['WATCH', 'tx:n']], '+OK\r\n');
    await b.run([['SET', 'tx:n', '3']], '+OK\r\n');
    await a.run([['MULTI'], ['SET', 'tx:n', 'mine'], ['EXEC'], ['GET', 'tx:n']], '+OK\r\n+QUEUED\r\n_\r\n$1\r\n3\r\n');
  });
});

test('WATCH: own writes, UNWATCH, re-WATCH, other databases', async () => {
  await withRaw(async (a, b) => {
    const run = [['MULTI'], ['PING'], ['EXEC']];
    const ran = '+OK\r\n+QUEUED\r\n*1\r\n+PONG\r\n';
    const aborted = '+OK\r\n+QUEUED\r\n*-1\r\n';
    await a.run([['SET', 'tx:o', 'v'], ['WATCH', 'tx:o'], ['SET', 'tx:o', 'self'], ...run], `+OK\r\n+OK\r\n+OK\r\n${aborted}`, 'the watcher\'s own write counts');
    await a.run([['WATCH', 'tx:o']], '+OK\r\n');
    await b.run([['SET', 'tx:o', 'x']], '+OK\r\n');
    await a.run([['UNWATCH'], ...run], `+OK\r\n${ran}`, 'UNWATCH forgets a touched key');
    await a.run([['WATCH', 'tx:o']], '+OK\r\n');
    await b.run([['SET', 'tx:o', 'y']], '+OK\r\n');
    await a.run([['WATCH', 'tx:o'], ...run], `+OK\r\n${aborted}`, 'watching again does not clean a dirty client');
    await a.run([['WATCH', 'tx:o', 'tx:o2']], '+OK\r\n');
    await b.run([['SELECT', '1'], ['SET', 'tx:o', 'other-db'], ['SELECT', '0']], '+OK\r\n+OK\r\n+OK\r\n');
    await a.run(run, ran, 'a write in another database is another key');
    await a.run([['WATCH', 'tx:o']], '+OK\r\n');
    await b.run([['GET', 'tx:o'], ['SET', 'tx:unrelated', '1']], '$1\r\ny\r\n+OK\r\n');
    await a.run(run, ran, 'reads and other keys do not count');
    await a.run([['WATCH', 'tx:o']], '+OK\r\n');
    await b.run([['DEL', 'tx:o']], ':1\r\n');
    await a.run([['DISCARD']], '-ERR DISCARD without MULTI\r\n');
    await a.run(run, aborted, 'DEL counts');
    await a.run([['WATCH', 'tx:o']], '+OK\r\n');
    await b.run([['DEL', 'tx:o']], ':0\r\n');
    await a.run(run, ran, 'deleting a missing key changes nothing');
    await a.run([['SET', 'tx:o', '1'], ['WATCH', 'tx:o']], '+OK\r\n+OK\r\n');
    await b.run([['SET', 'tx:o', '2']], '+OK\r\n');
    await a.run([['MULTI'], ['DISCARD'], ...run], `+OK\r\n+OK\r\n${ran}`, 'DISCARD unwatches');
    await a.run([['WATCH', 'tx:o']], '+OK\r\n');
    await b.run([['SET', 'tx:o', '3']], '+OK\r\n');
    await a.run([['RESET'], ...run], `+RESET\r\n${ran}`, 'RESET unwatches');
  });
});

test('WATCH: expiry aborts, an already expired key does not', async () => {
  await withRaw(async (a, b) => {
    const run = [['MULTI'], ['PING'], ['EXEC']];
    const ran = '+OK\r\n+QUEUED\r\n*1\r\n+PONG\r\n';
    const aborted = '+OK\r\n+QUEUED\r\n*-1\r\n';
    server.server.activeExpireEnabled = false;
    try {
      // Expires between WATCH and EXEC, nobody looked at it: logically expired at EXEC.
      await a.run([['SET', 'tx:x', 'v', 'PX', '100'], ['WATCH', 'tx:x']], '+OK\r\n+OK\r\n');
      server.clock.advance(200);
      await a.run(run, aborted, 'expired at EXEC time');
      // Expires and another client's read removes it.
      await a.run([['SET', 'tx:x', 'v', 'PX', '100'], ['WATCH', 'tx:x']], '+OK\r\n+OK\r\n');
      server.clock.advance(200);
      await b.run([['GET', 'tx:x']], '$-1\r\n');
      await a.run(run, aborted, 'expired and removed');
      // Still alive at EXEC.
      await a.run([['SET', 'tx:x', 'v', 'PX', '100'], ['WATCH', 'tx:x']], '+OK\r\n+OK\r\n');
      server.clock.advance(50);
      await a.run(run, ran, 'not yet expired');
      // Already expired when watched: its removal is no change …
      server.clock.advance(100);
      await a.run([['WATCH', 'tx:x']], '+OK\r\n');
      await b.run([['GET', 'tx:x']], '$-1\r\n');
      await a.run(run, ran, 'watched while expired, then removed');
      await a.run([['SET', 'tx:x', 'v', 'PX', '100']], '+OK\r\n');
      server.clock.advance(200);
      await a.run([['WATCH', 'tx:x']], '+OK\r\n');
      await b.run([['FLUSHALL']], '+OK\r\n');
      await a.run(run, ran, 'watched while expired, then flushed');
      // … but writing it again is.
      await a.run([['SET', 'tx:x', 'v', 'PX', '100']], '+OK\r\n');
      server.clock.advance(200);
      await a.run([['WATCH', 'tx:x']], '+OK\r\n');
      await b.run([['SET', 'tx:x', 'new']], '+OK\r\n');
      await a.run(run, aborted, 'watched while expired, then written');
    } finally {
      server.server.activeExpireEnabled = true;
    }
  });
});

test('WATCH: FLUSHALL, FLUSHDB and SWAPDB break it when the key exists', async () => {
  await withRaw(async (a, b) => {
    const run = [['MULTI'], ['PING'], ['EXEC']];
    const ran = '+OK\r\n+QUEUED\r\n*1\r\n+PONG\r\n';
    const aborted = '+OK\r\n+QUEUED\r\n*-1\r\n';
    await a.run([['SET', 'tx:f', 'v'], ['WATCH', 'tx:f']], '+OK\r\n+OK\r\n');
    await b.run([['FLUSHALL']], '+OK\r\n');
    await a.run(run, aborted, 'FLUSHALL');
    await a.run([['WATCH', 'tx:f']], '+OK\r\n');
    await b.run([['FLUSHALL']], '+OK\r\n');
    await a.run(run, ran, 'FLUSHALL of a missing key');
    await a.run([['SET', 'tx:f', 'v'], ['WATCH', 'tx:f']], '+OK\r\n+OK\r\n');
    await b.run([['FLUSHDB']], '+OK\r\n');
    await a.run(run, aborted, 'FLUSHDB');
    await a.run([['SET', 'tx:f', 'v'], ['WATCH', 'tx:f']], '+OK\r\n+OK\r\n');
    await b.run([['SWAPDB', '0', '1']], '+OK\r\n');
    await a.run(run, aborted, 'SWAPDB');
    await b.run([['SWAPDB', '0', '1']], '+OK\r\n');
    // The key only in the database swapped in.
    await a.run([['SELECT', '2'], ['WATCH', 'tx:f']], '+OK\r\n+OK\r\n');
    await b.run([['SELECT', '3'], ['SET', 'tx:f', 'v3'], ['SWAPDB', '2', '3'], ['SELECT', '0']], '+OK\r\n+OK\r\n+OK\r\n+OK\r\n');
    await a.run([...run, ['GET', 'tx:f'], ['FLUSHALL'], ['SELECT', '0']], `${aborted}$2\r\nv3\r\n+OK\r\n+OK\r\n`, 'SWAPDB brings the key in');
  });
});

test('commands queued inside MULTI run inside EXEC in order, with SELECT taking effect', async () => {
  await withRaw(async (a) => {
    await a.run(
      [['SELECT', '0'], ['SET', 'tx:d', 'zero'], ['MULTI'], ['SELECT', '1'], ['SET', 'tx:d', 'one'], ['SELECT', '0'], ['GET', 'tx:d'], ['EXEC']],
      '+OK\r\n+OK\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*4\r\n+OK\r\n+OK\r\n+OK\r\n$4\r\nzero\r\n',
    );
    await a.run([['SELECT', '1'], ['GET', 'tx:d'], ['DEL', 'tx:d'], ['SELECT', '0']], '+OK\r\n$3\r\none\r\n:1\r\n+OK\r\n');
  });
});

test('blocking commands inside MULTI do not block', async () => {
  await withRaw(async (a) => {
    await a.run([['DEL', 'tx:bl'], ['MULTI'], ['BLPOP', 'tx:bl', '0'], ['RPUSH', 'tx:bl', 'v'], ['BLPOP', 'tx:bl', '0'], ['EXEC']],
      ':0\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n*-1\r\n:1\r\n*2\r\n$5\r\ntx:bl\r\n$1\r\nv\r\n');
    // The moves answer as their non-blocking forms do: a null bulk, not a null array (as Redis 7.0).
    await a.run([['MULTI'], ['BRPOPLPUSH', 'tx:none', 'tx:dst', '0'], ['BLMOVE', 'tx:none', 'tx:dst', 'LEFT', 'RIGHT', '0'], ['BLMPOP', '0', '1', 'tx:none', 'LEFT'], ['EXEC']],
      '+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n$-1\r\n$-1\r\n*-1\r\n');
  });
});

test('CLIENT LIST shows multi=, multi-mem= and the x and d flags', async () => {
  await withRaw(async (a, b) => {
    await a.run([['CLIENT', 'SETNAME', 'txlist'], ['SET', 'tx:c', '1'], ['WATCH', 'tx:c']], '+OK\r\n+OK\r\n+OK\r\n');
    const line = async (): Promise<string> => {
      const c = await nodeRedis(server, 2);
      try {
        const list = (await c.sendCommand(['CLIENT', 'LIST'])) as string;
        return list.split('\n').find((l) => l.includes('name=txlist ')) ?? '';
      } finally {
        c.destroy();
      }
    };
    let info = await line();
    assert.match(info, / flags=N /);
    assert.match(info, / multi=-1 /);
    assert.match(info, / multi-mem=0 /);
    await a.run([['MULTI'], ['SET', 'k', 'v'], ['GET', 'k']], '+OK\r\n+QUEUED\r\n+QUEUED\r\n');
    info = await line();
    assert.match(info, / flags=x /);
    assert.match(info, / multi=2 /);
    // As Redis 7.0: the arguments' bytes plus a pointer each (3+1+1 + 3+1, 5 pointers).
    assert.match(info, / multi-mem=49 /);
    assert.match(info, / cmd=get /);
    await b.run([['SET', 'tx:c', '2']], '+OK\r\n');
    await a.run([['GET', 'k']], '+QUEUED\r\n');
    info = await line();
    assert.match(info, / flags=xd /);
    assert.match(info, / multi=2 /, 'a doomed transaction queues nothing more');
    await a.run([['EXEC']], '*-1\r\n');
    info = await line();
    assert.match(info, / flags=N /);
    assert.match(info, / multi=-1 /);
  });
});

test('stats: EXEC counts, its commands count, their errors are not EXEC\'s', async () => {
  const c = await nodeRedis(server, 3);
  try {
    await c.configResetStat();
    await withRaw(async (a) => {
      await a.run([['SET', 'tx:st', 'x'], ['MULTI'], ['INCR', 'tx:st'], ['PING'], ['EXEC']], `+OK\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n-${NOT_INTEGER}\r\n+PONG\r\n`);
      await a.run([['MULTI'], ['SET', 'x'], ['EXEC']], `+OK\r\n-ERR wrong number of arguments for 'set' command\r\n-${EXECABORT}\r\n`);
      await a.run([['MULTI'], ['EXEC', 'x']], "+OK\r\n-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n");
    });
    const stats = await c.info('commandstats');
    assert.match(infoField(stats, 'cmdstat_exec') ?? '', /^calls=2,.*rejected_calls=1,failed_calls=1$/);
    assert.match(infoField(stats, 'cmdstat_incr') ?? '', /^calls=1,.*rejected_calls=0,failed_calls=1$/);
    assert.match(infoField(stats, 'cmdstat_ping') ?? '', /^calls=1,/);
    assert.match(infoField(stats, 'cmdstat_set') ?? '', /^calls=1,.*rejected_calls=1,failed_calls=0$/);
    const errors = await c.info('errorstats');
    assert.is(infoField(errors, 'errorstat_EXECABORT'), 'count=2');
    assert.is(infoField(errors, 'errorstat_ERR'), 'count=2');
  } finally {
    c.destroy();
  }
});

test('EXEC holds the clock still and leaves a frozen clock frozen', async () => {
  const clock = server.clock;
  assert.ok(clock.isFrozen);
  await withRaw(async (a) => {
    await a.run([['MULTI'], ['PING'], ['EXEC']], '+OK\r\n+QUEUED\r\n*1\r\n+PONG\r\n');
  });
  assert.ok(clock.isFrozen, 'a suite\'s frozen clock stays frozen');
  clock.thaw();
  try {
    await withRaw(async (a) => {
      await a.run([['MULTI'], ['PING'], ['EXEC']], '+OK\r\n+QUEUED\r\n*1\r\n+PONG\r\n');
    });
    assert.not.ok(clock.isFrozen, 'an unfrozen clock is released after EXEC');
  } finally {
    clock.freeze();
  }
});

test('a disconnected client leaves no watches or transaction behind', async () => {
  const a = await Raw.connect(server.port);
  await a.run([['SET', 'tx:gone', '1'], ['WATCH', 'tx:gone', 'tx:gone2'], ['MULTI'], ['SET', 'tx:gone', '2']], '+OK\r\n+OK\r\n+OK\r\n+QUEUED\r\n');
  a.close();
  for (let i = 0; i < 50 && server.server.clients.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  const { transactions } = await import('../server/transaction.js');
  assert.is(transactions(server.server).watchedKeys, 0);
  await withRaw(async (b) => {
    await b.run([['SET', 'tx:gone', '3'], ['GET', 'tx:gone']], '+OK\r\n$1\r\n3\r\n');
  });
});

test.run();

