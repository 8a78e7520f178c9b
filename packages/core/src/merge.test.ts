import { parseText, renderText, type MetricFamily } from '@pushgate/exposition';
import { applyPush } from './bookkeeping';
import { groupId } from './grouping-key';
import { mergeGroups } from './merge';
import type { GroupingLabels, MetricGroup, StoredFamily } from './model';
import { preparePush } from './prepare-push';
import { UPSTREAM_OWN_FAMILIES } from './reserved-families';

function group(labels: GroupingLabels, body: string, at = 1): MetricGroup {
  const prepared = preparePush(
    { labels, families: parseText(body), mode: 'replace', receivedAt: at },
    UPSTREAM_OWN_FAMILIES,
  );
  expect(prepared.errors).toEqual([]);
  return applyPush(undefined, prepared);
}

/** A group holding exactly the given families (no rules applied), to feed inconsistent data. */
function raw(labels: GroupingLabels, ...families: MetricFamily[]): MetricGroup {
  const record: Record<string, StoredFamily> = {};
  for (const family of families) record[family.name] = { family, timestamp: 1 };
  return { labels, families: record };
}

function byGroupId(groups: MetricGroup[]): MetricGroup[] {
  return [...groups].sort((a, b) => (groupId(a.labels) < groupId(b.labels) ? -1 : 1));
}

/** The scrape body without the bookkeeping gauges. */
function scrape(families: MetricFamily[]): string {
  return renderText(families.filter((f) => !f.name.startsWith('push_')));
}

