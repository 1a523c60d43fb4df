import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { str, viewOf } from '../server/bytes.js';
import { xorshift32 } from './seeded-random.js';

const test = suite('bytes');

test('str gives the latin1 string of every length and byte value (short ones are built in JS)', () => {
  const random = xorshift32(0x5eed);
  for (let length = 0; length <= 48; length++) {
    for (let round = 0; round < 64; round++) {
      const bytes = Buffer.alloc(length);
      for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
      // Every byte value shows up somewhere: the top bit, NUL, CR and LF are all one char.
      if (length > 0 && round < 4) bytes[round % length] = [0, 0x80, 0xff, 0x0d][round];
      const text = str(bytes);
      assert.is(text.length, length);
      assert.is(text, bytes.toString('latin1'));
      assert.ok(Buffer.from(text, 'latin1').equals(bytes));
    }
  }
  // A view into a larger buffer reads its own bytes only.
  const big = Buffer.from('xxhello, worldyy', 'latin1');
  assert.is(str(big.subarray(2, 14)), 'hello, world');
});

test('str hands out cached short strings only for the same bytes (hits, collisions, one-byte differences)', () => {
  const random = xorshift32(0xcafe);
  // A pool with near-twins (one byte or one length apart) drawn over and over: every
  // string is admitted, evicted by colliding ones and looked up again many times.
  const pool: Buffer[] = [];
  for (let i = 0; i < 3000; i++) {
    const length = Math.floor(random() * 11);
    const bytes = Buffer.alloc(length);
    for (let j = 0; j < length; j++) bytes[j] = Math.floor(random() * 256);
    pool.push(bytes);
    if (length > 0) {
      const twin = Buffer.from(bytes);
      twin[Math.floor(random() * length)] ^= 1 << Math.floor(random() * 8);
      pool.push(twin, bytes.subarray(0, length - 1));
    }
  }
  for (let round = 0; round < 100_000; round++) {
    const bytes = pool[Math.floor(random() * pool.length)];
    assert.is(str(bytes), bytes.toString('latin1'));
  }
});

test('viewOf is a Buffer over the same memory, no copy', () => {
  const memory = new ArrayBuffer(32);
  const whole = Buffer.from(memory);
  whole.write('0123456789abcdefghijklmnopqrstuv', 'latin1');
  const view = viewOf(memory, 5, 7);
  assert.ok(Buffer.isBuffer(view));
  assert.is(view.byteOffset, 5);
  assert.is(view.length, 7);
  assert.is(view.toString('latin1'), '56789ab');
  assert.is(view.latin1Slice(0, 3), '567');
  assert.ok(view.equals(Buffer.from('56789ab')));
  whole[5] = 0x21;
  assert.is(view[0], 0x21);
  assert.is(viewOf(memory, 32, 0).length, 0);
});

test.run();
