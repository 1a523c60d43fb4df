// The AOF's on-disk pieces: RESP records, the manifest, and the reader that
// tells a truncated tail from a corrupt file.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  encodeRecord,
  formatManifest,
  parseManifest,
  readRecords,
  recordSize,
  ManifestError,
} from '../server/persistence/aof-format.js';

const test = suite('aof-format');

function encode(...records: Array<Array<string | Buffer>>): Buffer {
  const size = records.reduce((n, r) => n + recordSize(r), 0);
  const out = Buffer.alloc(size);
  let off = 0;
  for (const r of records) off = encodeRecord(out, off, r);
  assert.is(off, size);
  return out;
}

function readAll(buf: Buffer) {
  const records: string[][] = [];
  const ends: number[] = [];
  const problem = readRecords(buf, 0, (args, end) => {
    records.push(args.map((a) => a.toString('latin1')));
    ends.push(end);
  });
  return { records, ends, problem };
}

test('records are RESP multibulk, binary safe', () => {
  const buf = encode(['SET', 'k\u00ff', Buffer.from([0, 13, 10])]);
  assert.is(buf.toString('latin1'), '*3\r\n$3\r\nSET\r\n$2\r\nk\u00ff\r\n$3\r\n\u0000\r\n\r\n');
  const { records, problem } = readAll(buf);
  assert.is(problem, null);
  assert.equal(records, [['SET', 'k\u00ff', '\u0000\r\n']]);
});

test('a record cut anywhere is truncated at the last whole record', () => {
  const whole = encode(['SET', 'a', '1'], ['SET', 'b', '22'], ['RPUSH', 'l', 'x', 'y']);
  const { ends } = readAll(whole);
  for (let cut = ends[1] + 1; cut < whole.length; cut++) {
    const { records, problem } = readAll(whole.subarray(0, cut));
    assert.is(records.length, 2, `cut at ${cut}`);
    assert.equal(problem, { kind: 'truncated', offset: ends[1] }, `cut at ${cut}`);
  }
});

test('garbage is corrupt, with its offset', () => {
  const good = encode(['SET', 'a', '1']);
  const bad = Buffer.concat([good, Buffer.from('+OK\r\n')]);
  const { records, problem } = readAll(bad);
  assert.is(records.length, 1);
  assert.equal(problem?.kind, 'corrupt');
  assert.is(problem?.offset, good.length);
  const badLength = Buffer.concat([good, Buffer.from('*1\r\n$3\r\nSETX\r\n')]);
  assert.is(readAll(badLength).problem?.kind, 'corrupt');
  const letters = Buffer.concat([good, Buffer.from('*x')]);
  assert.is(readAll(letters).problem?.kind, 'corrupt');
});

test('annotations (#TS:…) between records are skipped', () => {
  const buf = Buffer.concat([Buffer.from('#TS:1700000000\r\n'), encode(['SET', 'a', '1']), Buffer.from('#TS:1700000001\r\n'), encode(['DEL', 'a'])]);
  const { records, problem } = readAll(buf);
  assert.is(problem, null);
  assert.equal(records, [['SET', 'a', '1'], ['DEL', 'a']]);
});

test('manifest: Redis 7 line format, round trip', () => {
  const text = 'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n';
  const m = parseManifest(text);
  assert.equal(m.base, { name: 'appendonly.aof.1.base.rdb', seq: 1, type: 'b' });
  assert.equal(m.incrs, [{ name: 'appendonly.aof.1.incr.aof', seq: 1, type: 'i' }]);
  assert.is(formatManifest(m), text);
});

test('manifest: history, quoted names, key order, comments', () => {
  const m = parseManifest('# note\nseq 2 type h file old.aof\nfile "my file.aof" seq 3 type i\nfile b.aof seq 4 type i\n');
  assert.is(m.base, null);
  assert.equal(m.history.map((f) => f.name), ['old.aof']);
  assert.equal(m.incrs.map((f) => f.name), ['my file.aof', 'b.aof']);
  assert.ok(formatManifest(m).includes('file "my file.aof" seq 3 type i'));
});

test('manifest: refuses bad lines, two bases, decreasing incr seqs', () => {
  assert.throws(() => parseManifest('file a seq x type b\n'), (e: unknown) => e instanceof ManifestError);
  assert.throws(() => parseManifest('file a seq 1 type z\n'), (e: unknown) => e instanceof ManifestError);
  assert.throws(() => parseManifest('file a seq 1 type b\nfile c seq 2 type b\n'), (e: unknown) => e instanceof ManifestError);
  assert.throws(() => parseManifest('file a seq 2 type i\nfile c seq 1 type i\n'), (e: unknown) => e instanceof ManifestError);
  assert.throws(() => parseManifest('file "a seq 1 type i\n'), (e: unknown) => e instanceof ManifestError);
});

test.run();
