/**
 * The protobuf text-format debug scrapes (`encoding=text` and `encoding=compact-text`), as
 * pushgateway 1.5.1 writes them: golang/protobuf's text marshaller, one MetricFamily after the
 * other, each followed by a newline. Only for humans; Prometheus never asks for them.
 */
import { formatGoFloat } from './go-float';
import type { MetricFamily } from './types';

type Scalar = 'string' | 'double' | 'integer' | 'enum';
interface FieldSpec {
  /** Property name in the model. */
  key: string;
  /** Field name in metrics.proto. */
  name: string;
  kind: Scalar | readonly FieldSpec[];
  repeated?: boolean;
}

const fieldSpec = (
  key: string,
  name: string,
  kind: FieldSpec['kind'],
  repeated = false,
): FieldSpec => ({
  key,
  name,
  kind,
  repeated,
});

// Fields in metrics.proto declaration order, which is the order the Go marshaller writes them in.
const TIMESTAMP = [
  fieldSpec('seconds', 'seconds', 'integer'),
  fieldSpec('nanos', 'nanos', 'integer'),
];
const LABEL_PAIR = [fieldSpec('name', 'name', 'string'), fieldSpec('value', 'value', 'string')];
const EXEMPLAR = [
  fieldSpec('label', 'label', LABEL_PAIR, true),
  fieldSpec('value', 'value', 'double'),
  fieldSpec('timestamp', 'timestamp', TIMESTAMP),
];
const SIMPLE_VALUE = [fieldSpec('value', 'value', 'double')];
const COUNTER = [
  fieldSpec('value', 'value', 'double'),
  fieldSpec('exemplar', 'exemplar', EXEMPLAR),
  fieldSpec('createdTimestamp', 'created_timestamp', TIMESTAMP),
];
const QUANTILE = [
  fieldSpec('quantile', 'quantile', 'double'),
  fieldSpec('value', 'value', 'double'),
];
const SUMMARY = [
  fieldSpec('sampleCount', 'sample_count', 'integer'),
  fieldSpec('sampleSum', 'sample_sum', 'double'),
  fieldSpec('quantile', 'quantile', QUANTILE, true),
  fieldSpec('createdTimestamp', 'created_timestamp', TIMESTAMP),
];
const BUCKET = [
  fieldSpec('cumulativeCount', 'cumulative_count', 'integer'),
  fieldSpec('cumulativeCountFloat', 'cumulative_count_float', 'double'),
  fieldSpec('upperBound', 'upper_bound', 'double'),
  fieldSpec('exemplar', 'exemplar', EXEMPLAR),
];
const BUCKET_SPAN = [
  fieldSpec('offset', 'offset', 'integer'),
  fieldSpec('length', 'length', 'integer'),
];
const HISTOGRAM = [
  fieldSpec('sampleCount', 'sample_count', 'integer'),
  fieldSpec('sampleCountFloat', 'sample_count_float', 'double'),
  fieldSpec('sampleSum', 'sample_sum', 'double'),
  fieldSpec('bucket', 'bucket', BUCKET, true),
  fieldSpec('createdTimestamp', 'created_timestamp', TIMESTAMP),
  fieldSpec('schema', 'schema', 'integer'),
  fieldSpec('zeroThreshold', 'zero_threshold', 'double'),
  fieldSpec('zeroCount', 'zero_count', 'integer'),
  fieldSpec('zeroCountFloat', 'zero_count_float', 'double'),
  fieldSpec('negativeSpan', 'negative_span', BUCKET_SPAN, true),
  fieldSpec('negativeDelta', 'negative_delta', 'integer', true),
  fieldSpec('negativeCount', 'negative_count', 'double', true),
  fieldSpec('positiveSpan', 'positive_span', BUCKET_SPAN, true),
  fieldSpec('positiveDelta', 'positive_delta', 'integer', true),
  fieldSpec('positiveCount', 'positive_count', 'double', true),
  fieldSpec('exemplars', 'exemplars', EXEMPLAR, true),
];
const METRIC = [
  fieldSpec('label', 'label', LABEL_PAIR, true),
  fieldSpec('gauge', 'gauge', SIMPLE_VALUE),
  fieldSpec('counter', 'counter', COUNTER),
  fieldSpec('summary', 'summary', SUMMARY),
  fieldSpec('untyped', 'untyped', SIMPLE_VALUE),
  fieldSpec('histogram', 'histogram', HISTOGRAM),
  fieldSpec('timestampMs', 'timestamp_ms', 'integer'),
];
const METRIC_FAMILY = [
  fieldSpec('name', 'name', 'string'),
  fieldSpec('help', 'help', 'string'),
  fieldSpec('type', 'type', 'enum'),
  fieldSpec('metric', 'metric', METRIC, true),
  fieldSpec('unit', 'unit', 'string'),
];

/**
 * Renders families in protobuf text format: `compact` false is `encoding=text` (one field per
 * line, a blank line after each family), true is `encoding=compact-text` (one family per line).
 */
export function renderProtoText(families: readonly MetricFamily[], compact: boolean): string {
  let out = '';
  for (const family of families) {
    out += compact
      ? writeCompact(family, METRIC_FAMILY)
      : writeMultiline(family, METRIC_FAMILY, '');
    out += '\n';
  }
  return out;
}

function writeMultiline(message: object, spec: readonly FieldSpec[], indent: string): string {
  let out = '';
  forEachValue(message, spec, (field, value) => {
    out +=
      typeof field.kind === 'string'
        ? `${indent}${field.name}: ${scalar(field.kind, value)}\n`
        : `${indent}${field.name}: <\n${writeMultiline(value as object, field.kind, `${indent}  `)}${indent}>\n`;
  });
  return out;
}

function writeCompact(message: object, spec: readonly FieldSpec[]): string {
  let out = '';
  forEachValue(message, spec, (field, value) => {
    out +=
      typeof field.kind === 'string'
        ? `${field.name}:${scalar(field.kind, value)} `
        : `${field.name}:<${writeCompact(value as object, field.kind)}> `;
  });
  return out;
}

/** Calls `fn` for every value set in `message`, once per element for repeated fields. */
function forEachValue(
  message: object,
  spec: readonly FieldSpec[],
  fn: (field: FieldSpec, value: unknown) => void,
): void {
  const values = message as Record<string, unknown>;
  for (const field of spec) {
    const value = values[field.key];
    if (value === undefined) continue;
    if (field.repeated) for (const element of value as unknown[]) fn(field, element);
    else fn(field, value);
  }
}

function scalar(kind: Scalar, value: unknown): string {
  switch (kind) {
    case 'string':
      return quote(value as string);
    case 'double':
      return double(value as number);
    case 'integer':
      return String(value);
    case 'enum':
      return value as string;
  }
}

function double(v: number): string {
  // The text marshaller's own spellings; and it writes -0 as "-0", unlike the exposition format.
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Object.is(v, -0)) return '-0';
  return formatGoFloat(v);
}

/** A quoted string the way golang/protobuf writes it: byte-wise, non-printable ASCII in octal. */
function quote(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s, 'utf8')) {
    switch (byte) {
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      default:
        out +=
          byte >= 0x20 && byte < 0x7f
            ? String.fromCharCode(byte)
            : `\\${byte.toString(8).padStart(3, '0')}`;
    }
  }
  return `${out}"`;
}
