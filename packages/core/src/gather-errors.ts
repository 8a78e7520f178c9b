/**
 * The error texts of client_golang's Gather (v1.14, which upstream 1.5.1 runs at push time), so a
 * rejected push reads as upstream's would. Series are dumped the way golang/protobuf's compact
 * text marshaller prints a Metric (`label:<name:"job" value:"x" > gauge:<value:1 > `); that
 * layout varies between Go protobuf versions, so clients should only rely on the text around it.
 */
import { renderProtoText, type Metric, type MetricType } from '@pushgate/exposition';
import { goQuote } from './go-quote';

/** The whole error of a push whose series carry a timestamp (no other check runs then). */
export const TIMESTAMP_ERROR = 'pushed metrics must not have timestamps';

/** `collected metric "name" { <dump>} <problem>`, the shape of every per-series error. */
export function metricError(family: string, metric: Metric, problem: string): string {
  return `collected metric ${goQuote(family)} { ${describeMetric(metric)}} ${problem}`;
}

export function duplicateSeriesError(family: string, metric: Metric): string {
  return metricError(family, metric, 'was collected before with the same name and label values');
}

export function wrongTypeError(family: string, metric: Metric, type: MetricType): string {
  return metricError(family, metric, `is not a ${type}`);
}

/** A pushed family contradicting one of the gateway's own families in type. */
export function reservedTypeError(family: string, type: MetricType, reserved: MetricType): string {
  return `gathered metric family ${family} has type ${type} but should have ${reserved}`;
}

/**
 * A family whose name is not a valid metric name (Pushgate extension; reachable through protobuf
 * only). Worded as newer client_golang versions word it.
 */
export function invalidMetricNameError(family: string): string {
  return `${goQuote(family)} is not a valid metric name`;
}

/** A pushed family contradicting one of the gateway's own families in HELP. */
export function reservedHelpError(family: string, help: string, reserved: string): string {
  return `gathered metric family ${family} has help ${goQuote(help)} but should have ${goQuote(reserved)}`;
}

// renderProtoText writes a family as `name:"" type:UNTYPED metric:<...> \n`; the metric is the
// part between the fixed prefix and the closing `> \n`.
const DUMP_PREFIX = 'name:"" type:UNTYPED metric:<';
const DUMP_SUFFIX = '> \n';

/** A series in golang/protobuf's compact text format, with its trailing space. */
export function describeMetric(metric: Metric): string {
  const text = renderProtoText([{ name: '', type: 'UNTYPED', metric: [metric] }], true);
  return text.slice(DUMP_PREFIX.length, text.length - DUMP_SUFFIX.length);
}
