import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RequestParser } from '../server/resp/request-parser.js';

function harness(options: { maxBulk?: number; queryLimit?: number; authenticated?: boolean } = {}) {
  const commands: string[][] = [];
  const errors: string[] = [];
  let overflow = false;
  const parser = new RequestParser(
    {
      onCommand: (argv) => commands.push(argv.map((b) => b.toString('latin1'))),
      onProtocolError: (message) => errors.push(message),
      onQueryBufferLimit: () => (overflow = true),
    },
    {
      maxBulkLength: () => options.maxBulk ?? 512 * 1024 * 1024,
      queryBufferLimit: () => options.queryLimit ?? 1024 * 1024 * 1024,
      authenticated: () => options.authenticated ?? true,
    },
  );
  return { parser, commands, errors, overflowed: () => overflow };
}

const test = suite('request parser');

test('multibulk commands, whole and split at every byte', () => {
  const wire = '*2\r\n$3\r\nGET\r\n$3\r\nfoo\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n';
  const whole = harness();
  whole.parser.feed(Buffer.from(wire, 'latin1'));
  assert.equal(whole.commands, [['GET', 'foo'], ['SET', 'k', '']]);
  for (let cut = 1; cut < wire.length; cut++) {
    const split = harness();
    split.parser.feed(Buffer.from(wire.slice(0, cut), 'latin1'));
    split.parser.feed(Buffer.from(wire.slice(cut), 'latin1'));
    assert.equal(split.commands, whole.commands, `cut at ${cut}`);
  }
});

test('the chunk is borrowed: one buffer reused for every read, overwritten after each feed', () => {
  // As the server reads sockets (server/socket-reads.ts): a command split over
  // reads must not keep slices of an earlier one.
  const wire = '*3\r\n$3\r\nSET\r\n$5\r\nkey:1\r\n$10\r\nvalue-0001\r\n*2\r\n$3\r\nGET\r\n$5\r\nkey:1\r\n';
  const expected = [['SET', 'key:1', 'value-0001'], ['GET', 'key:1']];
  const shared = Buffer.alloc(64);
  for (let cut = 1; cut < wire.length; cut++) {
    const h = harness();
    for (const part of [wire.slice(0, cut), wire.slice(cut)]) {
      const n = shared.write(part, 'latin1');
      h.parser.feed(shared.subarray(0, n));
      shared.fill(0xee);
    }
    assert.equal(h.commands, expected, `cut at ${cut}`);
  }
  // Three reads: the middle one holds whole arguments of a command that ends in the third.
  for (let a = 1; a < wire.length - 1; a += 3) {
    for (let b = a + 1; b < wire.length; b += 5) {
      const h = harness();
      for (const part of [wire.slice(0, a), wire.slice(a, b), wire.slice(b)]) {
        const n = shared.write(part, 'latin1');
        h.parser.feed(shared.subarray(0, n));
        shared.fill(0xee);
      }
      assert.equal(h.commands, expected, `cuts at ${a}, ${b}`);
    }
  }
});

test('inline commands with quotes, mixed with multibulk', () => {
  const h = harness();
  h.parser.feed(Buffer.from('PING\r\n*1\r\n$4\r\nPING\r\nSET "a b" \'c d\' "\\x41\\n"\n\r\n', 'latin1'));
  assert.equal(h.commands, [['PING'], ['PING'], ['SET', 'a b', 'c d', 'A\n']]);
  assert.equal(h.errors, []);
});

test('unbalanced quotes', () => {
  const h = harness();
  h.parser.feed(Buffer.from('SET "a b\r\n', 'latin1'));
  assert.equal(h.errors, ['unbalanced quotes in request']);
});

test('bulk length limits and malformed headers', () => {
  const cases: Array<[string, string]> = [
    ['*1\r\n$2147483648\r\n', 'invalid bulk length'],
    ['*1\r\n$-1\r\n', 'invalid bulk length'],
    ['*1\r\n$abc\r\n', 'invalid bulk length'],
    ['*x\r\n', 'invalid multibulk length'],
    ['*2147483648\r\n', 'invalid multibulk length'],
    ['*1\r\n:5\r\n', "expected '$', got ':'"],
  ];
  for (const [wire, message] of cases) {
    const h = harness();
    h.parser.feed(Buffer.from(wire, 'latin1'));
    assert.equal(h.errors, [message], wire);
  }
});

test('commands before a protocol error still run', () => {
  const h = harness();
  h.parser.feed(Buffer.from('*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n', 'latin1'));
  assert.equal(h.commands, [['PING']]);
  assert.equal(h.errors, ['invalid bulk length']);
});

test('unauthenticated clients get small limits', () => {
  const h = harness({ authenticated: false });
  h.parser.feed(Buffer.from('*11\r\n', 'latin1'));
  assert.equal(h.errors, ['unauthenticated multibulk length']);
  const b = harness({ authenticated: false });
  b.parser.feed(Buffer.from('*1\r\n$16385\r\n', 'latin1'));
  assert.equal(b.errors, ['unauthenticated bulk length']);
});

test('query buffer limit closes', () => {
  const h = harness({ queryLimit: 1000 });
  h.parser.feed(Buffer.from('*1\r\n$5000\r\n' + 'x'.repeat(1200), 'latin1'));
  assert.ok(h.overflowed());
  assert.equal(h.commands, []);
});

test('empty multibulk and empty lines are ignored', () => {
  const h = harness();
  h.parser.feed(Buffer.from('*0\r\n\r\n*-1\r\n*1\r\n$4\r\nPING\r\n', 'latin1'));
  assert.equal(h.commands, [['PING']]);
  assert.equal(h.errors, []);
});

test.run();
