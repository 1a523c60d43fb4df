// The AOF's contact with the disk: the file operations (replaceable, so that
// tests can simulate a failing disk), the error texts Redis prints for them,
// the flags a new incr file is opened with, and durable whole-file writes
// (the manifest, a synchronous base).

import fs from 'node:fs';
import path from 'node:path';
import { strerror } from '../config.js';

/** The file operations of the AOF; tests replace them to simulate a failing disk. */
export interface AofIo {
  write(fd: number, buffer: Buffer, offset: number, length: number): number;
  fdatasync(fd: number): void;
  fdatasyncAsync(fd: number, done: (error: NodeJS.ErrnoException | null) => void): void;
  ftruncate(fd: number, length: number): void;
}

export const systemIo: AofIo = {
  write: (fd, buffer, offset, length) => fs.writeSync(fd, buffer, offset, length),
  fdatasync: (fd) => fs.fdatasyncSync(fd),
  fdatasyncAsync: (fd, done) => fs.fdatasync(fd, done),
  ftruncate: (fd, length) => fs.ftruncateSync(fd, length),
};


const MORE_ERRNO_TEXT: Record<string, string> = {
  EIO: 'Input/output error',
  EDQUOT: 'Disk quota exceeded',
  EFBIG: 'File too large',
  EBADF: 'Bad file descriptor',
  EINVAL: 'Invalid argument',
  EPIPE: 'Broken pipe',
};

/** strerror(errno) of a failed file operation, as Redis prints it. */
export function ioErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code !== undefined && MORE_ERRNO_TEXT[code] !== undefined) return MORE_ERRNO_TEXT[code];
  return strerror(error);
}

/** open(2) flags of a new incr file, as Redis opens it (appends even after an ftruncate). */
export const NEW_INCR_FLAGS = fs.constants.O_WRONLY | fs.constants.O_TRUNC | fs.constants.O_CREAT | fs.constants.O_APPEND;

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
