/**
 * RedisMetricStore on a standalone redis-server this file spawns: the shared MetricStore
 * contract, then what is specific to Redis (the scripts' atomicity against several clients, the
 * indexes, outages). The same Redis-specific suite runs on a cluster in
 * redis-cluster-metric-store.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { parseText } from '@pushgate/exposition';
import { spawnRedis, type SpawnedRedis } from '../../../tests/support/redis-server';
import { waitFor } from '../../../tests/support/wait-for';
import { StoreUnavailableError } from '../src/metric-store';
import { REDIS_LAYOUT_VERSION, StoreLayoutError } from '../src/redis-errors';
import { RedisMetricStore } from '../src/redis-metric-store';
import { describeMetricStoreContract } from './contract/metric-store.contract';
import { describeTtlContract } from './contract/ttl.contract';
import { describeRedisStoreBehaviour, randomPrefix } from './support/redis-store-behaviour';
import { describeRedisTtlBehaviour } from './support/redis-ttl-behaviour';
import { spawnSentinel } from './support/redis-sentinel';

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

describeMetricStoreContract('RedisMetricStore (standalone)', async () => {
  const store = new RedisMetricStore({ redis: client, keyPrefix: randomPrefix() });
  return { store, cleanup: () => store.close() };
});

describeTtlContract('RedisMetricStore (standalone)', async (clock) => {
  const store = new RedisMetricStore({
    redis: client,
    keyPrefix: randomPrefix(),
    now: () => clock.now(),
  });
  return { store, cleanup: () => store.close() };
});

describeRedisStoreBehaviour('standalone', {
  client: () => client,
  connect: () => new Redis(redis.url),
});

describeRedisTtlBehaviour('standalone', {
  client: () => client,
  connect: () => new Redis(redis.url),
});

describe('RedisMetricStore through Sentinel', () => {
  it('finds the master through Sentinel and works against it', async () => {
    const sentinel = await spawnSentinel(redis.port);
    const prefix = randomPrefix();
    const store = await RedisMetricStore.connect({
      redis: { sentinels: [{ host: sentinel.host, port: sentinel.port }], name: sentinel.name },
      keyPrefix: prefix,
    });
    const direct = new RedisMetricStore({ redis: client, keyPrefix: prefix });
    try {
      expect(await store.ready()).toBe(true);
      await store.push({
        labels: { job: 's' },
        families: parseText('up 1\n'),
        mode: 'replace',
        receivedAt: 1,
      });
      // The same data, read straight from the master.
      expect((await direct.getGroups()).map((g) => g.labels)).toEqual([{ job: 's' }]);
      await store.delete({ job: 's' });
      expect(await direct.getGroups()).toEqual([]);
    } finally {
      await store.close();
      await direct.close();
      await sentinel.stop();
    }
  }, 30_000);
});

describe('RedisMetricStore: the data layout version', () => {
  const push = (store: RedisMetricStore, job: string) =>
    store.push({ labels: { job }, families: parseText('up 1\n'), mode: 'replace', receivedAt: 1 });

  it('records its layout in an empty store and works there', async () => {
    const prefix = randomPrefix();
    const store = new RedisMetricStore({ redis: client, keyPrefix: prefix });
    try {
      await push(store, 'j');
      expect(await client.get(`{${prefix}}:layout`)).toBe(REDIS_LAYOUT_VERSION);
    } finally {
      await store.close();
    }
  });

  it.each([
    ['groups written before the layout was recorded', null],
    ['another layout version', '3'],
  ])(
    'refuses a store holding %s (503, not ready) and recovers once it is migrated',
    async (_, layout) => {
      const prefix = randomPrefix();
      const writer = new RedisMetricStore({ redis: client, keyPrefix: prefix });
      await push(writer, 'old');
      await writer.close();
      if (layout === null) await client.del(`{${prefix}}:layout`);
      else await client.set(`{${prefix}}:layout`, layout);

      const store = new RedisMetricStore({ redis: client, keyPrefix: prefix });
      try {
        const refused = push(store, 'new');
        await expect(refused).rejects.toThrow(StoreLayoutError);
        await expect(refused).rejects.toThrow(
          new RegExp(`layout ${layout ?? 1} under the key prefix "${prefix}"`),
        );
        await expect(refused).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.getGroups()).rejects.toThrow(StoreLayoutError);
        expect(await store.ready()).toBe(false);
        expect(store.lastError).toBeInstanceOf(StoreLayoutError);
        // Nothing was written by the refused push.
        expect(await client.hlen(`{${prefix}}:groups`)).toBe(1);

        // The operator migrates (here: empties the prefix); the same store works, no restart.
        await client.del(`{${prefix}}:layout`, `{${prefix}}:groups`);
        expect(await store.ready()).toBe(true);
        await push(store, 'new');
      } finally {
        await store.close();
      }
    },
  );
});

describe('RedisMetricStore: a re-push of the same shape', () => {
  /** Calls of each Redis command since the last CONFIG RESETSTAT (scripts' calls included). */
  async function commandCalls(): Promise<Record<string, number>> {
    const calls: Record<string, number> = {};
    for (const m of (await client.info('commandstats')).matchAll(/^cmdstat_(\w+):calls=(\d+)/gm))
      calls[m[1] as string] = Number(m[2]);
    return calls;
  }
  const body = (v: number, extra = '') =>
    parseText(`# TYPE a counter\na{x="1"} ${v}\na{x="2"} ${v}\n# TYPE b gauge\nb ${v}\n${extra}`);

  // The common push (same families, types and series, new values) must not pay for the
  // consistency indexes: push.lua recognises it and writes only the blob and the metadata.
  it('writes only the blob and the group metadata, touching no index', async () => {
    const store = new RedisMetricStore({ redis: client, keyPrefix: randomPrefix() });
    const labels = { job: 'same-shape' };
    try {
      await store.push({ labels, families: body(1), mode: 'replace', receivedAt: 1 });
      await client.config('RESETSTAT');
      await store.push({ labels, families: body(2), mode: 'replace', receivedAt: 2 });
      const same = await commandCalls();
      expect(same['hset']).toBe(2); // the new blob, the group's metadata
      expect(same['hdel']).toBeUndefined(); // no family or series released

      // A new series changes the shape: the indexes are updated (released and claimed again).
      await client.config('RESETSTAT');
      await store.push({
        labels,
        families: body(3, 'b_extra 1\n'),
        mode: 'replace',
        receivedAt: 3,
      });
      expect((await commandCalls())['hdel']).toBeGreaterThan(0);

      const [group] = await store.getGroups();
      expect(Object.keys(group?.families ?? {}).sort()).toEqual([
        'a',
        'b',
        'b_extra',
        'push_failure_time_seconds',
        'push_time_seconds',
      ]);
      // The untouched indexes still hold this group's series against other groups.
      // ({job, x="1"} pushing `a` makes the series a{job, x="1"} this group holds.)
      await expect(
        store.push({
          labels: { job: 'same-shape', x: '1' },
          families: parseText('# TYPE a counter\na 5\n'),
          mode: 'replace',
          receivedAt: 4,
        }),
      ).rejects.toThrow(/collected before with the same name and label values/);
    } finally {
      await store.close();
    }
  });
});

