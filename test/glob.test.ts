// Redis's stringmatchlen rules. Every case-sensitive row was checked with KEYS
// against redis-server 7.0.15; the nocase rows follow the same C code with tolower().

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compileGlob, globMatch } from '../server/glob.js';

const test = suite('glob');

// [pattern, string, expected]
const cases: Array<[string, string, boolean]> = [
  // stars
  ['*', 'anything', true],
  ['*', '', false], // the empty string matches only the empty pattern
  ['**', '', false],
  ['', '', true],
  ['', 'a', false],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ba', false],
  ['*b', 'aXb', true],
  ['*b', 'ba', false],
  ['a*c', 'abbbc', true],
  ['a*c', 'abbbcd', false],
  ['a**c', 'ac', true],
  ['*a*b*', 'xxaxxbxx', true],
  ['*a*b*', 'xxbxxaxx', false],
  ['h*llo*world', 'hello big world', true],
  // question mark
  ['?', 'a', true],
  ['?', '', false],
  ['?', 'ab', false],
  ['a?c', 'abc', true],
  ['???', '\x00\x80\xff', true],
  // literal and escapes
  ['abc', 'abc', true],
  ['abc', 'ABC', false],
  ['\\*', '*', true],
  ['\\*', 'a', false],
  ['\\?', '?', true],
  ['\\\\', '\\', true],
  ['\\', '\\', true], // a lone trailing backslash is literal
  ['a\\', 'a\\', true],
  ['a\\', 'a', false],
  ['\\a', 'a', true],
  ['\\[a]', '[a]', true],
  // classes
  ['[abc]', 'b', true],
  ['[abc]', 'd', false],
  ['[^a]', 'b', true],
  ['[^a]', 'a', false],
  ['[!a]', '!', true], // '!' is not negation
  ['[!a]', 'b', false],
  ['[a-c]', 'b', true],
  ['[a-c]', 'd', false],
  ['[c-a]', 'b', true], // reversed range is swapped
  ['[A-c]', '_', true], // ASCII order: A..Z [ \ ] ^ _ ` a..c
  ['[A-c]', 'x', false],
  ['[a-]', ']', true], // "[a-]" is the range a..']' (93..97)
  ['[a-]', '^', true],
  ['[a-]', '-', false],
  ['[-a]', '-', true],
  ['[a-c-x]', '-', true],
  ['[a-c-x]', 'x', true],
  ['[a-c-x]', 'd', false],
  ['[]', ']', false],
  ['[]]', ']', false], // "[]" is an empty class, then a literal ']'
  ['[]]', ']]', false],
  ['[\\]a]', ']', true],
  ['[\\]a]', 'a', true],
  ['[', '[', false], // "[" alone matches nothing
  ['[a', 'a', true], // unterminated class runs to the end of the pattern
  ['[a', 'b', false],
  ['[^', 'x', true], // negated empty class: any byte
  ['[\\', '\\', true],
  ['a[-]', 'a-', true],
  ['[a-c]x', 'bx', true],
  ['[a-c]x', 'by', false],
  // bytes are signed chars in ranges: [\x01-\xff] is [-1..1]
  ['[\x01-\xff]', '\xff', true],
  ['[\x01-\xff]', '\x01', true],
  ['[\x01-\xff]', 'a', false],
  ['[\x80-\xff]', '\xfe', true],
  ['[\x80-\xff]', 'a', false],
  ['[\x7f-\x80]', 'a', true], // [-128..127]: everything
  ['[\x61-\x80]', '\x01', true], // [-128..97]
  ['[\x61-\x80]', 'b', false],
  // binary keys
  ['a\x00*', 'a\x00b', true],
  ['*\x00', 'ab', false],
];

for (const [pattern, input, expected] of cases) {
  test(`${JSON.stringify(pattern)} ~ ${JSON.stringify(input)} -> ${expected}`, () => {
    assert.is(globMatch(pattern, input), expected);
  });
}

// [pattern, string, expected] with nocase
const nocaseCases: Array<[string, string, boolean]> = [
  ['ABC', 'abc', true],
  ['abc', 'ABC', true],
  ['maxmemory-p*', 'MAXMEMORY-POLICY', true],
  ['[A-C]', 'b', true],
  ['[a-c]', 'B', true],
  ['[Z-a]', 'Z', false], // after the swap, both ends lowered: 'z'..'a' is empty
  ['[\\A]', 'a', false], // an escaped byte in a class compares case-sensitively
  ['[\\A]', 'A', true],
  ['\\A', 'a', true], // but an escaped byte outside a class does not
  ['[^A]', 'a', false],
  ['?', 'x', true],
  ['\xc0', '\xe0', false], // only A-Z fold (C locale)
];

for (const [pattern, input, expected] of nocaseCases) {
  test(`nocase ${JSON.stringify(pattern)} ~ ${JSON.stringify(input)} -> ${expected}`, () => {
    assert.is(globMatch(pattern, input, true), expected);
  });
}

test('recursion cap: more than 1000 non-trailing stars never match', () => {
  const key = 'a'.repeat(3000);
  assert.ok(globMatch('*a'.repeat(1000), key));
  assert.not.ok(globMatch('*a'.repeat(1001), key));
  assert.ok(globMatch('a*'.repeat(1001), key)); // the last star is trailing
  assert.not.ok(globMatch('a*'.repeat(1001) + 'a', key));
  assert.ok(globMatch('*'.repeat(5000) + 'a', key)); // consecutive stars are one
});

test('no exponential blow-up on adversarial patterns', () => {
  const started = performance.now();
  const s = 'a'.repeat(5000);
  assert.not.ok(globMatch('*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b', s));
  assert.ok(performance.now() - started < 2000);
});

test('a compiled matcher is reusable and agrees with globMatch', () => {
  const patterns = ['user:*', '*:session', 'u?er:[0-9]*', '[^x]*', 'plain', '*'];
  const inputs = ['user:1', 'user:', 'x:session', 'uxer:9abc', 'plain', 'xplain', ''];
  for (const p of patterns) {
    const m = compileGlob(p);
    for (const s of inputs) assert.is(m(s), globMatch(p, s), `${p} ~ ${s}`);
  }
  assert.ok(compileGlob('user:*')('user:42'));
  assert.not.ok(compileGlob('user:*')('use'));
  assert.ok(compileGlob('*:session')('x:session'));
  assert.not.ok(compileGlob('*:session')('x:sessions'));
});

test.run();
