/**
 * Deep copies of the stored model, so the in-memory store never shares objects with its callers.
 * A scrape of a large store copies millions of series, so the common shapes (labels, gauge,
 * counter and untyped values) are copied by hand; the rest by a generic plain-data copy.
 * structuredClone would be an order of magnitude slower here.
 */
import { newFamilies, type MetricGroup, type StoredFamily } from '@pushgate/core';
import type { LabelPair, Metric, MetricFamily } from '@pushgate/exposition';

export function cloneGroup(group: MetricGroup): MetricGroup {
  const families = newFamilies();
  for (const name of Object.keys(group.families)) {
    const stored = group.families[name] as StoredFamily;
    families[name] = { family: cloneFamily(stored.family), timestamp: stored.timestamp };
  }
  const copy: MetricGroup = { labels: { ...group.labels }, families };
  if (group.expiry !== undefined) copy.expiry = { ...group.expiry };
  return copy;
}

export function cloneFamily(family: MetricFamily): MetricFamily {
  return { ...family, metric: family.metric.map(cloneMetric) };
}

function cloneMetric(metric: Metric): Metric {
  const copy: Metric = { ...metric, label: metric.label.map(cloneLabel) };
  // Value objects of gauges and untyped series hold only numbers: a spread copies them fully.
  if (metric.gauge !== undefined) copy.gauge = { ...metric.gauge };
  if (metric.untyped !== undefined) copy.untyped = { ...metric.untyped };
  if (metric.counter !== undefined) copy.counter = clonePlain(metric.counter);
  if (metric.summary !== undefined) copy.summary = clonePlain(metric.summary);
  if (metric.histogram !== undefined) copy.histogram = clonePlain(metric.histogram);
  return copy;
}

function cloneLabel(pair: LabelPair): LabelPair {
  return { name: pair.name, value: pair.value };
}

function clonePlain<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(clonePlain) as T;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value))
    copy[key] = clonePlain((value as Record<string, unknown>)[key]);
  return copy as T;
}
