// The AOF inside the server: start-up replay, appendonly/appendfsync at run
// time, the auto-rewrite cron, BGREWRITEAOF and INFO's aof_* fields.

import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '../client.js';
import { call, resolveCommand } from '../dispatch.js';
import type { Command, CommandDef } from '../commands/types.js';
import { ReplyError } from '../errors.js';
import type { Server } from '../server.js';
import { Aof, datasetEntryCommands, rdbBaseHooks, type BaseJob } from './aof.js';
import { writeFileDurably } from './durable-file.js';
import { BackgroundRdbSave, KeyspaceWalk, rdbRefusesWrites } from './snapshot.js';
import { encodeRecord, recordSize } from './aof-format.js';
import { formatManifest, ManifestError, parseManifest, readRecords, type ManifestFile } from './aof-format.js';
import { PerServer } from '../per-server.js';

const registry = new PerServer((server) => new Aof(server));

/** The server's AOF (created on first use; logging only once started). */
export function aofOf(server: Server): Aof {
  return registry.of(server);
}

/** Hooks the AOF into a new server: config changes, the cron, shutdown. Start-up loading is startAof's. */
export function installAof(server: Server): void {
  const aof = aofOf(server);
  aof.backgroundBase = backgroundBase;
  server.config.onChange('appendfsync', (value) => aof.setPolicy(String(value)));
  aof.timestamps = server.config.bool('aof-timestamp-enabled');
  server.config.onChange('aof-timestamp-enabled', (value) => {
    aof.timestamps = value === true || value === 'yes';
  });
  // As Redis's processCommand: while the AOF cannot be written, writes (and PING) get -MISCONF.
  server.commandChecks.push((_client, command) => {
    const errno = aof.writeError();
    if (errno === null) return null;
    if (!command.isWrite && command.name !== 'ping') return null;
    if (rdbRefusesWrites(server)) return null; // the RDB's MISCONF comes first
    return `MISCONF Errors writing to the AOF file: ${errno}`;
  });
  server.config.onChange('appendonly', (value) => {
    if (!started.has(server)) return; // start-up: startAof decides
    if (value === true || value === 'yes') {
      // As Redis: turning it on at run time writes the dataset as a new base first.
      if (!aof.enabled) aof.enable();
    } else {
      aof.stop();
    }
  });
  server.cronTasks.push(() => {
    if (aof.stats.rewriteScheduled || aof.autoRewriteDue()) {
      aof.stats.rewriteScheduled = false;
      if (aof.autoRewriteDue()) server.log('notice', 'Starting automatic rewriting of AOF');
      aof.startRewrite();
    }
  });
  server.shutdownHooks.push(() => aof.close());
}

const started = new WeakSet<Server>();

/** An AOF that cannot be loaded: the server must not start. */
export class AofLoadError extends Error {}

/**
 * Start-up: with appendonly yes, replays the AOF directory named by the
 * manifest (if any) and starts logging. Throws AofLoadError when the files
 * cannot be loaded (the message says which file and where).
 */
export function startAof(server: Server): void {
  started.add(server);
  if (!server.config.bool('appendonly')) return;
  const aof = aofOf(server);
  const dir = aof.directory();
  const manifestPath = path.join(dir, `${server.config.string('appendfilename')}.manifest`);
  upgradeOldAof(server, dir, manifestPath);
  const exists = fs.existsSync(manifestPath);
  if (exists) loadAofDirectory(server, dir, manifestPath);
  aof.start(exists, true);
}

/**
 * Redis 7's upgrade of a Redis 6 AOF: a single `appendfilename` file in
 * `dir` and no AOF directory (or one whose manifest names nothing, or only
 * that file as a base that is not there) is moved into the directory as its
 * base (seq 1) and a manifest is written; the incr file follows on start.
 */
