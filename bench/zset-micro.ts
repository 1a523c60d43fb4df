// In-process micro-benchmark of the sorted-set structure (server/types/zset.ts
// and skiplist.ts), without the server, the protocol or the dispatcher: the
// costs that redis-benchmark's ZADD / ZRANK / ZRANGE / ZSCORE runs add on top
// of dispatch. Mirrors the server workloads: members "m:" + 12-digit number as
// redis-benchmark's __rand_int__ writes them, random scores in 0..99999.
//
// Usage: node dist/bench/zset-micro.js [--size 100000] [--ops 300000] [--rounds 3]
// Prints CPU ns per operation (process CPU time, best of the rounds, after one
// warm-up round; CPU time rather than wall clock as the machine is shared). Reports only.

import { ZSet } from '../server/types/zset.js';
import { xorshift32 } from '../test/seeded-random.js';

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const SIZE = arg('size', 100_000);
const OPS = arg('ops', 300_000);
const ROUNDS = arg('rounds', 3);

const random = xorshift32(12345);
const int = (n: number) => Math.floor(random() * n);
const member = (i: number) => 'm:' + String(i).padStart(12, '0');
const names = Array.from({ length: SIZE }, (_, i) => member(i));
// The operands of each op, drawn up front so the timed loops do only the structure's work.
const pickMember = Int32Array.from({ length: OPS }, () => int(SIZE));
const pickScore = Float64Array.from({ length: OPS }, () => int(100_000));

/** ZADD key score member as the command does it: lookup, then insert or update. */
function zadd(zset: ZSet, m: string, score: number): void {
  const current = zset.score(m);
  if (current === undefined) {
    zset.prepareAdd(m, 128, 64);
    zset.insert(m, score);
  } else if (current !== score) {
    zset.update(m, score);
  }
}

function filled(): ZSet {
  const zset = new ZSet();
  for (let i = 0; i < SIZE; i++) zadd(zset, names[i], i);
  return zset;
}

let sink = 0;

const cases: Array<[string, (big: ZSet) => number]> = [
  ['ZADD into one set growing to SIZE', () => {
    const zset = new ZSet();
    for (let i = 0; i < OPS; i++) zadd(zset, names[pickMember[i]], pickScore[i]);
    sink += zset.size;
    return OPS;
  }],
  ['ZADD score updates (SIZE members)', (big) => {
    for (let i = 0; i < OPS; i++) zadd(big, names[pickMember[i]], pickScore[i]);
    return OPS;
  }],
  ['ZRANK (present member)', (big) => {
    for (let i = 0; i < OPS; i++) sink += big.rank(names[pickMember[i]]);
    return OPS;
  }],
  ['ZRANGE 0 9 (walk 10 nodes)', (big) => {
    for (let i = 0; i < OPS; i++) {
      let node = big.at(0);
      for (let j = 0; j < 10 && node !== null; j++, node = node.next) sink += node.score;
    }
    return OPS;
  }],
  ['ZRANGE r r+9 (random rank)', (big) => {
    for (let i = 0; i < OPS; i++) {
      let node = big.at(pickMember[i] % (big.size - 10));
      for (let j = 0; j < 10 && node !== null; j++, node = node.next) sink += node.score;
    }
    return OPS;
  }],
  ['ZSCORE (present member)', (big) => {
    for (let i = 0; i < OPS; i++) sink += big.score(names[pickMember[i]]) ?? 0;
    return OPS;
  }],
  ['new zset with 1 member', () => {
    const keep: ZSet[] = new Array<ZSet>(OPS);
    for (let i = 0; i < OPS; i++) {
      const zset = new ZSet();
      zadd(zset, 'm', 1);
      keep[i] = zset;
    }
    sink += keep.length;
    return OPS;
  }],
  ['new zset with 5 members', () => {
    const keep: ZSet[] = new Array<ZSet>(OPS);
    const five = ['a', 'b', 'c', 'd', 'e'];
    for (let i = 0; i < OPS; i++) {
      const zset = new ZSet();
      for (let j = 0; j < 5; j++) zadd(zset, five[j], j + 1);
      keep[i] = zset;
    }
    sink += keep.length;
    return OPS;
  }],
];

const only = process.argv.indexOf('--only') >= 0 ? process.argv[process.argv.indexOf('--only') + 1] : '';
for (const [name, run] of cases) {
  if (only && !name.toLowerCase().includes(only.toLowerCase())) continue;
  let best = Infinity;
  for (let round = 0; round <= ROUNDS; round++) {
    const big = filled();
    const start = process.cpuUsage();
    const ops = run(big);
    const spent = process.cpuUsage(start);
    const ns = ((spent.user + spent.system) * 1000) / ops;
    if (round > 0) best = Math.min(best, ns);
  }
  console.log(`${name.padEnd(40)} ${best.toFixed(0).padStart(6)} ns/op`);
}
if (sink === 0.5) console.log(sink);
