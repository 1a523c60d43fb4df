// Request framing and decoding. One pass walks the bytes header by header,
// enforcing what a server must (only multibulks of bulk strings, Redis's
// length limits and error texts, the query-buffer limit, inline commands) and
// collects each command's arguments as it goes. An argument that lies whole in
// the socket chunk is a slice of it (no copy); one that spans chunks is copied
// once into a buffer of its exact size, so no earlier chunk is kept alive and
// no shared pool grows with big requests (redis-parser's did: a stream of 1 MB
// PUBLISHes grew it past 100 MB of RSS). The chunk is only borrowed for the
// call: the server reads every socket into one reused buffer (server/
// socket-reads.ts), so the slices of a command still incomplete when a chunk
// ends are copied before feed returns.

import { viewOf } from '../bytes.js';
import { splitInlineArgs } from './inline.js';

/** Longest header or inline line Redis accepts (PROTO_INLINE_MAX_SIZE). */
const INLINE_MAX = 64 * 1024;
const INT_MAX = 2147483647;
const UNAUTHENTICATED_MAX_ARGS = 10;
const UNAUTHENTICATED_MAX_BULK = 16384;
const EMPTY_MEMORY = new ArrayBuffer(0);

/**
 * Short arguments in the first ARG_SLOTS positions are copied into the
 * parser's own slot memory (ARG_SLOT_BYTES each) and handed out as views made
 * once per slot and length, instead of a new view of the chunk per argument.
 * A view is a ~150-byte object: for GET or HGET they were nearly all of a
 * command's allocation (~500 bytes), so the young generation filled, and was
 * collected, several times as often. The copy is a few nanoseconds for
 * keys, fields and small values; longer arguments are views of the chunk as
 * before. Either way argv is borrowed: valid until the command returns (the
 * array too, see argvByCount).
 */
const ARG_SLOTS = 16;
const ARG_SLOT_BYTES = 32;
/** Debugging aid shared with socket-reads.ts: overwrite the slots and argv after each command. */
const poisonSlots = process.env.EMBEDIS_DEBUG_POISON_READS === '1';
const POISONED_ARGUMENT = Buffer.from('poisoned argument: argv kept past its command');

const enum Phase {
  CommandStart,
  MultibulkCount,
  BulkStart,
  BulkLength,
  BulkBody,
  Inline,
}

export interface RequestSink {
  /** A complete command. The buffers are borrowed: copy what you keep. */
  onCommand(argv: Buffer[]): void;
  /** Malformed input: reply "-ERR Protocol error: <message>" and close. */
  onProtocolError(message: string): void;
  /** The unparsed part of one command outgrew client-query-buffer-limit: close. */
  onQueryBufferLimit(): void;
}

export interface RequestLimits {
  maxBulkLength(): number;
  queryBufferLimit(): number;
  authenticated(): boolean;
}

export class RequestParser {
  private phase = Phase.CommandStart;
  private partialLine = '';
  private argsLeft = 0;
  private bodyLeft = 0;
  /** Bytes of the command being received so far (the query buffer, as Redis counts it). */
  private commandBytes = 0;
  private failed = false;
  /** Bytes still to skip at the start of the next chunk (the '\n' after a header's '\r'). */
  private skipNext = 0;
  /** Arguments of the command being read: the first argc entries are set. */
  private argv: Buffer[] = [];
  private argc = 0;
  /** Length of the bulk being read. */
  private bulkSize = 0;
  /**
   * How many leading entries of argv are owned buffers (copies, or spanning
   * bulks); the rest are slices of the chunk being parsed. In one chunk only
   * its first completed argument can be a spanning bulk (one that starts and
   * ends in it is a slice), so owned entries always come first.
   */
  private ownedArgs = 0;
  /** The owned copy of a bulk that spans chunks, filled as they arrive. */
  private spanning: Buffer | null = null;
  /** Slot memory and its views by slot and length (see ARG_SLOTS); made on first use. */
  private slotMemory: Buffer | null = null;
  private slotViews: (Buffer | undefined)[] = [];
  /** argv arrays by argument count, up to ARG_SLOTS. */
  private readonly argvByCount: (Buffer[] | undefined)[] = new Array<Buffer[] | undefined>(ARG_SLOTS + 1);
  /** The chunk being parsed as memory and offset, for argument views (see viewOf). */
  private memory: ArrayBuffer = EMPTY_MEMORY;
  private memoryOffset = 0;

