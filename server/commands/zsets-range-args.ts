// Argument parsing of the range commands: score bounds as C's strtod reads
// them ("(" for exclusive, inf/-inf), lex bounds ("[a", "(a", "+", "-"), and
// zrangeGenericCommand's options (BYSCORE/BYLEX/REV/LIMIT/WITHSCORES) into a
// RangeRequest. Parsing only, with Redis's order of checks and error texts;
// zsets-ranges.ts selects the nodes a request names.

import { lower, str } from '../bytes.js';
import { Errors, ReplyError } from '../errors.js';
import { parseInteger } from './arguments.js';
import { parseDoubleText } from '../resp/number-format.js';
import type { LexRange, ScoreRange } from '../types/skiplist.js';

const NOT_FLOAT_RANGE = 'ERR min or max is not a float';
const NOT_LEX_RANGE = 'ERR min or max not valid string range item';
const LIMIT_RANK = 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX';
const WITHSCORES_LEX = 'ERR syntax error, WITHSCORES not supported in combination with BYLEX';

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INFINITY = /^[+-]?(inf|infinity)$/i;

/** A range end as C's strtod reads it (leading spaces, "" is 0, overflow saturates); NaN refused. */
function strtodWhole(text: string): number | null {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const t = text.slice(i);
  if (t === '') return i === 0 ? 0 : null;
  if (DECIMAL.test(t)) return Number(t);
  if (INFINITY.test(t)) return t.charCodeAt(0) === 0x2d ? -Infinity : Infinity;
  const value = parseDoubleText(t);
  return value === null || Number.isNaN(value) ? null : value;
}

function parseScoreBound(arg: Buffer): { value: number; exclusive: boolean } {
  let text = str(arg);
  let exclusive = false;
  if (text.charCodeAt(0) === 0x28) {
    exclusive = true;
    text = text.slice(1);
  }
  const value = strtodWhole(text);
  if (value === null) throw new ReplyError(NOT_FLOAT_RANGE);
  return { value, exclusive };
}

export function parseScoreRange(minArg: Buffer, maxArg: Buffer): ScoreRange {
  const min = parseScoreBound(minArg);
  const max = parseScoreBound(maxArg);
  return { min: min.value, max: max.value, minEx: min.exclusive, maxEx: max.exclusive };
}

/** One end of a lex range; returns [value (null = unbounded), exclusive, isPlus, isMinus]. */
function parseLexItem(arg: Buffer): { value: string | null; exclusive: boolean; plus: boolean; minus: boolean } {
  const c = arg[0];
  if (c === 0x2b || c === 0x2d) {
    if (arg.length !== 1) throw new ReplyError(NOT_LEX_RANGE);
    return { value: null, exclusive: false, plus: c === 0x2b, minus: c === 0x2d };
  }
  if (c === 0x28 || c === 0x5b) {
    return { value: arg.latin1Slice(1, arg.length), exclusive: c === 0x28, plus: false, minus: false };
  }
  throw new ReplyError(NOT_LEX_RANGE);
}

export function parseLexRange(minArg: Buffer, maxArg: Buffer): LexRange {
  const min = parseLexItem(minArg);
  const max = parseLexItem(maxArg);
  return {
    min: min.value,
    max: max.value,
    minEx: min.exclusive,
    maxEx: max.exclusive,
    empty: min.plus || max.minus,
  };
}

export const RANK = 0;
export const SCORE = 1;
export const LEX = 2;

export interface RangeRequest {
  type: number;
  reverse: boolean;
  withScores: boolean;
  offset: number;
  limit: number;
  start: number;
  end: number;
  score: ScoreRange | null;
  lex: LexRange | null;
}

/**
 * zrangeGenericCommand's parsing: argv[first] is the source key, then min and
 * max, then options. `type`/`reverse` preset by the older commands (null = ZRANGE's AUTO).
 */
export function parseRange(argv: Buffer[], first: number, presetType: number | null, presetReverse: boolean | null, store: boolean): RangeRequest {
  let type = presetType;
  let reverse = presetReverse;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = first + 3; j < argv.length; j++) {
    const option = lower(argv[j]);
    const left = argv.length - j - 1;
    if (!store && option === 'withscores') withScores = true;
    else if (option === 'limit' && left >= 2) {
      offset = parseInteger(argv[j + 1]);
      limit = parseInteger(argv[j + 2]);
      j += 2;
    } else if (reverse === null && option === 'rev') reverse = true;
    else if (type === null && option === 'bylex') type = LEX;
    else if (type === null && option === 'byscore') type = SCORE;
    else throw new ReplyError(Errors.syntax);
  }
  if (reverse === null) reverse = false;
  if (type === null) type = RANK;
  if (limit !== -1 && type === RANK) throw new ReplyError(LIMIT_RANK);
  if (withScores && type === LEX) throw new ReplyError(WITHSCORES_LEX);
  let minArg = argv[first + 1];
  let maxArg = argv[first + 2];
  if (reverse && type !== RANK) [minArg, maxArg] = [maxArg, minArg];
  const request: RangeRequest = { type, reverse, withScores, offset, limit, start: 0, end: 0, score: null, lex: null };
  if (type === RANK) {
    request.start = parseInteger(minArg);
    request.end = parseInteger(maxArg);
  } else if (type === SCORE) {
    request.score = parseScoreRange(minArg, maxArg);
  } else {
    request.lex = parseLexRange(minArg, maxArg);
  }
  return request;
}
