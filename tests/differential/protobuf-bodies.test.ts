// Delimited protobuf pushes and scrapes (spec §2.1, §2.4, §3.4, §6 cases 48–57).
import type { MetricFamily } from '@pushgate/exposition';
import { differentialSuite } from './differential-suite';
import { bodyText, family, response } from './run-accessors';
import type { Scenario } from './scenario';
import { get, PROTOBUF, PROTOBUF_CONTENT_TYPE, protobuf, put, simpleFamily } from './steps';

const PROTOBUF_SCRAPE = get('/metrics', {
  headers: { accept: PROTOBUF_CONTENT_TYPE },
  compare: ['protobuf-scrape', 'header:content-type'],
});

const SUMMARY: MetricFamily = {
  name: 'rpc_seconds',
  help: 'RPC latency.',
  type: 'SUMMARY',
  metric: [
    {
      label: [{ name: 'method', value: 'get' }],
      summary: {
        sampleCount: 4,
        sampleSum: 2.5,
        quantile: [
          { quantile: 0.5, value: 0.25 },
          { quantile: 0.99, value: 1.5 },
        ],
      },
    },
  ],
};

const HISTOGRAM: MetricFamily = {
  name: 'size_bytes',
  type: 'HISTOGRAM',
  metric: [
    {
      // Unsorted on purpose: the gateway sorts label pairs.
      label: [
        { name: 'z', value: '1' },
        { name: 'a', value: '2' },
      ],
      histogram: {
        sampleCount: 3,
        sampleSum: 700,
        bucket: [
          { cumulativeCount: 1, upperBound: 100 },
          { cumulativeCount: 2, upperBound: 500 },
        ],
      },
    },
  ],
};

const NATIVE: MetricFamily = {
  name: 'native_seconds',
  type: 'HISTOGRAM',
  help: 'A native histogram.',
  metric: [
    {
      label: [],
      histogram: {
        sampleCount: 6,
        sampleSum: 12.5,
        bucket: [],
        schema: 1,
        zeroThreshold: 1e-128,
        zeroCount: 1,
        positiveSpan: [
          { offset: 0, length: 2 },
          { offset: 3, length: 1 },
        ],
        positiveDelta: [2, -1, 1],
        negativeSpan: [{ offset: -1, length: 1 }],
        negativeDelta: [1],
      },
    },
  ],
};

const GAUGE_HISTOGRAM: MetricFamily = {
  name: 'gh',
  type: 'GAUGE_HISTOGRAM',
  metric: [
    {
      label: [],
      histogram: { sampleCount: 2, sampleSum: 3, bucket: [{ cumulativeCount: 1, upperBound: 1 }] },
    },
  ],
};

