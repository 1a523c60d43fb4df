// String commands (t_string.c).

import '../bytes.js';
import type { CommandDef } from './types.js';
import { keysAt } from './types.js';
import { Errors, ReplyError } from '../errors.js';

export const stringCommands: CommandDef[] = [
  {
    name: 'get',
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: keysAt(1),
    categories: ['read', 'string', 'fast'],
    summary: 'Returns the string value of a key.',
    since: '1.0.0',
    group: 'string',
    handler(client, argv) {
      const entry = client.db.lookupRead(argv[1].latin1Slice(0, argv[1].length), client.noTouch);
      if (entry === undefined) client.reply.nullBulk();
      else if (entry.type !== 'string') throw new ReplyError(Errors.wrongType);
      else client.reply.bulk(entry.value as string);
    },
  },
  {
    name: 'set',
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: keysAt(1),
    categories: ['write', 'string', 'slow'],
    summary: 'Sets the string value of a key, ignoring its type. The key is created if it doesn\'t exist.',
    since: '1.0.0',
    group: 'string',
    handler(client, argv) {
      const key = argv[1].latin1Slice(0, argv[1].length);
      client.db.set(key, 'string', argv[2].latin1Slice(0, argv[2].length));
      client.server.keyChanged(client.db, key, '$', 'set');
      client.reply.ok();
    },
  },
];
