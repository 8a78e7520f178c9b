/**
 * Seeded mutation fuzzing of parseText: whatever the bytes, it either returns structurally valid
 * families or throws a TextParseError pointing at a line of the input. Anything else (a TypeError
 * from an unchecked index, a RangeError, a family that violates the model) is a bug. The seed is
 * fixed so a failure reproduces; the failing body is printed with it.
 */
import { TextParseError } from './errors';
import { isValidLabelName, isValidMetricName } from './names';
import { parseText } from './parse-text';
import type { Metric, MetricFamily, MetricType } from './types';

const SEED = 0x5eed_7e47;
const ITERATIONS = 30_000;

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  'a 1\n',
  '# HELP c A counter.\n# TYPE c counter\nc{x="1",y="a\\"b\\\\c\\n"} 3\nc{x="2"} 4 1700000000000\n',
  '# TYPE g gauge\ng -1.5e-3\ng{l="Π😀"} NaN\n\n  g{ l = "2" , } +Inf\n',
  '# TYPE s summary\ns{quantile="0.5"} 1\ns{quantile="0.99"} 2\ns_sum 3\ns_count 4\ns{a="b",quantile="1"} 5\n',
  '# TYPE h histogram\nh_bucket{le="0.1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 0.3\nh_count 2\nh_bucket{x="y",le="1"} 7\n',
  '# HELP u Some \\\\ help \\n text.\nu{a="",b="x"} 0\n# UNIT u seconds\n# EOF\n',
  '#TYPE cc counter\ncc_total 1\n:x:y 2\n_a\t3\n',
];

const TOKENS = [
  '{',
  '}',
  '"',
  '\\',
  '=',
  ',',
  '#',
  ' ',
  '\t',
  '\n',
  '\r',
  '\r\n',
  'le',
  'quantile',
  '_count',
  '_sum',
  '_bucket',
  '__name__',
  '# HELP ',
  '# TYPE ',
  'summary',
  'histogram',
  'gauge_histogram',
  'counter',
  'NaN',
  '+Inf',
  '-inf',
  '0x10',
  '1_000',
  '1e309',
  '1e-400',
  '9'.repeat(400),
  '-',
  '-9223372036854775809',
  '9223372036854775807',
  '\\n',
  '\\"',
  '\\t',
  '\ufeff',
  '\u00ff',
];

/** Mostly-invalid byte snippets: lone continuation bytes, overlong forms, truncated sequences. */
const RAW_BYTES = [
  [0xff],
  [0x80],
  [0xc3],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0x00],
];

function mutate(body: Buffer, rand: () => number): Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const at = (): number => Math.floor(rand() * (body.length + 1));
  const splice = (i: number, del: number, ins: Buffer): Buffer =>
    Buffer.concat([body.subarray(0, i), ins, body.subarray(Math.min(body.length, i + del))]);
  switch (Math.floor(rand() * 9)) {
    case 0: {
      if (body.length === 0) return body;
      const out = Buffer.from(body);
      const i = Math.floor(rand() * out.length);
      out[i] = out[i]! ^ (1 << Math.floor(rand() * 8));
      return out;
    }
    case 1:
      return splice(at(), 0, Buffer.from(pick(TOKENS)));
    case 2:
      return splice(at(), 1 + Math.floor(rand() * 4), Buffer.alloc(0));
    case 3:
      return body.subarray(0, at());
    case 4: {
      // A random code point, surrogates included (they encode as U+FFFD).
      const cp = Math.floor(rand() * 0x110000);
      return splice(at(), 0, Buffer.from(String.fromCodePoint(cp)));
    }
    case 5:
      return splice(at(), 0, Buffer.from(pick(RAW_BYTES)));
    case 6: {
      // Duplicate a line somewhere else: repeated series, HELP and TYPE lines.
      const lines = body.toString('latin1').split('\n');
      const line = pick(lines);
      lines.splice(Math.floor(rand() * lines.length), 0, line);
      return Buffer.from(lines.join('\n'), 'latin1');
    }
    case 7: {
      // Copy a short slice elsewhere: repeated labels, nested braces, doubled values.
      const from = Math.floor(rand() * body.length);
      const slice = Buffer.from(body.subarray(from, from + 1 + Math.floor(rand() * 16)));
      return splice(at(), 0, slice);
    }
    default:
      return splice(at(), 0, Buffer.from([Math.floor(rand() * 256)]));
  }
}

