/**
 * Durations as flags and the Pushgate-TTL header take them: Go's `time.ParseDuration` syntax
 * (what upstream's kingpin flags accept: `5m`, `1h30m`, `1.5s`, `300ms`) plus Prometheus' `d`,
 * `w` and `y` units (`model.ParseDuration`), so both habits work. No sign: a negative interval or
 * TTL makes no sense here. Shared by the gateway's and the worker's flags and the TTL rules.
 */

const NS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3, // U+00B5 micro sign
  μs: 1e3, // U+03BC greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
  d: 86400e9,
  w: 7 * 86400e9,
  y: 365 * 86400e9,
};

const TERM = /([0-9]*(?:\.[0-9]*)?)([a-zµμ]+)/gy;

/** Parses a duration into milliseconds (fractions kept); undefined when the syntax is wrong. */
export function parseDuration(s: string): number | undefined {
  if (s === '0') return 0;
  if (s === '') return undefined;
  let ns = 0;
  TERM.lastIndex = 0;
  let consumed = 0;
  for (let m = TERM.exec(s); m !== null; m = TERM.exec(s)) {
    const [whole, number = '', unit = ''] = m;
    const perUnit = NS_PER_UNIT[unit];
    if (perUnit === undefined || number === '' || number === '.') return undefined;
    ns += Number(number) * perUnit;
    consumed += whole.length;
  }
  if (consumed !== s.length || !Number.isFinite(ns)) return undefined;
  return ns / 1e6;
}

/**
 * Go's `time.Duration.String()`, which is how upstream echoes a duration flag on
 * /api/v1/status (`5m0s`, `1h30m0s`, `1.5s`, `300ms`, `0s`).
 */
export function formatGoDuration(ms: number): string {
  let ns = BigInt(Math.round(ms * 1e6));
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  if (neg) ns = -ns;
  let out: string;
  if (ns < 1000n) out = `${ns}ns`;
  else if (ns < 1_000_000n) out = `${fraction(ns, 3)}µs`;
  else if (ns < 1_000_000_000n) out = `${fraction(ns, 6)}ms`;
  else {
    const seconds = `${fraction(ns % 60_000_000_000n, 9)}s`;
    const totalMinutes = ns / 60_000_000_000n;
    if (totalMinutes === 0n) out = seconds;
    else {
      const hours = totalMinutes / 60n;
      out = `${totalMinutes % 60n}m${seconds}`;
      if (hours > 0n) out = `${hours}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** `v / 10^digits` with trailing zeros of the fraction (and a bare dot) dropped. */
function fraction(v: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const frac = (v % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac === '' ? `${v / scale}` : `${v / scale}.${frac}`;
}
