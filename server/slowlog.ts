// SLOWLOG: commands slower than slowlog-log-slower-than microseconds, newest first.

import './bytes.js';
import type { Client } from './client.js';
import type { Config } from './config.js';

export interface SlowlogEntry {
  id: number;
  /** Unix time in seconds. */
  time: number;
  micros: number;
  /** Arguments as Redis keeps them: at most 32, each at most 128 bytes (with a "more" marker). */
  args: string[];
  peer: string;
  clientName: string;
}

const MAX_ARGS = 32;
const MAX_ARG_LENGTH = 128;

export class Slowlog {
  entries: SlowlogEntry[] = [];
  private nextId = 0;

  /** slowlog-log-slower-than, kept current: read on every command. */
  private threshold: number;

  constructor(
    private readonly config: Config,
    private readonly now: () => number,
  ) {
    this.threshold = config.int('slowlog-log-slower-than');
    config.onChange('slowlog-log-slower-than', (value) => (this.threshold = value as number));
  }

  consider(client: Client, argv: readonly Buffer[], micros: number): void {
    const threshold = this.threshold;
    if (threshold < 0 || micros < threshold) return;
    const args: string[] = [];
    const shown = Math.min(argv.length, MAX_ARGS);
    for (let i = 0; i < shown; i++) {
      if (shown === MAX_ARGS && i === MAX_ARGS - 1 && argv.length > MAX_ARGS) {
        args.push(`... (${argv.length - MAX_ARGS + 1} more arguments)`);
        break;
      }
      const arg = argv[i];
      args.push(
        arg.length > MAX_ARG_LENGTH
          ? `${arg.latin1Slice(0, MAX_ARG_LENGTH)}... (${arg.length - MAX_ARG_LENGTH} more bytes)`
          : arg.latin1Slice(0, arg.length),
      );
    }
    this.entries.unshift({
      id: this.nextId++,
      time: Math.floor(this.now() / 1000),
      micros,
      args,
      peer: client.remoteAddress,
      clientName: client.name,
    });
    this.trim();
  }

  trim(): void {
    const max = this.config.int('slowlog-max-len');
    if (this.entries.length > max) this.entries.length = max;
  }

  reset(): void {
    this.entries = [];
  }
}
