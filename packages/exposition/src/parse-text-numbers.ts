/** Go integer conversions the text parser applies to sample values and timestamps. */

const TWO_63 = 2 ** 63;
const TWO_64 = 2 ** 64;

/**
 * `uint64(v)` for a float64 as Go compiles it on amd64, which is what puts `_count` and bucket
 * values into the proto upstream: truncation toward zero; negative values wrap around
 * (`-1` -> 2^64-1, printed `1.8446744073709552e+19`); NaN, ±Inf and anything outside
 * (-2^63, 2^64) become 2^63 (`9.223372036854776e+18`). Verified on the 1.5.1 binary. The result
 * is returned as the nearest double, like every uint64 count in the model.
 */
export function goUint64FromFloat(v: number): number {
  if (!(v > -TWO_63 && v < TWO_64)) return TWO_63; // also NaN
  const t = Math.trunc(v);
  if (t === 0) return 0; // -0.5 truncates to -0, which is 0 as an integer
  return t < 0 ? TWO_64 + t : t;
}

const INT64_MAX = '9223372036854775807';
const INT64_MIN_ABS = '9223372036854775808';

/**
 * `strconv.ParseInt(s, 10, 64)` over the ASCII bytes `b[start:end]`: optional sign, at least one
 * decimal digit, nothing else (no underscores with an explicit base), within int64. Returns the
 * value as the nearest double, or undefined where Go returns an error.
 */
export function parseGoInt64(b: Uint8Array, start: number, end: number): number | undefined {
  let i = start;
  const sign = b[i];
  const negative = sign === 0x2d;
  if (negative || sign === 0x2b) i++;
  if (i === end) return undefined;
  let firstSignificant = -1;
  for (let j = i; j < end; j++) {
    const c = b[j] as number;
    if (c < 0x30 || c > 0x39) return undefined;
    if (firstSignificant < 0 && c !== 0x30) firstSignificant = j;
  }
  if (firstSignificant < 0) return 0;
  const digits = Buffer.from(
    b.buffer,
    b.byteOffset + firstSignificant,
    end - firstSignificant,
  ).toString('latin1');
  const limit = negative ? INT64_MIN_ABS : INT64_MAX;
  // Same length: decimal strings compare like the numbers they spell.
  if (digits.length > limit.length || (digits.length === limit.length && digits > limit))
    return undefined;
  const v = Number(digits);
  return negative ? -v : v;
}

const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The everyday sample value spellings (`42`, `-0.25`, `1.5e3`) read straight from the bytes:
 * at most 15 significant digits and a decimal exponent within ±22, where one IEEE multiplication
 * or division of two exact doubles gives the correctly rounded result (Clinger's fast path), the
 * same double Go's ParseFloat returns. Anything else yields undefined and goes the slow way
 * (parseGoFloat), which also owns every rejection.
 */
export function parseSimpleDecimal(b: Uint8Array, start: number, end: number): number | undefined {
  let i = start;
  const negative = b[i] === 0x2d;
  if (negative || b[i] === 0x2b) i++;
  let mantissa = 0;
  let significant = 0;
  let scale = 0;
  let digits = false;
  let dot = false;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c >= 0x30 && c <= 0x39) {
      digits = true;
      if (dot) scale--;
      if (mantissa === 0 && c === 0x30) continue; // leading zeros are not significant
      if (++significant > 15) return undefined;
      mantissa = mantissa * 10 + (c - 0x30);
    } else if (c === 0x2e && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!digits) return undefined;
  if (i < end) {
    if (b[i] !== 0x65 && b[i] !== 0x45) return undefined;
    i++;
    const negativeExponent = b[i] === 0x2d;
    if (negativeExponent || b[i] === 0x2b) i++;
    if (i === end) return undefined;
    let exponent = 0;
    for (; i < end; i++) {
      const c = b[i]!;
      if (c < 0x30 || c > 0x39 || exponent > 100) return undefined;
      exponent = exponent * 10 + (c - 0x30);
    }
    scale += negativeExponent ? -exponent : exponent;
  }
  if (scale < -22 || scale > 22) return undefined;
  const v =
    scale < 0 ? mantissa / EXACT_POWERS_OF_TEN[-scale]! : mantissa * EXACT_POWERS_OF_TEN[scale]!;
  return negative ? -v : v;
}
