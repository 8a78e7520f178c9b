/**
 * The part of upstream's push-time check that needs no store (spec §2.6): timestamps, sanitising,
 * and what Gather would find inside the push itself or against the gateway's own families.
 * Everything here is O(size of the push).
 */
import {
  isValidMetricName,
  type LabelPair,
  type Metric,
  type MetricFamily,
  type MetricType,
} from '@pushgate/exposition';
import {
  bookkeepingFamily,
  isBookkeepingFamily,
  PUSH_FAILURE_TIME_SECONDS,
  PUSH_TIME_SECONDS,
} from './bookkeeping';
import { compareByteOrder } from './bytes';
import {
  duplicateSeriesError,
  invalidMetricNameError,
  metricError,
  reservedHelpError,
  reservedTypeError,
  TIMESTAMP_ERROR,
} from './gather-errors';
import { groupId } from './grouping-key';
import type { PreparedPush, PushIndex, PushRequest, ReservedFamilies } from './model';
import { Sanitizer } from './sanitize';
import { seriesProblem } from './series-checks';
import { suffixCollision } from './suffix-collisions';

/**
 * The identity of a series across the whole store: family name plus label pairs, which must be
 * sorted by name (sanitised series are). Two series are duplicates exactly when their ids are
 * equal; `a{}` and `a{x=""}` differ. The encoding is a JSON array, hence injective.
 */
export function seriesId(familyName: string, sortedLabels: readonly LabelPair[]): string {
  const parts: string[] = [familyName];
  for (const pair of sortedLabels) parts.push(pair.name, pair.value);
  return JSON.stringify(parts);
}

/**
 * Runs the store-independent rules on a push and computes what the cross-group check needs.
 *
 * - Families named like the bookkeeping gauges are dropped (the gateway's own always win); of
 *   several families with one name the last wins, as in upstream's map.
 * - Any series with a timestamp: the only error is `pushed metrics must not have timestamps`
 *   (upstream checks nothing else then) and `families` is empty.
 * - Otherwise families are sanitised and sorted by name, and checked as Gather would, family by
 *   family: against the reserved families (HELP, unless upstream rewrites it, then type), else
 *   for suffix collisions with the reserved families and the push's earlier families; then each
 *   series (value kind, label names, quantile label, UTF-8, duplicates within the push).
 *
 * Families without series take part in no check and in no index: they can never be rendered, so
 * they cannot make a scrape invalid. They are still stored, so a POST can clear a family.
 */
export function preparePush(request: PushRequest, reserved: ReservedFamilies): PreparedPush {
  const { labels, mode, receivedAt } = request;
  const byName = new Map<string, MetricFamily>();
  for (const family of request.families) {
    if (!isBookkeepingFamily(family.name)) byName.set(family.name, family);
  }
  const pushed = [...byName.values()].sort((a, b) => compareByteOrder(a.name, b.name));
  const replacedFamilies = mode === 'merge' ? pushed.map((family) => family.name) : undefined;
  const base = { labels, groupId: groupId(labels), mode, receivedAt };

  if (pushed.some(hasTimestamp)) {
    return {
      ...base,
      families: [],
      errors: [TIMESTAMP_ERROR],
      index: bookkeepingIndex(request, replacedFamilies),
    };
  }

  const sanitizer = new Sanitizer(labels);
  const families = pushed.map((family) => sanitizer.family(family));
  const index = bookkeepingIndex(request, replacedFamilies);
  const errors = checkPush(families, reserved, index);
  return { ...base, families, errors, index };
}

function hasTimestamp(family: MetricFamily): boolean {
  return family.metric.some((metric: Metric) => metric.timestampMs !== undefined);
}

/**
 * Gather's checks within the push, in Gather's order for one gatherer after the gateway's own.
 * Also appends every non-empty family and every series id to `index`.
 */
function checkPush(
  families: readonly MetricFamily[],
  reserved: ReservedFamilies,
  index: MutableIndex,
): string[] {
  const errors: string[] = [];
  const collected = new Map<string, MetricType>();
  const typeOf = (name: string): MetricType | undefined =>
    collected.get(name) ?? reserved.get(name)?.type;
  const seen = new Set<string>();

  for (const family of families) {
    if (family.metric.length === 0) continue;
    index.families.push({ name: family.name, type: family.type });
    const problem = familyProblem(family, reserved, typeOf);
    if (problem !== undefined) errors.push(problem);
    else if (!reserved.has(family.name)) collected.set(family.name, family.type);
    for (const metric of family.metric) {
      const id = seriesId(family.name, metric.label);
      index.series.push(id);
      if (problem !== undefined) continue;
      const seriesError = seriesProblem(family.type, metric);
      if (seriesError !== undefined) {
        errors.push(metricError(family.name, metric, seriesError));
      } else if (seen.has(id)) {
        errors.push(duplicateSeriesError(family.name, metric));
      } else {
        seen.add(id);
      }
    }
  }
  return errors;
}

/** A problem of the family as a whole; Gather then skips its series. */
function familyProblem(
  family: MetricFamily,
  reserved: ReservedFamilies,
  typeOf: (name: string) => MetricType | undefined,
): string | undefined {
  // Pushgate extension: protobuf pushes bypass the text parser's name check, and upstream 1.5.1
  // then emits the name verbatim, producing a scrape Prometheus cannot parse.
  if (!isValidMetricName(family.name)) return invalidMetricNameError(family.name);
  const own = reserved.get(family.name);
  if (own === undefined) return suffixCollision(family.name, family.type, typeOf);
  // Upstream rewrites the HELP of families it had at startup before Gather compares it.
  if (!own.presentAtStartup && (family.help ?? '') !== own.help) {
    return reservedHelpError(family.name, family.help ?? '', own.help);
  }
  if (family.type !== own.type) return reservedTypeError(family.name, family.type, own.type);
  return undefined;
}

interface MutableIndex extends PushIndex {
  families: Array<{ name: string; type: MetricType }>;
  series: string[];
}

/** The index of the bookkeeping gauges, which every write leaves in its group. */
function bookkeepingIndex(
  request: PushRequest,
  replacedFamilies: readonly string[] | undefined,
): MutableIndex {
  const index: MutableIndex = { families: [], series: [] };
  if (replacedFamilies !== undefined) index.replacedFamilies = replacedFamilies;
  for (const name of [PUSH_TIME_SECONDS, PUSH_FAILURE_TIME_SECONDS] as const) {
    const family = bookkeepingFamily(name, request.labels, 0);
    index.families.push({ name, type: family.type });
    for (const metric of family.metric) index.series.push(seriesId(name, metric.label));
  }
  return index;
}
