import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextParseError } from './errors';
import { parseText } from './parse-text';
import type { Metric, MetricFamily } from './types';

interface UpstreamCase {
  name: string;
  body: string;
  /** body holds one byte per char (raw, possibly invalid UTF-8) instead of UTF-8 text. */
  latin1?: boolean;
  status: number;
  response: string;
  /** For accepted bodies: what upstream stored, in the fixture's canonical form. */
  families?: unknown[];
}

// Bodies PUT to the real Pushgateway 1.5.1 and its answers, recorded by record-upstream.mjs.
const fixture = JSON.parse(
  readFileSync(join(__dirname, '../tests/fixtures/text/upstream-cases.json'), 'utf8'),
) as { recordedWith: string; cases: UpstreamCase[] };

/** Where this parser knowingly differs from upstream (see parse-text.ts). */
const DEVIATIONS: Readonly<Record<string, string>> = {
  // Upstream answers 200, stores a series without a value and breaks every later text scrape.
  'TYPE gauge_histogram':
    'text format parsing error in line 2: unexpected type for metric name "gh"',
};

const bodyOf = (c: UpstreamCase): Buffer => Buffer.from(c.body, c.latin1 ? 'latin1' : 'utf8');

/** The fixture's canonicalForm (see record-upstream.mjs), so our families compare with upstream's. */
function canonical(families: MetricFamily[]): unknown[] {
  const num = (v: number): number | string =>
    Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : v;
  const optional = (k: string, v: number | undefined) => (v === undefined ? {} : { [k]: num(v) });
  const series = (m: Metric): Record<string, unknown> => {
    const out: Record<string, unknown> = {
      label: m.label.map((l) => [l.name, l.value]).sort(),
    };
    if (m.counter) out.counter = num(m.counter.value);
    if (m.gauge) out.gauge = num(m.gauge.value);
    if (m.untyped) out.untyped = num(m.untyped.value);
    if (m.summary) {
      out.summary = {
        quantile: m.summary.quantile.map((q) => [num(q.quantile), num(q.value)]),
        ...optional('sampleCount', m.summary.sampleCount),
        ...optional('sampleSum', m.summary.sampleSum),
      };
    }
    if (m.histogram) {
      out.histogram = {
        bucket: m.histogram.bucket.map((b) => [num(b.upperBound), num(b.cumulativeCount ?? 0)]),
        ...optional('sampleCount', m.histogram.sampleCount),
        ...optional('sampleSum', m.histogram.sampleSum),
      };
    }
    if (m.timestampMs !== undefined) out.timestampMs = m.timestampMs;
    return out;
  };
  const byJson = (a: unknown, b: unknown): number =>
    JSON.stringify(a) < JSON.stringify(b) ? -1 : 1;
  return [...families]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((f) => ({
      name: f.name,
      ...(f.help === undefined ? {} : { help: f.help }),
      type: f.type,
      metric: f.metric.map(series).sort(byJson),
    }));
}

function outcome(body: Buffer | string): string {
  try {
    parseText(body);
    return 'accepted';
  } catch (e) {
    if (e instanceof TextParseError) return e.message;
    throw e;
  }
}

describe('parseText against recorded upstream answers', () => {
  it('has a recorded fixture', () => {
    expect(fixture.recordedWith).toBe('prometheus-pushgateway 1.5.1');
    expect(fixture.cases.length).toBeGreaterThan(200);
    expect(fixture.cases.filter((c) => c.families !== undefined).length).toBeGreaterThan(70);
  });

  // A 400 that is not a text parsing error comes from later validation (timestamps, duplicates,
  // reserved label names): the parser itself must accept those bodies.
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const upstream = c.response.startsWith('text format parsing error') ? c.response : 'accepted';
    expect(outcome(bodyOf(c))).toBe(DEVIATIONS[c.name] ?? upstream);
  });

  // Upstream's own parse of every accepted body, read back from a protobuf scrape: same families,
  // types, HELP, series, labels, values, and which optional fields (_sum, _count) are set.
  it.each(
    fixture.cases
      .filter((c) => c.families !== undefined && DEVIATIONS[c.name] === undefined)
      .map((c) => [c.name, c] as const),
  )('stores what upstream stores: %s', (_name, c) => {
    expect(canonical(parseText(bodyOf(c)))).toEqual(c.families);
  });

  it('reports the line number on the error object', () => {
    let caught: unknown;
    try {
      parseText('a 1\n\n# x\nb{x="\\t"} 1\n');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TextParseError);
    expect(caught).toMatchObject({ line: 4, detail: "invalid escape sequence '\\t'" });
  });
});

