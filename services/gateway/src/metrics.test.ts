import request from 'supertest';
import { currentBuildInfo } from './build-info';
import { GatewayMetrics } from './metrics';
import { startTestGateway } from './testing/harness';

function requestCounts(scrape: string): string[] {
  return scrape.split('\n').filter((l) => l.startsWith('pushgateway_http_requests_total{'));
}

describe('own metrics', () => {
  it('counts handled requests by code, handler and method, and nothing else', async () => {
    const t = await startTestGateway(['--web.enable-admin-api']);
    try {
      const r = request(t.url);
      await r.put('/metrics/job/j').send('a 1\n').expect(200);
      await r.post('/metrics/job/j').send('b 1\n').expect(200);
      await r.put('/metrics/job/j/odd').send('a 1\n').expect(400);
      await r.delete('/metrics/job/j').expect(202);
      await r.get('/-/healthy').expect(200);
      await r.get('/-/ready').expect(200);
      await r.get('/').expect(200);
      await r.get('/api/v1/status').expect(200);
      await r.get('/api/v1/metrics').expect(200);
      await r.options('/api/v1/metrics').expect(200);
      await r.put('/api/v1/admin/wipe').expect(202);
      // Not counted: scrapes, router-level answers, quit.
      await r.get('/metrics').expect(200);
      await r.get('/nope').expect(404);
      await r.get('/metrics/job/j').expect(405);
      await r.put('/metrics/job//j').expect(301);
      await r.put('/-/quit').expect(403);

      const scrape = (await r.get('/metrics')).text;
      expect(requestCounts(scrape)).toEqual(
        [
          'pushgateway_http_requests_total{code="200",handler="push",method="put"} 1',
          'pushgateway_http_requests_total{code="200",handler="push",method="post"} 1',
          'pushgateway_http_requests_total{code="400",handler="push",method="put"} 1',
          'pushgateway_http_requests_total{code="202",handler="delete",method="delete"} 1',
          'pushgateway_http_requests_total{code="200",handler="healthy",method="get"} 1',
          'pushgateway_http_requests_total{code="200",handler="ready",method="get"} 1',
          'pushgateway_http_requests_total{code="200",handler="status",method="get"} 1',
          'pushgateway_http_requests_total{code="200",handler="api/v1/status",method="get"} 1',
          'pushgateway_http_requests_total{code="200",handler="api/v1/metrics",method="get"} 1',
          'pushgateway_http_requests_total{code="200",handler="api/v1/options",method="options"} 1',
          'pushgateway_http_requests_total{code="202",handler="wipe",method="put"} 1',
        ].sort(),
      );
      expect(scrape).toContain('pushgateway_http_push_duration_seconds_count{method="put"} 2\n');
      expect(scrape).toContain('pushgateway_http_push_duration_seconds_count{method="post"} 1\n');
      expect(scrape).toMatch(
        /^pushgateway_http_push_size_bytes\{method="put",quantile="0\.5"\} \d+/m,
      );
      expect(scrape).toContain(
        '# HELP pushgateway_http_requests_total Total HTTP requests processed by the Pushgateway, excluding scrapes.\n',
      );
    } finally {
      await t.close();
    }
  });
});

describe('GatewayMetrics.reservedFamilies', () => {
  it('lists every own family with type and HELP, marking those without samples yet', async () => {
    const reserved = await new GatewayMetrics(currentBuildInfo()).reservedFamilies();
    expect(reserved.get('pushgateway_http_requests_total')).toEqual({
      type: 'COUNTER',
      help: 'Total HTTP requests processed by the Pushgateway, excluding scrapes.',
      presentAtStartup: false,
    });
    expect(reserved.get('pushgateway_http_push_duration_seconds')).toMatchObject({
      type: 'SUMMARY',
      presentAtStartup: false,
    });
    expect(reserved.get('pushgateway_build_info')).toMatchObject({
      type: 'GAUGE',
      presentAtStartup: true,
    });
    expect(reserved.get('process_cpu_seconds_total')).toMatchObject({
      type: 'COUNTER',
      presentAtStartup: true,
    });
  });
});
