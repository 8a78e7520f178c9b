import {
  decodeDelimited,
  parseText,
  type LabelPair,
  type Metric,
  type MetricFamily,
} from '@pushgate/exposition';

/**
 * A scrape reduced to what two gateways fed the same pushes must agree on.
 *
 * - The gateways' own families (runtime, process, HTTP and build metrics) differ by nature
 *   (Go vs Node): their own series are dropped and only their presence is recorded. Series a
 *   client pushed into such a family (they carry a `job` label, e.g. a pushed `go_goroutines`
 *   gauge that upstream merges into its runtime family) are kept and compared.
 * - `push_time_seconds` / `push_failure_time_seconds` values become `0` or `set`: the instant
 *   differs between the two runs, whether it is set does not.
 * - Series are put in one canonical order. Upstream sorts series by label count, then label
 *   values, and leaves ties (`{a="1"}` vs `{b="1"}`) in random order; `orderViolations` lists
 *   every place where the served order breaks that rule, so order is still checked wherever
 *   upstream's order is fixed. Families keep their served order (upstream sorts them by name,
 *   and names are unique, so there are no ties).
 * - Every number becomes its JS string (`-0` kept), so NaN equals NaN and a jest diff shows values.
 */
export interface NormalizedScrape {
  families: NormalizedFamily[];
  /** Names of the gateway's own families seen (and removed unless they held pushed series). */
  ownFamilies: string[];
  /** Where series were served out of upstream's order; empty when the order is right. */
  orderViolations: string[];
}

export interface NormalizedFamily {
  name: string;
  type: string;
  /** Absent when the family has no HELP line (distinct from an explicit empty HELP). */
  help?: string;
  series: CanonicalValue[];
}

/** JSON-like data with every number turned into a string. */
export type CanonicalValue =
  string | boolean | null | CanonicalValue[] | { [key: string]: CanonicalValue };

/** Families every gateway exposes about itself; upstream's Go runtime, Pushgate's Node one. */
export const OWN_FAMILY = /^(?:go|process|nodejs|pushgateway)_/;

const PUSH_TIME_FAMILIES = new Set(['push_time_seconds', 'push_failure_time_seconds']);

/** Normalises a text 0.0.4 scrape; throws (with the parser's message) if it does not parse. */
export function normalizeTextScrape(text: string | Buffer): NormalizedScrape {
  return normalizeFamilies(parseText(text));
}

/** Normalises a delimited protobuf scrape. */
export function normalizeProtobufScrape(body: Buffer): NormalizedScrape {
  return normalizeFamilies(decodeDelimited(body));
}

export function normalizeFamilies(families: readonly MetricFamily[]): NormalizedScrape {
  const result: NormalizedScrape = { families: [], ownFamilies: [], orderViolations: [] };
  for (const family of families) {
    let metrics = family.metric;
    if (OWN_FAMILY.test(family.name)) {
      result.ownFamilies.push(family.name);
      metrics = metrics.filter((m) => m.label.some((l) => l.name === 'job'));
      if (metrics.length === 0) continue;
    }
    result.orderViolations.push(...orderViolations(family.name, metrics));
    const series = [...metrics].sort(canonicalOrder).map((m) => canonicalMetric(family.name, m));
    result.families.push({
      name: family.name,
      type: family.type,
      ...(family.help !== undefined && { help: family.help }),
      series,
    });
  }
  return result;
}

/** Upstream's sort key: label count, then values position by position (labels sorted by name). */
function upstreamOrder(a: Metric, b: Metric): number {
  if (a.label.length !== b.label.length) return a.label.length - b.label.length;
  for (let i = 0; i < a.label.length; i++) {
    const c = compareStrings(valueAt(a.label, i), valueAt(b.label, i));
    if (c !== 0) return c;
  }
  return 0;
}

/** A total order refining upstream's: ties broken by label names, then by everything else. */
function canonicalOrder(a: Metric, b: Metric): number {
  const c = upstreamOrder(a, b);
  if (c !== 0) return c;
  for (let i = 0; i < a.label.length; i++) {
    const n = compareStrings(a.label[i]?.name ?? '', b.label[i]?.name ?? '');
    if (n !== 0) return n;
  }
  return compareStrings(JSON.stringify(canonical(a)), JSON.stringify(canonical(b)));
}

function orderViolations(name: string, metrics: readonly Metric[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < metrics.length; i++) {
    const prev = metrics[i - 1] as Metric;
    const cur = metrics[i] as Metric;
    if (upstreamOrder(prev, cur) > 0)
      out.push(`${name}: ${labelText(prev.label)} served before ${labelText(cur.label)}`);
  }
  return out;
}

/** `{labels: '{a="1",b="2"}', <value fields>}`: label pairs as one string keep diffs short. */
function canonicalMetric(family: string, metric: Metric): CanonicalValue {
  const { label, ...rest } = metric;
  const value: { [key: string]: CanonicalValue } = {
    labels: labelText(label),
    ...(canonical(rest) as object),
  };
  if (PUSH_TIME_FAMILIES.has(family) && metric.gauge) {
    value.gauge = { value: metric.gauge.value === 0 ? '0' : 'set' };
  }
  return value;
}

function canonical(value: unknown): CanonicalValue {
  // String(-0) is "0"; a protobuf scrape carries the sign, and it must be compared too.
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object') {
    const out: { [key: string]: CanonicalValue } = {};
    for (const [k, v] of Object.entries(value as object))
      if (v !== undefined) out[k] = canonical(v);
    return out;
  }
  return String(value);
}

function valueAt(labels: readonly LabelPair[], i: number): string {
  return labels[i]?.value ?? '';
}

// Code-unit order equals Go's byte order for every string this suite uses (no characters above
// U+FFFF next to U+E000–U+FFFF).
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function labelText(labels: readonly LabelPair[]): string {
  return `{${labels.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(',')}}`;
}
