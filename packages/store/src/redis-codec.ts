import type { Exemplar, Histogram, LabelPair, Metric, MetricFamily } from '@pushgate/exposition';
import type { GroupExpiry, GroupingLabels, StoredFamily } from '@pushgate/core';

/**
 * How groups are serialised in Redis.
 *
 * A group's blob is one JSON object, family name → `{"t": timestamp, "f": family}`, laid out as
 * `{\n<record>,\n<record>\n}` so the Lua scripts can merge a POST record by record without
 * decoding (lua/includes/blob.lua) and a reader decodes a whole group with one JSON.parse.
 *
 * Label pairs, which are most of a group's bytes, are stored compactly: a metric's `label` list
 * `[{"name":"a","value":"x"}, ...]` becomes `"l":["a","x", ...]` (flat, in order). Redis holds
 * every group, so this is a third less Redis memory for typical series. Decoding accepts both
 * forms, so blobs written before the compact form read the same.
 *
 * JSON has no NaN, ±Inf or -0; they are written as the strings "NaN", "+Inf", "-Inf", "-0".
 * Decoding walks the model's numeric fields and turns strings found there back into numbers,
 * so a label value or HELP text that happens to read "NaN" stays a string.
 */

const SPECIAL: Readonly<Record<string, number>> = {
  NaN: NaN,
  '+Inf': Infinity,
  '-Inf': -Infinity,
  '-0': -0,
};

function encodeNumber(_key: string, v: unknown): unknown {
  if (typeof v !== 'number' || (Number.isFinite(v) && !Object.is(v, -0))) return v;
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return '-0';
}

/** A family as a blob record: its JSON-encoded name, a colon, then its JSON. */
export function encodeRecord(stored: StoredFamily): string {
  const { family } = stored;
  const value = { t: stored.timestamp, f: { ...family, metric: family.metric.map(compactMetric) } };
  // A replacer makes JSON.stringify call back for every key; only NaN, ±Inf and -0 need one.
  const json = hasSpecialNumber(value)
    ? JSON.stringify(value, encodeNumber)
    : JSON.stringify(value);
  return `${encodeName(stored.family.name)}:${json}`;
}

/** A stored metric: labels as one flat name, value, name, value... list under `l`. */
type CompactMetric = Omit<Metric, 'label'> & { l: string[] };

/** Fails to compile when Metric gains a field compactMetric does not copy. */
type CopiedFields =
  'label' | 'gauge' | 'counter' | 'summary' | 'untyped' | 'histogram' | 'timestampMs';
const EVERY_FIELD_COPIED: [Exclude<keyof Metric, CopiedFields>] extends [never] ? true : never =
  true;
void EVERY_FIELD_COPIED;

function compactMetric(metric: Metric): CompactMetric {
  const { label } = metric;
  const l = new Array<string>(2 * label.length);
  for (let i = 0; i < label.length; i++) {
    const pair = label[i] as LabelPair;
    l[2 * i] = pair.name;
    l[2 * i + 1] = pair.value;
  }
  // Every field of the model's Metric but `label`, copied by name: rest-spreading is several
  // times slower, and this runs for every pushed series. (A decoded metric's `l: undefined`,
  // see expandMetric, is not copied.)
  const out: CompactMetric = { l };
  if (metric.gauge !== undefined) out.gauge = metric.gauge;
  if (metric.counter !== undefined) out.counter = metric.counter;
  if (metric.summary !== undefined) out.summary = metric.summary;
  if (metric.untyped !== undefined) out.untyped = metric.untyped;
  if (metric.histogram !== undefined) out.histogram = metric.histogram;
  if (metric.timestampMs !== undefined) out.timestampMs = metric.timestampMs;
  return out;
}

/**
 * Turns a stored metric into the model's in place (compact `l` into `label`; a metric of an older
 * blob already has `label`). In place, because a cold load decodes every series of the store:
 * copying each metric object would double what the load allocates. `l` is left undefined rather
 * than deleted, which would switch the object to slow dictionary mode.
 */
function expandMetric(stored: CompactMetric | Metric): Metric {
  const compact = stored as Partial<CompactMetric> & Partial<Metric>;
  const l = compact.l;
  if (l === undefined) return stored as Metric;
  const label = new Array<LabelPair>(l.length >> 1);
  for (let i = 0; i < label.length; i++)
    label[i] = { name: l[2 * i] as string, value: l[2 * i + 1] as string };
  compact.label = label;
  compact.l = undefined;
  return compact as Metric;
}

/** True when a number JSON cannot carry (NaN, ±Inf, -0) occurs anywhere in `v`. */
function hasSpecialNumber(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v) || Object.is(v, -0);
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) {
    for (const item of v) if (hasSpecialNumber(item)) return true;
    return false;
  }
  for (const key in v) if (hasSpecialNumber((v as Record<string, unknown>)[key])) return true;
  return false;
}

