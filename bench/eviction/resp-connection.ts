// A minimal pipelining RESP2 client for the benchmark: write a batch of
// commands at once, read the batch of replies (bulk strings as latin1 text,
// integers as numbers, errors as Error values).

import net from 'node:net';

type Reply = string | number | null | Error | Reply[];

export class RespConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: Array<(reply: Reply) => void> = [];

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(new RespConnection(socket)));
      socket.once('error', reject);
    });
  }

  call(args: string[]): Promise<Reply> {
    return this.pipeline([args]).then((r) => r[0]);
  }

  pipeline(commands: string[][]): Promise<Reply[]> {
    let out = '';
    for (const args of commands) {
      out += `*${args.length}\r\n`;
      for (const a of args) out += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
    }
    const replies: Reply[] = [];
    const done = new Promise<Reply[]>((resolve) => {
      for (let i = 0; i < commands.length; i++) {
        this.waiting.push((reply) => {
          replies.push(reply);
          if (replies.length === commands.length) resolve(replies);
        });
      }
    });
    this.socket.write(Buffer.from(out, 'latin1'));
    return done;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    for (;;) {
      const parsed = parse(this.buffer, offset);
      if (parsed === null) break;
      offset = parsed[1];
      this.waiting.shift()!(parsed[0]);
    }
    this.buffer = this.buffer.subarray(offset);
  }
}

function parse(buf: Buffer, start: number): [Reply, number] | null {
  if (start >= buf.length) return null;
  const eol = buf.indexOf('\r\n', start);
  if (eol < 0) return null;
  const type = buf[start];
  const line = buf.latin1Slice(start + 1, eol);
  const next = eol + 2;
  switch (type) {
    case 0x2b: // +
      return [line, next];
    case 0x2d: // -
      return [new Error(line), next];
    case 0x3a: // :
      return [Number(line), next];
    case 0x24: { // $
      const n = Number(line);
      if (n < 0) return [null, next];
      if (next + n + 2 > buf.length) return null;
      return [buf.latin1Slice(next, next + n), next + n + 2];
    }
    case 0x2a: { // *
      const n = Number(line);
      if (n < 0) return [null, next];
      const items: Reply[] = [];
      let at = next;
      for (let i = 0; i < n; i++) {
        const item = parse(buf, at);
        if (item === null) return null;
        items.push(item[0]);
        at = item[1];
      }
      return [items, at];
    }
    default:
      throw new Error(`unexpected reply byte ${type}`);
  }
}
