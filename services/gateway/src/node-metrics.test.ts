import { loadConfig } from './config';
import { createGateway } from './gateway';
import { startTestGateway, type TestGateway } from './testing/harness';

const OWN =
  /^# TYPE (pushgateway_build_info|process_cpu_seconds_total|nodejs_heap_size_total_bytes) /gm;

describe('own metrics in single-node mode', () => {
  let t: TestGateway | undefined;
  afterEach(() => t?.close());

  it('are merged into /metrics, as upstream does, with no node-metrics listener', async () => {
    t = await startTestGateway();
    const scrape = await t.raw('GET', '/metrics');
    expect(scrape.text.match(OWN)).toHaveLength(3);
    expect(scrape.text).not.toContain('pushgate_');
    expect(t.gw.nodeMetricsAddress).toBeUndefined();
  });

  it('are also served on the node-metrics listener when one is asked for', async () => {
    t = await startTestGateway(['--web.node-metrics-address=127.0.0.1:0']);
    const address = t.gw.nodeMetricsAddress;
    expect(address).toBeDefined();
    const scrape = await t.raw('GET', '/metrics');
    expect(scrape.text.match(OWN)).toHaveLength(3);
    const own = await fetch(`${address?.url}/metrics`);
    expect(own.status).toBe(200);
    const text = await own.text();
    expect(text.match(OWN)).toHaveLength(3);
    // Pushgate's operational metrics are on the node listener only.
    expect(text).toContain('\npushgate_store_up 1\n');
    expect(text).toMatch(/^pushgate_scrape_cache_refreshes_total\{result="\w+"\} [1-9]/m);
    expect((await fetch(`${address?.url}/other`)).status).toBe(404);
    expect((await fetch(`${address?.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('fail the start when the node-metrics address is taken', async () => {
    t = await startTestGateway(['--web.node-metrics-address=127.0.0.1:0']);
    const taken = t.gw.nodeMetricsAddress?.port;
    const config = loadConfig([
      '--web.listen-address=127.0.0.1:0',
      `--web.node-metrics-address=127.0.0.1:${taken}`,
      '--log.level=error',
    ]);
    const gw = await createGateway(config);
    await expect(gw.listen()).rejects.toThrow(
      /cannot listen on --web\.node-metrics-address 127\.0\.0\.1:\d+: .*EADDRINUSE/,
    );
    await gw.close();
  });
});
