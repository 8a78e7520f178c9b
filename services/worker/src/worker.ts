import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { SnapshotDirectory, type MaintainableMetricStore } from '@pushgate/store';
import type { WorkerConfig } from './config';
import { createWorkerServer, listen } from './http-server';
import { createWorkerLogger, type Logger } from './logger';
import { WorkerMetrics } from './metrics';
import { restoreOnEmpty } from './restore';
import { startScheduler, type PeriodicTask, type Scheduler } from './scheduler';
import { snapshotTask } from './snapshot-task';
import { openRedisStore } from './store';
import { ttlSweepTask } from './ttl-sweep';

/** Optional replacements for what createWorker would otherwise build from the config. */
export interface WorkerDeps {
  /** The store to maintain instead of the Redis store the config names. Closed by close(). */
  store?: MaintainableMetricStore;
  logger?: Logger;
  /** Current Unix time in seconds (default: the system clock). */
  clock?: () => number;
  /** Shown on the jobs this worker runs (default: host:pid). */
  name?: string;
}

/** One worker replica. */
export interface PushgateWorker {
  readonly config: WorkerConfig;
  readonly store: MaintainableMetricStore;
  readonly metrics: WorkerMetrics;
  readonly logger: Logger;
  /** Serves /metrics, /-/healthy and /-/ready (default: the config's address). Call once. */
  listen(address?: WorkerConfig['listenAddress']): Promise<string>;
  /** Stops taking jobs, lets a running one finish, closes server, queues and store. Idempotent. */
  close(): Promise<void>;
}

/** How long a replica holds the claim to restore an empty store (see restoreOnEmpty). */
const RESTORE_CLAIM_MS = 10 * 60_000;

/**
 * The composition root of a worker: store, metrics, the optional restore of an empty store, then
 * the job schedulers (TTL sweep, snapshots) on BullMQ in the store's Redis.
 */
export async function createWorker(
  config: WorkerConfig,
  deps: WorkerDeps = {},
): Promise<PushgateWorker> {
  const logger = deps.logger ?? createWorkerLogger({ level: config.logLevel });
  const clock = deps.clock ?? (() => Date.now() / 1000);
  const metrics = new WorkerMetrics();
  logger.info({ flags: config.flags }, 'starting pushgate worker');
  const store =
    deps.store ?? (await openRedisStore(config.redisUrl, config.storeKeyPrefix, logger));
  const connect = () => new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const snapshots =
    config.snapshotDir === '' ? undefined : new SnapshotDirectory(config.snapshotDir);

  let scheduler: Scheduler | undefined;
  let server: Server | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      if (server) {
        const srv = server;
        await new Promise<void>((resolve) => srv.close(() => resolve()));
      }
      await scheduler?.close();
      await store.close();
      logger.info('worker stopped');
    })());

  try {
    if (config.restoreOnEmpty && snapshots !== undefined) {
      const result = await restoreOnEmpty({
        store,
        snapshots,
        claim: () => claimRestore(connect, `${config.queuePrefix}:restore-on-empty`),
        logger,
      });
      if (result) metrics.restoreDone(result);
    }
    const tasks: PeriodicTask[] = [
      ttlSweepTask({
        store,
        metrics,
        logger,
        everyMs: config.sweepIntervalMs,
        batchSize: config.sweepBatchSize,
        clock,
      }),
    ];
    if (snapshots !== undefined) {
      tasks.push(
        snapshotTask({
          store,
          snapshots,
          keep: config.snapshotKeep,
          metrics,
          logger,
          everyMs: config.snapshotIntervalMs,
          clock,
        }),
      );
    } else {
      logger.warn('no --snapshot.dir: no snapshots are taken');
    }
    scheduler = await startScheduler({
      connect,
      prefix: config.queuePrefix,
      tasks,
      lockDurationMs: config.lockDurationMs,
      workerName: deps.name,
      onError: (err, task) => logger.error({ err, task }, 'job queue error'),
    });
  } catch (err) {
    await close();
    throw err;
  }

  const running = scheduler;
  const ready = async () => running.running() && (await store.ready());
  return {
    config,
    store,
    metrics,
    logger,
    close,
    async listen(address = config.listenAddress) {
      if (server) throw new Error('worker is already listening');
      server = createWorkerServer({ metrics, ready });
      const url = await listen(server, address);
      logger.info({ url }, 'listening');
      return url;
    },
  };
}

/** SET NX with expiry: true for the one replica that gets the claim. */
async function claimRestore(connect: () => Redis, key: string): Promise<boolean> {
  const connection = connect();
  try {
    return (await connection.set(key, randomUUID(), 'PX', RESTORE_CLAIM_MS, 'NX')) === 'OK';
  } finally {
    await connection.quit();
  }
}
