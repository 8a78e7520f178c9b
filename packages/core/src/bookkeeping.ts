/**
 * How a write changes a group (spec §1.4, §2.7): the PUT/POST semantics and the two bookkeeping
 * gauges every group carries. Pure: the input group is never mutated, and the returned group
 * shares the StoredFamily objects it did not change.
 */
import type { MetricFamily } from '@pushgate/exposition';
import { copyFamilies, getFamily, newFamilies } from './group';
import type { GroupingLabels, MetricGroup, PreparedPush, StoredFamily } from './model';
import { bookkeepingLabels } from './sanitize';

/** Gauge holding the Unix time of the group's last successful write (0: never). */
export const PUSH_TIME_SECONDS = 'push_time_seconds';
/** Gauge holding the Unix time of the group's last failed write (0: never). */
export const PUSH_FAILURE_TIME_SECONDS = 'push_failure_time_seconds';

/** Upstream's HELP texts of the bookkeeping gauges. */
export const PUSH_TIME_SECONDS_HELP =
  'Last Unix time when changing this group in the Pushgateway succeeded.';
export const PUSH_FAILURE_TIME_SECONDS_HELP =
  'Last Unix time when changing this group in the Pushgateway failed.';

/** True for the names of the two bookkeeping gauges, which a push body can never set. */
export function isBookkeepingFamily(name: string): boolean {
  return name === PUSH_TIME_SECONDS || name === PUSH_FAILURE_TIME_SECONDS;
}

/** One bookkeeping gauge family of the group `labels`, holding `value`. */
export function bookkeepingFamily(
  name: typeof PUSH_TIME_SECONDS | typeof PUSH_FAILURE_TIME_SECONDS,
  labels: GroupingLabels,
  value: number,
): MetricFamily {
  return {
    name,
    help: name === PUSH_TIME_SECONDS ? PUSH_TIME_SECONDS_HELP : PUSH_FAILURE_TIME_SECONDS_HELP,
    type: 'GAUGE',
    metric: [{ label: bookkeepingLabels(labels), gauge: { value } }],
  };
}

/**
 * Applies an accepted push. PUT ('replace') drops every family but the bookkeeping gauges; POST
 * ('merge') replaces only the families named in the push (a pushed family without series replaces
 * the stored one too). Written families get `receivedAt` as their timestamp;
 * push_time_seconds is set to receivedAt; push_failure_time_seconds is created as 0 when missing
 * and otherwise kept as it is, value and timestamp (an old failure is never reset).
 */
export function applyPush(group: MetricGroup | undefined, prepared: PreparedPush): MetricGroup {
  const { labels, receivedAt } = prepared;
  const families =
    group !== undefined && prepared.mode === 'merge' ? copyFamilies(group.families) : newFamilies();
  for (const family of prepared.families) families[family.name] = { family, timestamp: receivedAt };
  families[PUSH_TIME_SECONDS] = stored(
    bookkeepingFamily(PUSH_TIME_SECONDS, labels, receivedAt),
    receivedAt,
  );
  families[PUSH_FAILURE_TIME_SECONDS] =
    getFamily(group, PUSH_FAILURE_TIME_SECONDS) ??
    stored(bookkeepingFamily(PUSH_FAILURE_TIME_SECONDS, labels, 0), receivedAt);
  return { labels: group?.labels ?? labels, families };
}

/**
 * Records a rejected push (spec §2.7): push_failure_time_seconds = receivedAt; a missing group is
 * created holding only the two gauges, push_time_seconds then being 0; metrics are untouched.
 * Callers must not record a failure whose cause is the grouping key itself (see
 * checkAgainstStore), or the group created here would collide with another one.
 */
export function applyFailure(
  group: MetricGroup | undefined,
  labels: GroupingLabels,
  receivedAt: number,
): MetricGroup {
  const families = group !== undefined ? copyFamilies(group.families) : newFamilies();
  families[PUSH_FAILURE_TIME_SECONDS] = stored(
    bookkeepingFamily(PUSH_FAILURE_TIME_SECONDS, labels, receivedAt),
    receivedAt,
  );
  families[PUSH_TIME_SECONDS] =
    getFamily(group, PUSH_TIME_SECONDS) ??
    stored(bookkeepingFamily(PUSH_TIME_SECONDS, labels, 0), receivedAt);
  return { labels: group?.labels ?? labels, families };
}

/**
 * `last_push_successful` of the API and UI, as upstream computes it: false only when the failure
 * gauge's value is larger than the success gauge's; true if either is missing.
 */
export function lastPushSuccessful(group: MetricGroup): boolean {
  const failure = getFamily(group, PUSH_FAILURE_TIME_SECONDS);
  const success = getFamily(group, PUSH_TIME_SECONDS);
  if (failure === undefined || success === undefined) return true;
  return gaugeValue(failure) <= gaugeValue(success);
}

function gaugeValue(stored: StoredFamily): number {
  return stored.family.metric[0]?.gauge?.value ?? 0;
}

function stored(family: MetricFamily, timestamp: number): StoredFamily {
  return { family, timestamp };
}
