// The protocol layer, black-box over raw TCP (no client library): inline and
// multibulk framing, pipelines, protocol errors and the limits that close a
// connection, HTTP on the port, maxclients, and batched replies. Every
// expected byte string was read from a real redis-server 7.0 with a raw
// net.Socket (redis-cli would hide the bytes and the closes).

import { spawn } from 'node:child_process';
import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startServer } from '../server/index.js';
import { sharesReadBuffer } from '../server/socket-reads.js';
import { mulberry32 } from '../test/seeded-random.js';

/** A raw connection that records every byte and every 'data' event. */
class Conn {
  readonly events: Buffer[] = [];
  closed = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private wakeups: Array<() => void> = [];

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.events.push(chunk);
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      this.wake();
    });
    // Writing to a socket the server has dropped raises EPIPE/ECONNRESET: expected here.
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new Conn(socket));
      });
    });
  }

  private wake(): void {
    const waiting = this.wakeups;
    this.wakeups = [];
    for (const w of waiting) w();
  }

  /** Resolves when cond() holds (checked on every event and every 20 ms), or after timeoutMs; returns cond(). */
  async waitFor(cond: () => boolean, timeoutMs = 3000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 20));
        this.wakeups.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  /** What arrived and was not read yet. */
  pendingChunks(): Buffer[] {
    return this.pending;
  }

  send(data: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Takes exactly n bytes once they arrived (fewer if the connection closed or time ran out). */
  async readBuffer(n: number, timeoutMs = 3000): Promise<Buffer> {
    await this.waitFor(() => this.pendingBytes >= n || this.closed, timeoutMs);
    const all = Buffer.concat(this.pending);
    const taken = all.subarray(0, n);
    const rest = all.subarray(taken.length);
    this.pending = rest.length ? [rest] : [];
    this.pendingBytes = rest.length;
    return taken;
  }

  async read(n: number, timeoutMs = 3000): Promise<string> {
    return (await this.readBuffer(n, timeoutMs)).toString('latin1');
  }

  /** Asserts the next bytes are exactly `expected`. */
  async expect(expected: string, message?: string): Promise<void> {
    assert.is(await this.read(expected.length), expected, message);
  }

  /** Asserts the server closes the connection without sending anything more. */
  async expectClosed(message = 'connection closed by the server'): Promise<void> {
    await this.waitFor(() => this.closed);
    const extra = Buffer.concat(this.pending).toString('latin1');
    assert.is(extra, '', `no bytes after the expected ones (${message})`);
    assert.ok(this.closed, message);
  }

  /** Asserts the connection still serves commands (and had nothing else queued). */
  async expectOpen(message = 'connection still open'): Promise<void> {
    this.send('PING\r\n');
    await this.expect('+PONG\r\n', message);
    assert.not.ok(this.closed, message);
  }

  /** Asserts nothing arrives and the connection stays open for ms. */
  async expectSilence(ms = 150): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    assert.is(Buffer.concat(this.pending).toString('latin1'), '', 'no reply');
    assert.not.ok(this.closed, 'connection still open');
  }

  end(): void {
    this.socket.destroy();
  }
}

