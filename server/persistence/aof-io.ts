// The AOF's contact with the disk: the file operations (replaceable, so that
// tests can simulate a failing disk), the error texts Redis prints for them,
// and the flags a new incr file is opened with. Whole-file writes (the
// manifest, a synchronous base) go through durable-file.ts.

import fs from 'node:fs';
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
