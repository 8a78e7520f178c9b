/**
 * The behavioural contract of MaintainableMetricStore (src/metric-store.ts): recording TTLs,
 * expired groups gone at once for reads, writes and the consistency rules, the batched sweep
 * with its re-check, and restore. Run against every implementation, next to
 * describeMetricStoreContract:
 *
 *   describeTtlContract('RedisMetricStore', async (clock) => {
 *     const store = new RedisMetricStore({ redis, keyPrefix: randomPrefix(), now: () => clock.now() });
 *     return { store, cleanup: () => store.close() };
 *   });
 *
 * `clock` is the store's time: a store must read "now" from it (ms since the epoch). Tests move
 * it with `advance` (timers due on the way run) or `jump` (they do not: a store must not need
 * them for correctness, only for freeing memory early).
 */
import {
  groupId,
  PushRejectedError,
  type GroupingLabels,
  type MetricGroup,
  type PushMode,
} from '@pushgate/core';
import { parseText } from '@pushgate/exposition';
import type { MaintainableMetricStore } from '../../src/metric-store';
import { ManualClock } from './manual-clock';

export interface TtlContractSubject {
  store: MaintainableMetricStore;
  cleanup(): Promise<void>;
}

export function describeTtlContract(
  name: string,
  makeStore: (clock: ManualClock) => Promise<TtlContractSubject>,
): void {
  describe(`MaintainableMetricStore contract: ${name}`, () => {
    let clock: ManualClock;
    let subject: TtlContractSubject;
    let store: MaintainableMetricStore;

    beforeEach(async () => {
      clock = new ManualClock();
      subject = await makeStore(clock);
      store = subject.store;
    });

    afterEach(async () => {
      await subject.cleanup();
    });

    /** Pushes at the clock's current time; returns that time (Unix seconds). */
    async function push(
      labels: GroupingLabels,
      body: string,
      ttlSeconds?: number,
      mode: PushMode = 'replace',
    ): Promise<number> {
      const receivedAt = clock.seconds();
      await store.push({ labels, families: parseText(body), mode, receivedAt, ttlSeconds });
      return receivedAt;
    }

    async function rejected(labels: GroupingLabels, body: string, ttlSeconds?: number) {
      await expect(push(labels, body, ttlSeconds)).rejects.toBeInstanceOf(PushRejectedError);
    }

    async function group(labels: GroupingLabels): Promise<MetricGroup | undefined> {
      return (await store.getGroups()).find((g) => groupId(g.labels) === groupId(labels));
    }

    /** The live groups in store order, each as its job plus its other labels: `a/x=1`. */
    async function jobs(): Promise<string[]> {
      return (await store.getGroups()).map(({ labels }) =>
        [
          labels.job,
          ...Object.keys(labels)
            .filter((name) => name !== 'job')
            .sort()
            .map((name) => `${name}=${labels[name]}`),
        ].join('/'),
      );
    }

    describe('recording the TTL', () => {
      it('stores the TTL and expiry time of a push with the group', async () => {
        const at = await push({ job: 'j' }, 'a 1\n', 90);
        expect((await group({ job: 'j' }))?.expiry).toEqual({ ttlSeconds: 90, expiresAt: at + 90 });
      });

      it.each([undefined, 0])('gives a push with TTL %p no expiry', async (ttl) => {
        await push({ job: 'j' }, 'a 1\n', ttl);
        expect((await group({ job: 'j' }))?.expiry).toBeUndefined();
      });

      it('takes the TTL of the last successful push, PUT or POST', async () => {
        await push({ job: 'j' }, 'a 1\n', 90);
        clock.advance(10_000);
        const post = await push({ job: 'j' }, 'b 1\n', 3600, 'merge');
        expect((await group({ job: 'j' }))?.expiry).toEqual({
          ttlSeconds: 3600,
          expiresAt: post + 3600,
        });
        await push({ job: 'j' }, 'c 1\n');
        expect((await group({ job: 'j' }))?.expiry).toBeUndefined();
      });

      it('keeps the expiry of an existing group on a rejected push: it is no successful push', async () => {
        const at = await push({ job: 'j' }, 'a 1\n', 60);
        clock.advance(30_000);
        await rejected({ job: 'j' }, 'a 1 1000\n', 3600);
        expect((await group({ job: 'j' }))?.expiry).toEqual({ ttlSeconds: 60, expiresAt: at + 60 });
        await push({ job: 'k' }, 'a 1\n');
        await rejected({ job: 'k' }, 'a 1 1000\n', 3600);
        expect((await group({ job: 'k' }))?.expiry).toBeUndefined();
      });

      it("gives a group created by a rejected push that push's TTL", async () => {
        const at = clock.seconds();
        await rejected({ job: 'new' }, 'a 1 1000\n', 120);
        expect((await group({ job: 'new' }))?.expiry).toEqual({
          ttlSeconds: 120,
          expiresAt: at + 120,
        });
        clock.advance(120_000);
        expect(await jobs()).toEqual([]);
      });
    });

    describe('expired groups are gone at once', () => {
      it('leaves reads at the expiry instant, before any sweep', async () => {
        await push({ job: 'short' }, 'a 1\n', 10);
        await push({ job: 'long' }, 'b 1\n', 20);
        await push({ job: 'forever' }, 'c 1\n');
        clock.jump(9_999);
        expect(await jobs()).toEqual(['forever', 'long', 'short']);
        clock.jump(1);
        expect(await jobs()).toEqual(['forever', 'long']);
        clock.jump(10_000);
        expect(await jobs()).toEqual(['forever']);
      });

      it('lets a push to the key of an expired group start from nothing', async () => {
        await push({ job: 'j' }, 'a 1\n', 10);
        await rejected({ job: 'j' }, 'a 1 1000\n');
        clock.jump(10_000);
        const at = await push({ job: 'j' }, 'b 2\n', undefined, 'merge');
        const fresh = await group({ job: 'j' });
        expect(Object.keys(fresh?.families ?? {}).sort()).toEqual([
          'b',
          'push_failure_time_seconds',
          'push_time_seconds',
        ]);
        expect(fresh?.families.push_failure_time_seconds?.family.metric[0]?.gauge?.value).toBe(0);
        expect(fresh?.families.push_time_seconds?.timestamp).toBe(at);
        expect(fresh?.expiry).toBeUndefined();
      });

      it('lets a rejected push to the key of an expired group start from nothing too', async () => {
        await push({ job: 'j' }, 'a 1\n', 10);
        clock.jump(10_000);
        await rejected({ job: 'j' }, 'a 1 1000\n');
        expect(Object.keys((await group({ job: 'j' }))?.families ?? {}).sort()).toEqual([
          'push_failure_time_seconds',
          'push_time_seconds',
        ]);
      });

      it('leaves expired groups out of the consistency rules', async () => {
        await push({ job: 'a' }, '# TYPE m counter\nm{x="1"} 1\n', 10);
        await rejected({ job: 'b' }, '# TYPE m gauge\nm 1\n');
        await rejected({ job: 'a', x: '1' }, '# TYPE m counter\nm 1\n');
        clock.jump(10_000);
        await push({ job: 'b' }, '# TYPE m gauge\nm 1\n');
        await push({ job: 'a', x: '1' }, '# TYPE m gauge\nm 1\n');
        expect(await jobs()).toEqual(['a/x=1', 'b']);
      });

      it('deletes expired groups on its own when time passes (timers), if it has any', async () => {
        await push({ job: 'j' }, 'a 1\n', 10);
        clock.advance(10_000);
        expect(await jobs()).toEqual([]);
        expect(await store.sweepExpired(clock.seconds(), 100)).toEqual({
          deleted: expect.any(Number),
          more: false,
        });
      });
    });

    describe('sweepExpired', () => {
      it('deletes due groups in batches, earliest first, and says when more are due', async () => {
        for (const [i, job] of ['e1', 'e2', 'e3', 'e4', 'e5'].entries()) {
          await push({ job }, 'a 1\n'.replace('a', `a${i}`), 10 + i);
        }
        await push({ job: 'later' }, 'b 1\n', 3600);
        await push({ job: 'forever' }, 'c 1\n');
        clock.jump(20_000);
        const now = clock.seconds();
        expect(await store.sweepExpired(now, 2)).toEqual({ deleted: 2, more: true });
        expect(await store.sweepExpired(now, 2)).toEqual({ deleted: 2, more: true });
        expect(await store.sweepExpired(now, 2)).toEqual({ deleted: 1, more: false });
        expect(await store.sweepExpired(now, 2)).toEqual({ deleted: 0, more: false });
        clock.jump(-20_000);
        expect(await jobs()).toEqual(['forever', 'later']);
      });

      it('deletes only what is due at the time it is given', async () => {
        await push({ job: 'a' }, 'a 1\n', 10);
        await push({ job: 'b' }, 'b 1\n', 30);
        clock.jump(60_000);
        expect(await store.sweepExpired(clock.seconds() - 40, 100)).toEqual({
          deleted: 1,
          more: false,
        });
        clock.jump(-60_000);
        expect(await jobs()).toEqual(['b']);
      });

      it('keeps a group pushed 1 ms before the sweep ran: the delete re-checks', async () => {
        const first = await push({ job: 'j' }, 'a 1\n', 10);
        clock.jump(9_999);
        await push({ job: 'j' }, 'a 2\n', 10);
        clock.jump(1);
        // A sweep that listed the group as due at first + 10 now finds it pushed again.
        expect(await store.sweepExpired(first + 10, 100)).toEqual({ deleted: 0, more: false });
        const kept = await group({ job: 'j' });
        expect(kept?.families.a?.family.metric[0]?.untyped?.value).toBe(2);
      });

      it('keeps a group re-pushed without TTL', async () => {
        const first = await push({ job: 'j' }, 'a 1\n', 10);
        clock.jump(5_000);
        await push({ job: 'j' }, 'a 2\n');
        expect(await store.sweepExpired(first + 10, 100)).toEqual({ deleted: 0, more: false });
        clock.jump(3_600_000);
        expect(await jobs()).toEqual(['j']);
      });

      it('never touches a group pushed without TTL', async () => {
        await push({ job: 'forever' }, 'a 1\n');
        const before = await store.getGroups();
        clock.advance(200 * 365 * 86_400_000);
        expect(await store.sweepExpired(clock.seconds(), 1000)).toEqual({
          deleted: 0,
          more: false,
        });
        expect(await store.getGroups()).toEqual(before);
      });

      it('deletes like delete does: the families and series become free', async () => {
        await push({ job: 'a' }, '# TYPE m counter\nm 1\n', 10);
        clock.jump(10_000);
        expect(await store.sweepExpired(clock.seconds(), 100)).toEqual({ deleted: 1, more: false });
        clock.jump(-10_000); // the group would still be live now, had it not been deleted
        expect(await jobs()).toEqual([]);
        await push({ job: 'b' }, '# TYPE m gauge\nm 1\n');
      });
    });

    describe('restoreGroups', () => {
      async function populate(): Promise<MetricGroup[]> {
        await push({ job: 'a', instance: 'i' }, '# TYPE m counter\nm{x="1"} 1\n', 3600);
        clock.advance(1_000);
        await push({ job: 'b' }, '# HELP g Gauge.\n# TYPE g gauge\ng NaN\n');
        clock.advance(1_000);
        await rejected({ job: 'b' }, 'g 1 1000\n');
        await rejected({ job: 'c' }, 'x 1 1000\n', 600);
        return store.getGroups();
      }

      it('puts a snapshot back as it was: families, timestamps, bookkeeping, expiry', async () => {
        const snapshot = await populate();
        await store.wipe();
        clock.advance(60_000);
        expect(await store.restoreGroups(snapshot)).toEqual({ restored: 3, skipped: [] });
        expect(await store.getGroups()).toEqual(snapshot);
      });

      it('restores into a store the rules then apply to', async () => {
        const snapshot = await populate();
        await store.wipe();
        await store.restoreGroups(snapshot);
        await rejected({ job: 'd' }, '# TYPE m gauge\nm 1\n');
        await rejected({ job: 'a', instance: 'i', x: '1' }, '# TYPE m counter\nm 1\n');
        await push({ job: 'b' }, 'g 2\n', undefined, 'merge');
      });

      it('keeps the expiry times of the snapshot, and skips groups that expired since', async () => {
        const snapshot = await populate();
        await store.wipe();
        clock.advance(600_000);
        expect(await store.restoreGroups(snapshot)).toEqual({
          restored: 2,
          skipped: [{ labels: { job: 'c' }, reason: 'expired' }],
        });
        clock.advance(3600_000);
        expect(await jobs()).toEqual(['b']);
      });

      it('never overwrites a live group, and skips groups that conflict with the store', async () => {
        const snapshot = await populate();
        await store.wipe();
        const live = await push({ job: 'a', instance: 'i' }, 'y 1\n');
        await push({ job: 'z' }, '# TYPE g counter\ng 1\n');
        const result = await store.restoreGroups(snapshot);
        expect(result.restored).toBe(1);
        expect(result.skipped).toEqual([
          { labels: { job: 'a', instance: 'i' }, reason: 'exists' },
          { labels: { job: 'b' }, reason: 'conflict' },
        ]);
        expect((await group({ job: 'a', instance: 'i' }))?.families.y?.timestamp).toBe(live);
        expect(await jobs()).toEqual(['a/instance=i', 'c', 'z']);
      });

      it('is idempotent', async () => {
        const snapshot = await populate();
        await store.wipe();
        await store.restoreGroups(snapshot);
        const second = await store.restoreGroups(snapshot);
        expect(second.restored).toBe(0);
        expect(second.skipped.map((s) => s.reason)).toEqual(['exists', 'exists', 'exists']);
        expect(await store.getGroups()).toEqual(snapshot);
      });

      it('does not keep the caller’s objects', async () => {
        const snapshot = await populate();
        await store.wipe();
        await store.restoreGroups(snapshot);
        (snapshot[0] as MetricGroup).labels = { job: 'changed' };
        delete (snapshot[1] as MetricGroup).families.g;
        expect(await jobs()).toEqual(['a/instance=i', 'b', 'c']);
        expect((await group({ job: 'b' }))?.families.g).toBeDefined();
      });
    });
  });
}
