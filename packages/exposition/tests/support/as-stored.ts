import type { LabelPair, MetricFamily } from '../../src/types';

/**
 * The families a pushgateway stores for a push of `families` to job=`job`: every metric gets the
 * grouping label (overwriting the body's), `instance=""` when it has none, and its labels sorted
 * by name (upstream's sanitizeLabels). Lets the golden tests render what upstream rendered without
 * depending on the core package.
 */
export function asStored(families: readonly MetricFamily[], job: string): MetricFamily[] {
  return families.map((family) => ({
    ...family,
    metric: family.metric.map((metric) => {
      const label: LabelPair[] = metric.label.filter((pair) => pair.name !== 'job');
      label.push({ name: 'job', value: job });
      if (!label.some((pair) => pair.name === 'instance'))
        label.push({ name: 'instance', value: '' });
      label.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return { ...metric, label };
    }),
  }));
}
