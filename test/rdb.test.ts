import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Config, Server } from '../server/index.js';
import { Crc64 } from '../server/persistence/crc64.js';
import { RdbError, RdbOpcode, RdbReader, RdbType, RdbWriter, intsetEntries, listpackEntries, ziplistEntries, zipmapEntries } from '../server/persistence/rdb-encoding.js';
import { loadRdb } from '../server/persistence/rdb-reader.js';
import { DEFAULT_LIMITS, readValue, writeTypedValue } from '../server/persistence/rdb-value.js';
import { serializeDataset } from '../server/persistence/rdb-writer.js';
import { List } from '../server/types/list.js';
import { HashValue } from '../server/types/hash.js';
import { ZSet } from '../server/types/zset.js';
import { SetValue } from '../server/commands/sets.js';

const test = suite('rdb');

function newServer(settings: Record<string, string> = {}): Server {
  const config = new Config();
  for (const [k, v] of Object.entries(settings)) config.set(k, v);
  return new Server(config);
}

test('lengths and strings: every width, int-encoded and LZF forms read back', () => {
  const w = new RdbWriter(16);
  const lengths = [0, 63, 64, 16383, 16384, 2 ** 32 - 1, 2 ** 32 + 5];
  for (const n of lengths) w.length(n);
  const strings = ['', 'abc', '0', '-1', '127', '-128', '300', '-32768', '70000', '-2147483648', '2147483647', '2147483648', '007', '-0', 'x'.repeat(100), 'y'.repeat(20000)];
  for (const s of strings) w.string(s);
  const r = new RdbReader(Buffer.from(w.view()));
  for (const n of lengths) assert.is(r.length(), n);
  for (const s of strings) assert.is(r.string(), s);
  assert.is(r.pos, w.pos);
  // Int-encoded and compressed forms really are used.
  const one = new RdbWriter(16);
  one.string('-128');
  assert.equal([...one.view()], [0xc0, 0x80]);
  const big = new RdbWriter(16);
  big.string('z'.repeat(1000));
  assert.is(big.view()[0], 0xc3);
  assert.ok(big.pos < 50);
  const plain = new RdbWriter(16, false);
  plain.string('z'.repeat(1000));
  assert.is(plain.pos, 1002);
});

test('reading past the end is an RdbError', () => {
  assert.throws(() => new RdbReader(Buffer.from([0x05, 0x61])).string(), (e: unknown) => e instanceof RdbError);
});

test('listpack entries: every encoding', () => {
  // 7-bit uint 5; 6-bit str "hi"; 13-bit int -100; 16-bit int 1000; 24-bit int -100000; 32-bit; 64-bit; 12-bit str
  const parts: number[] = [];
  const entry = (bytes: number[]) => {
    parts.push(...bytes);
    const len = bytes.length;
    if (len <= 127) parts.push(len);
    else parts.push(len >> 7, (len & 127) | 128);
  };
  entry([5]);
  entry([0x80 | 2, 0x68, 0x69]);
  const v13 = -100 + (1 << 13);
  entry([0xc0 | (v13 >> 8), v13 & 0xff]);
  entry([0xf1, 1000 & 0xff, 1000 >> 8]);
  const b24 = Buffer.alloc(3);
  b24.writeIntLE(-100000, 0, 3);
  entry([0xf2, ...b24]);
  const b32 = Buffer.alloc(4);
  b32.writeInt32LE(123456789);
  entry([0xf3, ...b32]);
  const b64 = Buffer.alloc(8);
  b64.writeBigInt64LE(-9223372036854775808n);
  entry([0xf4, ...b64]);
  const long = 'L'.repeat(200);
  entry([0xe0 | (200 >> 8), 200 & 0xff, ...Buffer.from(long)]);
  const body = Buffer.from([...parts, 0xff]);
  const blob = Buffer.alloc(6 + body.length);
  blob.writeUInt32LE(blob.length, 0);
  blob.writeUInt16LE(8, 4);
  body.copy(blob, 6);
  assert.equal(listpackEntries(blob), ['5', 'hi', '-100', '1000', '-100000', '123456789', '-9223372036854775808', long]);
});

function ziplist(entries: number[][]): Buffer {
  const body: number[] = [];
  let prev = 0;
  for (const e of entries) {
    body.push(prev, ...e);
    prev = 1 + e.length;
  }
  const blob = Buffer.alloc(10 + body.length + 1);
  blob.writeUInt32LE(blob.length, 0);
  blob.writeUInt16LE(entries.length, 8);
  Buffer.from(body).copy(blob, 10);
  blob[blob.length - 1] = 0xff;
  return blob;
}

