// The AOF's file set, as Redis 7 lays it out: the directory (appenddirname),
// the manifest naming the base file and the incr files in order, the names
// the next rewrite's files take, and the sizes INFO reports. The manifest
// held here is the one on disk (or about to be written).

import fs from 'node:fs';
import path from 'node:path';
import type { Server } from '../server.js';
import { formatManifest, parseManifest, type Manifest, type ManifestFile } from './aof-format.js';
import { writeFileDurably } from './durable-file.js';

export class AofFiles {
  manifest: Manifest = { base: null, incrs: [], history: [] };

  constructor(private readonly server: Server) {}

  /** <dir>/<appenddirname>, absolute (dir is the process's working directory, as in Redis). */
  directory(): string {
    return path.resolve(this.server.config.string('dir'), this.server.config.string('appenddirname'));
  }

  /** A file of the set, by its name in the manifest. */
  pathOf(name: string): string {
    return path.join(this.directory(), name);
  }

  fileName(): string {
    return this.server.config.string('appendfilename');
  }

  manifestPath(): string {
    return path.join(this.directory(), `${this.fileName()}.manifest`);
  }

  hasManifest(): boolean {
    return fs.existsSync(this.manifestPath());
  }

  /** The manifest on disk (throws when it cannot be read or parsed). */
  readManifest(): Manifest {
    return parseManifest(fs.readFileSync(this.manifestPath(), 'latin1'));
  }

  writeManifest(manifest: Manifest): void {
    writeFileDurably(this.manifestPath(), Buffer.from(formatManifest(manifest), 'latin1'));
  }

  /** The incr file records go to while the first base is written (Redis's temp incr file). */
  tempIncrName(): string {
    return `temp-${this.fileName()}.incr`;
  }

  incrName(seq: number): string {
    return `${this.fileName()}.${seq}.incr.aof`;
  }

  /** The names of the next base and incr files after those of manifest. */
  nextFiles(old: Manifest, useRdb: boolean): { base: ManifestFile; incr: ManifestFile; useRdb: boolean } {
    const baseSeq = (old.base?.seq ?? 0) + 1;
    const incrSeq = (old.incrs.length > 0 ? old.incrs[old.incrs.length - 1].seq : 0) + 1;
    return {
      base: { name: `${this.fileName()}.${baseSeq}.base.${useRdb ? 'rdb' : 'aof'}`, seq: baseSeq, type: 'b' },
      incr: { name: this.incrName(incrSeq), seq: incrSeq, type: 'i' },
      useRdb,
    };
  }

  unlinkQuietly(name: string): void {
    try {
      fs.unlinkSync(this.pathOf(name));
    } catch {
      // already gone
    }
  }

  /**
   * Removes every file old names that keep does not (after a rewrite), on
   * libuv's threads: unlinking a big base file frees its blocks inside the
   * call (several ms per 30 MB on ext4), as Redis leaves it to a bio thread.
   */
  removeUnlisted(old: Manifest, keep: ReadonlySet<string>): Promise<void> {
    const removals: Array<Promise<void>> = [];
    for (const f of [...(old.base ? [old.base] : []), ...old.incrs, ...old.history]) {
      if (!keep.has(f.name)) removals.push(new Promise((resolve) => fs.unlink(this.pathOf(f.name), () => resolve())));
    }
    return Promise.all(removals).then(() => undefined);
  }

  fileSize(name: string): number {
    try {
      return fs.statSync(this.pathOf(name)).size;
    } catch {
      return 0;
    }
  }

  /** Bytes of the base and every incr file of the manifest. */
  totalSize(): number {
    let total = 0;
    if (this.manifest.base) total += this.fileSize(this.manifest.base.name);
    for (const f of this.manifest.incrs) total += this.fileSize(f.name);
    return total;
  }
}
