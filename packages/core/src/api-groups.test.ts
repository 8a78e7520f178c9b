import { parseText, type MetricFamily } from '@pushgate/exposition';
import { toApiGroups, toApiGroupsJson } from './api-groups';
import { applyFailure, applyPush } from './bookkeeping';
import { formatRfc3339Nano } from './go-time';
import type { GroupingLabels, MetricGroup } from './model';
import { preparePush } from './prepare-push';
import { UPSTREAM_OWN_FAMILIES } from './reserved-families';

// The data array upstream 1.5.1 returned for the pushes below (captured from the binary).
const UPSTREAM_DATA =
  '[{"c":{"time_stamp":"2026-11-21T09:18:15.328377546Z","type":"COUNTER","metrics":[{"labels":{"instance":"i1","job":"api1"},"value":"3e+09"}]},"g":{"time_stamp":"2026-11-21T09:18:15.328377546Z","type":"GAUGE","help":"A gauge \\u003c\\u0026\\u003e \\\\ \\"q\\".","metrics":[{"labels":{"instance":"i1","job":"api1","l":"v\\u003c\\u0026\\u003e\\u2028"},"value":"1.5"}]},"h":{"time_stamp":"2026-11-21T09:18:15.328377546Z","type":"HISTOGRAM","metrics":[{"buckets":{"+Inf":"2","0.5":"0","1":"1","10":"2"},"count":"2","labels":{"instance":"i1","job":"api1"},"sum":"1.2"}]},"h2":{"time_stamp":"2026-11-21T09:18:15.328377546Z","type":"HISTOGRAM","metrics":[{"buckets":{},"count":"5","labels":{"instance":"i1","job":"api1"},"sum":"0"}]},"labels":{"instance":"i1","job":"api1"},"last_push_successful":true,"push_failure_time_seconds":{"time_stamp":"2026-11-21T09:18:15.328377546Z","type":"GAUGE","help":"Last Unix time when changing this group in the Pushgateway failed.","metrics":[{"labels":{"instance":"i1","job":"api1"},"value":"0"}]},"push_time_seconds":{"time_stamp":"2026-11-21T09:18:15.328377546Z","type":"GAUGE","help":"Last Unix time when changing this group in the Pushgateway succeeded.","metrics":[{"labels":{"instance":"i1","job":"api1"},"value":"1.7952526953283775e+09"}]},"s":{"time_stamp":"2026-11-21T09:18:15.328377546Z","type":"SUMMARY","metrics":[{"count":"3","labels":{"instance":"i1","job":"api1"},"quantiles":{"0.5":"2","0.9":"NaN"},"sum":"10"}]},"s2":{"time_stamp":"2026-11-21T09:18:15.328377546Z","type":"SUMMARY","metrics":[{"count":"1","labels":{"instance":"i1","job":"api1"},"quantiles":{},"sum":"0"}]},"u":{"time_stamp":"2026-11-21T09:18:15.328377546Z","type":"UNTYPED","metrics":[{"labels":{"instance":"i1","job":"api1"},"value":"-Inf"}]}},{"labels":{"time_stamp":"2026-11-21T09:18:15.336514559Z","type":"GAUGE","metrics":[{"labels":{"instance":"","job":"api2"},"value":"1"}]},"last_push_successful":{"time_stamp":"2026-11-21T09:18:15.336514559Z","type":"UNTYPED","metrics":[{"labels":{"instance":"","job":"api2"},"value":"7"}]},"push_failure_time_seconds":{"time_stamp":"2026-11-21T09:18:15.343673223Z","type":"GAUGE","help":"Last Unix time when changing this group in the Pushgateway failed.","metrics":[{"labels":{"instance":"","job":"api2"},"value":"1.7952526953436732e+09"}]},"push_time_seconds":{"time_stamp":"2026-11-21T09:18:15.336514559Z","type":"GAUGE","help":"Last Unix time when changing this group in the Pushgateway succeeded.","metrics":[{"labels":{"instance":"","job":"api2"},"value":"1.7952526953365145e+09"}]}}]';

const API1_BODY =
  '# HELP g A gauge <&> \\\\ "q".\n# TYPE g gauge\ng{l="v<&>\u2028"} 1.5\n# TYPE c counter\nc 3e9\n' +
  '# TYPE s summary\ns{quantile="0.5"} 2\ns{quantile="0.9"} NaN\ns_count 3\ns_sum 10\n' +
  '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_bucket{le="0.5"} 0\nh_bucket{le="10"} 2\nh_count 2\nh_sum 1.2\n' +
  '# TYPE s2 summary\ns2_count 1\n# TYPE h2 histogram\nh2_count 5\nu -Inf\n';
const API2_BODY = '# TYPE labels gauge\nlabels 1\nlast_push_successful 7\n';

// The same instants as upstream's, as far as a float of Unix seconds holds them.
const T1 = 1795252695.3283775;
const T2 = 1795252695.3365145;
const T3 = 1795252695.3436732;

