// A raw RESP connection for pub/sub, notification and tracking suites: send
// commands as multibulks, then compare the exact bytes that come back (push
// frames, interleaving and error texts are what these suites check).

import net from 'node:net';

export class RawConnection {
  private data = '';
  private waiter: (() => void) | null = null;
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.data += chunk.toString('latin1');
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  send(...args: string[]): void {
    let out = `*${args.length}\r\n`;
    for (const a of args) out += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
    this.socket.write(Buffer.from(out, 'latin1'));
  }

  /** Waits for exactly `expected.length` bytes (or a timeout) and returns them, consumed. */
  async read(length: number, timeoutMs = 2000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.data.length < length && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
    const out = this.data.slice(0, length);
    this.data = this.data.slice(length);
    return out;
  }

  /** Reads as many bytes as `expected` has and returns them (compare with assert.is). */
  expect(expected: string, timeoutMs = 2000): Promise<string> {
    return this.read(expected.length, timeoutMs);
  }

  /** Sends a command and returns as many reply bytes as `expected` has. */
  async call(expected: string, ...args: string[]): Promise<string> {
    this.send(...args);
    return this.expect(expected);
  }

  /** Whatever arrives within `ms`, consumed. */
  async drain(ms = 50): Promise<string> {
    await new Promise((r) => setTimeout(r, ms));
    const out = this.data;
    this.data = '';
    return out;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** RESP encoders for expected replies. */
export const R = {
  bulk: (s: string) => `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`,
  int: (n: number) => `:${n}\r\n`,
  arr: (n: number, ...items: string[]) => `*${n}\r\n${items.join('')}`,
  push: (n: number, ...items: string[]) => `>${n}\r\n${items.join('')}`,
  /** A pub/sub frame: RESP2 array or RESP3 push. */
  frame: (resp: 2 | 3, ...items: string[]) => `${resp === 3 ? '>' : '*'}${items.length}\r\n${items.join('')}`,
  ok: '+OK\r\n',
};
