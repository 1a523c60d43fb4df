// splitInlineArgs against Redis 7.0's sdssplitargs. Every expectation below
// was checked on a real redis-server by sending the line as an inline
// command (RPUSH L <line>, then LRANGE L 0 -1, or ECHO <line>) and reading
// the raw reply bytes.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { splitInlineArgs } from '../server/resp/inline.js';

const test = suite('inline args (sdssplitargs)');

const split = (line: string): string[] | null => splitInlineArgs(line);

test('empty and blank input give no arguments', () => {
  assert.equal(split(''), []);
  assert.equal(split('   '), []);
  assert.equal(split(' \t \r\n '), []);
});

test('plain words split on space, tab, CR and LF, runs of them collapse', () => {
  assert.equal(split('PING'), ['PING']);
  assert.equal(split('SET k v'), ['SET', 'k', 'v']);
  assert.equal(split('  SET   k\tv  '), ['SET', 'k', 'v']);
  assert.equal(split('a\rb\nc'), ['a', 'b', 'c']);
});

test('vertical tab and form feed end no word but are skipped before one', () => {
  // sdssplitargs skips leading blanks with isspace(), but a word ends only at
  // ' ', '\n', '\r', '\t' (and NUL): "a\vb" stays one argument in Redis.
  assert.equal(split('a\x0bb'), ['a\x0bb']);
  assert.equal(split('a\fb'), ['a\fb']);
  assert.equal(split('\x0ba'), ['a']);
  assert.equal(split('\fa \x0bb'), ['a', 'b']);
  // A closing quote may be followed by any isspace() character, \v and \f included.
  assert.equal(split('"a"\x0bb'), ['a', 'b']);
  assert.equal(split("'a'\fb"), ['a', 'b']);
});

test('double quotes group words, empty quotes give an empty argument', () => {
  assert.equal(split('ECHO "a b"'), ['ECHO', 'a b']);
  assert.equal(split('""'), ['']);
  assert.equal(split("''"), ['']);
  assert.equal(split('SET k ""'), ['SET', 'k', '']);
  assert.equal(split('"it\'s"'), ["it's"]);
});

test('quotes may open in the middle of a word', () => {
  assert.equal(split('a"b c"'), ['ab c']);
  assert.equal(split("a'b c'"), ['ab c']);
  assert.equal(split('x"y"'), ['xy']);
});

test('escapes inside double quotes', () => {
  assert.equal(split('"\\n\\r\\t\\b\\a"'), ['\n\r\t\b\x07']);
  assert.equal(split('"a\\"b"'), ['a"b']);
  assert.equal(split('"a\\\\b"'), ['a\\b']);
  // Any other escaped character stands for itself.
  assert.equal(split('"\\q"'), ['q']);
  assert.equal(split("\"\\'\""), ["'"]);
});

test('hex escapes: exactly two hex digits, either case', () => {
  assert.equal(split('"\\x41\\x4a"'), ['AJ']);
  assert.equal(split('"\\xFF\\xfe"'), ['\xff\xfe']);
  assert.equal(split('"\\x00"'), ['\x00']);
  // Not followed by two hex digits: '\x' is just an escaped 'x'.
  assert.equal(split('"\\x4g"'), ['x4g']);
  assert.equal(split('"\\xzz"'), ['xzz']);
  assert.equal(split('x "\\x4"'), ['x', 'x4']);
  assert.equal(split('"\\x"'), ['x']);
  // Upper-case X is no hex escape.
  assert.equal(split('"\\X41"'), ['X41']);
  // Outside quotes backslashes are literal.
  assert.equal(split('a\\x41'), ['a\\x41']);
});

test('single quotes: only \\\' is an escape', () => {
  assert.equal(split("'v w'"), ['v w']);
  assert.equal(split("'it\\'s'"), ["it's"]);
  assert.equal(split("'a\\nb'"), ['a\\nb']);
  assert.equal(split("'a\\x41'"), ['a\\x41']);
  assert.equal(split("'a\\\\b'"), ['a\\\\b']);
  assert.equal(split("'say \"hi\"'"), ['say "hi"']);
});

test('a closing quote must be followed by a blank or the end', () => {
  assert.is(split('"a"b'), null);
  assert.is(split("'a'b"), null);
  assert.is(split('ECHO "a"b c'), null);
  assert.equal(split('"a"\tb'), ['a', 'b']);
  assert.equal(split('"a" b'), ['a', 'b']);
  assert.equal(split("'a'"), ['a']);
});

test('unterminated quotes are unbalanced', () => {
  assert.is(split('"abc'), null);
  assert.is(split("'abc"), null);
  assert.is(split('ECHO "a b'), null);
  // An escaped closing quote does not close.
  assert.is(split('"a\\"'), null);
  assert.is(split("'a\\'"), null);
  // A backslash as the last character inside quotes is kept, the quote is still open.
  assert.is(split('"a\\'), null);
});

test('arguments are bytes: latin1 characters pass through unchanged', () => {
  assert.equal(split('SET \xe9t\xe9 \xff'), ['SET', '\xe9t\xe9', '\xff']);
});

test.run();
