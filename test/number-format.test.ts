// formatDouble ("%.17g") and INCRBYFLOAT's long double arithmetic and
// "%.17Lf" text. The expected strings of the two tables (and the accepted /
// refused texts) were read from a real Redis 7.0.15 on x86-64 (ZADD + ZSCORE
// for doubles, SET + INCRBYFLOAT for long doubles), not computed; only the
// last test's values are worked out by hand.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDouble } from '../server/commands/arguments.js';
import {
  formatDouble,
  formatLongDouble,
  incrementFloatText,
  parseDoubleText,
  parseLongDouble,
} from '../server/resp/number-format.js';

const test = suite('number-format');

// [ZADD score text, ZSCORE reply]
const doubles: Array<[string, string]> = [
  ['0.1', '0.10000000000000001'],
  ['1.5', '1.5'],
  ['-2.25', '-2.25'],
  ['3', '3'],
  ['1e17', '1e+17'],
  ['1e16', '10000000000000000'],
  ['123456789012345680', '1.2345678901234568e+17'],
  ['87613612413406370', '87613612413406368'],
  // An exact tie at the 18th digit: glibc rounds to even, JavaScript would print ...313.
  ['2.98023223876953125e-8', '2.9802322387695312e-08'],
  ['0.000003814697265625', '3.814697265625e-06'],
  ['1.25e-7', '1.2499999999999999e-07'],
  ['1e-5', '1.0000000000000001e-05'],
  ['0.0001', '0.0001'],
  ['0.00001234', '1.234e-05'],
  ['9.999999999999999e22', '9.9999999999999992e+22'],
  ['1.7976931348623157e308', '1.7976931348623157e+308'],
  ['0x1p-1074', '4.9406564584124654e-324'],
  ['2.2250738585072014e-308', '2.2250738585072014e-308'],
  ['0.3', '0.29999999999999999'],
  ['1e21', '1e+21'],
  ['12345.678', '12345.678'],
  ['-0.000123', '-0.00012300000000000001'],
  ['100000000000000000000', '1e+20'],
  ['3.0000000000000004', '3.0000000000000004'],
  ['0.1e-3', '0.0001'],
  ['6.02214076e23', '6.0221407599999999e+23'],
  ['0x1.8p-60', '1.3010426069826053e-18'],
];

test('formatDouble prints "%.17g" as Redis replies scores', () => {
  for (const [text, expected] of doubles) {
    const value = parseDoubleText(text);
    assert.ok(value !== null, text);
    assert.is(formatDouble(value!), expected, text);
  }
  assert.is(formatDouble(Infinity), 'inf');
  assert.is(formatDouble(-Infinity), '-inf');
  assert.is(formatDouble(0), '0');
});

test('parseDoubleText follows string2d: accepted and refused texts', () => {
  for (const ok of ['inf', '-inf', '+inf', 'Infinity', '-INFINITY', '+.5', '5.', '00012', '0x1P+3', '0x.8', '-0', '1e-323', '0e-99999']) {
    assert.ok(parseDoubleText(ok) !== null, ok);
  }
  assert.is(parseDoubleText('0x1P+3'), 8);
  assert.is(parseDoubleText('0x.8'), 0.5);
  assert.is(parseDoubleText('+.5'), 0.5);
  for (const bad of ['nan', 'NaN', ' 1', '1 ', '', '.', '1e', '0x', '1\x00', 'infin', '1e-400', '1e309', '2e-324', '0x1p1024', '0x1p-1076', '1_0', '0b1']) {
    assert.is(parseDoubleText(bad), null, JSON.stringify(bad));
  }
});

test('parseDouble (integers read from the bytes) agrees with parseDoubleText on every text', () => {
  const texts = ['0', '-0', '7', '-7', '007', '-007', '123456789012345', '-123456789012345', '999999999999999', '1234567890123456', '-1234567890123456',
    '12345678901234567890', '-', '', '+5', ' 5', '5 ', '1e3', '-12', '1.5', '-.5', '5-', '--5', '0x10', 'inf', '-inf', '(5', '1\x00'];
  for (let n = -1000; n <= 1000; n += 37) texts.push(String(n));
  for (const text of texts) {
    const expected = parseDoubleText(text);
    let got: number | null;
    try {
      got = parseDouble(Buffer.from(text, 'latin1'));
    } catch {
      got = null;
    }
    assert.ok(Object.is(got, expected), `${JSON.stringify(text)}: ${got} vs ${expected}`);
  }
});

