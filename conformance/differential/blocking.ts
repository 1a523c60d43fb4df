// Blocking commands across clients: one to three waiters (BLPOP, BRPOP,
// BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP), each on its own
// connection, block on keys that are mostly empty; then the main connection
// pushes or adds (LPUSH, RPUSH, LMOVE, ZADD, several keys at once, inside
// MULTI/EXEC, wrong types …), and every waiter still blocked is released with
// CLIENT UNBLOCK (its reply is then the timeout's null). Both servers must
// serve the same waiters, in the same FIFO order, with the same replies. A
// second kind of step has one waiter with a small fractional timeout and
// nothing pushed: the reply is the null of a timeout.

import { cmd, Gen, type Family, type Step } from './generator.js';

/** The queue keys of list steps and of zset steps; a few steps mix them, or use k0/k1 (often other types). */
let prefix = 'q';

function queueKey(g: Gen): string {
  if (g.rng.chance(0.04)) return g.rng.pick(['k0', 'k1', prefix === 'q' ? 'zq0' : 'q0']);
  return g.rng.weighted<string>([[4, `${prefix}0`], [3, `${prefix}1`], [2, `${prefix}2`]]);
}

function queueKeys(g: Gen, min: number, max: number): string[] {
  return Array.from({ length: g.rng.int(min, max) }, () => queueKey(g));
}

const SIDE = ['LEFT', 'RIGHT'];

function listWaiter(g: Gen, timeout: string): string[] {
  return g.rng.weighted<() => string[]>([
    [3, () => ['BLPOP', ...queueKeys(g, 1, 3), timeout]],
    [3, () => ['BRPOP', ...queueKeys(g, 1, 3), timeout]],
    [2, () => ['BLMOVE', queueKey(g), queueKey(g), g.rng.pick(SIDE), g.rng.pick(SIDE), timeout]],
    [1, () => ['BRPOPLPUSH', queueKey(g), queueKey(g), timeout]],
    [
      2,
      () => {
        const keys = queueKeys(g, 1, 3);
        return ['BLMPOP', timeout, String(keys.length), ...keys, g.rng.pick(SIDE), ...(g.rng.chance(0.5) ? ['COUNT', String(g.rng.int(1, 3))] : [])];
      },
    ],
  ])();
}

function zsetWaiter(g: Gen, timeout: string): string[] {
  return g.rng.weighted<() => string[]>([
    [3, () => ['BZPOPMIN', ...queueKeys(g, 1, 3), timeout]],
    [3, () => ['BZPOPMAX', ...queueKeys(g, 1, 3), timeout]],
    [
      2,
      () => {
        const keys = queueKeys(g, 1, 3);
        return ['BZMPOP', timeout, String(keys.length), ...keys, g.rng.pick(['MIN', 'MAX']), ...(g.rng.chance(0.5) ? ['COUNT', String(g.rng.int(1, 3))] : [])];
      },
    ],
  ])();
}

function element(g: Gen): string {
  return g.rng.pick(['a', 'b', 'c', 'd', '1', '2', '', 'x y']);
}

function push(g: Gen, zsets: boolean): string[] {
  if (zsets && g.rng.chance(0.8)) {
    const pairs = Array.from({ length: g.rng.int(1, 3) }, () => [String(g.rng.int(-3, 3)), element(g)]).flat();
    return ['ZADD', queueKey(g), ...pairs];
  }
  return g.rng.weighted<() => string[]>([
    [3, () => ['LPUSH', queueKey(g), ...Array.from({ length: g.rng.int(1, 3) }, () => element(g))]],
    [3, () => ['RPUSH', queueKey(g), ...Array.from({ length: g.rng.int(1, 3) }, () => element(g))]],
    [1, () => ['LMOVE', queueKey(g), queueKey(g), g.rng.pick(SIDE), g.rng.pick(SIDE)]],
    [0.5, () => ['SET', queueKey(g), 'v']],
    [0.5, () => ['DEL', queueKey(g)]],
    [0.5, () => ['ZADD', queueKey(g), '1', element(g)]],
  ])();
}

function served(g: Gen): Step {
  const zsets = g.rng.chance(0.4);
  prefix = zsets ? 'zq' : 'q';
  // Mostly on empty queues, so the waiters block; else on what earlier steps left.
  const before = g.rng.chance(0.7) ? [cmd(['SELECT', '0']), cmd(['DEL', `${prefix}0`, `${prefix}1`, `${prefix}2`])] : [];
  const waiters = Array.from({ length: g.rng.weighted([[3, 1], [3, 2], [2, 3]]) }, () => {
    const timeout = g.rng.weighted<string>([[8, '0'], [1, '100'], [0.3, '-1'], [0.3, 'x']]);
    return cmd(zsets ? zsetWaiter(g, timeout) : listWaiter(g, timeout));
  });
  const pushes = Array.from({ length: g.rng.int(1, 4) }, () => push(g, zsets));
  const then = g.rng.chance(0.3) ? [['MULTI'], ...pushes, ['EXEC']] : pushes;
  // The waiters are on db 0; so are the pushes. Reading the queues afterwards shows what was served.
  const after = [[zsets ? 'ZRANGE' : 'LRANGE', `${prefix}0`, '0', '-1', ...(zsets ? ['WITHSCORES'] : [])], ['TYPE', `${prefix}1`], [zsets ? 'ZRANGE' : 'LRANGE', `${prefix}2`, '0', '-1']];
  return { cmds: before, blocking: { waiters, then: [['SELECT', '0'], ...then, ...after].map((c) => cmd(c)), unblock: true } };
}

function timesOut(g: Gen): Step {
  const timeout = g.rng.pick(['0.01', '0.02', '0.05']);
  const zsets = g.rng.chance(0.5);
  prefix = zsets ? 'zq' : 'q';
  const waiter = zsets ? zsetWaiter(g, timeout) : listWaiter(g, timeout);
  const before = [cmd(['SELECT', '0']), cmd(['DEL', `${prefix}0`, `${prefix}1`, `${prefix}2`])];
  return { cmds: before, blocking: { waiters: [cmd(waiter)], then: [], unblock: false } };
}

export const blocking: Family = {
  name: 'blocking',
  commands: [
    { name: 'blocking-served', weight: 4, make: served },
    { name: 'blocking-timeout', weight: 0.2, make: timesOut },
  ],
};