describe(mergeGroups, () => {
  it('concatenates series across groups, sorted as upstream sorts them', () => {
    const groups = byGroupId([
      group({ job: 'b' }, 'm{x="2"} 2\nz 1\n'),
      group({ job: 'a' }, 'm{x="1"} 1\nm 0\n'),
      group({ job: 'a', instance: 'i' }, 'm 3\n'),
    ]);
    expect(scrape(mergeGroups(groups))).toBe(
      [
        '# TYPE m untyped',
        'm{instance="",job="a"} 0',
        'm{instance="i",job="a"} 3',
        'm{instance="",job="a",x="1"} 1',
        'm{instance="",job="b",x="2"} 2',
        '# TYPE z untyped',
        'z{instance="",job="b"} 1',
        '',
      ].join('\n'),
    );
  });

  it('renders the bookkeeping gauges of every group', () => {
    const families = mergeGroups(
      byGroupId([group({ job: 'a' }, '', 5), group({ job: 'b' }, '', 6)]),
    );
    expect(families.map((f) => [f.name, f.metric.length])).toEqual([
      ['push_failure_time_seconds', 2],
      ['push_time_seconds', 2],
    ]);
  });

  it('takes TYPE-consistent HELP from the first group in the given order', () => {
    const groups = byGroupId([
      group({ job: 'b' }, '# HELP m from b\nm 1\n'),
      group({ job: 'a' }, '# HELP m from a\nm 1\n'),
    ]);
    expect(mergeGroups(groups)[0]).toMatchObject({ name: 'm', help: 'from a' });
    expect(mergeGroups([...groups].reverse())[0]).toMatchObject({ name: 'm', help: 'from b' });
  });

  it('has no HELP when the winning group has none, as upstream may', () => {
    const groups = byGroupId([
      group({ job: 'a' }, 'm 1\n'),
      group({ job: 'b' }, '# HELP m from b\nm 1\n'),
    ]);
    expect(mergeGroups(groups)[0]).not.toHaveProperty('help');
  });

  it('rewrites the HELP of a pushed family the gateway had at startup', () => {
    const pushed = group(
      { job: 'a' },
      '# HELP go_goroutines mine\n# TYPE go_goroutines gauge\ngo_goroutines 1\n',
    );
    expect(mergeGroups([pushed]).find((f) => f.name === 'go_goroutines')).toMatchObject({
      name: 'go_goroutines',
      help: 'Number of goroutines that currently exist.',
    });
  });

  it('keeps the pushed HELP of a reserved family that was absent at startup', () => {
    const reserved = new Map([
      ['m', { type: 'GAUGE' as const, help: 'reserved', presentAtStartup: false }],
    ]);
    const pushed = raw(
      { job: 'a' },
      { name: 'm', help: 'pushed', type: 'GAUGE', metric: [{ label: [], gauge: { value: 1 } }] },
    );
    expect(mergeGroups([pushed], [], reserved)[0]).toMatchObject({ help: 'pushed' });
    reserved.set('m', { type: 'GAUGE', help: 'reserved', presentAtStartup: true });
    expect(mergeGroups([pushed], [], reserved)[0]).toMatchObject({ help: 'reserved' });
  });

  it("merges pushed series into the gateway's own family, whose TYPE and HELP win", () => {
    const own: MetricFamily = {
      name: 'go_goroutines',
      help: 'own',
      type: 'GAUGE',
      metric: [{ label: [], gauge: { value: 9 } }],
    };
    const pushed = group(
      { job: 'a' },
      '# HELP go_goroutines mine\n# TYPE go_goroutines gauge\ngo_goroutines 1\n',
    );
    expect(scrape(mergeGroups([pushed], [own]))).toBe(
      '# HELP go_goroutines own\n# TYPE go_goroutines gauge\ngo_goroutines 9\ngo_goroutines{instance="",job="a"} 1\n',
    );
  });

  it('drops families without series', () => {
    const empty = raw({ job: 'a' }, { name: 'e', type: 'GAUGE', metric: [] });
    expect(mergeGroups([empty])).toEqual([]);
  });

  describe('with inconsistent data, which the stores never hold', () => {
    const series = (job: string, kind: 'gauge' | 'counter', value = 1) => ({
      label: [
        { name: 'instance', value: '' },
        { name: 'job', value: job },
      ],
      [kind]: { value },
    });

    it('drops the series of a family whose type differs from the winning one', () => {
      const groups = [
        raw({ job: 'a' }, { name: 'm', type: 'GAUGE', metric: [series('a', 'gauge')] }),
        raw({ job: 'b' }, { name: 'm', type: 'COUNTER', metric: [series('b', 'counter')] }),
      ];
      expect(mergeGroups(groups)).toEqual([
        { name: 'm', type: 'GAUGE', metric: [series('a', 'gauge')] },
      ]);
    });

    it('drops series whose value field does not match the type', () => {
      const groups = [
        raw(
          { job: 'a' },
          { name: 'm', type: 'GAUGE', metric: [series('a', 'counter'), series('b', 'gauge')] },
        ),
      ];
      expect(mergeGroups(groups)[0]?.metric).toEqual([series('b', 'gauge')]);
    });

    it('keeps the first of repeated series', () => {
      const groups = [
        raw({ job: 'a' }, { name: 'm', type: 'GAUGE', metric: [series('x', 'gauge', 1)] }),
        raw(
          { job: 'b' },
          { name: 'm', type: 'GAUGE', metric: [series('x', 'gauge', 2), series('y', 'gauge', 3)] },
        ),
      ];
      expect(mergeGroups(groups)[0]?.metric).toEqual([
        series('x', 'gauge', 1),
        series('y', 'gauge', 3),
      ]);
    });

    it('drops a family colliding with a summary or histogram', () => {
      const groups = [
        raw(
          { job: 'a' },
          {
            name: 's',
            type: 'SUMMARY',
            metric: [{ label: [], summary: { sampleCount: 1, quantile: [] } }],
          },
          { name: 's_count', type: 'GAUGE', metric: [series('a', 'gauge')] },
        ),
      ];
      expect(mergeGroups(groups).map((f) => f.name)).toEqual(['s']);
    });

    it("lets the gateway's own family win a collision", () => {
      const own: MetricFamily = {
        name: 'x_count',
        type: 'GAUGE',
        metric: [{ label: [], gauge: { value: 1 } }],
      };
      const groups = [
        raw(
          { job: 'a' },
          {
            name: 'x',
            type: 'HISTOGRAM',
            metric: [{ label: [], histogram: { sampleCount: 1, bucket: [] } }],
          },
        ),
      ];
      expect(mergeGroups(groups, [own]).map((f) => f.name)).toEqual(['x_count']);
    });
  });

  it('does not modify the groups', () => {
    const groups = byGroupId([group({ job: 'b' }, 'm 2\n'), group({ job: 'a' }, 'm 1\n')]);
    const before = structuredClone(groups);
    mergeGroups(groups);
    expect(groups).toEqual(before);
  });
});
