import {
  escapeHelp,
  escapeLabelValue,
  renderText,
  renderTextChunks,
  TextRenderError,
} from './render-text';
import type { Histogram, LabelPair, Metric, MetricFamily } from './types';

const labels = (pairs: Record<string, string> = {}): LabelPair[] =>
  Object.entries(pairs).map(([name, value]) => ({ name, value }));
const gauge = (name: string, value: number, pairs?: Record<string, string>): MetricFamily => ({
  name,
  type: 'GAUGE',
  metric: [{ label: labels(pairs), gauge: { value } }],
});
const histogram = (
  h: Histogram,
  pairs?: Record<string, string>,
  extra: Partial<Metric> = {},
): MetricFamily => ({
  name: 'h',
  type: 'HISTOGRAM',
  metric: [{ label: labels(pairs), histogram: h, ...extra }],
});

describe('escapeLabelValue', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a\\b', 'a\\\\b'],
    ['say "hi"', 'say \\"hi\\"'],
    ['two\nlines', 'two\\nlines'],
    ['\\"\n', '\\\\\\"\\n'],
    ['tab\tand\rreturn', 'tab\tand\rreturn'],
    ['Björn 佖 😀', 'Björn 佖 😀'],
  ])('%j → %j', (value, want) => {
    expect(escapeLabelValue(value)).toBe(want);
  });
});

describe('escapeHelp', () => {
  it.each([
    ['plain help', 'plain help'],
    ['a\\b', 'a\\\\b'],
    ['two\nlines', 'two\\nlines'],
    ['"quotes" stay', '"quotes" stay'],
    ['\\n is not a newline', '\\\\n is not a newline'],
  ])('%j → %j', (help, want) => {
    expect(escapeHelp(help)).toBe(want);
  });
});

