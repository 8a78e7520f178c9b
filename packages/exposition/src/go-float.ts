/**
 * Float formatting and parsing as Go's strconv does it for the exposition formats.
 *
 * formatGoFloat = `strconv.FormatFloat(v, 'g', -1, 64)`: the shortest digits that round-trip
 * (JS and Go agree on those), in plain notation when the decimal exponent is in [-4, 5]
 * (JS `String` already does that there), otherwise `d.ddde±XX` with at least two exponent
 * digits, where JS would differ (`1e+21` vs `1e21`, `1.5e+06` vs `1500000`).
 */
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return '0'; // also -0, which Go prints as "0" here
  const exp = v.toExponential(); // shortest round-trip digits, e.g. "-1.2345e+6"
  const e = exp.indexOf('e');
  const exponent = Number(exp.slice(e + 1));
  if (exponent >= -4 && exponent < 6) return String(v);
  const mantissa = exp.slice(0, e);
  const sign = exponent < 0 ? '-' : '+';
  const abs = Math.abs(exponent);
  return `${mantissa}e${sign}${abs < 10 ? '0' : ''}${abs}`;
}

/**
 * `strconv.FormatFloat(v, 'g', -1, 64)` itself, which keeps the sign of -0 ("-0"). Upstream's
 * JSON API formats with it; the text format (expfmt) prints -0 as "0", hence formatGoFloat.
 */
export function formatGoFloatSigned(v: number): string {
  return Object.is(v, -0) ? '-0' : formatGoFloat(v);
}

const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/**
 * Parses a sample value as the text format does (`expfmt` parseFloat): Go's ParseFloat minus hex
 * floats and underscores. Accepts decimal notation, `Inf`/`Infinity` with optional sign and `NaN`
 * (no sign), case-insensitively. Returns undefined for anything else, including values that
 * overflow float64 (Go reports ErrRange there).
 */
export function parseGoFloat(s: string): number | undefined {
  if (DECIMAL.test(s)) {
    const v = Number(s);
    return Number.isFinite(v) ? v : undefined;
  }
  let body = s;
  let sign = 1;
  if (body.startsWith('+') || body.startsWith('-')) {
    if (body.startsWith('-')) sign = -1;
    body = body.slice(1);
    const lower = body.toLowerCase();
    return lower === 'inf' || lower === 'infinity' ? sign * Infinity : undefined;
  }
  const lower = body.toLowerCase();
  if (lower === 'inf' || lower === 'infinity') return Infinity;
  if (lower === 'nan') return NaN;
  return undefined;
}
