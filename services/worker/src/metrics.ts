import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { RestoreResult } from '@pushgate/store';

/**
 * The worker's own metrics, on its own registry (never prom-client's global one). Each replica
 * counts the runs it made: sum the counters over replicas, and take max() of the timestamps.
 */
export class WorkerMetrics {
  readonly registry = new Registry();

  private readonly sweeps = new Counter({
    name: 'pushgate_worker_sweeps_total',
    help: 'TTL sweeps this worker ran, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly expired = new Counter({
    name: 'pushgate_worker_expired_groups_total',
    help: 'Expired groups this worker deleted.',
    registers: [this.registry],
  });
  private readonly sweepDuration = new Gauge({
    name: 'pushgate_worker_sweep_duration_seconds',
    help: 'Duration of the last successful TTL sweep of this worker.',
    registers: [this.registry],
  });
  private readonly sweepSuccess = new Gauge({
    name: 'pushgate_worker_sweep_last_success_timestamp_seconds',
    help: 'Unix time of the last successful TTL sweep of this worker.',
    registers: [this.registry],
  });
  private readonly snapshots = new Counter({
    name: 'pushgate_worker_snapshots_total',
    help: 'Snapshots this worker took, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly snapshotDuration = new Gauge({
    name: 'pushgate_worker_snapshot_duration_seconds',
    help: 'Duration of the last successful snapshot of this worker.',
    registers: [this.registry],
  });
  private readonly snapshotBytes = new Gauge({
    name: 'pushgate_worker_snapshot_size_bytes',
    help: 'Size of the last snapshot file this worker wrote.',
    registers: [this.registry],
  });
  private readonly snapshotGroups = new Gauge({
    name: 'pushgate_worker_snapshot_groups',
    help: 'Groups in the last snapshot this worker wrote.',
    registers: [this.registry],
  });
  private readonly snapshotSuccess = new Gauge({
    name: 'pushgate_worker_snapshot_last_success_timestamp_seconds',
    help: 'Unix time of the last successful snapshot of this worker.',
    registers: [this.registry],
  });
  private readonly restored = new Counter({
    name: 'pushgate_worker_restored_groups_total',
    help: 'Groups of snapshots this worker restored into an empty store, or skipped (by reason).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Present from the start, so that a rate() over a fresh worker is 0, not absent.
    for (const outcome of ['success', 'failure']) {
      this.sweeps.inc({ outcome }, 0);
      this.snapshots.inc({ outcome }, 0);
    }
  }

  sweepSucceeded(deleted: number, seconds: number, at: number): void {
    this.sweeps.inc({ outcome: 'success' });
    this.expired.inc(deleted);
    this.sweepDuration.set(seconds);
    this.sweepSuccess.set(at);
  }

  sweepFailed(): void {
    this.sweeps.inc({ outcome: 'failure' });
  }

  snapshotSucceeded(bytes: number, groups: number, seconds: number, at: number): void {
    this.snapshots.inc({ outcome: 'success' });
    this.snapshotBytes.set(bytes);
    this.snapshotGroups.set(groups);
    this.snapshotDuration.set(seconds);
    this.snapshotSuccess.set(at);
  }

  snapshotFailed(): void {
    this.snapshots.inc({ outcome: 'failure' });
  }

  restoreDone(result: RestoreResult): void {
    this.restored.inc({ outcome: 'restored' }, result.restored);
    for (const { reason } of result.skipped) this.restored.inc({ outcome: reason });
  }

  /** The exposition of every metric, text format 0.0.4. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