describe('renderText', () => {
  it('writes HELP only when set; an empty HELP keeps its trailing space', () => {
    expect(
      renderText([
        { ...gauge('a', 1), help: 'some help' },
        { ...gauge('b', 2), help: '' },
        gauge('c', 3),
      ]),
    ).toBe(
      '# HELP a some help\n# TYPE a gauge\na 1\n' +
        '# HELP b \n# TYPE b gauge\nb 2\n' +
        '# TYPE c gauge\nc 3\n',
    );
  });

  it('escapes HELP and label values', () => {
    const family = {
      ...gauge('g', 1, { a: 'x"y', b: 'back\\slash\nnl' }),
      help: 'line\nback\\slash "q"',
    };
    expect(renderText([family])).toBe(
      '# HELP g line\\nback\\\\slash "q"\n# TYPE g gauge\ng{a="x\\"y",b="back\\\\slash\\nnl"} 1\n',
    );
  });

  it.each([
    ['COUNTER', { counter: { value: 1 } }, 'counter'],
    ['GAUGE', { gauge: { value: 1 } }, 'gauge'],
    ['UNTYPED', { untyped: { value: 1 } }, 'untyped'],
  ] as const)('writes %s families with their type and value', (type, value, word) => {
    expect(
      renderText([{ name: 'm', type, metric: [{ label: labels({ l: 'v' }), ...value }] }]),
    ).toBe(`# TYPE m ${word}\nm{l="v"} 1\n`);
  });

  it('keeps families, metrics and labels in the order given', () => {
    const family: MetricFamily = {
      name: 'z',
      type: 'GAUGE',
      metric: [
        { label: labels({ b: '2', a: '1' }), gauge: { value: 1 } },
        { label: labels({ a: '0' }), gauge: { value: 2 } },
      ],
    };
    expect(renderText([family, gauge('a', 3)])).toBe(
      '# TYPE z gauge\nz{b="2",a="1"} 1\nz{a="0"} 2\n# TYPE a gauge\na 3\n',
    );
  });

  it.each([
    [0, '0'],
    [-0, '0'],
    [1, '1'],
    [-1, '-1'],
    [0.1, '0.1'],
    [123456, '123456'],
    [999999.5, '999999.5'],
    [1e6, '1e+06'],
    [-1234567, '-1.234567e+06'],
    [0.0001, '0.0001'],
    [-0.0001, '-0.0001'],
    [0.00009999, '9.999e-05'],
    [1e-5, '1e-05'],
    [1e21, '1e+21'],
    [3.14e42, '3.14e+42'],
    [5e-324, '5e-324'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ])('formats the value %p as %p', (value, want) => {
    expect(renderText([gauge('g', value)])).toBe(`# TYPE g gauge\ng ${want}\n`);
  });

  it('appends the timestamp to every line of a metric', () => {
    const family: MetricFamily = {
      name: 's',
      type: 'SUMMARY',
      metric: [
        {
          label: [],
          summary: { sampleCount: 1, sampleSum: 2, quantile: [{ quantile: 0.5, value: 3 }] },
          timestampMs: 1234567890,
        },
      ],
    };
    expect(renderText([family])).toBe(
      '# TYPE s summary\ns{quantile="0.5"} 3 1234567890\ns_sum 2 1234567890\ns_count 1 1234567890\n',
    );
    expect(renderText([histogram({ sampleCount: 1, bucket: [] }, {}, { timestampMs: -5 })])).toBe(
      '# TYPE h histogram\nh_bucket{le="+Inf"} 1 -5\nh_sum 0 -5\nh_count 1 -5\n',
    );
  });

  describe('summary', () => {
    it('writes quantiles, with the quantile label last, then _sum and _count', () => {
      const family: MetricFamily = {
        name: 'rpc',
        type: 'SUMMARY',
        metric: [
          {
            label: labels({ b: '2', a: '1' }),
            summary: {
              sampleCount: 1234567,
              sampleSum: -3.4567,
              quantile: [
                { quantile: 0.99, value: NaN },
                { quantile: 1e-5, value: 1e6 },
              ],
            },
          },
        ],
      };
      expect(renderText([family])).toBe(
        '# TYPE rpc summary\n' +
          'rpc{b="2",a="1",quantile="0.99"} NaN\n' +
          'rpc{b="2",a="1",quantile="1e-05"} 1e+06\n' +
          'rpc_sum{b="2",a="1"} -3.4567\n' +
          'rpc_count{b="2",a="1"} 1.234567e+06\n',
      );
    });

    it('prints 0 for a missing sum and count', () => {
      const family: MetricFamily = {
        name: 's',
        type: 'SUMMARY',
        metric: [{ label: [], summary: { quantile: [] } }],
      };
      expect(renderText([family])).toBe('# TYPE s summary\ns_sum 0\ns_count 0\n');
    });
  });

  describe('histogram', () => {
    it.each<[string, Histogram, string]>([
      [
        'adds the +Inf bucket from the count when none was pushed',
        { sampleCount: 7, sampleSum: 1.5, bucket: [{ upperBound: 0.5, cumulativeCount: 3 }] },
        'h_bucket{x="1",le="0.5"} 3\nh_bucket{x="1",le="+Inf"} 7\nh_sum{x="1"} 1.5\nh_count{x="1"} 7\n',
      ],
      [
        'keeps a pushed +Inf bucket, even one that disagrees with the count',
        { sampleCount: 7, bucket: [{ upperBound: Infinity, cumulativeCount: 6 }] },
        'h_bucket{x="1",le="+Inf"} 6\nh_sum{x="1"} 0\nh_count{x="1"} 7\n',
      ],
      [
        'writes buckets in stored order, duplicates included',
        {
          sampleCount: 3,
          bucket: [
            { upperBound: 1, cumulativeCount: 2 },
            { upperBound: 0.1, cumulativeCount: 1 },
            { upperBound: 1, cumulativeCount: 2 },
          ],
        },
        'h_bucket{x="1",le="1"} 2\nh_bucket{x="1",le="0.1"} 1\nh_bucket{x="1",le="1"} 2\nh_bucket{x="1",le="+Inf"} 3\nh_sum{x="1"} 0\nh_count{x="1"} 3\n',
      ],
      [
        'formats le values like sample values',
        {
          sampleCount: 1,
          bucket: [
            { upperBound: 1e-5, cumulativeCount: 0 },
            { upperBound: 2.5e6, cumulativeCount: 1 },
            { upperBound: -Infinity, cumulativeCount: 0 },
            { upperBound: 0.0001, cumulativeCount: 1 },
          ],
        },
        'h_bucket{x="1",le="1e-05"} 0\nh_bucket{x="1",le="2.5e+06"} 1\nh_bucket{x="1",le="-Inf"} 0\nh_bucket{x="1",le="0.0001"} 1\nh_bucket{x="1",le="+Inf"} 1\nh_sum{x="1"} 0\nh_count{x="1"} 1\n',
      ],
      [
        'shows a native-only histogram as +Inf, _sum and _count',
        {
          sampleCount: 9,
          sampleSum: 4.5,
          bucket: [],
          schema: 3,
          zeroThreshold: 1e-128,
          zeroCount: 1,
          positiveSpan: [{ offset: 0, length: 1 }],
          positiveDelta: [8],
        },
        'h_bucket{x="1",le="+Inf"} 9\nh_sum{x="1"} 4.5\nh_count{x="1"} 9\n',
      ],
      [
        'prints float counts in preference to integer ones (HEAD; 1.5.1 prints the integers)',
        {
          sampleCount: 1,
          sampleCountFloat: 2693.123,
          sampleSum: 1756047.3,
          bucket: [
            { upperBound: 100, cumulativeCountFloat: 123.123 },
            { upperBound: 120, cumulativeCount: 5, cumulativeCountFloat: 412 },
          ],
        },
        'h_bucket{x="1",le="100"} 123.123\nh_bucket{x="1",le="120"} 412\nh_bucket{x="1",le="+Inf"} 2693.123\nh_sum{x="1"} 1.7560473e+06\nh_count{x="1"} 2693.123\n',
      ],
      [
        'prints 0 for a missing count and sum',
        { bucket: [] },
        'h_bucket{x="1",le="+Inf"} 0\nh_sum{x="1"} 0\nh_count{x="1"} 0\n',
      ],
    ])('%s', (_, h, samples) => {
      expect(renderText([histogram(h, { x: '1' })])).toBe(`# TYPE h histogram\n${samples}`);
    });

    it('puts le alone in the braces of a metric without labels', () => {
      expect(
        renderText([
          histogram({ sampleCount: 1, bucket: [{ upperBound: 1, cumulativeCount: 1 }] }),
        ]),
      ).toBe('# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 1\nh_sum 0\nh_count 1\n');
    });

    it('renders a GAUGE_HISTOGRAM as a histogram with _sum and _count, as HEAD does', () => {
      const family: MetricFamily = {
        name: 'gh',
        help: 'queue',
        type: 'GAUGE_HISTOGRAM',
        metric: [
          {
            label: [],
            histogram: {
              sampleCount: 2,
              sampleSum: 3,
              bucket: [{ upperBound: 1, cumulativeCount: 1 }],
            },
          },
        ],
      };
      expect(renderText([family])).toBe(
        '# HELP gh queue\n# TYPE gh histogram\ngh_bucket{le="1"} 1\ngh_bucket{le="+Inf"} 2\ngh_sum 3\ngh_count 2\n',
      );
    });
  });

  it('writes nothing for a family without metrics and nothing at all for no families', () => {
    expect(renderText([{ name: 'empty', help: 'h', type: 'GAUGE', metric: [] }])).toBe('');
    expect(renderText([])).toBe('');
  });

  it('writes names verbatim, as 1.5.1 does with protobuf-pushed names', () => {
    expect(renderText([gauge('0bad', 1, { 'la-bel': 'v' })])).toBe(
      '# TYPE 0bad gauge\n0bad{la-bel="v"} 1\n',
    );
  });

  it.each([
    ['COUNTER', 'counter'],
    ['GAUGE', 'gauge'],
    ['UNTYPED', 'untyped'],
    ['SUMMARY', 'summary'],
    ['HISTOGRAM', 'histogram'],
    ['GAUGE_HISTOGRAM', 'histogram'],
  ] as const)('refuses a %s metric without its value field', (type, kind) => {
    const family: MetricFamily = {
      name: 'm',
      type,
      metric: [{ label: [], untyped: { value: 1 } }],
    };
    if (type === 'UNTYPED') family.metric = [{ label: [], gauge: { value: 1 } }];
    expect(() => renderText([family])).toThrow(new TextRenderError(`expected ${kind} in metric m`));
  });

  it('renders a scrape larger than one output chunk without losing or reordering lines', () => {
    const metric: Metric[] = [];
    for (let i = 0; i < 20000; i++)
      metric.push({ label: labels({ i: String(i) }), gauge: { value: i } });
    const lines = renderText([{ name: 'big', type: 'GAUGE', metric }]).split('\n');
    expect(lines).toHaveLength(20002);
    expect(lines[1]).toBe('big{i="0"} 0');
    expect(lines[20000]).toBe('big{i="19999"} 19999');
    expect(lines[20001]).toBe('');
  });
});

describe('renderTextChunks', () => {
  const families: MetricFamily[] = [
    {
      name: 'a',
      help: 'h',
      type: 'GAUGE',
      metric: Array.from({ length: 50 }, (_, i) => ({
        label: labels({ i: String(i) }),
        gauge: { value: i },
      })),
    },
    { name: 'e', type: 'GAUGE', metric: [] },
    {
      name: 's',
      type: 'SUMMARY',
      metric: [{ label: [], summary: { sampleCount: 1, quantile: [{ quantile: 0.5, value: 1 }] } }],
    },
  ];

  it.each([1, 10, 100, 1e6])(
    'cuts at line ends into chunks of about %p characters that join to renderText',
    (size) => {
      const chunks = [...renderTextChunks(families, size)];
      expect(chunks.join('')).toBe(renderText(families));
      for (const chunk of chunks) expect(chunk.endsWith('\n')).toBe(true);
      // A chunk only grows past the size by the lines of the metric that filled it.
      for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(size);
      if (size === 1e6) expect(chunks).toHaveLength(1);
    },
  );

  it('yields nothing for nothing to render', () => {
    expect([...renderTextChunks([])]).toEqual([]);
    expect([...renderTextChunks([{ name: 'e', type: 'GAUGE', metric: [] }])]).toEqual([]);
  });

  it('keeps a summary or histogram metric in one chunk', () => {
    const chunks = [...renderTextChunks(families, 1)];
    expect(chunks).toContain('# TYPE s summary\ns{quantile="0.5"} 1\ns_sum 0\ns_count 1\n');
  });
});
