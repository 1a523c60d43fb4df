// The shape of one row of the command table. Every check the dispatcher makes
// (arity, auth, MULTI queuing, OOM refusal, key extraction, COMMAND INFO)
// reads these rows; a family file declares its commands and nothing else.

import type { Client } from '../client.js';

export type Flag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'module'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'asking'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'sentinel'
  | 'only_sentinel'
  | 'no_mandatory_keys'
  | 'protected'
  | 'no_async_loading'
  | 'no_multi'
  | 'movablekeys'
  | 'allow_busy';

/** Keys at argv[first..last] every step; last -1 means up to the last argument. */
export interface KeyPositions {
  first: number;
  last: number;
  step: number;
}

export type Handler = (client: Client, argv: Buffer[]) => void;

export interface CommandDef {
  /** Lowercase; a subcommand is named by its own word ('get' under 'config'). */
  name: string;
  /** Redis convention: N exactly N arguments, -N at least N; the name counts. */
  arity: number;
  flags: readonly Flag[];
  keys: KeyPositions | null;
  /** ACL categories without the '@'. */
  categories: readonly string[];
  /** What COMMAND DOCS shows. */
  summary: string;
  since: string;
  group: string;
  complexity?: string;
  /** Command tips (COMMAND INFO's 8th element), e.g. 'nondeterministic_output'. */
  tips?: readonly string[];
  /** For commands whose keys are not at fixed positions (movablekeys). */
  getKeys?(argv: readonly Buffer[]): number[];
  handler?: Handler;
  subcommands?: readonly CommandDef[];
}

/** A table row at run time: the definition plus flags as booleans and its counters. */
export class Command {
  readonly name: string;
  /** 'config|get' for subcommands, as INFO commandstats and errors name them. */
  readonly fullName: string;
  readonly isWrite: boolean;
  readonly isDenyOom: boolean;
  readonly isNoAuth: boolean;
  readonly isAdmin: boolean;
  readonly isNoScript: boolean;
  readonly isBlocking: boolean;
  readonly isPubsub: boolean;
  readonly isFast: boolean;
  readonly skipMonitor: boolean;
  readonly skipSlowlog: boolean;
  readonly subcommands: Map<string, Command> | null;
  /**
   * Copied from the definition: the definitions are object literals of many
   * shapes, so reading them per call is a megamorphic property load; a
   * Command is one class.
   */
  readonly arity: number;
  readonly handler: Handler | undefined;
  calls = 0;
  usec = 0;
  rejectedCalls = 0;
  failedCalls = 0;

  constructor(
    readonly def: CommandDef,
    readonly parent: Command | null = null,
  ) {
    this.name = def.name;
    this.arity = def.arity;
    this.handler = def.handler;
    this.fullName = parent ? `${parent.name}|${def.name}` : def.name;
    const has = (f: Flag) => def.flags.includes(f);
    this.isWrite = has('write');
    this.isDenyOom = has('denyoom');
    this.isNoAuth = has('no_auth');
    this.isAdmin = has('admin');
    this.isNoScript = has('noscript');
    this.isBlocking = has('blocking');
    this.isPubsub = has('pubsub');
    this.isFast = has('fast');
    this.skipMonitor = has('skip_monitor');
    this.skipSlowlog = has('skip_slowlog');
    this.subcommands = def.subcommands
      ? new Map(def.subcommands.map((sub) => [sub.name, new Command(sub, this)]))
      : null;
  }

  /** Positions of the key arguments in argv. */
  keyPositions(argv: readonly Buffer[]): number[] {
    if (this.def.getKeys) return this.def.getKeys(argv);
    const spec = this.def.keys;
    if (spec === null) return [];
    const last = spec.last < 0 ? argv.length + spec.last : spec.last;
    const positions: number[] = [];
    for (let i = spec.first; i <= last && i < argv.length; i += spec.step) positions.push(i);
    return positions;
  }
}

/** Shorthand for the common case of a command whose keys are one run of arguments. */
export function keysAt(first: number, last = first, step = 1): KeyPositions {
  return { first, last, step };
}
