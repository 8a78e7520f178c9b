import request from 'supertest';
import { startTestGateway, type TestGateway } from './testing/harness';

// Router-level answers on the wire, as prometheus-pushgateway 1.5.1 gives them (headers included).
describe('routing over HTTP', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(['--web.enable-admin-api']);
  });
  afterAll(() => t.close());

  it('answers an unknown path with Go’s 404', async () => {
    const res = await request(t.url).get('/nope');
    expect(res.status).toBe(404);
    expect(res.text).toBe('404 page not found\n');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each([
    ['get', '/metrics/job/j', 'DELETE, OPTIONS, POST, PUT'],
    ['patch', '/metrics/job/j', 'DELETE, OPTIONS, POST, PUT'],
    ['post', '/metrics', 'GET, OPTIONS'],
    ['head', '/metrics', 'GET, OPTIONS'],
    ['delete', '/-/quit', 'GET, OPTIONS, POST, PUT'],
    ['get', '/api/v1/admin/wipe', 'OPTIONS, PUT'],
  ] as const)('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
    const res = await request(t.url)[method](path);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(allow);
    if (method !== 'head') expect(res.text).toBe('Method Not Allowed\n');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each([
    ['/metrics/job/j', 'DELETE, OPTIONS, POST, PUT'],
    ['/metrics/job@base64/ag/a/b', 'DELETE, OPTIONS, POST, PUT'],
    ['/metrics', 'GET, OPTIONS'],
  ])('answers OPTIONS %s with 200, an empty body and Allow: %s', async (path, allow) => {
    const res = await request(t.url).options(path);
    expect(res.status).toBe(200);
    expect(res.headers.allow).toBe(allow);
    expect(res.headers['content-length']).toBe('0');
    expect(res.headers['content-type']).toBeUndefined();
  });

  it('redirects paths with // or /./ for every method, without a body for PUT', async () => {
    const put = await request(t.url).put('/metrics/job/j/a//b/c').send('a 1\n');
    expect(put.status).toBe(301);
    expect(put.headers.location).toBe('/metrics/job/j/a/b/c');
    expect(put.headers['content-length']).toBe('0');
    expect(put.headers['content-type']).toBeUndefined();

    const get = await request(t.url).get('//metrics?x=1').redirects(0);
    expect(get.status).toBe(301);
    expect(get.headers.location).toBe('/metrics?x=1');
    expect(get.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(get.text).toBe('<a href="/metrics?x=1">Moved Permanently</a>.\n\n');
  });

  it('redirects PUT /metrics/job/ with 307 to /metrics/job, which is 404', async () => {
    const res = await request(t.url).put('/metrics/job/');
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe('/metrics/job');
    expect((await request(t.url).put('/metrics/job')).status).toBe(404);
  });

  it.each([
    ['/metrics/', '/metrics'],
    ['/-/healthy/', '/-/healthy'],
    ['/api/v1/status/', '/status'],
    ['/Metrics', '/metrics'],
    ['/api/v1', '/api/v1/'],
  ])('redirects GET %s with 301 to %s', async (from, to) => {
    const res = await request(t.url).get(from).redirects(0);
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(to);
  });

  it('answers a malformed percent-escape with 400 before routing', async () => {
    const res = await request(t.url).put('/metrics/job/%zz');
    expect(res.status).toBe(400);
    expect(res.text).toBe('400 Bad Request');
  });

  it('splits a %2F in the job into a path separator', async () => {
    const res = await request(t.url).put('/metrics/job/a%2Fb').send('');
    expect(res.status).toBe(400);
    expect(res.text).toBe('odd number of components in label string "/b"\n');
  });

  it('answers GET /-/quit with 405 whatever the lifecycle flag', async () => {
    const res = await request(t.url).get('/-/quit');
    expect(res.status).toBe(405);
    expect(res.text).toBe('Only POST or PUT requests allowed.');
    expect(res.headers.allow).toBeUndefined();
  });
});

describe('routing with --web.route-prefix and --web.telemetry-path', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway([
      '--web.route-prefix=/pg/',
      '--web.telemetry-path=/internal/metrics',
    ]);
  });
  afterAll(() => t.close());

  it('serves every route below the prefix', async () => {
    expect((await request(t.url).put('/pg/metrics/job/x').send('a 1\n')).status).toBe(200);
    const scrape = await request(t.url).get('/pg/internal/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.text).toContain('a{instance="",job="x"} 1\n');
    expect((await request(t.url).get('/pg/api/v1/status')).status).toBe(200);
    expect((await request(t.url).get('/pg/-/healthy')).status).toBe(200);
    expect((await request(t.url).get('/pg/')).status).toBe(200);
  });

  it.each([
    ['put', '/metrics/job/x'],
    ['get', '/metrics'],
    ['get', '/pg/metrics'],
    ['get', '/internal/metrics'],
    ['get', '/api/v1/status'],
    ['get', '/-/healthy'],
  ] as const)('answers %s %s without the prefix with 404', async (method, path) => {
    expect((await request(t.url)[method](path)).status).toBe(404);
  });

  it('keeps the unprefixed GET /-/quit stub', async () => {
    expect((await request(t.url).get('/-/quit')).status).toBe(405);
  });

  it('redirects the bare prefix to the status page', async () => {
    const res = await request(t.url).get('/pg').redirects(0);
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/pg/');
  });
});
