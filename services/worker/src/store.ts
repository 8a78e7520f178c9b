import {
  isMaintainable,
  RedisMetricStore,
  type MaintainableMetricStore,
  type MetricStore,
} from '@pushgate/store';
import type { Logger } from './logger';

/** The worker cannot run: its store lacks what it needs. */
export class WorkerStoreError extends Error {
  override name = 'WorkerStoreError';
}

/**
 * The cluster's metric store, as the gateways see it (same Redis, same key prefix). The worker
 * needs a MaintainableMetricStore (sweepExpired, restoreGroups); a store that is not one is
 * refused at start instead of failing every job.
 */
export async function openRedisStore(
  url: string,
  keyPrefix: string,
  logger: Logger,
): Promise<MaintainableMetricStore> {
  const store: MetricStore = await RedisMetricStore.connect({
    redis: { url },
    keyPrefix,
    onConnectionError: (err) => logger.warn({ err }, 'Redis connection error (reconnecting)'),
  });
  if (!isMaintainable(store)) {
    await store.close();
    throw new WorkerStoreError(
      'this build of RedisMetricStore does not implement sweepExpired and restoreGroups (MaintainableMetricStore), which the worker needs',
    );
  }
  return store;
}
