import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Crc64, crc64 } from '../server/persistence/crc64.js';
import { lzfCompress, lzfDecompress } from '../server/persistence/lzf.js';

const test = suite('crc64 and lzf');

test('crc64 check value of "123456789" is Redis\'s', () => {
  assert.is(crc64(Buffer.from('123456789')), 0xe9c6d914c4b8d9can);
  assert.is(crc64(Buffer.alloc(0)), 0n);
});

test('crc64 incremental equals one shot', () => {
  const data = Buffer.from('The quick brown fox jumps over the lazy dog, again and again');
  const whole = crc64(data);
  const running = new Crc64().update(data, 0, 10).update(data, 10, 37).update(data, 37);
  assert.is(running.toBigInt(), whole);
  const le = running.toBuffer();
  assert.is(le.readBigUInt64LE(0), whole);
  assert.ok(running.matches(le, 0));
});

/** The definition, a bit at a time: what the table-driven code must equal. */
function crc64ByBits(data: Uint8Array, start: number, end: number): bigint {
  const poly = 0x95ac9329ac4bc9b5n; // 0xad93d23594c935a9 reflected
  let crc = 0n;
  for (let i = start; i < end; i++) {
    crc ^= BigInt(data[i]);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return crc;
}

test('crc64 equals the bitwise definition for every length and alignment to 40 bytes, and in random pieces', () => {
  let seed = 99;
  const data = Buffer.alloc(300);
  for (let i = 0; i < data.length; i++) data[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
  for (let start = 0; start < 9; start++) {
    for (let length = 0; length <= 40; length++) {
      assert.is(crc64(data, start, start + length), crc64ByBits(data, start, start + length), `start ${start} length ${length}`);
    }
  }
  // Pieces of every size (the 8-byte steps and the byte tail crossing piece boundaries).
  const running = new Crc64();
  let at = 0;
  while (at < data.length) {
    const piece = Math.min(data.length - at, 1 + ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 23));
    running.update(data, at, at + piece);
    at += piece;
  }
  assert.is(running.toBigInt(), crc64ByBits(data, 0, data.length));
});

function roundTrip(input: Buffer): void {
  const packed = lzfCompress(input, input.length - 1);
  if (packed === null) return;
  assert.ok(packed.length < input.length);
  assert.equal(lzfDecompress(packed, input.length), input);
}

test('lzf compresses repetitive data and round-trips', () => {
  const text = Buffer.from('abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabc'.repeat(20));
  const packed = lzfCompress(text, text.length - 4);
  assert.ok(packed !== null && packed.length < text.length / 5);
  assert.equal(lzfDecompress(packed!, text.length), text);
  roundTrip(Buffer.alloc(100000, 7));
});

test('lzf random and mixed inputs round-trip', () => {
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let n = 0; n < 300; n++) {
    const len = 4 + Math.floor(rand() * 3000);
    const alphabet = 1 + Math.floor(rand() * 255);
    const buf = Buffer.alloc(len);
    for (let i = 0; i < len; i++) buf[i] = Math.floor(rand() * alphabet);
    // Repeats at various distances, up to the 8 KiB window and beyond.
    for (let k = 0; k < 5 && len > 100; k++) {
      const from = Math.floor(rand() * (len - 50));
      const to = Math.floor(rand() * (len - 50));
      buf.copy(buf, to, from, from + Math.floor(rand() * 50));
    }
    roundTrip(buf);
  }
});

test('lzf refuses incompressible data and rejects corrupt streams', () => {
  const random = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 151 + 7) & 0xff));
  assert.is(lzfCompress(random, random.length - 4), null);
  assert.throws(() => lzfDecompress(Buffer.from([0x20, 0x05]), 10));
  assert.throws(() => lzfDecompress(Buffer.from([0x05, 0x61]), 6));
});

test.run();
