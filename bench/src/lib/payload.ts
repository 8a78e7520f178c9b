/**
 * Text-format (0.0.4) bodies shaped like what a real batch job pushes: a last-success
 * timestamp, per-phase durations, error and record counters with a label, and one small
 * histogram. Every group pushes the same families with the same types and HELP, so a
 * populated gateway stays consistent however many groups it holds; only values differ.
 */

/** Series in every body besides the per-table counters (1 + 3 phases + 2 kinds + 6 histogram). */
export const FIXED_SERIES = 12;
/** The smallest series count a body can have: the fixed part plus one table counter. */
export const MIN_SERIES = FIXED_SERIES + 1;

const PHASES = ['extract', 'transform', 'load'] as const;
const ERROR_KINDS = ['retryable', 'fatal'] as const;
const BUCKETS = ['1000', '100000', '1e+07'] as const;
const BASE_TIME = 1_700_000_000;

/** Deterministic 32-bit mixer (mulberry32 step), so a body depends only on its inputs. */
function mix(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/**
 * The body group `group` pushes on its `iteration`-th push, with exactly `series` sample
 * lines. Counters grow with `iteration`, like a job that keeps running. The gateway adds two
 * bookkeeping series per group on top (push_time_seconds, push_failure_time_seconds).
 */
export function batchJobBody(series: number, group: number, iteration = 0): string {
  if (!Number.isInteger(series) || series < MIN_SERIES) {
    throw new RangeError(`series per group must be an integer >= ${MIN_SERIES}, got ${series}`);
  }
  const r = mix(group * 7919 + iteration);
  const tables = series - FIXED_SERIES;
  const lines: string[] = [];

  lines.push(
    '# HELP bench_job_last_success_timestamp_seconds Unix time the batch job last finished successfully.',
    '# TYPE bench_job_last_success_timestamp_seconds gauge',
    `bench_job_last_success_timestamp_seconds ${BASE_TIME + iteration * 60 + (r % 60)}`,
    '# HELP bench_job_phase_duration_seconds Duration of each phase of the last run.',
    '# TYPE bench_job_phase_duration_seconds gauge',
  );
  PHASES.forEach((phase, i) => {
    lines.push(`bench_job_phase_duration_seconds{phase="${phase}"} ${((r >>> i) % 10000) / 100}`);
  });

  lines.push(
    '# HELP bench_job_errors_total Errors seen by the batch job, by kind.',
    '# TYPE bench_job_errors_total counter',
  );
  ERROR_KINDS.forEach((kind, i) => {
    lines.push(
      `bench_job_errors_total{kind="${kind}"} ${iteration * 5 * (i + 1) + ((r >>> (8 + i)) % 5)}`,
    );
  });

  lines.push(
    '# HELP bench_job_records_processed_total Records processed by the batch job, by table.',
    '# TYPE bench_job_records_processed_total counter',
  );
  for (let t = 0; t < tables; t++) {
    const table = `t${String(t).padStart(3, '0')}`;
    lines.push(
      `bench_job_records_processed_total{table="${table}"} ${(iteration + 1) * 1000 + ((r + t * 31) % 1000)}`,
    );
  }

  // Cumulative buckets with +Inf equal to _count, as a client library would render them.
  const count = 100 + (r % 100);
  const cumulative = [Math.floor(count / 4), Math.floor(count / 2), count - (r % 3)];
  lines.push(
    '# HELP bench_job_batch_size_bytes Size of the batches the job wrote.',
    '# TYPE bench_job_batch_size_bytes histogram',
  );
  BUCKETS.forEach((le, i) => {
    lines.push(`bench_job_batch_size_bytes_bucket{le="${le}"} ${cumulative[i]}`);
  });
  lines.push(
    `bench_job_batch_size_bytes_bucket{le="+Inf"} ${count}`,
    `bench_job_batch_size_bytes_sum ${count * 5000 + (r % 5000)}`,
    `bench_job_batch_size_bytes_count ${count}`,
  );

  return lines.join('\n') + '\n';
}