/** The record prefix the Lua merge matches to drop a replaced family. */
export function encodeName(name: string): string {
  return JSON.stringify(name);
}

/** Decodes a blob into families by name. */
export function decodeBlob(blob: string): Record<string, StoredFamily> {
  const records = JSON.parse(blob) as Record<string, { t: number | string; f: MetricFamily }>;
  // No prototype: protobuf family names are not validated, `__proto__` is a possible name.
  const families = Object.create(null) as Record<string, StoredFamily>;
  for (const [name, { t, f }] of Object.entries(records)) {
    for (const metric of f.metric) reviveMetric(expandMetric(metric));
    families[name] = { family: f, timestamp: revive(t) };
  }
  return families;
}

function revive(v: number | string): number {
  return typeof v === 'string' ? (SPECIAL[v] ?? NaN) : v;
}

type Numeric<T> = { [K in keyof T]: T[K] extends number | undefined ? K : never }[keyof T];

function reviveFields<T extends object>(o: T | undefined, keys: readonly Numeric<T>[]): void {
  if (!o) return;
  const rec = o as Record<Numeric<T>, unknown>;
  for (const k of keys) {
    const v = rec[k];
    if (typeof v === 'string') rec[k] = revive(v);
  }
}

function reviveArray(a: number[] | undefined): void {
  if (!a) return;
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as number | string;
    if (typeof v === 'string') a[i] = revive(v);
  }
}

function reviveExemplar(e: Exemplar | undefined): void {
  reviveFields(e, ['value']);
}

function reviveHistogram(h: Histogram): void {
  reviveFields(h, [
    'sampleCount',
    'sampleCountFloat',
    'sampleSum',
    'schema',
    'zeroThreshold',
    'zeroCount',
    'zeroCountFloat',
  ]);
  for (const b of h.bucket) {
    reviveFields(b, ['cumulativeCount', 'cumulativeCountFloat', 'upperBound']);
    reviveExemplar(b.exemplar);
  }
  reviveArray(h.negativeDelta);
  reviveArray(h.negativeCount);
  reviveArray(h.positiveDelta);
  reviveArray(h.positiveCount);
  h.exemplars?.forEach(reviveExemplar);
}

function reviveMetric(m: Metric): void {
  reviveFields(m.gauge, ['value']);
  reviveFields(m.untyped, ['value']);
  if (m.counter) {
    reviveFields(m.counter, ['value']);
    reviveExemplar(m.counter.exemplar);
  }
  if (m.summary) {
    reviveFields(m.summary, ['sampleCount', 'sampleSum']);
    for (const q of m.summary.quantile) reviveFields(q, ['quantile', 'value']);
  }
  if (m.histogram) reviveHistogram(m.histogram);
}

/** A group's metadata as lua/includes/meta.lua stores it. */
export interface GroupMeta {
  /** Blob field in the group's shard, or undefined when the group holds no pushed family. */
  tx: string | undefined;
  pushValue: number;
  pushTime: number;
  failureValue: number;
  failureTime: number;
  /** Global change counter value of the group's last change. */
  version: number;
  labels: GroupingLabels;
  /** The group's TTL and expiry time; absent for a group that never expires. */
  expiry?: GroupExpiry;
}

/** Six fields, then TTL and expiry time for a group that expires (lua/includes/meta.lua). */
const META = /^(\S+) (\S+) (\S+) (\S+) (\S+) (\S+)(?: (\S+) (\S+))?\n/;

export function decodeMeta(s: string): GroupMeta {
  const m = META.exec(s);
  if (!m) throw new Error(`malformed group metadata in Redis: ${JSON.stringify(s.slice(0, 80))}`);
  const [head, tx, pv, pt, fv, ft, v, ttl, expiresAt] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string | undefined,
    string | undefined,
  ];
  const meta: GroupMeta = {
    tx: tx === '-' ? undefined : tx,
    pushValue: Number(pv),
    pushTime: Number(pt),
    failureValue: Number(fv),
    failureTime: Number(ft),
    version: Number(v),
    labels: JSON.parse(s.slice(head.length)) as GroupingLabels,
  };
  if (ttl !== undefined && expiresAt !== undefined)
    meta.expiry = { ttlSeconds: Number(ttl), expiresAt: Number(expiresAt) };
  return meta;
}

/** True when the group `meta` describes is expired at `nowSeconds` (core `isExpired`). */
export function metaExpired(meta: GroupMeta, nowSeconds: number): boolean {
  return meta.expiry !== undefined && meta.expiry.expiresAt <= nowSeconds;
}

/**
 * The labels as the scripts compare them: JSON with names sorted, so equal grouping keys give
 * byte-equal strings.
 */
export function encodeLabels(labels: GroupingLabels): string {
  const sorted: Record<string, string> = {};
  for (const name of Object.keys(labels).sort()) sorted[name] = labels[name] as string;
  return JSON.stringify(sorted);
}
