import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RespReader, RespProtocolError, encodeCommand, formatReply, replyEquals, type Reply } from '../conformance/differential/resp.js';

const test = suite('differential RESP reader');

const bulk = (s: string): Reply => ({ type: 'bulk', value: Buffer.from(s, 'latin1') });
const int = (n: number | bigint): Reply => ({ type: 'integer', value: BigInt(n) });

/** Wire bytes and the replies they hold, RESP2 and RESP3 together. */
const samples: Array<[string, Reply[]]> = [
  ['+OK\r\n', [{ type: 'simple', value: 'OK' }]],
  ['-ERR unknown command\r\n', [{ type: 'error', value: 'ERR unknown command' }]],
  [':0\r\n:-9223372036854775808\r\n', [int(0), int(-9223372036854775808n)]],
  ['$0\r\n\r\n$3\r\na\r\n\r\n', [bulk(''), bulk('a\r\n')]],
  ['$-1\r\n*-1\r\n_\r\n', [{ type: 'nullBulk' }, { type: 'nullArray' }, { type: 'null' }]],
  ['$4\r\n\x00\xff\r\x0a\r\n', [bulk('\x00\xff\r\n')]],
  ['*0\r\n*2\r\n$1\r\nk\r\n:1\r\n', [{ type: 'array', value: [] }, { type: 'array', value: [bulk('k'), int(1)] }]],
  ['*2\r\n*1\r\n$-1\r\n*-1\r\n', [{ type: 'array', value: [{ type: 'array', value: [{ type: 'nullBulk' }] }, { type: 'nullArray' }] }]],
  [',3.5\r\n,inf\r\n,-nan\r\n', [{ type: 'double', value: '3.5' }, { type: 'double', value: 'inf' }, { type: 'double', value: '-nan' }]],
  ['#t\r\n#f\r\n', [{ type: 'boolean', value: true }, { type: 'boolean', value: false }]],
  ['(3492890328409238509324850943850943825024385\r\n', [{ type: 'bigNumber', value: '3492890328409238509324850943850943825024385' }]],
  ['!21\r\nSYNTAX invalid syntax\r\n', [{ type: 'blobError', value: Buffer.from('SYNTAX invalid syntax') }]],
  ['=15\r\ntxt:Some string\r\n', [{ type: 'verbatim', format: 'txt', value: Buffer.from('Some string') }]],
  [
    '%2\r\n+first\r\n:1\r\n$6\r\nsecond\r\n*1\r\n_\r\n',
    [{ type: 'map', value: [[{ type: 'simple', value: 'first' }, int(1)], [bulk('second'), { type: 'array', value: [{ type: 'null' }] }]] }],
  ],
  ['~2\r\n$1\r\na\r\n$1\r\nb\r\n~0\r\n', [{ type: 'set', value: [bulk('a'), bulk('b')] }, { type: 'set', value: [] }]],
  ['>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n', [{ type: 'push', value: [bulk('message'), bulk('ch'), bulk('hi')] }]],
  [
    '|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.1923\r\n*1\r\n:2\r\n',
    [
      {
        type: 'attribute',
        attributes: [[{ type: 'simple', value: 'key-popularity' }, { type: 'map', value: [[bulk('a'), { type: 'double', value: '0.1923' }]] }]],
        value: { type: 'array', value: [int(2)] },
      },
    ],
  ],
];

function readAll(chunks: Buffer[]): Reply[] {
  const reader = new RespReader();
  const out: Reply[] = [];
  for (const chunk of chunks) {
    reader.feed(chunk);
    out.push(...reader.take());
  }
  assert.is(reader.pendingBytes, 0, 'bytes left over');
  return out;
}

function same(actual: Reply[], expected: Reply[], context: string): void {
  assert.is(actual.length, expected.length, `${context}: reply count`);
  actual.forEach((reply, i) => {
    assert.ok(replyEquals(reply, expected[i]), `${context}: reply ${i} is ${formatReply(reply)}, expected ${formatReply(expected[i])}`);
  });
}

test('each sample whole', () => {
  for (const [wire, expected] of samples) same(readAll([Buffer.from(wire, 'latin1')]), expected, JSON.stringify(wire));
});

