/**
 * What the Redis store's expiry and restore guarantee beyond the TTL contract, run on every
 * topology (redis-metric-store.test.ts, redis-cluster-metric-store.test.ts): the expiry set, the
 * metadata and the indexes stay in step; sweeps delete through delete's path (the change feed
 * sees them); every node judges expiry by its own clock; a write sweeps however many groups are
 * due before it records a failure; restores leave no staged blob behind; wipe clears the set.
 */
import type { Cluster, Redis } from 'ioredis';
import { groupId, PushRejectedError, type GroupingLabels, type PushMode } from '@pushgate/core';
import { parseText } from '@pushgate/exposition';
import type { StoreChanges } from '../../src/change-feed';
import { groupHash, RedisKeys, shardOf } from '../../src/redis-keys';
import { RedisMetricStore } from '../../src/redis-metric-store';
import { WRITE_SWEEP_BATCH } from '../../src/redis-ttl';
import { ManualClock } from '../contract/manual-clock';
import {
  expectIndexesMatch,
  GROUPS,
  prng,
  randomPrefix,
  type RedisTestEnvironment,
} from './redis-store-behaviour';

const BODIES = [
  '# TYPE m counter\nm 1\n',
  '# TYPE m gauge\nm 2\n',
  'm{instance="x"} 3\n',
  'n{k="1"} 1\n',
  '',
  'ts 1 1000\n',
];
const TTLS = [undefined, 0, 5, 10, 30];

/** Every field of the shards of `labels`' blob hashes, and of their staging lists. */
async function shardContents(
  client: Redis | Cluster,
  keys: RedisKeys,
  labels: readonly GroupingLabels[],
): Promise<{ blobs: number; staged: number }> {
  const shards = new Set(labels.map((l) => shardOf(groupHash(groupId(l)))));
  let blobs = 0;
  let staged = 0;
  for (const shard of shards) {
    blobs += await client.hlen(keys.blobs(shard));
    staged += await client.zcard(keys.staged(shard));
  }
  return { blobs, staged };
}

/** The group hashes a StoreChanges reports removed, after reading every changed group. */
async function removedBy(changes: StoreChanges): Promise<readonly string[]> {
  for await (const batch of changes.changed) for (const g of batch) g.read();
  return changes.removed;
}

