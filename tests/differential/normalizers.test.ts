// The normalisers decide what the differential suite can see; a bug in them would hide real
// differences, so they get their own table tests (no gateways needed).
import { normalizeApiMetrics } from '../support/normalize-api';
import { normalizeTextScrape } from '../support/normalize-scrape';
import { normalizeErrorMessage } from './error-message';

describe(normalizeErrorMessage, () => {
  it.each([
    [
      'replaces a Go protobuf dump',
      'pushed metrics are invalid or inconsistent with existing metrics: collected metric "a" { label:<name:"job" value:"j" > untyped:<value:2 > } was collected before with the same name and label values\n',
      'pushed metrics are invalid or inconsistent with existing metrics: collected metric "a" {…} was collected before with the same name and label values\n',
    ],
    [
      'treats a message without a dump like one with a dump',
      'collected metric "m" is not a COUNTER\n',
      'collected metric "m" {…} is not a COUNTER\n',
    ],
    [
      'keeps a dump containing braces and quotes whole',
      'collected metric "q\\"x" { label:<name:"v" value:"}{" > gauge:<value:1 > } has a label named "v" whose value is not utf8: "\\xff"\n',
      'collected metric "q\\"x" {…} has a label named "v" whose value is not utf8: "\\xff"\n',
    ],
    [
      'sorts the lines of a multi-error',
      'x: 2 error(s) occurred:\n* collected metric "b" { } has a label with an invalid name: __y\n* collected metric "a" { } was collected before with the same name and label values\n',
      'x: 2 error(s) occurred:\n* collected metric "a" {…} was collected before with the same name and label values\n* collected metric "b" {…} has a label with an invalid name: __y\n',
    ],
    [
      'leaves other messages alone',
      'odd number of components in label string "/a"\n',
      'odd number of components in label string "/a"\n',
    ],
  ])('%s', (_name, input, expected) => {
    expect(normalizeErrorMessage(input)).toBe(expected);
  });
});

describe(normalizeTextScrape, () => {
  const scrape = (lines: string[]): string => lines.map((l) => `${l}\n`).join('');

  it('drops the gateway-own series but keeps pushed ones and records the families', () => {
    const result = normalizeTextScrape(
      scrape([
        '# TYPE go_goroutines gauge',
        'go_goroutines 7',
        'go_goroutines{instance="",job="j"} 3',
        '# TYPE pushgateway_build_info gauge',
        'pushgateway_build_info{version="x"} 1',
      ]),
    );
    expect(result.ownFamilies).toEqual(['go_goroutines', 'pushgateway_build_info']);
    expect(result.families).toEqual([
      {
        name: 'go_goroutines',
        type: 'GAUGE',
        series: [{ labels: '{instance="",job="j"}', gauge: { value: '3' } }],
      },
    ]);
  });

  it('reduces push times to 0 or set', () => {
    const result = normalizeTextScrape(
      scrape([
        '# TYPE push_time_seconds gauge',
        'push_time_seconds{job="a"} 0',
        'push_time_seconds{job="b"} 1.7e+09',
      ]),
    );
    expect(result.families[0]?.series).toEqual([
      { labels: '{job="a"}', gauge: { value: '0' } },
      { labels: '{job="b"}', gauge: { value: 'set' } },
    ]);
  });

  it.each([
    [
      'fewer labels first',
      ['m{a="1",b="1"} 1', 'm{a="1"} 2'],
      ['m: {a="1",b="1"} served before {a="1"}'],
    ],
    [
      'then values position by position',
      ['m{a="2"} 1', 'm{a="1"} 2'],
      ['m: {a="2"} served before {a="1"}'],
    ],
    ['ties in either order', ['m{b="1"} 1', 'm{a="1"} 2'], []],
  ])('reports series served out of upstream order: %s', (_name, lines, violations) => {
    const result = normalizeTextScrape(scrape(['# TYPE m untyped', ...lines]));
    expect(result.orderViolations).toEqual(violations);
  });

  it('gives tied series the same canonical order whatever the served order', () => {
    const a = normalizeTextScrape(scrape(['m{b="1"} 1', 'm{a="1"} 2']));
    const b = normalizeTextScrape(scrape(['m{a="1"} 2', 'm{b="1"} 1']));
    expect(a.families).toEqual(b.families);
  });

  it('tells NaN, -0 and 0 apart the way the wire does', () => {
    const result = normalizeTextScrape(scrape(['a NaN', 'b -0', 'c 0']));
    expect(result.families.map((f) => f.series)).toEqual([
      [{ labels: '{}', untyped: { value: 'NaN' } }],
      [{ labels: '{}', untyped: { value: '-0' } }],
      [{ labels: '{}', untyped: { value: '0' } }],
    ]);
  });
});

describe(normalizeApiMetrics, () => {
  it('sorts groups, blanks time stamps and push times, keeps everything else', () => {
    const group = (job: string, push: string): unknown => ({
      labels: { job },
      last_push_successful: true,
      push_time_seconds: {
        time_stamp: '2026-11-21T07:39:04.139189338Z',
        type: 'GAUGE',
        metrics: [{ labels: { job }, value: push }],
      },
      g: {
        time_stamp: '2026-11-21T07:39:04Z',
        type: 'GAUGE',
        metrics: [{ labels: { job }, value: '1.5' }],
      },
    });
    const body = JSON.stringify({
      status: 'success',
      data: [group('b', '1.7e+09'), group('a', '0')],
    });
    expect(normalizeApiMetrics(body)).toEqual({
      status: 'success',
      data: [
        {
          labels: { job: 'a' },
          last_push_successful: true,
          push_time_seconds: {
            time_stamp: '<rfc3339>',
            type: 'GAUGE',
            metrics: [{ labels: { job: 'a' }, value: '0' }],
          },
          g: {
            time_stamp: '<rfc3339>',
            type: 'GAUGE',
            metrics: [{ labels: { job: 'a' }, value: '1.5' }],
          },
        },
        {
          labels: { job: 'b' },
          last_push_successful: true,
          push_time_seconds: {
            time_stamp: '<rfc3339>',
            type: 'GAUGE',
            metrics: [{ labels: { job: 'b' }, value: 'set' }],
          },
          g: {
            time_stamp: '<rfc3339>',
            type: 'GAUGE',
            metrics: [{ labels: { job: 'b' }, value: '1.5' }],
          },
        },
      ],
    });
  });

  it('marks a time stamp that is not RFC 3339', () => {
    const body = JSON.stringify({
      status: 'success',
      data: [{ labels: { job: 'a' }, g: { time_stamp: '1700000000', metrics: [] } }],
    });
    expect(normalizeApiMetrics(body)).toEqual({
      status: 'success',
      data: [{ labels: { job: 'a' }, g: { time_stamp: '<not rfc3339: 1700000000>', metrics: [] } }],
    });
  });
});
