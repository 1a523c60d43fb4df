// Random command sequences for the differential run. A family is one table
// entry: a name and its commands, each a weight and a function that draws the
// arguments. Only the families switched on are generated, so a family whose
// commands embedis lacks (lists, sets … today) waits here until it lands.
//
// Time is the one thing two servers cannot share, so the values that set a
// TTL are drawn to keep every outcome deterministic:
// - relative TTLs are at least 100 s (nothing expires during a run), and any
//   two in one sequence differ by at least 2 s, so GT/LT/NX/XX and TTL
//   comparisons never hinge on the few milliseconds between the servers;
// - absolute times are either in the past (the key goes at once) or in a band
//   far beyond any relative TTL (year 2065+), also pairwise distinct;
// - short expiries (1-3 ms) only come as a step that waits 10 ms and then
//   reads the key, so both servers have dropped it before anything else runs.
// Replies of TTL-reading commands are compared within a tolerance.

import { Random } from './random.js';

/** How two replies are compared. */
export type Check =
  | 'exact'
  /** Array, set or map elements in any order (KEYS, SMEMBERS …). */
  | 'unordered'
  /** RANDOMKEY: exact when the DBSIZE just before it is 0 or 1, else both a bulk. */
  | 'randomkey'
  /** Integers within this distance (both must be >= 0; -1/-2 compare exactly). */
  | { tolerance: number }
  /**
   * A random draw (SRANDMEMBER, SPOP, HRANDFIELD, ZRANDMEMBER): the same reply
   * type and element count as the oracle's, every element taken from the
   * listing the step sent just before on the same server (members, or
   * field/value and member/score pairs), and no element twice when distinct.
   */
  | { sample: 'distinct' | 'repeat'; pairs: boolean };

export interface Cmd {
  /** Arguments as latin1 strings (one char per byte). */
  args: string[];
  check: Check;
}

/**
 * The unit of generation and of shrinking: its commands stay together.
 * cmds run pipelined with their neighbours; with pauseMs, the harness waits
 * for their replies, sleeps, then runs `after`. A scan step runs a full SCAN
 * iteration (the cursor, then the options) on each server and compares the
 * union of the keys returned.
 */
export interface Step {
  cmds: Cmd[];
  pauseMs?: number;
  after?: Cmd[];
  scan?: string[];
  /** The command and key before the cursor: ['SSCAN', key] …; SCAN when absent. */
  scanHead?: string[];
  /** HSCAN/ZSCAN: elements come as field/value (member/score) pairs. */
  scanPairs?: boolean;
  /** Blocking commands on extra connections, served by the main one (see runner.ts). */
  blocking?: Blocking;
}

export interface Blocking {
  /** One command per extra connection (client B1, B2 …), sent in this order, each once the previous is blocked. */
  waiters: Cmd[];
  /** Sent by the main connection once every waiter is blocked (or answered). */
  then: Cmd[];
  /** CLIENT UNBLOCK every waiter afterwards (else each must answer by itself: a short timeout). */
  unblock: boolean;
}

export interface CommandSpec {
  name: string;
  weight?: number;
  make(g: Gen): string[] | Step;
}

export interface Family {
  name: string;
  commands: CommandSpec[];
  /** Scales the family's weights so that they add up to this (a focused run: the family most, the rest a little). */
  share?: number;
}

/** Milliseconds of tolerance for PTTL and PEXPIRETIME; TTL and EXPIRETIME allow 1 s. */
export const PTTL_TOLERANCE_MS = 100;

const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', '\x00b\xffin', 'k 6\r\n'];
const KEY_WEIGHTS: Array<[number, string]> = KEYS.map((k, i) => [i < 4 ? 3 : 1, k]);

const EDGE_VALUES = [
  '', '0', '-1', '1', '-0', '+1', '01', '00', '9223372036854775807', '-9223372036854775808',
  '9223372036854775808', '-9223372036854775809', '18446744073709551615', '1e3', ' 1', '1 ', 'inf', '-inf',
  'nan', '3.5', '-3.5', '0.1', '1.7976931348623157e308', '4.9e-324', '0x10', 'abc', '\x00', '\xff\xfe',
  'hello world', '12345678901234567890', '123456789012345678901', '1.0', '10', '-10', '42',
];

