// Redis's LFU counter (evict.c): 24 bits per key, the high 16 the time of the
// last decrement in minutes (mod 2^16), the low 8 a logarithmic access
// counter. New keys start at LFU_INIT_VAL so they are not evicted before they
// had a chance to be used; each access increments the counter with a
// probability that falls as it grows (lfu-log-factor), and every
// lfu-decay-time minutes without access it loses one.

export const LFU_INIT_VAL = 5;

/** The parameters of every LFU counter in the process, kept current from the config. */
export const lfuParams = {
  /** Whether an LFU policy is selected: only then do accesses move the counters. */
  enabled: false,
  logFactor: 10,
  decayTime: 1,
};

/** Redis's LFUGetTimeInMinutes: unix minutes, 16 bits. */
export function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & 0xffff;
}

/** The LFU field of a new key. */
export function lfuInitial(nowMs: number): number {
  return (lfuMinutes(nowMs) << 8) | LFU_INIT_VAL;
}

/** Minutes since the field's last decrement, with the 16-bit clock's wrap. */
export function lfuElapsedMinutes(field: number, nowMs: number): number {
  const now = lfuMinutes(nowMs);
  const then = field >>> 8;
  return now >= then ? now - then : 65535 - then + now;
}

/** Redis's LFUDecrAndReturn: the counter after decay, without storing it. */
export function lfuDecayed(field: number, nowMs: number): number {
  const counter = field & 0xff;
  const decay = lfuParams.decayTime;
  const periods = decay > 0 ? Math.floor(lfuElapsedMinutes(field, nowMs) / decay) : 0;
  if (periods === 0) return counter;
  return periods > counter ? 0 : counter - periods;
}

/** Redis's LFULogIncr: increments with probability 1 / ((counter - LFU_INIT_VAL) * factor + 1). */
export function lfuLogIncr(counter: number, random: number = Math.random()): number {
  if (counter === 255) return 255;
  const base = counter > LFU_INIT_VAL ? counter - LFU_INIT_VAL : 0;
  const p = 1 / (base * lfuParams.logFactor + 1);
  return random < p ? counter + 1 : counter;
}

/** Redis's updateLFU: decay, then a logarithmic increment, stamped now. */
export function lfuTouch(field: number, nowMs: number): number {
  return (lfuMinutes(nowMs) << 8) | lfuLogIncr(lfuDecayed(field, nowMs));
}
