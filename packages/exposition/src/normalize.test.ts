import { compareBytes, compareMetrics, normalizeFamilies } from './normalize';
import type { Metric, MetricFamily } from './types';

const m = (labels: Array<[string, string]>, timestampMs?: number): Metric => {
  const metric: Metric = {
    label: labels.map(([name, value]) => ({ name, value })),
    gauge: { value: 0 },
  };
  if (timestampMs !== undefined) metric.timestampMs = timestampMs;
  return metric;
};
const family = (name: string, metric: Metric[]): MetricFamily => ({ name, type: 'GAUGE', metric });
const sign = (n: number) => Math.sign(n);

describe('compareBytes', () => {
  it.each([
    ['a', 'a', 0],
    ['', 'a', -1],
    ['a', 'ab', -1],
    ['B', 'a', -1],
    ['_', 'a', -1],
    [':', '_', -1],
    ['a1', 'a:', -1],
    ['10', '2', -1],
    ['z', 'é', -1],
    ['é', '佖', -1],
    // U+FF61 is EF BD A1 in UTF-8, U+1F600 is F0 9F 98 80: byte order puts the emoji last,
    // UTF-16 code units (0xFF61 vs 0xD83D) would put it first.
    ['\uff61', '\u{1f600}', -1],
    ['\ue000', '\u{10000}', -1],
    ['\ud7ff', '\u{10000}', -1],
    ['\u{1f600}', '\u{1f601}', -1],
    ['a\u{1f600}', 'a\uffff', 1],
  ])('%j vs %j → %i', (a, b, want) => {
    expect(sign(compareBytes(a, b))).toBe(want);
    expect(sign(compareBytes(b, a))).toBe(want === 0 ? 0 : -want);
    expect(sign(compareBytes(a, b))).toBe(sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });
});

describe('compareMetrics', () => {
  it.each<[string, Metric, Metric]>([
    [
      'fewer labels first',
      m([['z', 'z']]),
      m([
        ['a', 'a'],
        ['b', 'b'],
      ]),
    ],
    ['no labels before some', m([]), m([['a', '']])],
    [
      'label values position by position',
      m([
        ['a', '1'],
        ['b', '9'],
      ]),
      m([
        ['a', '2'],
        ['b', '0'],
      ]),
    ],
    ['values in byte order, not numeric', m([['a', '10']]), m([['a', '9']])],
    ['values in UTF-8 byte order', m([['a', '\uff61']]), m([['a', '\u{1f600}']])],
    ['label names are not compared before values', m([['z', 'a']]), m([['a', 'b']])],
    ['equal values: earlier timestamp first', m([['a', '1']], 5), m([['a', '1']], 6)],
    ['equal values: timestamp before none', m([['a', '1']], 9), m([['a', '1']])],
    ['equal values and timestamps: label names settle it', m([['a', '1']]), m([['b', '1']])],
  ])('%s', (_, first, second) => {
    expect(compareMetrics(first, second)).toBeLessThan(0);
    expect(compareMetrics(second, first)).toBeGreaterThan(0);
  });

  it('treats metrics with equal labels and timestamps as equal', () => {
    expect(compareMetrics(m([['a', '1']], 3), m([['a', '1']], 3))).toBe(0);
    expect(compareMetrics(m([]), m([]))).toBe(0);
  });
});

describe('normalizeFamilies', () => {
  it('drops families without metrics and sorts families by name in byte order', () => {
    const input = ['b', 'B', 'a_b', 'a:b', 'a', 'a1', 'empty'].map((name) =>
      family(name, name === 'empty' ? [] : [m([])]),
    );
    expect(normalizeFamilies(input).map((f) => f.name)).toEqual([
      'B',
      'a',
      'a1',
      'a:b',
      'a_b',
      'b',
    ]);
  });

  it('sorts the metrics of every family', () => {
    const [out] = normalizeFamilies([
      family('f', [
        m([
          ['a', 'x'],
          ['b', '2'],
        ]),
        m([
          ['a', 'x'],
          ['b', '10'],
        ]),
        m([]),
        m([['a', 'z']]),
        m([['a', '']]),
      ]),
    ]);
    expect(out?.metric.map((x) => x.label.map((l) => l.value).join(','))).toEqual([
      '',
      '',
      'z',
      'x,10',
      'x,2',
    ]);
  });

  it('sorts by UTF-8 bytes also when values contain characters above U+FFFF', () => {
    const values = ['\u{1f600}', 'z', '\uff61', 'é', 'Z', '\ue000', '\u{10000}'];
    const [out] = normalizeFamilies([
      family(
        'f',
        values.map((v) => m([['a', v]])),
      ),
    ]);
    expect(out?.metric.map((x) => x.label[0]?.value)).toEqual([
      'Z',
      'z',
      'é',
      '\ue000',
      '\uff61',
      '\u{10000}',
      '\u{1f600}',
    ]);
  });

  it('gives the same order whatever the input order (ties included)', () => {
    const metrics = [
      m([['a', '1']]),
      m([['b', '1']]),
      m([['a', '1']], 2),
      m([
        ['a', '0'],
        ['b', '0'],
      ]),
      m([['c', '\u{1f600}']]),
    ];
    const orders = [
      metrics,
      [...metrics].reverse(),
      [metrics[2], metrics[4], metrics[0], metrics[3], metrics[1]] as Metric[],
    ];
    const results = orders.map((order) => normalizeFamilies([family('f', order)])[0]?.metric);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('does not mutate its input', () => {
    const metrics = [m([['a', '2']]), m([['a', '1']])];
    const input = [family('z', metrics), family('a', [m([])]), family('e', [])];
    const snapshot = JSON.parse(JSON.stringify(input)) as unknown;
    const out = normalizeFamilies(input);
    expect(input).toEqual(snapshot);
    expect(input[0]?.metric).toBe(metrics);
    expect(out[1]?.metric.map((x) => x.label[0]?.value)).toEqual(['1', '2']);
    // Families are copied, metrics are shared.
    expect(out[1]).not.toBe(input[0]);
    expect(out[1]?.metric[0]).toBe(metrics[1]);
  });

  it('keeps every family field other than the metric order', () => {
    const input: MetricFamily = {
      name: 'h',
      help: '',
      unit: 'seconds',
      type: 'HISTOGRAM',
      metric: [{ label: [], histogram: { bucket: [] } }],
    };
    expect(normalizeFamilies([input])).toEqual([input]);
  });
});