describe('parseText results', () => {
  const parse = (body: string): MetricFamily[] => parseText(Buffer.from(body, 'utf8'));

  it('returns [] for empty, blank, comment-only and HELP/TYPE-only bodies', () => {
    expect(parse('')).toEqual([]);
    expect(parse('  \n\t\n')).toEqual([]);
    expect(parse('# UNIT a seconds\n# EOF\n#\n')).toEqual([]);
    expect(parse('# HELP a x\n# TYPE a counter\n# TYPE b gauge\n')).toEqual([]);
  });

  it('puts counter, gauge and untyped values in their own field', () => {
    expect(parse('# TYPE c counter\nc 1\n# TYPE g gauge\ng{x="y"} -2.5\nu +Inf\n')).toEqual([
      { name: 'c', type: 'COUNTER', metric: [{ label: [], counter: { value: 1 } }] },
      {
        name: 'g',
        type: 'GAUGE',
        metric: [{ label: [{ name: 'x', value: 'y' }], gauge: { value: -2.5 } }],
      },
      { name: 'u', type: 'UNTYPED', metric: [{ label: [], untyped: { value: Infinity } }] },
    ]);
  });

  it('reads the Go float spellings', () => {
    const values = parse('a NaN\na -inf\na 1e3\na .5\na 5.\na +5\na 1e-400\n').flatMap((f) =>
      f.metric.map((m) => m.untyped?.value),
    );
    expect(values).toEqual([NaN, -Infinity, 1000, 0.5, 5, 5, 0]);
  });

  it('keeps help undefined without text and sets it, unescaped, with text', () => {
    expect(parse('# HELP g\ng 1\n')[0]).not.toHaveProperty('help');
    expect(parse('# HELP g \t\ng 1\n')[0]).not.toHaveProperty('help');
    expect(parse('# HELP g  a\\\\b\\nc \ng 1\n')[0]).toMatchObject({ help: 'a\\b\nc ' });
    // HELP after the samples is fine; TYPE is not (see the upstream table).
    expect(parse('g 1\n# HELP g late\n')[0]).toMatchObject({ help: 'late', type: 'UNTYPED' });
  });

  it('replaces invalid UTF-8 in HELP instead of rejecting it', () => {
    expect(parseText(Buffer.from('# HELP g a\xffb\ng 1\n', 'latin1'))[0]?.help).toBe('a\ufffdb');
  });

  it('decodes label values: escapes, UTF-8, order as given', () => {
    expect(parse('a{z="\\\\\\"\\n",b="Π😀",a=""} 1\n')[0]?.metric[0]?.label).toEqual([
      { name: 'z', value: '\\"\n' },
      { name: 'b', value: 'Π😀' },
      { name: 'a', value: '' },
    ]);
  });

  it('accepts blanks, tabs and a trailing comma around labels', () => {
    expect(parse('  a { x = "1" ,\ty="2" , }\t7\n')).toEqual([
      {
        name: 'a',
        type: 'UNTYPED',
        metric: [
          {
            label: [
              { name: 'x', value: '1' },
              { name: 'y', value: '2' },
            ],
            untyped: { value: 7 },
          },
        ],
      },
    ]);
  });

  it('parses timestamps into int64 milliseconds (rejecting them is not its job)', () => {
    const [a] = parse('a 1 1700000000000\na 2 -5\na 3 +0\n');
    expect(a?.metric.map((m) => m.timestampMs)).toEqual([1700000000000, -5, 0]);
    expect(parse('a 1\n')[0]?.metric[0]).not.toHaveProperty('timestampMs');
  });

  it('keeps duplicate and non-contiguous series of plain families (caught later)', () => {
    expect(parse('a 1\nb 1\na 2\n')).toEqual([
      {
        name: 'a',
        type: 'UNTYPED',
        metric: [
          { label: [], untyped: { value: 1 } },
          { label: [], untyped: { value: 2 } },
        ],
      },
      { name: 'b', type: 'UNTYPED', metric: [{ label: [], untyped: { value: 1 } }] },
    ]);
  });

  it('folds summary quantiles, _sum and _count by label set, in any order', () => {
    const body = [
      '# TYPE s summary',
      's{b="1",a="1",quantile="0.5"} 1',
      'other 0',
      's{a="2",quantile="0.5"} 4',
      's_count{a="1",b="1"} 3',
      's{a="1",b="1",quantile="0.9"} 2',
      's_sum{b="1",a="1"} 9.5',
      '',
    ].join('\n');
    expect(parse(body)).toEqual([
      {
        name: 's',
        type: 'SUMMARY',
        metric: [
          {
            label: [
              { name: 'b', value: '1' },
              { name: 'a', value: '1' },
            ],
            summary: {
              sampleCount: 3,
              sampleSum: 9.5,
              quantile: [
                { quantile: 0.5, value: 1 },
                { quantile: 0.9, value: 2 },
              ],
            },
          },
          {
            label: [{ name: 'a', value: '2' }],
            summary: { quantile: [{ quantile: 0.5, value: 4 }] },
          },
        ],
      },
      { name: 'other', type: 'UNTYPED', metric: [{ label: [], untyped: { value: 0 } }] },
    ]);
  });

  it('leaves summary sampleCount/sampleSum unset when not pushed', () => {
    expect(parse('# TYPE st summary\nst_count 3\n')[0]?.metric).toEqual([
      { label: [], summary: { sampleCount: 3, quantile: [] } },
    ]);
    // A sample without quantile that is neither _sum nor _count still creates the series.
    expect(parse('# TYPE s summary\ns{x="1"} 5\n')[0]?.metric).toEqual([
      { label: [{ name: 'x', value: '1' }], summary: { quantile: [] } },
    ]);
  });

  it('folds histogram buckets in pushed order, duplicates included', () => {
    const body =
      '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 3\nh_bucket{le="1"} 2\nh_sum 4.5\n';
    expect(parse(body)[0]).toEqual({
      name: 'h',
      type: 'HISTOGRAM',
      metric: [
        {
          label: [],
          histogram: {
            sampleSum: 4.5,
            bucket: [
              { upperBound: 1, cumulativeCount: 1 },
              { upperBound: Infinity, cumulativeCount: 3 },
              { upperBound: 1, cumulativeCount: 2 },
            ],
          },
        },
      ],
    });
  });

  it('treats quantile/le as plain labels outside summaries/histograms respectively', () => {
    expect(parse('# TYPE h histogram\nh_count{quantile="q",le="2"} 1\n')[0]?.metric).toEqual([
      { label: [{ name: 'quantile', value: 'q' }], histogram: { sampleCount: 1, bucket: [] } },
    ]);
    expect(parse('# TYPE s summary\ns{le="x",quantile="1"} 1\n')[0]?.metric).toEqual([
      { label: [{ name: 'le', value: 'x' }], summary: { quantile: [{ quantile: 1, value: 1 }] } },
    ]);
  });

  it('converts counts like Go uint64(float64) on amd64 (verified on the binary)', () => {
    const counts = (v: string): number | undefined =>
      parse(`# TYPE h histogram\nh_count ${v}\n`)[0]?.metric[0]?.histogram?.sampleCount;
    expect(counts('1.7')).toBe(1);
    expect(counts('-0.5')).toBe(0);
    expect(counts('-1')).toBe(2 ** 64 - 1);
    expect(counts('-1.5')).toBe(2 ** 64 - 1);
    expect(counts('9.3e18')).toBe(9.3e18);
    for (const v of ['NaN', '+Inf', '-Inf', '1e30', '-1e30', '1.8446744073709552e19']) {
      expect(counts(v)).toBe(2 ** 63);
    }
  });

  it('attaches _count/_sum/_bucket only to a declared summary/histogram of that exact name', () => {
    const families = parse('# TYPE cc counter\ncc_total 1\n# TYPE g gauge\ng_count 1\n');
    expect(families.map((f) => [f.name, f.type])).toEqual([
      ['cc_total', 'UNTYPED'],
      ['g_count', 'UNTYPED'],
    ]);
    // An existing family of the exact name wins over the summary it would fold into.
    expect(parse('# TYPE s_count gauge\n# TYPE s summary\ns_count 1\n')).toEqual([
      { name: 's_count', type: 'GAUGE', metric: [{ label: [], gauge: { value: 1 } }] },
    ]);
    // HELP for `s_count` documents the summary `s`.
    expect(parse('# TYPE s summary\n# HELP s_count c\ns_sum 1\n')[0]).toMatchObject({
      name: 's',
      help: 'c',
    });
  });

  it('reads a type case-insensitively, including the runes Go upper-cases to ASCII', () => {
    expect(parse('# TYPE a CoUnTeR\na 1\n')[0]?.type).toBe('COUNTER');
    expect(parse('# TYPE a ſummary\na_count 1\n')[0]?.type).toBe('SUMMARY');
    expect(() => parse('# TYPE a hiﬆogram\na 1\n')).toThrow('unknown metric type "hiﬆogram"');
  });

  it('reads a Buffer that is a view into a larger allocation', () => {
    const view = Buffer.from('xxxa{l="v"} 2 -17\n# HELP a h\\\\n\nyyy').subarray(3, 32);
    expect(parseText(view)).toEqual([
      {
        name: 'a',
        help: 'h\\n',
        type: 'UNTYPED',
        metric: [{ label: [{ name: 'l', value: 'v' }], untyped: { value: 2 }, timestampMs: -17 }],
      },
    ]);
  });

  it('accepts a string as well as a Buffer', () => {
    expect(parseText('a{x="é"} 1\n')).toEqual(parseText(Buffer.from('a{x="é"} 1\n')));
  });
});