  constructor(
    private readonly sink: RequestSink,
    private readonly limits: RequestLimits,
  ) {}

  feed(chunk: Buffer): void {
    if (this.failed) return;
    const length = chunk.length;
    let i = 0;

    if (this.skipNext > 0) {
      i = Math.min(this.skipNext, length);
      this.skipNext -= i;
    }
    this.ownedArgs = this.argc;
    this.memory = chunk.buffer as ArrayBuffer;
    this.memoryOffset = chunk.byteOffset;
    this.walk(chunk, i);
    // Arguments of an incomplete command that are slices of this chunk: copied,
    // the chunk's memory is the next read's.
    const argv = this.argv;
    for (let k = this.ownedArgs; k < this.argc; k++) argv[k] = Buffer.from(argv[k]);
  }

  private walk(chunk: Buffer, from: number): void {
    const length = chunk.length;
    let i = from;
    while (i < length) {
      switch (this.phase) {
        case Phase.CommandStart: {
          if (chunk[i] === 0x2a) {
            // '*'
            this.phase = Phase.MultibulkCount;
            this.commandBytes = 1;
            i++;
          } else {
            this.phase = Phase.Inline;
            this.commandBytes = 0;
          }
          break;
        }
        case Phase.MultibulkCount:
        case Phase.BulkLength: {
          // Like Redis, a header line ends at '\r' and the byte after it is skipped unread.
          // Headers are a few bytes: a JS scan beats Buffer#indexOf's call into C++.
          let cr = i;
          while (cr < length && chunk[cr] !== 0x0d) cr++;
          if (cr === length) cr = -1;
          const counting = this.phase === Phase.MultibulkCount;
          if (cr < 0) {
            this.partialLine += chunk.latin1Slice(i, length);
            this.commandBytes += length - i;
            i = length;
            if (this.partialLine.length > INLINE_MAX) {
              return this.fail(counting ? 'too big mbulk count string' : 'too big bulk count string');
            }
            break;
          }
          let value: number;
          if (this.partialLine === '') {
            value = parseLengthBytes(chunk, i, cr);
          } else {
            value = parseLengthText(this.partialLine + chunk.latin1Slice(i, cr));
            this.partialLine = '';
          }
          this.commandBytes += cr + 2 - i;
          i = cr + 2;
          if (i > length) {
            this.skipNext = i - length;
            i = length;
          }
          if (counting) {
            if (value === INVALID || value > INT_MAX) return this.fail('invalid multibulk length');
            if (value > UNAUTHENTICATED_MAX_ARGS && !this.limits.authenticated()) {
              return this.fail('unauthenticated multibulk length');
            }
            if (value <= 0) {
              // `*0` and `*-1`: empty requests, ignored as Redis does.
              this.phase = Phase.CommandStart;
            } else {
              this.argsLeft = value;
              // Sized up front (as Redis sizes argv, up to 1024): pushing into an empty array allocated
              // a 16-slot backing store and a copy of it per command. Up to ARG_SLOTS arguments the
              // array itself is the parser's, reused by the next command of that length (borrowed too).
              this.argv = value <= ARG_SLOTS ? (this.argvByCount[value] ??= new Array<Buffer>(value)) : value <= 1024 ? new Array<Buffer>(value) : [];
              this.argc = 0;
              this.ownedArgs = 0;
              this.phase = Phase.BulkStart;
            }
          } else {
            if (value === INVALID || value < 0 || value > this.limits.maxBulkLength()) {
              return this.fail('invalid bulk length');
            }
            if (value > UNAUTHENTICATED_MAX_BULK && !this.limits.authenticated()) {
              return this.fail('unauthenticated bulk length');
            }
            this.bulkSize = value;
            this.bodyLeft = value + 2;
            this.phase = Phase.BulkBody;
          }
          break;
        }
        case Phase.BulkStart: {
          const c = chunk[i];
          if (c !== 0x24) {
            // '$'
            return this.fail(`expected '$', got '${String.fromCharCode(c)}'`);
          }
          i++;
          this.commandBytes++;
          this.phase = Phase.BulkLength;
          break;
        }
        case Phase.BulkBody: {
          const available = length - i;
          const take = Math.min(this.bodyLeft, available);
          if (this.commandBytes + take > this.limits.queryBufferLimit()) {
            this.argv = [];
            this.argc = 0;
            this.spanning = null;
            this.failed = true;
            this.sink.onQueryBufferLimit();
            return;
          }
          this.commandBytes += take;
          const size = this.bulkSize;
          // Body bytes still to come (the bulk's CRLF is skipped unread, as Redis does).
          const dataLeft = this.bodyLeft - 2;
          if (dataLeft === size && available >= size) {
            const slot = this.argc++;
            this.argv[slot] = size <= ARG_SLOT_BYTES && slot < ARG_SLOTS ? this.slotArgument(chunk, i, size, slot) : viewOf(this.memory, this.memoryOffset + i, size);
          } else if (dataLeft > 0) {
            const n = Math.min(dataLeft, available);
            this.spanning ??= Buffer.allocUnsafe(size);
            chunk.copy(this.spanning, size - dataLeft, i, i + n);
            if (n === dataLeft) {
              // Owned, and the first argument this chunk completes: it counts among the owned ones.
              this.argv[this.argc++] = this.spanning;
              this.ownedArgs = this.argc;
              this.spanning = null;
            }
          }
          i += take;
          this.bodyLeft -= take;
          if (this.bodyLeft === 0) {
            if (--this.argsLeft === 0) {
              this.phase = Phase.CommandStart;
              const argv = this.argv;
              this.argv = [];
              this.argc = 0;
              this.sink.onCommand(argv);
              if (poisonSlots) {
                this.slotMemory?.fill(0xee);
                argv.fill(POISONED_ARGUMENT);
              }
              if (this.failed) return;
            } else {
              this.phase = Phase.BulkStart;
            }
          }
          break;
        }
        case Phase.Inline: {
          const newline = chunk.indexOf(0x0a, i);
          if (newline < 0) {
            this.partialLine += chunk.latin1Slice(i, length);
            i = length;
            if (this.partialLine.length > INLINE_MAX) return this.fail('too big inline request');
            break;
          }
          let line = this.partialLine + chunk.latin1Slice(i, newline);
          this.partialLine = '';
          i = newline + 1;
          if (line.endsWith('\r')) line = line.slice(0, -1);
          const args = splitInlineArgs(line);
          if (args === null) return this.fail('unbalanced quotes in request');
          this.phase = Phase.CommandStart;
          if (args.length > 0) this.sink.onCommand(args.map((a) => Buffer.from(a, 'latin1')));
          if (this.failed) return;
          break;
        }
      }
    }
  }