const EDGE_INTEGERS = [
  '0', '1', '-1', '5', '-5', '100', '9223372036854775807', '-9223372036854775808', '9223372036854775808',
  '4611686018427387904', '-4611686018427387904', '1.5', 'x', '', ' 1', '+1', '-0', '007', '1e3',
];

const EDGE_FLOATS = [
  '0.1', '-0.1', '1e3', '3.5', '1.5e-5', 'inf', '-inf', '+inf', 'nan', '1e308', '-1e308', '0', '-0',
  'abc', '', ' 1', '1 ', '0x10', '5.0', '1.0000000000000001', '100', '17', '2.5e+2', '.5', '5.', '1e-320',
  '123456789012345678', '-5', '10.5',
];

const EDGE_INDEXES = ['0', '-1', '9223372036854775807', '-9223372036854775808', '9223372036854775808', 'x', '', '1.5', '-0'];

const EDGE_TTLS = [
  '0', '-1', '-1000', 'abc', '', '1.5', ' 10', '9223372036854775807', '-9223372036854775808',
  '9223372036854775', '9223372036854776', '4611686018427387903', '92233720368547758', '18446744073709551616',
];

const PATTERNS = [
  '*', 'k*', 'k[0-2]', 'k?', '*1*', '\x00*', 'k[^0]', '[a-z]*', 'nomatch*', 'k\\*', '', 'k[', '*\r\n', '?', 'k[!0]',
  '*[', '[]', 'k[1-]', '\\k0',
];

export class Gen {
  private slots: number[] = [];
  private nextBlock = 0;

  constructor(readonly rng: Random) {}

  key(): string {
    return this.rng.weighted(KEY_WEIGHTS);
  }

  keys(min: number, max: number): string[] {
    const n = this.rng.int(min, max);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.key());
    return out;
  }

  /** An option name in mixed case now and then (Redis ignores case). */
  opt(name: string): string {
    const r = this.rng.next();
    if (r < 0.8) return name;
    if (r < 0.9) return name.toLowerCase();
    return name
      .split('')
      .map((c) => (this.rng.chance(0.5) ? c.toLowerCase() : c))
      .join('');
  }

  value(): string {
    const rng = this.rng;
    return rng.weighted<() => string>([
      [4, () => rng.pick(EDGE_VALUES)],
      [3, () => String(rng.int(-20, 20))],
      [1, () => String(rng.int(-2_000_000_000, 2_000_000_000))],
      [2, () => 'v' + rng.int(0, 99)],
      [1, () => rng.bytes(rng.int(0, 12))],
      [0.6, () => rng.pick(['x', 'ab', '\xe9']).repeat(rng.pick([20, 39, 43, 44, 45, 46, 64, 100, 300]))],
      [0.1, () => rng.bytes(rng.pick([1000, 3000]))],
    ])();
  }

  integer(): string {
    return this.rng.chance(0.6) ? String(this.rng.int(-1000, 1000)) : this.rng.pick(EDGE_INTEGERS);
  }

  float(): string {
    const rng = this.rng;
    return rng.weighted<() => string>([
      [3, () => rng.pick(EDGE_FLOATS)],
      [2, () => String(rng.int(-100, 100))],
      [2, () => (rng.int(-100000, 100000) / 1000).toString()],
      [1, () => (rng.next() * 10 ** rng.int(-10, 20)).toExponential(rng.int(0, 6))],
    ])();
  }

  index(): string {
    return this.rng.chance(0.85) ? String(this.rng.int(-30, 30)) : this.rng.pick(EDGE_INDEXES);
  }

  pattern(): string {
    return this.rng.pick(PATTERNS);
  }

  db(): string {
    return this.rng.weighted<string>([[6, '0'], [6, '1'], [1, '16'], [1, '-1'], [1, 'x'], [0.5, '9223372036854775808']]);
  }

  /** A slot no other TTL of this sequence uses: TTLs derived from distinct slots are >= 2 s apart. */
  private slot(): number {
    if (this.slots.length === 0) {
      const block = Array.from({ length: 256 }, (_, i) => this.nextBlock + i);
      this.nextBlock += 256;
      for (let i = block.length - 1; i > 0; i--) {
        const j = this.rng.int(0, i);
        [block[i], block[j]] = [block[j], block[i]];
      }
      this.slots = block;
    }
    return this.slots.pop() as number;
  }

  /** Relative seconds: a far TTL, or an edge (zero, negative, malformed, overflowing). */
  seconds(): string {
    return this.rng.chance(0.85) ? String(100 + 2 * this.slot()) : this.rng.pick(EDGE_TTLS);
  }

  milliseconds(): string {
    return this.rng.chance(0.85) ? String((100 + 2 * this.slot()) * 1000 + this.rng.int(0, 999)) : this.rng.pick(EDGE_TTLS);
  }

  /** Unix time in seconds: in the past, far in the future (2065+), or an edge. */
  unixSeconds(): string {
    const r = this.rng.next();
    if (r < 0.3) return String(this.rng.int(1, 1_600_000_000));
    if (r < 0.85) return String(3_000_000_000 + 2 * this.slot());
    return this.rng.pick(EDGE_TTLS);
  }

  unixMilliseconds(): string {
    const r = this.rng.next();
    if (r < 0.3) return String(this.rng.int(1, 1_600_000_000_000));
    if (r < 0.85) return String((3_000_000_000 + 2 * this.slot()) * 1000 + this.rng.int(0, 999));
    return this.rng.pick(EDGE_TTLS);
  }

  /** The expiry options shared by SET and GETEX, as SET takes them. */
  expiryOption(): string[] {
    return this.rng.weighted<() => string[]>([
      [2, () => [this.opt('EX'), this.seconds()]],
      [2, () => [this.opt('PX'), this.milliseconds()]],
      [1, () => [this.opt('EXAT'), this.unixSeconds()]],
      [1, () => [this.opt('PXAT'), this.unixMilliseconds()]],
      [0.3, () => [this.opt(this.rng.pick(['EX', 'PX', 'EXAT', 'PXAT']))]],
    ])();
  }
}