describe('RedisMetricStore: superseded blobs', () => {
  async function calls(command: string): Promise<number> {
    const m = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(
      await client.info('commandstats'),
    );
    return Number(m?.[1] ?? 0);
  }

  // Each push supersedes the group's blob. With no grace period every superseded blob is due at
  // once; the scripts hand them back 32 at a time, so the node deletes them in a few pipelined
  // round trips instead of one HDEL per push, and the blob hash stays bounded.
  it('are deleted in batches, keeping the blob hash bounded', async () => {
    const prefix = randomPrefix();
    const store = new RedisMetricStore({ redis: client, keyPrefix: prefix, blobGraceMs: 0 });
    const labels = { job: 'superseded' };
    try {
      await client.config('RESETSTAT');
      for (let i = 1; i <= 100; i++) {
        await store.push({
          labels,
          families: parseText(`# TYPE a gauge\na ${i}\n`),
          mode: 'replace',
          receivedAt: i,
        });
      }
      const hdels = await calls('hdel');
      expect(hdels).toBeGreaterThanOrEqual(2);
      expect(hdels).toBeLessThanOrEqual(4); // 99 superseded blobs, 32 per batch
      const blobKeys = await client.keys(`{${prefix}:*}:blobs`);
      expect(blobKeys).toHaveLength(1);
      const left = await client.hlen(blobKeys[0] as string);
      expect(left).toBeGreaterThanOrEqual(1); // the live one
      expect(left).toBeLessThanOrEqual(33); // plus fewer than a batch still waiting
      const [group] = await store.getGroups();
      expect(group?.families['a']?.family.metric[0]?.gauge?.value).toBe(100);
    } finally {
      await store.close();
    }
  });
});

