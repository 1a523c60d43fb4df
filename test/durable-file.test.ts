// The one way persistence replaces a file: all of the new content or none of it.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { replaceFileDurably, writeAll, writeFileDurably } from '../server/persistence/durable-file.js';

const test = suite('durable file');

function withDir(body: (dir: string) => void): void {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'embedis-durable-')));
  try {
    body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a write replaces the target whole and leaves no temp file', () => {
  withDir((dir) => {
    const target = path.join(dir, 'manifest');
    fs.writeFileSync(target, 'old');
    const big = Buffer.alloc(3 * 1024 * 1024, 0x61);
    writeFileDurably(target, big);
    assert.ok(fs.readFileSync(target).equals(big));
    assert.equal(fs.readdirSync(dir), ['manifest']);
  });
});

test('a fill that fails leaves the target as it was and removes the temp file', () => {
  withDir((dir) => {
    const target = path.join(dir, 'dump.rdb');
    const tmp = path.join(dir, 'temp-1.rdb');
    fs.writeFileSync(target, 'old');
    let error = '';
    try {
      replaceFileDurably(target, tmp, (fd) => {
        writeAll(fd, Buffer.from('half of a file'));
        throw new Error('disk full');
      });
    } catch (e) {
      error = (e as Error).message;
    }
    assert.is(error, 'disk full');
    assert.is(fs.readFileSync(target, 'latin1'), 'old');
    assert.equal(fs.readdirSync(dir), ['dump.rdb']);
  });
});

test.run();
