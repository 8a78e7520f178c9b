/**
 * What client_golang's Gather does to families after collecting them
 * (internal.NormalizeMetricFamilies): drop the empty ones, sort families by name and the metrics
 * of each family into a fixed order. Every node renders the same scrape from the same data.
 */
import type { LabelPair, Metric, MetricFamily } from './types';

/**
 * Returns the families with metrics, sorted by name in byte order, each with its metrics sorted by
 * compareMetrics. Inputs are not mutated: families are shallow copies with a new metric array.
 */
export function normalizeFamilies(families: readonly MetricFamily[]): MetricFamily[] {
  return families
    .filter((family) => family.metric.length > 0)
    .map((family) => ({ ...family, metric: sortMetrics(family.metric) }))
    .sort((a, b) => compareBytes(a.name, b.name));
}

/**
 * Go's metric order: fewer labels first, then label values position by position (label pairs are
 * expected sorted by name, so positions line up), then by timestamp with timestamp-less metrics
 * last. Go's sort is not stable, so metrics equal up to there (`{a="1"}` vs `{b="1"}`) come out in
 * any order upstream; here label names, position by position, settle it.
 */
export function compareMetrics(a: Metric, b: Metric): number {
  const la = a.label;
  const lb = b.label;
  if (la.length !== lb.length) return la.length - lb.length;
  for (let i = 0; i < la.length; i++) {
    const c = compareBytes((la[i] as LabelPair).value, (lb[i] as LabelPair).value);
    if (c !== 0) return c;
  }
  return compareTies(a, b);
}

/**
 * Compares strings by their UTF-8 bytes, as Go compares strings. JS compares UTF-16 code units,
 * which agrees except where a surrogate (part of a character above U+FFFF) meets a unit in
 * U+E000–U+FFFF: in UTF-8 the character above U+FFFF sorts last.
 */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xSurrogate = x >= 0xd800 && x <= 0xdfff;
      const ySurrogate = y >= 0xd800 && y <= 0xdfff;
      if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : 1;
}

/** Metrics with equal label values: timestamp (none last), then label names. */
function compareTies(a: Metric, b: Metric): number {
  if (a.timestampMs !== b.timestampMs) {
    if (a.timestampMs === undefined) return 1;
    if (b.timestampMs === undefined) return -1;
    return a.timestampMs - b.timestampMs;
  }
  const la = a.label;
  const lb = b.label;
  for (let i = 0; i < la.length; i++) {
    const c = compareBytes((la[i] as LabelPair).name, (lb[i] as LabelPair).name);
    if (c !== 0) return c;
  }
  return 0;
}

// Code units at which UTF-16 order and UTF-8 byte order can part.
const WIDE = /[\uD800-\uFFFF]/;

/**
 * Sorting is most of the cost of a large scrape, and compareBytes' character loop is slower than
 * the engine's own string comparison. Where no label value has a code unit from U+D800 up (one
 * cheap pass over the family), both orders agree and the native comparison is used.
 */
function sortMetrics(metrics: readonly Metric[]): Metric[] {
  const sorted = metrics.slice();
  return sorted.sort(metrics.some(hasWideValue) ? compareMetrics : compareMetricsNarrow);
}

function hasWideValue(metric: Metric): boolean {
  for (const pair of metric.label) if (WIDE.test(pair.value)) return true;
  return false;
}

/** compareMetrics for label values known to hold no code unit from U+D800 up. */
function compareMetricsNarrow(a: Metric, b: Metric): number {
  const la = a.label;
  const lb = b.label;
  if (la.length !== lb.length) return la.length - lb.length;
  for (let i = 0; i < la.length; i++) {
    const x = (la[i] as LabelPair).value;
    const y = (lb[i] as LabelPair).value;
    if (x !== y) return x < y ? -1 : 1;
  }
  return compareTies(a, b);
}
