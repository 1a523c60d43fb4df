// Number formatting and parsing exactly as Redis 7.0 on x86-64 Linux does it.
//
// Redis prints doubles with glibc's printf("%.17g"), and INCRBYFLOAT /
// HINCRBYFLOAT compute in C `long double` (the x87 80-bit format: a 64-bit
// significand) and store "%.17Lf" with trailing zeros trimmed. JavaScript has
// neither the format nor glibc's rounding (printf breaks exact ties to even,
// Number#toFixed rounds them up), so the exact cases are done here with BigInt
// arithmetic on binary floats: a value is ±mantissa·2^exponent.

// ---------------------------------------------------------------------------
// Exact binary floats

/** A finite binary float: (negative ? -1 : 1) · mantissa · 2^exponent. */
export interface BinaryFloat {
  readonly negative: boolean;
  readonly mantissa: bigint;
  readonly exponent: number;
}

/** A long double as Redis holds it; `infinite` values have mantissa 0. */
export interface LongDouble extends BinaryFloat {
  readonly infinite: boolean;
}

/** An IEEE-style binary format: significand bits, the weight of the smallest subnormal, the overflow bound. */
interface FloatFormat {
  readonly bits: number;
  /** Exponent of the least significant bit of the smallest subnormal. */
  readonly minLsb: number;
  /** Finite values are below 2^maxExp. */
  readonly maxExp: number;
  /** Decimal exponents beyond which a literal surely overflows / underflows. */
  readonly maxDecimal: number;
  readonly minDecimal: number;
}

/** x87 extended precision: C `long double` on x86-64. */
const X87: FloatFormat = { bits: 64, minLsb: -16445, maxExp: 16384, maxDecimal: 4934, minDecimal: -4953 };
/** IEEE binary64: JavaScript numbers, C `double`. */
const BINARY64: FloatFormat = { bits: 53, minLsb: -1074, maxExp: 1024, maxDecimal: 310, minDecimal: -325 };

function bitLength(n: bigint): number {
  if (n === 0n) return 0;
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0], 16)));
}

function makeLongDouble(negative: boolean, mantissa: bigint, exponent: number): LongDouble {
  return { negative, mantissa, exponent, infinite: false };
}

function infinity(negative: boolean): LongDouble {
  return { negative, mantissa: 0n, exponent: 0, infinite: true };
}

/**
 * Rounds ±mantissa·2^exponent (plus a sticky "something nonzero below" bit)
 * to the format, ties to even, as the FPU does in its default mode.
 */
function roundToFormat(negative: boolean, mantissa: bigint, exponent: number, format: FloatFormat, sticky = false): LongDouble {
  if (mantissa === 0n) return makeLongDouble(negative, 0n, 0);
  const length = bitLength(mantissa);
  if (exponent + length > format.maxExp + 1) return infinity(negative);
  if (exponent + length < format.minLsb - 1) return makeLongDouble(negative, 0n, 0);
  const lsb = Math.max(exponent + length - format.bits, format.minLsb);
  let q = mantissa;
  let at = exponent;
  if (lsb > exponent) {
    const shift = BigInt(lsb - exponent);
    q = mantissa >> shift;
    const rest = mantissa - (q << shift);
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (sticky || (q & 1n) === 1n))) q += 1n;
    at = lsb;
  }
  if (q === 0n) return makeLongDouble(negative, 0n, 0);
  if (bitLength(q) + at > format.maxExp) return infinity(negative);
  return makeLongDouble(negative, q, at);
}

/** The exact value of a double as a binary float. */
export function decomposeDouble(d: number): BinaryFloat {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const negative = high >>> 31 === 1;
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  return { negative, mantissa, exponent };
}

/**
 * round(|value| · 10^power) as an integer: ties to even ('even'), or
 * truncated ('floor').
 */
function scaleToInteger(mantissa: bigint, exponent: number, power: number, mode: 'even' | 'floor'): bigint {
  let numerator = mantissa;
  let denominator = 1n;
  if (power >= 0) numerator *= 10n ** BigInt(power);
  else denominator = 10n ** BigInt(-power);
  if (exponent >= 0) numerator <<= BigInt(exponent);
  else denominator <<= BigInt(-exponent);
  const q = numerator / denominator;
  if (mode === 'floor') return q;
  const twice = (numerator - q * denominator) * 2n;
  if (twice > denominator || (twice === denominator && (q & 1n) === 1n)) return q + 1n;
  return q;
}

// ---------------------------------------------------------------------------
// Doubles: "%.17g"

const TEN_16 = 10n ** 16n;
const TEN_17 = 10n ** 17n;