function push(
  group: MetricGroup | undefined,
  labels: GroupingLabels,
  body: string | MetricFamily[],
  at: number,
): MetricGroup {
  const families = typeof body === 'string' ? parseText(body) : body;
  const prepared = preparePush(
    { labels, families, mode: 'replace', receivedAt: at },
    UPSTREAM_OWN_FAMILIES,
  );
  expect(prepared.errors).toEqual([]);
  return applyPush(group, prepared);
}

function upstreamGroups(): MetricGroup[] {
  const api1 = push(undefined, { job: 'api1', instance: 'i1' }, API1_BODY, T1);
  const api2 = applyFailure(push(undefined, { job: 'api2' }, API2_BODY, T2), { job: 'api2' }, T3);
  return [api1, api2];
}

describe(toApiGroupsJson, () => {
  it('writes the bytes upstream writes', () => {
    const expected = UPSTREAM_DATA.replaceAll(
      '2026-11-21T09:18:15.328377546Z',
      formatRfc3339Nano(T1),
    )
      .replaceAll('2026-11-21T09:18:15.336514559Z', formatRfc3339Nano(T2))
      .replaceAll('2026-11-21T09:18:15.343673223Z', formatRfc3339Nano(T3));
    expect(toApiGroupsJson(upstreamGroups())).toBe(expected);
  });

  it('is an empty array without groups', () => {
    expect(toApiGroupsJson([])).toBe('[]');
  });

  it('keeps the sign of negative zero, as strconv formatting in upstream does', () => {
    const group = push(undefined, { job: 'z' }, 'y -0\n', T1);
    expect(toApiGroupsJson([group])).toContain('"value":"-0"');
  });

  it('writes a family without series with an empty metrics array', () => {
    const group = push(undefined, { job: 'e' }, [{ name: 'e', type: 'GAUGE', metric: [] }], 1);
    expect(toApiGroupsJson([group])).toContain(
      '"e":{"time_stamp":"1970-01-01T00:00:01Z","type":"GAUGE","metrics":[]}',
    );
  });

  it('writes an explicit empty HELP as no help, as Go omits empty strings', () => {
    const group = push(
      undefined,
      { job: 'e' },
      [{ name: 'e', help: '', type: 'GAUGE', metric: [{ label: [], gauge: { value: 1 } }] }],
      1,
    );
    expect(toApiGroupsJson([group])).toContain(
      '"e":{"time_stamp":"1970-01-01T00:00:01Z","type":"GAUGE","metrics":[',
    );
  });

  it('uses float histogram counts when they are set, as upstream 1.10 does', () => {
    const family: MetricFamily = {
      name: 'fh',
      type: 'HISTOGRAM',
      metric: [
        {
          label: [],
          histogram: {
            sampleCountFloat: 2.5,
            sampleSum: 1,
            bucket: [{ upperBound: 1, cumulativeCountFloat: 1.5 }],
          },
        },
      ],
    };
    const json = toApiGroupsJson([push(undefined, { job: 'f' }, [family], 1)]);
    expect(json).toContain('"buckets":{"1":"1.5"},"count":"2.5"');
  });

  it('writes large counts as integers', () => {
    const family: MetricFamily = {
      name: 's',
      type: 'SUMMARY',
      metric: [{ label: [], summary: { sampleCount: 1e21, quantile: [] } }],
    };
    expect(toApiGroupsJson([push(undefined, { job: 'f' }, [family], 1)])).toContain(
      '"count":"1000000000000000000000"',
    );
  });
});

describe(toApiGroups, () => {
  it('gives the same data as plain objects', () => {
    const groups = upstreamGroups();
    expect(toApiGroups(groups)).toEqual(JSON.parse(toApiGroupsJson(groups)));
  });

  it('lets families named labels and last_push_successful replace those keys, as upstream', () => {
    const [, api2] = toApiGroups(upstreamGroups());
    expect(api2?.labels).toMatchObject({ type: 'GAUGE' });
    expect(api2?.last_push_successful).toMatchObject({ type: 'UNTYPED' });
  });

  it('keeps a family named __proto__ as an ordinary key', () => {
    const family: MetricFamily = {
      name: '__proto__',
      type: 'GAUGE',
      metric: [{ label: [], gauge: { value: 1 } }],
    };
    const [group] = toApiGroups([push(undefined, { job: 'p' }, [family], 1)]);
    expect(Object.keys(group ?? {})).toContain('__proto__');
    expect(Object.getPrototypeOf(group)).toBe(Object.prototype);
  });
});

describe(formatRfc3339Nano, () => {
  it.each([
    [0, '1970-01-01T00:00:00Z'],
    [1.25, '1970-01-01T00:00:01.25Z'],
    [1795251591.5, '2026-11-21T08:59:51.5Z'],
    [0.000000001, '1970-01-01T00:00:00.000000001Z'],
    [1.9999999999, '1970-01-01T00:00:02Z'],
    [1700000000.000125, '2023-11-14T22:13:20.000124931Z'],
  ])('formats %p as %s', (seconds, text) => {
    expect(formatRfc3339Nano(seconds)).toBe(text);
  });
});
