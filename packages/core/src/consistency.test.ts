import { parseText, type MetricType } from '@pushgate/exposition';
import { applyPush } from './bookkeeping';
import { checkAgainstStore, consistencyLookups } from './consistency';
import type { ConsistencyView, GroupingLabels, MetricGroup, PushMode } from './model';
import { preparePush, seriesId } from './prepare-push';
import { UPSTREAM_OWN_FAMILIES } from './reserved-families';

const NOW = 1700000000.5;

function prepare(labels: GroupingLabels, body: string, mode: PushMode = 'replace') {
  return preparePush(
    { labels, families: parseText(body), mode, receivedAt: NOW },
    UPSTREAM_OWN_FAMILIES,
  );
}

/** Builds a store state by applying pushes (which must be valid) in order. */
function store(...pushes: Array<[GroupingLabels, string]>): MetricGroup[] {
  const groups = new Map<string, MetricGroup>();
  for (const [labels, body] of pushes) {
    const prepared = prepare(labels, body);
    expect(prepared.errors).toEqual([]);
    groups.set(prepared.groupId, applyPush(groups.get(prepared.groupId), prepared));
  }
  return [...groups.values()];
}

/** A naive view over whole groups, excluding what the write replaces in its own group. */
function viewOf(groups: MetricGroup[], prepared: ReturnType<typeof prepare>): ConsistencyView {
  const types = new Map<string, MetricType>();
  const owners = new Map<string, string>();
  const replaced = prepared.index.replacedFamilies;
  for (const group of groups) {
    const id = prepare(group.labels, '').groupId;
    for (const [name, { family }] of Object.entries(group.families)) {
      const own = id === prepared.groupId;
      if (own && (replaced === undefined || replaced.includes(name) || name.startsWith('push_')))
        continue;
      if (family.metric.length > 0) types.set(name, family.type);
      for (const metric of family.metric) owners.set(seriesId(name, metric.label), id);
    }
  }
  return { familyType: (name) => types.get(name), seriesOwner: (id) => owners.get(id) };
}

function check(
  groups: MetricGroup[],
  labels: GroupingLabels,
  body: string,
  mode: PushMode = 'replace',
) {
  const prepared = prepare(labels, body, mode);
  return checkAgainstStore(prepared, viewOf(groups, prepared));
}