function upgradeOldAof(server: Server, dir: string, manifestPath: string): void {
  const name = server.config.string('appendfilename');
  const oldPath = path.resolve(server.config.string('dir'), name);
  const inDir = path.join(dir, name);
  if (!isFile(oldPath) || oldPath === inDir) return;
  if (fs.existsSync(dir)) {
    let manifest = { base: null as ManifestFile | null, incrs: [] as ManifestFile[] };
    if (fs.existsSync(manifestPath)) {
      try {
        manifest = parseManifest(fs.readFileSync(manifestPath, 'latin1'));
      } catch {
        return; // a bad manifest is reported by the loader
      }
    }
    const empty = manifest.base === null && manifest.incrs.length === 0;
    const onlyOldBase = manifest.base !== null && manifest.incrs.length === 0 && manifest.base.name === name && !fs.existsSync(inDir);
    if (!empty && !onlyOldBase) return;
  }
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new AofLoadError(`Can't open or create append-only dir ${server.config.string('appenddirname')}: ${(error as Error).message}`);
  }
  writeFileDurably(manifestPath, Buffer.from(formatManifest({ base: { name, seq: 1, type: 'b' }, incrs: [], history: [] }), 'latin1'));
  try {
    fs.renameSync(oldPath, inDir);
  } catch (error) {
    throw new AofLoadError(`Error trying to rename the existing AOF to old AOF format: ${(error as Error).message}`);
  }
  server.log('notice', `Successfully migrated an old-style AOF file (${name}) into the AOF directory (${server.config.string('appenddirname')}).`);
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function loadAofDirectory(server: Server, dir: string, manifestPath: string): void {
  let manifestText: string;
  try {
    manifestText = fs.readFileSync(manifestPath, 'latin1');
  } catch (error) {
    throw new AofLoadError(`Can't open the AOF manifest ${manifestPath} for reading: ${(error as Error).message}`);
  }
  let files: ManifestFile[];
  try {
    const manifest = parseManifest(manifestText);
    files = [...(manifest.base ? [manifest.base] : []), ...manifest.incrs];
  } catch (error) {
    if (error instanceof ManifestError) throw new AofLoadError(`${error.message} (${manifestPath})`);
    throw error;
  }
  const started = Date.now();
  const client = server.createLocalClient();
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    const full = path.join(dir, file.name);
    if (!fs.existsSync(full)) throw new AofLoadError(`The AOF file ${file.name} doesn't exist`);
    loadAofFile(server, client, full, file.name, i === files.length - 1);
    server.log('notice', `DB loaded from ${file.type === 'b' ? 'base' : 'incr'} file ${file.name}: ${((Date.now() - started) / 1000).toFixed(3)} seconds`);
  }
  server.dirty = 0;
  // Replayed commands are not calls anybody made (Redis's loader bypasses call()): commandstats start at zero.
  server.resetStats();
}

/** Replays one file (RDB base through part A's reader, else RESP records) with a client that has no socket. */
function loadAofFile(server: Server, client: Client, full: string, name: string, isLast: boolean): void {
  const data = fs.readFileSync(full);
  if (data.length === 0) return;
  let start = 0;
  if (data.length >= 5 && data.latin1Slice(0, 5) === 'REDIS') {
    if (rdbBaseHooks.load === null) throw new AofLoadError(`The AOF file ${name} starts with an RDB preamble, which this build cannot read`);
    // An RDB preamble; commands may follow it (a Redis 6 appendonly.aof), as Redis's loader reads them.
    start = rdbBaseHooks.load(server, data, name);
    if (start >= data.length) return;
  }
  let queue: Array<{ command: Command; argv: Buffer[] }> | null = null;
  let validUpTo = start;
  let beforeMulti = 0;
  let commands = 0;
  const problem = readRecords(data, start, (args, end) => {
    commands++;
    const name0 = args[0].latin1Slice(0, args[0].length).toLowerCase();
    if (name0 === 'multi' && args.length === 1) {
      queue = [];
      beforeMulti = validUpTo;
      validUpTo = end;
      return;
    }
    if (name0 === 'exec' && args.length === 1 && queue !== null) {
      const run = queue;
      queue = null;
      for (const q of run) runOne(server, client, q.command, q.argv);
      validUpTo = end;
      return;
    }
    const command = resolveCommand(server, client, args);
    if (command === null) {
      const out = client.reply.take();
      const text = out === null ? '' : out.latin1Slice(0, out.length);
      throw new AofLoadError(`Unknown command '${args[0].latin1Slice(0, args[0].length)}' reading the append only file ${name} (${text.trim()})`);
    }
    if (queue !== null) (queue as Array<{ command: Command; argv: Buffer[] }>).push({ command, argv: args });
    else runOne(server, client, command, args);
    validUpTo = end;
    if ((commands & 1023) === 0) client.reply.take();
  });
  client.reply.take();
  if (problem === null && queue === null) return;
  if (problem !== null && problem.kind === 'corrupt') {
    throw new AofLoadError(
      `Bad file format reading the append only file ${name} at offset ${problem.offset} (${problem.reason}): make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`,
    );
  }
  // Truncated: the tail of the last file (or a MULTI without its EXEC) was never fully written.
  const keep = queue !== null ? beforeMulti : validUpTo;
  if (queue !== null) server.log('warning', 'Revert incomplete MULTI/EXEC transaction in AOF file');
  if (!isLast || !server.config.bool('aof-load-truncated')) {
    throw new AofLoadError(
      `Unexpected end of file reading the append only file ${name} (last valid record ends at offset ${keep}). You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`,
    );
  }
  server.log('warning', `!!! Warning: short read while loading the AOF file ${name}!!!`);
  server.log('warning', `!!! Truncating the AOF ${name} at offset ${keep} !!!`);
  fs.truncateSync(full, keep);
  server.log('warning', 'AOF loaded anyway because aof-load-truncated is enabled');
}

