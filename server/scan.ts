// SCAN's cursor over a Db's dense entry array.
//
// The guarantee SCAN owes its callers: a full iteration returns every key that
// existed for the whole scan, even while other keys are added or deleted in
// between calls (a key may come back twice). The array only ever changes by
// appending at the end (add) and by swap-remove (delete moves the LAST entry
// into the hole), so an entry's slot never grows. Walking from the top index
// down, with the cursor being the exclusive upper bound of what is left to
// visit, every entry below the cursor stays below it until it is visited:
// appended entries land above it (they may be missed, which is allowed), and
// a delete only moves an entry downward. Cursor 0 starts a scan (at the top)
// and cursor 0 in a reply ends it.

import type { Db, Entry } from './keyspace.js';
import type { Client } from './client.js';
import { Errors, ReplyError } from './errors.js';
import { lower, str } from './bytes.js';
import { parseInteger } from './commands/arguments.js';
import { compileGlob, type GlobMatcher } from './glob.js';

const ULONG_MAX = 18446744073709551615n;

export const invalidCursor = 'ERR invalid cursor';

/**
 * A cursor argument as Redis reads it (strtoul: optional sign, a negative
 * value wraps, no leading space, nothing after the digits, at most 2^64-1; an
 * empty string is 0). Returned as a number; any value past the keyspace just
 * restarts the walk from the top.
 */
export function parseScanCursor(arg: Buffer): number {
  const n = arg.length;
  let i = 0;
  let negative = false;
  if (n > 0 && (arg[0] === 0x2b || arg[0] === 0x2d)) {
    negative = arg[0] === 0x2d;
    i = 1;
  }
  if (n === 0) return 0;
  if (i === n) throw new ReplyError(invalidCursor);
  let value = 0n;
  let small = 0;
  for (let j = i; j < n; j++) {
    const d = arg[j] - 0x30;
    if (d < 0 || d > 9) throw new ReplyError(invalidCursor);
    if (j - i < 15) small = small * 10 + d;
    else {
      if (j - i === 15) value = BigInt(small);
      value = value * 10n + BigInt(d);
    }
  }
  if (n - i <= 15) return negative && small !== 0 ? Number(ULONG_MAX + 1n - BigInt(small)) : small;
  if (value > ULONG_MAX) throw new ReplyError(invalidCursor);
  if (negative && value !== 0n) value = ULONG_MAX + 1n - value;
  return Number(value);
}

/**
 * Visits up to `count` slots below `cursor` (top-down), calling visit for each
 * entry, and returns the next cursor (0 when the walk is done). visit must not
 * remove entries; collect them and remove after.
 */
export function scanEntries(db: Db, cursor: number, count: number, visit: (entry: Entry) => void): number {
  const entries = db.entries;
  let high = cursor === 0 || cursor > entries.length ? entries.length : cursor;
  const low = Math.max(0, high - count);
  while (high > low) visit(entries[--high]);
  return low;
}

/** The options of SCAN and of HSCAN/SSCAN/ZSCAN (which take no TYPE). */
export interface ScanOptions {
  count: number;
  /** null when there is no pattern, or it is '*'. */
  match: GlobMatcher | null;
  /** Lowercased TYPE argument (SCAN only), or null. */
  type: string | null;
}

/** Reads COUNT, MATCH (and TYPE when allowed) from argv[from...], with Redis's syntax errors. */
export function parseScanOptions(argv: Buffer[], from: number, allowType: boolean): ScanOptions {
  let count = 10;
  let pattern: string | null = null;
  let type: string | null = null;
  for (let i = from; i < argv.length; i++) {
    const option = lower(argv[i]);
    const hasValue = i + 1 < argv.length;
    if (option === 'count' && hasValue) {
      count = parseInteger(argv[++i]);
      if (count < 1) throw new ReplyError(Errors.syntax);
    } else if (option === 'match' && hasValue) {
      pattern = str(argv[++i]);
    } else if (allowType && option === 'type' && hasValue) {
      type = lower(argv[++i]);
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  return { count, match: pattern === null || pattern === '*' ? null : compileGlob(pattern), type };
}

/** A finished scan with nothing in it: cursor 0 and an empty page (a missing key). */
export function replyEmptyScan(client: Client): void {
  client.reply.array(2);
  client.reply.bulk('0');
  client.reply.array(0);
}
