/**
 * `GET /api/v1/metrics` reduced to what two gateways fed the same pushes must agree on: groups
 * sorted by their grouping labels (upstream lists them in Go map order, i.e. randomly), every
 * family's `time_stamp` replaced by a marker of its shape, and the bookkeeping gauges' values by
 * `0` / `set`. Everything else is kept as served.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** An RFC 3339 time as Go's time.Time marshals it (nanoseconds, trailing zeros trimmed). */
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)$/;
const PUSH_TIME_FAMILIES = new Set(['push_time_seconds', 'push_failure_time_seconds']);

/** Throws if `body` is not JSON; anything else unexpected is left in place for the diff to show. */
export function normalizeApiMetrics(body: string | Buffer): Json {
  const parsed = JSON.parse(String(body)) as Json;
  if (!isObject(parsed) || !Array.isArray(parsed.data)) return parsed;
  const groups = parsed.data.map(normalizeGroup);
  groups.sort((a, b) => compare(groupKey(a), groupKey(b)));
  return { ...parsed, data: groups };
}

function normalizeGroup(group: Json): Json {
  if (!isObject(group)) return group;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(group)) {
    out[key] = isObject(value) && 'metrics' in value ? normalizeFamily(key, value) : value;
  }
  return out;
}

function normalizeFamily(name: string, family: { [key: string]: Json }): Json {
  const out = { ...family };
  if (typeof out.time_stamp === 'string') {
    out.time_stamp = RFC3339.test(out.time_stamp)
      ? '<rfc3339>'
      : `<not rfc3339: ${out.time_stamp}>`;
  }
  if (PUSH_TIME_FAMILIES.has(name) && Array.isArray(out.metrics)) {
    out.metrics = out.metrics.map((m) =>
      isObject(m) && typeof m.value === 'string'
        ? { ...m, value: m.value === '0' ? '0' : 'set' }
        : m,
    );
  }
  return out;
}

// `labels` is normally the grouping key; a family named `labels` overwrites it (upstream quirk),
// which still gives a stable key.
function groupKey(group: Json): string {
  return isObject(group) ? JSON.stringify(sortKeys(group.labels ?? null)) : JSON.stringify(group);
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort(compare)
      .map((k) => [k, sortKeys(value[k] as Json)]),
  );
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
