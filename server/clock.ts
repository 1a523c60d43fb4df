// The server's one clock. Time is read once per event-loop turn (on each
// socket read and timer tick), not per command: Redis too freezes time for a
// command, a MULTI and a script. Tests and embedders move it with advance().

export class Clock {
  private offset = 0;
  private cached = Date.now();
  private frozen = false;

  /** Milliseconds since the epoch, as of the last refresh(). */
  now(): number {
    return this.cached;
  }

  /** Re-reads the wall clock; called at the start of each batch of work. */
  refresh(): number {
    if (!this.frozen) this.cached = Date.now() + this.offset;
    return this.cached;
  }

  /** Moves time forward (or back, with a negative value) for TTLs and expiry. */
  advance(ms: number): void {
    this.offset += ms;
    this.cached += ms;
  }

  /** Holds time still (a script, a MULTI) until thaw(). */
  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
  }

  /** Whether time is held (so a nested holder, EXEC inside a frozen test, leaves it held). */
  get isFrozen(): boolean {
    return this.frozen;
  }

  /** Microseconds, for TIME and command timing; follows the offset too. */
  nowMicros(): bigint {
    const wall = process.hrtime.bigint() / 1000n;
    return wall - hrtimeOrigin + BigInt(epochAtOrigin + this.offset) * 1000n;
  }
}

const hrtimeOrigin = process.hrtime.bigint() / 1000n;
const epochAtOrigin = Date.now();
