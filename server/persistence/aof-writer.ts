// The AOF's record writer: the open incr file, the buffer of records made
// by the commands of this event-loop turn, and the policy that gets them to
// disk (written before any reply of the turn leaves; under appendfsync always
// also fsynced first, one group commit per turn; everysec fsyncs once a second
// off the event loop). It owns the write/fsync error state: a failed write
// keeps its records buffered and is retried, and writes are refused
// (-MISCONF) until one works. The rewrite logic (aof.ts) switches it to a new
// incr file through its public fields.

import type { Client } from '../client.js';
import type { EffectArg, EffectConsumer } from '../effects.js';
import type { Server } from '../server.js';
import { encodeRecord, recordSize } from './aof-format.js';
import { ioErrorText, systemIo, type AofIo } from './aof-io.js';

/** Seconds between two logs of the same AOF write error (Redis's AOF_WRITE_LOG_ERROR_RATE). */
const WRITE_ERROR_LOG_RATE_MS = 30_000;

export interface AofStats {
  rewrites: number;
  lastRewriteTimeSec: number;
  lastRewriteStatus: 'ok' | 'err';
  consecutiveFailures: number;
  lastWriteStatus: 'ok' | 'err';
  rewriteScheduled: boolean;
  /** Size of the AOF (base + incrs) in bytes, and of the base, as Redis's aof_current_size / aof_base_size. */
  currentSize: number;
  baseSize: number;
  delayedFsync: number;
  pendingBioFsync: number;
}

export class AofWriter implements EffectConsumer {
  /** The incr file records go to; -1 when the AOF is off. */
  fd = -1;
  buffer = Buffer.allocUnsafe(64 * 1024);
  /** Bytes of records in buffer, not yet written. */
  buffered = 0;
  /** The database the file's last SELECT chose (-1: a SELECT goes before the next record). */
  selectedDb = -1;
  /** Records written since the last fsync. */
  unsynced = false;
  private fsyncRunning = false;
  private readonly held = new Set<Client>();
  private commitScheduled = false;
  private policy: 'always' | 'everysec' | 'no' = 'everysec';
  /** Bytes in the current incr file (where a short write is cut back to). */
  incrSize = 0;
  /** Bytes left in the buffer by a failed write (records made before the error). */
  stuck = 0;
  private lastWriteErrorLog = 0;
  /** strerror of the last failed write or fsync (Redis's aof_last_write_errno). */
  private lastErrno = '';
  /** Unix seconds of the last "#TS:" annotation (aof-timestamp-enabled). */
  private curTimestamp = 0;
  timestamps = false;
  /** Whether the last fsync failed (Redis's aof_bio_fsync_status; cleared by the next good one). */
  fsyncStatus: 'ok' | 'err' = 'ok';
  io: AofIo = systemIo;

  constructor(
    private readonly server: Server,
    private readonly stats: AofStats,
  ) {}

  /** Why writes are refused (the strerror of the failed write or fsync), or null when the AOF writes fine. */
  writeError(): string | null {
    if (this.fd < 0) return null;
    if (this.stats.lastWriteStatus === 'err' || this.fsyncStatus === 'err') return this.lastErrno;
    return null;
  }

  /** INFO's aof_last_write_status: a failed background fsync counts too. */
  get writeStatus(): 'ok' | 'err' {
    return this.stats.lastWriteStatus === 'ok' && this.fsyncStatus === 'ok' ? 'ok' : 'err';
  }

  /** Bytes of records not yet written to the file (INFO's aof_buffer_length). */
  get bufferLength(): number {
    return this.buffered;
  }

  setPolicy(policy: string): void {
    this.policy = policy === 'always' ? 'always' : policy === 'no' ? 'no' : 'everysec';
  }

  feed(dbId: number, args: readonly EffectArg[]): void {
    if (this.timestamps) {
      // aof-timestamp-enabled: a "#TS:<unix seconds>" line before the first record of each new second, as Redis.
      const seconds = Math.floor(this.server.clock.now() / 1000);
      if (seconds > this.curTimestamp) {
        this.curTimestamp = seconds;
        this.appendText(`#TS:${seconds}\r\n`);
      }
    }
    if (dbId >= 0 && dbId !== this.selectedDb) {
      this.append(['SELECT', String(dbId)]);
      this.selectedDb = dbId;
    }
    this.append(args);
  }