export function cmd(args: string[]): Cmd {
  return { args, check: checkFor(args) };
}

/** The comparison a command's reply needs, from its name (and subcommand). */
export function checkFor(args: readonly string[]): Check {
  const name = (args[0] ?? '').toLowerCase();
  switch (name) {
    case 'ttl':
    case 'expiretime':
      return { tolerance: 1 };
    case 'pttl':
    case 'pexpiretime':
      return { tolerance: PTTL_TOLERANCE_MS };
    case 'keys':
    case 'smembers':
    case 'sunion':
    case 'sinter':
    case 'sdiff':
    case 'spop':
    case 'srandmember':
    case 'hgetall':
    case 'hkeys':
    case 'hvals':
      return 'unordered';
    case 'randomkey':
      return 'randomkey';
    case 'object':
      return (args[1] ?? '').toLowerCase() === 'idletime' ? { tolerance: 1 } : 'exact';
    default:
      return 'exact';
  }
}

const strings: Family = {
  name: 'strings',
  commands: [
    { name: 'get', weight: 4, make: (g) => ['GET', g.key()] },
    {
      name: 'set',
      weight: 6,
      make: (g) => {
        const args = ['SET', g.key(), g.value()];
        const n = g.rng.weighted([[5, 0], [4, 1], [2, 2], [0.5, 3]]);
        for (let i = 0; i < n; i++) {
          args.push(
            ...g.rng.weighted<() => string[]>([
              [3, () => g.expiryOption()],
              [1, () => [g.opt('NX')]],
              [1, () => [g.opt('XX')]],
              [1.5, () => [g.opt('GET')]],
              [1, () => [g.opt('KEEPTTL')]],
              [0.3, () => [g.rng.pick(['FOO', 'PERSIST', 'EX1', ''])]],
            ])(),
          );
        }
        // Redis 7.0 keeps a key SET with a past EXAT/PXAT until it is next
        // touched (or active expiry meets it): read it at once, so DBSIZE and
        // RANDOMKEY do not depend on when active expiry runs.
        if (args.some((a) => /^(ex|px)at$/i.test(a))) return { cmds: [cmd(args), cmd(['EXISTS', args[1]])] };
        return args;
      },
    },
    { name: 'setex', weight: 1.5, make: (g) => ['SETEX', g.key(), g.seconds(), g.value()] },
    { name: 'psetex', weight: 1.5, make: (g) => ['PSETEX', g.key(), g.milliseconds(), g.value()] },
    { name: 'setnx', make: (g) => ['SETNX', g.key(), g.value()] },
    { name: 'getset', make: (g) => ['GETSET', g.key(), g.value()] },
    { name: 'getdel', make: (g) => ['GETDEL', g.key()] },
    {
      name: 'getex',
      weight: 2,
      make: (g) => {
        const args = ['GETEX', g.key()];
        const n = g.rng.weighted([[3, 0], [5, 1], [1, 2]]);
        for (let i = 0; i < n; i++) {
          args.push(...(g.rng.chance(0.2) ? [g.opt(g.rng.pick(['PERSIST', 'KEEPTTL', 'BAR']))] : g.expiryOption()));
        }
        return args;
      },
    },
    { name: 'mget', weight: 2, make: (g) => ['MGET', ...g.keys(1, 4)] },
    {
      name: 'mset',
      weight: 1.5,
      make: (g) => {
        const args = ['MSET'];
        for (let i = g.rng.int(1, 3); i > 0; i--) args.push(g.key(), g.value());
        if (g.rng.chance(0.1)) args.push(g.key());
        return args;
      },
    },
    {
      name: 'msetnx',
      make: (g) => {
        const args = ['MSETNX'];
        for (let i = g.rng.int(1, 3); i > 0; i--) args.push(g.key(), g.value());
        if (g.rng.chance(0.1)) args.push(g.key());
        return args;
      },
    },
    { name: 'incr', weight: 2, make: (g) => ['INCR', g.key()] },
    { name: 'decr', make: (g) => ['DECR', g.key()] },
    { name: 'incrby', weight: 2, make: (g) => ['INCRBY', g.key(), g.integer()] },
    { name: 'decrby', make: (g) => ['DECRBY', g.key(), g.integer()] },
    { name: 'incrbyfloat', weight: 2, make: (g) => ['INCRBYFLOAT', g.key(), g.float()] },
    { name: 'append', weight: 2, make: (g) => ['APPEND', g.key(), g.value()] },
    { name: 'strlen', make: (g) => ['STRLEN', g.key()] },
    { name: 'getrange', weight: 1.5, make: (g) => ['GETRANGE', g.key(), g.index(), g.index()] },
    { name: 'substr', weight: 0.5, make: (g) => ['SUBSTR', g.key(), g.index(), g.index()] },
    {
      name: 'setrange',
      weight: 1.5,
      make: (g) => {
        // 536870911 + a 2-byte value is one byte over proto-max-bulk-len: the
        // error without a 512 MB allocation on both servers.
        if (g.rng.chance(0.03)) return ['SETRANGE', g.key(), '536870911', g.rng.pick(['', 'ab'])];
        const offset = g.rng.chance(0.85)
          ? String(g.rng.int(0, 40))
          : g.rng.pick(['-1', '536870912', '9223372036854775807', 'x', '', '4096']);
        return ['SETRANGE', g.key(), offset, g.value()];
      },
    },
    {
      name: 'lcs',
      weight: 1.5,
      make: (g) => {
        const args = ['LCS', g.key(), g.key()];
        for (let i = g.rng.weighted([[3, 0], [3, 1], [2, 2], [1, 3]]); i > 0; i--) {
          args.push(
            ...g.rng.weighted<() => string[]>([
              [2, () => [g.opt('LEN')]],
              [2, () => [g.opt('IDX')]],
              [1.5, () => [g.opt('MINMATCHLEN'), g.rng.pick(['0', '1', '2', '3', '-1', 'x', '100'])]],
              [1.5, () => [g.opt('WITHMATCHLEN')]],
              [0.3, () => [g.rng.pick(['FOO', 'MINMATCHLEN'])]],
            ])(),
          );
        }
        return args;
      },
    },
  ],
};

