// The append-only file, as Redis 7 lays it out: a directory (appenddirname)
// holding a base file (the dataset when the last rewrite began), incremental
// files (every write effect since, as RESP records) and a manifest naming
// them. The AOF is an effects consumer (server/effects.ts): records are
// buffered while a batch of commands runs and written before any reply of
// that batch leaves (under appendfsync always, fsynced first as well: one
// group commit per event-loop turn).
//
// Node cannot fork, so BGREWRITEAOF writes the new base in place: a new incr
// file takes the records from then on while a fork-less walk (aof-server.ts)
// writes the base, and the manifest is swapped by rename when it is on disk.
//
// This file turns the AOF on and off and runs rewrites; the pieces are:
//   aof-writer.ts   the incr file's record buffer, write/fsync policy and error state
//   aof-files.ts    the directory, the manifest and the file names
//   aof-io.ts       the file operations, errno texts, durable whole-file writes
//   aof-dataset.ts  the dataset as commands (a base without the RDB preamble)
//   aof-format.ts   RESP records and the manifest's text form

import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '../client.js';
import type { EffectArg, EffectConsumer } from '../effects.js';
import type { Server } from '../server.js';
import type { Manifest, ManifestFile } from './aof-format.js';
import { AofFiles } from './aof-files.js';
import { NEW_INCR_FLAGS, type AofIo } from './aof-io.js';
import { writeFileDurably } from './durable-file.js';
import { AofWriter, type AofStats } from './aof-writer.js';
import { datasetAsCommands } from './aof-dataset.js';

export { datasetAsCommands, datasetEntryCommands } from './aof-dataset.js';
export { ioErrorText, type AofIo } from './aof-io.js';
export type { AofStats } from './aof-writer.js';

/** Hooks part A (the RDB code) fills so the base can be an RDB file (aof-use-rdb-preamble). */
export const rdbBaseHooks: {
  /** The whole dataset as an RDB file. */
  write: ((server: Server) => Buffer) | null;
  /** Loads an RDB file's content into the server (throws with a message when corrupt); returns the bytes it took. */
  load: ((server: Server, data: Buffer, fileName: string) => number) | null;
} = { write: null, load: null };

/** A base file being written in the background (a fork-less walk); set up by aof-server.ts. */
export interface BaseJob {
  /** Settles once the file is complete at its target path (fsynced, renamed). */
  done: Promise<void>;
  cancel(): void;
}

export type BaseJobFactory = (server: Server, target: string, rdb: boolean) => BaseJob;

interface Rewrite {
  job: BaseJob;
  startedAt: number;
  base: ManifestFile;
  incr: ManifestFile;
  previous: Manifest;
  /** Set when turning the AOF on (Redis's AOF_WAIT_REWRITE): records go to this temp incr file, named in no manifest yet. */
  temp: string | null;
}

export class Aof implements EffectConsumer {
  readonly stats: AofStats = {
    rewrites: 0,
    lastRewriteTimeSec: -1,
    lastRewriteStatus: 'ok',
    consecutiveFailures: 0,
    lastWriteStatus: 'ok',
    rewriteScheduled: false,
    currentSize: 0,
    baseSize: 0,
    delayedFsync: 0,
    pendingBioFsync: 0,
  };
  /** The record writer (the open incr file and its buffer). */
  private readonly w: AofWriter;
  /** The directory and its manifest. */
  private readonly files: AofFiles;
  private fsyncTimer: NodeJS.Timeout | null = null;
  /** Background base writer (BGREWRITEAOF, auto rewrite); null: rewrites run synchronously. */
  backgroundBase: BaseJobFactory | null = null;
  private rewriting: Rewrite | null = null;
  /** Turned on, logging to the temp incr file, and no base written yet (a failed first base is retried by the cron). */
  private awaitingFirstBase = false;

  constructor(private readonly server: Server) {
    this.w = new AofWriter(server, this.stats);
    this.files = new AofFiles(server);
  }

  /** The file operations (tests replace them to simulate a failing disk). */
  get io(): AofIo {
    return this.w.io;
  }

