// The command table itself: every row well formed, and for every command that
// real Redis 7.0.15 also has (string, generic, connection and server groups),
// the same arity and key positions as Redis's own COMMAND INFO.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commandDefs } from '../server/commands/index.js';
import type { CommandDef } from '../server/commands/types.js';

const test = suite('command table');

const ALLOWED_FLAGS = new Set([
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale',
  'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'may_replicate', 'sentinel', 'only_sentinel',
  'no_mandatory_keys', 'protected', 'no_async_loading', 'no_multi', 'movablekeys', 'allow_busy',
]);

/** `ACL CAT` of Redis 7.0.15. */
const ACL_CATEGORIES = new Set([
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo',
  'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
]);

/**
 * [name, arity, first key, last key, key step] from `COMMAND INFO` of a real
 * redis-server 7.0.15, for every command of the string, generic, connection
 * and server groups and their subcommands.
 */
const REDIS: ReadonlyArray<readonly [string, number, number, number, number]> = [
  ['acl', -2, 0, 0, 0],
  ['acl|cat', -2, 0, 0, 0],
  ['acl|deluser', -3, 0, 0, 0],
  ['acl|dryrun', -4, 0, 0, 0],
  ['acl|genpass', -2, 0, 0, 0],
  ['acl|getuser', 3, 0, 0, 0],
  ['acl|help', 2, 0, 0, 0],
  ['acl|list', 2, 0, 0, 0],
  ['acl|load', 2, 0, 0, 0],
  ['acl|log', -2, 0, 0, 0],
  ['acl|save', 2, 0, 0, 0],
  ['acl|setuser', -3, 0, 0, 0],
  ['acl|users', 2, 0, 0, 0],
  ['acl|whoami', 2, 0, 0, 0],
  ['append', 3, 1, 1, 1],
  ['auth', -2, 0, 0, 0],
  ['bgrewriteaof', 1, 0, 0, 0],
  ['bgsave', -1, 0, 0, 0],
  ['client', -2, 0, 0, 0],
  ['client|caching', 3, 0, 0, 0],
  ['client|getname', 2, 0, 0, 0],
  ['client|getredir', 2, 0, 0, 0],
  ['client|help', 2, 0, 0, 0],
  ['client|id', 2, 0, 0, 0],
  ['client|info', 2, 0, 0, 0],
  ['client|kill', -3, 0, 0, 0],
  ['client|list', -2, 0, 0, 0],
  ['client|no-evict', 3, 0, 0, 0],
  ['client|pause', -3, 0, 0, 0],
  ['client|reply', 3, 0, 0, 0],
  ['client|setname', 3, 0, 0, 0],
  ['client|tracking', -3, 0, 0, 0],
  ['client|trackinginfo', 2, 0, 0, 0],
  ['client|unblock', -3, 0, 0, 0],
  ['client|unpause', 2, 0, 0, 0],
  ['command', -1, 0, 0, 0],
  ['command|count', 2, 0, 0, 0],
  ['command|docs', -2, 0, 0, 0],
  ['command|getkeys', -4, 0, 0, 0],
  ['command|getkeysandflags', -4, 0, 0, 0],
  ['command|help', 2, 0, 0, 0],
  ['command|info', -2, 0, 0, 0],
  ['command|list', -2, 0, 0, 0],
  ['config', -2, 0, 0, 0],
  ['config|get', -3, 0, 0, 0],
  ['config|help', 2, 0, 0, 0],
  ['config|resetstat', 2, 0, 0, 0],
  ['config|rewrite', 2, 0, 0, 0],
  ['config|set', -4, 0, 0, 0],
  ['copy', -3, 1, 2, 1],
  ['dbsize', 1, 0, 0, 0],
  ['debug', -2, 0, 0, 0],
  ['decr', 2, 1, 1, 1],
  ['decrby', 3, 1, 1, 1],
  ['del', -2, 1, -1, 1],
  ['dump', 2, 1, 1, 1],
  ['echo', 2, 0, 0, 0],
  ['exists', -2, 1, -1, 1],
  ['expire', -3, 1, 1, 1],
  ['expireat', -3, 1, 1, 1],
  ['expiretime', 2, 1, 1, 1],
  ['failover', -1, 0, 0, 0],
  ['flushall', -1, 0, 0, 0],
  ['flushdb', -1, 0, 0, 0],
  ['get', 2, 1, 1, 1],
  ['getdel', 2, 1, 1, 1],
  ['getex', -2, 1, 1, 1],
  ['getrange', 4, 1, 1, 1],
  ['getset', 3, 1, 1, 1],
  ['hello', -1, 0, 0, 0],
  ['incr', 2, 1, 1, 1],
  ['incrby', 3, 1, 1, 1],
  ['incrbyfloat', 3, 1, 1, 1],
  ['info', -1, 0, 0, 0],
  ['keys', 2, 0, 0, 0],
  ['lastsave', 1, 0, 0, 0],
  ['latency', -2, 0, 0, 0],
  ['latency|doctor', 2, 0, 0, 0],
  ['latency|graph', 3, 0, 0, 0],
  ['latency|help', 2, 0, 0, 0],
  ['latency|histogram', -2, 0, 0, 0],
  ['latency|history', 3, 0, 0, 0],
  ['latency|latest', 2, 0, 0, 0],
  ['latency|reset', -2, 0, 0, 0],
  ['lcs', -3, 1, 2, 1],
  ['lolwut', -1, 0, 0, 0],
  ['memory', -2, 0, 0, 0],
  ['memory|doctor', 2, 0, 0, 0],
  ['memory|help', 2, 0, 0, 0],
  ['memory|malloc-stats', 2, 0, 0, 0],
  ['memory|purge', 2, 0, 0, 0],
  ['memory|stats', 2, 0, 0, 0],
  ['memory|usage', -3, 2, 2, 1],
  ['mget', -2, 1, -1, 1],
  ['migrate', -6, 3, 3, 1],
  ['module', -2, 0, 0, 0],
  ['module|help', 2, 0, 0, 0],
  ['module|list', 2, 0, 0, 0],
  ['module|load', -3, 0, 0, 0],
  ['module|loadex', -3, 0, 0, 0],
  ['module|unload', 3, 0, 0, 0],
  ['monitor', 1, 0, 0, 0],
  ['move', 3, 1, 1, 1],
  ['mset', -3, 1, -1, 2],
  ['msetnx', -3, 1, -1, 2],
  ['object', -2, 0, 0, 0],
  ['object|encoding', 3, 2, 2, 1],
  ['object|freq', 3, 2, 2, 1],
  ['object|help', 2, 0, 0, 0],
  ['object|idletime', 3, 2, 2, 1],
  ['object|refcount', 3, 2, 2, 1],
  ['persist', 2, 1, 1, 1],
  ['pexpire', -3, 1, 1, 1],
  ['pexpireat', -3, 1, 1, 1],
  ['pexpiretime', 2, 1, 1, 1],
  ['ping', -1, 0, 0, 0],
  ['psetex', 4, 1, 1, 1],
  ['psync', -3, 0, 0, 0],
  ['pttl', 2, 1, 1, 1],
  ['quit', -1, 0, 0, 0],
  ['randomkey', 1, 0, 0, 0],
  ['rename', 3, 1, 2, 1],
  ['renamenx', 3, 1, 2, 1],
  ['replconf', -1, 0, 0, 0],
  ['replicaof', 3, 0, 0, 0],
  ['reset', 1, 0, 0, 0],
  ['restore', -4, 1, 1, 1],
  ['restore-asking', -4, 1, 1, 1],
  ['role', 1, 0, 0, 0],
  ['save', 1, 0, 0, 0],
  ['scan', -2, 0, 0, 0],
  ['select', 2, 0, 0, 0],
  ['set', -3, 1, 1, 1],
  ['setex', 4, 1, 1, 1],
  ['setnx', 3, 1, 1, 1],
  ['setrange', 4, 1, 1, 1],
  ['shutdown', -1, 0, 0, 0],
  ['slaveof', 3, 0, 0, 0],
  ['slowlog', -2, 0, 0, 0],
  ['slowlog|get', -2, 0, 0, 0],
  ['slowlog|help', 2, 0, 0, 0],
  ['slowlog|len', 2, 0, 0, 0],
  ['slowlog|reset', 2, 0, 0, 0],
  ['sort', -2, 1, 1, 1],
  ['sort_ro', -2, 1, 1, 1],
  ['strlen', 2, 1, 1, 1],
  ['substr', 4, 1, 1, 1],
  ['swapdb', 3, 0, 0, 0],
  ['sync', 1, 0, 0, 0],
  ['time', 1, 0, 0, 0],
  ['touch', -2, 1, -1, 1],
  ['ttl', 2, 1, 1, 1],
  ['type', 2, 1, 1, 1],
  ['unlink', -2, 1, -1, 1],
  ['wait', 3, 0, 0, 0],
];

