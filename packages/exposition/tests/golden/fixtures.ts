/**
 * Push bodies whose scrapes are pinned in tests/golden/<name>.prom. Each fixture is pushed as
 * delimited protobuf to the real pushgateway 1.5.1 under job=<name>; the file is its text scrape
 * reduced to the fixture's families (the gateway's own go_*, process_*, pushgateway_*,
 * push_time_seconds and push_failure_time_seconds left out). Regenerate with
 * `UPDATE_GOLDEN=1 npx jest packages/exposition/tests/upstream-oracle.test.ts`.
 *
 * Only what 1.5.1 renders the way we do belongs here: no timestamps (rejected on push), no float
 * or gauge histograms (1.5.1 prints zero counts / breaks the scrape; unit tests pin HEAD's output).
 */
import type { Metric, MetricFamily } from '../../src/types';

export interface GoldenFixture {
  name: string;
  families: MetricFamily[];
}

const l = (labels: Record<string, string> = {}) =>
  Object.entries(labels).map(([name, value]) => ({ name, value }));
const gauge = (value: number, labels?: Record<string, string>): Metric => ({
  label: l(labels),
  gauge: { value },
});

const FLOATS: number[] = [
  0,
  -0,
  1,
  -1,
  0.1,
  123456,
  1e6,
  1234567,
  0.0001,
  1e-5,
  1e21,
  1e100,
  3.14e42,
  -1.23e-45,
  5e-324,
  1.7976931348623157e308,
  1795246698.036667,
  999999.9999999999,
  0.00009999,
  NaN,
  Infinity,
  -Infinity,
];