const scenarios: Scenario[] = [
  {
    cases: [48],
    name: 'a delimited protobuf push of every classic type',
    steps: [
      put(
        '/metrics/job/pb',
        protobuf(
          simpleFamily('c_total', 'COUNTER', 5, { a: 'x' }, 'A counter.'),
          simpleFamily('g', 'GAUGE', -1.5),
          simpleFamily('u', 'UNTYPED', NaN, { instance: 'i7' }),
          SUMMARY,
          HISTOGRAM,
        ),
        PROTOBUF,
      ),
      PROTOBUF_SCRAPE,
    ],
    statuses: [200, 200],
  },
  {
    cases: [48],
    name: 'protobuf Content-Type: parameter order, case and quoting do not matter',
    steps: [
      put('/metrics/job/a', protobuf(simpleFamily('a', 'GAUGE', 1)), {
        'content-type':
          'application/vnd.google.protobuf; encoding=delimited; proto=io.prometheus.client.MetricFamily',
      }),
      put('/metrics/job/b', protobuf(simpleFamily('b', 'GAUGE', 1)), {
        'content-type':
          'Application/Vnd.Google.Protobuf;PROTO="io.prometheus.client.MetricFamily";  Encoding="delimited"',
      }),
    ],
    statuses: [200, 200],
  },
  {
    cases: [49, 52],
    name: 'protobuf without encoding=delimited is parsed as text, text with a protobuf Content-Type fails',
    steps: [
      put('/metrics/job/a', protobuf(simpleFamily('a', 'GAUGE', 1)), {
        'content-type': 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily',
      }),
      put('/metrics/job/b', 'b 1\n', PROTOBUF),
      put('/metrics/job/c', 'c 1\n', {
        'content-type': 'application/openmetrics-text; version=1.0.0',
      }),
    ],
    statuses: [400, 400, 200],
  },
  {
    cases: [50],
    name: 'two messages for one family name: the last one wins',
    steps: [
      put(
        '/metrics/job/j',
        protobuf(
          simpleFamily('dup', 'GAUGE', 1, { v: 'first' }),
          simpleFamily('other', 'GAUGE', 2),
          simpleFamily('dup', 'COUNTER', 3, { v: 'last' }),
        ),
        PROTOBUF,
      ),
    ],
    statuses: [200],
  },
  {
    cases: [51],
    name: 'a truncated protobuf body is rejected and nothing is stored',
    steps: [
      put('/metrics/job/j', 'keep 1\n'),
      put('/metrics/job/j', protobuf(simpleFamily('cut', 'GAUGE', 1)).subarray(0, 7), PROTOBUF),
      put('/metrics/job/j', Buffer.from([0x05, 0x0a]), PROTOBUF),
    ],
    statuses: [200, 400, 400],
  },
  {
    cases: [],
    name: 'an empty protobuf body is an empty push; families without metrics are not exposed',
    steps: [
      put('/metrics/job/j', 'gone 1\n'),
      put('/metrics/job/j', Buffer.alloc(0), PROTOBUF),
      put(
        '/metrics/job/k',
        protobuf(
          { name: 'nothing', type: 'GAUGE', metric: [] },
          simpleFamily('something', 'GAUGE', 1),
        ),
        PROTOBUF,
      ),
    ],
    statuses: [200, 200, 200],
  },
  {
    cases: [53],
    name: 'an invalid metric name via protobuf',
    steps: [put('/metrics/job/j', protobuf(simpleFamily('0bad', 'GAUGE', 1)), PROTOBUF)],
    statuses: [200],
    deliberateDifference: {
      reason:
        'upstream does not validate names on the protobuf path and then serves a scrape that does not parse',
      upstream(run) {
        expect(bodyText(run.scrape)).toContain('\n0bad{instance="",job="j"} 1\n');
      },
      pushgate(run) {
        expect(response(run, 0).status).toBe(400);
        expect(bodyText(response(run, 0))).toContain('"0bad" is not a valid metric name');
        // Rejected like any inconsistent push: nothing stored, the failure recorded.
        expect(family(run, '0bad')).toBeUndefined();
        expect(family(run, 'push_failure_time_seconds')?.series).toEqual([
          expect.objectContaining({ gauge: { value: 'set' } }),
        ]);
      },
    },
  },
  {
    cases: [54],
    name: 'a metric whose value does not match its family type',
    steps: [
      put(
        '/metrics/job/j',
        protobuf({ name: 'g', type: 'GAUGE', metric: [{ label: [], counter: { value: 1 } }] }),
        PROTOBUF,
      ),
      put(
        '/metrics/job/k',
        protobuf({ name: 's', type: 'SUMMARY', metric: [{ label: [], gauge: { value: 1 } }] }),
        PROTOBUF,
      ),
    ],
    statuses: [400, 400],
  },
  {
    cases: [],
    name: 'protobuf samples with timestamps are rejected',
    steps: [
      put(
        '/metrics/job/j',
        protobuf({
          name: 't',
          type: 'GAUGE',
          metric: [{ label: [], gauge: { value: 1 }, timestampMs: 1 }],
        }),
        PROTOBUF,
      ),
    ],
    statuses: [400],
  },
  {
    cases: [55],
    name: 'a GAUGE_HISTOGRAM family',
    steps: [
      put(
        '/metrics/job/j',
        protobuf(GAUGE_HISTOGRAM, simpleFamily('zz_after', 'GAUGE', 1)),
        PROTOBUF,
      ),
      PROTOBUF_SCRAPE,
    ],
    statuses: [200, 200],
    deliberateDifference: {
      reason:
        'upstream 1.5.1 cannot render it in text and cuts the scrape off at `# TYPE gh` (status 200, later families lost); Pushgate renders it as a histogram, as upstream 1.6+ does',
      sameSteps: [0, 1],
      upstream(run) {
        expect(run.scrape?.status).toBe(200);
        // Families sort before and after `gh` alike are lost: the body ends inside the family.
        expect(bodyText(run.scrape)).toMatch(/(?:^|\n)# TYPE gh$/);
        expect(bodyText(run.scrape)).not.toContain('zz_after');
      },
      pushgate(run) {
        expect(family(run, 'gh')).toEqual({
          name: 'gh',
          type: 'HISTOGRAM',
          series: [
            {
              labels: '{instance="",job="j"}',
              histogram: {
                sampleCount: '2',
                sampleSum: '3',
                bucket: [
                  { cumulativeCount: '1', upperBound: '1' },
                  { cumulativeCount: '2', upperBound: 'Infinity' },
                ],
              },
            },
          ],
        });
        expect(family(run, 'zz_after')).toBeDefined();
      },
    },
  },
  {
    cases: [56],
    name: 'a native histogram: text shows +Inf, sum and count; protobuf keeps spans and deltas',
    steps: [put('/metrics/job/j', protobuf(NATIVE), PROTOBUF), PROTOBUF_SCRAPE],
    statuses: [200, 200],
  },
  {
    cases: [38],
    name: 'negative zero: text prints 0, protobuf scrape and API keep the sign',
    steps: [
      put('/metrics/job/j', protobuf(simpleFamily('z', 'GAUGE', -0)), PROTOBUF),
      put('/metrics/job/k', 'y -0\n'),
      PROTOBUF_SCRAPE,
      get('/metrics', { compare: ['text-scrape'] }),
    ],
    statuses: [200, 200, 200, 200],
  },
  {
    cases: [57],
    name: 'an explicit empty HELP via protobuf is kept',
    steps: [
      put('/metrics/job/j', protobuf(simpleFamily('eh', 'GAUGE', 1, {}, '')), PROTOBUF),
      get('/metrics', { compare: ['text-scrape'] }),
    ],
    statuses: [200, 200],
  },
];

differentialSuite('protobuf push bodies', ['--web.enable-admin-api'], scenarios);