/** One multibulk request from its arguments. */
function multibulk(...args: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'latin1') : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`, 'latin1'), bytes, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server under test: embedis in-process, or (oracle mode) a real redis-server. */
interface Target {
  port: number;
  /** Connected clients as the server counts them; null when it cannot be read. */
  clientCount(): number | null;
  close(): Promise<void>;
}

// Oracle mode checks the expectations themselves against Redis:
//   PROTOCOL_ORACLE_PORT=7223 node dist/conformance/protocol.test.js
// starts redis-server on that port (and the next ones) instead of embedis.
const oraclePort = Number(process.env.PROTOCOL_ORACLE_PORT ?? 0);
let nextOraclePort = oraclePort;

async function startTarget(config: Record<string, string | number> = {}): Promise<Target> {
  if (!oraclePort) {
    // The HTTP cases make the server log a security warning, as Redis does.
    const s = await startServer({ port: 0, config });
    return { port: s.port, clientCount: () => s.server.clients.size, close: () => s.close() };
  }
  const port = nextOraclePort++;
  const args = ['--port', String(port), '--save', '', '--appendonly', 'no'];
  for (const [name, value] of Object.entries(config)) args.push(`--${name}`, String(value));
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (up) break;
    await sleep(50);
  }
  return {
    port,
    clientCount: () => null,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const test = suite('protocol (raw sockets)');
let running: Target;
/** A client that stays connected through every bad connection of the suite. */
let witness: Conn;
const KEEPER = '$10\r\nstill-here\r\n';

test.before(async () => {
  running = await startTarget();
  witness = await Conn.open(running.port);
  witness.send('SET keeper still-here\r\n');
  await witness.expect('+OK\r\n');
});

test.after(async () => {
  witness?.end();
  await running?.close();
});

/** After a bad connection: the witness is still served, a new client too, and no key was lost. */
async function assertHealthy(context: string): Promise<void> {
  witness.send('GET keeper\r\n');
  await witness.expect(KEEPER, `witness served after ${context}`);
  const fresh = await Conn.open(running.port);
  fresh.send(multibulk('GET', 'keeper'));
  await fresh.expect(KEEPER, `new client served after ${context}`);
  fresh.end();
}

// ---- inline commands --------------------------------------------------------

test('inline PING', async () => {
  const c = await Conn.open(running.port);
  c.send('PING\r\n');
  await c.expect('+PONG\r\n');
  c.send('PiNg\n');
  await c.expect('+PONG\r\n', 'LF alone ends an inline line; names are case-insensitive');
  await c.expectOpen();
  c.end();
});

test('inline quoting: double quotes, single quotes, hex escapes', async () => {
  const c = await Conn.open(running.port);
  c.send('ECHO "a b"\r\n');
  await c.expect('$3\r\na b\r\n');
  c.send("SET inline:k 'v w'\r\nGET inline:k\r\n");
  await c.expect('+OK\r\n$3\r\nv w\r\n');
  c.send('ECHO "\\x41\\x4a\\xzz"\r\n');
  await c.expect('$5\r\nAJxzz\r\n', '\\xHH decodes, \\x without two hex digits is x');
  c.send('ECHO "\\xff\\x00"\r\n');
  await c.expect('$2\r\n\xff\x00\r\n', 'hex escapes give raw bytes');
  c.send('ECHO "tab\\there"\r\n');
  await c.expect('$8\r\ntab\there\r\n');
  c.send("ECHO 'it\\'s'\r\n");
  await c.expect("$4\r\nit's\r\n");
  c.send('ECHO ""\r\n');
  await c.expect('$0\r\n\r\n', 'empty quotes are an empty argument');
  await c.expectOpen();
  c.end();
});

test('empty lines and empty multibulks are ignored', async () => {
  const c = await Conn.open(running.port);
  c.send('\r\n\r\n   \r\n*0\r\n*-1\r\n*-5\r\nPING\r\n');
  await c.expect('+PONG\r\n');
  await c.expectOpen();
  c.end();
});

// ---- pipelines ----------------------------------------------------------------

test('a pipeline in one write gets every reply, in order', async () => {
  const c = await Conn.open(running.port);
  c.send(
    'SET p:a 1\r\n' +
      '*2\r\n$3\r\nGET\r\n$3\r\np:a\r\n' +
      'ECHO "x y"\r\n' +
      '*1\r\n$4\r\nPING\r\n' +
      'GET p:missing\r\n' +
      '*2\r\n$4\r\nECHO\r\n$0\r\n\r\n' +
      'PING\r\n',
  );
  await c.expect('+OK\r\n$1\r\n1\r\n$3\r\nx y\r\n+PONG\r\n$-1\r\n$0\r\n\r\n+PONG\r\n');
  await c.expectOpen();
  c.end();
});

test('a pipeline split into one-byte writes gets the same replies', async () => {
  const c = await Conn.open(running.port);
  const wire = '*3\r\n$3\r\nSET\r\n$3\r\np:b\r\n$5\r\nhello\r\nGET p:b\r\n*2\r\n$4\r\nECHO\r\n$2\r\nok\r\n';
  for (const ch of wire) {
    c.send(ch);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await c.expect('+OK\r\n$5\r\nhello\r\n$2\r\nok\r\n');
  await c.expectOpen();
  c.end();
});

test('pipelines from three connections in pieces of random sizes keep every argument (one shared read buffer)', async () => {
  // embedis reads every socket into one reused buffer (server/socket-reads.ts): an
  // argument kept past its read without a copy would come back overwritten here.
  if (!oraclePort) assert.ok(sharesReadBuffer(), 'this Node lets accepted sockets read into a shared buffer');
  const random = mulberry32(7);
  const value = (c: number, i: number) => {
    const bytes = Buffer.alloc(1 + Math.floor(random() * 300));
    for (let b = 0; b < bytes.length; b++) bytes[b] = (c * 31 + i * 7 + b) & 0xff;
    return bytes;
  };
  const conns = await Promise.all([0, 1, 2].map(() => Conn.open(running.port)));
  const sent: Array<Map<string, Buffer>> = conns.map(() => new Map());
  const wires = conns.map((_, c) => {
    const parts: Buffer[] = [multibulk('MULTI')];
    for (let i = 0; i < 400; i++) {
      const key = `shared-read:${c}:${i}`;
      const v = value(c, i);
      sent[c].set(key, v);
      parts.push(i % 50 === 10 ? multibulk('RPUSH', `${key}:list`, v, v.subarray(1), 'x') : multibulk('SET', key, v));
      if (i === 100) parts.push(multibulk('EXEC'));
    }
    return Buffer.concat(parts);
  });
  // Interleave the pieces so that reads of different sockets alternate.
  const offsets = [0, 0, 0];
  while (offsets.some((o, c) => o < wires[c].length)) {
    for (let c = 0; c < 3; c++) {
      if (offsets[c] >= wires[c].length) continue;
      const n = 1 + Math.floor(random() * 700);
      conns[c].send(wires[c].subarray(offsets[c], offsets[c] + n));
      offsets[c] += n;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (let c = 0; c < 3; c++) {
    conns[c].send(multibulk('PING'));
    // Everything before the PING was answered once +PONG arrives; its bytes are not checked here.
    assert.ok(await conns[c].waitFor(() => Buffer.concat(conns[c].pendingChunks()).toString('latin1').endsWith('+PONG\r\n'), 5000), `connection ${c} answered`);
  }
  const check = await Conn.open(running.port);
  for (let c = 0; c < 3; c++) {
    for (const [key, v] of sent[c]) {
      const listed = Number(key.slice(key.lastIndexOf(':') + 1)) % 50 === 10;
      const rest = v.subarray(1);
      const expected = listed
        ? Buffer.concat([Buffer.from(`*3\r\n$${v.length}\r\n`), v, Buffer.from(`\r\n$${rest.length}\r\n`), rest, Buffer.from('\r\n$1\r\nx\r\n')])
        : Buffer.concat([Buffer.from(`$${v.length}\r\n`), v, Buffer.from('\r\n')]);
      check.send(listed ? multibulk('LRANGE', `${key}:list`, '0', '-1') : multibulk('GET', key));
      assert.is((await check.readBuffer(expected.length)).toString('hex'), expected.toString('hex'), key);
    }
  }
  check.end();
  for (const conn of conns) conn.end();
});

test('a bulk body is taken by its length: the two bytes after it are not checked', async () => {
  // Redis skips the 2 bytes after a bulk without looking at them.
  const c = await Conn.open(running.port);
  c.send('*2\r\n$4\r\nECHO\r\n$3\r\nabcXY');
  await c.expect('$3\r\nabc\r\n');
  c.send('*2\r\n$4\r\nECHO\r\n$1\r\nAB');
  await c.expectSilence();
  c.end();
});

// ---- malformed requests --------------------------------------------------------

const malformed: Array<{ name: string; send: string; reply: string }> = [
  { name: 'non-numeric bulk length', send: '*1\r\n$x\r\n', reply: '-ERR Protocol error: invalid bulk length\r\n' },
  { name: 'a non-bulk inside a multibulk', send: '*1\r\n:1\r\n', reply: "-ERR Protocol error: expected '$', got ':'\r\n" },
  { name: 'bulk length 2^31', send: '*1\r\n$2147483648\r\n', reply: '-ERR Protocol error: invalid bulk length\r\n' },
  { name: 'bulk length over proto-max-bulk-len (512mb)', send: '*1\r\n$536870913\r\n', reply: '-ERR Protocol error: invalid bulk length\r\n' },
  { name: 'negative bulk length', send: '*1\r\n$-1\r\n', reply: '-ERR Protocol error: invalid bulk length\r\n' },
  { name: 'bulk length -0', send: '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$-0\r\n\r\n', reply: '-ERR Protocol error: invalid bulk length\r\n' },
  { name: 'bulk length with a leading zero', send: '*1\r\n$04\r\nPING\r\n', reply: '-ERR Protocol error: invalid bulk length\r\n' },
  { name: 'bulk length with a plus sign', send: '*1\r\n$+4\r\nPING\r\n', reply: '-ERR Protocol error: invalid bulk length\r\n' },
  { name: 'empty bulk length', send: '*1\r\n$\r\n', reply: '-ERR Protocol error: invalid bulk length\r\n' },
  { name: 'non-numeric multibulk length', send: '*abc\r\n', reply: '-ERR Protocol error: invalid multibulk length\r\n' },
  { name: 'empty multibulk length', send: '*\r\n', reply: '-ERR Protocol error: invalid multibulk length\r\n' },
  { name: 'multibulk length 2^31', send: '*2147483648\r\n', reply: '-ERR Protocol error: invalid multibulk length\r\n' },
  { name: 'multibulk length with a leading zero', send: '*01\r\n$4\r\nPING\r\n', reply: '-ERR Protocol error: invalid multibulk length\r\n' },
  { name: 'multibulk length with a trailing space', send: '*1 \r\n$4\r\nPING\r\n', reply: '-ERR Protocol error: invalid multibulk length\r\n' },
  // Redis finds header lines by their '\r': a bare '\n' stays inside the number.
  { name: 'multibulk header ended by LF alone', send: '*1\n$4\nPING\r\n', reply: '-ERR Protocol error: invalid multibulk length\r\n' },
  { name: 'bulk header ended by LF alone', send: '*1\r\n$4\nPING\r\n', reply: '-ERR Protocol error: invalid bulk length\r\n' },
  { name: 'unbalanced double quote', send: 'ECHO "abc\r\n', reply: '-ERR Protocol error: unbalanced quotes in request\r\n' },
  { name: 'unbalanced single quote', send: "ECHO 'abc\r\n", reply: '-ERR Protocol error: unbalanced quotes in request\r\n' },
  { name: 'closing quote followed by a non-space', send: 'ECHO "a"b\r\n', reply: '-ERR Protocol error: unbalanced quotes in request\r\n' },
  { name: 'multibulk count line over 64k', send: '*' + '1'.repeat(70000), reply: '-ERR Protocol error: too big mbulk count string\r\n' },
  { name: 'bulk count line over 64k', send: '*1\r\n$' + '1'.repeat(70000), reply: '-ERR Protocol error: too big bulk count string\r\n' },
  { name: 'inline line over 64k', send: 'ECHO ' + 'a'.repeat(70000), reply: '-ERR Protocol error: too big inline request\r\n' },
];

for (const bad of malformed) {
  test(`malformed: ${bad.name} -> error, then close`, async () => {
    const c = await Conn.open(running.port);
    c.send(bad.send);
    await c.expect(bad.reply);
    await c.expectClosed();
    await assertHealthy(bad.name);
  });
}

test('commands before the bad one in the same write are answered', async () => {
  const c = await Conn.open(running.port);
  c.send('PING\r\nPING\r\n*1\r\n$x\r\n');
  await c.expect('+PONG\r\n+PONG\r\n-ERR Protocol error: invalid bulk length\r\n');
  await c.expectClosed();

  const d = await Conn.open(running.port);
  d.send('*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$6\r\nbefore\r\n$1\r\n1\r\n*2\r\n$4\r\nECHO\r\n:5\r\n');
  await d.expect("+PONG\r\n+OK\r\n-ERR Protocol error: expected '$', got ':'\r\n");
  await d.expectClosed();

  const e = await Conn.open(running.port);
  e.send('SET before2 2\r\nECHO "x\r\nPING\r\n');
  await e.expect('+OK\r\n-ERR Protocol error: unbalanced quotes in request\r\n', 'nothing after the bad line runs');
  await e.expectClosed();

  witness.send('GET before\r\nGET before2\r\n');
  await witness.expect('$1\r\n1\r\n$1\r\n2\r\n', 'the writes before the bad command took effect');
  await assertHealthy('errors after good commands');
});

// ---- command errors (the connection stays open) ---------------------------------

test('unknown command: name and the first arguments in the error', async () => {
  const c = await Conn.open(running.port);
  c.send('FOO a b\r\n');
  await c.expect("-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n");
  c.send('FOO\r\n');
  await c.expect("-ERR unknown command 'FOO', with args beginning with: \r\n");
  c.send('foo bar\r\n');
  await c.expect("-ERR unknown command 'foo', with args beginning with: 'bar' \r\n", 'the name as sent');
  c.send(multibulk('NOPE', 'x y', ''));
  await c.expect("-ERR unknown command 'NOPE', with args beginning with: 'x y' '' \r\n");
  c.send('FOO "a\\nb" "c\\rd"\r\n');
  await c.expect("-ERR unknown command 'FOO', with args beginning with: 'a b' 'c d' \r\n", 'CR and LF become spaces');
  c.send(`FOO ${'a'.repeat(200)} b c\r\n`);
  await c.expect(`-ERR unknown command 'FOO', with args beginning with: '${'a'.repeat(128)}' \r\n`, 'one long argument cut at 128');
  const many = 'abcdefghijklm'.split('').map((ch) => `${ch}1234567890`);
  c.send(`FOO ${many.join(' ')}\r\n`);
  await c.expect(
    "-ERR unknown command 'FOO', with args beginning with: 'a1234567890' 'b1234567890' 'c1234567890' 'd1234567890' " +
      "'e1234567890' 'f1234567890' 'g1234567890' 'h1234567890' 'i1234567890' 'j1' \r\n",
    'the argument list stops at 128 characters',
  );
  await c.expectOpen();
  c.end();
});

test('wrong number of arguments', async () => {
  const c = await Conn.open(running.port);
  c.send('GET\r\n');
  await c.expect("-ERR wrong number of arguments for 'get' command\r\n");
  c.send('SET k\r\n');
  await c.expect("-ERR wrong number of arguments for 'set' command\r\n");
  c.send(multibulk('GET', 'a', 'b'));
  await c.expect("-ERR wrong number of arguments for 'get' command\r\n");
  c.send('PING a b\r\n');
  await c.expect("-ERR wrong number of arguments for 'ping' command\r\n");
  await c.expectOpen();
  c.end();
});

test('container commands: subcommand arity and unknown subcommand', async () => {
  const c = await Conn.open(running.port);
  c.send('CONFIG GET\r\n');
  await c.expect("-ERR wrong number of arguments for 'config|get' command\r\n");
  c.send('CONFIG\r\n');
  await c.expect("-ERR wrong number of arguments for 'config' command\r\n");
  c.send('CONFIG FOO\r\n');
  await c.expect("-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n");
  await c.expectOpen();
  c.end();
});

// ---- HTTP on the Redis port -------------------------------------------------------

test('an HTTP request in one write: no reply, the connection is dropped', async () => {
  const c = await Conn.open(running.port);
  c.send('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
  await c.expectClosed('dropped on the Host: line, the pending GET error discarded');
  await assertHealthy('an HTTP request');
});

test('an HTTP request line then its Host: header: the GET error, then dropped', async () => {
  const c = await Conn.open(running.port);
  c.send('GET / HTTP/1.1\r\n');
  await c.expect("-ERR wrong number of arguments for 'get' command\r\n");
  c.send('Host: localhost\r\n\r\n');
  await c.expectClosed();
  const d = await Conn.open(running.port);
  d.send('POST / HTTP/1.1\r\n');
  await d.expectClosed('POST is dropped at once, no reply');
  const e = await Conn.open(running.port);
  e.send('pOsTs\r\n');
  await e.expect("-ERR unknown command 'pOsTs', with args beginning with: \r\n");
  e.send('hOsT: x\r\n');
  await e.expectClosed('Host: in any case is dropped, a longer word is a command');
  await assertHealthy('HTTP headers');
});

// ---- batching and big values -------------------------------------------------------

test('replies to one socket read leave in one write (100 pipelined PINGs, one data event)', async () => {
  const c = await Conn.open(running.port);
  // Let the connection settle so the request arrives as one read.
  await c.expectOpen();
  c.events.length = 0;
  c.send('PING\r\n'.repeat(100));
  await c.expect('+PONG\r\n'.repeat(100));
  assert.is(c.events.length, 1, `replies arrived in ${c.events.length} data events`);
  c.end();
});

test('a 10 MB binary value round-trips exactly', async () => {
  const size = 10 * 1024 * 1024;
  const value = Buffer.alloc(size);
  for (let i = 0; i < size; i++) value[i] = (i * 131 + (i >> 12)) & 0xff;
  const c = await Conn.open(running.port);
  c.send(multibulk('SET', 'big', value));
  await c.expect('+OK\r\n');
  c.send(multibulk('GET', 'big'));
  await c.expect(`$${size}\r\n`);
  const body = await c.readBuffer(size, 15000);
  assert.is(body.length, size);
  assert.ok(body.equals(value), 'the bytes read back equal the bytes written');
  await c.expect('\r\n');
  await c.expectOpen();
  c.end();
});

// ---- limits from config ------------------------------------------------------------

test('maxclients 2: the third connection gets the error and is closed', async () => {
  const small = await startTarget({ maxclients: 2 });
  try {
    const a = await Conn.open(small.port);
    const b = await Conn.open(small.port);
    await a.expectOpen();
    await b.expectOpen();
    const c = await Conn.open(small.port);
    await c.expect('-ERR max number of clients reached\r\n');
    await c.expectClosed();
    await a.expectOpen('the first two are still served');
    await b.expectOpen('the first two are still served');
    // A freed slot is taken by the next client.
    a.end();
    if (small.clientCount() === null) await sleep(200);
    else assert.ok(await c.waitFor(() => (small.clientCount() ?? 0) < 2, 2000), 'the server noticed the close');
    const d = await Conn.open(small.port);
    await d.expectOpen('a slot freed by a close is usable');
    b.end();
    d.end();
  } finally {
    await small.close();
  }
});

test('proto-max-bulk-len 1mb: a bulk of 1mb+1 is refused, 1mb is accepted', async () => {
  const limited = await startTarget({ 'proto-max-bulk-len': '1mb' });
  try {
    const mb = 1024 * 1024;
    const ok = await Conn.open(limited.port);
    ok.send(multibulk('ECHO', Buffer.alloc(mb, 0x61)));
    await ok.expect(`$${mb}\r\n`);
    const body = await ok.read(mb + 2);
    assert.is(body, 'a'.repeat(mb) + '\r\n');
    await ok.expectOpen();
    ok.end();

    const c = await Conn.open(limited.port);
    c.send(`*2\r\n$4\r\nECHO\r\n$${mb + 1}\r\n`);
    await c.expect('-ERR Protocol error: invalid bulk length\r\n');
    await c.expectClosed();
  } finally {
    await limited.close();
  }
});

test('client-query-buffer-limit 1mb: a 2mb bulk sent in pieces closes the connection', async () => {
  const limited = await startTarget({ 'client-query-buffer-limit': '1mb' });
  try {
    const c = await Conn.open(limited.port);
    c.send(`PING\r\n*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$${2 * 1024 * 1024}\r\n`);
    let pieces = 0;
    while (!c.closed && pieces < 32) {
      c.send(Buffer.alloc(64 * 1024, 0x62));
      pieces++;
      await sleep(5);
    }
    await c.expect('+PONG\r\n', 'the command before the big one is answered');
    await c.expectClosed('closed without a reply once the query buffer passed 1mb');
    assert.ok(pieces < 32, `closed before the whole bulk was sent (after ${pieces} pieces)`);
    const d = await Conn.open(limited.port);
    d.send('GET q\r\n');
    await d.expect('$-1\r\n', 'the oversized SET did not run');
    d.end();
  } finally {
    await limited.close();
  }
});

test('requirepass: unauthenticated clients get small request limits', async () => {
  const locked = await startTarget({ requirepass: 'secret' });
  try {
    const a = await Conn.open(locked.port);
    a.send('*11\r\n');
    await a.expect('-ERR Protocol error: unauthenticated multibulk length\r\n');
    await a.expectClosed();

    const b = await Conn.open(locked.port);
    b.send('*2\r\n$4\r\nECHO\r\n$16385\r\n');
    await b.expect('-ERR Protocol error: unauthenticated bulk length\r\n');
    await b.expectClosed();

    const c = await Conn.open(locked.port);
    c.send('PING\r\n*11\r\n');
    await c.expect('-NOAUTH Authentication required.\r\n-ERR Protocol error: unauthenticated multibulk length\r\n');
    await c.expectClosed();

    // At the limits exactly: parsed, then refused by auth.
    const d = await Conn.open(locked.port);
    d.send(multibulk('ECHO', Buffer.alloc(16384, 0x7a)));
    await d.expect('-NOAUTH Authentication required.\r\n');
    d.send(multibulk('SET', 'k', 'v', 'd', 'e', 'f', 'g', 'h', 'i', 'j'));
    await d.expect('-NOAUTH Authentication required.\r\n', 'ten arguments are parsed (SET takes any count)');
    // Arity is checked before auth, as in Redis's processCommand.
    d.send(multibulk('ECHO', 'a', 'b'));
    await d.expect("-ERR wrong number of arguments for 'echo' command\r\n");
    // Once authenticated the limits lift.
    d.send('AUTH secret\r\n');
    await d.expect('+OK\r\n');
    d.send(multibulk('ECHO', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'));
    await d.expect("-ERR wrong number of arguments for 'echo' command\r\n");
    d.send(multibulk('ECHO', Buffer.alloc(20000, 0x7a)));
    await d.expect(`$20000\r\n${'z'.repeat(20000)}\r\n`);
    await d.expectOpen();
    d.end();
  } finally {
    await locked.close();
  }
});

test.run();
