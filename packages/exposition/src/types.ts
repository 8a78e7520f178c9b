/**
 * The in-memory model of `io.prometheus.client.MetricFamily` (client_model metrics.proto).
 *
 * It mirrors the protobuf message field by field (camelCase names, as protobufjs produces them),
 * so a protobuf push can be stored and re-emitted without losing anything (native histogram
 * spans/deltas, float counts, exemplars, created timestamps). The text parser fills the subset
 * that text format 0.0.4 can express.
 *
 * Conventions every package relies on:
 * - Plain data only (no classes, no Long/bigint): the model is JSON-serialisable, which is how the
 *   stores persist it. uint64 counts are JS numbers; values above 2^53 lose precision (documented
 *   in docs/compatibility.md).
 * - `help === undefined` means "no HELP" (no `# HELP` line); `help === ''` means an explicit empty
 *   HELP (protobuf only), rendered as `# HELP name ` with a trailing space, as upstream does.
 * - Label pairs are stored in the order given; the core sanitiser sorts them by name.
 * - Float values may be NaN/±Infinity. JSON cannot carry those: stores must use `toJSON`-safe
 *   encodings (see packages/store) rather than plain JSON.stringify.
 */

export type MetricType =
  'COUNTER' | 'GAUGE' | 'SUMMARY' | 'UNTYPED' | 'HISTOGRAM' | 'GAUGE_HISTOGRAM';

/** Numeric enum values of `io.prometheus.client.MetricType`, indexed like the proto. */
export const METRIC_TYPE_BY_NUMBER: readonly MetricType[] = [
  'COUNTER',
  'GAUGE',
  'SUMMARY',
  'UNTYPED',
  'HISTOGRAM',
  'GAUGE_HISTOGRAM',
];

export interface LabelPair {
  name: string;
  value: string;
}

/** google.protobuf.Timestamp */
export interface Timestamp {
  seconds: number;
  nanos: number;
}

export interface Exemplar {
  label: LabelPair[];
  value: number;
  timestamp?: Timestamp;
}

export interface Gauge {
  value: number;
}

export interface Counter {
  value: number;
  exemplar?: Exemplar;
  createdTimestamp?: Timestamp;
}

export interface Untyped {
  value: number;
}

export interface Quantile {
  quantile: number;
  value: number;
}

export interface Summary {
  sampleCount?: number;
  sampleSum?: number;
  quantile: Quantile[];
  createdTimestamp?: Timestamp;
}

export interface Bucket {
  /** Cumulative. */
  cumulativeCount?: number;
  /** Overrides cumulativeCount if present. */
  cumulativeCountFloat?: number;
  upperBound: number;
  exemplar?: Exemplar;
}

export interface BucketSpan {
  offset: number;
  length: number;
}

export interface Histogram {
  sampleCount?: number;
  /** Overrides sampleCount if present. */
  sampleCountFloat?: number;
  sampleSum?: number;
  /** Classic buckets, in the order pushed (upstream re-emits them as stored). */
  bucket: Bucket[];
  createdTimestamp?: Timestamp;
  // Native histogram fields: carried through unchanged, never interpreted except for the API.
  schema?: number;
  zeroThreshold?: number;
  zeroCount?: number;
  zeroCountFloat?: number;
  negativeSpan?: BucketSpan[];
  negativeDelta?: number[];
  negativeCount?: number[];
  positiveSpan?: BucketSpan[];
  positiveDelta?: number[];
  positiveCount?: number[];
  exemplars?: Exemplar[];
}

/**
 * One series (or one summary/histogram child). Exactly one of the value fields is set; which one
 * must match the family type (GAUGE_HISTOGRAM uses `histogram`).
 */
export interface Metric {
  label: LabelPair[];
  gauge?: Gauge;
  counter?: Counter;
  summary?: Summary;
  untyped?: Untyped;
  histogram?: Histogram;
  /** Milliseconds since epoch. Pushes carrying one are rejected by the core rules. */
  timestampMs?: number;
}

export interface MetricFamily {
  name: string;
  help?: string;
  type: MetricType;
  metric: Metric[];
  unit?: string;
}
