/**
 * Scrape rendering cost at the design target: 50k groups × 25 series = 1.25 M series, normalised
 * (sorted) and rendered to text. Run: node packages/exposition/tests/bench/run.js <this file>
 */
import { normalizeFamilies } from '../../src/normalize';
import { renderText } from '../../src/render-text';
import type { MetricFamily } from '../../src/types';

const GROUPS = 50_000;
const FAMILIES = 25;

function build(): MetricFamily[] {
  const families: MetricFamily[] = [];
  for (let f = 0; f < FAMILIES; f++) {
    const type = f % 5 === 0 ? 'COUNTER' : 'GAUGE';
    const metric = [];
    for (let g = 0; g < GROUPS; g++) {
      const label = [
        { name: 'instance', value: `host-${g % 97}.example.com:9100` },
        { name: 'job', value: `batch-job-${g}` },
      ];
      const value = type === 'COUNTER' ? g * 17 + f : (g * 1.37) / (f + 1);
      metric.push(type === 'COUNTER' ? { label, counter: { value } } : { label, gauge: { value } });
    }
    families.push({
      name: `app_metric_${f}_total`,
      help: `Help text of metric ${f}.`,
      type,
      metric,
    });
  }
  return families.reverse();
}

/** Wall time, and CPU time of this process (less distorted on a shared machine). */
function time<T>(what: string, fn: () => T): T {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = fn();
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  console.log(
    `${what}: ${wall.toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms cpu`,
  );
  return result;
}

const families = build();
for (let run = 1; run <= 3; run++) {
  console.log(`run ${run}`);
  const sorted = time('  normalizeFamilies', () => normalizeFamilies(families));
  const text = time('  renderText', () => renderText(sorted));
  time('  Buffer.from(text)', () => Buffer.from(text));
  console.log(`  ${text.length} chars, ${GROUPS * FAMILIES} series`);
}
