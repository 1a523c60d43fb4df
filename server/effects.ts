// Write effects: what a write must replay elsewhere (the AOF now, replicas
// later), as Redis's call() / alsoPropagate / propagatePendingCommands.
//
// A command that changed data (server.dirty grew while it ran, not counting
// keys that expired under it) propagates its own argv, unless its handler
// replaced it with what really happened (EXPIRE as PEXPIREAT, SPOP as SREM,
// BLPOP as LPOP …). Everything one top-level command (or an EXEC, or a script)
// produced goes out together when it ends: wrapped in MULTI … EXEC when there
// is more than one record, so a replay is atomic as the original was.
//
// Nothing here runs unless a consumer is attached (`active`): with appendonly
// no the dispatcher pays one boolean check per call.

import type { Client } from './client.js';
import type { Command } from './commands/types.js';
import type { Db } from './keyspace.js';

/** One argument of a record: a latin1 string (one char per byte) or an owned Buffer. */
export type EffectArg = string | Buffer;

export interface EffectRecord {
  dbId: number;
  args: EffectArg[];
}

/** Receives records in order (the AOF, a future replica link). */
export interface EffectConsumer {
  /** A record for database dbId (-1: no database, as MULTI/EXEC). */
  feed(dbId: number, args: readonly EffectArg[]): void;
  /** Called before any client's replies leave; returns true if the replies must wait (see Effects.holdReplies). */
  beforeReplies?(client: Client): boolean;
}

/** Commands that only run others: their own argv is never an effect (the commands they ran are). */
const CONTAINERS = new Set(['exec', 'eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

/** Writes that Redis never logs to the AOF (they reach replicas only, or nobody). */
const NOT_LOGGED = new Set(['publish', 'spublish', 'save', 'bgsave', 'bgrewriteaof', 'debug']);

interface Frame {
  /** The handler's replacement for its own argv: undefined = keep argv, null = nothing. */
  replacement: EffectRecord | null | undefined;
  /** effects.expiredDirty when the frame began. */
  expiredMark: number;
}

export class Effects {
  /** True while some consumer wants records: the only thing the hot path reads. */
  active = false;
  private readonly consumers: EffectConsumer[] = [];
  private readonly frames: Frame[] = [];
  private pending: EffectRecord[] = [];
  /** Open begin() groups (scripts, the embedding API): records wait for the last end(). */
  private groups = 0;
  /** Dirty counted by keys that expired or were evicted while commands ran (not the command's own writes). */
  private expiredDirty = 0;

  attach(consumer: EffectConsumer): void {
    if (!this.consumers.includes(consumer)) this.consumers.push(consumer);
    this.active = true;
  }

  detach(consumer: EffectConsumer): void {
    const at = this.consumers.indexOf(consumer);
    if (at >= 0) this.consumers.splice(at, 1);
    this.active = this.consumers.length > 0;
  }

  /** Inside a command (or a group) right now. */
  get nested(): boolean {
    return this.frames.length > 0 || this.groups > 0;
  }

  // ---- the dispatcher's side -------------------------------------------------

  /** call() begins running a command (only when active). */
  enter(): void {
    this.frames.push({ replacement: undefined, expiredMark: this.expiredDirty });
  }

  /** call() finished a command: dirtyDelta is how much server.dirty grew while it ran. */
  leave(client: Client, command: Command, argv: readonly Buffer[], dirtyDelta: number): void {
    const frame = this.frames.pop();
    if (frame === undefined) return;
    const own = dirtyDelta - (this.expiredDirty - frame.expiredMark);
    if (frame.replacement !== undefined) {
      if (frame.replacement !== null) this.pending.push(frame.replacement);
    } else if (own > 0 && !CONTAINERS.has(command.name) && !NOT_LOGGED.has(command.name)) {
      const args = new Array<EffectArg>(argv.length);
      for (let i = 0; i < argv.length; i++) args[i] = Buffer.from(argv[i]); // argv is borrowed
      this.pending.push({ dbId: client.dbIndex, args });
    }
    if (this.frames.length === 0 && this.groups === 0) this.commit();
  }

  // ---- the handlers' side (as Redis's rewriteClientCommandVector / alsoPropagate) ----

  /**
   * The running command's effect is args on dbId instead of its argv. Outside
   * any command (a blocked client served later) the record goes out at once.
   */
  replace(dbId: number, args: EffectArg[]): void {
    if (!this.active) return;
    const frame = this.frames[this.frames.length - 1];
    if (frame === undefined) {
      this.pending.push({ dbId, args });
      if (this.groups === 0) this.commit();
      return;
    }
    frame.replacement = { dbId, args };
  }

  /** The running command leaves no record of its own (its effects, if any, came through also()). */
  suppress(): void {
    if (!this.active) return;
    const frame = this.frames[this.frames.length - 1];
    if (frame !== undefined) frame.replacement = null;
  }

  /** An extra record beside the command's own, in order (as alsoPropagate). */
  also(dbId: number, args: EffectArg[]): void {
    if (!this.active) return;
    this.pending.push({ dbId, args });
    if (this.frames.length === 0 && this.groups === 0) this.commit();
  }

  /** A key expired or was evicted: replicas and the AOF see a DEL (server.keyChanged calls this when active). */
  keyDeleted(db: Db, key: string): void {
    this.expiredDirty++;
    this.also(db.id, ['DEL', key]);
  }

  /**
   * Groups every record until the matching end() into one atomic unit
   * (MULTI … EXEC when more than one): for scripts and any caller that runs
   * several commands through call() as one.
   */
  begin(): void {
    this.groups++;
  }

  end(): void {
    if (this.groups === 0) return;
    this.groups--;
    if (this.groups === 0 && this.frames.length === 0) this.commit();
  }

  /** Sends the pending records to every consumer, MULTI-wrapped when several. */
  private commit(): void {
    const records = this.pending;
    if (records.length === 0) return;
    this.pending = [];
    if (this.consumers.length === 0) return;
    const wrap = records.length > 1;
    for (const consumer of this.consumers) {
      if (wrap) consumer.feed(-1, ['MULTI']);
      for (const record of records) consumer.feed(record.dbId, record.args);
      if (wrap) consumer.feed(-1, ['EXEC']);
    }
  }

  // ---- durability order ------------------------------------------------------

  /**
   * Called by Client.flush before replies leave: consumers write what they
   * hold first. True means the replies must wait (appendfsync always: the
   * consumer flushes them itself after its fsync).
   */
  holdReplies(client: Client): boolean {
    let hold = false;
    for (const consumer of this.consumers) {
      if (consumer.beforeReplies !== undefined && consumer.beforeReplies(client)) hold = true;
    }
    return hold;
  }
}
