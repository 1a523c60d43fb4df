// The registry of command families the differential run can generate from.

import { BASE_FAMILIES, type Family } from './generator.js';
import { hashes, lists, sets, zsets } from './datatypes.js';
import { blocking } from './blocking.js';

export const FAMILIES: Record<string, Family> = { ...BASE_FAMILIES, lists, sets, hashes, zsets, blocking };

/** The families of the default run; DIFF_FAMILIES=strings,keys,sets … overrides. */
export const DEFAULT_FAMILIES = ['strings', 'keys', 'connection', 'sets', 'lists', 'zsets', 'hashes'];

/** The data-type families, each run on its own (with a little of the others) by datatypes.test.ts. */
export const DATA_TYPE_FAMILIES = ['lists', 'sets', 'hashes', 'zsets', 'blocking'];

export function familiesFrom(names: readonly string[]): Family[] {
  return names.map((name) => {
    const family = FAMILIES[name];
    if (!family) throw new Error(`unknown command family '${name}' (known: ${Object.keys(FAMILIES).join(', ')})`);
    return family;
  });
}

/**
 * A run focused on one family: its commands make about 82% of the steps; keys
 * and strings commands (DEL, TYPE, OBJECT ENCODING, RENAME, GET on a list …)
 * and the other data types share the rest, so the family meets WRONGTYPE and
 * its values get renamed, copied, expired and deleted.
 */
export function focusedFamilies(focus: string): Family[] {
  if (!FAMILIES[focus]) throw new Error(`unknown command family '${focus}' (known: ${Object.keys(FAMILIES).join(', ')})`);
  const shares: Record<string, number> = { keys: 0.08, strings: 0.04, connection: 0.005 };
  // Blocking steps join the list and zset runs (they pop what those push).
  if (focus === 'lists' || focus === 'zsets') shares.blocking = 0.03;
  const names = [...DEFAULT_FAMILIES, ...(shares.blocking || focus === 'blocking' ? ['blocking'] : [])];
  return names.map((name) => ({
    ...FAMILIES[name],
    share: name === focus ? 0.82 : (shares[name] ?? 0.02),
  }));
}
