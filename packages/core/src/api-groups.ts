/**
 * The `data` array of `GET /api/v1/metrics` (spec §4.2), as upstream 1.5.1's api/v1 builds it:
 * one Go map per group, a struct per family, a map per series.
 */
import {
  formatGoFloatSigned,
  type LabelPair,
  type Metric,
  type MetricFamily,
  type MetricType,
} from '@pushgate/exposition';
import { lastPushSuccessful } from './bookkeeping';
import { compareByteOrder } from './bytes';
import { goJsonMap, goJsonString } from './go-json';
import { formatRfc3339Nano } from './go-time';
import type { GroupingLabels, MetricGroup, StoredFamily } from './model';

/** One series: `labels` plus `value`, or `quantiles`/`count`/`sum`, or `buckets`/`count`/`sum`. */
export interface ApiMetric {
  labels: Record<string, string>;
  value?: string;
  quantiles?: Record<string, string>;
  buckets?: Record<string, string>;
  count?: string;
  sum?: string;
}

export interface ApiFamily {
  /** RFC 3339 (UTC, nanoseconds) time of the write that last stored the family. */
  time_stamp: string;
  type: MetricType;
  /** Absent when empty. */
  help?: string;
  metrics: ApiMetric[];
}

/**
 * One group: `labels` (the grouping labels), `last_push_successful`, and one key per family name.
 * As upstream, a family named `labels` or `last_push_successful` replaces that key.
 */
export type ApiGroup = Record<string, ApiFamily | GroupingLabels | boolean>;

/**
 * The `data` array exactly as upstream's Go encoder writes it (keys of maps sorted in byte order,
 * HTML-safe escaping), groups in the given order (upstream's is random). Every number is a string
 * in Go's format; counts are integers. Serve this rather than JSON.stringify(toApiGroups(...)):
 * JS objects put integer-like keys such as the bucket bound "1" first.
 */
export function toApiGroupsJson(groups: readonly MetricGroup[]): string {
  return `[${groups.map(groupJson).join(',')}]`;
}

/** The same data as plain objects (every key an own property, even `__proto__`). */
export function toApiGroups(groups: readonly MetricGroup[]): ApiGroup[] {
  return JSON.parse(toApiGroupsJson(groups)) as ApiGroup[];
}

function groupJson(group: MetricGroup): string {
  const entries: Array<[string, string]> = [
    ['labels', labelsJson(group.labels)],
    ['last_push_successful', String(lastPushSuccessful(group))],
  ];
  for (const name of Object.keys(group.families))
    entries.push([name, familyJson(group.families[name] as StoredFamily)]);
  return goJsonMap(entries);
}

/** upstream's struct: time_stamp, type, help (omitted when empty), metrics. */
function familyJson({ family, timestamp }: StoredFamily): string {
  const help = family.help ? `,"help":${goJsonString(family.help)}` : '';
  const metrics = family.metric.map((metric) => metricJson(family, metric)).join(',');
  return `{"time_stamp":"${formatRfc3339Nano(timestamp)}","type":"${family.type}"${help},"metrics":[${metrics}]}`;
}

/** A map whose keys, in Go's order, are among buckets, count, labels, quantiles, sum, value. */
function metricJson(family: MetricFamily, metric: Metric): string {
  const labels = labelPairsJson(metric.label);
  switch (family.type) {
    case 'SUMMARY': {
      const summary = metric.summary;
      const quantiles = goJsonMap(
        (summary?.quantile ?? []).map((q) => [
          formatGoFloatSigned(q.quantile),
          `"${formatGoFloatSigned(q.value)}"`,
        ]),
      );
      const count = formatCount(summary?.sampleCount);
      return `{"count":"${count}","labels":${labels},"quantiles":${quantiles},"sum":"${formatGoFloatSigned(summary?.sampleSum ?? 0)}"}`;
    }
    // 1.5.1 shows a gauge histogram as `"value":"0"`; showing it as the histogram it is, is what
    // later versions do.
    case 'HISTOGRAM':
    case 'GAUGE_HISTOGRAM': {
      const histogram = metric.histogram;
      const buckets = goJsonMap(
        (histogram?.bucket ?? []).map((b) => [
          formatGoFloatSigned(b.upperBound),
          `"${formatCount(b.cumulativeCount, b.cumulativeCountFloat)}"`,
        ]),
      );
      const count = formatCount(histogram?.sampleCount, histogram?.sampleCountFloat);
      return `{"buckets":${buckets},"count":"${count}","labels":${labels},"sum":"${formatGoFloatSigned(histogram?.sampleSum ?? 0)}"}`;
    }
    default:
      return `{"labels":${labels},"value":"${formatGoFloatSigned(simpleValue(metric))}"}`;
  }
}

/** upstream getValue: the gauge, counter or untyped value, whichever is set, else 0. */
function simpleValue(metric: Metric): number {
  return metric.gauge?.value ?? metric.counter?.value ?? metric.untyped?.value ?? 0;
}

/**
 * A uint64 count as Go prints it. Float counts (of float histograms) win when positive, as in
 * upstream ≥ 1.10; 1.5.1 would print 0 for them.
 */
function formatCount(count: number | undefined, countFloat?: number): string {
  if (countFloat !== undefined && countFloat > 0) return formatGoFloatSigned(countFloat);
  if (count === undefined || !Number.isFinite(count) || count <= 0) return '0';
  return Number.isSafeInteger(count) ? String(count) : BigInt(Math.trunc(count)).toString();
}

function labelsJson(labels: GroupingLabels): string {
  return goJsonMap(Object.keys(labels).map((name) => [name, goJsonString(labels[name] as string)]));
}

/** A series' labels as a Go map; stored pairs are sorted by name already, which is checked. */
function labelPairsJson(pairs: readonly LabelPair[]): string {
  let out = '{';
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as LabelPair;
    if (i > 0 && compareByteOrder((pairs[i - 1] as LabelPair).name, pair.name) >= 0) {
      return goJsonMap(pairs.map((p) => [p.name, goJsonString(p.value)]));
    }
    out += `${i === 0 ? '' : ','}${goJsonString(pair.name)}:${goJsonString(pair.value)}`;
  }
  return `${out}}`;
}
