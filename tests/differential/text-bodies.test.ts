// Text format 0.0.4 push bodies, PUT/POST semantics and label sanitising (spec §1.4, §2.3, §2.5,
// §6 cases 22–47).
import { differentialSuite } from './differential-suite';
import { bodyText, family, response, seriesLabels } from './run-accessors';
import type { Run, Scenario } from './scenario';
import { post, put } from './steps';

const REJECTED = 'pushed metrics are invalid or inconsistent with existing metrics: ';

/** Pushgate's answer to a histogram upstream would store but cannot expose validly. */
function rejectsHistogram(run: Run, step: number): void {
  const res = response(run, step);
  expect(res.status).toBe(400);
  expect(bodyText(res)).toMatch(new RegExp(`^${REJECTED}.*"h".*\\ble\\b`));
  expect(family(run, 'h')).toBeUndefined();
  expect(family(run, 'push_failure_time_seconds')?.series).toEqual([
    expect.objectContaining({ gauge: { value: 'set' } }),
  ]);
}

const HISTOGRAM =
  '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3\nh_count 2\n';

const scenarios: Scenario[] = [
  {
    cases: [22],
    name: 'PUT with an empty body creates a group holding only the bookkeeping gauges',
    steps: [put('/metrics/job/empty')],
    statuses: [200],
  },
  {
    cases: [23],
    name: 'POST replaces only the families named in the body, each as a whole',
    steps: [
      put('/metrics/job/j', 'a{x="0"} 1\nb 1\n'),
      post('/metrics/job/j', 'a{x="1"} 2\nc 3\n'),
    ],
    statuses: [200, 200],
  },
  {
    cases: [24, 68],
    name: 'PUT with an empty body removes the metrics and keeps the failure time',
    steps: [
      put('/metrics/job/j', 'a 1\n'),
      put('/metrics/job/j', 'a 1 1\n'),
      put('/metrics/job/j'),
    ],
    statuses: [200, 400, 200],
  },
  {
    cases: [24],
    name: 'POST with an empty body changes nothing but the push time',
    steps: [put('/metrics/job/j', 'a 1\n'), post('/metrics/job/j')],
    statuses: [200, 200],
  },
  {
    cases: [25],
    name: 'a body with only HELP, TYPE and comments is an empty push',
    steps: [
      put('/metrics/job/j', 'a 1\n'),
      put('/metrics/job/j', '# HELP a help\n# TYPE a gauge\n# just a comment\n'),
    ],
    statuses: [200, 200],
  },
  {
    cases: [26],
    name: 'samples with timestamps are rejected and the failure is recorded',
    steps: [put('/metrics/job/ts', 'a 1 1700000000000\n'), put('/metrics/job/ts2', 'a 1 -5\n')],
    statuses: [400, 400],
  },
  {
    cases: [27, 32],
    name: 'duplicate series in one push, also when they only become equal by sanitising',
    steps: [
      put('/metrics/job/j', 'a 1\na 2\n'),
      put('/metrics/job/j/instance/z', 'a{instance="x"} 1\na{instance="y"} 2\n'),
    ],
    statuses: [400, 400],
  },
  {
    cases: [28, 29],
    name: 'text syntax errors: duplicate label, missing final newline, CRLF, trailing space',
    steps: [
      put('/metrics/job/j', 'a{x="1",x="2"} 1\n'),
      put('/metrics/job/j', 'a 1'),
      put('/metrics/job/j', 'a 1\r\n'),
      put('/metrics/job/j', 'a 1 \n'),
      put('/metrics/job/j', 'a{ 1\n'),
      put('/metrics/job/j', 'a{x="1" 1\n'),
      put('/metrics/job/j', 'a{x=1} 1\n'),
      put('/metrics/job/j', 'a x\n'),
    ],
    statuses: [400, 400, 400, 400, 400, 400, 400, 400],
  },
  {
    cases: [29],
    name: 'whitespace the parser tolerates: blank lines, tabs, spaces inside braces, trailing comma',
    steps: [
      put('/metrics/job/j', '\n  a 1\nb\t2\nc{ x = "1" , } 3\n\n# HELP d x\n#TYPE d gauge\nd 4\n'),
    ],
    statuses: [200],
  },
  {
    cases: [30],
    name: 'grouping labels overwrite body labels; a body instance survives if not in the key',
    steps: [put('/metrics/job/t4', 'a{job="other",instance="i9"} 1\n')],
    statuses: [200],
  },
  {
    cases: [31],
    name: 'an instance in the grouping key overwrites the body instance',
    steps: [put('/metrics/job/t5/instance/i1', 'a{instance="i9"} 1\n')],
    statuses: [200],
  },
  {
    cases: [33],
    name: 'body label names starting with __ are rejected',
    steps: [put('/metrics/job/j', 'a{__x="1"} 1\n')],
    statuses: [400],
  },
  {
    cases: [34],
    name: 'an empty label value is a different series than a missing label',
    steps: [put('/metrics/job/j', 'emp{x=""} 1\nemp 2\n')],
    statuses: [200],
  },
  {
    cases: [35, 36],
    name: 'repeated TYPE or HELP, TYPE after samples, bad HELP escape',
    steps: [
      put('/metrics/job/j', '# TYPE c gauge\n# TYPE c gauge\nc 1\n'),
      put('/metrics/job/j', 'c 1\n# TYPE c gauge\n'),
      put('/metrics/job/j', '# HELP hh a\n# HELP hh b\nhh 1\n'),
      put('/metrics/job/j', '# HELP hh a\\tb\nhh 1\n'),
      put('/metrics/job/j', 'hh 1\n# HELP hh after the samples\n'),
    ],
    statuses: [400, 400, 400, 400, 200],
  },
  {
    cases: [37],
    name: 'unknown TYPE values are rejected',
    steps: [
      put('/metrics/job/j', '# TYPE gh gaugehistogram\ngh 1\n'),
      put('/metrics/job/j', '# TYPE u unknown\nu 1\n'),
    ],
    statuses: [400, 400],
  },
  {
    cases: [38],
    name: 'Go float syntax: hex and underscores rejected, Inf/NaN/sign/exponent accepted',
    steps: [
      put('/metrics/job/j', 'a 0x10\n'),
      put('/metrics/job/j', 'a 0x1p4\n'),
      put('/metrics/job/j', 'a 1_000\n'),
      put('/metrics/job/j', 'a 1e999\n'),
      put('/metrics/job/j', 'a Inf\nb -inf\nc nan\nd +5\ne 1e3\ng 1.5e-7\nh 123456789\ni .5\n'),
    ],
    statuses: [400, 400, 400, 400, 200],
  },
  {
    cases: [38],
    name: 'values are re-rendered in Go float format',
    steps: [
      put(
        '/metrics/job/j',
        'a 1000000\nb 0.0001\nc 0.00001\nd 1e21\ne 1795246698.036667\nf 100000\ng 123456.7\n',
      ),
    ],
    statuses: [200],
  },
  {
    cases: [39],
    name: 'TYPE must name the family exactly: cc_total stays untyped',
    steps: [put('/metrics/job/j', '# TYPE cc counter\ncc_total 1\n')],
    statuses: [200],
  },
  {
    cases: [40],
    name: 'a histogram without a +Inf bucket gets one with the sample count',
    steps: [
      put(
        '/metrics/job/j',
        '# TYPE h histogram\nh_bucket{le="0.5"} 1\nh_bucket{le="1"} 2\nh_sum 1.5\nh_count 4\n',
      ),
    ],
    statuses: [200],
  },
  {
    cases: [40],
    name: 'histograms and summaries with labels, samples not contiguous',
    steps: [
      put(
        '/metrics/job/j',
        '# TYPE h histogram\n# HELP h A histogram.\nh_bucket{x="b",le="1"} 1\nh_bucket{x="a",le="1"} 0\n' +
          'h_bucket{x="a",le="+Inf"} 3\nother 1\nh_sum{x="a"} 7\nh_count{x="a"} 3\nh_bucket{x="b",le="+Inf"} 1\n' +
          '# TYPE s summary\ns{quantile="0.5"} 1\ns{quantile="0.99"} NaN\ns_sum 2\ns_count 3\n',
      ),
    ],
    statuses: [200],
  },
  {
    cases: [40],
    name: 'histogram buckets and summary quantiles are served in the order pushed',
    steps: [
      put(
        '/metrics/job/j',
        '# TYPE h histogram\nh_bucket{le="5"} 2\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 3\nh_count 3\nh_sum 4\n' +
          '# TYPE s summary\ns{quantile="0.9"} 3\ns{quantile="0.1"} 1\ns_count 2\ns_sum 4\n',
      ),
    ],
    statuses: [200],
  },
  {
    cases: [],
    name: 'an empty HELP in text is no HELP; HELP and TYPE for families without samples are dropped',
    steps: [put('/metrics/job/j', '# HELP g\ng 1\n# HELP unused x\n# TYPE unused counter\n')],
    statuses: [200],
  },
  {
    cases: [41],
    name: 'a histogram with two buckets for the same bound',
    steps: [
      put(
        '/metrics/job/j',
        '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="1"} 2\nh_count 2\nh_sum 1\n',
      ),
    ],
    statuses: [200],
    deliberateDifference: {
      reason:
        'upstream stores it and then serves a scrape with a duplicate series, which Prometheus rejects',
      upstream(run) {
        expect(bodyText(run.scrape)).toContain(
          'h_bucket{instance="",job="j",le="1"} 1\nh_bucket{instance="",job="j",le="1"} 2\n',
        );
      },
      pushgate(run) {
        rejectsHistogram(run, 0);
      },
    },
  },
  {
    cases: [42],
    name: 'a summary with only a count gets a zero sum',
    steps: [put('/metrics/job/j', '# TYPE st summary\nst_count 3\n')],
    statuses: [200],
  },
  {
    cases: [43],
    name: 'a summary pushed under a quantile grouping label is rejected',
    steps: [put('/metrics/job/q/quantile/0.5', '# TYPE s summary\ns_sum 1\ns_count 1\n')],
    statuses: [400],
  },
  {
    cases: [44],
    name: 'a histogram pushed under an le grouping label',
    steps: [put('/metrics/job/q/le/7', HISTOGRAM)],
    statuses: [200],
    deliberateDifference: {
      reason:
        'upstream stores it and serves buckets with two `le` labels, which Prometheus rejects',
      upstream(run) {
        expect(bodyText(run.scrape)).toContain('h_bucket{instance="",job="q",le="7",le="1"} 1\n');
      },
      pushgate(run) {
        rejectsHistogram(run, 0);
        expect(seriesLabels(run, 'push_failure_time_seconds')).toEqual([
          '{instance="",job="q",le="7"}',
        ]);
      },
    },
  },
  {
    cases: [45],
    name: 'OpenMetrics bodies: UNIT and EOF are comments, exemplars do not parse',
    steps: [
      put('/metrics/job/j', '# TYPE om counter\n# UNIT om seconds\nom 1\n# EOF\n'),
      put('/metrics/job/k', 'ex_total 1 # {trace_id="1"} 1\n'),
    ],
    statuses: [200, 400],
  },
  {
    cases: [46, 47],
    name: 'a UTF-8 BOM and invalid UTF-8 in a label value are rejected',
    steps: [
      put('/metrics/job/j', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a 1\n')])),
      put(
        '/metrics/job/j',
        Buffer.concat([Buffer.from('a{x="'), Buffer.from([0xff]), Buffer.from('"} 1\n')]),
      ),
    ],
    statuses: [400, 400],
  },
  {
    cases: [],
    name: 'escapes in label values and HELP round-trip; UTF-8 values are kept',
    steps: [put('/metrics/job/j', '# HELP e a \\\\ b\\nc\ne{x="q\\"b\\\\s\\nn",y="Πλ"} 1\n')],
    statuses: [200],
  },
  {
    cases: [],
    name: 'metric names with colons; a body family named like a label-only family',
    steps: [put('/metrics/job/j', 'a:b:c 1\n_under 2\n:colon 3\n')],
    statuses: [200],
  },
];

differentialSuite('text push bodies', ['--web.enable-admin-api'], scenarios);
