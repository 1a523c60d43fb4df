// Socket reads into one reused buffer.
//
// By default Node allocates a fresh buffer for every socket read (64 KB of
// malloc, shrunk to the bytes read, plus an ArrayBuffer object); at one
// command per read that is one ArrayBuffer per command, and every young-
// generation GC then sweeps thousands of them: on a 1M-key heap under GET
// traffic that sweep was 1.7 of a scavenge's 3 ms, and the garbage made
// scavenges come ~1.5x as often. Node's `onread` option (a buffer of the
// caller's, reused for every read) does away with them, but it is only
// offered to sockets a program creates, not to those a server accepts. The
// same two properties it sets are set here on accepted sockets, with the
// handle's useUserBuffer. They are found by their description on a socket
// made with `onread`; where they are not (another Node), sockets read as
// usual.
//
// Reads happen one at a time on this thread and each is parsed before the
// next, so every socket shares one buffer. What a read delivers is borrowed:
// the request parser copies the arguments of a command that the read leaves
// incomplete, and whatever keeps an argument copies it (as it always had to).
// EMBEDIS_DEBUG_POISON_READS=1 overwrites each read once it has been handled,
// so that a view kept by mistake shows up as corrupted data in tests.

import net from 'node:net';

const READ_BUFFER_BYTES = 64 * 1024;

interface ReadProperties {
  buffer: symbol;
  callback: symbol;
}

function findReadProperties(): ReadProperties | null {
  try {
    const probe = new net.Socket({ onread: { buffer: Buffer.alloc(1), callback: () => true } } as net.SocketConstructorOpts);
    const symbols = Object.getOwnPropertySymbols(probe);
    probe.destroy();
    const buffer = symbols.find((s) => s.description === 'kBuffer');
    const callback = symbols.find((s) => s.description === 'kBufferCb');
    return buffer !== undefined && callback !== undefined ? { buffer, callback } : null;
  } catch {
    return null;
  }
}

const properties = findReadProperties();
const shared = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
const poison = process.env.EMBEDIS_DEBUG_POISON_READS === '1';

interface StreamHandle {
  useUserBuffer?: (buffer: Buffer) => void;
}

/**
 * Delivers socket's reads to onData, from the shared buffer when this Node
 * allows it, else as 'data' events. onData must not keep the chunk.
 */
export function readSocket(socket: net.Socket, onData: (chunk: Buffer) => void): void {
  const handle = (socket as unknown as { _handle?: StreamHandle | null })._handle;
  if (properties === null || typeof handle?.useUserBuffer !== 'function') {
    socket.on('data', onData);
    return;
  }
  const slots = socket as unknown as Record<symbol, unknown>;
  slots[properties.buffer] = shared;
  slots[properties.callback] = poison
    ? (n: number, buffer: Buffer) => {
        onData(buffer.subarray(0, n));
        buffer.fill(0xee, 0, n);
      }
    : (n: number, buffer: Buffer) => {
        onData(buffer.subarray(0, n));
      };
  handle.useUserBuffer(shared);
}

/** Whether accepted sockets read into the shared buffer (tests). */
export function sharesReadBuffer(): boolean {
  return properties !== null;
}
