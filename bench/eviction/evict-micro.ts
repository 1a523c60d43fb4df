// Eviction alone, in process: fills db 0 with N string keys (no clients, no
// network), lowers maxmemory to a tenth and times performEvictions slice by
// slice until under it. Prints keys/s, CPU per 100k keys and the longest slice.
// Run: node dist/bench/eviction/evict-micro.js [--keys 1000000] [--policy allkeys-lru]

import { startServer } from '../../server/index.js';
import { memoryState, performEvictions, usedMemory, EvictResult } from '../../server/eviction/index.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const KEYS = Number(option('keys', '1000000'));
const POLICY = option('policy', 'allkeys-lru');

const running = await startServer({ port: 0, config: { 'maxmemory-policy': POLICY } });
const server = running.server;
const db = server.dbs[0];
const value = 'x'.repeat(100);
for (let i = 0; i < KEYS; i++) {
  if (i % 1000 === 0) running.clock.advance(1);
  db.add(`fill:${i}`, 'string', value.slice(0, 99) + String(i % 10));
}
const full = usedMemory(server);
const state = memoryState(server);
server.config.set('maxmemory', String(Math.floor(full / 10)));
state.maxmemory = Math.floor(full / 10);
if (state.proc !== null) clearImmediate(state.proc);
state.proc = null;
const before = server.stats.evictedKeys;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let longest = 0;
let slices = 0;
for (;;) {
  const t = performance.now();
  const c = process.cpuUsage();
  const r = performEvictions(state);
  const sliceCpu = process.cpuUsage(c);
  const sliceCpuMs = (sliceCpu.user + sliceCpu.system) / 1000;
  if (sliceCpuMs >= 5 && process.argv.includes('--verbose')) console.log(`slice of ${(performance.now() - t).toFixed(1)} ms, CPU ${sliceCpuMs.toFixed(1)} ms, keys left ${db.size}`);
  if (state.proc !== null) {
    clearImmediate(state.proc);
    state.proc = null;
  }
  longest = Math.max(longest, performance.now() - t);
  slices++;
  if (r !== EvictResult.Running && usedMemory(server) <= state.maxmemory) break;
  if (r === EvictResult.Fail) break;
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const evicted = server.stats.evictedKeys - before;
console.log(
  `${POLICY}: evicted ${evicted} of ${KEYS} keys in ${ms.toFixed(0)} ms: ${Math.round(evicted / (ms / 1000))} keys/s; ` +
    `CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (${(((cpu.user + cpu.system) / 1000 / evicted) * 1e5).toFixed(0)} ms per 100k keys); ` +
    `${slices} slices, longest ${longest.toFixed(2)} ms`,
);
await running.close();
