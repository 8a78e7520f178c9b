/**
 * Delimited protobuf cost at the scrape design target (1.25 M series: 25 families × 50k) and for a
 * typical large push (one family of 10k histograms). Run:
 * node packages/exposition/tests/bench/run.js packages/exposition/tests/bench/protobuf.bench.ts
 */
import { decodeDelimited, encodeDelimited } from '../../src/protobuf';
import type { MetricFamily } from '../../src/types';

function gauges(groups: number, families: number): MetricFamily[] {
  const out: MetricFamily[] = [];
  for (let f = 0; f < families; f++) {
    const metric = [];
    for (let g = 0; g < groups; g++) {
      const label = [
        { name: 'instance', value: `host-${g % 97}.example.com:9100` },
        { name: 'job', value: `batch-job-${g}` },
      ];
      metric.push({ label, gauge: { value: (g * 1.37) / (f + 1) } });
    }
    out.push({ name: `app_metric_${f}`, help: `Help text of metric ${f}.`, type: 'GAUGE', metric });
  }
  return out;
}

function histograms(count: number): MetricFamily[] {
  const bounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  const metric = [];
  for (let i = 0; i < count; i++) {
    metric.push({
      label: [{ name: 'path', value: `/api/v1/resource/${i}` }],
      histogram: {
        sampleCount: 1000 + i,
        sampleSum: i * 0.37,
        bucket: bounds.map((upperBound, b) => ({ upperBound, cumulativeCount: i + b * 10 })),
      },
    });
  }
  return [{ name: 'http_request_duration_seconds', help: 'Latency.', type: 'HISTOGRAM', metric }];
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

for (const [name, families] of [
  ['1.25 M gauges', gauges(50_000, 25)],
  ['10k histograms (11 buckets)', histograms(10_000)],
] as const) {
  for (let run = 1; run <= 3; run++) {
    console.log(`${name}, run ${run}`);
    const body = time('  encodeDelimited', () => encodeDelimited(families));
    time('  decodeDelimited', () => decodeDelimited(body));
    console.log(`  ${(body.length / 1e6).toFixed(1)} MB`);
  }
}