  set io(io: AofIo) {
    this.w.io = io;
  }

  /** aof-timestamp-enabled: "#TS:" annotations in the records and the base. */
  get timestamps(): boolean {
    return this.w.timestamps;
  }

  set timestamps(on: boolean) {
    this.w.timestamps = on;
  }

  /** Whether the last fsync failed (Redis's aof_bio_fsync_status). */
  get fsyncStatus(): 'ok' | 'err' {
    return this.w.fsyncStatus;
  }

  get rewriteInProgress(): boolean {
    return this.rewriting !== null;
  }

  /** Seconds the running rewrite has taken so far, -1 when none. */
  get currentRewriteSeconds(): number {
    return this.rewriting === null ? -1 : Math.floor((Date.now() - this.rewriting.startedAt) / 1000);
  }

  get enabled(): boolean {
    return this.w.fd >= 0;
  }

  /** The AOF was turned on and its first base is not written yet (Redis's AOF_WAIT_REWRITE). */
  get waitingRewrite(): boolean {
    return this.awaitingFirstBase;
  }

  /** Why writes are refused (the strerror of the failed write or fsync), or null when the AOF writes fine. */
  writeError(): string | null {
    return this.w.writeError();
  }

  /** INFO's aof_last_write_status: a failed background fsync counts too. */
  get writeStatus(): 'ok' | 'err' {
    return this.w.writeStatus;
  }

  /** Bytes of records not yet written to the file (INFO's aof_buffer_length). */
  get bufferLength(): number {
    return this.w.bufferLength;
  }

  /** <dir>/<appenddirname>, absolute (dir is the process's working directory, as in Redis). */
  directory(): string {
    return this.files.directory();
  }

  setPolicy(policy: string): void {
    this.w.setPolicy(policy);
  }

  feed(dbId: number, args: readonly EffectArg[]): void {
    this.w.feed(dbId, args);
  }

  beforeReplies(client: Client): boolean {
    return this.w.beforeReplies(client);
  }

  /** Writes the buffered records now; false when the write failed (see AofWriter.writeOut). */
  writeOut(): boolean {
    return this.w.writeOut();
  }

  /** Whether a new base is an RDB file (aof-use-rdb-preamble, when the RDB code is there). */
  private useRdbBase(): boolean {
    return this.server.config.bool('aof-use-rdb-preamble') && rdbBaseHooks.write !== null;
  }

  // ---- turning on and off ----------------------------------------------------

  /**
   * Starts logging: opens the last incr file of an existing manifest (after
   * start-up loaded it), or rewrites the dataset into a fresh base and incr.
   */
  start(resumeExisting: boolean, atStartup = false): void {
    if (this.enabled) return;
    this.w.setPolicy(this.server.config.string('appendfsync'));
    fs.mkdirSync(this.files.directory(), { recursive: true });
    if (resumeExisting && this.files.hasManifest()) {
      this.files.manifest = this.files.readManifest();
      if (this.files.manifest.incrs.length === 0) {
        const seq = 1;
        const name = `${this.files.fileName()}.${seq}.incr.aof`;
        this.server.log('notice', `Creating AOF incr file ${name} on server start`);
        this.files.manifest.incrs.push({ name, seq, type: 'i' });
        this.files.writeManifest(this.files.manifest);
      }
      const last = this.files.manifest.incrs[this.files.manifest.incrs.length - 1];
      this.w.fd = fs.openSync(this.files.pathOf(last.name), 'a');
      this.w.incrSize = fs.fstatSync(this.w.fd).size;
      this.stats.baseSize = this.files.manifest.base ? this.files.fileSize(this.files.manifest.base.name) : 0;
      this.stats.currentSize = this.files.totalSize();
    } else {
      this.rewriteNow(!atStartup, true);
    }
    this.w.selectedDb = -1;
    this.server.effects.attach(this.w);
    this.fsyncTimer = setInterval(() => this.w.everySecond(), 1000);
    this.fsyncTimer.unref();
  }

