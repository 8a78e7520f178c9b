/**
 * MemoryMetricStore as a MaintainableMetricStore: the shared TTL contract, then what only the
 * in-memory store does: its expiry timers and its persistence file carrying the TTLs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseText } from '@pushgate/exposition';
import { MemoryMetricStore } from '../src/memory-metric-store';
import { ManualClock } from './contract/manual-clock';
import { describeTtlContract } from './contract/ttl.contract';

describeTtlContract('MemoryMetricStore', async (clock) => {
  const store = new MemoryMetricStore({ clock });
  return { store, cleanup: () => store.close() };
});

describeTtlContract('MemoryMetricStore with persistence', async (clock) => {
  const dir = mkdtempSync(join(tmpdir(), 'pushgate-ttl-'));
  const store = new MemoryMetricStore({
    clock,
    persistence: { file: join(dir, 'p.data'), intervalMs: 1000 },
  });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('MemoryMetricStore expiry timers', () => {
  let clock: ManualClock;
  let store: MemoryMetricStore;
  const push = (job: string, ttlSeconds?: number) =>
    store.push({
      labels: { job },
      families: parseText('a 1\n'),
      mode: 'replace',
      receivedAt: clock.seconds(),
      ttlSeconds,
    });

  beforeEach(() => {
    clock = new ManualClock();
    store = new MemoryMetricStore({ clock });
  });
  afterEach(() => store.close());

  it('deletes a group when its time comes, with no request to trigger it', async () => {
    await push('j', 10);
    clock.advance(9_999);
    expect(store.size).toBe(1);
    clock.advance(1);
    expect(store.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps one timer, for the earliest expiry', async () => {
    await push('late', 3600);
    await push('early', 10);
    await push('middle', 60);
    await push('forever');
    expect(clock.pendingTimers).toBe(1);
    clock.advance(10_000);
    expect(store.size).toBe(3);
    clock.advance(50_000);
    expect(store.size).toBe(2);
    expect(clock.pendingTimers).toBe(1);
  });

  it('follows a group whose expiry moved later', async () => {
    await push('j', 10);
    clock.advance(5_000);
    await push('j', 10);
    clock.advance(5_000);
    expect(store.size).toBe(1);
    clock.advance(5_000);
    expect(store.size).toBe(0);
  });

  it('waits longer than a Node timer can in steps', async () => {
    await push('j', 100 * 86_400); // 100 days: more than 2^31-1 ms
    clock.advance(2 ** 31 - 1);
    expect(store.size).toBe(1);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(100 * 86_400_000 - (2 ** 31 - 1));
    expect(store.size).toBe(0);
  });

  it('stops its timer on close', async () => {
    await push('j', 10);
    await store.close();
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('MemoryMetricStore persistence with TTLs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pushgate-ttl-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps TTLs across a restart and drops groups that expired meanwhile', async () => {
    const clock = new ManualClock();
    const file = join(dir, 'p.data');
    const first = new MemoryMetricStore({ clock, persistence: { file, intervalMs: 1000 } });
    const at = clock.seconds();
    for (const [job, ttlSeconds] of [
      ['short', 60],
      ['long', 3600],
      ['forever', undefined],
    ] as const) {
      await first.push({
        labels: { job },
        families: parseText('a 1\n'.replace('a', job)),
        mode: 'replace',
        receivedAt: at,
        ttlSeconds,
      });
    }
    await first.close();

    clock.jump(120_000);
    const second = new MemoryMetricStore({ clock, persistence: { file, intervalMs: 1000 } });
    expect(second.restoreError).toBeUndefined();
    const groups = await second.getGroups();
    expect(groups.map((g) => [g.labels.job, g.expiry])).toEqual([
      ['forever', undefined],
      ['long', { ttlSeconds: 3600, expiresAt: at + 3600 }],
    ]);
    expect(second.size).toBe(2);
    clock.advance(3600_000);
    expect(second.size).toBe(1);
    await second.close();
  });
});
