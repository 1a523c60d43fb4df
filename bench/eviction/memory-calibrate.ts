// Calibration of the memory estimate (server/eviction/accounting.ts): loads
// 1,000,000 keys of each type into a database and compares the estimate
// (Db.usedBytes) with the growth of the V8 heap and ArrayBuffer memory (heapUsed + arrayBuffers,
// after a full GC). Run: node --expose-gc dist/bench/eviction/memory-calibrate.js [--keys N]
// Prints a markdown table; the estimate must agree within 25%.

import { Clock } from '../../server/clock.js';
import { Db, type KeyspaceHost } from '../../server/keyspace.js';
import { List } from '../../server/types/list.js';
import { HashValue } from '../../server/types/hash.js';
import { ZSet } from '../../server/types/zset.js';
import { SetValue } from '../../server/commands/sets.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  process.stderr.write('run with node --expose-gc\n');
  process.exit(2);
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const KEYS = flag('--keys', 1_000_000);
const scratch = Buffer.alloc(1 << 16);

/** A fresh flat latin1 string as the server makes them from request bytes (str(buf)). */
function bytes(text: string): string {
  const n = scratch.write(text, 'latin1');
  return scratch.latin1Slice(0, n);
}

function filler(i: number, length: number): string {
  let s = `${i}:`;
  while (s.length < length) s += 'abcdefghijklmnopqrstuvwxyz0123456789';
  return bytes(s.slice(0, length));
}

const clock = new Clock();
const host: KeyspaceHost = { clock, keyExpired() {}, stats: { keyspaceHits: 0, keyspaceMisses: 0 } };

interface Row {
  name: string;
  keys: number;
  build(db: Db, count: number): void;
}

function keyOf(i: number): string {
  return bytes(`key:${i}`);
}

const rows: Row[] = [
  {
    name: 'string 64B',
    keys: KEYS,
    build(db, n) {
      for (let i = 0; i < n; i++) db.add(keyOf(i), 'string', filler(i, 64));
    },
  },
  {
    name: 'string 8B + TTL',
    keys: KEYS,
    build(db, n) {
      for (let i = 0; i < n; i++) {
        const e = db.add(keyOf(i), 'string', filler(i, 8));
        db.setExpire(e, clock.now() + 1e9 + i);
        db.resize(e);
      }
    },
  },
  {
    name: 'list 4x16B',
    keys: KEYS,
    build(db, n) {
      for (let i = 0; i < n; i++) {
        const list = new List();
        const e = db.add(keyOf(i), 'list', list);
        for (let j = 0; j < 4; j++) list.pushBack(filler(i * 4 + j, 16));
        db.resize(e);
      }
    },
  },
  {
    name: 'set 4x8B',
    keys: KEYS,
    build(db, n) {
      for (let i = 0; i < n; i++) {
        const set = new SetValue(false);
        const e = db.add(keyOf(i), 'set', set);
        for (let j = 0; j < 4; j++) set.add(filler(i * 4 + j, 8));
        db.resize(e);
      }
    },
  },
  {
    name: 'hash 4x(8B,16B)',
    keys: KEYS,
    build(db, n) {
      for (let i = 0; i < n; i++) {
        const hash = new HashValue();
        const e = db.add(keyOf(i), 'hash', hash);
        for (let j = 0; j < 4; j++) hash.set(bytes(`field${j}`), filler(i * 4 + j, 16));
        db.resize(e);
      }
    },
  },
  {
    name: 'zset 4x8B',
    keys: KEYS,
    build(db, n) {
      for (let i = 0; i < n; i++) {
        const zset = new ZSet();
        const e = db.add(keyOf(i), 'zset', zset);
        for (let j = 0; j < 4; j++) zset.insert(filler(i * 4 + j, 8), i + j * 0.5);
        db.resize(e);
      }
    },
  },
  ...(['list', 'set', 'hash', 'zset'] as const).map((type) => ({
    name: `${type} 10 keys x 100k`,
    keys: 10,
    build(db: Db, n: number) {
      for (let i = 0; i < n; i++) {
        const key = keyOf(i);
        const per = Math.max(1, Math.floor(KEYS / 10));
        if (type === 'list') {
          const list = new List();
          const e = db.add(key, 'list', list);
          for (let j = 0; j < per; j++) list.pushBack(filler(j, 16));
          db.resize(e);
        } else if (type === 'set') {
          const set = new SetValue(false);
          const e = db.add(key, 'set', set);
          for (let j = 0; j < per; j++) set.add(filler(j, 8));
          db.resize(e);
        } else if (type === 'hash') {
          const hash = new HashValue();
          hash.convert();
          const e = db.add(key, 'hash', hash);
          for (let j = 0; j < per; j++) hash.set(filler(j, 8), filler(j, 16));
          db.resize(e);
        } else {
          const zset = ZSet.built();
          const e = db.add(key, 'zset', zset);
          for (let j = 0; j < per; j++) zset.insert(filler(j, 8), j * 1.5);
          db.resize(e);
        }
      }
    },
  })),
];

const only = process.argv.indexOf('--only') >= 0 ? process.argv[process.argv.indexOf('--only') + 1] : null;
const lines = ['| data | keys | estimated | measured heap growth | estimate / measured |', '|---|---:|---:|---:|---:|'];
let worst = 0;
for (const row of rows) {
  if (only !== null && !row.name.startsWith(only)) continue;
  gc();
  gc();
  const before = heapAndBuffers();
  let db: Db | null = new Db(0, host);
  row.build(db, row.keys);
  gc();
  gc();
  const after = heapAndBuffers();
  const estimated = db.usedBytes;
  const measured = after - before;
  const ratio = estimated / measured;
  worst = Math.max(worst, Math.abs(ratio - 1));
  lines.push(`| ${row.name} | ${row.keys} | ${mb(estimated)} | ${mb(measured)} | ${ratio.toFixed(3)} |`);
  process.stderr.write(`${lines[lines.length - 1]}\n`);
  db.clear();
  db = null;
}
process.stdout.write(`${lines.join('\n')}\n\nworst deviation: ${(worst * 100).toFixed(1)}% (limit 25%)\n`);

/** The V8 heap plus ArrayBuffer memory, which lives outside it (the sorted sets' skiplist pools). */
function heapAndBuffers(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function mb(n: number): string {
  return `${(n / 1048576).toFixed(1)} MB`;
}