test('ziplist, intset and zipmap entries', () => {
  const zl = ziplist([[0x02, 0x61, 0x62], [0xf6], [0xc0, 0x2c, 0x01], [0xfe, 0xfd], [0xd0, 0x15, 0xcd, 0x5b, 0x07]]);
  assert.equal(ziplistEntries(zl), ['ab', '5', '300', '-3', '123456789']);
  const is = Buffer.alloc(8 + 3 * 2);
  is.writeUInt32LE(2, 0);
  is.writeUInt32LE(3, 4);
  is.writeInt16LE(-5, 8);
  is.writeInt16LE(7, 10);
  is.writeInt16LE(300, 12);
  assert.equal(intsetEntries(is), ['-5', '7', '300']);
  const zm = Buffer.from([2, 1, 0x66, 2, 0, 0x76, 0x31, 3, 0x61, 0x62, 0x63, 1, 1, 0x78, 0x00, 0xff]);
  assert.equal(zipmapEntries(zm), ['f', 'v1', 'abc', 'x']);
});

test('an old RDB (version 9) with ziplist, zipmap, intset, quicklist v1, text scores and second expires loads', () => {
  const w = new RdbWriter(256, false);
  w.latin1('REDIS0009');
  w.byte(RdbOpcode.AUX);
  w.string('redis-ver');
  w.string('5.0.0');
  w.byte(RdbOpcode.SELECTDB);
  w.length(2);
  w.byte(RdbType.LIST_ZIPLIST);
  w.string('zl');
  w.bytes(ziplist([[0x01, 0x61], [0xf2]]));
  w.byte(RdbType.LIST_QUICKLIST);
  w.string('ql');
  w.length(2);
  w.bytes(ziplist([[0x01, 0x61]]));
  w.bytes(ziplist([[0x01, 0x62], [0x01, 0x63]]));
  w.byte(RdbType.HASH_ZIPLIST);
  w.string('hz');
  w.bytes(ziplist([[0x01, 0x66], [0x01, 0x76]]));
  w.byte(RdbType.HASH_ZIPMAP);
  w.string('hm');
  w.bytes(Buffer.from([1, 1, 0x66, 1, 0, 0x76, 0xff]));
  w.byte(RdbType.ZSET_ZIPLIST);
  w.string('zz');
  w.bytes(ziplist([[0x01, 0x6d], [0x03, 0x31, 0x2e, 0x35]]));
  const is = Buffer.alloc(12);
  is.writeUInt32LE(2, 0);
  is.writeUInt32LE(2, 4);
  is.writeInt16LE(1, 8);
  is.writeInt16LE(2, 10);
  w.byte(RdbOpcode.EXPIRETIME);
  const at = Math.floor(Date.now() / 1000) + 1000;
  const sec = Buffer.alloc(4);
  sec.writeUInt32LE(at);
  w.raw(sec);
  w.byte(RdbType.SET_INTSET);
  w.string('si');
  w.bytes(is);
  w.byte(RdbType.ZSET);
  w.string('zo');
  w.length(3);
  w.string('a');
  w.byte(3);
  w.latin1('2.5');
  w.string('b');
  w.byte(254);
  w.string('c');
  w.byte(255);
  w.byte(RdbOpcode.EOF);
  const crc = new Crc64().update(w.buf, 0, w.pos);
  w.raw(crc.toBuffer());
  const server = newServer();
  const result = loadRdb(server, Buffer.from(w.view()));
  assert.is(result.keysLoaded, 7);
  assert.is(result.aux.get('redis-ver'), '5.0.0');
  const db = server.dbs[2];
  assert.equal((db.peek('zl')!.value as List).toArray(), ['a', '1']);
  assert.equal((db.peek('ql')!.value as List).toArray(), ['a', 'b', 'c']);
  assert.is((db.peek('hz')!.value as HashValue).get('f'), 'v');
  assert.is((db.peek('hm')!.value as HashValue).get('f'), 'v');
  assert.is((db.peek('zz')!.value as ZSet).score('m'), 1.5);
  const si = db.peek('si')!;
  assert.equal([...(si.value as SetValue).members()], ['1', '2']);
  assert.ok((si.value as SetValue).intset);
  assert.is(si.expireAt, at * 1000);
  const zo = db.peek('zo')!.value as ZSet;
  assert.is(zo.score('a'), 2.5);
  assert.is(zo.score('b'), Infinity);
  assert.is(zo.score('c'), -Infinity);
});

test('stream and module values are refused with a clear error; empty collections are skipped', () => {
  for (const t of [RdbType.STREAM_LISTPACKS, RdbType.STREAM_LISTPACKS_2, RdbType.MODULE_2]) {
    const r = new RdbReader(Buffer.from([0, 0, 0]));
    assert.throws(() => readValue(r, t, DEFAULT_LIMITS), /not supported/);
  }
  const w = new RdbWriter(16);
  w.length(0);
  assert.is(readValue(new RdbReader(Buffer.from(w.view())), RdbType.SET, DEFAULT_LIMITS), null);
  const dup = new RdbWriter(16);
  dup.length(2);
  dup.string('a');
  dup.string('a');
  assert.throws(() => readValue(new RdbReader(Buffer.from(dup.view())), RdbType.SET, DEFAULT_LIMITS), /Duplicate/);
});