  private room(size: number): void {
    if (this.buffered + size > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.buffered + size));
      this.buffer.copy(grown, 0, 0, this.buffered);
      this.buffer = grown;
    }
  }

  private append(args: readonly EffectArg[]): void {
    this.room(recordSize(args));
    this.buffered = encodeRecord(this.buffer, this.buffered, args);
  }

  private appendText(text: string): void {
    this.room(text.length);
    this.buffered += this.buffer.write(text, this.buffered, 'latin1');
  }

  /**
   * Writes the buffered records to the incr file (synchronously: they must
   * be there before replies). Returns false when the write failed: as Redis's
   * flushAppendOnlyFile, the records stay buffered (a short write is cut off
   * the file again), aof_last_write_status turns err so that writes get
   * -MISCONF, and the next call (each batch, and the once-a-second cron)
   * tries again; the first write that works clears the error.
   */
  writeOut(): boolean {
    if (this.buffered === 0 || this.fd < 0) return true;
    let off = 0;
    let failure: unknown = null;
    try {
      while (off < this.buffered) off += this.io.write(this.fd, this.buffer, off, this.buffered - off);
    } catch (error) {
      failure = error;
    }
    if (failure === null) {
      this.incrSize += off;
      this.stats.currentSize += off;
      this.buffered = 0;
      this.stuck = 0;
      this.unsynced = true;
      if (this.buffer.length > 1024 * 1024) this.buffer = Buffer.allocUnsafe(64 * 1024);
      if (this.stats.lastWriteStatus === 'err') {
        this.server.log('warning', 'AOF write error looks solved, Redis can write again.');
        this.stats.lastWriteStatus = 'ok';
      }
      return true;
    }
    const now = Date.now();
    const canLog = now - this.lastWriteErrorLog > WRITE_ERROR_LOG_RATE_MS;
    if (canLog) this.lastWriteErrorLog = now;
    if (off === 0) {
      this.lastErrno = ioErrorText(failure);
      if (canLog) this.server.log('warning', `Error writing to the AOF file: ${this.lastErrno}`);
    } else {
      if (canLog) this.server.log('warning', `Short write while writing to the AOF file: (nwritten=${off}, expected=${this.buffered})`);
      try {
        this.io.ftruncate(this.fd, this.incrSize);
        off = 0; // nothing of the batch is left in the file
      } catch (error) {
        if (canLog) {
          this.server.log(
            'warning',
            `Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: ${ioErrorText(error)}`,
          );
        }
      }
      this.lastErrno = ioErrorText({ code: 'ENOSPC' });
    }
    if (off > 0) {
      // The part that reached the file stays there; only the rest is tried again.
      this.incrSize += off;
      this.stats.currentSize += off;
      this.buffer.copy(this.buffer, 0, off, this.buffered);
      this.buffered -= off;
      this.unsynced = true;
    }
    this.stuck = this.buffered;
    this.stats.lastWriteStatus = 'err';
    return false;
  }

  /** fsync now (appendfsync always, rewrites, shutdown). Returns false when it failed. */
  fsyncNow(): boolean {
    if (this.fd < 0 || !this.unsynced) return true;
    try {
      this.io.fdatasync(this.fd);
      this.unsynced = false;
      this.fsyncStatus = 'ok';
      return true;
    } catch (error) {
      this.lastErrno = ioErrorText(error);
      if (this.fsyncStatus === 'ok') {
        // Redis exits here; embedis keeps the replies that depend on it held and refuses writes until an fsync works.
        this.server.log('warning', `Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${this.lastErrno}`);
      }
      this.fsyncStatus = 'err';
      return false;
    }
  }

  /** everysec: one fsync a second, off the event loop (Redis does it in a background thread). */
  everySecond(): void {
    if (this.fd < 0) return;
    // Records made outside any client's batch (active expiry, evictions) must not wait for the next reply.
    if (this.held.size === 0) this.writeOut();
    else if (!this.commitScheduled) this.groupCommit(); // appendfsync always after a failed write or fsync: try again
    if (this.policy !== 'everysec' || !this.unsynced) return;
    if (this.fsyncRunning) {
      this.stats.delayedFsync++;
      return;
    }
    this.fsyncRunning = true;
    this.stats.pendingBioFsync = 1;
    this.unsynced = false;
    const fd = this.fd;
    this.io.fdatasyncAsync(fd, (error) => {
      this.fsyncRunning = false;
      this.stats.pendingBioFsync = 0;
      // A closed or reused descriptor is no fsync failure (as Redis's bio thread).
      if (error !== null && error.code !== 'EBADF' && error.code !== 'EINVAL') {
        this.lastErrno = ioErrorText(error);
        if (this.fsyncStatus === 'ok') this.server.log('warning', `Fail to fsync the AOF file: ${this.lastErrno}`);
        this.fsyncStatus = 'err';
        if (fd === this.fd) this.unsynced = true; // tried again next second
      } else {
        this.fsyncStatus = 'ok';
      }
    });
  }

  /**
   * Before a client's replies leave: the records they depend on are written
   * now; under always the replies wait for one fsync shared by every client
   * of this event-loop turn.
   */
  beforeReplies(client: Client): boolean {
    if (this.policy !== 'always') {
      if (this.buffered > 0) this.writeOut();
      return false;
    }
    if (this.stuck > 0) {
      // The disk failed: replies that depend on records made since wait for them; the others go.
      if (this.buffered <= this.stuck) return false;
    } else if (this.buffered === 0 && this.held.size === 0) {
      return false;
    }
    this.held.add(client);
    if (!this.commitScheduled) {
      this.commitScheduled = true;
      setImmediate(() => this.groupCommit());
    }
    return true;
  }

  private groupCommit(): void {
    this.commitScheduled = false;
    // A write or fsync that failed keeps the replies held: they are acknowledgements of what is not on disk yet.
    if (!this.writeOut() || !this.fsyncNow()) return;
    this.releaseHeld();
  }

  releaseHeld(): void {
    if (this.held.size === 0) return;
    const clients = [...this.held];
    this.held.clear();
    for (const client of clients) client.flush();
  }

  /**
   * A new incr file follows a base taken from the dataset as it is now. Records
   * a failed write left in the buffer are already in that dataset: writing
   * them after the base would apply them twice (INCR), so they go. The file
   * switch wrote and fsynced files (the manifest), so the disk works again.
   */
  switchedAfterError(): void {
    this.buffered = 0;
    this.stuck = 0;
    this.fsyncStatus = 'ok';
    if (this.stats.lastWriteStatus === 'err') {
      this.server.log('warning', 'AOF write error looks solved, Redis can write again.');
      this.stats.lastWriteStatus = 'ok';
    }
  }
}
