// Argument parsing shared by every family, with Redis's error texts.

import { Errors, ReplyError } from '../errors.js';
import { parseDoubleText, parseLongDouble, type LongDouble } from '../resp/number-format.js';

const MAX_INTEGER_TEXT = 20;

/**
 * A signed 64-bit integer argument as Redis's string2ll takes it (no spaces,
 * no '+', no leading zeros). Values beyond 2^53 are refused too: embedis keeps
 * integers as JS numbers, and an imprecise value would be a silent lie.
 */
export function parseInteger(arg: Buffer, error: string = Errors.notInteger): number {
  const n = arg.length;
  if (n === 0 || n > MAX_INTEGER_TEXT) throw new ReplyError(error);
  let i = 0;
  let negative = false;
  if (arg[0] === 0x2d) {
    negative = true;
    i = 1;
    if (n === 1) throw new ReplyError(error);
  }
  if (arg[i] === 0x30) {
    if (n === 1) return 0;
    throw new ReplyError(error);
  }
  let value = 0;
  for (; i < n; i++) {
    const d = arg[i] - 0x30;
    if (d < 0 || d > 9) throw new ReplyError(error);
    value = value * 10 + d;
  }
  if (value > Number.MAX_SAFE_INTEGER) {
    return parseBigInteger(arg, error);
  }
  return negative ? -value : value;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Out of the double-exact range: accepted if within int64, as a (rounded) number. */
function parseBigInteger(arg: Buffer, error: string): number {
  const big = BigInt(arg.latin1Slice(0, arg.length));
  if (big > INT64_MAX || big < INT64_MIN) throw new ReplyError(error);
  return Number(big);
}

/** The same, as an exact bigint, for arithmetic that must not round (INCRBY). */
export function parseInt64(arg: Buffer, error: string = Errors.notInteger): bigint {
  parseInteger(arg, error);
  return BigInt(arg.latin1Slice(0, arg.length));
}

/**
 * A double argument as Redis's string2d takes it (strtod grammar: decimal,
 * hex, "inf"/"infinity" with a sign; no spaces, no NaN, no overflow, no
 * underflow to zero). Default error: "ERR value is not a valid float".
 */
export function parseDouble(arg: Buffer, error: string = Errors.notFloat): number {
  // Plain integers (most scores) straight from the bytes: up to 15 digits a
  // double holds them exactly, as strtod reads them ("-0" is -0 there too).
  const length = arg.length;
  if (length > 0 && length <= 15) {
    const negative = arg[0] === 0x2d;
    let i = negative ? 1 : 0;
    if (i < length) {
      let integer = 0;
      for (; i < length; i++) {
        const digit = arg[i] - 0x30;
        if (digit < 0 || digit > 9) break;
        integer = integer * 10 + digit;
      }
      if (i === length) return negative ? -integer : integer;
    }
  }
  const value = parseDoubleText(arg.latin1Slice(0, length));
  if (value === null) throw new ReplyError(error);
  return value;
}

/**
 * A long double argument as Redis's string2ld takes it (INCRBYFLOAT,
 * HINCRBYFLOAT): the strtold grammar, x87 extended range and precision.
 */
export function parseLongDoubleArg(arg: Buffer, error: string = Errors.notFloat): LongDouble {
  const value = parseLongDouble(arg.latin1Slice(0, arg.length));
  if (value === null) throw new ReplyError(error);
  return value;
}

/**
 * Largest reply a random-pick command with repeats (SRANDMEMBER, HRANDFIELD,
 * ZRANDMEMBER with a negative count) may build. Redis has no bound and
 * crashes or stalls on huge counts; a server must answer instead.
 */
export const MAX_RANDOM_REPLY = 100_000_000;
export const RANDOM_REPLY_TOO_LARGE = 'ERR value is out of range';