test('values round-trip with the encodings OBJECT ENCODING reports', () => {
  const cases: Array<[Parameters<typeof writeTypedValue>[1], unknown, (v: unknown) => void]> = [
    ['list', new List(['a', '1', 'b'.repeat(100)]), (v) => assert.equal((v as List).toArray(), ['a', '1', 'b'.repeat(100)])],
    ['set', new SetValue(true, ['3', '1', '2']), (v) => assert.ok((v as SetValue).intset)],
    ['set', new SetValue(false, ['a', '1']), (v) => assert.not.ok((v as SetValue).intset)],
    ['hash', HashValue.fromPairs([['a', '1'], ['b', '2']]), (v) => assert.is((v as HashValue).encoding, 'listpack')],
    ['hash', HashValue.fromPairs([['a', 'x'.repeat(65)]]), (v) => assert.is((v as HashValue).encoding, 'hashtable')],
  ];
  const zset = new ZSet();
  zset.insert('a', 1);
  zset.insert('b', -0.5);
  cases.push(['zset', zset, (v) => {
    assert.not.ok((v as ZSet).converted);
    assert.is((v as ZSet).score('b'), -0.5);
  }]);
  for (const [type, value, check] of cases) {
    const w = new RdbWriter(16);
    writeTypedValue(w, type, value);
    const r = new RdbReader(Buffer.from(w.view()));
    const loaded = readValue(r, r.byte(), DEFAULT_LIMITS)!;
    assert.is(loaded.type, type);
    check(loaded.value);
  }
});

test('a whole dataset round-trips in process, with IDLE under an LRU policy', () => {
  const server = newServer({ 'maxmemory-policy': 'allkeys-lru' });
  const now = server.clock.now();
  const e = server.dbs[0].add('s', 'string', 'v');
  e.lastAccess = now - 50_000;
  server.dbs[0].setExpire(server.dbs[0].add('t', 'string', '12'), now + 10_000);
  server.dbs[5].add('l', 'list', new List(['x']));
  const expired = server.dbs[5].add('gone', 'string', 'x');
  server.dbs[5].setExpire(expired, now - 1);
  const data = serializeDataset(server);
  const fresh = newServer({ 'maxmemory-policy': 'allkeys-lru' });
  const result = loadRdb(fresh, data);
  assert.is(result.keysLoaded, 3);
  assert.is(fresh.dbs[0].peek('t')!.expireAt, now + 10_000);
  const idle = fresh.clock.now() - fresh.dbs[0].peek('s')!.lastAccess;
  assert.ok(idle >= 50_000 && idle < 52_000, String(idle));
  assert.equal((fresh.dbs[5].peek('l')!.value as List).toArray(), ['x']);
  assert.is(fresh.dbs[5].peek('gone'), undefined);
  // Too few databases to hold db 5.
  assert.throws(() => loadRdb(newServer({ databases: '2' }), data), /more than 2 databases/);
});

test('many strings in a row: LZF and int forms read back exactly (no state leaks between strings)', () => {
  const w = new RdbWriter(16, true);
  const values: string[] = [];
  for (let i = 0; i < 3000; i++) {
    // Repetitive (compressible) text of varied length, ints of every width, and raw bytes.
    const v = i % 3 === 0 ? `value-${i}-${'x'.repeat(i % 70)}` : i % 3 === 1 ? String((i * 7919) % 4_000_000 - 2_000_000) : `k${i}\u00ff\u0000${'ab'.repeat(i % 30)}`;
    values.push(v);
    w.string(v);
  }
  const bytes = w.view();
  // Some strings were compressed and some int-encoded: the reader's fast paths ran.
  let lzf = 0;
  let ints = 0;
  const probe = new RdbReader(Buffer.from(bytes));
  for (let i = 0; i < values.length; i++) {
    const first = probe.buf[probe.pos];
    if (first === 0xc3) lzf++;
    else if (first >= 0xc0 && first <= 0xc2) ints++;
    probe.string();
  }
  assert.ok(lzf > 500, `lzf ${lzf}`);
  assert.ok(ints > 500, `ints ${ints}`);
  const r = new RdbReader(Buffer.from(bytes));
  for (const v of values) assert.is(r.string(), v);
  assert.is(r.pos, bytes.length);
});

test('a duplicated key stops the load, and the database keeps the first value, consistent', () => {
  const w = new RdbWriter(64);
  w.latin1('REDIS0010');
  w.byte(RdbOpcode.SELECTDB);
  w.length(0);
  for (const [k, v] of [['a', 'one'], ['b', 'bee'], ['a', 'two']]) {
    w.byte(RdbType.STRING);
    w.string(k);
    w.string(v);
  }
  w.byte(RdbOpcode.EOF);
  w.raw(Buffer.alloc(8));
  const server = newServer();
  const db = server.dbs[0];
  assert.throws(() => loadRdb(server, Buffer.from(w.view())), /duplicated key 'a'/);
  assert.is(db.size, 2);
  assert.is(db.map.size, 2);
  assert.is(db.peek('a')?.value, 'one');
  assert.is(db.entries[db.peek('a')!.slot], db.peek('a'));
  assert.is(db.entries[db.peek('b')!.slot], db.peek('b'));
});

test.run();