test('every sample split at every byte, and fed one byte at a time', () => {
  const wire = Buffer.from(samples.map(([w]) => w).join(''), 'latin1');
  const expected = samples.flatMap(([, replies]) => replies);
  for (let cut = 0; cut <= wire.length; cut++) {
    same(readAll([wire.subarray(0, cut), wire.subarray(cut)]), expected, `cut at ${cut}`);
  }
  same(readAll([...wire].map((byte) => Buffer.from([byte]))), expected, 'byte by byte');
});

test('a reply is not returned before its last byte', () => {
  const reader = new RespReader();
  const wire = Buffer.from('*2\r\n$5\r\nhello\r\n:7\r\n', 'latin1');
  for (let i = 0; i < wire.length - 1; i++) {
    reader.feed(wire.subarray(i, i + 1));
    assert.equal(reader.take(), [], `complete after ${i + 1} bytes`);
  }
  reader.feed(wire.subarray(wire.length - 1));
  assert.is(reader.take().length, 1);
});

test('bulk values are copies, not views of the reader buffer', () => {
  const reader = new RespReader();
  const chunk = Buffer.from('$3\r\nabc\r\n', 'latin1');
  reader.feed(chunk);
  const [reply] = reader.take();
  chunk.fill(0x78);
  assert.ok(reply.type === 'bulk' && reply.value.toString() === 'abc');
});

test('a large bulk across many chunks', () => {
  const payload = Buffer.alloc(200_000, 0x61);
  const wire = Buffer.concat([Buffer.from(`$${payload.length}\r\n`), payload, Buffer.from('\r\n+OK\r\n')]);
  const chunks: Buffer[] = [];
  for (let i = 0; i < wire.length; i += 1000) chunks.push(wire.subarray(i, i + 1000));
  const replies = readAll(chunks);
  assert.is(replies.length, 2);
  assert.ok(replies[0].type === 'bulk' && replies[0].value.equals(payload));
});

test('null kinds, map and array, and doubles are told apart', () => {
  const [nullBulk, nullArray, nil] = readAll([Buffer.from('$-1\r\n*-1\r\n_\r\n')]);
  assert.not.ok(replyEquals(nullBulk, nullArray));
  assert.not.ok(replyEquals(nullBulk, nil));
  assert.not.ok(replyEquals(nullArray, nil));
  const [map, array] = readAll([Buffer.from('%1\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n')]);
  assert.not.ok(replyEquals(map, array));
  const [double, text] = readAll([Buffer.from(',1.5\r\n$3\r\n1.5\r\n')]);
  assert.not.ok(replyEquals(double, text));
  const [a, b] = readAll([Buffer.from(',1\r\n,1.0\r\n')]);
  assert.not.ok(replyEquals(a, b), 'doubles compare as the text sent');
  const [simple, bulkOk] = readAll([Buffer.from('+OK\r\n$2\r\nOK\r\n')]);
  assert.not.ok(replyEquals(simple, bulkOk));
});

test('malformed input is a protocol error', () => {
  const bad = ['?x\r\n', ':12a\r\n', '$abc\r\n', '$3\r\nabcd\r\n', '#x\r\n', '*-2\r\n', '+OK\rX', '_x\r\n', '=2\r\nab\r\n', '%-1\r\n'];
  for (const wire of bad) {
    const reader = new RespReader();
    let error: unknown = null;
    try {
      reader.feed(Buffer.from(wire, 'latin1'));
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof RespProtocolError, `${JSON.stringify(wire)} should be rejected`);
  }
});

test('encodeCommand writes a multibulk with binary-safe arguments', () => {
  assert.is(encodeCommand(['SET', 'k', '']).toString('latin1'), '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n');
  assert.equal([...encodeCommand([Buffer.from([0, 255])])], [...Buffer.from('*1\r\n$2\r\n\x00\xff\r\n', 'latin1')]);
  assert.is(encodeCommand(['\xe9']).toString('latin1'), '*1\r\n$1\r\n\xe9\r\n');
});

test('formatReply shows types and escapes bytes', () => {
  const [reply] = readAll([Buffer.from('*3\r\n$2\r\n\x00a\r\n$-1\r\n:5\r\n', 'latin1')]);
  assert.is(formatReply(reply), '*[$"\\x00a", $-1, :5]');
});

test.run();
