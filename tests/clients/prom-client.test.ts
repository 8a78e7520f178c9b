import type { IncomingMessage } from 'node:http';
import { Counter, Gauge, Histogram, Pushgateway, Registry, Summary } from 'prom-client';
import { expectJobScrape } from './expect-scrape';
import { startGatewayUnderTest, type GatewayUnderTest } from './gateway-under-test';
import { lines, TIMESTAMP } from './scrape';

// prom-client's Pushgateway class, unmodified: text bodies without a Content-Type, grouping values
// through encodeURIComponent, optional gzip via a Content-Encoding header.

const JOB = 'prom_client';
// encodeURIComponent turns these into `host%20a` and `%CE%A0`; the gateway must store them decoded.
const groupings = { instance: 'host a', region: 'Π' };
const grouped = 'instance="host a",job="prom_client",region="Π"';
const ungrouped = 'instance="",job="prom_client"';

function batchRegistry(): Registry {
  const registry = new Registry();
  const requests = new Counter({
    name: 'pc_requests_total',
    help: 'Requests the batch sent.',
    labelNames: ['code'],
    registers: [registry],
  });
  requests.inc({ code: '200' }, 3);
  new Gauge({
    name: 'pc_queue_depth',
    help: 'Items left in the queue.',
    registers: [registry],
  }).set(7);
  const duration = new Histogram({
    name: 'pc_request_duration_seconds',
    help: 'Request latency.',
    buckets: [0.125, 0.5, 1],
    registers: [registry],
  });
  for (const v of [0.0625, 0.25, 0.75, 2]) duration.observe(v);
  const payload = new Summary({
    name: 'pc_payload_bytes',
    help: 'Payload size.',
    percentiles: [0.5, 0.9],
    registers: [registry],
  });
  for (const v of [100, 200, 300]) payload.observe(v);
  return registry;
}

function queueDepthRegistry(depth: number): Registry {
  const registry = new Registry();
  new Gauge({
    name: 'pc_queue_depth',
    help: 'Items left in the queue.',
    registers: [registry],
  }).set(depth);
  return registry;
}

function bookkeeping(...groups: string[]): string {
  return `
    # HELP push_failure_time_seconds Last Unix time when changing this group in the Pushgateway failed.
    # TYPE push_failure_time_seconds gauge
    ${groups.map((g) => `push_failure_time_seconds{${g}} 0`).join('\n')}
    # HELP push_time_seconds Last Unix time when changing this group in the Pushgateway succeeded.
    # TYPE push_time_seconds gauge
    ${groups.map((g) => `push_time_seconds{${g}} ${TIMESTAMP}`).join('\n')}
  `;
}

function fullBatch(queueDepth: number): string {
  return `
    # HELP pc_payload_bytes Payload size.
    # TYPE pc_payload_bytes summary
    pc_payload_bytes{${grouped},quantile="0.5"} 200
    pc_payload_bytes{${grouped},quantile="0.9"} 300
    pc_payload_bytes_sum{${grouped}} 600
    pc_payload_bytes_count{${grouped}} 3
    # HELP pc_queue_depth Items left in the queue.
    # TYPE pc_queue_depth gauge
    pc_queue_depth{${ungrouped}} 1
    pc_queue_depth{${grouped}} ${queueDepth}
    # HELP pc_request_duration_seconds Request latency.
    # TYPE pc_request_duration_seconds histogram
    pc_request_duration_seconds_bucket{${grouped},le="0.125"} 1
    pc_request_duration_seconds_bucket{${grouped},le="0.5"} 2
    pc_request_duration_seconds_bucket{${grouped},le="1"} 3
    pc_request_duration_seconds_bucket{${grouped},le="+Inf"} 4
    pc_request_duration_seconds_sum{${grouped}} 3.0625
    pc_request_duration_seconds_count{${grouped}} 4
    # HELP pc_requests_total Requests the batch sent.
    # TYPE pc_requests_total counter
    pc_requests_total{code="200",${grouped}} 3
    ${bookkeeping(ungrouped, grouped)}
  `;
}

function statusOf(result: { resp?: unknown }): number | undefined {
  return (result.resp as IncomingMessage | undefined)?.statusCode;
}

describe('prom-client Pushgateway', () => {
  let gw: GatewayUnderTest;
  beforeAll(async () => {
    gw = await startGatewayUnderTest();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  // One walk through a batch job's life; each step builds on the group state the previous left.
  const steps: Array<[string, () => Promise<{ resp?: unknown }>, number, string]> = [
    [
      'push (PUT) without groupings',
      () => new Pushgateway(gw.url, {}, queueDepthRegistry(1)).push({ jobName: JOB }),
      200,
      `
        # HELP pc_queue_depth Items left in the queue.
        # TYPE pc_queue_depth gauge
        pc_queue_depth{${ungrouped}} 1
        ${bookkeeping(ungrouped)}
      `,
    ],
    [
      'push (PUT) with groupings that need percent-encoding',
      () => new Pushgateway(gw.url, {}, batchRegistry()).push({ jobName: JOB, groupings }),
      200,
      fullBatch(7),
    ],
    [
      'pushAdd (POST) replaces only the pushed family',
      () => new Pushgateway(gw.url, {}, queueDepthRegistry(3)).pushAdd({ jobName: JOB, groupings }),
      200,
      fullBatch(3),
    ],
    [
      'push (PUT) with a gzip body replaces the whole group',
      () =>
        new Pushgateway(
          gw.url,
          { headers: { 'Content-Encoding': 'gzip' } },
          queueDepthRegistry(5),
        ).push({
          jobName: JOB,
          groupings,
        }),
      200,
      `
        # HELP pc_queue_depth Items left in the queue.
        # TYPE pc_queue_depth gauge
        pc_queue_depth{${ungrouped}} 1
        pc_queue_depth{${grouped}} 5
        ${bookkeeping(ungrouped, grouped)}
      `,
    ],
    [
      'delete removes exactly that grouping key',
      () => new Pushgateway(gw.url, {}, new Registry()).delete({ jobName: JOB, groupings }),
      202,
      `
        # HELP pc_queue_depth Items left in the queue.
        # TYPE pc_queue_depth gauge
        pc_queue_depth{${ungrouped}} 1
        ${bookkeeping(ungrouped)}
      `,
    ],
    [
      'delete of the job-only group',
      () => new Pushgateway(gw.url, {}, new Registry()).delete({ jobName: JOB }),
      202,
      '',
    ],
  ];

  test.each(steps)('%s', async (name, act, status, expected) => {
    // prom-client rejects on any status >= 400, so resolving is already the client's verdict.
    expect(statusOf(await act())).toBe(status);
    await expectJobScrape(gw.url, JOB, lines(expected), { eventually: name.startsWith('delete') });
  });
});
