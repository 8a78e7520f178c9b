/**
 * upstream sanitizeLabels (spec §2.5): every pushed series carries the grouping labels, which
 * overwrite body labels of the same name, `instance=""` when it has no instance label at all, and
 * its label pairs sorted by name.
 */
import type { LabelPair, Metric, MetricFamily } from '@pushgate/exposition';
import { compareByteOrder } from './bytes';
import type { GroupingLabels } from './model';

const INSTANCE = 'instance';

/** Sanitises every series of the families for one grouping key. Inputs are not mutated. */
export class Sanitizer {
  private readonly grouping: ReadonlyMap<string, string>;

  constructor(labels: GroupingLabels) {
    this.grouping = new Map(Object.entries(labels));
  }

  family(family: MetricFamily): MetricFamily {
    return { ...family, metric: family.metric.map((metric) => this.metric(metric)) };
  }

  metric(metric: Metric): Metric {
    return { ...metric, label: this.labels(metric.label) };
  }

  /**
   * As upstream: only the first body pair of a grouping label's name is overwritten (a second one
   * survives and the push then fails the duplicate-label-name check).
   */
  labels(body: readonly LabelPair[]): LabelPair[] {
    const out: LabelPair[] = [];
    let overwritten: Set<string> | undefined;
    let hasInstance = false;
    for (const pair of body) {
      const grouping = this.grouping.get(pair.name);
      if (grouping !== undefined && !overwritten?.has(pair.name)) {
        (overwritten ??= new Set()).add(pair.name);
        out.push({ name: pair.name, value: grouping });
      } else {
        out.push({ name: pair.name, value: pair.value });
      }
      if (pair.name === INSTANCE) hasInstance = true;
    }
    for (const [name, value] of this.grouping) {
      if (overwritten?.has(name)) continue;
      out.push({ name, value });
      if (name === INSTANCE) hasInstance = true;
    }
    if (!hasInstance) out.push({ name: INSTANCE, value: '' });
    return out.sort(compareLabelNames);
  }
}

/** The labels of a group's bookkeeping gauges: grouping labels, `instance=""` if absent, sorted. */
export function bookkeepingLabels(labels: GroupingLabels): LabelPair[] {
  return new Sanitizer(labels).labels([]);
}

function compareLabelNames(a: LabelPair, b: LabelPair): number {
  return compareByteOrder(a.name, b.name);
}
