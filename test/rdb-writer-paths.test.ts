// The allocation-free paths of the RDB writer and reader (the BGSAVE walk and
// start-up load): LZF output copied byte by byte or in one piece, hashes
// written through forEachCell, and 64-bit expire times read without BigInt.
// Each must give exactly what the general paths gave.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RdbReader, RdbType, RdbWriter } from '../server/persistence/rdb-encoding.js';
import { DEFAULT_LIMITS, readValue, writeTypedValue } from '../server/persistence/rdb-value.js';
import { HashValue } from '../server/types/hash.js';
import { lzfDecompress } from '../server/persistence/lzf.js';

const test = suite('rdb-writer-paths');

test('compressed strings of every size read back (short results copied by hand, long ones in one piece)', () => {
  const w = new RdbWriter(8);
  const strings: string[] = [];
  for (const n of [21, 30, 64, 200, 255, 256, 257, 300, 1000, 5000, 70000]) {
    let s = '';
    while (s.length < n) s += `abcabc-${s.length % 7}-`;
    strings.push(s.slice(0, n));
  }
  for (const s of strings) w.string(s);
  const buf = Buffer.from(w.view());
  const r = new RdbReader(buf);
  for (const s of strings) assert.is(r.string(), s);
  assert.is(r.pos, buf.length);
  // They really were compressed: the first one starts with the LZF marker, and
  // its payload decompresses on its own.
  const one = new RdbWriter(8);
  one.string(strings[9]);
  const v = one.view();
  assert.is(v[0], 0xc3);
  const clen = ((v[1] & 0x3f) << 8) | v[2];
  const ulenAt = 3;
  assert.is(v[ulenAt] >> 6, 1);
  const ulen = ((v[ulenAt] & 0x3f) << 8) | v[ulenAt + 1];
  assert.is(ulen, 5000);
  assert.is(lzfDecompress(v.subarray(5, 5 + clen), ulen).latin1Slice(0, ulen), strings[9]);
});

test('a hash is written field, value, in its own order, and reads back the same', () => {
  const hash = new HashValue();
  for (let i = 0; i < 300; i++) hash.set(`f${(i * 37) % 300}`, i % 3 === 0 ? String(i) : `v-${i}-${'z'.repeat(i % 50)}`);
  hash.delete('f10');
  const w = new RdbWriter(16);
  writeTypedValue(w, 'hash', hash);
  writeTypedValue(w, 'hash', hash);
  const r = new RdbReader(Buffer.from(w.view()));
  for (let round = 0; round < 2; round++) {
    assert.is(r.byte(), RdbType.HASH);
    const loaded = readValue(r, RdbType.HASH, DEFAULT_LIMITS);
    assert.ok(loaded !== null);
    const back = loaded!.value as HashValue;
    assert.equal(
      back.toArray().map((c) => [c.field, c.value]),
      hash.toArray().map((c) => [c.field, c.value]),
    );
  }
  assert.is(r.pos, w.pos);
});

test('64-bit expire times read exactly, negative and beyond 2^53 as the nearest double', () => {
  const values = [0n, 1n, -1n, 1_700_000_000_123n, -1_700_000_000_123n, 2n ** 53n - 1n, -(2n ** 53n), 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n)];
  for (let high = -0x200001; high <= 0x200001; high += 0x100000) values.push((BigInt(high) << 32n) + 0xfffffffen);
  const buf = Buffer.alloc(8 * values.length);
  values.forEach((v, i) => buf.writeBigInt64LE(v, i * 8));
  const r = new RdbReader(buf);
  for (const v of values) assert.is(r.i64le(), Number(v), String(v));
});

test.run();
