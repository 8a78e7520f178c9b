import { type GroupingLabels, parseGroupingKey } from '@pushgate/core';
import type { Params } from '../routing/route-pattern';

/** The grouping key of a routed push path (`:job` and the `*labels` rest); throws GroupingKeyError. */
export function groupingKeyFromPath(params: Params, jobBase64: boolean): GroupingLabels {
  return parseGroupingKey(params.job ?? '', jobBase64, params.labels ?? '');
}
