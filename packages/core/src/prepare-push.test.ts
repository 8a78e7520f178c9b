import { parseText, type MetricFamily } from '@pushgate/exposition';
import type { GroupingLabels, PushMode, ReservedFamilies } from './model';
import { preparePush, seriesId } from './prepare-push';
import { UPSTREAM_OWN_FAMILIES } from './reserved-families';

const NOW = 1795251583.6161406;

function prepare(
  labels: GroupingLabels,
  body: string | MetricFamily[],
  mode: PushMode = 'replace',
  reserved: ReservedFamilies = UPSTREAM_OWN_FAMILIES,
) {
  const families = typeof body === 'string' ? parseText(body) : body;
  return preparePush({ labels, families, mode, receivedAt: NOW }, reserved);
}

function labelsOf(family: MetricFamily | undefined): Array<Record<string, string>> {
  return (family?.metric ?? []).map((m) =>
    Object.fromEntries(m.label.map((l) => [l.name, l.value])),
  );
}

describe(preparePush, () => {
  describe('sanitising (spec §2.5)', () => {
    it.each<[string, GroupingLabels, string, Array<Record<string, string>>]>([
      ['adds instance=""', { job: 'j' }, 'a 1\n', [{ instance: '', job: 'j' }]],
      [
        'lets grouping labels overwrite body labels',
        { job: 't4' },
        'a{job="other",instance="i9"} 1\n',
        [{ instance: 'i9', job: 't4' }],
      ],
      [
        'overwrites a body instance',
        { job: 't5', instance: 'i1' },
        'a{instance="i9"} 1\n',
        [{ instance: 'i1', job: 't5' }],
      ],
      [
        'keeps other body labels',
        { job: 'j', x: '1' },
        'a{y="2"} 1\n',
        [{ instance: '', job: 'j', x: '1', y: '2' }],
      ],
      [
        'keeps an explicit empty label',
        { job: 'j' },
        'a{x=""} 1\n',
        [{ instance: '', job: 'j', x: '' }],
      ],
    ])('%s', (_, labels, body, expected) => {
      const prepared = prepare(labels, body);
      expect(prepared.errors).toEqual([]);
      expect(labelsOf(prepared.families[0])).toEqual(expected);
    });

    it('sorts label pairs by name', () => {
      const prepared = prepare({ job: 'j', b: '2' }, 'a{z="1",a="0"} 1\n');
      expect(prepared.families[0]?.metric[0]?.label.map((l) => l.name)).toEqual([
        'a',
        'b',
        'instance',
        'job',
        'z',
      ]);
    });

    it('does not mutate the request', () => {
      const families = parseText('a{job="x"} 1\n');
      const before = structuredClone(families);
      prepare({ job: 'j' }, families);
      expect(families).toEqual(before);
    });

    it('overwrites only the first of two body labels named like a grouping label, as upstream', () => {
      const family: MetricFamily = {
        name: 'a',
        type: 'GAUGE',
        metric: [
          {
            label: [
              { name: 'x', value: '1' },
              { name: 'x', value: '2' },
            ],
            gauge: { value: 1 },
          },
        ],
      };
      const prepared = prepare({ job: 'j', x: 'g' }, [family]);
      expect(prepared.families[0]?.metric[0]?.label).toEqual([
        { name: 'instance', value: '' },
        { name: 'job', value: 'j' },
        { name: 'x', value: 'g' },
        { name: 'x', value: '2' },
      ]);
      expect(prepared.errors).toEqual([
        expect.stringContaining('has two or more labels with the same name: x'),
      ]);
    });
  });

  describe('families', () => {
    it('sorts families by name and drops the bookkeeping ones from the body', () => {
      const prepared = prepare(
        { job: 'j' },
        'z 1\npush_time_seconds 5\n# TYPE push_failure_time_seconds counter\npush_failure_time_seconds 1\na 2\n',
      );
      expect(prepared.errors).toEqual([]);
      expect(prepared.families.map((f) => f.name)).toEqual(['a', 'z']);
    });

    it('keeps the last of several families with one name', () => {
      const first: MetricFamily = {
        name: 'a',
        type: 'GAUGE',
        metric: [{ label: [], gauge: { value: 1 } }],
      };
      const last: MetricFamily = {
        name: 'a',
        type: 'COUNTER',
        metric: [{ label: [], counter: { value: 2 } }],
      };
      expect(prepare({ job: 'j' }, [first, last]).families).toEqual([
        {
          ...last,
          metric: [
            {
              label: [
                { name: 'instance', value: '' },
                { name: 'job', value: 'j' },
              ],
              counter: { value: 2 },
            },
          ],
        },
      ]);
    });

    it('keeps families without series but leaves them out of the index', () => {
      const empty: MetricFamily = { name: 'e', type: 'COUNTER', metric: [] };
      const prepared = prepare({ job: 'j' }, [empty], 'merge');
      expect(prepared.errors).toEqual([]);
      expect(prepared.families).toEqual([empty]);
      expect(prepared.index.families.map((f) => f.name)).not.toContain('e');
      expect(prepared.index.replacedFamilies).toEqual(['e']);
    });

    it('does not check families without series, which can never be rendered', () => {
      const empty: MetricFamily = { name: 'go_goroutines', type: 'COUNTER', metric: [] };
      expect(prepare({ job: 'j' }, [empty]).errors).toEqual([]);
    });
  });

  describe('index', () => {
    it('lists the families and series the write leaves in the group, bookkeeping included', () => {
      const prepared = prepare({ job: 'j' }, '# TYPE c counter\nc{x="1"} 1\nc{x="2"} 1\nu 1\n');
      expect(prepared.groupId).toBe('job="j"');
      expect(prepared.index.families).toEqual(
        expect.arrayContaining([
          { name: 'c', type: 'COUNTER' },
          { name: 'u', type: 'UNTYPED' },
          { name: 'push_time_seconds', type: 'GAUGE' },
          { name: 'push_failure_time_seconds', type: 'GAUGE' },
        ]),
      );
      expect(prepared.index.families).toHaveLength(4);
      const bookkeeping = [
        { name: 'instance', value: '' },
        { name: 'job', value: 'j' },
      ];
      expect([...prepared.index.series].sort()).toEqual(
        [
          seriesId('c', [...bookkeeping, { name: 'x', value: '1' }]),
          seriesId('c', [...bookkeeping, { name: 'x', value: '2' }]),
          seriesId('u', bookkeeping),
          seriesId('push_time_seconds', bookkeeping),
          seriesId('push_failure_time_seconds', bookkeeping),
        ].sort(),
      );
      expect(prepared.index.replacedFamilies).toBeUndefined();
    });

    it('names the replaced families of a POST', () => {
      expect(prepare({ job: 'j' }, 'b 1\na 1\n', 'merge').index.replacedFamilies).toEqual([
        'a',
        'b',
      ]);
    });
  });

  describe('rejections', () => {
    // Messages as upstream 1.5.1 gives them (the `{ ... }` dump compared as in the binary's output).
    it.each<[string, GroupingLabels, string, string[]]>([
      [
        'timestamps',
        { job: 'c6' },
        'a 1 1000\nb 1\nb 2\n',
        ['pushed metrics must not have timestamps'],
      ],
      [
        'negative timestamps',
        { job: 'c6' },
        'a 1 -1\n',
        ['pushed metrics must not have timestamps'],
      ],
      [
        'a duplicate series',
        { job: 't1' },
        'a 1\na 2\n',
        [
          'collected metric "a" { label:<name:"instance" value:"" > label:<name:"job" value:"t1" > untyped:<value:2 > } was collected before with the same name and label values',
        ],
      ],
      [
        'a series duplicated by sanitising',
        { job: 't2', instance: 'z' },
        'a{instance="x"} 1\na{instance="y"} 2\n',
        [
          'collected metric "a" { label:<name:"instance" value:"z" > label:<name:"job" value:"t2" > untyped:<value:2 > } was collected before with the same name and label values',
        ],
      ],
      [
        'a reserved label name',
        { job: 't3' },
        'a{__x="1"} 1\n',
        [
          'collected metric "a" { label:<name:"__x" value:"1" > label:<name:"instance" value:"" > label:<name:"job" value:"t3" > untyped:<value:1 > } has a label with an invalid name: __x',
        ],
      ],
      [
        'a quantile grouping label on a summary',
        { job: 'q', quantile: '0.5' },
        '# TYPE s summary\ns{quantile="0.1"} 1\ns_count 1\n',
        [
          'collected metric "s" { label:<name:"instance" value:"" > label:<name:"job" value:"q" > label:<name:"quantile" value:"0.5" > summary:<sample_count:1 quantile:<quantile:0.1 value:1 > > } must not have an explicit "quantile" label',
        ],
      ],
      [
        'an le grouping label on a histogram (Pushgate extension)',
        { job: 'q', le: '7' },
        '# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\n',
        [
          'collected metric "h" { label:<name:"instance" value:"" > label:<name:"job" value:"q" > label:<name:"le" value:"7" > histogram:<sample_count:1 bucket:<cumulative_count:1 upper_bound:1 > > } must not have an explicit "le" label',
        ],
      ],
      [
        'a histogram with two buckets of one bound (Pushgate extension)',
        { job: 'h2' },
        '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="1.0"} 2\nh_count 2\n',
        [
          'collected metric "h" { label:<name:"instance" value:"" > label:<name:"job" value:"h2" > histogram:<sample_count:2 bucket:<cumulative_count:1 upper_bound:1 > bucket:<cumulative_count:2 upper_bound:1 > > } has two or more buckets with le="1"',
        ],
      ],
      [
        'a reserved family with another type',
        { job: 'c3' },
        '# TYPE go_goroutines counter\ngo_goroutines 1\n',
        ['gathered metric family go_goroutines has type COUNTER but should have GAUGE'],
      ],
      [
        'a reserved untyped family',
        { job: 'c3' },
        'go_goroutines{a="1"} 1\n',
        ['gathered metric family go_goroutines has type UNTYPED but should have GAUGE'],
      ],
      [
        'a reserved family absent at startup, with another HELP',
        { job: 'c3' },
        '# TYPE pushgateway_http_requests_total counter\npushgateway_http_requests_total 1\n',
        [
          'gathered metric family pushgateway_http_requests_total has help "" but should have "Total HTTP requests processed by the Pushgateway, excluding scrapes."',
        ],
      ],
      [
        'a reserved family absent at startup, with its HELP but another type',
        { job: 'c3' },
        '# HELP pushgateway_http_requests_total Total HTTP requests processed by the Pushgateway, excluding scrapes.\n# TYPE pushgateway_http_requests_total gauge\npushgateway_http_requests_total 1\n',
        [
          'gathered metric family pushgateway_http_requests_total has type GAUGE but should have COUNTER',
        ],
      ],
      [
        'a suffix collision with a reserved summary',
        { job: 'c4' },
        '# TYPE go_gc_duration_seconds_count gauge\ngo_gc_duration_seconds_count 1\n',
        [
          'collected metric named "go_gc_duration_seconds_count" collides with previously collected summary named "go_gc_duration_seconds"',
        ],
      ],
      [
        'a suffix collision inside the push',
        { job: 'd1' },
        '# TYPE hh_bucket gauge\nhh_bucket 1\n# TYPE hh histogram\nhh_count 1\n',
        [
          'collected metric named "hh_bucket" collides with previously collected histogram named "hh"',
        ],
      ],
    ])('rejects %s', (_, labels, body, errors) => {
      expect(prepare(labels, body).errors).toEqual(errors);
    });

    it('accepts a reserved family with its type and any HELP when upstream rewrites the HELP', () => {
      expect(
        prepare(
          { job: 'j' },
          '# HELP go_goroutines mine\n# TYPE go_goroutines gauge\ngo_goroutines 1\n',
        ).errors,
      ).toEqual([]);
    });

    it('accepts a reserved family absent at startup with its exact HELP and type', () => {
      const body =
        '# HELP pushgateway_http_requests_total Total HTTP requests processed by the Pushgateway, excluding scrapes.\n' +
        '# TYPE pushgateway_http_requests_total counter\npushgateway_http_requests_total 1\n';
      expect(prepare({ job: 'j' }, body).errors).toEqual([]);
    });

    it('checks nothing else once it found timestamps', () => {
      const prepared = prepare({ job: 'j', quantile: '1' }, 'a{__x="1"} 1 5\na{__x="1"} 1\n');
      expect(prepared.errors).toEqual(['pushed metrics must not have timestamps']);
      expect(prepared.families).toEqual([]);
      expect(prepared.index.series).toHaveLength(2);
    });

    it('accepts a summary next to an X_bucket family and an empty-label variant of a series', () => {
      const body =
        '# TYPE s summary\ns_count 1\n# TYPE s_bucket gauge\ns_bucket 1\nemp{x=""} 1\nemp 2\n';
      expect(prepare({ job: 'j' }, body).errors).toEqual([]);
    });

    it.each<[string, MetricFamily, string]>([
      [
        'an invalid metric name, which only protobuf can carry (Pushgate extension)',
        { name: '0bad', type: 'GAUGE', metric: [{ label: [], gauge: { value: 1 } }] },
        '"0bad" is not a valid metric name',
      ],
      [
        'a value field that does not match the family type',
        { name: 'g', type: 'GAUGE', metric: [{ label: [], counter: { value: 1 } }] },
        'collected metric "g" { label:<name:"instance" value:"" > label:<name:"job" value:"j" > counter:<value:1 > } is not a GAUGE',
      ],
      [
        'a gauge histogram without a histogram',
        { name: 'gh', type: 'GAUGE_HISTOGRAM', metric: [{ label: [], gauge: { value: 1 } }] },
        'is not a GAUGE_HISTOGRAM',
      ],
      [
        'a syntactically invalid label name',
        {
          name: 'a',
          type: 'GAUGE',
          metric: [{ label: [{ name: 'a.b', value: '1' }], gauge: { value: 1 } }],
        },
        'has a label with an invalid name: a.b',
      ],
      [
        'an empty label name',
        {
          name: 'a',
          type: 'GAUGE',
          metric: [{ label: [{ name: '', value: '1' }], gauge: { value: 1 } }],
        },
        'has two or more labels with the same name: ',
      ],
      [
        'a label value that is not UTF-8',
        {
          name: 'a',
          type: 'GAUGE',
          metric: [{ label: [{ name: 'v', value: 'x\udc00' }], gauge: { value: 1 } }],
        },
        'has a label named "v" whose value is not utf8: "x\\xed\\xb0\\x80"',
      ],
    ])('rejects (protobuf) %s', (_, family, error) => {
      const errors = prepare({ job: 'j' }, [family]).errors;
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(error);
    });

    it('reports every problem, one per series, with family problems skipping their series', () => {
      const body =
        '# TYPE go_goroutines counter\ngo_goroutines 1\ngo_goroutines{x="1"} 1\na{__a="1"} 1\na{__b="1"} 1\n';
      const errors = prepare({ job: 'j' }, body).errors;
      expect(errors).toEqual([
        expect.stringContaining('has a label with an invalid name: __a'),
        expect.stringContaining('has a label with an invalid name: __b'),
        'gathered metric family go_goroutines has type COUNTER but should have GAUGE',
      ]);
    });

    it('uses the reserved families it is given', () => {
      const reserved: ReservedFamilies = new Map([
        ['mine', { type: 'GAUGE', help: 'x', presentAtStartup: true }],
      ]);
      expect(
        prepare({ job: 'j' }, 'go_goroutines 1\nmine 1\n', 'replace', reserved).errors,
      ).toEqual(['gathered metric family mine has type UNTYPED but should have GAUGE']);
    });
  });
});

describe(seriesId, () => {
  it('tells apart label sets that differ only by an empty label', () => {
    expect(seriesId('a', [])).not.toBe(seriesId('a', [{ name: 'x', value: '' }]));
  });

  it('cannot be confused by separators inside names and values', () => {
    expect(seriesId('a', [{ name: 'x', value: 'b","y' }])).not.toBe(
      seriesId('a', [
        { name: 'x', value: 'b' },
        { name: 'y', value: '' },
      ]),
    );
    expect(seriesId('a","x', [])).not.toBe(seriesId('a', [{ name: 'x', value: '' }]));
  });
});
