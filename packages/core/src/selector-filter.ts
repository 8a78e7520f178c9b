import type { LabelPair, MetricFamily, MetricType } from '@pushgate/exposition';
import { METRIC_NAME_LABEL, type SeriesSelector } from './selector';
import type { LabelMatcher } from './selector-matcher';

/**
 * The sample names a family's series are stored under in Prometheus. Prometheus' /federate
 * matches `__name__` against those, so `x_bucket` selects histogram `x` there; a user copying a
 * federation config expects the same here. `x` itself is included for summaries and histograms
 * too (it is the quantile series of a summary, and the series name of a native histogram).
 */
function sampleNames(name: string, type: MetricType): readonly string[] {
  switch (type) {
    case 'SUMMARY':
      return [name, `${name}_sum`, `${name}_count`];
    case 'HISTOGRAM':
    case 'GAUGE_HISTOGRAM':
      return [name, `${name}_bucket`, `${name}_sum`, `${name}_count`];
    default:
      return [name];
  }
}

/** A selector split into what depends on the family (its name) and what on the series. */
interface PreparedSelector {
  nameMatchers: readonly LabelMatcher[];
  labelMatchers: readonly LabelMatcher[];
}

function prepare(selector: SeriesSelector): PreparedSelector {
  return {
    nameMatchers: selector.matchers.filter((m) => m.name === METRIC_NAME_LABEL),
    labelMatchers: selector.matchers.filter((m) => m.name !== METRIC_NAME_LABEL),
  };
}

function labelValue(labels: readonly LabelPair[], name: string): string {
  for (const l of labels) if (l.name === name) return l.value;
  return '';
}

/**
 * Keeps the series selected by at least one selector, as /federate does with several
 * `match[]`. A family keeps only its selected series and is dropped when none is left; order,
 * TYPE and HELP are unchanged. No selector selects nothing (the caller decides whether an absent
 * `match[]` means "everything").
 *
 * A summary or histogram series is kept or dropped whole: it is one series of the exposition
 * model, even though Prometheus stores its `_bucket`/`_sum`/`_count` samples separately. So
 * `__name__` matches if any of its sample names matches (see sampleNames), with every
 * `__name__` matcher of a selector holding for the same name; `le` and `quantile` are not labels
 * of the series here, so matchers on them see `''`.
 *
 * Returns new family objects; the series (Metric objects) are shared with the input.
 */
export function filterFamilies(
  families: readonly MetricFamily[],
  selectors: readonly SeriesSelector[],
): MetricFamily[] {
  const prepared = selectors.map(prepare);
  const out: MetricFamily[] = [];
  for (const family of families) {
    const names = sampleNames(family.name, family.type);
    const applicable = prepared.filter((s) =>
      names.some((n) => s.nameMatchers.every((m) => m.matches(n))),
    );
    if (applicable.length === 0) continue;
    const metric = family.metric.filter((series) =>
      applicable.some((s) =>
        s.labelMatchers.every((m) => m.matches(labelValue(series.label, m.name))),
      ),
    );
    if (metric.length > 0) out.push({ ...family, metric });
  }
  return out;
}
