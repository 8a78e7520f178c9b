/**
 * `io.prometheus.client` (client_model metrics.proto, current HEAD: native histograms, exemplars,
 * created timestamps, unit, gauge histograms) as a protobufjs reflection root built in code, so no
 * .proto file has to ship next to the compiled output.
 *
 * Field names are the camelCase names of our model (types.ts), so a model object can be handed to
 * the encoder as it is and a decoded message has the model's property names. Only the field
 * numbers and types matter on the wire.
 */
import { Root, type Type } from 'protobufjs';

// The JSON descriptor format defaults to proto3 semantics; metrics.proto is proto2, which matters
// twice: optional scalars have presence (an explicit empty HELP differs from no HELP), and enums
// are closed (an unknown MetricType number is dropped as an unknown field, as Go does).
const PROTO2 = 'proto2';

type FieldJson = { type: string; id: number; rule?: 'repeated' };
const optional = (type: string, id: number): FieldJson => ({ type, id });
const repeated = (type: string, id: number): FieldJson => ({ type, id, rule: 'repeated' });
const message = (fields: Record<string, FieldJson>) => ({ edition: PROTO2, fields });

const DESCRIPTOR = {
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Timestamp: message({ seconds: optional('int64', 1), nanos: optional('int32', 2) }),
          },
        },
      },
    },
    io: {
      nested: {
        prometheus: {
          nested: {
            client: {
              nested: {
                LabelPair: message({ name: optional('string', 1), value: optional('string', 2) }),
                MetricType: {
                  edition: PROTO2,
                  values: {
                    COUNTER: 0,
                    GAUGE: 1,
                    SUMMARY: 2,
                    UNTYPED: 3,
                    HISTOGRAM: 4,
                    GAUGE_HISTOGRAM: 5,
                  },
                },
                Gauge: message({ value: optional('double', 1) }),
                Counter: message({
                  value: optional('double', 1),
                  exemplar: optional('Exemplar', 2),
                  createdTimestamp: optional('google.protobuf.Timestamp', 3),
                }),
                Quantile: message({
                  quantile: optional('double', 1),
                  value: optional('double', 2),
                }),
                Summary: message({
                  sampleCount: optional('uint64', 1),
                  sampleSum: optional('double', 2),
                  quantile: repeated('Quantile', 3),
                  createdTimestamp: optional('google.protobuf.Timestamp', 4),
                }),
                Untyped: message({ value: optional('double', 1) }),
                Histogram: message({
                  sampleCount: optional('uint64', 1),
                  sampleCountFloat: optional('double', 4),
                  sampleSum: optional('double', 2),
                  bucket: repeated('Bucket', 3),
                  createdTimestamp: optional('google.protobuf.Timestamp', 15),
                  schema: optional('sint32', 5),
                  zeroThreshold: optional('double', 6),
                  zeroCount: optional('uint64', 7),
                  zeroCountFloat: optional('double', 8),
                  negativeSpan: repeated('BucketSpan', 9),
                  negativeDelta: repeated('sint64', 10),
                  negativeCount: repeated('double', 11),
                  positiveSpan: repeated('BucketSpan', 12),
                  positiveDelta: repeated('sint64', 13),
                  positiveCount: repeated('double', 14),
                  exemplars: repeated('Exemplar', 16),
                }),
                Bucket: message({
                  cumulativeCount: optional('uint64', 1),
                  cumulativeCountFloat: optional('double', 4),
                  upperBound: optional('double', 2),
                  exemplar: optional('Exemplar', 3),
                }),
                BucketSpan: message({
                  offset: optional('sint32', 1),
                  length: optional('uint32', 2),
                }),
                Exemplar: message({
                  label: repeated('LabelPair', 1),
                  value: optional('double', 2),
                  timestamp: optional('google.protobuf.Timestamp', 3),
                }),
                Metric: message({
                  label: repeated('LabelPair', 1),
                  gauge: optional('Gauge', 2),
                  counter: optional('Counter', 3),
                  summary: optional('Summary', 4),
                  untyped: optional('Untyped', 5),
                  histogram: optional('Histogram', 7),
                  timestampMs: optional('int64', 6),
                }),
                MetricFamily: message({
                  name: optional('string', 1),
                  help: optional('string', 2),
                  type: optional('MetricType', 3),
                  metric: repeated('Metric', 4),
                  unit: optional('string', 5),
                }),
              },
            },
          },
        },
      },
    },
  },
};

const root = Root.fromJSON(DESCRIPTOR);

/** The `io.prometheus.client.MetricFamily` message type. */
export const MetricFamilyType: Type = root.lookupType('io.prometheus.client.MetricFamily');
