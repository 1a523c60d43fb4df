// The read-only mark of a Lua table, lifted and set again by the server's own
// helper scripts (the chunk cache's setup, hiding KEYS / ARGV from functions).
// A helper asks through redis.call(SECRET, 'lock' | 'unlock', tostring(t));
// scripts cannot read SECRET, so they cannot ask.

import { randomBytes } from 'node:crypto';

const TABLE_TYPE_TAG = 5;

/** A per-process word that lets the helpers (and only them: scripts cannot read it) ask for a lock / unlock. */
export const SECRET = randomBytes(16).toString('hex');

/**
 * Sets or clears the read-only mark of the table whose tostring() is ref
 * ("table: 0x…"): an int after the table's header in Redis's Lua. Refuses
 * (false) when the bytes there are not what a table with that mark holds.
 */
export function toggleReadOnly(heap: Buffer, op: string, ref: string): boolean {
  const m = /^table: 0x([0-9a-f]+)$/.exec(ref);
  const addr = m === null ? -1 : parseInt(m[1], 16);
  if ((op !== 'lock' && op !== 'unlock') || addr <= 0 || addr + 12 > heap.length || heap[addr + 4] !== TABLE_TYPE_TAG) return false;
  // Unlock expects the mark (1) and clears it; lock expects it cleared and sets it.
  const expected = op === 'unlock' ? 1 : 0;
  if (heap.readInt32LE(addr + 8) !== expected) return false;
  heap.writeInt32LE(1 - expected, addr + 8);
  return true;
}
