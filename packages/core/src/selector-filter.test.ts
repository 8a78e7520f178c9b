import type { MetricFamily } from '@pushgate/exposition';
import { filterFamilies } from './selector-filter';
import { parseSelector } from './selector';

function series(labels: Record<string, string>): MetricFamily['metric'][number] {
  return {
    label: Object.entries(labels).map(([name, value]) => ({ name, value })),
    gauge: { value: 1 },
  };
}

const FAMILIES: MetricFamily[] = [
  {
    name: 'backup_duration_seconds',
    help: 'How long the backup took.',
    type: 'GAUGE',
    metric: [
      series({ instance: '', job: 'backup', db: 'users' }),
      series({ instance: '', job: 'backup', db: 'orders' }),
    ],
  },
  {
    name: 'batch_records_total',
    type: 'COUNTER',
    metric: [{ label: [{ name: 'job', value: 'etl' }], counter: { value: 3 } }],
  },
  {
    name: 'job_latency_seconds',
    type: 'HISTOGRAM',
    metric: [
      {
        label: [{ name: 'job', value: 'etl' }],
        histogram: {
          sampleCount: 1,
          sampleSum: 2,
          bucket: [{ upperBound: 5, cumulativeCount: 1 }],
        },
      },
      {
        label: [{ name: 'job', value: 'backup' }],
        histogram: { sampleCount: 0, sampleSum: 0, bucket: [] },
      },
    ],
  },
  {
    name: 'rpc_seconds',
    type: 'SUMMARY',
    metric: [{ label: [{ name: 'job', value: 'etl' }], summary: { quantile: [] } }],
  },
];

/** `family{label values}` of every kept series, for compact expectations. */
function kept(...selectors: string[]): string[] {
  return filterFamilies(FAMILIES, selectors.map(parseSelector)).flatMap((f) =>
    f.metric.map((m) => `${f.name}{${m.label.map((l) => l.value).join(',')}}`),
  );
}

describe(filterFamilies, () => {
  it.each<[string[], string[]]>([
    [
      ['backup_duration_seconds'],
      ['backup_duration_seconds{,backup,users}', 'backup_duration_seconds{,backup,orders}'],
    ],
    [['backup_duration_seconds{db="users"}'], ['backup_duration_seconds{,backup,users}']],
    [['backup_duration_seconds{db!="users"}'], ['backup_duration_seconds{,backup,orders}']],
    [['backup_duration_seconds{db=~"u.*"}'], ['backup_duration_seconds{,backup,users}']],
    [['backup_duration_seconds{db=~"s"}'], []],
    [['backup_duration_seconds{db!~"u.*"}'], ['backup_duration_seconds{,backup,orders}']],
    [['{job="etl"}'], ['batch_records_total{etl}', 'job_latency_seconds{etl}', 'rpc_seconds{etl}']],
    [
      ['{__name__=~"b.*"}'],
      [
        'backup_duration_seconds{,backup,users}',
        'backup_duration_seconds{,backup,orders}',
        'batch_records_total{etl}',
      ],
    ],
    [['{__name__=~"b.*", job!="backup"}'], ['batch_records_total{etl}']],
    // An absent label has the value "": instance="" is present, db is absent on other series.
    [
      ['{job="etl", db=""}'],
      ['batch_records_total{etl}', 'job_latency_seconds{etl}', 'rpc_seconds{etl}'],
    ],
    [
      ['{instance="", job=~".+"}'],
      [
        'backup_duration_seconds{,backup,users}',
        'backup_duration_seconds{,backup,orders}',
        'batch_records_total{etl}',
        'job_latency_seconds{etl}',
        'job_latency_seconds{backup}',
        'rpc_seconds{etl}',
      ],
    ],
    [['nothing_here'], []],
    // Several selectors: a series selected by any of them is kept once, in the input order.
    [
      ['batch_records_total', 'backup_duration_seconds{db="orders"}', '{job="etl"}'],
      [
        'backup_duration_seconds{,backup,orders}',
        'batch_records_total{etl}',
        'job_latency_seconds{etl}',
        'rpc_seconds{etl}',
      ],
    ],
    // Histograms and summaries: __name__ matches their sample names as Prometheus stores them.
    [['job_latency_seconds'], ['job_latency_seconds{etl}', 'job_latency_seconds{backup}']],
    [['job_latency_seconds_bucket{job="backup"}'], ['job_latency_seconds{backup}']],
    [['job_latency_seconds_sum'], ['job_latency_seconds{etl}', 'job_latency_seconds{backup}']],
    [['job_latency_seconds_count'], ['job_latency_seconds{etl}', 'job_latency_seconds{backup}']],
    [['rpc_seconds_count'], ['rpc_seconds{etl}']],
    [['rpc_seconds_bucket'], []],
    [['batch_records_total_count'], []],
    [['{__name__=~".*_bucket"}'], ['job_latency_seconds{etl}', 'job_latency_seconds{backup}']],
    // Every __name__ matcher of one selector has to hold for the same sample name.
    [
      ['{__name__=~"job_latency_seconds_.*", __name__!="job_latency_seconds_bucket"}'],
      ['job_latency_seconds{etl}', 'job_latency_seconds{backup}'],
    ],
    [['{__name__="job_latency_seconds_sum", __name__="job_latency_seconds_count"}'], []],
  ])('%j keeps %j', (selectors, expected) => {
    expect(kept(...selectors)).toEqual(expected);
  });

  it('keeps nothing without selectors', () => {
    expect(filterFamilies(FAMILIES, [])).toEqual([]);
  });

  it('keeps TYPE and HELP, and drops only the unselected series', () => {
    const [family] = filterFamilies(FAMILIES, [parseSelector('{db="orders"}')]);
    expect(family).toEqual({ ...FAMILIES[0], metric: [FAMILIES[0]?.metric[1]] });
  });

  it('leaves its input untouched', () => {
    const before = structuredClone(FAMILIES);
    filterFamilies(FAMILIES, [parseSelector('{db="orders"}')]);
    expect(FAMILIES).toEqual(before);
  });
});
