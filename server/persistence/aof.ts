// The append-only file, as Redis 7 lays it out: a directory (appenddirname)
// holding a base file (the dataset when the last rewrite began), incremental
// files (every write effect since, as RESP records) and a manifest naming
// them. The AOF is an effects consumer (server/effects.ts): records are
// buffered while a batch of commands runs and written before any reply of
// that batch leaves (under appendfsync always, fsynced first as well: one
// group commit per event-loop turn).
//
// Node cannot fork, so BGREWRITEAOF writes the new base in place: the dataset
// is serialised synchronously (a consistent point in time), a new incr file
// is opened and the manifest is swapped by rename.

import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '../client.js';
import type { EffectArg, EffectConsumer } from '../effects.js';
import { exactExpireAt, type Entry } from '../keyspace.js';
import type { Server } from '../server.js';
import { formatDouble } from '../resp/number-format.js';
import { encodeRecord, formatManifest, parseManifest, recordSize, type Manifest, type ManifestFile } from './aof-format.js';

/** How many items one rewrite command carries (Redis's AOF_REWRITE_ITEMS_PER_CMD). */
const ITEMS_PER_COMMAND = 64;

/** Hooks part A (the RDB code) fills so the base can be an RDB file (aof-use-rdb-preamble). */
export const rdbBaseHooks: {
  /** The whole dataset as an RDB file. */
  write: ((server: Server) => Buffer) | null;
  /** Loads an RDB file's content into the server (throws with a message when corrupt). */
  load: ((server: Server, data: Buffer, fileName: string) => void) | null;
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
}

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

export class Aof implements EffectConsumer {
  private fd = -1;
  private manifest: Manifest = { base: null, incrs: [], history: [] };
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private buffered = 0;
  private selectedDb = -1;
  private unsynced = false;
  private fsyncTimer: NodeJS.Timeout | null = null;
  private fsyncRunning = false;
  private readonly held = new Set<Client>();
  private commitScheduled = false;
  private policy: 'always' | 'everysec' | 'no' = 'everysec';
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

  /** Background base writer (BGREWRITEAOF, auto rewrite); null: rewrites run synchronously. */
  backgroundBase: BaseJobFactory | null = null;
  private rewriting: Rewrite | null = null;

  constructor(private readonly server: Server) {}

  get rewriteInProgress(): boolean {
    return this.rewriting !== null;
  }

  /** Seconds the running rewrite has taken so far, -1 when none. */
  get currentRewriteSeconds(): number {
    return this.rewriting === null ? -1 : Math.floor((Date.now() - this.rewriting.startedAt) / 1000);
  }

  get enabled(): boolean {
    return this.fd >= 0;
  }

  /** <dir>/<appenddirname>, absolute (dir is the process's working directory, as in Redis). */
  directory(): string {
    return path.resolve(this.server.config.string('dir'), this.server.config.string('appenddirname'));
  }

  private fileName(): string {
    return this.server.config.string('appendfilename');
  }

  private manifestPath(): string {
    return path.join(this.directory(), `${this.fileName()}.manifest`);
  }

  setPolicy(policy: string): void {
    this.policy = policy === 'always' ? 'always' : policy === 'no' ? 'no' : 'everysec';
  }

  // ---- turning on and off ----------------------------------------------------

  /**
   * Starts logging: opens the last incr file of an existing manifest (after
   * start-up loaded it), or rewrites the dataset into a fresh base and incr.
   */
  start(resumeExisting: boolean, atStartup = false): void {
    if (this.enabled) return;
    this.setPolicy(this.server.config.string('appendfsync'));
    fs.mkdirSync(this.directory(), { recursive: true });
    if (resumeExisting && fs.existsSync(this.manifestPath())) {
      this.manifest = parseManifest(fs.readFileSync(this.manifestPath(), 'latin1'));
      if (this.manifest.incrs.length === 0) {
        const seq = 1;
        this.manifest.incrs.push({ name: `${this.fileName()}.${seq}.incr.aof`, seq, type: 'i' });
        this.writeManifest(this.manifest);
      }
      const last = this.manifest.incrs[this.manifest.incrs.length - 1];
      this.fd = fs.openSync(path.join(this.directory(), last.name), 'a');
      this.stats.baseSize = this.manifest.base ? this.fileSize(this.manifest.base.name) : 0;
      this.stats.currentSize = this.totalSize();
    } else {
      this.rewriteNow(!atStartup, true);
    }
    this.selectedDb = -1;
    this.server.effects.attach(this);
    this.fsyncTimer = setInterval(() => this.everySecond(), 1000);
    this.fsyncTimer.unref();
  }