const VALUE_FIELD: Record<MetricType, keyof Metric> = {
  COUNTER: 'counter',
  GAUGE: 'gauge',
  UNTYPED: 'untyped',
  SUMMARY: 'summary',
  HISTOGRAM: 'histogram',
  GAUGE_HISTOGRAM: 'histogram',
};
const VALUE_FIELDS = ['counter', 'gauge', 'untyped', 'summary', 'histogram'] as const;

/** No lone surrogates: the string survives a UTF-8 round trip. */
const isWellFormed = (s: string): boolean => Buffer.from(s, 'utf8').toString('utf8') === s;

const isUint64 = (n: unknown): boolean =>
  typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 2 ** 64;

/** Returns what is wrong with the families, or undefined if they fit the model. */
function violation(families: MetricFamily[]): string | undefined {
  const names = new Set<string>();
  for (const f of families) {
    if (!isValidMetricName(f.name)) return `family name ${f.name}`;
    if (names.has(f.name)) return `family ${f.name} twice`;
    names.add(f.name);
    if (f.help !== undefined && (typeof f.help !== 'string' || !isWellFormed(f.help)))
      return 'help';
    if (f.metric.length === 0) return `family ${f.name} without metrics`;
    const field = VALUE_FIELD[f.type];
    if (field === undefined || f.type === 'GAUGE_HISTOGRAM') return `type ${f.type}`;
    for (const m of f.metric) {
      const set = VALUE_FIELDS.filter((k) => m[k] !== undefined);
      if (set.length !== 1 || set[0] !== field) return `${f.name} has ${set.join('+')}`;
      const labelNames = new Set<string>();
      for (const l of m.label) {
        if (!isValidLabelName(l.name) || l.name === '__name__') return `label name ${l.name}`;
        if (labelNames.has(l.name)) return `duplicate label ${l.name}`;
        labelNames.add(l.name);
        if (typeof l.value !== 'string' || !isWellFormed(l.value)) return 'label value';
      }
      if (m.timestampMs !== undefined && !Number.isInteger(m.timestampMs)) return 'timestamp';
      const plain = m.counter ?? m.gauge ?? m.untyped;
      if (plain !== undefined && typeof plain.value !== 'number') return 'value';
      if (m.summary !== undefined) {
        const s = m.summary;
        if (s.sampleCount !== undefined && !isUint64(s.sampleCount)) return 'summary count';
        if (s.sampleSum !== undefined && typeof s.sampleSum !== 'number') return 'summary sum';
        if (
          !s.quantile.every((q) => typeof q.quantile === 'number' && typeof q.value === 'number')
        ) {
          return 'quantile';
        }
      }
      if (m.histogram !== undefined) {
        const h = m.histogram;
        if (h.sampleCount !== undefined && !isUint64(h.sampleCount)) return 'histogram count';
        if (h.sampleSum !== undefined && typeof h.sampleSum !== 'number') return 'histogram sum';
        if (
          !h.bucket.every((b) => typeof b.upperBound === 'number' && isUint64(b.cumulativeCount))
        ) {
          return 'bucket';
        }
      }
    }
  }
  return undefined;
}

describe('parseText under mutation', () => {
  it(`returns valid families or throws TextParseError (${ITERATIONS} seeded mutations)`, () => {
    const rand = rng(SEED);
    const seeds = SEEDS.map((s) => Buffer.from(s));
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      let body: Buffer = seeds[i % seeds.length]!;
      // Stack a few mutations; sometimes glue two seeds first so families interleave.
      if (rand() < 0.2) body = Buffer.concat([body, seeds[Math.floor(rand() * seeds.length)]!]);
      const rounds = 1 + Math.floor(rand() * 4);
      for (let r = 0; r < rounds; r++) body = mutate(body, rand);

      const fail = (what: string, cause?: unknown): Error =>
        new Error(`iteration ${i}, body ${JSON.stringify(body.toString('latin1'))}: ${what}`, {
          cause,
        });
      let families: MetricFamily[];
      try {
        families = parseText(body);
      } catch (e) {
        if (!(e instanceof TextParseError)) throw fail(`threw ${String(e)}`, e);
        const lines = body.filter((b) => b === 0x0a).length + 1;
        const prefix = `text format parsing error in line ${e.line}: `;
        if (e.line < 1 || e.line > lines || !e.message.startsWith(prefix)) {
          throw fail(`bad error ${e.message}`, e);
        }
        rejected++;
        continue;
      }
      const wrong = violation(families);
      if (wrong !== undefined) throw fail(wrong);
      accepted++;
    }
    // Guard against a fuzzer that only ever produces garbage (or never does).
    expect(accepted).toBeGreaterThan(ITERATIONS / 20);
    expect(rejected).toBeGreaterThan(ITERATIONS / 20);
  });
});