function runOne(server: Server, client: Client, command: Command, argv: Buffer[]): void {
  call(server, client, command, argv);
}

// ---- BGREWRITEAOF -----------------------------------------------------------

export const aofCommands: CommandDef[] = [
  {
    name: 'bgrewriteaof',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    keys: null,
    categories: ['admin', 'slow', 'dangerous'],
    summary: 'Asynchronously rewrite the append-only file to disk',
    since: '1.0.0',
    group: 'server',
    complexity: 'O(1)',
    handler: (client) => {
      const error = aofOf(client.server).startRewrite();
      if (error !== null) throw new ReplyError(error);
      client.reply.simple('Background append only file rewriting started');
    },
  },
];

/** INFO persistence's aof_* fields, in Redis's order; the tail only when the AOF is on. */
export function aofInfoFields(server: Server): { head: Array<[string, string | number]>; tail: Array<[string, string | number]> } {
  const aof = aofOf(server);
  const s = aof.stats;
  const head: Array<[string, string | number]> = [
    ['aof_enabled', aof.enabled ? 1 : 0],
    ['aof_rewrite_in_progress', aof.rewriteInProgress ? 1 : 0],
    ['aof_rewrite_scheduled', s.rewriteScheduled ? 1 : 0],
    ['aof_last_rewrite_time_sec', s.lastRewriteTimeSec],
    ['aof_current_rewrite_time_sec', aof.currentRewriteSeconds],
    ['aof_last_bgrewrite_status', s.lastRewriteStatus],
    ['aof_rewrites', s.rewrites],
    ['aof_rewrites_consecutive_failures', s.consecutiveFailures],
    ['aof_last_write_status', aof.writeStatus],
  ];
  const tail: Array<[string, string | number]> = aof.enabled
    ? [
        ['aof_current_size', s.currentSize],
        ['aof_base_size', s.baseSize],
        ['aof_pending_rewrite', 0],
        ['aof_buffer_length', aof.bufferLength],
        ['aof_pending_bio_fsync', s.pendingBioFsync],
        ['aof_delayed_fsync', s.delayedFsync],
      ]
    : [];
  return { head, tail };
}

// ---- the base file, written in slices ---------------------------------------------

/** A new base at target from the dataset as it is now, walked between commands (no fork). */
function backgroundBase(server: Server, target: string, rdb: boolean): BaseJob {
  if (rdb) {
    const job = new BackgroundRdbSave(server, target, { aofBase: true });
    return { done: job.done, cancel: () => job.cancel() };
  }
  return commandsBase(server, target);
}

/** The base as commands (aof-use-rdb-preamble no), built by a KeyspaceWalk and written at the end. */
function commandsBase(server: Server, target: string): BaseJob {
  const chunks: Buffer[] = [];
  let buf = Buffer.allocUnsafe(1 << 20);
  let len = 0;
  let current = -1;
  const emit = (args: Array<string | Buffer>) => {
    const size = recordSize(args);
    if (len + size > buf.length) {
      chunks.push(buf.subarray(0, len));
      buf = Buffer.allocUnsafe(Math.max(1 << 20, size));
      len = 0;
    }
    len = encodeRecord(buf, len, args);
  };
  const now = server.clock.now();
  // aof-timestamp-enabled: the base starts with the time it was taken, as Redis's rewriteAppendOnlyFileRio.
  if (aofOf(server).timestamps) len += buf.write(`#TS:${Math.floor(now / 1000)}\r\n`, len, 'latin1');
  const live = (e: { hasTtl: boolean; expireAt: number }) => !(e.hasTtl && now > e.expireAt);
  const walk = new KeyspaceWalk(server, {
    beginDb: (index) => {
      current = index;
      emit(['SELECT', String(index)]);
    },
    entry: (_index, entry) => {
      if (live(entry)) datasetEntryCommands(emit, entry);
    },
    early: (index, entry) => {
      if (!live(entry)) return;
      if (index === current) {
        datasetEntryCommands(emit, entry);
        return;
      }
      emit(['SELECT', String(index)]);
      datasetEntryCommands(emit, entry);
      if (current >= 0) emit(['SELECT', String(current)]);
      else current = index;
    },
  });
  const done = walk.done$.then(() => {
    chunks.push(buf.subarray(0, len));
    writeFileDurably(target, Buffer.concat(chunks));
  });
  done.catch(() => {});
  walk.start();
  return { done, cancel: () => walk.cancel() };
}
