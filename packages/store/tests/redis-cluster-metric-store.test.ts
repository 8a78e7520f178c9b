/**
 * RedisMetricStore on a real local Redis Cluster of 3 masters (started by this file): the shared
 * MetricStore contract and the Redis-specific suite, plus what only a cluster has: groups spread
 * over the masters, and a master going away and coming back.
 */
import { Cluster } from 'ioredis';
import { groupId } from '@pushgate/core';
import { parseText } from '@pushgate/exposition';
import { StoreUnavailableError } from '../src/metric-store';
import { groupHash, RedisKeys, shardOf } from '../src/redis-keys';
import { RedisMetricStore } from '../src/redis-metric-store';
import { SCRIPTS } from '../src/redis-scripts';
import { waitFor } from '../../../tests/support/wait-for';
import { describeMetricStoreContract } from './contract/metric-store.contract';
import { describeTtlContract } from './contract/ttl.contract';
import { spawnRedisCluster, type SpawnedRedisCluster } from './support/redis-cluster';
import { describeRedisStoreBehaviour, randomPrefix } from './support/redis-store-behaviour';
import { describeRedisTtlBehaviour } from './support/redis-ttl-behaviour';

let cluster: SpawnedRedisCluster;
let client: Cluster;

function connect(): Cluster {
  return new Cluster(cluster.nodes);
}

beforeAll(async () => {
  cluster = await spawnRedisCluster(3, { appendOnly: true });
  client = connect();
}, 60_000);

afterAll(async () => {
  await client.quit();
  await cluster.stop();
});

describeMetricStoreContract('RedisMetricStore (cluster)', async () => {
  const store = new RedisMetricStore({ redis: client, keyPrefix: randomPrefix() });
  return { store, cleanup: () => store.close() };
});

describeTtlContract('RedisMetricStore (cluster)', async (clock) => {
  const store = new RedisMetricStore({
    redis: client,
    keyPrefix: randomPrefix(),
    now: () => clock.now(),
  });
  return { store, cleanup: () => store.close() };
});

describeRedisStoreBehaviour('a 3-master cluster of', { client: () => client, connect });

describeRedisTtlBehaviour('a 3-master cluster of', { client: () => client, connect });

describe('RedisMetricStore on a cluster', () => {
  it('spreads group blobs over every master', async () => {
    const prefix = randomPrefix();
    const store = new RedisMetricStore({ redis: client, keyPrefix: prefix });
    const keys = new RedisKeys(prefix);
    const labels = Array.from({ length: 60 }, (_, i) => ({ job: `spread${i}` }));
    for (const l of labels) {
      await store.push({ labels: l, families: parseText('v 1\n'), mode: 'replace', receivedAt: 1 });
    }
    const slots = await client.cluster('SLOTS');
    const masters = new Set<string>();
    for (const l of labels) {
      const slot = Number(
        await client.cluster('KEYSLOT', keys.blobs(shardOf(groupHash(groupId(l))))),
      );
      masters.add(slotOwner(slots, slot));
      expect(await client.hlen(keys.blobs(shardOf(groupHash(groupId(l)))))).toBeGreaterThan(0);
    }
    expect(masters.size).toBe(3);
    expect(await store.getGroups()).toHaveLength(60);
    await store.close();
  });
});

describe('RedisMetricStore orphaned blobs', () => {
  it('deletes a blob staged by a node that died before committing, and nothing live', async () => {
    const prefix = randomPrefix();
    const keys = new RedisKeys(prefix);
    const store = new RedisMetricStore({ redis: client, keyPrefix: prefix });
    await store.push({
      labels: { job: 'live' },
      families: parseText('a 1\n'),
      mode: 'replace',
      receivedAt: 1,
    });
    await store.push({
      labels: { job: 'live' },
      families: parseText('b 1\n'),
      mode: 'merge',
      receivedAt: 2,
    });
    // What a node leaves behind when it dies right after stage.lua.
    const shard = shardOf(groupHash(groupId({ job: 'dead' })));
    const record = `"x":${JSON.stringify({ t: 3, f: { name: 'x', type: 'UNTYPED', metric: [] } })}`;
    await SCRIPTS.stage.run(
      client,
      [keys.blobs(shard), keys.staged(shard)],
      ['replace', 'deadbeef', '-', 0, 1, record],
    );
    expect(await client.hexists(keys.blobs(shard), 'deadbeef')).toBe(1);

    expect(await store.collectOrphans(60_000)).toBe(0);
    expect(await store.collectOrphans(0)).toBe(1);
    expect(await client.hexists(keys.blobs(shard), 'deadbeef')).toBe(0);
    const [live] = await store.getGroups();
    expect(Object.keys(live?.families ?? {}).sort()).toEqual([
      'a',
      'b',
      'push_failure_time_seconds',
      'push_time_seconds',
    ]);
    await store.close();
  });
});

describe('RedisMetricStore when a cluster master goes away', () => {
  it('fails fast, is not ready, and recovers when the master returns', async () => {
    const prefix = randomPrefix();
    const keys = new RedisKeys(prefix);
    const store = await RedisMetricStore.connect({
      redis: { cluster: cluster.nodes },
      keyPrefix: prefix,
    });
    try {
      for (let i = 0; i < 30; i++) {
        await store.push({
          labels: { job: `o${i}` },
          families: parseText('up 1\n'),
          mode: 'replace',
          receivedAt: 1,
        });
      }
      // Stop the master of the index slot: every write needs it.
      const indexSlot = Number(await client.cluster('KEYSLOT', keys.groups));
      const owner = slotOwner(await client.cluster('SLOTS'), indexSlot);
      const down = cluster.nodes.findIndex((n) => `${n.host}:${n.port}` === owner);
      await cluster.stopNode(down);

      for (const operation of [
        store.push({ labels: { job: 'o1' }, families: [], mode: 'merge', receivedAt: 2 }),
        store.getGroups(),
        store.delete({ job: 'o2' }),
      ]) {
        const start = Date.now();
        await expect(operation).rejects.toThrow(StoreUnavailableError);
        expect(Date.now() - start).toBeLessThan(3000);
      }
      expect(await store.ready()).toBe(false);

      await cluster.restartNode(down);
      await waitFor('the store to be ready again', () => store.ready(), 20000, 200);
      await waitFor(
        'writes to succeed again',
        () =>
          store
            .push({ labels: { job: 'back' }, families: [], mode: 'replace', receivedAt: 3 })
            .then(() => true),
        20000,
        200,
      );
      expect(await store.getGroups()).toHaveLength(31);
    } finally {
      await store.close();
    }
  }, 60_000);
});

/** host:port of the master serving `slot`, from a CLUSTER SLOTS reply. */
function slotOwner(slots: unknown, slot: number): string {
  for (const range of slots as Array<[number, number, [string, number]]>) {
    if (slot >= range[0] && slot <= range[1]) return `${range[2][0]}:${range[2][1]}`;
  }
  throw new Error(`slot ${slot} is not served`);
}
