// Request framing. redis-parser does the RESP decoding of multibulk requests
// (it is a reply parser, so it trusts its input); this layer walks the same
// bytes first, header by header, to enforce what a server must: only
// multibulks of bulk strings, Redis's length limits and error texts, the
// query-buffer limit, and inline commands, which it parses itself. It never
// copies payload bytes: bulk bodies are skipped by count.

import '../bytes.js';
import RedisParser from 'redis-parser';
import { splitInlineArgs } from './inline.js';

/** Longest header or inline line Redis accepts (PROTO_INLINE_MAX_SIZE). */
const INLINE_MAX = 64 * 1024;
const INT_MAX = 2147483647;
const UNAUTHENTICATED_MAX_ARGS = 10;
const UNAUTHENTICATED_MAX_BULK = 16384;

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
  private readonly parser: RedisParser;
  private phase = Phase.CommandStart;
  private partialLine = '';
  private argsLeft = 0;
  private bodyLeft = 0;
  /** Bytes of the command being received so far (the query buffer, as Redis counts it). */
  private commandBytes = 0;
  private failed = false;
  /** Bytes still to skip at the start of the next chunk (the '\n' after a header's '\r'). */
  private skipNext = 0;

  constructor(
    private readonly sink: RequestSink,
    private readonly limits: RequestLimits,
  ) {
    this.parser = new RedisParser({
      returnBuffers: true,
      returnReply: (reply: unknown) => {
        // `*0` and `*-1` decode to [] and null: empty requests, ignored as Redis does.
        if (Array.isArray(reply) && reply.length > 0) sink.onCommand(reply as Buffer[]);
      },
      returnError: () => {},
      returnFatalError: () => {},
    });
  }

  feed(chunk: Buffer): void {
    if (this.failed) return;
    const length = chunk.length;
    let i = 0;
    let decodeFrom = this.phase === Phase.Inline ? -1 : 0;
    // Where the command being read began in this chunk (-1: in an earlier chunk).
    let commandStart = this.phase === Phase.CommandStart ? 0 : -1;

    if (this.skipNext > 0) {
      i = Math.min(this.skipNext, length);
      this.skipNext -= i;
    }
    while (i < length) {
      switch (this.phase) {
        case Phase.CommandStart: {
          commandStart = i;
          if (chunk[i] === 0x2a) {
            // '*'
            this.phase = Phase.MultibulkCount;
            this.commandBytes = 1;
            i++;
          } else {
            if (decodeFrom >= 0 && i > decodeFrom) this.parser.execute(chunk.subarray(decodeFrom, i));
            decodeFrom = -1;
            this.phase = Phase.Inline;
            this.commandBytes = 0;
          }
          break;
        }
        case Phase.MultibulkCount:
        case Phase.BulkLength: {
          // Like Redis, a header line ends at '\r' and the byte after it is skipped unread.
          const cr = chunk.indexOf(0x0d, i);
          const counting = this.phase === Phase.MultibulkCount;
          if (cr < 0) {
            this.partialLine += chunk.latin1Slice(i, length);
            this.commandBytes += length - i;
            i = length;
            if (this.partialLine.length > INLINE_MAX) {
              return this.fail(chunk, decodeFrom, commandStart, counting ? 'too big mbulk count string' : 'too big bulk count string');
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
            if (value === INVALID || value > INT_MAX) return this.fail(chunk, decodeFrom, commandStart, 'invalid multibulk length');
            if (value > UNAUTHENTICATED_MAX_ARGS && !this.limits.authenticated()) {
              return this.fail(chunk, decodeFrom, commandStart, 'unauthenticated multibulk length');
            }
            if (value <= 0) {
              this.phase = Phase.CommandStart;
            } else {
              this.argsLeft = value;
              this.phase = Phase.BulkStart;
            }
          } else {
            if (value === INVALID || value < 0 || value > this.limits.maxBulkLength()) {
              return this.fail(chunk, decodeFrom, commandStart, 'invalid bulk length');
            }
            if (value > UNAUTHENTICATED_MAX_BULK && !this.limits.authenticated()) {
              return this.fail(chunk, decodeFrom, commandStart, 'unauthenticated bulk length');
            }
            this.bodyLeft = value + 2;
            this.phase = Phase.BulkBody;
          }
          break;
        }
        case Phase.BulkStart: {
          const c = chunk[i];
          if (c !== 0x24) {
            // '$'
            return this.fail(chunk, decodeFrom, commandStart, `expected '$', got '${String.fromCharCode(c)}'`);
          }
          i++;
          this.commandBytes++;
          this.phase = Phase.BulkLength;
          break;
        }
        case Phase.BulkBody: {
          const take = Math.min(this.bodyLeft, length - i);
          i += take;
          this.bodyLeft -= take;
          this.commandBytes += take;
          if (this.commandBytes > this.limits.queryBufferLimit()) {
            this.failed = true;
            if (decodeFrom >= 0 && commandStart > decodeFrom) this.parser.execute(chunk.subarray(decodeFrom, commandStart));
            this.sink.onQueryBufferLimit();
            return;
          }
          if (this.bodyLeft === 0) {
            this.phase = --this.argsLeft === 0 ? Phase.CommandStart : Phase.BulkStart;
          }
          break;
        }
        case Phase.Inline: {
          const newline = chunk.indexOf(0x0a, i);
          if (newline < 0) {
            this.partialLine += chunk.latin1Slice(i, length);
            i = length;
            if (this.partialLine.length > INLINE_MAX) return this.fail(chunk, -1, i, 'too big inline request');
            break;
          }
          let line = this.partialLine + chunk.latin1Slice(i, newline);
          this.partialLine = '';
          i = newline + 1;
          if (line.endsWith('\r')) line = line.slice(0, -1);
          const args = splitInlineArgs(line);
          if (args === null) return this.fail(chunk, -1, i, 'unbalanced quotes in request');
          this.phase = Phase.CommandStart;
          decodeFrom = i;
          if (args.length > 0) this.sink.onCommand(args.map((a) => Buffer.from(a, 'latin1')));
          if (this.failed) return;
          break;
        }
      }
    }
    if (decodeFrom >= 0 && decodeFrom < length) this.parser.execute(decodeFrom === 0 ? chunk : chunk.subarray(decodeFrom));
  }

  /** Runs the complete commands before the bad one (which began at commandStart), then reports the error. */
  private fail(chunk: Buffer, decodeFrom: number, commandStart: number, message: string): void {
    this.failed = true;
    if (decodeFrom >= 0 && commandStart > decodeFrom) this.parser.execute(chunk.subarray(decodeFrom, commandStart));
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
