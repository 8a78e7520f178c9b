// Three nodes on one Redis behind nginx serve one gateway: a push through any of them is seen by
// every scrape, and every node serves the same bytes for the same Accept headers.
import { gzipSync } from 'node:zlib';
import { encodeDelimited, parseText } from '@pushgate/exposition';
import { startCluster, type RunningCluster } from '../support/cluster';
import { httpRequest, type HttpRequest } from '../support/http-request';
import { OWN_FAMILY } from '../support/normalize-scrape';
import { TEXT, scrapeSamples, seriesKey } from './cluster-client';

const PROTOBUF_PUSH =
  'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

const PUSHES: Array<[string, HttpRequest]> = [
  [
    'text with HELP and TYPE',
    {
      method: 'PUT',
      path: '/metrics/job/batch/instance/a',
      headers: TEXT,
      body: '# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\njobs_total{queue="q1"} 3\njobs_total{queue="q2"} 4\n',
    },
  ],
  [
    'a histogram and a summary',
    {
      method: 'PUT',
      path: '/metrics/job/batch/instance/b',
      headers: TEXT,
      body:
        '# TYPE lat histogram\nlat_bucket{le="0.1"} 1\nlat_bucket{le="1"} 3\nlat_bucket{le="+Inf"} 4\nlat_sum 2.5\nlat_count 4\n' +
        '# TYPE size summary\nsize{quantile="0.5"} 10\nsize_sum 30\nsize_count 3\n',
    },
  ],
  [
    'gzip, @base64 and %2F in the path',
    {
      method: 'POST',
      path: '/metrics/job@base64/L3Zhci90bXA/x/a%2Fb/c/path@base64/YS9i',
      headers: { ...TEXT, 'content-encoding': 'gzip' },
      body: gzipSync('tmp_files 12\n'),
    },
  ],
  [
    'delimited protobuf',
    {
      method: 'PUT',
      path: '/metrics/job/proto',
      headers: { 'content-type': PROTOBUF_PUSH },
      body: encodeDelimited([
        {
          name: 'proto_gauge',
          help: 'From protobuf.',
          type: 'GAUGE',
          metric: [{ label: [], gauge: { value: 1.5 } }],
        },
      ]),
    },
  ],
];

/** The scrape variants a client can ask for; each must be byte-identical on every node. */
const SCRAPES: Array<[string, Record<string, string>]> = [
  ['text', {}],
  ['text, gzip', { 'accept-encoding': 'gzip' }],
  ['delimited protobuf', { accept: `${PROTOBUF_PUSH};q=0.7,text/plain;version=0.0.4;q=0.3` }],
];

describe('a three-node cluster behind nginx', () => {
  let cluster: RunningCluster | undefined;

  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3 });
  }, 120000);

  afterAll(async () => {
    await cluster?.stop();
  });

  function running(): RunningCluster {
    if (!cluster) throw new Error('the cluster did not start (see beforeAll)');
    return cluster;
  }

  it.each(PUSHES)('accepts a push through nginx: %s', async (_what, req) => {
    const res = await httpRequest(running().url, req);
    expect({ status: res.status, body: res.body.toString('utf8') }).toEqual({
      status: 200,
      body: '',
    });
  });

  it('shows every push in the scrape through nginx', async () => {
    const samples = await scrapeSamples(running().url);
    expect(samples.get(seriesKey('jobs_total', { instance: 'a', job: 'batch', queue: 'q2' }))).toBe(
      4,
    );
    const tmp = { b: 'c', instance: '', job: '/var/tmp', path: 'a/b', x: 'a' };
    expect(samples.get(seriesKey('tmp_files', tmp))).toBe(12);
    expect(samples.get(seriesKey('proto_gauge', { instance: '', job: 'proto' }))).toBe(1.5);
  });

  it.each(SCRAPES)(
    'serves the same %s scrape from nginx and from each node',
    async (_what, headers) => {
      const get = (url: string) => httpRequest(url, { method: 'GET', path: '/metrics', headers });
      const [viaNginx, ...direct] = await Promise.all([
        get(running().url),
        ...running().nodes.map((n) => get(n.url)),
      ]);
      expect(viaNginx?.status).toBe(200);
      for (const res of direct) {
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe(viaNginx?.headers['content-type']);
        expect(res.body.equals(viaNginx?.body ?? Buffer.alloc(0))).toBe(true);
      }
    },
  );

  it('serves the same /api/v1/metrics from every node', async () => {
    const get = (url: string) => httpRequest(url, { method: 'GET', path: '/api/v1/metrics' });
    const bodies = await Promise.all(running().nodes.map((n) => get(n.url)));
    expect(bodies.map((b) => b.status)).toEqual([200, 200, 200]);
    const [first, ...rest] = bodies.map((b) => b.body.toString('utf8'));
    for (const body of rest) expect(body).toBe(first);
  });

  it("keeps each node's own metrics off /metrics, on a listener nginx does not reach", async () => {
    const c = running();
    const scrape = await httpRequest(c.url, { method: 'GET', path: '/metrics' });
    expect(scrape.status).toBe(200);
    const families = parseText(scrape.body).map((f) => f.name);
    expect(families.filter((name) => OWN_FAMILY.test(name))).toEqual([]);

    for (const node of c.nodes) {
      const own = await httpRequest(node.metricsUrl, { method: 'GET', path: '/metrics' });
      expect(own.status).toBe(200);
      expect(own.body.toString('utf8')).toMatch(/^# TYPE process_cpu_seconds_total counter$/m);
      expect(own.body.toString('utf8')).toMatch(/^# TYPE pushgateway_http_requests_total /m);
    }
    const reached = new Set(
      c.nginx.accessLog().flatMap((e) => e.upstream_addr.split(', ').filter((a) => a !== '-')),
    );
    expect([...reached].filter((a) => !c.nodes.some((n) => n.address === a))).toEqual([]);
  });

  it('lets any node see a write acknowledged by another at once', async () => {
    const [a, b, c] = running().nodes;
    for (let i = 0; i < 20; i++) {
      const writer = [a, b, c][i % 3];
      const reader = [b, c, a][i % 3];
      const put = await httpRequest(writer?.url ?? '', {
        method: 'PUT',
        path: '/metrics/job/ryw',
        headers: TEXT,
        body: `ryw_step ${i}\n`,
      });
      expect(put.status).toBe(200);
      const samples = await scrapeSamples(reader?.url ?? '');
      expect(samples.get(seriesKey('ryw_step', { instance: '', job: 'ryw' }))).toBe(i);
    }
  });
});
