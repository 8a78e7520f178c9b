import type { ReservedFamilies } from '@pushgate/core';
import { MemoryMetricStore, type MetricStore } from '@pushgate/store';
import type { GatewayConfig } from './config';
import type { Logger } from './logger';

/**
 * The store the config asks for: the in-memory store, persisted per `--persistence.*`. A
 * persistence file that cannot be restored is logged and the node starts empty, as upstream does.
 *
 * Cluster mode is one more branch here, before the memory store:
 *   if (config.redisUrl) return new RedisMetricStore({ redis: config.redisUrl, reservedFamilies });
 */
export function createStore(
  config: GatewayConfig,
  reserved: ReservedFamilies,
  logger: Logger,
): MetricStore {
  const file = config.persistenceFile;
  const store = new MemoryMetricStore({
    reserved,
    persistence:
      file === ''
        ? undefined
        : {
            file,
            intervalMs: config.persistenceIntervalMs,
            onError: (err) =>
              logger.error(
                { err, file },
                'writing the persistence file failed; retrying after the interval',
              ),
          },
  });
  if (store.restoreError) {
    logger.error(
      { err: store.restoreError, file },
      'could not restore metrics from the persistence file, starting empty',
    );
  } else if (file !== '') {
    logger.info({ file, groups: store.size }, 'restored metrics from the persistence file');
  }
  return store;
}