  /** appendonly no: flush, fsync, close; the files stay. */
  stop(): void {
    if (!this.enabled) return;
    this.cancelRewrite();
    this.server.effects.detach(this);
    this.writeOut();
    this.fsyncNow();
    fs.closeSync(this.fd);
    this.fd = -1;
    if (this.fsyncTimer !== null) clearInterval(this.fsyncTimer);
    this.fsyncTimer = null;
    this.releaseHeld();
  }

  /** Shutdown: everything written and fsynced. */
  close(): void {
    if (!this.enabled) return;
    // A rewrite still running is dropped: the manifest already names every incr file, so nothing is lost.
    this.cancelRewrite();
    this.writeOut();
    this.fsyncNow();
    this.releaseHeld();
  }

  // ---- records -------------------------------------------------------------------

  feed(dbId: number, args: readonly EffectArg[]): void {
    if (dbId >= 0 && dbId !== this.selectedDb) {
      this.append(['SELECT', String(dbId)]);
      this.selectedDb = dbId;
    }
    this.append(args);
  }

  private append(args: readonly EffectArg[]): void {
    const size = recordSize(args);
    if (this.buffered + size > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.buffered + size));
      this.buffer.copy(grown, 0, 0, this.buffered);
      this.buffer = grown;
    }
    this.buffered = encodeRecord(this.buffer, this.buffered, args);
  }

  /** Writes the buffered records to the incr file (synchronously: they must be there before replies). */
  writeOut(): void {
    if (this.buffered === 0 || this.fd < 0) return;
    let off = 0;
    try {
      while (off < this.buffered) off += fs.writeSync(this.fd, this.buffer, off, this.buffered - off);
      this.stats.lastWriteStatus = 'ok';
    } catch (error) {
      this.stats.lastWriteStatus = 'err';
      this.server.log('warning', `Error writing to the AOF file: ${(error as Error).message}`);
    }
    this.stats.currentSize += off;
    this.buffered = 0;
    this.unsynced = true;
    if (this.buffer.length > 1024 * 1024) this.buffer = Buffer.allocUnsafe(64 * 1024);
  }

  private fsyncNow(): void {
    if (this.fd < 0 || !this.unsynced) return;
    try {
      fs.fdatasyncSync(this.fd);
      this.unsynced = false;
    } catch (error) {
      this.server.log('warning', `Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${(error as Error).message}`);
    }
  }

  /** everysec: one fsync a second, off the event loop (Redis does it in a background thread). */
  private everySecond(): void {
    if (this.fd < 0) return;
    // Records made outside any client's batch (active expiry, evictions) must not wait for the next reply.
    if (this.held.size === 0) this.writeOut();
    if (this.policy !== 'everysec' || !this.unsynced) return;
    if (this.fsyncRunning) {
      this.stats.delayedFsync++;
      return;
    }
    this.fsyncRunning = true;
    this.stats.pendingBioFsync = 1;
    this.unsynced = false;
    const fd = this.fd;
    fs.fdatasync(fd, () => {
      this.fsyncRunning = false;
      this.stats.pendingBioFsync = 0;
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
    if (this.buffered === 0 && this.held.size === 0) return false;
    this.held.add(client);
    if (!this.commitScheduled) {
      this.commitScheduled = true;
      setImmediate(() => this.groupCommit());
    }
    return true;
  }

  private groupCommit(): void {
    this.commitScheduled = false;
    this.writeOut();
    this.fsyncNow();
    this.releaseHeld();
  }

  private releaseHeld(): void {
    if (this.held.size === 0) return;
    const clients = [...this.held];
    this.held.clear();
    for (const client of clients) client.flush();
  }

  // ---- rewrite ---------------------------------------------------------------------

  /**
   * BGREWRITEAOF, done at once: a new base from the dataset, a new incr file,
   * the manifest swapped by rename, the old files removed.
   */
  rewriteNow(counted = true, keepOpen = this.fd >= 0): void {
    this.cancelRewrite();
    const started = Date.now();
    const dir = this.directory();
    fs.mkdirSync(dir, { recursive: true });
    if (this.fd >= 0) {
      this.writeOut();
      this.fsyncNow();
    }
    const old = this.manifest;
    const baseSeq = (old.base?.seq ?? 0) + 1;
    const incrSeq = (old.incrs.length > 0 ? old.incrs[old.incrs.length - 1].seq : 0) + 1;
    try {
      const useRdb = this.server.config.bool('aof-use-rdb-preamble') && rdbBaseHooks.write !== null;
      const baseName = `${this.fileName()}.${baseSeq}.base.${useRdb ? 'rdb' : 'aof'}`;
      const data = useRdb ? rdbBaseHooks.write!(this.server) : datasetAsCommands(this.server);
      writeFileDurably(path.join(dir, baseName), data);
      const incrName = `${this.fileName()}.${incrSeq}.incr.aof`;
      const incrFd = fs.openSync(path.join(dir, incrName), 'w');
      fs.fsyncSync(incrFd);
      const next: Manifest = {
        base: { name: baseName, seq: baseSeq, type: 'b' },
        incrs: [{ name: incrName, seq: incrSeq, type: 'i' }],
        history: [],
      };
      this.writeManifest(next);
      if (this.fd >= 0) fs.closeSync(this.fd);
      this.fd = incrFd;
      if (!keepOpen) {
        // BGREWRITEAOF with appendonly no: the files are written, nothing is logged.
        fs.closeSync(this.fd);
        this.fd = -1;
      }
      this.manifest = next;
      this.selectedDb = -1;
      this.unsynced = false;
      for (const f of [...(old.base ? [old.base] : []), ...old.incrs, ...old.history]) {
        if (f.name === baseName || f.name === incrName) continue;
        try {
          fs.unlinkSync(path.join(dir, f.name));
        } catch {
          // already gone
        }
      }
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
    if (!this.enabled || this.backgroundBase === null) {
      try {
        this.rewriteNow();
        return null;
      } catch (error) {
        return `ERR Background append only file rewriting failed: ${(error as Error).message}`;
      }
    }
    const dir = this.directory();
    const old = this.manifest;
    const baseSeq = (old.base?.seq ?? 0) + 1;
    const incrSeq = (old.incrs.length > 0 ? old.incrs[old.incrs.length - 1].seq : 0) + 1;
    const useRdb = this.server.config.bool('aof-use-rdb-preamble') && rdbBaseHooks.write !== null;
    const base: ManifestFile = { name: `${this.fileName()}.${baseSeq}.base.${useRdb ? 'rdb' : 'aof'}`, seq: baseSeq, type: 'b' };
    const incr: ManifestFile = { name: `${this.fileName()}.${incrSeq}.incr.aof`, seq: incrSeq, type: 'i' };
    let job: BaseJob;
    try {
      this.writeOut();
      this.fsyncNow();
      const incrFd = fs.openSync(path.join(dir, incr.name), 'w');
      const during: Manifest = { base: old.base, incrs: [...old.incrs, incr], history: old.history };
      this.writeManifest(during);
      fs.closeSync(this.fd);
      this.fd = incrFd;
      this.manifest = during;
      this.selectedDb = -1;
      this.unsynced = true;
      job = this.backgroundBase(this.server, path.join(dir, base.name), useRdb);
    } catch (error) {
      this.stats.lastRewriteStatus = 'err';
      this.stats.consecutiveFailures++;
      return `ERR Background append only file rewriting failed: ${(error as Error).message}`;
    }
    const rewrite: Rewrite = { job, startedAt: Date.now(), base, incr, previous: old };
    this.rewriting = rewrite;
    this.server.log('notice', 'Background append only file rewriting started');
    job.done.then(
      () => this.rewriteDone(rewrite),
      (error: Error) => this.rewriteFailed(rewrite, error),
    );
    return null;
  }

  private rewriteDone(rewrite: Rewrite): void {
    if (this.rewriting !== rewrite) return;
    this.rewriting = null;
    const dir = this.directory();
    try {
      // Records written to the new incr file while the base was written stay; older incr files go.
      const incrs = this.manifest.incrs.filter((f) => f.seq >= rewrite.incr.seq);
      const next: Manifest = { base: rewrite.base, incrs, history: [] };
      this.writeManifest(next);
      this.manifest = next;
    } catch (error) {
      this.rewriteFailed(rewrite, error as Error);
      return;
    }
    const keep = new Set([rewrite.base.name, ...this.manifest.incrs.map((f) => f.name)]);
    const old = rewrite.previous;
    for (const f of [...(old.base ? [old.base] : []), ...old.incrs, ...old.history]) {
      if (keep.has(f.name)) continue;
      try {
        fs.unlinkSync(path.join(dir, f.name));
      } catch {
        // already gone
      }
    }
    this.stats.baseSize = this.fileSize(rewrite.base.name);
    this.stats.currentSize = this.totalSize() + this.buffered;
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
  }

  private cancelRewrite(): void {
    const rewrite = this.rewriting;
    if (rewrite === null) return;
    this.rewriting = null;
    rewrite.job.cancel();
  }

  private writeManifest(manifest: Manifest): void {
    writeFileDurably(this.manifestPath(), Buffer.from(formatManifest(manifest), 'latin1'));
  }

  private fileSize(name: string): number {
    try {
      return fs.statSync(path.join(this.directory(), name)).size;
    } catch {
      return 0;
    }
  }

  private totalSize(): number {
    let total = 0;
    if (this.manifest.base) total += this.fileSize(this.manifest.base.name);
    for (const f of this.manifest.incrs) total += this.fileSize(f.name);
    return total;
  }

  /** auto-aof-rewrite-percentage / -min-size, checked from the cron. */
  autoRewriteDue(): boolean {
    if (!this.enabled || this.rewriting !== null) return false;
    const percentage = this.server.config.int('auto-aof-rewrite-percentage');
    if (percentage === 0) return false;
    const size = this.stats.currentSize + this.buffered;
    if (size < this.server.config.int('auto-aof-rewrite-min-size')) return false;
    const base = this.stats.baseSize > 0 ? this.stats.baseSize : 1;
    return ((size - base) * 100) / base >= percentage;
  }
}

/** Writes a file through a temp name, fsyncs, renames over the target, fsyncs the directory. */
export function writeFileDurably(target: string, data: Buffer): void {
  const temp = `${target}.tmp-${process.pid}`;
  const fd = fs.openSync(temp, 'w');
  try {
    let off = 0;
    while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, target);
  try {
    const dirFd = fs.openSync(path.dirname(target), 'r');
    fs.fsyncSync(dirFd);
    fs.closeSync(dirFd);
  } catch {
    // some filesystems refuse fsync on a directory
  }
}

// ---- the dataset as commands (the base file when aof-use-rdb-preamble is off) ----

interface ListLike {
  toArray(): string[];
}
interface HashLike {
  values(): IterableIterator<{ readonly field: string; value: string }>;
}
interface ZSetLike {
  list: { first(): { member: string; score: number; next: unknown } | null };
}
interface ZNode {
  member: string;
  score: number;
  next: ZNode | null;
}

/** Every live key of every db as the commands that rebuild it (as Redis's rewriteAppendOnlyFileRio). */
export function datasetAsCommands(server: Server): Buffer {
  const chunks: Buffer[] = [];
  let buf = Buffer.allocUnsafe(1024 * 1024);
  let len = 0;
  const emit = (args: EffectArg[]) => {
    const size = recordSize(args);
    if (len + size > buf.length) {
      chunks.push(buf.subarray(0, len));
      buf = Buffer.allocUnsafe(Math.max(1024 * 1024, size));
      len = 0;
    }
    len = encodeRecord(buf, len, args);
  };
  const now = server.clock.now();
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    emit(['SELECT', String(db.id)]);
    for (const entry of [...db.entries]) {
      if (entry.hasTtl && now > entry.expireAt) continue;
      datasetEntryCommands(emit, entry);
    }
  }
  chunks.push(buf.subarray(0, len));
  return Buffer.concat(chunks);
}

/** The commands that rebuild one entry (its TTL as PEXPIREAT). */
export function datasetEntryCommands(emit: (args: EffectArg[]) => void, entry: Entry): void {
  const key = entry.key;
  const batched = (command: string, items: string[], per: number) => {
    for (let i = 0; i < items.length; i += ITEMS_PER_COMMAND * per) {
      emit([command, key, ...items.slice(i, i + ITEMS_PER_COMMAND * per)]);
    }
  };
  switch (entry.type) {
    case 'string':
      emit(['SET', key, entry.value as string]);
      break;
    case 'list':
      batched('RPUSH', (entry.value as ListLike).toArray(), 1);
      break;
    case 'set':
      batched('SADD', [...(entry.value as Iterable<string>)], 1);
      break;
    case 'zset': {
      const items: string[] = [];
      for (let x = (entry.value as ZSetLike).list.first() as ZNode | null; x !== null; x = x.next) {
        items.push(formatDouble(x.score), x.member);
      }
      batched('ZADD', items, 2);
      break;
    }
    case 'hash': {
      const items: string[] = [];
      for (const cell of (entry.value as HashLike).values()) items.push(cell.field, cell.value);
      batched('HMSET', items, 2);
      break;
    }
  }
  if (entry.hasTtl) emit(['PEXPIREAT', key, String(exactExpireAt(entry))]);
}

export type { ManifestFile };
