// Public surface of @pushgate/store: the MetricStore contract and its implementations.
export * from './metric-store';
export { MemoryMetricStore, type MemoryMetricStoreOptions } from './memory-metric-store';
export { systemClock, type Clock, type PersistenceOptions } from './persistence';
export { PersistenceError, PersistenceCorruptError } from './persistence-errors';

// Redis store (cluster): the Redis engineer adds `export * from './redis-metric-store';` here.
export * from './redis-metric-store';
export { FAIL_FAST_OPTIONS, type RedisConnectionSpec } from './redis-connection';
export {
  GroupHashCollisionError,
  REDIS_LAYOUT_VERSION,
  RedisStoreProtocolError,
  StoreLayoutError,
} from './redis-errors';
export { SnapshotDirectory, type SnapshotEntry } from './snapshot-dir';
export { readSnapshot, writeSnapshot } from './snapshot-file';
export { SnapshotError, SnapshotCorruptError } from './snapshot-errors';
export {
  hasChangeFeed,
  type ChangeFeed,
  type ChangeFeedSource,
  type ChangedGroup,
  type StoreChanges,
} from './change-feed';
