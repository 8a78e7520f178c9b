import { applyFailure, applyPush, preparePush, seriesId, type MetricGroup } from '@pushgate/core';
import { parseText } from '@pushgate/exposition';
import type { RestoreSkipReason } from './metric-store';
import { RedisStoreProtocolError, ScriptCode } from './redis-errors';
import { groupHash, seriesKey, shardOf } from './redis-keys';
import { planRestore, RESTORE_CONCURRENCY, restoreAll, restoreOutcome } from './redis-restore';

const GC = { graceMs: 10000, batch: 100 };

/** A group as a snapshot holds it: pushed at 1700000000.5, its failure recorded at ...1.25. */
function snapshotGroup(body: string, expiry?: MetricGroup['expiry']): MetricGroup {
  const labels = { job: 'j' };
  const prepared = preparePush(
    { labels, families: parseText(body), mode: 'replace', receivedAt: 1700000000.5 },
    new Map(),
  );
  const group = applyFailure(applyPush(undefined, prepared), labels, 1700000001.25);
  return expiry === undefined ? group : { ...group, expiry };
}

describe(planRestore, () => {
  it('puts the bookkeeping gauges in the metadata and the other families in the blob', () => {
    const group = snapshotGroup('# TYPE m counter\nm{x="1"} 1\nm{x="2"} 2\n');
    const plan = planRestore(group, 1800000000, GC);
    const h = groupHash('job="j"');
    expect(plan.h).toBe(h);
    expect(plan.shard).toBe(shardOf(h));
    expect(plan.head).toEqual([
      h,
      '{"job":"j"}',
      '1800000000',
      '1700000000.5',
      '1700000000.5',
      '1700000001.25',
      '1700000001.25',
      '-',
      '-',
      10000,
      100,
    ]);
    expect(plan.records).toEqual([expect.stringMatching(/^"m":\{"t":1700000000.5,/)]);
  });

  it('indexes every family with series, the bookkeeping gauges flagged, as a push does', () => {
    const group = snapshotGroup('# TYPE m counter\nm{x="1"} 1\nm{x="2"} 2\n');
    const series = (name: string, extra: Record<string, string> = {}) =>
      seriesKey(
        seriesId(
          name,
          Object.entries({ instance: '', job: 'j', ...extra })
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([n, value]) => ({ name: n, value })),
        ),
      );
    expect(planRestore(group, 1800000000, GC).families).toEqual([
      3,
      'm',
      'COUNTER',
      '0',
      series('m', { x: '1' }) + series('m', { x: '2' }),
      'push_time_seconds',
      'GAUGE',
      '1',
      series('push_time_seconds'),
      'push_failure_time_seconds',
      'GAUGE',
      '1',
      series('push_failure_time_seconds'),
    ]);
  });

  it('stores a family without series but leaves it out of the indexes', () => {
    const group = snapshotGroup('');
    group.families.e = { family: { name: 'e', type: 'GAUGE', metric: [] }, timestamp: 1 };
    const plan = planRestore(group, 1800000000, GC);
    expect(plan.records).toEqual([expect.stringMatching(/^"e":/)]);
    expect(plan.families[0]).toBe(2);
  });

  it('carries the expiry as the snapshot has it', () => {
    const group = snapshotGroup('a 1\n', { ttlSeconds: 90, expiresAt: 1700000090.5 });
    expect(planRestore(group, 1800000000, GC).head.slice(7, 9)).toEqual(['90', '1700000090.5']);
  });
});

describe(restoreOutcome, () => {
  it.each([
    [ScriptCode.APPLIED, undefined],
    [ScriptCode.GROUP_EXISTS, 'exists'],
    [ScriptCode.GROUP_EXPIRED, 'expired'],
    [ScriptCode.RESTORE_CONFLICT, 'conflict'],
    [ScriptCode.GROUP_HASH_COLLISION, 'conflict'],
  ])('reads code %p as %p', (code, reason) => {
    expect(restoreOutcome(code)).toBe(reason);
  });

  it.each([ScriptCode.REJECTED, ScriptCode.SWEEP_NEEDED, 99])('refuses code %p', (code) => {
    expect(() => restoreOutcome(code)).toThrow(RedisStoreProtocolError);
  });
});

describe(restoreAll, () => {
  const groups = Array.from({ length: 30 }, (_, i) => ({ labels: { job: `g${i}` }, families: {} }));
  const reasons: RestoreSkipReason[] = ['exists', 'expired', 'conflict'];
  const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('reports the skipped groups in snapshot order, with at most a few under way', async () => {
    let running = 0;
    let most = 0;
    const result = await restoreAll(groups, async (group) => {
      running++;
      most = Math.max(most, running);
      const i = Number(group.labels.job?.slice(1));
      await tick((i * 7) % 5); // finish out of order
      running--;
      return i % 4 === 0 ? reasons[i % 3] : undefined;
    });
    expect(most).toBe(RESTORE_CONCURRENCY);
    expect(result.restored).toBe(22);
    expect(result.skipped).toEqual(
      [0, 4, 8, 12, 16, 20, 24, 28].map((i) => ({
        labels: { job: `g${i}` },
        reason: reasons[i % 3],
      })),
    );
  });

  it('rejects with the first failure once the groups under way settle, starting no more', async () => {
    const started: number[] = [];
    const failure = new Error('Redis went away');
    await expect(
      restoreAll(groups, async (group) => {
        const i = Number(group.labels.job?.slice(1));
        started.push(i);
        await tick(1);
        if (i === 3) throw failure;
        return undefined;
      }),
    ).rejects.toBe(failure);
    expect(Math.max(...started)).toBeLessThan(3 + RESTORE_CONCURRENCY + 1);
  });

  it('copies the labels it reports', async () => {
    const group = { labels: { job: 'x' }, families: {} };
    const result = await restoreAll([group], async () => 'exists');
    expect(result.skipped[0]?.labels).not.toBe(group.labels);
  });
});