describe(checkAgainstStore, () => {
  it.each<[string, Array<[GroupingLabels, string]>, GroupingLabels, string, string[]]>([
    [
      'a type clash, naming the stored type, once per pushed series',
      [[{ job: 'c1' }, '# TYPE m counter\nm 1\n']],
      { job: 'c2' },
      '# TYPE m gauge\nm 1\nm{x="1"} 2\n',
      [
        'collected metric "m" { label:<name:"instance" value:"" > label:<name:"job" value:"c2" > gauge:<value:1 > } is not a COUNTER',
        'collected metric "m" { label:<name:"instance" value:"" > label:<name:"job" value:"c2" > label:<name:"x" value:"1" > gauge:<value:2 > } is not a COUNTER',
      ],
    ],
    [
      'untyped against counter',
      [[{ job: 'c1' }, '# TYPE m counter\nm 1\n']],
      { job: 'c2' },
      'm 1\n',
      [expect.stringContaining('is not a COUNTER')] as unknown as string[],
    ],
    [
      'a series held by another group',
      [[{ job: 'k1' }, 'm{instance="x"} 1\n']],
      { job: 'k1', instance: 'x' },
      'm 2\n',
      [
        'collected metric "m" { label:<name:"instance" value:"x" > label:<name:"job" value:"k1" > untyped:<value:2 > } was collected before with the same name and label values',
      ],
    ],
    [
      'a gauge X_count next to a stored summary X',
      [[{ job: 'd2' }, '# TYPE s summary\ns_count 1\n']],
      { job: 'd3' },
      '# TYPE s_count gauge\ns_count 1\n',
      ['collected metric named "s_count" collides with previously collected summary named "s"'],
    ],
    [
      'a histogram X next to a stored X_count',
      [[{ job: 'd6' }, '# TYPE x_count gauge\nx_count 1\n']],
      { job: 'd7' },
      '# TYPE x histogram\nx_count 1\n',
      [
        'collected histogram or summary named "x" collides with previously collected metric named "x_count"',
      ],
    ],
    [
      'a histogram X next to a stored X_bucket',
      [[{ job: 'a' }, 'x_bucket 1\n']],
      { job: 'b' },
      '# TYPE x histogram\nx_count 1\n',
      ['collected histogram named "x" collides with previously collected metric named "x_bucket"'],
    ],
    [
      'an untyped X_sum next to a stored histogram X',
      [[{ job: 'd4' }, '# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\nh_sum 2\n']],
      { job: 'd5' },
      '# TYPE h_sum untyped\nh_sum 1\n',
      ['collected metric named "h_sum" collides with previously collected histogram named "h"'],
    ],
  ])('rejects %s', (_, state, labels, body, errors) => {
    const result = check(store(...state), labels, body);
    expect(result.errors).toEqual(errors);
    expect(result.groupingKeyConflict).toBe(false);
  });

  it.each<[string, Array<[GroupingLabels, string]>, GroupingLabels, string]>([
    [
      'the same family name and type in another group',
      [[{ job: 'a' }, '# TYPE m counter\nm 1\n']],
      { job: 'b' },
      '# TYPE m counter\nm 1\n',
    ],
    [
      'a different HELP in another group',
      [[{ job: 'a' }, '# HELP m one\nm 1\n']],
      { job: 'b' },
      '# HELP m two\nm 1\n',
    ],
    [
      'a summary X next to a stored X_bucket',
      [[{ job: 'a' }, 's_bucket 1\n']],
      { job: 'b' },
      '# TYPE s summary\ns_count 1\n',
    ],
    [
      'a PUT replacing its own group with another type',
      [[{ job: 'a' }, '# TYPE m counter\nm 1\n']],
      { job: 'a' },
      '# TYPE m gauge\nm 1\n',
    ],
    ['a PUT repeating its own series', [[{ job: 'a' }, 'm 1\n']], { job: 'a' }, 'm 2\n'],
    [
      'a series differing by an empty label',
      [[{ job: 'a', x: '' }, 'm 1\n']],
      { job: 'a' },
      'm 1\n',
    ],
  ])('accepts %s', (_, state, labels, body) => {
    expect(check(store(...state), labels, body)).toEqual({
      errors: [],
      groupingKeyConflict: false,
    });
  });

  describe('POST', () => {
    const state = () => store([{ job: 'p' }, '# TYPE s summary\ns_count 1\nm 1\n']);

    it('checks against the families the group keeps', () => {
      expect(
        check(state(), { job: 'p' }, '# TYPE s_count gauge\ns_count 1\n', 'merge').errors,
      ).toEqual([
        'collected metric named "s_count" collides with previously collected summary named "s"',
      ]);
    });

    it('does not check against the families it replaces', () => {
      expect(
        check(state(), { job: 'p' }, '# TYPE s gauge\ns 1\n# TYPE m counter\nm 1\n', 'merge')
          .errors,
      ).toEqual([]);
    });
  });

  describe('grouping key conflicts (the upstream poisoning paths)', () => {
    it('flags a key whose bookkeeping gauges another group already has', () => {
      const result = check(store([{ job: 'k3' }, 'a 1\n']), { job: 'k3', instance: '' }, 'b 1\n');
      expect(result.groupingKeyConflict).toBe(true);
      expect(result.errors).toEqual([
        'collected metric "push_time_seconds" { label:<name:"instance" value:"" > label:<name:"job" value:"k3" > gauge:<value:1.7000000005e+09 > } was collected before with the same name and label values',
        'collected metric "push_failure_time_seconds" { label:<name:"instance" value:"" > label:<name:"job" value:"k3" > gauge:<value:0 > } was collected before with the same name and label values',
      ]);
    });

    it('flags it the other way round too', () => {
      expect(
        check(store([{ job: 'k3', instance: '' }, 'a 1\n']), { job: 'k3' }, '').groupingKeyConflict,
      ).toBe(true);
    });

    it('does not flag ordinary conflicts', () => {
      expect(
        check(store([{ job: 'a' }, 'm 1\n']), { job: 'b' }, '# TYPE m gauge\nm 1\n')
          .groupingKeyConflict,
      ).toBe(false);
    });
  });
});

describe(consistencyLookups, () => {
  it('lists every name and series id the check may ask about', () => {
    const prepared = prepare({ job: 'j' }, '# TYPE h histogram\nh_count 1\nx_sum 1\n');
    const lookups = consistencyLookups(prepared);
    expect(lookups.familyNames.sort()).toEqual(
      [
        'h',
        'h_bucket',
        'h_count',
        'h_sum',
        'x',
        'x_sum',
        'x_sum_bucket',
        'x_sum_count',
        'x_sum_sum',
      ].sort(),
    );
    expect(lookups.seriesIds).toEqual(prepared.index.series);

    const asked = new Set<string>();
    const recording = {
      familyType: (name: string) => (asked.add(name), undefined),
      seriesOwner: (id: string) => (asked.add(id), undefined),
    };
    checkAgainstStore(prepared, recording);
    for (const key of asked) expect([...lookups.familyNames, ...lookups.seriesIds]).toContain(key);
  });
});
