import { renderProtoText } from './render-proto-text';
import type { MetricFamily } from './types';

const labels = [
  { name: 'instance', value: '' },
  { name: 'job', value: 'pt' },
];

// Shapes as pushgateway 1.5.1 served them for `encoding=text` / `encoding=compact-text`.
const HISTOGRAM: MetricFamily = {
  name: 'h',
  help: 'he\\lp "q"',
  type: 'HISTOGRAM',
  metric: [
    {
      label: labels,
      histogram: {
        sampleCount: 2,
        sampleSum: 3e-7,
        bucket: [
          { cumulativeCount: 1, upperBound: 0.5 },
          { cumulativeCount: 2, upperBound: Infinity },
        ],
      },
    },
  ],
};
const SUMMARY: MetricFamily = {
  name: 's',
  type: 'SUMMARY',
  metric: [
    { label: labels, summary: { sampleCount: 1, quantile: [{ quantile: 0.5, value: NaN }] } },
  ],
};

describe('renderProtoText', () => {
  it('writes encoding=text: one field per line, nested messages in <>, a blank line after each family', () => {
    expect(renderProtoText([HISTOGRAM, SUMMARY], false)).toBe(
      [
        'name: "h"',
        'help: "he\\\\lp \\"q\\""',
        'type: HISTOGRAM',
        'metric: <',
        '  label: <',
        '    name: "instance"',
        '    value: ""',
        '  >',
        '  label: <',
        '    name: "job"',
        '    value: "pt"',
        '  >',
        '  histogram: <',
        '    sample_count: 2',
        '    sample_sum: 3e-07',
        '    bucket: <',
        '      cumulative_count: 1',
        '      upper_bound: 0.5',
        '    >',
        '    bucket: <',
        '      cumulative_count: 2',
        '      upper_bound: inf',
        '    >',
        '  >',
        '>',
        '',
        'name: "s"',
        'type: SUMMARY',
        'metric: <',
        '  label: <',
        '    name: "instance"',
        '    value: ""',
        '  >',
        '  label: <',
        '    name: "job"',
        '    value: "pt"',
        '  >',
        '  summary: <',
        '    sample_count: 1',
        '    quantile: <',
        '      quantile: 0.5',
        '      value: nan',
        '    >',
        '  >',
        '>',
        '',
        '',
      ].join('\n'),
    );
  });

  it('writes encoding=compact-text: one family per line, every field followed by a space', () => {
    expect(renderProtoText([HISTOGRAM, SUMMARY], true)).toBe(
      'name:"h" help:"he\\\\lp \\"q\\"" type:HISTOGRAM metric:<label:<name:"instance" value:"" > label:<name:"job" value:"pt" > ' +
        'histogram:<sample_count:2 sample_sum:3e-07 bucket:<cumulative_count:1 upper_bound:0.5 > bucket:<cumulative_count:2 upper_bound:inf > > > \n' +
        'name:"s" type:SUMMARY metric:<label:<name:"instance" value:"" > label:<name:"job" value:"pt" > ' +
        'summary:<sample_count:1 quantile:<quantile:0.5 value:nan > > > \n',
    );
  });

  it('escapes strings byte by byte, non-ASCII in octal', () => {
    const family: MetricFamily = { name: 'Π\t\r\n\u0001~', type: 'UNTYPED', metric: [] };
    expect(renderProtoText([family], true)).toBe(
      'name:"\\316\\240\\t\\r\\n\\001~" type:UNTYPED \n',
    );
  });

  it.each([
    [-0, '-0'],
    [-Infinity, '-inf'],
    [1e21, '1e+21'],
    [1234567, '1.234567e+06'],
  ])('writes the double %p as %p', (value, want) => {
    const family: MetricFamily = {
      name: 'g',
      type: 'GAUGE',
      metric: [{ label: [], gauge: { value } }],
    };
    expect(renderProtoText([family], true)).toBe(
      `name:"g" type:GAUGE metric:<gauge:<value:${want} > > \n`,
    );
  });

  it('writes the native histogram fields in declaration order, repeated scalars one by one', () => {
    const family: MetricFamily = {
      name: 'n',
      type: 'HISTOGRAM',
      unit: 'seconds',
      metric: [
        {
          label: [],
          histogram: {
            sampleCountFloat: 2.5,
            bucket: [],
            createdTimestamp: { seconds: 1, nanos: 2 },
            schema: -1,
            zeroThreshold: 0,
            zeroCountFloat: 0.5,
            positiveSpan: [{ offset: -3, length: 2 }],
            positiveDelta: [1, -1],
            positiveCount: [1.5],
            exemplars: [{ label: [], value: 1, timestamp: { seconds: 3, nanos: 0 } }],
          },
          timestampMs: 1700000000000,
        },
      ],
    };
    expect(renderProtoText([family], true)).toBe(
      'name:"n" type:HISTOGRAM metric:<histogram:<sample_count_float:2.5 created_timestamp:<seconds:1 nanos:2 > schema:-1 ' +
        'zero_threshold:0 zero_count_float:0.5 positive_span:<offset:-3 length:2 > positive_delta:1 positive_delta:-1 ' +
        'positive_count:1.5 exemplars:<value:1 timestamp:<seconds:3 nanos:0 > > > timestamp_ms:1700000000000 > unit:"seconds" \n',
    );
  });

  it('renders nothing for no families', () => {
    expect(renderProtoText([], false)).toBe('');
  });
});
