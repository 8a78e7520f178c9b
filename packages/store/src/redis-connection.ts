import { once } from 'node:events';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { StoreUnavailableError } from './metric-store';

/** Where the Redis store connects when it creates its own client. */
export type RedisConnectionSpec =
  /** Standalone Redis, e.g. `redis://:password@host:6379/0` (or `rediss://`). */
  | { url: string; options?: RedisOptions }
  /** A master found through Sentinel. */
  | { sentinels: { host: string; port: number }[]; name: string; options?: RedisOptions }
  /** Redis Cluster, from any subset of its nodes. */
  | { cluster: { host: string; port: number }[]; options?: ClusterOptions };

/**
 * Fail fast: a request must get a 503 within a couple of seconds when Redis is away, never queue
 * forever. Commands time out, are not queued while disconnected, and are retried at most once
 * across a reconnect; the client itself keeps reconnecting in the background.
 */
export const FAIL_FAST_OPTIONS: RedisOptions = {
  commandTimeout: 2000,
  connectTimeout: 2000,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  retryStrategy: (attempt: number) => Math.min(100 * attempt, 2000),
};

/** Creates an ioredis client for `spec` with FAIL_FAST_OPTIONS under the caller's options. */
export function createRedisClient(spec: RedisConnectionSpec): Redis | Cluster {
  if ('cluster' in spec) {
    return new Cluster(spec.cluster, {
      enableOfflineQueue: false,
      clusterRetryStrategy: (attempt: number) => Math.min(100 * attempt, 2000),
      slotsRefreshTimeout: 2000,
      // ioredis only refreshes on errors by default; a returning master must be noticed anyway.
      slotsRefreshInterval: 5000,
      ...spec.options,
      redisOptions: { ...FAIL_FAST_OPTIONS, ...spec.options?.redisOptions },
    });
  }
  if ('sentinels' in spec) {
    return new Redis({
      ...FAIL_FAST_OPTIONS,
      ...spec.options,
      sentinels: spec.sentinels,
      name: spec.name,
    });
  }
  return new Redis(spec.url, { ...FAIL_FAST_OPTIONS, ...spec.options });
}

/** True for a Cluster client, whose keys must stay within one slot per command. */
export function isCluster(client: Redis | Cluster): client is Cluster {
  return client instanceof Cluster || (client as { isCluster?: boolean }).isCluster === true;
}

/**
 * PINGs every master serving slots. ioredis drops a dead node from its pool, so the masters come
 * from CLUSTER SLOTS (answered by any live node, which still lists a failed master) and must each
 * be a live connection of the client. A master missing from the pool makes the client refresh
 * its view of the cluster, so that it reconnects once the master is back.
 */
export async function pingMasters(client: Cluster): Promise<void> {
  const slots = await client.cluster('SLOTS');
  const pool = new Map(
    client.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]),
  );
  const masters = new Set(slots.map(([, , master]) => `${master?.[0]}:${master?.[1]}`));
  await Promise.all(
    [...masters].map(async (address) => {
      const node = pool.get(address);
      if (node === undefined) {
        client.refreshSlotsCache();
        throw new StoreUnavailableError(`cluster master ${address} is not connected`);
      }
      await node.ping();
    }),
  );
}

/** Waits (at most `ms`) for a client that is making its first connection; returns either way. */
export async function firstConnection(client: Redis | Cluster, ms: number): Promise<void> {
  if (client.status !== 'wait' && client.status !== 'connecting' && client.status !== 'connect')
    return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    once(client, 'ready').catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

/** True for an ioredis client (as opposed to a RedisConnectionSpec). */
export function isClient(redis: Redis | Cluster | RedisConnectionSpec): redis is Redis | Cluster {
  return typeof (redis as Partial<Redis>).evalsha === 'function';
}
