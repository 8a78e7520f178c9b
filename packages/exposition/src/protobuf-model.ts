/**
 * Conversion between protobufjs' decoded `io.prometheus.client` messages and the plain model of
 * types.ts: 64-bit integers become numbers, the enum becomes its name, and fields absent on the
 * wire stay absent (proto2 has presence; a decoded message only has own properties for the fields
 * that were on the wire, the defaults live on its prototype).
 */
import {
  METRIC_TYPE_BY_NUMBER,
  type Bucket,
  type BucketSpan,
  type Counter,
  type Exemplar,
  type Histogram,
  type LabelPair,
  type Metric,
  type MetricFamily,
  type MetricType,
  type Quantile,
  type Summary,
  type Timestamp,
} from './types';

/** int64/uint64 as protobufjs hands them out: a Long when long.js is loaded, else a number. */
type Int64 = number | { toNumber(): number };

// The decoded shapes, as far as this module reads them. Every property may be inherited from the
// prototype (a default) rather than decoded; `has` tells which.
interface PbLabelPair {
  name: string;
  value: string;
}
interface PbTimestamp {
  seconds: Int64;
  nanos: number;
}
interface PbExemplar {
  label: PbLabelPair[];
  value: number;
  timestamp: PbTimestamp;
}
interface PbValue {
  value: number;
}
interface PbCounter {
  value: number;
  exemplar: PbExemplar;
  createdTimestamp: PbTimestamp;
}
interface PbQuantile {
  quantile: number;
  value: number;
}
interface PbSummary {
  sampleCount: Int64;
  sampleSum: number;
  quantile: PbQuantile[];
  createdTimestamp: PbTimestamp;
}
interface PbBucket {
  cumulativeCount: Int64;
  cumulativeCountFloat: number;
  upperBound: number;
  exemplar: PbExemplar;
}
interface PbBucketSpan {
  offset: number;
  length: number;
}
interface PbHistogram {
  sampleCount: Int64;
  sampleCountFloat: number;
  sampleSum: number;
  bucket: PbBucket[];
  createdTimestamp: PbTimestamp;
  schema: number;
  zeroThreshold: number;
  zeroCount: Int64;
  zeroCountFloat: number;
  negativeSpan: PbBucketSpan[];
  negativeDelta: Int64[];
  negativeCount: number[];
  positiveSpan: PbBucketSpan[];
  positiveDelta: Int64[];
  positiveCount: number[];
  exemplars: PbExemplar[];
}
interface PbMetric {
  label: PbLabelPair[];
  gauge: PbValue;
  counter: PbCounter;
  summary: PbSummary;
  untyped: PbValue;
  histogram: PbHistogram;
  timestampMs: Int64;
}
/** A decoded `MetricFamily` message. */
export interface PbMetricFamily {
  name: string;
  help: string;
  type: number;
  metric: PbMetric[];
  unit: string;
}

const hasOwn = Object.prototype.hasOwnProperty;
function has<T extends object>(message: T, field: keyof T & string): boolean {
  return hasOwn.call(message, field);
}

function int64(v: Int64): number {
  return typeof v === 'number' ? v : v.toNumber();
}

/** Converts one decoded MetricFamily message to the model. */
export function familyFromMessage(m: PbMetricFamily): MetricFamily {
  const family = { name: has(m, 'name') ? m.name : '' } as MetricFamily;
  if (has(m, 'help')) family.help = m.help;
  // Closed enum: protobufjs only sets `type` for known numbers, so the lookup cannot miss; an
  // absent type is COUNTER, as Go's GetType() reports it.
  family.type = has(m, 'type') ? (METRIC_TYPE_BY_NUMBER[m.type] as MetricType) : 'COUNTER';
  family.metric = m.metric.map(metricFromMessage);
  if (has(m, 'unit')) family.unit = m.unit;
  return family;
}

function metricFromMessage(m: PbMetric): Metric {
  const metric: Metric = { label: m.label.map(labelFromMessage) };
  // Every value field is copied as found: a value that does not match the family type is the
  // core's to reject, with upstream's message.
  if (has(m, 'gauge')) metric.gauge = { value: valueOf(m.gauge) };
  if (has(m, 'counter')) metric.counter = counterFromMessage(m.counter);
  if (has(m, 'summary')) metric.summary = summaryFromMessage(m.summary);
  if (has(m, 'untyped')) metric.untyped = { value: valueOf(m.untyped) };
  if (has(m, 'histogram')) metric.histogram = histogramFromMessage(m.histogram);
  if (has(m, 'timestampMs')) metric.timestampMs = int64(m.timestampMs);
  return metric;
}