// [SET value, INCRBYFLOAT increment, reply] from the real server.
const increments: Array<[string, string, string]> = [
  ['0.1', '0.2', '0.3'],
  ['10.5', '0.1', '10.6'],
  ['5.0e3', '2.0e2', '5200'],
  ['3.0', '1.1', '4.1'],
  ['1', '-1', '0'],
  ['0', '-0.0', '0'],
  ['-1e-20', '0', '0'],
  ['0.000003814697265625', '0', '0.00000381469726562'],
  ['0.000003814697265627', '0', '0.00000381469726563'],
  ['12345678901234567890.5', '0', '12345678901234567890'],
  ['18446744073709551617', '0', '18446744073709551616'],
  ['1e19', '1', '10000000000000000001'],
  [
    '1e400',
    '0',
    '10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880',
  ],
  ['1e-4950', '0', '0'],
  ['0x1p-3', '0x10', '16.125'],
  ['721.944', '721.944', '1443.88800000000000001'],
  ['7922291.7556762695', '7922291.7556762695', '15844583.51135253899974487'],
  ['848e31', '848e31', '16959999999999999999473265210818560'],
  ['3.0000000000000000001', '0', '3'],
  ['0.30000000000000004', '0', '0.30000000000000004'],
  ['1.5', '-0.25', '1.25'],
  ['-5', '3.25', '-1.75'],
  ['100', '1e-17', '100.00000000000000001'],
  ['100', '5e-18', '100.00000000000000001'],
  ['100', '6e-18', '100.00000000000000001'],
  ['9007199254740993', '0', '9007199254740993'],
  ['123.456', '-123.456', '0'],
  ['0.1', '0.1', '0.2'],
  ['1.1', '2.2', '3.3'],
  ['.5', '5.', '5.5'],
  ['+.5', '00012', '12.5'],
  ['99999999999999999999', '1', '100000000000000000000'],
  ['-0.000000000000000005', '0', '0'],
  ['-0.000000000000000006', '0', '-0.00000000000000001'],
  ['1e-17', '0', '0.00000000000000001'],
  ['2.5e-17', '0', '0.00000000000000002'],
  ['3.5e-17', '0', '0.00000000000000004'],
];

test('INCRBYFLOAT arithmetic and text match Redis (long double, "%.17Lf")', () => {
  for (const [value, increment, expected] of increments) {
    const incr = parseLongDouble(increment);
    assert.ok(incr !== null, increment);
    const outcome = incrementFloatText(value, incr!);
    assert.ok('text' in outcome, `${value} + ${increment}`);
    if ('text' in outcome) assert.is(outcome.text, expected, `${value} + ${increment}`);
  }
});

test('INCRBYFLOAT NaN / Infinity and invalid texts', () => {
  // Redis: "ERR increment would produce NaN or Infinity" for these.
  const nan: Array<[string, string]> = [
    ['inf', '0'],
    ['1', 'inf'],
    ['1.18973149535723176502e+4932', '1.18973149535723176502e+4932'],
  ];
  for (const [value, increment] of nan) {
    assert.equal(incrementFloatText(value, parseLongDouble(increment)!), { error: 'nanOrInfinity' });
  }
  // Redis: "ERR value is not a valid float" (stored value or increment).
  for (const bad of ['nan', ' 1', '1 ', '', '.', '1e', '1e+', '0x', '-', '1\x00', '\x00', '1e4933', '1e-4951', '1_0', '0b1']) {
    assert.is(parseLongDouble(bad), null, JSON.stringify(bad));
    assert.equal(incrementFloatText(bad, parseLongDouble('1')!), { error: 'notFloat' });
  }
  // Accepted by strtold in the x87 range: 1e-4950 is a subnormal long double, 1e4932 is finite.
  assert.ok(parseLongDouble('1e-4950') !== null);
  assert.ok(parseLongDouble('1e4932') !== null);
  assert.ok(parseLongDouble('0X1P-3') !== null);
  assert.ok(incrementFloatText(null, parseLongDouble('2.5')!), 'missing key counts as 0');
  assert.equal(incrementFloatText(null, parseLongDouble('2.5')!), { text: '2.5' });
});

test('formatLongDouble of a double prints its exact value with 17 decimals', () => {
  assert.is(formatLongDouble(0.1), '0.10000000000000001');
  assert.is(formatLongDouble(0.5), '0.5');
  assert.is(formatLongDouble(-0), '0');
  assert.is(formatLongDouble(1e20), '100000000000000000000');
  assert.is(formatLongDouble(Infinity), 'inf');
});

test.run();
