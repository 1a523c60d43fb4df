// The slow consumer: a subscriber that never reads while a publisher sends
// 200 MB. The server runs as a user runs it, `embedis-server` (the CLI, with
// its relaunch under a sized heap and allocator settings), so its memory is
// its own. It must close the subscriber when its output passes
// client-output-buffer-limit pubsub (32mb hard by default), keep its RSS
// under 100 MB above its idle size (the bound), and keep answering
// other clients throughout.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RawConnection, R } from './pubsub-raw.js';
import { freePort } from './helpers.js';

const test = suite('pubsub slow consumer');
let child: ChildProcess;
let port = 0;
/** The process that serves (the CLI relaunches itself: not the one spawned here). */
let serverPid = 0;

function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}


test.before(async () => {
  port = await freePort();
  const cli = fileURLToPath(new URL('../server/cli.js', import.meta.url));
  child = spawn(process.execPath, [cli, '--port', String(port), '--save', '', '--loglevel', 'warning'], { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let i = 0; i < 200 && !exited; i++) {
    try {
      const probe = await RawConnection.connect(port);
      probe.send('INFO', 'server');
      const info = await probe.drain(100);
      probe.close();
      const match = /process_id:(\d+)/.exec(info);
      if (match) {
        serverPid = Number(match[1]);
        return;
      }
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('embedis-server did not start');
});

test.after(() => {
  child.kill();
});

test('a subscriber that never reads is disconnected; memory stays bounded; others are served', async () => {
  const supported = fs.existsSync(`/proc/${serverPid}/status`);
  const sub = await RawConnection.connect(port);
  const pub = await RawConnection.connect(port);
  const other = await RawConnection.connect(port);
  try {
    const confirm = R.arr(3, R.bulk('subscribe'), R.bulk('big'), R.int(1));
    assert.is(await sub.call(confirm, 'SUBSCRIBE', 'big'), confirm);
    sub.socket.pause(); // never reads again
    await new Promise((r) => setTimeout(r, 100));
    const idle = supported ? rssBytes(serverPid) : 0;
    let peak = idle;

    // Another client pings throughout; every PING must be answered.
    let pings = 0;
    let stop = false;
    const pinger = (async () => {
      while (!stop) {
        assert.is(await other.call('+PONG\r\n', 'PING'), '+PONG\r\n');
        pings++;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();

    const payload = 'x'.repeat(1024 * 1024);
    let delivered = 0;
    for (let batch = 0; batch < 20; batch++) {
      let expected = '';
      for (let i = 0; i < 10; i++) pub.send('PUBLISH', 'big', payload);
      // Each reply is :1 while the subscriber is connected, :0 once it is gone.
      const replies = await pub.read(4 * 10, 10000);
      for (let i = 0; i < 10; i++) {
        const reply = replies.slice(i * 4, i * 4 + 4);
        expected += reply === ':1\r\n' || reply === ':0\r\n' ? reply : '?';
        if (reply === ':1\r\n') delivered++;
      }
      assert.not.match(expected, '?', 'PUBLISH answers an integer');
      if (supported) peak = Math.max(peak, rssBytes(serverPid));
    }
    stop = true;
    await pinger;

    // 200 MB were published; the subscriber got far less before it was dropped.
    assert.ok(delivered < 100, `delivered ${delivered} MB before the disconnect`);
    assert.is(await other.call(R.arr(2, R.bulk('big'), R.int(0)), 'PUBSUB', 'NUMSUB', 'big'), R.arr(2, R.bulk('big'), R.int(0)));
    assert.ok(pings > 0, 'other clients were served while the publisher ran');
    // Measured: 55-66 MB (the 32 MB output buffer before the disconnect, plus 1 MB
    // request arguments awaiting GC). Before the request parser copied big
    // arguments once itself, redis-parser's shared pool grew with them: 87-125 MB.
    const growth = peak - idle;
    if (process.env.EMBEDIS_PRINT_RSS === '1') console.log(`RSS idle ${Math.round(idle / 1048576)} MB, growth ${Math.round(growth / 1048576)} MB`);
    if (supported) assert.ok(growth < 100 * 1024 * 1024, `RSS grew by ${Math.round(growth / 1048576)} MB`);
  } finally {
    sub.close();
    pub.close();
    other.close();
  }
});

test.run();
