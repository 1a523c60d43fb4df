// Glob-style matching with the exact rules of Redis's stringmatchlen (KEYS,
// SCAN MATCH, PSUBSCRIBE, CONFIG GET …), on latin1 strings (one char per byte).
//
// Redis walks the pattern and the string together and recurses on '*'. The
// way it reads a pattern never depends on the string, so here the pattern is
// compiled once into tokens (a star, or a 256-entry table of the bytes one
// position accepts) and matched with the classic iterative backtracking to the
// last star, which accepts exactly what the recursion accepts, in O(n*m)
// without recursion. The quirks this keeps on purpose:
// - bytes are C `char`, signed: in a range [a-b] bytes >= 0x80 sort below 0x00;
// - a reversed range [z-a] is swapped; with nocase both ends are lowered after the swap;
// - "[a-]" is the range a..']' and the class then runs to the end of the pattern;
// - an unterminated class "[abc" ends at the end of the pattern; "[" alone matches nothing;
// - a backslash escapes the next byte; inside a class an escaped byte compares case-sensitively;
// - a trailing lone backslash is a literal backslash;
// - the empty string matches only the empty pattern (even "*" does not match it);
// - more than 1000 stars that are not at the end of the pattern match nothing
//   (Redis caps its recursion depth at 1000).

export type GlobMatcher = (s: string) => boolean;

const STAR = -1;
const MAX_NESTING = 1000;

type Token = number | Uint8Array;

const BACKSLASH = 0x5c;
const ASTERISK = 0x2a;
const QUESTION = 0x3f;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const CARET = 0x5e;
const DASH = 0x2d;

/** The byte as C's signed char. */
function signed(c: number): number {
  return c >= 128 ? c - 256 : c;
}

/** tolower() in the C locale: only A-Z change. */
function lowerByte(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** A token for one literal byte. */
function literal(c: number, nocase: boolean): Token {
  const lowered = lowerByte(c);
  if (!nocase || (lowered === c && !(c >= 97 && c <= 122))) return c;
  const table = new Uint8Array(256);
  for (let b = 0; b < 256; b++) if (lowerByte(b) === lowered) table[b] = 1;
  return table;
}

function anyByte(): Uint8Array {
  return new Uint8Array(256).fill(1);
}

/** Reads the pattern as Redis's matcher does: one token per star run or per byte position. */
function tokenize(pattern: string, nocase: boolean): Token[] {
  const n = pattern.length;
  const tokens: Token[] = [];
  let i = 0;
  while (i < n) {
    const c = pattern.charCodeAt(i);
    if (c === ASTERISK) {
      while (i + 1 < n && pattern.charCodeAt(i + 1) === ASTERISK) i++;
      tokens.push(STAR);
    } else if (c === QUESTION) {
      tokens.push(anyByte());
    } else if (c === OPEN) {
      i = parseClass(pattern, i + 1, nocase, tokens);
    } else if (c === BACKSLASH && n - i >= 2) {
      i++;
      tokens.push(literal(pattern.charCodeAt(i), nocase));
    } else {
      tokens.push(literal(c, nocase));
    }
    i++;
  }
  return tokens;
}

/**
 * Parses a class whose body starts at i; pushes its table and returns the index
 * of its last pattern position (the ']' or the pattern's last byte).
 */
function parseClass(pattern: string, i: number, nocase: boolean, tokens: Token[]): number {
  const n = pattern.length;
  const table = new Uint8Array(256);
  const negate = i < n && pattern.charCodeAt(i) === CARET;
  if (negate) i++;
  for (;;) {
    if (i >= n) {
      i--;
      break;
    }
    const c = pattern.charCodeAt(i);
    if (c === BACKSLASH && n - i >= 2) {
      i++;
      table[pattern.charCodeAt(i) & 0xff] = 1;
    } else if (c === CLOSE) {
      break;
    } else if (n - i >= 3 && pattern.charCodeAt(i + 1) === DASH) {
      let start = signed(c & 0xff);
      let end = signed(pattern.charCodeAt(i + 2) & 0xff);
      if (start > end) {
        const t = start;
        start = end;
        end = t;
      }
      if (nocase) {
        start = lowerByte(start);
        end = lowerByte(end);
      }
      for (let b = 0; b < 256; b++) {
        const v = nocase ? lowerByte(signed(b)) : signed(b);
        if (v >= start && v <= end) table[b] = 1;
      }
      i += 2;
    } else if (nocase) {
      const lowered = lowerByte(c & 0xff);
      for (let b = 0; b < 256; b++) if (lowerByte(b) === lowered) table[b] = 1;
    } else {
      table[c & 0xff] = 1;
    }
    i++;
  }
  if (negate) for (let b = 0; b < 256; b++) table[b] ^= 1;
  tokens.push(table);
  return i;
}

function hasSpecial(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === ASTERISK || c === QUESTION || c === OPEN || c === BACKSLASH) return true;
  }
  return false;
}

function matchTokens(tokens: Token[], s: string): boolean {
  const nt = tokens.length;
  const ns = s.length;
  if (ns === 0) return nt === 0;
  let t = 0;
  let i = 0;
  let starT = -1;
  let starI = 0;
  while (i < ns) {
    if (t < nt) {
      const token = tokens[t];
      if (token === STAR) {
        if (t === nt - 1) return true;
        starT = t;
        starI = i;
        t++;
        continue;
      }
      const c = s.charCodeAt(i);
      if (typeof token === 'number' ? token === c : token[c] === 1) {
        t++;
        i++;
        continue;
      }
    }
    if (starT < 0) return false;
    t = starT + 1;
    i = ++starI;
  }
  while (t < nt && tokens[t] === STAR) t++;
  return t === nt;
}

/** A matcher for pattern, compiled once (use it for many strings). */
export function compileGlob(pattern: string, nocase = false): GlobMatcher {
  if (pattern === '*') return (s) => s.length > 0;
  const n = pattern.length;
  if (!nocase) {
    if (!hasSpecial(pattern)) return (s) => s === pattern;
    const body = pattern.slice(0, n - 1);
    if (n > 1 && pattern.charCodeAt(n - 1) === ASTERISK && !hasSpecial(body)) {
      return (s) => s.startsWith(body);
    }
    const tail = pattern.slice(1);
    if (n > 1 && pattern.charCodeAt(0) === ASTERISK && !hasSpecial(tail)) {
      return (s) => s.endsWith(tail);
    }
  }
  const tokens = tokenize(pattern, nocase);
  let nesting = 0;
  for (let t = 0; t < tokens.length - 1; t++) if (tokens[t] === STAR) nesting++;
  if (nesting > MAX_NESTING) return () => false;
  return (s) => matchTokens(tokens, s);
}

/** One-off match (compiles the pattern each call). */
export function globMatch(pattern: string, s: string, nocase = false): boolean {
  return compileGlob(pattern, nocase)(s);
}