const EXPIRE_FLAGS = ['NX', 'XX', 'GT', 'LT'];

function expireCommand(name: string, time: (g: Gen) => string): CommandSpec {
  return {
    name: name.toLowerCase(),
    weight: 1.5,
    make: (g) => {
      const args = [name, g.key(), time(g)];
      for (let i = g.rng.weighted([[5, 0], [4, 1], [1, 2]]); i > 0; i--) {
        args.push(g.rng.chance(0.95) ? g.opt(g.rng.pick(EXPIRE_FLAGS)) : 'FOO');
      }
      return args;
    },
  };
}

/** A 1-3 ms expiry, a 10 ms wait, then reads that make both servers drop the key. */
function shortExpiry(g: Gen): Step {
  const key = g.key();
  const ms = String(g.rng.int(1, 3));
  const first = g.rng.weighted<() => string[]>([
    [3, () => ['PEXPIRE', key, ms]],
    [2, () => ['SET', key, g.value(), 'PX', ms]],
    [1, () => ['PSETEX', key, ms, g.value()]],
    [1, () => ['GETEX', key, 'PX', ms]],
    [1, () => ['SET', key, g.value(), 'PX', ms, g.rng.pick(['NX', 'XX', 'GET'])]],
  ])();
  const after = [cmd([g.rng.pick(['EXISTS', 'GET', 'TTL', 'PTTL', 'TYPE']), key])];
  if (g.rng.chance(0.5)) after.push(cmd(['DBSIZE']));
  return { cmds: [cmd(first)], pauseMs: 10, after };
}

