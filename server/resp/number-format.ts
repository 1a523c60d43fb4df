// Number formatting exactly as Redis 7.0 prints it. Redis uses C's printf,
// so doubles in replies are "%.17g" and INCRBYFLOAT results are "%.17Lf" with
// trailing zeros trimmed; JavaScript's own toString differs from both.

/** C's printf("%.17g", d). */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  if (Number.isInteger(d) && Math.abs(d) < 1e17) return String(d);
  const exponential = d.toExponential(16);
  const cut = exponential.indexOf('e');
  const exponent = Number(exponential.slice(cut + 1));
  if (exponent < -4 || exponent >= 17) {
    const mantissa = trimFraction(exponential.slice(0, cut));
    const abs = Math.abs(exponent);
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return trimFraction(d.toFixed(16 - exponent));
}

/** Drops trailing zeros of a fraction, and the point if nothing is left. */
export function trimFraction(s: string): string {
  if (s.indexOf('.') < 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}

/**
 * The text Redis stores for an INCRBYFLOAT / HINCRBYFLOAT result: "%.17Lf"
 * of a long double, trailing zeros trimmed. We compute in doubles, so the
 * 17 fraction digits are rounded to the digits a double actually carries.
 */
export function formatLongDouble(d: number): string {
  if (Number.isInteger(d) && Math.abs(d) < 1e21) return Object.is(d, -0) ? '-0' : String(d);
  // A double has at most 17 significant digits; print those, in fixed notation.
  const exponential = d.toExponential(16);
  const cut = exponential.indexOf('e');
  const exponent = Number(exponential.slice(cut + 1));
  const digits = Math.min(100, Math.max(0, 16 - exponent));
  const fixed = trimFraction(Number(exponential).toFixed(Math.min(17, digits)));
  return fixed;
}
