// A raw RESP connection over net.Socket: no client library between the
// harness and the server, so every reply arrives with its exact type.
// pipeline() writes a batch of commands at once and resolves with as many
// replies, in order.

import { Socket, connect } from 'node:net';
import { RespReader, encodeCommand, type Reply } from './resp.js';

export class ConnectionError extends Error {}

interface Waiter {
  count: number;
  replies: Reply[];
  resolve(replies: Reply[]): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class RespConnection {
  private readonly reader = new RespReader();
  private readonly waiters: Waiter[] = [];
  private closedWith: Error | null = null;

  private constructor(
    private readonly socket: Socket,
    readonly timeoutMs: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(new ConnectionError(`socket error: ${error.message}`)));
    socket.on('close', () => this.fail(new ConnectionError('connection closed by the server')));
  }

  static open(host: string, port: number, timeoutMs = 10_000): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const onError = (error: Error) => reject(new ConnectionError(`cannot connect to ${host}:${port}: ${error.message}`));
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(new RespConnection(socket, timeoutMs));
      });
    });
  }

  get closed(): boolean {
    return this.closedWith !== null;
  }

  /** Sends every command in one write; resolves with one reply per command. */
  pipeline(commands: readonly (readonly (Buffer | string)[])[]): Promise<Reply[]> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (commands.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        count: commands.length,
        replies: [],
        resolve,
        reject,
        timer: setTimeout(() => {
          this.fail(new ConnectionError(`timed out after ${this.timeoutMs} ms waiting for ${waiter.count - waiter.replies.length} of ${waiter.count} replies`));
        }, this.timeoutMs),
      };
      this.waiters.push(waiter);
      this.socket.write(Buffer.concat(commands.map((args) => encodeCommand(args))));
    });
  }

  async command(...args: (Buffer | string)[]): Promise<Reply> {
    const [reply] = await this.pipeline([args]);
    return reply;
  }

  close(): void {
    this.fail(new ConnectionError('connection closed by the harness'));
  }

  private onData(chunk: Buffer): void {
    try {
      this.reader.feed(chunk);
    } catch (error) {
      this.fail(new ConnectionError(`protocol error: ${(error as Error).message}`));
      return;
    }
    for (const reply of this.reader.take()) {
      const waiter = this.waiters[0];
      if (!waiter) {
        this.fail(new ConnectionError('reply received with no command pending'));
        return;
      }
      waiter.replies.push(reply);
      if (waiter.replies.length === waiter.count) {
        this.waiters.shift();
        clearTimeout(waiter.timer);
        waiter.resolve(waiter.replies);
      }
    }
  }

  private fail(error: Error): void {
    if (this.closedWith) return;
    this.closedWith = error;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.socket.destroy();
  }
}
