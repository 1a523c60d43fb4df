// The reply writer's encodings, byte for byte: integers and lengths on every
// path (small cached replies, digits written in place, the string fallback).

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ReplyWriter } from '../server/resp/writer.js';

const test = suite('reply writer');

function written(fill: (w: ReplyWriter) => void, resp: 2 | 3 = 2): string {
  const w = new ReplyWriter();
  w.resp = resp;
  fill(w);
  return w.take()?.toString('latin1') ?? '';
}

test('integers: cached small ones, digits in place, negatives, 2^32 and beyond, bigints', () => {
  const cases: Array<number | bigint> = [0, 1, 9, 10, 99, 100, 1024, 1025, 65535, 1e9, 4294967295, 4294967296, 2 ** 53 - 1, -1, -2, -1234567, 9223372036854775807n, -9223372036854775808n];
  for (const n of cases) assert.is(written((w) => w.integer(n)), `:${n}\r\n`, String(n));
  for (let n = 0; n < 20000; n += 7) assert.is(written((w) => w.integer(n)), `:${n}\r\n`);
  // Every digit count's edges, and the int32 edge where the digit loop hands over to String().
  for (let ten = 1; ten <= 1e10; ten *= 10) {
    for (const n of [ten - 1, ten, ten + 1, 2 * ten + 3]) assert.is(written((w) => w.integer(n)), `:${n}\r\n`);
  }
  for (const n of [2147483646, 2147483647, 2147483648, 2147483649, -0]) assert.is(written((w) => w.integer(n)), `:${Object.is(n, -0) ? 0 : n}\r\n`);
});

test('bulk and array headers carry exact lengths', () => {
  for (const len of [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 12345]) {
    const s = 'x'.repeat(len);
    assert.is(written((w) => w.bulk(s)), `$${len}\r\n${s}\r\n`);
    assert.is(written((w) => w.array(len)), `*${len}\r\n`);
  }
  for (let n = 0; n < 250; n++) assert.is(written((w) => w.array(n)), `*${n}\r\n`);
  assert.is(written((w) => w.map(3), 3), '%3\r\n');
  assert.is(written((w) => w.map(3), 2), '*6\r\n');
});

test('many replies in one batch stay in order', () => {
  const w = new ReplyWriter();
  let expected = '';
  for (let i = 0; i < 5000; i++) {
    w.integer(i * 37);
    w.bulk(String(i));
    expected += `:${i * 37}\r\n$${String(i).length}\r\n${i}\r\n`;
  }
  assert.is(w.take()?.toString('latin1'), expected);
});

test.run();
