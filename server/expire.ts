// Active expiry, after Redis's expire.c: each tick samples keys that have a
// TTL and removes the expired ones; while a sample is more than 10% expired it
// samples again, within a time budget of 25% of the tick, so memory held by
// expired keys nobody reads is reclaimed without stalling the event loop.

import { performance } from 'node:perf_hooks';
import type { Db } from './keyspace.js';

const KEYS_PER_LOOP = 20;
const ACCEPTABLE_STALE_PERCENT = 10;
const BUDGET_PERCENT = 25;

export interface ExpireCycleStats {
  expiredKeys: number;
  expireCycleCpuMillis: number;
  /** Estimate of the share of volatile keys that are expired, from the last samples. */
  expiredStalePercent: number;
}

/** One active-expire pass over the databases; hz is the tick rate. Returns keys removed. */
export function activeExpireCycle(dbs: readonly Db[], now: () => number, hz: number, stats: ExpireCycleStats): number {
  const started = performance.now();
  const budgetMs = (1000 / Math.max(1, hz)) * (BUDGET_PERCENT / 100);
  let removed = 0;
  let sampledTotal = 0;
  let expiredTotal = 0;
  for (const db of dbs) {
    for (;;) {
      const volatile = db.expiring.length;
      if (volatile === 0) break;
      const samples = Math.min(KEYS_PER_LOOP, volatile);
      let expired = 0;
      const time = now();
      for (let i = 0; i < samples && db.expiring.length > 0; i++) {
        const entry = db.expiring[(Math.random() * db.expiring.length) | 0];
        if (time > entry.expireAt) {
          db.expire(entry);
          expired++;
        }
      }
      sampledTotal += samples;
      expiredTotal += expired;
      removed += expired;
      if (expired * 100 <= samples * ACCEPTABLE_STALE_PERCENT) break;
      if (performance.now() - started > budgetMs) break;
    }
    if (performance.now() - started > budgetMs) break;
  }
  stats.expireCycleCpuMillis += performance.now() - started;
  if (sampledTotal > 0) {
    stats.expiredStalePercent = (expiredTotal * 100) / sampledTotal;
  }
  return removed;
}
