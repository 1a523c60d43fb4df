// The AOF's file set (aof-files.ts): names of the next rewrite's files,
// removal of what a new manifest no longer names, sizes, and the manifest
// round trip through the directory.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Config, Server } from '../server/index.js';
import { AofFiles } from '../server/persistence/aof-files.js';
import type { Manifest } from '../server/persistence/aof-format.js';

const test = suite('aof-files');

/**
 * Runs body with an AofFiles whose dir is a fresh temp directory. Setting dir
 * changes the process's cwd (as CONFIG SET dir does), so the cwd is put back
 * afterwards, and only the temp directory made here is ever removed.
 */
async function withFiles(body: (files: AofFiles, dir: string) => void | Promise<void>): Promise<void> {
  const cwd = process.cwd();
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'embedis-aof-files-')));
  try {
    const config = new Config();
    config.set('dir', base);
    config.set('appenddirname', 'aofdir');
    config.set('appendfilename', 'my.aof');
    const files = new AofFiles(new Server(config));
    const dir = files.directory();
    assert.is(dir, path.join(base, 'aofdir'));
    fs.mkdirSync(dir);
    await body(files, dir);
  } finally {
    process.chdir(cwd);
    fs.rmSync(base, { recursive: true, force: true });
  }
}

test('next files continue the sequence numbers, with the base kind the preamble asks for', async () => {
  await withFiles((files) => {
    const first = files.nextFiles({ base: null, incrs: [], history: [] }, true);
    assert.equal(first.base, { name: 'my.aof.1.base.rdb', seq: 1, type: 'b' });
    assert.equal(first.incr, { name: 'my.aof.1.incr.aof', seq: 1, type: 'i' });
    const later: Manifest = {
      base: { name: 'my.aof.4.base.aof', seq: 4, type: 'b' },
      incrs: [
        { name: 'my.aof.6.incr.aof', seq: 6, type: 'i' },
        { name: 'my.aof.7.incr.aof', seq: 7, type: 'i' },
      ],
      history: [],
    };
    const next = files.nextFiles(later, false);
    assert.is(next.base.name, 'my.aof.5.base.aof');
    assert.is(next.incr.name, 'my.aof.8.incr.aof');
    assert.is(next.useRdb, false);
    assert.is(files.tempIncrName(), 'temp-my.aof.incr');
  });
});

test('the manifest round-trips through the directory; sizes add up; unlisted files go', async () => {
  await withFiles(async (files, dir) => {
    assert.is(files.hasManifest(), false);
    const manifest: Manifest = {
      base: { name: 'my.aof.1.base.aof', seq: 1, type: 'b' },
      incrs: [{ name: 'my.aof.1.incr.aof', seq: 1, type: 'i' }],
      history: [],
    };
    fs.writeFileSync(files.pathOf('my.aof.1.base.aof'), 'x'.repeat(100));
    fs.writeFileSync(files.pathOf('my.aof.1.incr.aof'), 'y'.repeat(23));
    fs.writeFileSync(files.pathOf('my.aof.2.incr.aof'), 'z');
    files.writeManifest(manifest);
    assert.is(files.hasManifest(), true);
    assert.equal(files.readManifest(), manifest);
    files.manifest = manifest;
    assert.is(files.totalSize(), 123);
    assert.is(files.fileSize('missing'), 0);
    const old: Manifest = { ...manifest, incrs: [...manifest.incrs, { name: 'my.aof.2.incr.aof', seq: 2, type: 'i' }] };
    await files.removeUnlisted(old, new Set(['my.aof.1.base.aof', 'my.aof.1.incr.aof']));
    assert.equal(fs.readdirSync(dir).sort(), ['my.aof.1.base.aof', 'my.aof.1.incr.aof', 'my.aof.manifest']);
    files.unlinkQuietly('my.aof.2.incr.aof'); // already gone: no throw
  });
});

test.run();
