// COMMAND and its subcommands through node-redis (RESP2 and RESP3), ioredis
// and raw bytes. Expected bytes were taken from a real redis-server 7.0.15.

import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ioredis, nodeRedis, startTestServer } from './helpers.js';
import type { RunningServer } from '../server/index.js';

/** Sends commands on a fresh socket and returns the raw bytes once `last` has arrived. */
async function rawExchange(server: RunningServer, commands: string[][], last: string): Promise<string> {
  const socket = net.connect(server.port, server.host);
  socket.on('error', () => {});
  let data = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(data)}`)), 2000);
      socket.on('data', (chunk: Buffer) => {
        data += chunk.toString('latin1');
        if (data.endsWith(last)) {
          clearTimeout(timer);
          resolve(data);
        }
      });
      socket.write(
        commands.map((c) => `*${c.length}\r\n` + c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')).join(''),
      );
    });
  } finally {
    socket.destroy();
  }
}

const GET_INFO_RESP2 =
  '*2\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n' +
  '*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n' +
  '*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n' +
  '$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n$-1\r\n';

const GET_INFO_RESP3 =
  '*2\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n' +
  '~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n' +
  '%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n' +
  '$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n_\r\n';

type InfoEntry = [string, number, string[], number, number, number, string[], string[], unknown[], InfoEntry[]];

const test = suite('command');
let server: RunningServer;

test.before(async () => {
  server = await startTestServer();
});
test.after(async () => {
  await server.close();
});

test('COMMAND INFO get: the exact bytes of Redis 7.0.15 in RESP2 and RESP3', async () => {
  assert.is(await rawExchange(server, [['COMMAND', 'INFO', 'get', 'nosuch']], '$-1\r\n'), GET_INFO_RESP2);
  const three = await rawExchange(server, [['HELLO', '3'], ['COMMAND', 'INFO', 'GET', 'nosuch']], '~0\r\n_\r\n');
  assert.is(three.slice(three.indexOf('*2\r\n*10\r\n')), GET_INFO_RESP3);
});

for (const resp of [2, 3] as const) {
  test(`node-redis RESP${resp}: COMMAND COUNT / INFO / LIST / GETKEYS`, async () => {
    const client = await nodeRedis(server, resp);
    try {
      const count = await client.commandCount();
      assert.is(count, server.server.commands.byName.size);
      assert.ok(count > 20);

      const [get, missing, mset] = await client.commandInfo(['get', 'nosuch', 'mset']);
      assert.is(missing, null);
      assert.is(get!.name, 'get');
      assert.is(get!.arity, 2);
      assert.equal([get!.firstKeyIndex, get!.lastKeyIndex, get!.step], [1, 1, 1]);
      assert.equal([...get!.flags].sort(), ['fast', 'readonly']);
      assert.equal([...get!.categories].sort(), ['@fast', '@read', '@string']);
      assert.equal([mset!.firstKeyIndex, mset!.lastKeyIndex, mset!.step], [1, -1, 2]);

      // CLIENT: a container, with its subcommands nested in the same shape.
      const raw = (await client.sendCommand(['COMMAND', 'INFO', 'client', 'client|list'])) as unknown as InfoEntry[];
      const [container, list] = raw;
      assert.is(container[0], 'client');
      assert.is(container[1], -2);
      assert.is([...container[2]].length, 0);
      assert.equal([container[3], container[4], container[5]], [0, 0, 0]);
      const subs = container[9];
      assert.ok(subs.length >= 10);
      const names = subs.map((s) => s[0]);
      for (const name of ['client|list', 'client|kill', 'client|setname', 'client|id']) assert.ok(names.includes(name), name);
      const kill = subs.find((s) => s[0] === 'client|kill')!;
      assert.is(kill[1], -3);
      assert.equal([...kill[2]].sort(), ['admin', 'loading', 'noscript', 'stale']);
      assert.equal([...kill[6]].sort(), ['@admin', '@connection', '@dangerous', '@slow']);
      assert.is(list[0], 'client|list');
      assert.is(list[1], -2);

      const all = (await client.sendCommand(['COMMAND'])) as unknown as InfoEntry[];
      assert.is(all.length, count);
      const table = server.server.commands;
      for (const entry of all) assert.is(entry[1], table.get(entry[0])!.arity, entry[0]);
      const infoAll = (await client.sendCommand(['COMMAND', 'INFO'])) as unknown as InfoEntry[];
      assert.is(infoAll.length, count);

      const names2 = (await client.sendCommand(['COMMAND', 'LIST'])) as string[];
      assert.ok(names2.includes('get') && names2.includes('client|list') && names2.includes('command|docs'));
      const byPattern = (await client.sendCommand(['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'CLIENT|L*'])) as string[];
      assert.equal(byPattern, ['client|list']);
      const byCategory = (await client.sendCommand(['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'CONNECTION'])) as string[];
      assert.ok(byCategory.includes('ping') && byCategory.includes('client|id'));
      assert.not.ok(byCategory.includes('get') || byCategory.includes('client'));
      assert.equal(await client.sendCommand(['COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x']), []);

      assert.equal(await client.commandGetKeys(['set', 'a', 'b']), ['a']);
      assert.equal(await client.commandGetKeys(['MSET', 'a', '1', 'c', '2']), ['a', 'c']);
      assert.equal(await client.commandGetKeys(['del', 'x', 'y', 'z']), ['x', 'y', 'z']);
      const andFlags = (await client.sendCommand(['COMMAND', 'GETKEYSANDFLAGS', 'get', 'k'])) as unknown as [string, string[]][];
      assert.is(andFlags.length, 1);
      assert.is(andFlags[0][0], 'k');
      assert.equal([...andFlags[0][1]], ['RO', 'access']);

      const errors: string[] = [];
      for (const command of [
        ['COMMAND', 'GETKEYS', 'nosuch', 'a'],
        ['COMMAND', 'GETKEYS', 'set', 'a'],
        ['COMMAND', 'GETKEYS', 'ping', 'a'],
        ['COMMAND', 'GETKEYS', 'client', 'list'],
        ['COMMAND', 'GETKEYS', 'client', 'foo'],
        ['COMMAND', 'GETKEYS', 'get'],
        ['COMMAND', 'LIST', 'x'],
        ['COMMAND', 'LIST', 'FILTERBY', 'color', 'x'],
        ['COMMAND', 'COUNT', 'x'],
        ['COMMAND', 'FOO'],
      ]) {
        errors.push(await client.sendCommand(command).then(() => 'no error', (e: Error) => e.message));
      }
      assert.equal(errors, [
        'ERR Invalid command specified',
        'ERR Invalid number of arguments specified for command',
        'ERR The command has no key arguments',
        'ERR The command has no key arguments',
        'ERR Invalid command specified',
        "ERR wrong number of arguments for 'command|getkeys' command",
        'ERR syntax error',
        'ERR syntax error',
        "ERR wrong number of arguments for 'command|count' command",
        "ERR unknown subcommand 'FOO'. Try COMMAND HELP.",
      ]);

      const help = (await client.sendCommand(['COMMAND', 'HELP'])) as string[];
      assert.is(help[0], 'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
      assert.is(help.length, 21);
    } finally {
      await client.quit();
    }
  });

  test(`node-redis RESP${resp}: COMMAND DOCS`, async () => {
    const client = await nodeRedis(server, resp);
    try {
      const reply = await client.sendCommand(['COMMAND', 'DOCS', 'get', 'nosuch', 'client']);
      // RESP3 answers a map; RESP2 the same as a flat array.
      const docs = new Map<string, unknown>(
        resp === 3
          ? Object.entries(reply as unknown as Record<string, unknown>)
          : pairs(reply as unknown as unknown[]),
      );
      assert.equal([...docs.keys()], ['get', 'client']);
      const get = toMap(docs.get('get'), resp);
      assert.is(get.get('summary'), 'Get the value of a key');
      assert.is(get.get('since'), '1.0.0');
      assert.is(get.get('group'), 'string');
      assert.is(get.get('complexity'), 'O(1)');
      const clientDocs = toMap(docs.get('client'), resp);
      assert.is(clientDocs.get('group'), 'connection');
      const subs = toMap(clientDocs.get('subcommands'), resp);
      assert.is(toMap(subs.get('client|list'), resp).get('summary'), 'Get the list of client connections');
      const none = await client.sendCommand(['COMMAND', 'DOCS', 'nosuch']);
      assert.equal(resp === 3 ? Object.keys(none as object) : none, []);
      const all = await client.sendCommand(['COMMAND', 'DOCS']);
      const allCount = resp === 3 ? Object.keys(all as object).length : (all as unknown as unknown[]).length / 2;
      assert.is(allCount, server.server.commands.byName.size);
    } finally {
      await client.quit();
    }
  });
}

function pairs(flat: unknown[]): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([String(flat[i]), flat[i + 1]]);
  return out;
}

function toMap(value: unknown, resp: 2 | 3): Map<string, unknown> {
  return new Map(resp === 3 ? Object.entries(value as Record<string, unknown>) : pairs(value as unknown[]));
}

for (const resp of [2, 3] as const) {
  test(`ioredis protocol ${resp}: COMMAND COUNT / INFO / GETKEYS`, async () => {
    const client = await ioredis(server, resp);
    try {
      assert.is(await client.command('COUNT'), server.server.commands.byName.size);
      const [info] = (await client.command('INFO', 'set')) as InfoEntry[];
      assert.is(info[0], 'set');
      assert.is(info[1], -3);
      assert.equal([info[3], info[4], info[5]], [1, 1, 1]);
      assert.equal(await client.command('GETKEYS', 'get', 'the-key'), ['the-key']);
    } finally {
      client.disconnect();
    }
  });
}

test.run();
