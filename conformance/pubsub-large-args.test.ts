// PUBLISH with payloads that span many socket reads, sent in pieces cut at
// arbitrary points (inside headers, bodies and CRLFs): each subscriber gets
// the exact bytes, in order, and the publisher's replies are all there.

import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer } from './helpers.js';
import { RawConnection, R } from './pubsub-raw.js';
import { xorshift32 } from '../test/seeded-random.js';

type Running = Awaited<ReturnType<typeof startTestServer>>;
const test = suite('pubsub large arguments');
let server: Running;

test.before(async () => {
  server = await startTestServer();
});

test.after(async () => {
  await server.close();
});


function command(...parts: Buffer[]): Buffer {
  const pieces: Buffer[] = [Buffer.from(`*${parts.length}\r\n`)];
  for (const p of parts) pieces.push(Buffer.from(`$${p.length}\r\n`), p, Buffer.from('\r\n'));
  return Buffer.concat(pieces);
}

test('payloads of every size, written in random pieces, arrive byte for byte', async () => {
  const sub = await RawConnection.connect(server.port);
  const confirm = R.arr(3, R.bulk('subscribe'), R.bulk('ch'), R.int(1));
  assert.is(await sub.call(confirm, 'SUBSCRIBE', 'ch'), confirm);

  const next = xorshift32(7);
  const payloads: Buffer[] = [];
  for (const size of [0, 1, 100, 65535, 65536, 65537, 300000, 1024 * 1024 + 3]) {
    const payload = Buffer.allocUnsafe(size);
    for (let i = 0; i < size; i++) payload[i] = Math.floor(next() * 256);
    payloads.push(payload);
  }
  const wire = Buffer.concat(payloads.map((p) => command(Buffer.from('PUBLISH'), Buffer.from('ch'), p)));

  const pub = await new Promise<net.Socket>((resolve) => {
    const s = net.connect(server.port, '127.0.0.1', () => resolve(s));
  });
  let replies = '';
  pub.on('data', (chunk: Buffer) => (replies += chunk.toString('latin1')));
  for (let at = 0; at < wire.length; ) {
    const piece = Math.max(1, Math.floor(next() * 70000));
    pub.write(wire.subarray(at, at + piece));
    at += piece;
    if (next() < 0.3) await new Promise((r) => setTimeout(r, 1));
  }

  const expected = Buffer.concat(payloads.map((p) => command(Buffer.from('message'), Buffer.from('ch'), p))).toString('latin1');
  const got = await sub.read(expected.length, 10000);
  assert.is(got.length, expected.length);
  assert.ok(got === expected, 'the frames carry the exact payloads');
  for (let i = 0; i < 100 && replies.length < payloads.length * 4; i++) await new Promise((r) => setTimeout(r, 10));
  assert.is(replies, ':1\r\n'.repeat(payloads.length));
  pub.destroy();
  sub.close();
});

async function subscriber(resp: 2 | 3, kind: 'SUBSCRIBE' | 'PSUBSCRIBE', name: string): Promise<RawConnection> {
  const c = await RawConnection.connect(server.port);
  if (resp === 3) {
    c.send('HELLO', '3');
    await c.drain(50);
  }
  const confirm = R.frame(resp, R.bulk(kind.toLowerCase()), R.bulk(name), R.int(1));
  assert.is(await c.call(confirm, kind, name), confirm);
  return c;
}

// Few receivers get the frame written directly, many get one encoding per protocol copied: both must match Redis.
for (const count of [2, 7]) {
  test(`${count} channel subscribers and 2 pattern subscribers, RESP2 and RESP3 mixed`, async () => {
    const subs: Array<{ c: RawConnection; resp: 2 | 3 }> = [];
    for (let i = 0; i < count; i++) {
      const resp = i % 2 === 0 ? 2 : 3;
      subs.push({ c: await subscriber(resp, 'SUBSCRIBE', `mix${count}`), resp });
    }
    const pats: Array<{ c: RawConnection; resp: 2 | 3 }> = [];
    for (const resp of [2, 3] as const) pats.push({ c: await subscriber(resp, 'PSUBSCRIBE', `mix${count}*`), resp });
    const pub = await RawConnection.connect(server.port);
    assert.is(await pub.call(R.int(count + 2), 'PUBLISH', `mix${count}`, 'hello'), R.int(count + 2));
    assert.is(await pub.call(R.int(2), 'PUBLISH', `mix${count}x`, 'other'), R.int(2));
    for (const { c, resp } of subs) {
      const frame = R.frame(resp, R.bulk('message'), R.bulk(`mix${count}`), R.bulk('hello'));
      assert.is(await c.expect(frame), frame);
      c.close();
    }
    for (const { c, resp } of pats) {
      const first = R.frame(resp, R.bulk('pmessage'), R.bulk(`mix${count}*`), R.bulk(`mix${count}`), R.bulk('hello'));
      const second = R.frame(resp, R.bulk('pmessage'), R.bulk(`mix${count}*`), R.bulk(`mix${count}x`), R.bulk('other'));
      assert.is(await c.expect(first + second), first + second);
      c.close();
    }
    pub.close();
  });
}

test.run();