export const GOLDEN_FIXTURES: readonly GoldenFixture[] = [
  {
    name: 'basic',
    families: [
      {
        name: 'requests_total',
        help: 'Requests served, by "code".',
        type: 'COUNTER',
        metric: [
          { label: l({ code: '200', path: '/api' }), counter: { value: 1027 } },
          { label: l({ code: '500', path: '/api' }), counter: { value: 3 } },
        ],
      },
      {
        name: 'temperature_celsius',
        help: 'Two-line\nhelp with a back\\slash.',
        type: 'GAUGE',
        metric: [
          gauge(21.5, { room: 'Björn\'s "office"' }),
          gauge(-3.25, { room: 'line\nbreak \\ back' }),
        ],
      },
      { name: 'no_help', type: 'UNTYPED', metric: [{ label: [], untyped: { value: 42 } }] },
      { name: 'empty_help', help: '', type: 'GAUGE', metric: [gauge(1)] },
      // Pushed labels are sorted by name and job is overwritten by the grouping key.
      {
        name: 'relabelled',
        help: 'job from the path wins',
        type: 'GAUGE',
        metric: [gauge(7, { zone: 'z', job: 'other', a: 'a' })],
      },
      {
        name: 'unicode_values',
        type: 'GAUGE',
        metric: [gauge(1, { v: '佖佥' }), gauge(2, { v: 'Π😀' })],
      },
    ],
  },
  {
    name: 'floats',
    families: [
      {
        name: 'float_values',
        help: 'Go FormatFloat g -1 in sample values.',
        type: 'GAUGE',
        metric: FLOATS.map((v, i) => gauge(v, { i: String(i).padStart(2, '0') })),
      },
    ],
  },
  {
    name: 'summary',
    families: [
      {
        name: 'rpc_duration_seconds',
        help: 'RPC latency.',
        type: 'SUMMARY',
        metric: [
          {
            label: l({ service: 'a' }),
            summary: {
              sampleCount: 4711,
              sampleSum: 2010.1971,
              quantile: [
                { quantile: 0.5, value: 1 },
                { quantile: 0.9, value: 2 },
                { quantile: 0.99, value: 3 },
                { quantile: 0.999, value: NaN },
              ],
            },
          },
          // Neither sum nor count pushed: both print 0.
          { label: l({ service: 'b' }), summary: { quantile: [{ quantile: 0.05, value: 1e-5 }] } },
          { label: l({ service: 'c' }), summary: { sampleCount: 3, quantile: [] } },
          {
            label: l({ service: 'd' }),
            summary: {
              sampleCount: 1234567,
              sampleSum: 1e21,
              quantile: [{ quantile: 1e-5, value: 1e6 }],
            },
          },
        ],
      },
    ],
  },
  {
    name: 'histogram',
    families: [
      {
        name: 'request_duration_seconds',
        help: 'Classic histograms as stored.',
        type: 'HISTOGRAM',
        metric: [
          {
            label: l({ path: 'with-inf' }),
            histogram: {
              sampleCount: 2693,
              sampleSum: 1756047.3,
              bucket: [
                { upperBound: 0.005, cumulativeCount: 123 },
                { upperBound: 1e-5, cumulativeCount: 1 },
                { upperBound: 2.5e6, cumulativeCount: 1524 },
                { upperBound: Infinity, cumulativeCount: 2693 },
              ],
            },
          },
          {
            label: l({ path: 'without-inf' }),
            histogram: {
              sampleCount: 17,
              sampleSum: 0.5,
              bucket: [
                { upperBound: 1, cumulativeCount: 10 },
                { upperBound: 0.1, cumulativeCount: 5 },
                { upperBound: 1, cumulativeCount: 11 },
                { upperBound: 1e21, cumulativeCount: 16 },
              ],
            },
          },
          { label: l({ path: 'no-buckets' }), histogram: { sampleCount: 0, bucket: [] } },
          {
            label: l({ path: 'no-count' }),
            histogram: { sampleSum: 2, bucket: [{ upperBound: -1, cumulativeCount: 0 }] },
          },
        ],
      },
    ],
  },
  {
    name: 'native-histogram',
    families: [
      {
        name: 'native_seconds',
        help: 'Native histograms: text shows only the +Inf bucket, sum and count.',
        type: 'HISTOGRAM',
        metric: [
          {
            label: l({ kind: 'native-only' }),
            histogram: {
              sampleCount: 9,
              sampleSum: 4.5,
              bucket: [],
              schema: 3,
              zeroThreshold: 1e-128,
              zeroCount: 1,
              negativeSpan: [{ offset: 0, length: 1 }],
              negativeDelta: [2],
              positiveSpan: [
                { offset: -2, length: 2 },
                { offset: 3, length: 1 },
              ],
              positiveDelta: [1, 2, -1],
            },
          },
          {
            label: l({ kind: 'both' }),
            histogram: {
              sampleCount: 4,
              sampleSum: 1.25,
              bucket: [{ upperBound: 0.5, cumulativeCount: 3 }],
              schema: 0,
              zeroThreshold: 0,
              zeroCount: 0,
              positiveSpan: [{ offset: 0, length: 0 }],
            },
          },
        ],
      },
    ],
  },
  {
    name: 'sorting',
    families: [
      // Family names in byte order: upper case, digits, ':' and '_' before lower case.
      { name: 'sort_b', type: 'GAUGE', metric: [gauge(1)] },
      { name: 'sort_B', type: 'GAUGE', metric: [gauge(1)] },
      { name: 'sort_a:b', type: 'GAUGE', metric: [gauge(1)] },
      { name: 'sort_a_b', type: 'GAUGE', metric: [gauge(1)] },
      { name: 'sort_a', type: 'GAUGE', metric: [gauge(1)] },
      { name: 'sort_a1', type: 'GAUGE', metric: [gauge(1)] },
      {
        name: 'sort_series',
        help: 'Fewer labels first, then label values position by position, in UTF-8 byte order.',
        type: 'GAUGE',
        metric: [
          gauge(1, { a: 'x', b: '2' }),
          gauge(2, { a: 'x', b: '10' }),
          gauge(3, { a: '\uff61' }),
          gauge(4, { a: '\u{1f600}' }),
          gauge(5, { a: 'z' }),
          gauge(6, { a: 'é' }),
          gauge(7, { a: 'Z' }),
          gauge(8, { a: '' }),
          gauge(9),
          gauge(10, { a: 'x', b: '1', c: '' }),
        ],
      },
    ],
  },
];
