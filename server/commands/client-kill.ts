// CLIENT KILL's machinery: parsing the filter form's options, matching clients
// against them, and closing a victim (the caller itself only after its reply).

import { lower, str } from '../bytes.js';
import type { Client } from '../client.js';
import { Errors, ReplyError } from '../errors.js';
import { parseInteger } from './arguments.js';
import { type ClientType, clientExtras, clientType, parseClientType } from './client-info.js';

// ---- killing clients -------------------------------------------------------

/** Closes `victim`: at once for another client, after the reply for the caller itself. */
export function killClient(caller: Client, victim: Client): void {
  if (victim === caller) {
    caller.closeAfterReply();
    return;
  }
  victim.close();
  caller.server.disconnect(victim);
}

interface KillFilter {
  id: number | null;
  addr: string | null;
  laddr: string | null;
  user: string | null;
  type: ClientType | null;
  skipMe: boolean;
}

export function parseKillFilter(argv: Buffer[]): KillFilter {
  const filter: KillFilter = { id: null, addr: null, laddr: null, user: null, type: null, skipMe: true };
  for (let i = 2; i < argv.length; i += 2) {
    const option = lower(argv[i]);
    if (i + 1 >= argv.length) throw new ReplyError(Errors.syntax);
    const value = argv[i + 1];
    if (option === 'id') {
      const id = parseInteger(value, 'ERR client-id should be greater than 0');
      if (id < 1) throw new ReplyError('ERR client-id should be greater than 0');
      filter.id = id;
    } else if (option === 'type') {
      filter.type = parseClientType(value);
    } else if (option === 'addr') {
      filter.addr = str(value);
    } else if (option === 'laddr') {
      filter.laddr = str(value);
    } else if (option === 'user') {
      const user = str(value);
      if (user !== 'default') throw new ReplyError(`ERR No such user '${user}'`);
      filter.user = user;
    } else if (option === 'skipme') {
      const word = lower(value);
      if (word === 'yes') filter.skipMe = true;
      else if (word === 'no') filter.skipMe = false;
      else throw new ReplyError(Errors.syntax);
    } else {
      throw new ReplyError(Errors.syntax);
    }
  }
  return filter;
}

export function matchesKillFilter(client: Client, caller: Client, filter: KillFilter): boolean {
  if (filter.addr !== null && client.remoteAddress !== filter.addr) return false;
  if (filter.laddr !== null && client.localAddress !== filter.laddr) return false;
  if (filter.type !== null && clientType(clientExtras(client)) !== filter.type) return false;
  if (filter.id !== null && client.id !== filter.id) return false;
  if (filter.user !== null && client.user !== filter.user) return false;
  if (filter.skipMe && client === caller) return false;
  return true;
}
