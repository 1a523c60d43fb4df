import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ioredis, nodeRedis, startTestServer } from './helpers.js';
import type { RunningServer } from '../server/index.js';

const test = suite('connection');
let server: RunningServer;

test.before(async () => {
  server = await startTestServer();
});
test.after(async () => {
  await server.close();
});

for (const resp of [2, 3] as const) {
  test(`node-redis RESP${resp}: PING, ECHO, SET/GET`, async () => {
    const client = await nodeRedis(server, resp);
    assert.is(await client.ping(), 'PONG');
    assert.is(await client.echo('hi'), 'hi');
    assert.is(await client.set('k', 'v'), 'OK');
    assert.is(await client.get('k'), 'v');
    assert.is(await client.get('missing'), null);
    await client.quit();
  });

  test(`ioredis protocol ${resp}: PING and SELECT`, async () => {
    const client = await ioredis(server, resp);
    assert.is(await client.ping(), 'PONG');
    assert.is(await client.select(3), 'OK');
    const failure = await client.select(16).catch((e: Error) => e);
    assert.match(String(failure), /DB index is out of range/);
    client.disconnect();
  });
}

test.run();
