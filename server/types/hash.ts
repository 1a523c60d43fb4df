// The value of a hash key: field -> value, both latin1 strings.
//
// Redis keeps a small hash as a listpack (fields in insertion order, an update
// keeps its place, a delete closes the gap) and converts it for good to a
// hashtable once it holds more than hash-max-listpack-entries fields or any
// field or value longer than hash-max-listpack-value bytes. It never converts
// back. Clients see the difference: OBJECT ENCODING, the order of HGETALL,
// and HSCAN (a listpack answers in one call with cursor 0).
//
// One Map of cells serves both: JS Maps iterate in insertion order, exactly a
// listpack's order. Once converted, the cells are also kept in a dense array
// (each cell knows its slot, delete swaps the last cell into the hole), which
// gives O(1) random picks (HRANDFIELD) and a cursor that survives deletes
// between HSCAN calls, as Db.entries does for SCAN.

import { stringBytes } from '../eviction/sizes.js';

export type HashEncoding = 'listpack' | 'hashtable';

export interface HashCell {
  readonly field: string;
  value: string;
  /** Index in the dense array once converted; -1 before. */
  slot: number;
}

export class HashValue {
  private readonly cells = new Map<string, HashCell>();
  /** Null while listpack-encoded. */
  private dense: HashCell[] | null = null;
  /** Running heap estimate of the fields' and values' strings (memory accounting). */
  bytes = 0;

  get encoding(): HashEncoding {
    return this.dense === null ? 'listpack' : 'hashtable';
  }

  get size(): number {
    return this.cells.size;
  }

  get(field: string): string | undefined {
    return this.cells.get(field)?.value;
  }

  has(field: string): boolean {
    return this.cells.has(field);
  }

  /** Sets field to value; true when the field is new. */
  set(field: string, value: string): boolean {
    const cell = this.cells.get(field);
    if (cell !== undefined) {
      this.bytes += stringBytes(value) - stringBytes(cell.value);
      cell.value = value;
      return false;
    }
    this.bytes += stringBytes(field) + stringBytes(value);
    const created: HashCell = { field, value, slot: -1 };
    this.cells.set(field, created);
    if (this.dense !== null) {
      created.slot = this.dense.length;
      this.dense.push(created);
    }
    return true;
  }

  /** Removes field; true when it was there. */
  delete(field: string): boolean {
    const cell = this.cells.get(field);
    if (cell === undefined) return false;
    this.cells.delete(field);
    this.bytes -= stringBytes(field) + stringBytes(cell.value);
    const dense = this.dense;
    if (dense !== null) {
      const last = dense.pop() as HashCell;
      if (last !== cell) {
        dense[cell.slot] = last;
        last.slot = cell.slot;
      }
      cell.slot = -1;
    }
    return true;
  }

  /** Switches to the hashtable encoding (a no-op once converted). */
  convert(): void {
    if (this.dense !== null) return;
    const dense: HashCell[] = [];
    for (const cell of this.cells.values()) {
      cell.slot = dense.length;
      dense.push(cell);
    }
    this.dense = dense;
  }

  /** Every cell, in the encoding's order (listpack: insertion order). */
  values(): IterableIterator<HashCell> {
    return this.cells.values();
  }

  /** Calls visit for every cell in iteration order, allocating nothing (the RDB snapshot walk). */
  forEachCell(visit: (cell: HashCell) => void): void {
    this.cells.forEach(visit);
  }

  /** The cells as an array in iteration order (a copy the caller may keep). */
  toArray(): HashCell[] {
    return Array.from(this.cells.values());
  }

  /** The cell at dense slot i (hashtable encoding only). */
  at(i: number): HashCell {
    const dense = this.dense;
    if (dense === null) throw new Error('HashValue.at on a listpack-encoded hash');
    return dense[i];
  }

  /** A uniformly random cell; the hash must not be empty. */
  random(): HashCell {
    const n = this.cells.size;
    const i = Math.floor(Math.random() * n);
    if (this.dense !== null) return this.dense[i];
    let k = 0;
    for (const cell of this.cells.values()) if (k++ === i) return cell;
    throw new Error('HashValue.random on an empty hash');
  }

  /**
   * HSCAN over a converted hash: visits up to `count` dense slots below cursor
   * (top-down; 0 starts at the top) and returns the next cursor, 0 when done.
   * Walking downward keeps the SCAN guarantee across deletes: swap-remove
   * only moves the last cell, which was already visited, into a lower hole.
   */
  scan(cursor: number, count: number, visit: (cell: HashCell) => void): number {
    const dense = this.dense;
    if (dense === null) throw new Error('HashValue.scan on a listpack-encoded hash');
    let high = cursor === 0 || cursor > dense.length ? dense.length : cursor;
    const low = Math.max(0, high - count);
    while (high > low) visit(dense[--high]);
    return low;
  }

  /** A deep copy with the same encoding and order (COPY). */
  clone(): HashValue {
    const copy = new HashValue();
    for (const cell of this.cells.values()) copy.set(cell.field, cell.value);
    if (this.dense !== null) {
      copy.convert();
      // Keep the dense order too, so a copy scans like its original.
      const dense = copy.dense as HashCell[];
      for (const cell of this.dense) {
        const mine = copy.cells.get(cell.field) as HashCell;
        dense[cell.slot] = mine;
        mine.slot = cell.slot;
      }
    }
    return copy;
  }

  static fromPairs(pairs: Iterable<readonly [string, string]>): HashValue {
    const hash = new HashValue();
    for (const [field, value] of pairs) hash.set(field, value);
    return hash;
  }
}
