import type { MaintainableMetricStore } from '@pushgate/store';
import type { Logger } from './logger';
import type { WorkerMetrics } from './metrics';
import type { PeriodicTask, Tick } from './scheduler';

export interface TtlSweepOptions {
  store: MaintainableMetricStore;
  metrics: WorkerMetrics;
  logger: Logger;
  everyMs: number;
  batchSize: number;
  /** Current Unix time in seconds. */
  clock: () => number;
}

/**
 * The TTL sweep: deletes every group expired at the time the run starts, in batches, each group
 * re-checked by the store as it is deleted (so a push racing the sweep is never lost). Expired
 * groups are invisible from their expiry on; the sweep only frees their space. Idempotent: a
 * second run of the same tick finds nothing, or what expired in between.
 */
export function ttlSweepTask({
  store,
  metrics,
  logger,
  everyMs,
  batchSize,
  clock,
}: TtlSweepOptions): PeriodicTask {
  return {
    name: 'ttl-sweep',
    everyMs,
    async run(tick: Tick) {
      const started = performance.now();
      const now = clock();
      let deleted = 0;
      let batches = 0;
      try {
        for (let more = true; more; batches++) {
          const result = await store.sweepExpired(now, batchSize);
          deleted += result.deleted;
          more = result.more;
        }
      } catch (err) {
        metrics.sweepFailed();
        logger.error(
          { err, task: 'ttl-sweep', tick: tick.ms, attempt: tick.attempt, deleted },
          'TTL sweep failed',
        );
        throw err;
      }
      const seconds = (performance.now() - started) / 1000;
      metrics.sweepSucceeded(deleted, seconds, clock());
      logger[deleted > 0 ? 'info' : 'debug'](
        { task: 'ttl-sweep', tick: tick.ms, attempt: tick.attempt, deleted, batches, seconds },
        'TTL sweep done',
      );
    },
  };
}