/**
 * ioredis keeps a timer of `disconnectTimeout` (2 s) when a client whose connection already
 * failed is disconnected; shorter, so the test run ends as soon as the tests do.
 */
const LINGER_MS = 100;

describe('RedisMetricStore when Redis goes away', () => {
  const push = (store: RedisMetricStore, job: string) =>
    store.push({ labels: { job }, families: parseText('up 1\n'), mode: 'replace', receivedAt: 1 });

  /** Resolves with how the promise settled and how long it took. */
  async function settle(p: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
    const start = Date.now();
    const error = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    return { error, ms: Date.now() - start };
  }

  it('fails fast with StoreUnavailableError, is not ready, and recovers without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushgate-redis-aof-'));
    let server = await spawnRedis({ dir, args: ['--appendonly', 'yes'] });
    const errors: Error[] = [];
    const store = await RedisMetricStore.connect({
      redis: { url: server.url },
      keyPrefix: randomPrefix(),
      onConnectionError: (err) => errors.push(err),
    });
    try {
      expect(await store.ready()).toBe(true);
      await push(store, 'before');

      await server.stop();
      for (const operation of [
        push(store, 'during'),
        store.getGroups(),
        store.delete({ job: 'before' }),
        store.wipe(),
      ]) {
        const { error, ms } = await settle(operation);
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect(ms).toBeLessThan(3000);
      }
      expect(await store.ready()).toBe(false);
      await waitFor('a connection error event', () => errors.length > 0);

      server = await spawnRedis({ port: server.port, dir, args: ['--appendonly', 'yes'] });
      await waitFor('the store to be ready again', () => store.ready(), 15000, 200);
      // The data survived the restart (AOF), and writes work again.
      expect((await store.getGroups()).map((g) => g.labels.job)).toEqual(['before']);
      await push(store, 'after');
      expect((await store.getGroups()).map((g) => g.labels.job)).toEqual(['after', 'before']);
    } finally {
      await store.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('bounds every operation by its timeout even on a client that would queue forever', async () => {
    const server = await spawnRedis();
    // ioredis defaults: offline queue on, retries per request 20: a call could wait for minutes.
    const patient = new Redis(server.url, { disconnectTimeout: LINGER_MS });
    const store = new RedisMetricStore({
      redis: patient,
      keyPrefix: randomPrefix(),
      operationTimeoutMs: 500,
    });
    try {
      await push(store, 'j');
      await server.stop();
      const { error, ms } = await settle(push(store, 'j'));
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(ms).toBeLessThan(1500);
      expect(await store.ready()).toBe(false);
    } finally {
      await store.close();
      patient.disconnect();
    }
  }, 30_000);

  it('never lets a connection error escape as an unhandled error event', async () => {
    const server = await spawnRedis();
    const port = server.port;
    await server.stop();
    // Nothing listens: ioredis emits 'error' on every reconnect attempt; the store listens.
    const store = new RedisMetricStore({
      redis: { url: `redis://127.0.0.1:${port}`, options: { disconnectTimeout: LINGER_MS } },
      keyPrefix: randomPrefix(),
    });
    await waitFor('a connection error', () => store.lastError !== undefined);
    expect(await store.ready()).toBe(false);
    await expect(store.getGroups()).rejects.toThrow(StoreUnavailableError);
    await store.close();
  });
});