/** Every row with its full name ('config|get' for a subcommand). */
function allRows(): Array<[string, CommandDef, CommandDef | null]> {
  const rows: Array<[string, CommandDef, CommandDef | null]> = [];
  for (const def of commandDefs) {
    rows.push([def.name, def, null]);
    for (const sub of def.subcommands ?? []) rows.push([`${def.name}|${sub.name}`, sub, def]);
  }
  return rows;
}

test('every row is well formed', () => {
  const rows = allRows();
  assert.ok(rows.length > 20, `only ${rows.length} rows`);
  const seen = new Set<string>();
  for (const [fullName, def, parent] of rows) {
    assert.not.ok(seen.has(fullName), `${fullName} declared twice`);
    seen.add(fullName);
    assert.is(def.name, def.name.toLowerCase(), `${fullName}: name must be lowercase`);
    assert.ok(/^[a-z][a-z0-9_-]*$/.test(def.name), `${fullName}: odd name`);
    assert.ok(Number.isInteger(def.arity) && def.arity !== 0, `${fullName}: arity ${def.arity}`);
    if (parent !== null) assert.ok(Math.abs(def.arity) >= 2, `${fullName}: a subcommand's arity counts the container`);
    for (const flag of def.flags) assert.ok(ALLOWED_FLAGS.has(flag), `${fullName}: unknown flag '${flag}'`);
    assert.is(new Set(def.flags).size, def.flags.length, `${fullName}: repeated flag`);
    assert.ok(def.handler !== undefined || (def.subcommands?.length ?? 0) > 0, `${fullName}: no handler, no subcommands`);
    if (parent !== null) assert.is(def.subcommands, undefined, `${fullName}: subcommands nest one level only`);
    assert.ok(def.categories.length > 0, `${fullName}: no ACL categories`);
    for (const category of def.categories) {
      assert.ok(ACL_CATEGORIES.has(category), `${fullName}: unknown ACL category '${category}' (no '@')`);
    }
    assert.ok(def.summary.length > 0 && /^\d+\.\d+\.\d+$/.test(def.since) && def.group.length > 0, `${fullName}: docs`);
    if (def.keys !== null) {
      assert.ok(def.keys.first >= 1 && def.keys.step >= 1, `${fullName}: key spec ${JSON.stringify(def.keys)}`);
      assert.ok(def.keys.last < 0 || def.keys.last >= def.keys.first, `${fullName}: last key before first`);
    }
    const fast = def.flags.includes('fast');
    assert.is(def.categories.includes('fast'), fast, `${fullName}: @fast category and fast flag disagree`);
  }
});

test('arity and key positions agree with Redis 7.0.15', () => {
  const ours = new Map(allRows().map(([name, def]) => [name, def]));
  let compared = 0;
  for (const [name, arity, first, last, step] of REDIS) {
    const def = ours.get(name);
    if (def === undefined) continue;
    compared++;
    assert.is(def.arity, arity, `${name}: arity`);
    const keys = def.keys ?? { first: 0, last: 0, step: 0 };
    assert.equal([keys.first, keys.last, keys.step], [first, last, step], `${name}: first/last/step`);
  }
  // The connection family alone has these; if none matched the table is not being read.
  assert.ok(compared >= 10, `only ${compared} commands compared`);
});

test('the Redis data covers the commands of our groups', () => {
  const redisNames = new Set(REDIS.map((row) => row[0]));
  for (const name of ['get', 'set', 'del', 'ping', 'client|list', 'config|get', 'command|info', 'swapdb']) {
    assert.ok(redisNames.has(name), name);
  }
});

test.run();