  /** appendonly no: flush, fsync, close; the files stay. */
  stop(): void {
    if (!this.enabled) return;
    const temp = this.awaitingFirstBase ? this.files.tempIncrName() : null;
    this.awaitingFirstBase = false;
    this.cancelRewrite();
    this.server.effects.detach(this.w);
    this.w.writeOut();
    this.w.fsyncNow();
    fs.closeSync(this.w.fd);
    this.w.fd = -1;
    // Turned off before its first base was complete: the temp incr file belongs to nothing (Redis's aofRemoveTempFile).
    if (temp !== null) this.files.unlinkQuietly(temp);
    this.w.buffered = 0;
    this.w.stuck = 0;
    this.stats.lastWriteStatus = 'ok';
    this.w.fsyncStatus = 'ok';
    if (this.fsyncTimer !== null) clearInterval(this.fsyncTimer);
    this.fsyncTimer = null;
    this.w.releaseHeld();
  }

  /** Shutdown: everything written and fsynced. */
  close(): void {
    if (!this.enabled) return;
    if (this.awaitingFirstBase) {
      // Turned on but the first base is not complete: write it now, or the dataset would not be in the AOF.
      try {
        this.rewriteNow(true, true);
      } catch {
        // logged by rewriteNow
      }
    }
    // A rewrite still running is dropped: the manifest already names every incr file, so nothing is lost.
    this.cancelRewrite();
    this.w.writeOut();
    this.w.fsyncNow();
    this.w.releaseHeld();
  }

  // ---- rewrite ---------------------------------------------------------------------

  /**
   * BGREWRITEAOF, done at once: a new base from the dataset, a new incr file,
   * the manifest swapped by rename, the old files removed.
   */
  rewriteNow(counted = true, keepOpen = this.w.fd >= 0): void {
    const temp = this.awaitingFirstBase ? this.files.tempIncrName() : null;
    this.cancelRewrite();
    const started = Date.now();
    const dir = this.files.directory();
    fs.mkdirSync(dir, { recursive: true });
    if (this.w.fd >= 0) {
      this.w.writeOut();
      this.w.fsyncNow();
    }
    const old = this.files.manifest;
    try {
      const { base, incr, useRdb } = this.files.nextFiles(old, this.useRdbBase());
      const data = useRdb ? rdbBaseHooks.write!(this.server) : datasetAsCommands(this.server, this.timestamps);
      writeFileDurably(path.join(dir, base.name), data);
      const incrFd = fs.openSync(path.join(dir, incr.name), NEW_INCR_FLAGS);
      fs.fsyncSync(incrFd);
      const next: Manifest = { base, incrs: [incr], history: [] };
      this.files.writeManifest(next);
      if (this.w.fd >= 0) fs.closeSync(this.w.fd);
      this.w.fd = incrFd;
      this.w.incrSize = 0;
      if (temp !== null) this.files.unlinkQuietly(temp);
      this.awaitingFirstBase = false;
      this.w.switchedAfterError();
      if (!keepOpen) {
        // BGREWRITEAOF with appendonly no: the files are written, nothing is logged.
        fs.closeSync(this.w.fd);
        this.w.fd = -1;
      }
      this.files.manifest = next;
      this.w.selectedDb = -1;
      this.w.unsynced = false;
      this.server.trackFileWork(this.files.removeUnlisted(old, new Set([base.name, incr.name])));
      this.stats.baseSize = data.length;
      this.stats.currentSize = data.length;
      if (counted) {
        this.stats.rewrites++;
        this.stats.lastRewriteStatus = 'ok';
        this.stats.consecutiveFailures = 0;
        this.stats.lastRewriteTimeSec = Math.floor((Date.now() - started) / 1000);
        this.server.log('notice', 'Background AOF rewrite finished successfully');
      }
    } catch (error) {
      this.stats.lastRewriteStatus = 'err';
      this.stats.consecutiveFailures++;
      this.server.log('warning', `Background AOF rewrite failed: ${(error as Error).message}`);
      throw error;
    }
  }

