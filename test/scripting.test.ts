// Unit tests of the scripting pieces: RESP <-> VM value conversion, shebang
// parsing, and the VM's Lua 5.1 behaviour as Redis runs it.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseReplies, writeValue } from '../server/scripting/convert.js';
import { parseLibraryHeader, parseScript, sha1hex } from '../server/scripting/library.js';
import { runLua, type ScriptHost } from '../server/scripting/vm.js';
import { ReplyWriter } from '../server/resp/writer.js';
import { ReplyError } from '../server/errors.js';

const test = suite('scripting units');

const b = (s: string) => Buffer.from(s, 'latin1');

function encoded(value: Parameters<typeof writeValue>[1], resp: 2 | 3): string {
  const w = new ReplyWriter();
  w.resp = resp;
  writeValue(w, value);
  return w.take()?.toString('latin1') ?? '';
}

test('RESP2 replies become VM values', () => {
  const values = parseReplies(b('+OK\r\n-ERR bad\r\n:42\r\n$3\r\nabc\r\n$-1\r\n*2\r\n:1\r\n*-1\r\n:9223372036854775807\r\n'));
  assert.equal(values, [{ ok: b('OK') }, { err: b('ERR bad') }, 42, b('abc'), null, [1, null], 9223372036854775807n]);
});

test('RESP3 replies become VM values', () => {
  const values = parseReplies(b('%1\r\n$1\r\na\r\n:1\r\n~1\r\n$1\r\nx\r\n,1.5\r\n#t\r\n#f\r\n_\r\n(123\r\n,inf\r\n'));
  assert.equal(values, [{ map: [[b('a'), 1]] }, { set: [b('x')] }, { double: 1.5 }, true, false, null, { big_number: b('123') }, { double: Infinity }]);
});

test('VM values become replies in both protocols', () => {
  assert.is(encoded(null, 2), '$-1\r\n');
  assert.is(encoded(null, 3), '_\r\n');
  assert.is(encoded(true, 2), ':1\r\n');
  assert.is(encoded(true, 3), '#t\r\n');
  assert.is(encoded({ double: 3.5 }, 2), '$3\r\n3.5\r\n');
  assert.is(encoded({ double: 3.5 }, 3), ',3.5\r\n');
  assert.is(encoded({ map: [[b('a'), 1]] }, 2), '*2\r\n$1\r\na\r\n:1\r\n');
  assert.is(encoded({ map: [[b('a'), 1]] }, 3), '%1\r\n$1\r\na\r\n:1\r\n');
  assert.is(encoded({ err: b('nothing'), code: b('MY') }, 2), '-MY nothing\r\n');
  assert.is(encoded({ ok: b('a\r\nb') }, 2), '+a  b\r\n');
  assert.is(encoded(9223372036854775807n, 2), ':-9223372036854775808\r\n');
});

test('shebang flags and their errors', () => {
  const plain = parseScript(b('return 1'));
  assert.is(plain.shebang, false);
  assert.is(plain.sha, sha1hex(b('return 1')));
  const flagged = parseScript(b('#!lua flags=no-writes,allow-oom\nreturn 1'));
  assert.ok(flagged.flags.has('no-writes') && flagged.flags.has('allow-oom'));
  assert.is(flagged.bare.toString(), '\nreturn 1');
  const errorOf = (body: string) => {
    try {
      parseScript(b(body));
    } catch (error) {
      return (error as ReplyError).text;
    }
    return null;
  };
  assert.is(errorOf('#!lua flags=bad\nreturn 1'), 'ERR Unexpected flag in script shebang: bad');
  assert.is(errorOf('#!luax\nreturn 1'), 'ERR Unexpected engine in script shebang: #!luax');
  assert.is(errorOf('#!lua name=x\nreturn 1'), 'ERR Unknown lua shebang option: name=x');
  assert.is(parseLibraryHeader(b('#!lua name=lib\nx')).name, 'lib');
});

const quietHost: ScriptHost = { call: () => null, log: () => undefined, setResp: () => undefined };

function luaValue(source: string): unknown {
  const outcome = runLua(parseScript(b(source)).source, [], [], quietHost, 0);
  assert.ok('value' in outcome);
  return 'value' in outcome ? outcome.value : undefined;
}

test('Lua 5.1 as Redis runs it: numbers truncate, first result only, bundled libraries', () => {
  assert.is(luaValue('return 3.9'), 3);
  assert.is(luaValue('return unpack({7, 8, 9})'), 7);
  assert.is(luaValue("return loadstring('return 5')()"), 5);
  assert.equal(luaValue("return cjson.encode({a=1})"), b('{"a":1}'));
  assert.is(luaValue('return bit.band(7, 3)'), 3);
  assert.equal(luaValue("return struct.pack('>I2', 258)"), b('\x01\x02'));
  assert.equal(luaValue('return cmsgpack.unpack(cmsgpack.pack({1, 2}))'), [1, 2]);
  assert.equal(luaValue('return _VERSION'), b('Lua 5.1'));
});

test('the instruction budget stops a runaway loop and the VM stays usable', () => {
  const outcome = runLua(parseScript(b('while true do end')).source, [], [], quietHost, 1_000_000);
  assert.ok('value' in outcome);
  const value = 'value' in outcome ? outcome.value : null;
  assert.ok(value !== null && typeof value === 'object' && 'err' in value && value.err.toString().includes('fuel'));
  assert.is(luaValue('return 1 + 1'), 2);
});

test.run();
