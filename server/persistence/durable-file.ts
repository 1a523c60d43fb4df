// Replacing a file so that a crash leaves either the old file or the whole
// new one (RDB saves, AOF manifests and bases): fill a temp file, fsync it,
// rename it over the target, fsync the directory. One copy for every writer.

import fs from 'node:fs';
import path from 'node:path';

/** Writes buffer[0, length) to fd, however many writes that takes. */
export function writeAll(fd: number, buffer: Uint8Array, length = buffer.length): void {
  let offset = 0;
  while (offset < length) offset += fs.writeSync(fd, buffer, offset, length - offset);
}

/**
 * Fills tmp through fill(fd), fsyncs it and renames it over target, then
 * fsyncs the directory. On any failure tmp is removed and the error thrown;
 * target is untouched.
 */
export function replaceFileDurably(target: string, tmp: string, fill: (fd: number) => void): void {
  const fd = fs.openSync(tmp, 'w');
  try {
    fill(fd);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    safeUnlink(tmp);
    throw error;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, target);
  } catch (error) {
    safeUnlink(tmp);
    throw error;
  }
  fsyncDir(path.dirname(target));
}

/** replaceFileDurably with the whole content at hand, through `<target>.tmp-<pid>`. */
export function writeFileDurably(target: string, data: Uint8Array): void {
  replaceFileDurably(target, `${target}.tmp-${process.pid}`, (fd) => writeAll(fd, data));
}

export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is done anyway.
  }
}

export function safeUnlink(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // already gone
  }
}
