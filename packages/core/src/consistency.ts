/**
 * The cross-group half of upstream's push-time Gather (spec §2.6), answered from a store's
 * indexes in O(size of the push) instead of re-gathering the whole store.
 */
import { bookkeepingFamily, PUSH_FAILURE_TIME_SECONDS, PUSH_TIME_SECONDS } from './bookkeeping';
import { duplicateSeriesError, wrongTypeError } from './gather-errors';
import type { ConsistencyView, PreparedPush } from './model';
import { seriesId } from './prepare-push';
import { suffixCollision } from './suffix-collisions';

/** Outcome of checkAgainstStore. */
export interface ConsistencyResult {
  /** Upstream's error for every conflict with the rest of the store; empty when there is none. */
  errors: string[];
  /**
   * True when the grouping key itself conflicts: the group's bookkeeping gauges would duplicate
   * another group's (`{job="x"}` exists and the push goes to `{job="x",instance=""}`). The store
   * must then not record the failure, because the group it would create is itself invalid and
   * would make every later push and scrape fail, as it does upstream (spec §2.7).
   */
  groupingKeyConflict: boolean;
}

/**
 * Checks a prepared push against the rest of the store (`view` excludes what the write replaces
 * in its own group; for a POST the group's other families are part of it):
 * - a family whose type differs from the type the store has for that name: each pushed series
 *   `is not a <STORED TYPE>` (upstream reports whichever group its map visits first);
 * - suffix collisions with stored families, both directions;
 * - series, the bookkeeping gauges included, that another group already holds.
 * Families without series are not checked (see preparePush). Errors come in the order of
 * `prepared.families`, then the bookkeeping gauges.
 */
export function checkAgainstStore(
  prepared: PreparedPush,
  view: ConsistencyView,
): ConsistencyResult {
  const errors: string[] = [];
  const typeOf = (name: string) => view.familyType(name);
  for (const family of prepared.families) {
    if (family.metric.length === 0) continue;
    const stored = view.familyType(family.name);
    if (stored !== undefined && stored !== family.type) {
      for (const metric of family.metric) errors.push(wrongTypeError(family.name, metric, stored));
      continue;
    }
    const collision = suffixCollision(family.name, family.type, typeOf);
    if (collision !== undefined) {
      errors.push(collision);
      continue;
    }
    for (const metric of family.metric) {
      if (view.seriesOwner(seriesId(family.name, metric.label)) !== undefined) {
        errors.push(duplicateSeriesError(family.name, metric));
      }
    }
  }

  let groupingKeyConflict = false;
  // A conflicting key means the group cannot exist yet, so its failure gauge would be 0.
  for (const [name, value] of [
    [PUSH_TIME_SECONDS, prepared.receivedAt],
    [PUSH_FAILURE_TIME_SECONDS, 0],
  ] as const) {
    const metric = bookkeepingFamily(name, prepared.labels, value).metric[0];
    if (metric !== undefined && view.seriesOwner(seriesId(name, metric.label)) !== undefined) {
      errors.push(duplicateSeriesError(name, metric));
      groupingKeyConflict = true;
    }
  }
  return { errors, groupingKeyConflict };
}

/**
 * Every family name and series id checkAgainstStore may ask the view about, for stores that fetch
 * the answers in one round trip before running the check.
 */
export function consistencyLookups(prepared: PreparedPush): {
  familyNames: string[];
  seriesIds: string[];
} {
  const familyNames = new Set<string>();
  for (const family of prepared.families) {
    if (family.metric.length === 0) continue;
    familyNames.add(family.name);
    for (const suffix of ['_count', '_sum', '_bucket']) {
      familyNames.add(family.name + suffix);
      if (family.name.endsWith(suffix)) familyNames.add(family.name.slice(0, -suffix.length));
    }
  }
  return { familyNames: [...familyNames], seriesIds: [...prepared.index.series] };
}