function labelFromMessage(m: PbLabelPair): LabelPair {
  return { name: has(m, 'name') ? m.name : '', value: has(m, 'value') ? m.value : '' };
}

function valueOf(m: PbValue): number {
  return has(m, 'value') ? m.value : 0;
}

function timestampFromMessage(m: PbTimestamp): Timestamp {
  return {
    seconds: has(m, 'seconds') ? int64(m.seconds) : 0,
    nanos: has(m, 'nanos') ? m.nanos : 0,
  };
}

function exemplarFromMessage(m: PbExemplar): Exemplar {
  const exemplar: Exemplar = { label: m.label.map(labelFromMessage), value: valueOf(m) };
  if (has(m, 'timestamp')) exemplar.timestamp = timestampFromMessage(m.timestamp);
  return exemplar;
}

function counterFromMessage(m: PbCounter): Counter {
  const counter: Counter = { value: valueOf(m) };
  if (has(m, 'exemplar')) counter.exemplar = exemplarFromMessage(m.exemplar);
  if (has(m, 'createdTimestamp'))
    counter.createdTimestamp = timestampFromMessage(m.createdTimestamp);
  return counter;
}

function summaryFromMessage(m: PbSummary): Summary {
  const summary = {} as Summary;
  if (has(m, 'sampleCount')) summary.sampleCount = int64(m.sampleCount);
  if (has(m, 'sampleSum')) summary.sampleSum = m.sampleSum;
  summary.quantile = m.quantile.map(quantileFromMessage);
  if (has(m, 'createdTimestamp'))
    summary.createdTimestamp = timestampFromMessage(m.createdTimestamp);
  return summary;
}

function quantileFromMessage(m: PbQuantile): Quantile {
  return { quantile: has(m, 'quantile') ? m.quantile : 0, value: valueOf(m) };
}

function bucketFromMessage(m: PbBucket): Bucket {
  const bucket = {} as Bucket;
  if (has(m, 'cumulativeCount')) bucket.cumulativeCount = int64(m.cumulativeCount);
  if (has(m, 'cumulativeCountFloat')) bucket.cumulativeCountFloat = m.cumulativeCountFloat;
  bucket.upperBound = has(m, 'upperBound') ? m.upperBound : 0;
  if (has(m, 'exemplar')) bucket.exemplar = exemplarFromMessage(m.exemplar);
  return bucket;
}

function spanFromMessage(m: PbBucketSpan): BucketSpan {
  return { offset: has(m, 'offset') ? m.offset : 0, length: has(m, 'length') ? m.length : 0 };
}

function histogramFromMessage(m: PbHistogram): Histogram {
  const h = {} as Histogram;
  if (has(m, 'sampleCount')) h.sampleCount = int64(m.sampleCount);
  if (has(m, 'sampleCountFloat')) h.sampleCountFloat = m.sampleCountFloat;
  if (has(m, 'sampleSum')) h.sampleSum = m.sampleSum;
  h.bucket = m.bucket.map(bucketFromMessage);
  if (has(m, 'createdTimestamp')) h.createdTimestamp = timestampFromMessage(m.createdTimestamp);
  if (has(m, 'schema')) h.schema = m.schema;
  if (has(m, 'zeroThreshold')) h.zeroThreshold = m.zeroThreshold;
  if (has(m, 'zeroCount')) h.zeroCount = int64(m.zeroCount);
  if (has(m, 'zeroCountFloat')) h.zeroCountFloat = m.zeroCountFloat;
  // Repeated fields have no presence on the wire: an empty list is left out of the model.
  if (m.negativeSpan.length) h.negativeSpan = m.negativeSpan.map(spanFromMessage);
  if (m.negativeDelta.length) h.negativeDelta = m.negativeDelta.map(int64);
  if (m.negativeCount.length) h.negativeCount = m.negativeCount.slice();
  if (m.positiveSpan.length) h.positiveSpan = m.positiveSpan.map(spanFromMessage);
  if (m.positiveDelta.length) h.positiveDelta = m.positiveDelta.map(int64);
  if (m.positiveCount.length) h.positiveCount = m.positiveCount.slice();
  if (m.exemplars.length) h.exemplars = m.exemplars.map(exemplarFromMessage);
  return h;
}

/**
 * The message to encode for a model family: the model already has the schema's field names, only
 * the enum needs its number. Fields set to undefined are skipped by the encoder like absent ones.
 */
export function familyToMessage(family: MetricFamily): object {
  const type = METRIC_TYPE_BY_NUMBER.indexOf(family.type);
  return { ...family, type: type < 0 ? 0 : type };
}
