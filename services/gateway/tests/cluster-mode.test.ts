/**
 * Cluster mode with a real redis-server (spawned here): two gateway nodes in this process share
 * one Redis, as nodes behind nginx do. Any node serves the whole scrape, byte for byte the same,
 * and each node's scrape cache follows what the other node writes. The nodes' own metrics are on
 * their node-metrics listeners only. Redis going away and coming back needs no restart.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { mergeGroups, UPSTREAM_OWN_FAMILIES } from '@pushgate/core';
import { renderText } from '@pushgate/exposition';
import { spawnRedis, type SpawnedRedis } from '../../../tests/support/redis-server';
import { waitFor } from '../../../tests/support/wait-for';
import { loadConfig } from '../src/config';
import { createGateway, type Gateway } from '../src/gateway';
import { createLogger } from '../src/logger';
import { rawRequest, type RawResponse } from '../src/testing/harness';

interface Node {
  gw: Gateway;
  url: string;
  nodeMetricsUrl: string;
}

const silent = createLogger({
  level: 'silent',
  format: 'json',
  destination: new Writable({ write: (_c, _e, done) => done() }),
});

async function startNode(redisUrl: string, prefix: string, extra: string[] = []): Promise<Node> {
  const config = loadConfig([
    '--web.listen-address=127.0.0.1:0',
    '--web.node-metrics-address=127.0.0.1:0',
    `--redis.url=${redisUrl}`,
    `--redis.key-prefix=${prefix}`,
    '--web.enable-admin-api',
    ...extra,
  ]);
  const gw = await createGateway(config, { logger: silent });
  const { url } = await gw.listen();
  return { gw, url, nodeMetricsUrl: (gw.nodeMetricsAddress as { url: string }).url };
}

const request = (
  base: string,
  method: string,
  path: string,
  body?: string,
  headers?: Record<string, string>,
): Promise<RawResponse> => rawRequest(base, method, path, { body, headers });

async function scrape(node: Node, gzip = false): Promise<string> {
  const res = await request(
    node.url,
    'GET',
    '/metrics',
    undefined,
    gzip ? { 'Accept-Encoding': 'gzip' } : {},
  );
  expect(res.status).toBe(200);
  if (!gzip) return res.text;
  expect(res.headers['content-encoding']).toBe('gzip');
  return gunzipSync(res.body).toString('utf8');
}

async function push(node: Node, path: string, body: string, method = 'PUT'): Promise<void> {
  const res = await request(node.url, method, path, body);
  expect(res.status).toBe(200);
}

describe('two gateway nodes on one Redis', () => {
  let redis: SpawnedRedis;
  let a: Node;
  let b: Node;

  beforeAll(async () => {
    redis = await spawnRedis();
    const prefix = `t${randomBytes(6).toString('hex')}`;
    a = await startNode(redis.url, prefix);
    b = await startNode(redis.url, prefix);
  });

  afterAll(async () => {
    await Promise.all([a?.gw.close(), b?.gw.close()]);
    await redis?.stop();
  });

  it('serve byte-identical scrapes of what either node pushed, plain and gzipped', async () => {
    await push(a, '/metrics/job/one/instance/x', '# HELP m A gauge.\n# TYPE m gauge\nm{k="1"} 1\n');
    await push(b, '/metrics/job/two', '# TYPE m gauge\nm{k="2"} 2\n# TYPE c counter\nc 5\n');
    const [fromA, fromB, gzA, gzB] = await Promise.all([
      scrape(a),
      scrape(b),
      scrape(a, true),
      scrape(b, true),
    ]);
    expect(fromA).toContain('m{instance="x",job="one",k="1"} 1\n');
    expect(fromA).toContain('c{instance="",job="two"} 5\n');
    expect(fromB).toBe(fromA);
    expect(gzA).toBe(fromA);
    expect(gzB).toBe(fromA);
    // The cache's bytes are the simple path's.
    expect(fromA).toBe(
      renderText(mergeGroups(await a.gw.store.getGroups(), [], UPSTREAM_OWN_FAMILIES)),
    );
  });

  it('follows pushes, POSTs, failures, deletes and wipes made through the other node', async () => {
    await scrape(b); // b's cache is current before a writes
    await push(a, '/metrics/job/follow', 'f 1\n');
    expect(await scrape(b)).toContain('f{instance="",job="follow"} 1\n');

    await push(a, '/metrics/job/follow', 'g 2\n', 'POST');
    let text = await scrape(b);
    expect(text).toContain('f{instance="",job="follow"} 1\n');
    expect(text).toContain('g{instance="",job="follow"} 2\n');

    const rejected = await request(a.url, 'PUT', '/metrics/job/follow', '# TYPE m counter\nm 1\n');
    expect(rejected.status).toBe(400);
    text = await scrape(b);
    expect(text).toMatch(/\npush_failure_time_seconds\{instance="",job="follow"\} [1-9]/);
    expect(text).toBe(await scrape(a));

    expect((await request(a.url, 'DELETE', '/metrics/job/follow')).status).toBe(202);
    text = await scrape(b);
    expect(text).not.toContain('job="follow"');
    expect(text).toBe(await scrape(a));

    expect((await request(a.url, 'PUT', '/api/v1/admin/wipe')).status).toBe(202);
    expect(await scrape(b)).toBe('');
    await push(b, '/metrics/job/after', 'h 3\n');
    expect(await scrape(a)).toBe(await scrape(b));
  });

  it('keep their own metrics off /metrics and serve them on the node-metrics listener', async () => {
    await push(a, '/metrics/job/own', 'x 1\n');
    const text = await scrape(a);
    expect(text).not.toMatch(/^# TYPE (pushgateway|process|nodejs|pushgate)_/m);
    const own = await request(a.nodeMetricsUrl, 'GET', '/metrics');
    expect(own.status).toBe(200);
    expect(own.text).toMatch(/^pushgateway_build_info\{/m);
    expect(own.text).toMatch(
      /^pushgateway_http_requests_total\{code="200",handler="push",method="put"\} \d+/m,
    );
    expect(own.text).toMatch(/^process_cpu_seconds_total /m);
    expect(own.text).toContain('\npushgate_store_up 1\n');
    expect(own.text).toMatch(/^pushgate_scrape_cache_refreshes_total\{result="updated"\} [1-9]/m);
    expect(own.text).toMatch(
      /^pushgate_scrape_duration_seconds_count\{format="text",encoding="identity"\} [1-9]/m,
    );
  });

  it("reserves upstream's own families only, the same on every node", async () => {
    // A family of the node's own (Node.js) runtime may be pushed in cluster mode...
    await push(
      a,
      '/metrics/job/rt',
      '# HELP nodejs_heap_size_total_bytes Pushed.\n# TYPE nodejs_heap_size_total_bytes counter\nnodejs_heap_size_total_bytes 1\n',
    );
    // ...while upstream's own stay reserved: a different type is refused on any node.
    const refused = await request(
      b.url,
      'PUT',
      '/metrics/job/rt2',
      '# TYPE go_goroutines counter\ngo_goroutines 1\n',
    );
    expect(refused.status).toBe(400);
  });
});

describe('a cluster node while Redis is away', () => {
  let redis: SpawnedRedis | undefined;
  let node: Node;

  beforeAll(async () => {
    redis = await spawnRedis();
    node = await startNode(redis.url, `t${randomBytes(6).toString('hex')}`);
    await push(node, '/metrics/job/before', 'b 1\n');
    await scrape(node);
  });

  afterAll(async () => {
    await node?.gw.close();
    await redis?.stop();
  });

  it('answers 503 with Retry-After and is not ready, then recovers without a restart', async () => {
    const port = (redis as SpawnedRedis).port;
    const dir = (redis as SpawnedRedis).dir;
    await (redis as SpawnedRedis).process.kill('SIGKILL');
    await waitFor(
      'Redis to be gone',
      async () => (await request(node.url, 'GET', '/-/ready')).status === 503,
    );

    for (const res of [
      await request(node.url, 'GET', '/metrics'),
      await request(node.url, 'PUT', '/metrics/job/during', 'd 1\n'),
      await request(node.url, 'GET', '/api/v1/metrics'),
    ]) {
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
    }
    const own = await request(node.nodeMetricsUrl, 'GET', '/metrics');
    expect(own.text).toContain('\npushgate_store_up 0\n');

    redis = await spawnRedis({ port, dir });
    await waitFor(
      'the node to be ready again',
      async () => (await request(node.url, 'GET', '/-/ready')).status === 200,
      20_000,
    );
    // The new Redis is empty (no persistence here): the cache notices and starts over.
    await push(node, '/metrics/job/after', 'a 1\n');
    expect(await scrape(node)).toContain('a{instance="",job="after"} 1\n');
    expect(await scrape(node)).not.toContain('job="before"');
  });
});
