// The envelope Redis puts around DUMP and FUNCTION DUMP payloads: the RDB
// body, then the RDB version (2 bytes, little endian) and a CRC-64 of all
// that (8 bytes, little endian). One place for both commands.

import { Crc64 } from './crc64.js';
import { RDB_VERSION, type RdbWriter } from './rdb-encoding.js';

/** Appends the version and checksum to what w holds, and returns the payload (a copy). */
export function sealDumpPayload(w: RdbWriter): Buffer {
  w.byte(RDB_VERSION & 0xff);
  w.byte(RDB_VERSION >> 8);
  w.raw(new Crc64().update(w.buf, 0, w.pos).toBuffer());
  return Buffer.from(w.view());
}

/** Redis's verifyDumpPayload: long enough, a version we read, and (when asked) the right checksum. */
export function dumpPayloadValid(payload: Buffer, checkCrc: boolean): boolean {
  if (payload.length < 10) return false;
  const footer = payload.length - 10;
  const version = payload[footer] | (payload[footer + 1] << 8);
  if (version > RDB_VERSION) return false;
  if (!checkCrc) return true;
  return new Crc64().update(payload, 0, payload.length - 8).matches(payload, payload.length - 8);
}