  /** The size bytes of chunk at i, copied into slot's memory: a view of them, made once per slot and size. */
  private slotArgument(chunk: Buffer, i: number, size: number, slot: number): Buffer {
    let memory = this.slotMemory;
    if (memory === null) {
      memory = this.slotMemory = Buffer.allocUnsafeSlow(ARG_SLOTS * ARG_SLOT_BYTES);
      this.slotViews = new Array<Buffer | undefined>(ARG_SLOTS * (ARG_SLOT_BYTES + 1));
    }
    const base = slot * ARG_SLOT_BYTES;
    for (let j = 0; j < size; j++) memory[base + j] = chunk[i + j];
    const at = slot * (ARG_SLOT_BYTES + 1) + size;
    let view = this.slotViews[at];
    if (view === undefined) view = this.slotViews[at] = viewOf(memory.buffer as ArrayBuffer, memory.byteOffset + base, size);
    return view;
  }

  /** Commands before the bad one have run already (each as it completed): report the error. */
  private fail(message: string): void {
    this.failed = true;
    this.argv = [];
    this.argc = 0;
    this.spanning = null;
    this.sink.onProtocolError(message);
  }
}

const INVALID = -Infinity;

/** Redis's string2ll on bytes [from, end). */
function parseLengthBytes(buf: Buffer, from: number, end: number): number {
  const n = end - from;
  if (n === 0 || n > 20) return INVALID;
  let p = from;
  let negative = false;
  if (buf[p] === 0x2d) {
    negative = true;
    p++;
    if (p === end) return INVALID;
  }
  if (buf[p] === 0x30) return n === 1 ? 0 : INVALID;
  let value = 0;
  for (; p < end; p++) {
    const d = buf[p] - 0x30;
    if (d < 0 || d > 9) return INVALID;
    value = value * 10 + d;
  }
  return negative ? -value : value;
}

function parseLengthText(text: string): number {
  return parseLengthBytes(Buffer.from(text, 'latin1'), 0, text.length);
}
