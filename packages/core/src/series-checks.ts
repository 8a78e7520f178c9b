/**
 * The per-series part of client_golang's checkMetricConsistency (v1.14) that needs nothing but the
 * series itself: value kind against the family type, then each label pair in (sorted) order.
 */
import {
  formatGoFloat,
  isReservedLabelName,
  isValidLabelName,
  type Metric,
  type MetricType,
} from '@pushgate/exposition';
import { hasLoneSurrogate } from './bytes';
import { goQuote } from './go-quote';

/** True when the series carries the value field its family's type requires. */
export function hasValueFor(type: MetricType, metric: Metric): boolean {
  switch (type) {
    case 'COUNTER':
      return metric.counter !== undefined;
    case 'GAUGE':
      return metric.gauge !== undefined;
    case 'SUMMARY':
      return metric.summary !== undefined;
    case 'UNTYPED':
      return metric.untyped !== undefined;
    case 'HISTOGRAM':
    case 'GAUGE_HISTOGRAM':
      // client_golang 1.14 does not check GAUGE_HISTOGRAM at all; its series must still hold a
      // histogram here, or there would be nothing to render.
      return metric.histogram !== undefined;
  }
}

/**
 * The first problem of one sanitised series (labels sorted by name), worded as the tail of
 * upstream's `collected metric "x" { ... } <problem>`, or undefined.
 */
export function seriesProblem(type: MetricType, metric: Metric): string | undefined {
  if (!hasValueFor(type, metric)) return `is not a ${type}`;
  // Go starts from "" too, so a label with an empty name reads as a repeated name.
  let previous = '';
  for (const { name, value } of metric.label) {
    if (name === previous) return `has two or more labels with the same name: ${name}`;
    if (!isValidLabelName(name) || isReservedLabelName(name)) {
      return `has a label with an invalid name: ${name}`;
    }
    if (metric.summary !== undefined && name === 'quantile') {
      return 'must not have an explicit "quantile" label';
    }
    // Pushgate extension (upstream 1.5.1 accepts it and renders `le` twice, an invalid scrape):
    // the histogram twin of the quantile rule, e.g. a histogram pushed to /job/q/le/7.
    if (metric.histogram !== undefined && name === 'le') {
      return 'must not have an explicit "le" label';
    }
    // Strings decoded from valid UTF-8 never hold a lone surrogate.
    if (hasLoneSurrogate(value)) {
      return `has a label named ${goQuote(name)} whose value is not utf8: ${goQuote(value)}`;
    }
    previous = name;
  }
  if (metric.histogram !== undefined) return duplicateBucketProblem(metric.histogram.bucket);
  return undefined;
}

/**
 * Pushgate extension: two buckets with the same upper bound make a histogram whose text
 * rendering has two identical `le` series (upstream 1.5.1 stores and emits it). Bounds are
 * compared as numbers, so `1` and `1.0` are the same bucket.
 */
function duplicateBucketProblem(buckets: readonly { upperBound: number }[]): string | undefined {
  if (buckets.length < 2) return undefined;
  const seen = new Set<number>();
  for (const { upperBound } of buckets) {
    if (seen.has(upperBound))
      return `has two or more buckets with le="${formatGoFloat(upperBound)}"`;
    seen.add(upperBound);
  }
  return undefined;
}
