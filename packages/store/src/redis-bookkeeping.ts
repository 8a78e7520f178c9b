import {
  applyFailure,
  PUSH_FAILURE_TIME_SECONDS,
  PUSH_TIME_SECONDS,
  type StoredFamily,
} from '@pushgate/core';
import type { MetricFamily } from '@pushgate/exposition';
import type { GroupMeta } from './redis-codec';

/**
 * A group's two bookkeeping gauges, rebuilt from the values and write times its metadata keeps.
 * The families themselves (HELP, labels) come from core, via applyFailure on an empty group,
 * which yields both gauges for the group's labels; only value and timestamp are set here.
 */
export function bookkeepingFamilies(meta: GroupMeta): Record<string, StoredFamily> {
  const template = applyFailure(undefined, meta.labels, 0).families;
  return {
    [PUSH_TIME_SECONDS]: withValue(template[PUSH_TIME_SECONDS], meta.pushValue, meta.pushTime),
    [PUSH_FAILURE_TIME_SECONDS]: withValue(
      template[PUSH_FAILURE_TIME_SECONDS],
      meta.failureValue,
      meta.failureTime,
    ),
  };
}

function withValue(
  stored: StoredFamily | undefined,
  value: number,
  timestamp: number,
): StoredFamily {
  const family = stored?.family as MetricFamily;
  return {
    family: { ...family, metric: family.metric.map((m) => ({ ...m, gauge: { value } })) },
    timestamp,
  };
}
