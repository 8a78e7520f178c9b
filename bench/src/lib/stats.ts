/** Latency summary over one run; every field is in seconds except `count`. */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * Nearest-rank percentile (the value at rank ceil(p/100 * n) of the sorted samples), so a
 * reported p99 is always a latency some request really had, never an interpolation.
 * `sorted` must be ascending and non-empty.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of an empty sample');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1] as number;
}

/** Summarises latencies in seconds; null when nothing was measured. */
export function summarize(samples: readonly number[]): LatencySummary | null {
  if (samples.length === 0) return null;
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    min: sorted[0] as number,
    mean: sum / sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] as number,
  };
}

/** Median of a small sample (lower middle for even counts, consistent with nearest rank). */
export function median(samples: readonly number[]): number {
  return percentile(Float64Array.from(samples).sort(), 50);
}

/** Milliseconds with two decimals, for the human summaries. */
export function ms(seconds: number): string {
  return `${(seconds * 1000).toFixed(2)} ms`;
}