  /**
   * BGREWRITEAOF without fork: a new incr file takes every record from now
   * on (the manifest names it beside the old files at once, so a crash
   * loses nothing), while the dataset as it is now is walked in slices into
   * the new base. When the base is on disk the manifest is swapped to
   * base + new incr and the old files are removed. Returns an error text,
   * or null when the rewrite started.
   */
  startRewrite(): string | null {
    if (this.rewriting !== null) return 'ERR Background append only file rewriting already in progress';
    if (this.enabled && this.awaitingFirstBase) return this.startFirstBase();
    if (!this.enabled || this.backgroundBase === null) {
      try {
        this.rewriteNow();
        return null;
      } catch (error) {
        return `ERR Background append only file rewriting failed: ${(error as Error).message}`;
      }
    }
    const dir = this.files.directory();
    const old = this.files.manifest;
    const { base, incr, useRdb } = this.files.nextFiles(old, this.useRdbBase());
    let job: BaseJob;
    try {
      this.w.writeOut();
      this.w.fsyncNow();
      const incrFd = fs.openSync(path.join(dir, incr.name), NEW_INCR_FLAGS);
      const during: Manifest = { base: old.base, incrs: [...old.incrs, incr], history: old.history };
      this.files.writeManifest(during);
      fs.closeSync(this.w.fd);
      this.w.fd = incrFd;
      this.w.incrSize = 0;
      this.w.switchedAfterError();
      this.files.manifest = during;
      this.w.selectedDb = -1;
      this.w.unsynced = true;
      job = this.backgroundBase(this.server, path.join(dir, base.name), useRdb);
    } catch (error) {
      this.stats.lastRewriteStatus = 'err';
      this.stats.consecutiveFailures++;
      return `ERR Background append only file rewriting failed: ${(error as Error).message}`;
    }
    this.track({ job, startedAt: Date.now(), base, incr, previous: old, temp: null });
    return null;
  }

  private track(rewrite: Rewrite): void {
    this.rewriting = rewrite;
    this.server.log('notice', 'Background append only file rewriting started');
    rewrite.job.done.then(
      () => this.rewriteDone(rewrite),
      (error: Error) => this.rewriteFailed(rewrite, error),
    );
  }


  /**
   * CONFIG SET appendonly yes, as Redis's startAppendOnly: records go to a
   * temp incr file at once while the dataset is walked in slices into the
   * first base (the event loop keeps serving clients). When the base is on
   * disk the temp file is renamed to the incr file and the manifest names
   * both. Until then INFO shows aof_enabled:1 and aof_rewrite_in_progress:1.
   */
  enable(): void {
    if (this.enabled) return;
    if (this.backgroundBase === null) {
      this.start(false);
      return;
    }
    this.w.setPolicy(this.server.config.string('appendfsync'));
    const dir = this.files.directory();
    fs.mkdirSync(dir, { recursive: true });
    if (this.files.manifest.base === null && this.files.manifest.incrs.length === 0 && this.files.hasManifest()) {
      // The files of an earlier appendonly yes: the new ones continue their numbers and replace them.
      try {
        this.files.manifest = this.files.readManifest();
      } catch {
        // an unreadable manifest is replaced
      }
    }
    const temp = this.files.tempIncrName();
    this.w.fd = fs.openSync(path.join(dir, temp), NEW_INCR_FLAGS);
    this.server.log('notice', `Creating AOF incr file ${temp} on background rewrite`);
    this.w.incrSize = 0;
    this.w.buffered = 0;
    this.w.stuck = 0;
    this.w.selectedDb = -1;
    this.w.unsynced = false;
    this.awaitingFirstBase = true;
    this.server.effects.attach(this.w);
    this.fsyncTimer = setInterval(() => this.w.everySecond(), 1000);
    this.fsyncTimer.unref();
    const error = this.startFirstBase();
    if (error !== null) this.server.log('warning', error);
  }

