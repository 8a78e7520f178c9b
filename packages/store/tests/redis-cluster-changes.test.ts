/**
 * The Redis store's change feed on a real 3-master Redis Cluster (started by this file): the
 * feed's script runs in the index slot, the group table is scanned there and blobs come from
 * every master.
 */
import { Cluster } from 'ioredis';
import { RedisMetricStore } from '../src/redis-metric-store';
import { describeChangeFeedContract } from './contract/change-feed.contract';
import { spawnRedisCluster, type SpawnedRedisCluster } from './support/redis-cluster';
import { randomPrefix } from './support/redis-store-behaviour';

let cluster: SpawnedRedisCluster;
let client: Cluster;

beforeAll(async () => {
  cluster = await spawnRedisCluster(3);
  client = new Cluster(cluster.nodes);
}, 60_000);

afterAll(async () => {
  await client.quit();
  await cluster.stop();
});

describeChangeFeedContract('RedisMetricStore (cluster)', async () => {
  const store = new RedisMetricStore({ redis: client, keyPrefix: randomPrefix() });
  return { store, cleanup: () => store.close() };
});