export function describeRedisTtlBehaviour(topology: string, env: RedisTestEnvironment): void {
  describe(`RedisMetricStore expiry on ${topology} Redis`, () => {
    const opened: Array<{ store: RedisMetricStore; client: Redis | Cluster }> = [];
    let prefix: string;
    let keys: RedisKeys;

    /** A store on a client of its own, as one gateway node has, on its own clock. */
    function node(clock: ManualClock): RedisMetricStore {
      const client = env.connect();
      const store = new RedisMetricStore({
        redis: client,
        keyPrefix: prefix,
        now: () => clock.now(),
        blobGraceMs: 0,
      });
      opened.push({ store, client });
      return store;
    }

    const push = (
      store: RedisMetricStore,
      clock: ManualClock,
      labels: GroupingLabels,
      body: string,
      ttlSeconds?: number,
      mode: PushMode = 'replace',
    ) =>
      store.push({
        labels,
        families: parseText(body),
        mode,
        receivedAt: clock.seconds(),
        ttlSeconds,
      });

    beforeEach(() => {
      prefix = randomPrefix();
      keys = new RedisKeys(prefix);
    });

    afterEach(async () => {
      for (const { store, client } of opened.splice(0)) {
        await store.close();
        await client.quit();
      }
    });

    it('keeps the expiry set, the metadata and the indexes in step through every kind of write', async () => {
      const clock = new ManualClock();
      const store = node(clock);
      const random = prng(42);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
      for (let i = 0; i < 150; i++) {
        const r = random();
        if (r < 0.1) await store.delete(pick(GROUPS));
        else if (r < 0.2) await store.sweepExpired(clock.seconds(), 2);
        else if (r < 0.3) clock.jump(Math.floor(random() * 8000));
        else {
          const mode = random() < 0.5 ? 'replace' : 'merge';
          await push(store, clock, pick(GROUPS), pick(BODIES), pick(TTLS), mode).catch(
            (err: unknown) => {
              if (!(err instanceof PushRejectedError)) throw err;
            },
          );
        }
      }
      while ((await store.sweepExpired(clock.seconds(), 3)).more);
      // Every group still stored is live now: the reads, the indexes and the expiry set agree.
      const groups = await store.getGroups();
      await expectIndexesMatch(env.client(), keys, groups);
      const expected = groups
        .filter((g) => g.expiry !== undefined)
        .map((g) => [groupHash(groupId(g.labels)), g.expiry?.expiresAt])
        .sort();
      const set = await env.client().zrange(keys.expiry, '0', '-1', 'WITHSCORES');
      const actual = [];
      for (let i = 0; i < set.length; i += 2) actual.push([set[i], Number(set[i + 1])]);
      expect(actual.sort()).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);

      // Everything with a TTL swept, the rest deleted: nothing is left behind.
      while ((await store.sweepExpired(clock.seconds() + 3600, 2)).more);
      for (const labels of GROUPS) await store.delete(labels);
      await expectIndexesMatch(env.client(), keys, []);
      expect(await env.client().exists(keys.expiry)).toBe(0);
      // The writes that follow collect the blobs of the deletes (grace 0), a batch of 32 at once.
      for (let i = 0; i < 32; i++) await push(store, clock, { job: 'last' }, `last ${i}\n`);
      expect((await shardContents(env.client(), keys, GROUPS)).blobs).toBe(0);
    });

    it('deletes through the path delete takes: the change feed reports swept groups as removed', async () => {
      const clock = new ManualClock();
      const store = node(clock);
      const feed = store.changeFeed();
      try {
        await push(store, clock, { job: 'short' }, 'a 1\n', 10);
        await push(store, clock, { job: 'long' }, 'b 1\n', 60);
        await removedBy(await feed.next());
        clock.jump(10_000);
        const before = await store.version();
        expect(await store.sweepExpired(clock.seconds(), 100)).toEqual({ deleted: 1, more: false });
        expect(await store.version()).toBe(before + 1);
        expect(await removedBy(await feed.next())).toEqual([groupHash(groupId({ job: 'short' }))]);
      } finally {
        feed.close();
      }
    });

    it("judges expiry by each node's own clock", async () => {
      const early = new ManualClock();
      const late = new ManualClock(early.now() + 20_000);
      const [a, b] = [node(early), node(late)];
      await push(a, early, { job: 'j' }, '# TYPE m counter\nm 1\n', 10);
      expect((await a.getGroups()).map((g) => g.labels.job)).toEqual(['j']);
      expect(await b.getGroups()).toEqual([]);
      // By b's clock the group is gone, so it does not stand in the way of b's push; b removes it.
      await push(b, late, { job: 'k' }, '# TYPE m gauge\nm 1\n');
      expect((await a.getGroups()).map((g) => g.labels.job)).toEqual(['k']);
    });

    it('sweeps every due group, however many batches, before it records a failure', async () => {
      const clock = new ManualClock();
      const store = node(clock);
      const filler = Array.from({ length: WRITE_SWEEP_BATCH + 20 }, (_, i) => ({ job: `f${i}` }));
      for (let i = 0; i < filler.length; i += 50) {
        await Promise.all(
          filler.slice(i, i + 50).map((labels) => push(store, clock, labels, 'f 1\n', 10)),
        );
      }
      // The only group in the way expires last, so the batches take it last.
      await push(store, clock, { job: 'typed' }, '# TYPE m counter\nm 1\n', 11);
      clock.jump(11_000);
      await push(store, clock, { job: 'new' }, '# TYPE m gauge\nm 1\n');
      expect((await store.getGroups()).map((g) => g.labels.job)).toEqual(['new']);
      expect(await env.client().hlen(keys.groups)).toBe(1);
      expect(await env.client().exists(keys.expiry)).toBe(0);
    });

    it('still records a failure that live groups cause while others are due', async () => {
      const clock = new ManualClock();
      const store = node(clock);
      await push(store, clock, { job: 'due' }, 'x 1\n', 10);
      await push(store, clock, { job: 'live' }, '# TYPE m counter\nm 1\n');
      clock.jump(10_000);
      await expect(
        push(store, clock, { job: 'new' }, '# TYPE m gauge\nm 1\n'),
      ).rejects.toBeInstanceOf(PushRejectedError);
      const failed = (await store.getGroups()).find((g) => g.labels.job === 'new');
      const gauge = failed?.families.push_failure_time_seconds?.family.metric[0]?.gauge;
      expect(gauge?.value).toBe(clock.seconds());
      expect(await env.client().hlen(keys.groups)).toBe(2); // the due group was swept on the way
    });

    it('restores without leaving a staged blob behind, restored or skipped', async () => {
      const clock = new ManualClock();
      const store = node(clock);
      const labels = [{ job: 'a' }, { job: 'b' }, { job: 'c' }];
      await push(store, clock, { job: 'a' }, 'a 1\n', 3600);
      await push(store, clock, { job: 'b' }, '# TYPE g gauge\ng 1\n');
      await push(store, clock, { job: 'c' }, 'c 1\n', 60);
      const snapshot = await store.getGroups();
      await store.wipe();
      await push(store, clock, { job: 'a' }, 'live 1\n'); // a: exists
      await push(store, clock, { job: 'z' }, '# TYPE g counter\ng 1\n'); // b: conflict
      clock.jump(60_000); // c: expired
      expect(await store.restoreGroups(snapshot)).toEqual({
        restored: 0,
        skipped: [
          { labels: { job: 'a' }, reason: 'exists' },
          { labels: { job: 'b' }, reason: 'conflict' },
          { labels: { job: 'c' }, reason: 'expired' },
        ],
      });
      expect(await shardContents(env.client(), keys, [...labels, { job: 'z' }])).toEqual({
        blobs: 2,
        staged: 0,
      });
      await store.wipe();
      expect((await store.restoreGroups(snapshot)).restored).toBe(2);
      expect(await shardContents(env.client(), keys, labels)).toEqual({ blobs: 2, staged: 0 });
    });

    it('drops the expiry set on wipe', async () => {
      const clock = new ManualClock();
      const store = node(clock);
      await push(store, clock, { job: 'j' }, 'a 1\n', 60);
      expect(await env.client().zcard(keys.expiry)).toBe(1);
      await store.wipe();
      expect(await env.client().exists(keys.expiry)).toBe(0);
    });
  });
}
