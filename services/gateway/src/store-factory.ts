import type { ReservedFamilies } from '@pushgate/core';
import {
  MemoryMetricStore,
  type MetricStore,
  RedisMetricStore,
  StoreLayoutError,
} from '@pushgate/store';
import type { GatewayConfig } from './config';
import type { Logger } from './logger';
import type { StoreSettings } from './settings/cluster-flags';

/**
 * The store the config asks for: RedisMetricStore in cluster mode (any --redis.* connection
 * flag), else the in-memory store, persisted per `--persistence.*`.
 *
 * A Redis that cannot be reached at start is not fatal: the node starts, answers 503 and
 * /-/ready false, and recovers on its own once Redis answers. A persistence file that cannot be
 * restored is logged and the node starts empty, as upstream does.
 */
export async function createStore(
  config: GatewayConfig,
  reserved: ReservedFamilies,
  logger: Logger,
): Promise<MetricStore> {
  if (config.store.kind === 'redis') return connectRedis(config.store, reserved, logger);
  return openMemoryStore(config, reserved, logger);
}

/** How often a Redis outage is logged while ioredis keeps reporting failed reconnects. */
const OUTAGE_LOG_INTERVAL_MS = 30_000;

async function connectRedis(
  settings: Extract<StoreSettings, { kind: 'redis' }>,
  reserved: ReservedFamilies,
  logger: Logger,
): Promise<MetricStore> {
  const log = logger.child({ redis: settings.target });
  let lastLogged = 0;
  let suppressed = 0;
  const store = await RedisMetricStore.connect({
    redis: settings.connection,
    keyPrefix: settings.keyPrefix,
    reserved,
    // ioredis reports every failed reconnect (several per second); one line per interval is
    // enough to see the outage, and requests answer 503 meanwhile.
    onConnectionError: (err) => {
      const now = Date.now();
      if (now - lastLogged < OUTAGE_LOG_INTERVAL_MS) {
        suppressed++;
        return;
      }
      log.error({ err, suppressed }, 'Redis connection error; retrying in the background');
      lastLogged = now;
      suppressed = 0;
    },
  });
  if (await store.ready()) log.info('connected to Redis (cluster mode)');
  else if (store.lastError instanceof StoreLayoutError)
    log.error(
      { err: store.lastError },
      'Redis data is in another layout; answering 503 until it is migrated',
    );
  else log.error('Redis is not reachable yet; answering 503 until it is (cluster mode)');
  return store;
}

function openMemoryStore(
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
