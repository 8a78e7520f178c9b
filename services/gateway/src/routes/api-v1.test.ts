import request from 'supertest';
import { startTestGateway, steppingClock, type TestGateway } from '../testing/harness';

const CORS = {
  'access-control-allow-headers': 'Accept, Authorization, Content-Type, Origin',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'Date',
  'cache-control': 'no-cache, no-store, must-revalidate',
};

describe('/api/v1', () => {
  let t: TestGateway;
  beforeEach(async () => {
    t = await startTestGateway(['--web.enable-admin-api', '--persistence.interval=1h30m'], {
      clock: steppingClock(),
    });
  });
  afterEach(() => t.close());

  it('GET status: build information, flags as strings, start time', async () => {
    const res = await request(t.url).get('/api/v1/status');
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ ...CORS, 'content-type': 'application/json' });
    const body = JSON.parse(res.text) as { status: string; data: Record<string, unknown> };
    expect(body.status).toBe('success');
    expect(Object.keys(body.data)).toEqual(['build_information', 'flags', 'start_time']);
    expect(Object.keys(body.data.build_information as object)).toEqual([
      'branch',
      'buildDate',
      'buildUser',
      'goVersion',
      'revision',
      'version',
    ]);
    expect(body.data.flags).toMatchObject({
      'persistence.interval': '1h30m0s',
      'web.enable-admin-api': 'true',
      'web.enable-lifecycle': 'false',
      'web.listen-address': '127.0.0.1:0',
      'web.telemetry-path': '/metrics',
    });
    expect(Object.values(body.data.flags as object).every((v) => typeof v === 'string')).toBe(true);
    expect(body.data.start_time).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/,
    );
  });

  it('GET metrics: one object per group, upstream’s shape', async () => {
    await request(t.url)
      .put('/metrics/job/api1/instance/i1')
      .send('# HELP g A gauge.\n# TYPE g gauge\ng{l="v"} 1.5\n')
      .expect(200);
    const res = await request(t.url).get('/api/v1/metrics');
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ ...CORS, 'content-type': 'application/json' });
    const body = JSON.parse(res.text) as { status: string; data: Array<Record<string, unknown>> };
    expect(body.status).toBe('success');
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({
      labels: { instance: 'i1', job: 'api1' },
      last_push_successful: true,
      g: {
        type: 'GAUGE',
        help: 'A gauge.',
        metrics: [{ labels: { instance: 'i1', job: 'api1', l: 'v' }, value: '1.5' }],
      },
      push_time_seconds: { type: 'GAUGE', metrics: [{ value: '1.700000000123456e+09' }] },
      push_failure_time_seconds: { type: 'GAUGE', metrics: [{ value: '0' }] },
    });
  });

  it('escapes HTML characters in JSON strings as Go does', async () => {
    await request(t.url).put('/metrics/job/a<b>&c').send('').expect(200);
    const res = await request(t.url).get('/api/v1/metrics');
    expect(res.text).toContain('"job":"a\\u003cb\\u003e\\u0026c"');
  });

  it('OPTIONS anything: 200, empty, CORS headers', async () => {
    for (const path of ['/api/v1/metrics', '/api/v1/nothing/here']) {
      const res = await request(t.url).options(path);
      expect(res.status).toBe(200);
      expect(res.headers).toMatchObject(CORS);
      expect(res.headers['content-length']).toBe('0');
    }
  });

  it('PUT admin/wipe: 202 and every group gone', async () => {
    await request(t.url).put('/metrics/job/a').send('x 1\n').expect(200);
    await request(t.url).put('/metrics/job/b').send('y 1\n').expect(200);
    const res = await request(t.url).put('/api/v1/admin/wipe');
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
    expect(JSON.parse((await request(t.url).get('/api/v1/metrics')).text)).toEqual({
      status: 'success',
      data: [],
    });
  });

  it.each(['get', 'post', 'delete'] as const)('%s admin/wipe: 405', async (method) => {
    const res = await request(t.url)[method]('/api/v1/admin/wipe');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('OPTIONS, PUT');
  });
});

describe('/api/v1/admin/wipe without --web.enable-admin-api', () => {
  it('does not exist', async () => {
    const t = await startTestGateway();
    try {
      await request(t.url).put('/metrics/job/a').send('x 1\n').expect(200);
      expect((await request(t.url).put('/api/v1/admin/wipe')).status).toBe(404);
      expect((await request(t.url).get('/api/v1/admin/wipe')).status).toBe(404);
      expect(JSON.parse((await request(t.url).get('/api/v1/metrics')).text).data).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
