import type { MaintainableMetricStore, SnapshotDirectory } from '@pushgate/store';
import type { Logger } from './logger';
import type { WorkerMetrics } from './metrics';
import type { PeriodicTask, Tick } from './scheduler';

export interface SnapshotTaskOptions {
  store: MaintainableMetricStore;
  snapshots: SnapshotDirectory;
  keep: number;
  metrics: WorkerMetrics;
  logger: Logger;
  everyMs: number;
  /** Current Unix time in seconds. */
  clock: () => number;
}

/**
 * The snapshot: a point-in-time copy of every live group (the store's consistent read), written
 * atomically to the file of its tick, then retention. Idempotent per tick: a second run of the
 * tick (after a worker died) replaces that tick's file rather than adding one.
 */
export function snapshotTask({
  store,
  snapshots,
  keep,
  metrics,
  logger,
  everyMs,
  clock,
}: SnapshotTaskOptions): PeriodicTask {
  return {
    name: 'snapshot',
    everyMs,
    async run(tick: Tick) {
      const started = performance.now();
      const context = { task: 'snapshot', tick: tick.ms, attempt: tick.attempt };
      let written: { file: string; bytes: number; groups: number };
      let pruned: string[];
      try {
        const groups = await store.getGroups();
        written = { ...(await snapshots.write(tick.ms, groups)), groups: groups.length };
        pruned = await snapshots.prune(keep);
      } catch (err) {
        metrics.snapshotFailed();
        logger.error({ err, ...context }, 'snapshot failed');
        throw err;
      }
      const seconds = (performance.now() - started) / 1000;
      metrics.snapshotSucceeded(written.bytes, written.groups, seconds, clock());
      logger.info({ ...context, ...written, seconds, pruned: pruned.length }, 'snapshot written');
    },
  };
}
