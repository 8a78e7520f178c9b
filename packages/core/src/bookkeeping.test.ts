import { parseText, type MetricFamily } from '@pushgate/exposition';
import {
  applyFailure,
  applyPush,
  lastPushSuccessful,
  PUSH_FAILURE_TIME_SECONDS,
  PUSH_FAILURE_TIME_SECONDS_HELP,
  PUSH_TIME_SECONDS,
  PUSH_TIME_SECONDS_HELP,
} from './bookkeeping';
import type { GroupingLabels, MetricGroup, PushMode } from './model';
import { preparePush } from './prepare-push';
import { UPSTREAM_OWN_FAMILIES } from './reserved-families';

const LABELS = { job: 'j', instance: 'i' };

function push(
  group: MetricGroup | undefined,
  body: string | MetricFamily[],
  mode: PushMode,
  at: number,
  labels: GroupingLabels = LABELS,
) {
  const families = typeof body === 'string' ? parseText(body) : body;
  const prepared = preparePush({ labels, families, mode, receivedAt: at }, UPSTREAM_OWN_FAMILIES);
  expect(prepared.errors).toEqual([]);
  return applyPush(group, prepared);
}

function value(group: MetricGroup, name: string): number | undefined {
  const metric = group.families[name]?.family.metric[0];
  return metric?.gauge?.value ?? metric?.untyped?.value;
}

function summary(group: MetricGroup): Record<string, [number | undefined, number]> {
  return Object.fromEntries(
    Object.entries(group.families).map(([name, stored]) => [
      name,
      [value(group, name), stored.timestamp],
    ]),
  );
}

describe(applyPush, () => {
  it('creates a group with its bookkeeping gauges', () => {
    const group = push(undefined, 'a 1\n', 'replace', 100);
    expect(group.labels).toEqual(LABELS);
    expect(summary(group)).toEqual({
      a: [1, 100],
      push_time_seconds: [100, 100],
      push_failure_time_seconds: [0, 100],
    });
    expect(group.families[PUSH_TIME_SECONDS]?.family).toEqual({
      name: PUSH_TIME_SECONDS,
      help: 'Last Unix time when changing this group in the Pushgateway succeeded.',
      type: 'GAUGE',
      metric: [
        {
          label: [
            { name: 'instance', value: 'i' },
            { name: 'job', value: 'j' },
          ],
          gauge: { value: 100 },
        },
      ],
    });
    expect(group.families[PUSH_FAILURE_TIME_SECONDS]?.family.help).toBe(
      'Last Unix time when changing this group in the Pushgateway failed.',
    );
  });

  it('PUT replaces every family but the bookkeeping ones', () => {
    let group = push(undefined, 'a 1\nb 2\n', 'replace', 100);
    group = push(group, 'c 3\n', 'replace', 200);
    expect(summary(group)).toEqual({
      c: [3, 200],
      push_time_seconds: [200, 200],
      push_failure_time_seconds: [0, 100],
    });
  });

  it('PUT with an empty body keeps only the bookkeeping gauges', () => {
    const group = push(push(undefined, 'a 1\n', 'replace', 100), '', 'replace', 200);
    expect(summary(group)).toEqual({
      push_time_seconds: [200, 200],
      push_failure_time_seconds: [0, 100],
    });
  });

  it('POST replaces only the families it names, whole (spec §6 item 23)', () => {
    let group = push(undefined, 'a{x="1"} 1\na{x="2"} 1\nb 2\n', 'replace', 100);
    group = push(group, 'a{x="3"} 2\nc 3\n', 'merge', 200);
    expect(summary(group)).toEqual({
      a: [2, 200],
      b: [2, 100],
      c: [3, 200],
      push_time_seconds: [200, 200],
      push_failure_time_seconds: [0, 100],
    });
    expect(group.families.a?.family.metric).toHaveLength(1);
  });

  it('POST with a family without series clears that family', () => {
    let group = push(undefined, 'a 1\nb 2\n', 'replace', 100);
    group = push(group, [{ name: 'a', type: 'GAUGE', metric: [] }], 'merge', 200);
    expect(group.families.a?.family.metric).toEqual([]);
    expect(value(group, 'b')).toBe(2);
  });

  it('keeps an earlier failure forever, value and timestamp', () => {
    let group = applyFailure(undefined, LABELS, 50);
    group = push(group, 'a 1\n', 'replace', 100);
    group = push(group, 'a 1\n', 'merge', 150);
    expect(summary(group)).toEqual({
      a: [1, 150],
      push_time_seconds: [150, 150],
      push_failure_time_seconds: [50, 50],
    });
  });

  it('does not mutate the group it is given', () => {
    const group = push(undefined, 'a 1\n', 'replace', 100);
    const before = structuredClone(group);
    push(group, 'b 1\n', 'merge', 200);
    push(group, 'b 1\n', 'replace', 200);
    expect(group).toEqual(before);
  });

  it('handles any family name, even __proto__', () => {
    const family: MetricFamily = {
      name: '__proto__',
      type: 'GAUGE',
      metric: [{ label: [], gauge: { value: 7 } }],
    };
    const group = push(push(undefined, [family], 'replace', 100), 'b 1\n', 'merge', 200);
    expect(Object.keys(group.families).sort()).toEqual([
      '__proto__',
      'b',
      'push_failure_time_seconds',
      'push_time_seconds',
    ]);
    expect(value(group, '__proto__')).toBe(7);
  });
});

describe(applyFailure, () => {
  it('creates a missing group holding only the two gauges', () => {
    expect(summary(applyFailure(undefined, LABELS, 100))).toEqual({
      push_time_seconds: [0, 100],
      push_failure_time_seconds: [100, 100],
    });
  });

  it('sets the failure time and leaves metrics and the success time alone', () => {
    const group = applyFailure(push(undefined, 'a 1\n', 'replace', 100), LABELS, 200);
    expect(summary(group)).toEqual({
      a: [1, 100],
      push_time_seconds: [100, 100],
      push_failure_time_seconds: [200, 200],
    });
  });
});

describe(lastPushSuccessful, () => {
  it.each<[string, (g?: MetricGroup) => MetricGroup, boolean]>([
    ['after a success', () => push(undefined, 'a 1\n', 'replace', 100), true],
    [
      'after a failure',
      () => applyFailure(push(undefined, 'a 1\n', 'replace', 100), LABELS, 200),
      false,
    ],
    [
      'after a failure then a success',
      () => push(applyFailure(undefined, LABELS, 100), 'a 1\n', 'replace', 200),
      true,
    ],
    ['for a group created by a failure', () => applyFailure(undefined, LABELS, 100), false],
    [
      'when both happened at the same time',
      () => applyFailure(push(undefined, '', 'replace', 100), LABELS, 100),
      true,
    ],
  ])('is right %s', (_, build, expected) => {
    expect(lastPushSuccessful(build())).toBe(expected);
  });

  it('is true when a gauge is missing', () => {
    const group = push(undefined, 'a 1\n', 'replace', 100);
    const families = { ...group.families };
    delete families[PUSH_TIME_SECONDS];
    expect(lastPushSuccessful({ labels: LABELS, families })).toBe(true);
  });

  it('exports upstream HELP texts', () => {
    expect([PUSH_TIME_SECONDS_HELP, PUSH_FAILURE_TIME_SECONDS_HELP]).toEqual([
      'Last Unix time when changing this group in the Pushgateway succeeded.',
      'Last Unix time when changing this group in the Pushgateway failed.',
    ]);
  });
});
