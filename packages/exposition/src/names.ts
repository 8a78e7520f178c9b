/** Name rules of the legacy (pre-UTF-8) validation scheme, as in prometheus/common/model. */

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidMetricName(name: string): boolean {
  return METRIC_NAME.test(name);
}

/** Syntactically valid label name (does not reject the reserved `__` prefix). */
export function isValidLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
}

/** Label names starting with `__` are reserved for Prometheus' internal use. */
export function isReservedLabelName(name: string): boolean {
  return name.startsWith('__');
}