/** C's printf("%.17g", d), as Redis 7.0 replies doubles. */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  if (Number.isInteger(d) && Math.abs(d) < 1e17) {
    // Exact integers print in full; above 2^53 String() would give the shortest round-trip form.
    return Math.abs(d) <= 2 ** 53 ? String(d) : BigInt(d).toString();
  }
  // JavaScript rounds exact ties away from zero, glibc to even. A tie needs the
  // exact expansion to end in a 5 at the 18th significant digit: only then go exact.
  const eighteen = d.toExponential(17);
  if (eighteen.charCodeAt(eighteen.indexOf('e') - 1) === 53) return formatDoubleExact(d);
  const exponential = d.toExponential(16);
  const cut = exponential.indexOf('e');
  const exponent = Number(exponential.slice(cut + 1));
  if (exponent < -4 || exponent >= 17) {
    const mantissa = trimFraction(exponential.slice(0, cut));
    return mantissa + exponentSuffix(exponent);
  }
  return trimFraction(d.toFixed(16 - exponent));
}

function exponentSuffix(exponent: number): string {
  const abs = Math.abs(exponent);
  return `e${exponent < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

/** "%.17g" from the exact value of d (finite, nonzero). */
function formatDoubleExact(d: number): string {
  const { negative, mantissa, exponent } = decomposeDouble(d);
  // The decimal exponent X of d: 10^16 <= floor(|d|·10^(16-X)) < 10^17.
  let x = Math.floor(Math.log10(Math.abs(d)));
  for (;;) {
    const floor = scaleToInteger(mantissa, exponent, 16 - x, 'floor');
    if (floor >= TEN_17) x++;
    else if (floor < TEN_16) x--;
    else break;
  }
  let digits = scaleToInteger(mantissa, exponent, 16 - x, 'even');
  if (digits === TEN_17) {
    digits = TEN_16;
    x++;
  }
  const text = digits.toString();
  const sign = negative ? '-' : '';
  if (x < -4 || x >= 17) return sign + trimFraction(`${text[0]}.${text.slice(1)}`) + exponentSuffix(x);
  if (x >= 0) return sign + trimFraction(`${text.slice(0, x + 1)}.${text.slice(x + 1)}`);
  return sign + trimFraction(`0.${'0'.repeat(-x - 1)}${text}`);
}

/** Drops trailing zeros of a fraction, and the point if nothing is left. */
export function trimFraction(s: string): string {
  if (s.indexOf('.') < 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}

// ---------------------------------------------------------------------------
// Parsing with C's strtod / strtold grammar

const DECIMAL = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const HEXADECIMAL = /^([+-]?)0[xX](?:([0-9a-fA-F]+)(?:\.([0-9a-fA-F]*))?|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;

/** An exponent in text, clamped: anything beyond a million is far outside every range. */
function exponentValue(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = Number(text);
  return Math.max(-1e7, Math.min(1e7, n));
}

/**
 * What strtod/strtold make of a whole string in the format: a value, an
 * infinity for "inf", or null when the text is not a number, is NaN, or
 * overflows / underflows to zero (strtod's ERANGE, which Redis refuses).
 */
function parseFloatText(text: string, format: FloatFormat): LongDouble | null {
  let m = DECIMAL.exec(text);
  if (m !== null) {
    const negative = m[1] === '-';
    let digits = m[2] !== undefined ? m[2] + (m[3] ?? '') : m[4];
    let scale = exponentValue(m[5]) - (m[2] !== undefined ? (m[3] ?? '').length : m[4].length);
    let start = 0;
    while (start < digits.length && digits.charCodeAt(start) === 48) start++;
    if (start === digits.length) return makeLongDouble(negative, 0n, 0);
    let end = digits.length;
    while (digits.charCodeAt(end - 1) === 48) end--;
    scale += digits.length - end;
    digits = digits.slice(start, end);
    const magnitude = scale + digits.length;
    if (magnitude > format.maxDecimal) return null;
    if (magnitude < format.minDecimal) return null;
    const result = decimalToFloat(negative, BigInt(digits), scale, format);
    return result.infinite || result.mantissa === 0n ? null : result;
  }
  m = HEXADECIMAL.exec(text);
  if (m !== null) {
    const negative = m[1] === '-';
    const whole = m[2] ?? '';
    const fraction = m[2] !== undefined ? (m[3] ?? '') : m[4];
    const mantissa = BigInt(`0x${whole}${fraction}`);
    if (mantissa === 0n) return makeLongDouble(negative, 0n, 0);
    const exponent = exponentValue(m[5]) - 4 * fraction.length;
    const result = roundToFormat(negative, mantissa, exponent, format);
    return result.infinite || result.mantissa === 0n ? null : result;
  }
  m = INFINITY.exec(text);
  if (m !== null) return infinity(m[1] === '-');
  return null;
}

/** digits · 10^scale correctly rounded to the format. */
function decimalToFloat(negative: boolean, digits: bigint, scale: number, format: FloatFormat): LongDouble {
  if (scale >= 0) return roundToFormat(negative, digits * 10n ** BigInt(scale), 0, format);
  const divisor = 10n ** BigInt(-scale);
  const spare = format.bits + 3;
  // Enough quotient bits for the significand plus guard bits (a subnormal needs fewer).
  const shift = Math.max(0, spare + bitLength(divisor) - bitLength(digits));
  const numerator = digits << BigInt(shift);
  const q = numerator / divisor;
  const inexact = q * divisor !== numerator;
  return roundToFormat(negative, (q << 1n) | (inexact ? 1n : 0n), -shift - 1, format);
}

const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

/**
 * Redis's string2ld: the text of a long double as INCRBYFLOAT takes it (an
 * argument or a stored value). Refused: empty or over 5k, leading space,
 * trailing garbage (a NUL byte included), NaN, overflow, underflow to zero.
 * "inf" is accepted.
 */
export function parseLongDouble(text: string): LongDouble | null {
  if (text.length === 0 || text.length >= MAX_LONG_DOUBLE_CHARS) return null;
  return parseFloatText(text, X87);
}

/**
 * Redis's string2d: a double argument (ZADD scores and the like). The same
 * grammar. Returns null when Redis refuses it.
 */
export function parseDoubleText(text: string): number | null {
  if (text.length === 0) return null;
  const decimal = DECIMAL.exec(text);
  if (decimal !== null) {
    // Number() reads this grammar with the same correct rounding as strtod.
    const n = Number(text);
    if (!Number.isFinite(n)) return null;
    // Zero from nonzero digits is an underflow (ERANGE).
    if (n === 0 && /[1-9]/.test(`${decimal[2] ?? ''}${decimal[3] ?? ''}${decimal[4] ?? ''}`)) return null;
    return n;
  }
  const value = parseFloatText(text, BINARY64);
  if (value === null) return null;
  if (value.infinite) return value.negative ? -Infinity : Infinity;
  const magnitude = Number(value.mantissa) * 2 ** value.exponent;
  return value.negative ? -magnitude : magnitude;
}

// ---------------------------------------------------------------------------
// Long doubles: INCRBYFLOAT

/** a + b in long double arithmetic; null when the sum is NaN or infinite. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.infinite || b.infinite) return null;
  if (a.mantissa === 0n && b.mantissa === 0n) return makeLongDouble(a.negative && b.negative, 0n, 0);
  const exponent = Math.min(a.exponent, b.exponent);
  const x = a.mantissa << BigInt(a.exponent - exponent);
  const y = b.mantissa << BigInt(b.exponent - exponent);
  const sum = (a.negative ? -x : x) + (b.negative ? -y : y);
  if (sum === 0n) return makeLongDouble(false, 0n, 0);
  const result = roundToFormat(sum < 0n, sum < 0n ? -sum : sum, exponent, X87);
  return result.infinite ? null : result;
}

/** printf("%.<digits>Lf") of a finite value. */
function formatFixed(value: BinaryFloat, digits: number): string {
  const scaled = scaleToInteger(value.mantissa, value.exponent, digits, 'even');
  const text = scaled.toString().padStart(digits + 1, '0');
  const point = text.length - digits;
  return `${value.negative ? '-' : ''}${text.slice(0, point)}.${text.slice(point)}`;
}

/**
 * The text Redis stores for an INCRBYFLOAT / HINCRBYFLOAT result
 * (ld2string in "human" mode): "%.17Lf", trailing zeros and point trimmed,
 * "-0" written as "0"; infinities as "inf" / "-inf".
 */
export function formatLongDoubleHuman(value: LongDouble): string {
  if (value.infinite) return value.negative ? '-inf' : 'inf';
  const text = trimFraction(formatFixed(value, 17));
  return text === '-0' ? '0' : text;
}

/** The same for a double (exactly representable as a long double). */
export function formatLongDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  const { negative, mantissa, exponent } = decomposeDouble(d);
  return formatLongDoubleHuman(makeLongDouble(negative, mantissa, exponent));
}

export type FloatIncrement = { text: string } | { error: 'notFloat' | 'nanOrInfinity' };

/**
 * INCRBYFLOAT's arithmetic: the text stored after adding increment to the
 * current text (null for a missing key, which counts as 0).
 */
export function incrementFloatText(current: string | null, increment: LongDouble): FloatIncrement {
  const base = current === null ? makeLongDouble(false, 0n, 0) : parseLongDouble(current);
  if (base === null) return { error: 'notFloat' };
  const sum = addLongDouble(base, increment);
  if (sum === null) return { error: 'nanOrInfinity' };
  return { text: formatLongDoubleHuman(sum) };
}
