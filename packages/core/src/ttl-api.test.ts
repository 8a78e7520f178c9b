import { parseText } from '@pushgate/exposition';
import { applyPush } from './bookkeeping';
import { toApiGroupsJson } from './api-groups';
import type { MetricGroup } from './model';
import { preparePush } from './prepare-push';
import { UPSTREAM_OWN_FAMILIES } from './reserved-families';
import { objectEntries, toApiGroupsJsonWithTtl } from './ttl-api';

function pushed(job: string, body: string, receivedAt = 1_700_000_000.5): MetricGroup {
  const prepared = preparePush(
    { labels: { job }, families: parseText(body), mode: 'replace', receivedAt },
    UPSTREAM_OWN_FAMILIES,
  );
  return applyPush(undefined, prepared);
}

describe('toApiGroupsJsonWithTtl', () => {
  it('is exactly upstream’s layout when no group has a TTL', () => {
    const groups = [pushed('a', 'x 1\n'), pushed('b', 'y{l="<&>"} 2\n')];
    expect(toApiGroupsJsonWithTtl(groups)).toBe(toApiGroupsJson(groups));
  });

  it('adds ttl-seconds and expires-at, keys still in Go’s byte order', () => {
    const withTtl = {
      ...pushed('a', 'A 1\nzz 2\n'),
      expiry: { ttlSeconds: 7200, expiresAt: 1_700_007_200.5 },
    };
    const json = toApiGroupsJsonWithTtl([withTtl, pushed('b', 'y 1\n')]);
    const [first, second] = JSON.parse(json) as Array<Record<string, unknown>>;
    expect(first?.['ttl-seconds']).toBe('7200');
    expect(first?.['expires-at']).toBe('2023-11-15T00:13:20.5Z');
    expect(Object.keys(first ?? {})).toEqual([
      'A',
      'expires-at',
      'labels',
      'last_push_successful',
      'push_failure_time_seconds',
      'push_time_seconds',
      'ttl-seconds',
      'zz',
    ]);
    expect(second).not.toHaveProperty('ttl-seconds');
    // Every other byte is what upstream's encoder writes.
    const withoutTtl = json
      .replace(/"expires-at":"[^"]*",/, '')
      .replace(/"ttl-seconds":"7200",/, '');
    expect(withoutTtl).toBe(toApiGroupsJson([withTtl, pushed('b', 'y 1\n')]));
  });

  it('lets a family of the same name win, as upstream lets one replace "labels"', () => {
    const group = pushed('a', 'x 1\n');
    const clash: MetricGroup = {
      ...group,
      families: {
        ...group.families,
        'ttl-seconds': { timestamp: 1, family: { name: 'ttl-seconds', type: 'GAUGE', metric: [] } },
      },
      expiry: { ttlSeconds: 60, expiresAt: 2 },
    };
    const [parsed] = JSON.parse(toApiGroupsJsonWithTtl([clash])) as Array<Record<string, unknown>>;
    expect(parsed?.['ttl-seconds']).toMatchObject({ type: 'GAUGE', metrics: [] });
    expect(parsed?.['expires-at']).toBe('1970-01-01T00:00:02Z');
  });
});

describe('objectEntries', () => {
  it.each<[string, Array<[string, string]>]>([
    ['{}', []],
    ['{"a":1}', [['a', '1']]],
    [
      '{"a":{"b":[1,{"c":"}"}]},"d\\"e":"x,\\"y","f":true,"g":[]}',
      [
        ['a', '{"b":[1,{"c":"}"}]}'],
        ['d"e', '"x,\\"y"'],
        ['f', 'true'],
        ['g', '[]'],
      ],
    ],
  ])('splits %s', (json, want) => {
    expect(objectEntries(json)).toEqual(want);
  });
});
