/**
 * The Redis store's change feed on a standalone redis-server this file spawns: the ChangeFeed
 * contract, plus what only Redis has (a reader behind the trimmed tombstones, a Redis that lost
 * its data, blobs collected while a reader fetches them, feeds on other nodes).
 */
import { Redis } from 'ioredis';
import { parseText } from '@pushgate/exposition';
import { spawnRedis, type SpawnedRedis } from '../../../tests/support/redis-server';
import type { StoreChanges } from '../src/change-feed';
import { RedisKeys, shardOf } from '../src/redis-keys';
import { RedisMetricStore } from '../src/redis-metric-store';
import { describeChangeFeedContract } from './contract/change-feed.contract';
import { randomPrefix } from './support/redis-store-behaviour';

let redis: SpawnedRedis;
let client: Redis;

beforeAll(async () => {
  redis = await spawnRedis();
  client = new Redis(redis.url);
});

afterAll(async () => {
  await client.quit();
  await redis.stop();
});

describeChangeFeedContract('RedisMetricStore (standalone)', async () => {
  const store = new RedisMetricStore({ redis: client, keyPrefix: randomPrefix() });
  return { store, cleanup: () => store.close() };
});

/** Every group key a StoreChanges reports as changed, reading each group. */
async function changedKeys(changes: StoreChanges): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of changes.changed) {
    for (const g of batch) {
      expect(g.read()).toBeDefined();
      keys.push(g.key);
    }
  }
  return keys;
}

describe('RedisMetricStore change feed', () => {
  let prefix: string;
  let store: RedisMetricStore;
  let keys: RedisKeys;
  let at = 0;
  const push = (job: string, body = 'm 1\n') =>
    store.push({ labels: { job }, families: parseText(body), mode: 'replace', receivedAt: ++at });

  beforeEach(() => {
    prefix = randomPrefix();
    keys = new RedisKeys(prefix);
    store = new RedisMetricStore({ redis: client, keyPrefix: prefix });
  });
  afterEach(() => store.close());

  it('sees the writes of other nodes', async () => {
    const other = new RedisMetricStore({ redis: new Redis(redis.url), keyPrefix: prefix });
    const feed = store.changeFeed();
    await changedKeys(await feed.next());
    await other.push({
      labels: { job: 'x' },
      families: parseText('m 1\n'),
      mode: 'replace',
      receivedAt: 1,
    });
    expect(await changedKeys(await feed.next())).toHaveLength(1);
    await other.delete({ job: 'x' });
    expect((await feed.next()).removed).toHaveLength(1);
    await other.close();
    await (other as unknown as { client: Redis }).client.quit();
  });

  it('answers "unchanged" with the counter alone while nothing changes', async () => {
    await push('a');
    const feed = store.changeFeed();
    await changedKeys(await feed.next());
    for (let i = 0; i < 3; i++) expect((await feed.next()).unchanged).toBe(true);
  });

  it('reloads a reader that is behind the floor (trimmed tombstones)', async () => {
    await push('a');
    const feed = store.changeFeed();
    await changedKeys(await feed.next());
    await push('b');
    // What trimming the oldest tombstones does: the feed is complete only from a later version.
    await client.hset(keys.feed, 'floor', String(await client.get(keys.seq)));
    const changes = await feed.next();
    expect(changes.reset).toBe(true);
    expect(await changedKeys(changes)).toHaveLength(2);
  });

  it('trims tombstones to the newest ones and raises the floor', async () => {
    // 10,000 tombstones are kept; pushing them all here would be slow, so fill the ZSET directly.
    const filler = Array.from({ length: 10_000 }, (_, i) => [i + 1, `h${i}`]).flat();
    await client.zadd(keys.removed, ...(filler as (string | number)[]));
    await client.set(keys.seq, '20000');
    await push('a');
    await store.delete({ job: 'a' });
    expect(await client.zcard(keys.removed)).toBe(10_000);
    expect(await client.hget(keys.feed, 'floor')).toBe('1');
  });

  it.each([
    ['is behind it', 2],
    ['counted up to the same version again', 1],
  ])('reloads when Redis lost its data and %s', async (_case, before) => {
    for (let i = 0; i < before; i++) await push(`old${i}`);
    const feed = store.changeFeed();
    await changedKeys(await feed.next());
    await client.del(...(await client.keys(`{${prefix}*`)));
    await push('new');
    const changes = await feed.next();
    expect(changes.reset).toBe(true);
    expect(await changedKeys(changes)).toHaveLength(1);
  });

  it('fetches the current state of a group whose blob was collected meanwhile', async () => {
    await push('a', 'm 1\n');
    const feed = store.changeFeed();
    await changedKeys(await feed.next());
    await push('a', 'm 2\n');
    const changes = await feed.next();
    // Before the reader fetches the blob, the group is rewritten and the old blob collected.
    const [hash, meta] = Object.entries(await client.hgetall(keys.groups))[0] as [string, string];
    await push('a', 'm 3\n');
    await client.hdel(keys.blobs(shardOf(hash)), meta.split(' ')[0] as string);
    const read = [];
    for await (const batch of changes.changed) for (const g of batch) read.push(g.read());
    expect(read).toHaveLength(1);
    expect(read[0]?.families.m?.family.metric[0]?.untyped?.value).toBe(3);
  });
});