const keys: Family = {
  name: 'keys',
  commands: [
    { name: 'del', weight: 2, make: (g) => ['DEL', ...g.keys(1, 3)] },
    { name: 'unlink', make: (g) => ['UNLINK', ...g.keys(1, 3)] },
    { name: 'exists', weight: 2, make: (g) => ['EXISTS', ...g.keys(1, 4)] },
    { name: 'touch', weight: 0.5, make: (g) => ['TOUCH', ...g.keys(1, 3)] },
    { name: 'type', weight: 1.5, make: (g) => ['TYPE', g.key()] },
    { name: 'rename', weight: 1.5, make: (g) => ['RENAME', g.key(), g.key()] },
    { name: 'renamenx', make: (g) => ['RENAMENX', g.key(), g.key()] },
    {
      name: 'copy',
      weight: 1.5,
      make: (g) => {
        const args = ['COPY', g.key(), g.key()];
        if (g.rng.chance(0.4)) args.push(g.opt('DB'), g.db());
        if (g.rng.chance(0.4)) args.push(g.opt('REPLACE'));
        if (g.rng.chance(0.05)) args.push(g.rng.pick(['FOO', 'DB']));
        return args;
      },
    },
    { name: 'move', make: (g) => ['MOVE', g.key(), g.db()] },
    { name: 'keys', make: (g) => ['KEYS', g.pattern()] },
    { name: 'randomkey', weight: 0.7, make: () => ({ cmds: [cmd(['DBSIZE']), cmd(['RANDOMKEY'])] }) },
    expireCommand('EXPIRE', (g) => g.seconds()),
    expireCommand('PEXPIRE', (g) => g.milliseconds()),
    expireCommand('EXPIREAT', (g) => g.unixSeconds()),
    expireCommand('PEXPIREAT', (g) => g.unixMilliseconds()),
    { name: 'short-expiry', weight: 0.4, make: shortExpiry },
    { name: 'ttl', weight: 1.5, make: (g) => ['TTL', g.key()] },
    { name: 'pttl', weight: 1.5, make: (g) => ['PTTL', g.key()] },
    { name: 'expiretime', make: (g) => ['EXPIRETIME', g.key()] },
    { name: 'pexpiretime', make: (g) => ['PEXPIRETIME', g.key()] },
    { name: 'persist', weight: 1.5, make: (g) => ['PERSIST', g.key()] },
    {
      name: 'object',
      weight: 1.5,
      make: (g) =>
        g.rng.weighted<() => string[]>([
          [8, () => ['OBJECT', g.opt('ENCODING'), g.key()]],
          [0.5, () => ['OBJECT', g.opt('FREQ'), g.key()]],
          [0.2, () => ['OBJECT', 'HELP']],
          [0.3, () => ['OBJECT', 'FOO', g.key()]],
          [0.3, () => ['OBJECT', 'ENCODING']],
        ])(),
    },
    {
      name: 'scan',
      weight: 0.7,
      make: (g) => {
        const cursor = g.rng.chance(0.9) ? '0' : g.rng.pick(['abc', '1.5', '', '18446744073709551616']);
        const options: string[] = [];
        for (let i = g.rng.weighted([[3, 0], [3, 1], [1, 2], [0.5, 3]]); i > 0; i--) {
          options.push(
            ...g.rng.weighted<() => string[]>([
              [3, () => [g.opt('MATCH'), g.pattern()]],
              [3, () => [g.opt('COUNT'), g.rng.pick(['1', '2', '3', '10', '1000', '0', '-1', 'x'])]],
              [2, () => [g.opt('TYPE'), g.rng.pick(['string', 'STRING', 'list', 'set', 'zset', 'hash', 'stream', 'foo'])]],
              [0.2, () => [g.rng.pick(['FOO', 'MATCH', 'COUNT'])]],
            ])(),
          );
        }
        return { cmds: [], scan: [cursor, ...options] };
      },
    },
    { name: 'dbsize', make: () => ['DBSIZE'] },
    { name: 'select', weight: 1, make: (g) => ['SELECT', g.rng.weighted<string>([[10, '0'], [10, '1'], [1, '16'], [1, 'x'], [0.5, '-1']])] },
    {
      name: 'flushdb',
      weight: 0.15,
      make: (g) => ['FLUSHDB', ...g.rng.weighted<string[]>([[4, []], [1, ['ASYNC']], [1, ['SYNC']], [0.3, ['FOO']]])],
    },
  ],
};