  /** Starts (or after a failure restarts) the walk that writes the first base. */
  private startFirstBase(): string | null {
    const { base, incr, useRdb } = this.files.nextFiles(this.files.manifest, this.useRdbBase());
    const temp = this.files.tempIncrName();
    try {
      if (this.w.incrSize > 0 || this.w.buffered > 0) {
        // A retry: the new base is taken from the dataset as it is now, so what the temp file holds is in it.
        this.w.writeOut();
        this.w.io.ftruncate(this.w.fd, 0);
        this.w.incrSize = 0;
        this.w.switchedAfterError();
        this.w.selectedDb = -1;
      }
      const job = this.backgroundBase!(this.server, this.files.pathOf(base.name), useRdb);
      this.track({ job, startedAt: Date.now(), base, incr, previous: this.files.manifest, temp });
      return null;
    } catch (error) {
      this.stats.lastRewriteStatus = 'err';
      this.stats.consecutiveFailures++;
      this.stats.rewriteScheduled = true;
      return `ERR Background append only file rewriting failed: ${(error as Error).message}`;
    }
  }

  private rewriteDone(rewrite: Rewrite): void {
    if (this.rewriting !== rewrite) return;
    this.rewriting = null;
    const dir = this.files.directory();
    let next: Manifest;
    try {
      if (rewrite.temp !== null) {
        // The first base: the temp incr file becomes the incr file (the descriptor stays open across the rename).
        this.w.writeOut();
        this.w.fsyncNow();
        fs.renameSync(path.join(dir, rewrite.temp), path.join(dir, rewrite.incr.name));
        this.server.log('notice', `Successfully renamed the temporary AOF incr file ${rewrite.temp} into ${rewrite.incr.name}`);
        next = { base: rewrite.base, incrs: [rewrite.incr], history: [] };
      } else {
        // Records written to the new incr file while the base was written stay; older incr files go.
        const incrs = this.files.manifest.incrs.filter((f) => f.seq >= rewrite.incr.seq);
        next = { base: rewrite.base, incrs, history: [] };
      }
      this.files.writeManifest(next);
      this.files.manifest = next;
      this.awaitingFirstBase = false;
    } catch (error) {
      this.rewriteFailed(rewrite, error as Error);
      return;
    }
    this.server.trackFileWork(
      this.files.removeUnlisted(rewrite.previous, new Set([rewrite.base.name, ...this.files.manifest.incrs.map((f) => f.name)])),
    );
    this.stats.baseSize = this.files.fileSize(rewrite.base.name);
    this.stats.currentSize = this.files.totalSize() + this.w.buffered;
    this.stats.rewrites++;
    this.stats.lastRewriteStatus = 'ok';
    this.stats.consecutiveFailures = 0;
    this.stats.lastRewriteTimeSec = Math.floor((Date.now() - rewrite.startedAt) / 1000);
    this.server.log('notice', 'Background AOF rewrite finished successfully');
  }

  private rewriteFailed(rewrite: Rewrite, error: Error): void {
    if (this.rewriting === rewrite) this.rewriting = null;
    if (error.message === 'cancelled') return;
    this.stats.lastRewriteStatus = 'err';
    this.stats.consecutiveFailures++;
    this.server.log('warning', `Background AOF rewrite failed: ${error.message}`);
    // Still waiting to switch the AOF on: a new attempt from the cron (as Redis schedules one).
    if (rewrite.temp !== null && this.enabled) this.stats.rewriteScheduled = true;
  }

  private cancelRewrite(): void {
    const rewrite = this.rewriting;
    if (rewrite === null) return;
    this.rewriting = null;
    rewrite.job.cancel();
  }

  /** auto-aof-rewrite-percentage / -min-size, checked from the cron. */
  autoRewriteDue(): boolean {
    if (!this.enabled || this.rewriting !== null) return false;
    const percentage = this.server.config.int('auto-aof-rewrite-percentage');
    if (percentage === 0) return false;
    const size = this.stats.currentSize + this.w.buffered;
    if (size < this.server.config.int('auto-aof-rewrite-min-size')) return false;
    const base = this.stats.baseSize > 0 ? this.stats.baseSize : 1;
    return ((size - base) * 100) / base >= percentage;
  }
}

export type { ManifestFile };
