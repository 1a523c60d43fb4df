// The server side of bench/eviction/stall: an embedis server in this process,
// with in-process probes the parent reads over IPC: the event loop's longest
// block (perf_hooks monitorEventLoopDelay), the longest eviction slice (timed
// by server/eviction itself) and GC pauses by kind (PerformanceObserver 'gc').
// Started by stall.ts as: node [flags] stall-server.js <maxmemory>

import { monitorEventLoopDelay, PerformanceObserver, constants } from 'node:perf_hooks';
import { startServer } from '../../server/index.js';
import { memoryState } from '../../server/eviction/index.js';

const maxmemory = process.argv[2] ?? '1gb';
const running = await startServer({ port: 0, config: { maxmemory, 'maxmemory-policy': process.argv[3] ?? 'allkeys-lru' } });
const state = memoryState(running.server);

const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();

interface GcKind {
  count: number;
  totalMs: number;
  maxMs: number;
}
const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental-marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-callbacks',
};
let gc: Record<string, GcKind> = {};
/** Notable moments (GC pauses and eviction slices of 10 ms or more), for --verbose. */
let events: string[] = [];
// The CPU time a slice used (process.cpuUsage around it): unlike its wall time, not
// lengthened when the machine's other processes take the core away.
let sliceCpu0 = 0;
let longestSliceCpuMs = 0;
state.sliceStartListener = () => {
  sliceCpu0 = cpuMs();
};
state.sliceListener = (start, spent, keys) => {
  const cpu = cpuMs() - sliceCpu0;
  if (cpu > longestSliceCpuMs) longestSliceCpuMs = cpu;
  if (spent >= 10) events.push(`${start.toFixed(0)} slice ${spent.toFixed(1)} ms (CPU ${cpu.toFixed(1)} ms), ${keys} keys`);
};
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = KINDS[(e as unknown as { detail: { kind: number } }).detail.kind] ?? 'other';
    const k = (gc[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
    k.count++;
    k.totalMs += e.duration;
    if (e.duration > k.maxMs) k.maxMs = e.duration;
    if (e.duration >= 10) events.push(`${e.startTime.toFixed(0)} gc ${kind} ${e.duration.toFixed(1)} ms`);
  }
});
observer.observe({ entryTypes: ['gc'] });

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

process.on('message', (msg: string) => {
  if (msg === 'reset') {
    loop.reset();
    gc = {};
    events = [];
    longestSliceCpuMs = 0;
    state.slices = 0;
    state.longestSliceMicros = 0;
    state.evictionMicros = 0;
    process.send!({ cpuMs: cpuMs() });
  } else if (msg === 'report') {
    process.send!({
      loopMaxMs: loop.max / 1e6,
      loopP99Ms: loop.percentile(99) / 1e6,
      slices: state.slices,
      longestSliceMs: state.longestSliceMicros / 1000,
      evictionMs: state.evictionMicros / 1000,
      gc,
      events,
      longestSliceCpuMs,
      cpuMs: cpuMs(),
      heapUsedMb: process.memoryUsage().heapUsed / 1048576,
    });
  } else if (msg === 'exit') {
    process.exit(0);
  }
});
process.send!({ port: running.port });
