// A random pick with repeats and a huge count must be refused, not built:
// Redis 7.0 tries to build it and dies; a server must keep serving.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { nodeRedis, startTestServer } from './helpers.js';
import type { RunningServer } from '../server/index.js';

const test = suite('random reply limit');
let server: RunningServer;

test.before(async () => {
  server = await startTestServer();
});
test.after(async () => {
  await server.close();
});

test('SRANDMEMBER, HRANDFIELD, ZRANDMEMBER refuse counts past the limit and keep serving', async () => {
  const c = await nodeRedis(server, 3);
  await c.sAdd('s', ['a', 'b']);
  await c.hSet('h', { f: 'v' });
  await c.zAdd('z', { score: 1, value: 'm' });
  for (const command of [
    ['SRANDMEMBER', 's', '-4611686018427387904'],
    ['HRANDFIELD', 'h', '-4611686018427387904'],
    ['ZRANDMEMBER', 'z', '-4611686018427387904'],
  ]) {
    const failure = await c.sendCommand(command).catch((e: Error) => e);
    assert.instance(failure, Error, command.join(' '));
    assert.match(String(failure), /ERR value is out of range/);
  }
  assert.equal(((await c.sendCommand(['HRANDFIELD', 'h', '-3'])) as string[]).length, 3);
  assert.is(await c.ping(), 'PONG');
  await c.quit();
});

test.run();