const connection: Family = {
  name: 'connection',
  commands: [
    { name: 'echo', weight: 0.5, make: (g) => ['ECHO', g.value()] },
    { name: 'ping', weight: 0.5, make: (g) => (g.rng.chance(0.5) ? ['PING'] : ['PING', g.value()]) },
  ],
};

/** The families defined here; families.ts adds the data types and holds the registry. */
export const BASE_FAMILIES: Record<string, Family> = { strings, keys, connection };

/** Turns a command's arguments into a step, sometimes with a wrong arity or a mixed-case name. */
function finish(g: Gen, made: string[] | Step): Step {
  if (!Array.isArray(made)) return made;
  let args = made;
  const r = g.rng.next();
  if (r < 0.015 && args.length > 1) args = args.slice(0, g.rng.int(1, args.length - 1));
  else if (r < 0.03) args = [...args, g.rng.pick(['extra', '', 'x y'])];
  if (g.rng.chance(0.3)) args = [g.opt(args[0]), ...args.slice(1)];
  return { cmds: [cmd(args)] };
}

/** `length` steps drawn from the given families; the same seeds always give the same steps. */
export function generateSequence(seeds: readonly number[], families: readonly Family[], length: number): Step[] {
  const g = new Gen(new Random(...seeds));
  const table: Array<[number, CommandSpec]> = [];
  for (const family of families) {
    const total = family.commands.reduce((sum, spec) => sum + (spec.weight ?? 1), 0);
    const scale = family.share === undefined || total === 0 ? 1 : family.share / total;
    for (const spec of family.commands) table.push([(spec.weight ?? 1) * scale, spec]);
  }
  const steps: Step[] = [];
  for (let i = 0; i < length; i++) steps.push(finish(g, g.rng.weighted(table).make(g)));
  return steps;
}

/** Commands a step sends (a scan step counts as one). */
export function stepSize(step: Step): number {
  const blocking = step.blocking ? step.blocking.waiters.length * (step.blocking.unblock ? 2 : 1) + step.blocking.then.length : 0;
  return step.cmds.length + (step.after?.length ?? 0) + (step.scan ? 1 : 0) + blocking;
}
