/**
 * The scrape merge (spec §3.1): all groups' families of one name become one family, in the order
 * every node produces for the same data.
 */
import {
  normalizeFamilies,
  type LabelPair,
  type Metric,
  type MetricFamily,
} from '@pushgate/exposition';
import type { MetricGroup, ReservedFamilies } from './model';
import { UPSTREAM_OWN_FAMILIES } from './reserved-families';
import { hasValueFor } from './series-checks';
import { suffixCollision } from './suffix-collisions';

/**
 * Merges stored groups (and optionally the gateway's own families) into the families of a scrape:
 * each family's series concatenated across groups, families sorted by name, series in Go's
 * order, families without series dropped.
 *
 * TYPE and HELP: the own family of that name if there is one, else the first group in the given
 * order (callers pass groups ordered by groupId, as stores return them) that has the family with
 * series. Upstream picks whichever group its map visits first, so its HELP flips between scrapes;
 * a fixed winner is a deterministic choice within what upstream allows. Pushed families named
 * like a reserved family the gateway had at startup get the reserved HELP, as upstream does.
 *
 * The stores never hold inconsistent data, but the scrape must be valid even if they somehow do,
 * so instead of failing the scrape (upstream answers 500) conflicting data is dropped: series
 * whose family has another type or whose value field does not match it, families colliding with
 * an earlier family's `_count`/`_sum`/`_bucket` names, and repeated series (the first is kept).
 *
 * Cost is O(series · log series) for the sort; nothing is copied but the family shells.
 */
export function mergeGroups(
  groups: readonly MetricGroup[],
  ownFamilies: readonly MetricFamily[] = [],
  reserved: ReservedFamilies = UPSTREAM_OWN_FAMILIES,
): MetricFamily[] {
  const merged = new Map<string, MetricFamily>();
  const append = (family: MetricFamily, help: string | undefined): void => {
    if (family.metric.length === 0) return;
    let target = merged.get(family.name);
    if (target === undefined) {
      target = { name: family.name, type: family.type, metric: [] };
      if (help !== undefined) target.help = help;
      merged.set(family.name, target);
    } else if (target.type !== family.type) {
      return;
    }
    const type = target.type;
    for (const metric of family.metric) if (hasValueFor(type, metric)) target.metric.push(metric);
  };

  for (const family of ownFamilies) append(family, family.help);
  const ownNames = new Set(merged.keys());
  for (const group of groups) {
    for (const name of Object.keys(group.families)) {
      const { family } = group.families[name] as { family: MetricFamily };
      const own = reserved.get(name);
      append(family, own?.presentAtStartup ? own.help : family.help);
    }
  }

  const accepted = new Map<string, MetricFamily>();
  const typeOf = (name: string) => accepted.get(name)?.type;
  // The gateway's own families are taken first, so a pushed family is what gives way.
  const ordered = normalizeFamilies([...merged.values()]);
  const own = ordered.filter((family) => ownNames.has(family.name));
  const pushed = ordered.filter((family) => !ownNames.has(family.name));
  for (const family of [...own, ...pushed]) {
    if (suffixCollision(family.name, family.type, typeOf) === undefined)
      accepted.set(family.name, family);
  }
  return ordered
    .filter((family) => accepted.has(family.name))
    .map((family) => ({ ...family, metric: withoutRepeats(family.metric) }));
}

/**
 * Drops series whose label set equals their predecessor's: the sort puts equal label sets next to
 * each other (stored series carry no timestamps). Comparing pairs by identity is much cheaper than
 * re-running the sort's comparison.
 */
function withoutRepeats(sorted: Metric[]): Metric[] {
  let repeats = false;
  for (let i = 1; i < sorted.length && !repeats; i++)
    repeats = sameLabels(sorted[i - 1] as Metric, sorted[i] as Metric);
  if (!repeats) return sorted;
  return sorted.filter((metric, i) => i === 0 || !sameLabels(sorted[i - 1] as Metric, metric));
}

function sameLabels(a: Metric, b: Metric): boolean {
  if (a.label.length !== b.label.length) return false;
  for (let i = a.label.length - 1; i >= 0; i--) {
    const x = a.label[i] as LabelPair;
    const y = b.label[i] as LabelPair;
    if (x.value !== y.value || x.name !== y.name) return false;
  }
  return true;
}
