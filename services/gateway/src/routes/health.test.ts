import type { MetricStore } from '@pushgate/store';
import { StoreUnavailableError } from '@pushgate/store';
import request from 'supertest';
import { startTestGateway, type TestGateway } from '../testing/harness';

/**
 * A store whose backend is down: every call fails with StoreUnavailableError, as the Redis store
 * does when Redis cannot be reached. It checks nothing else; the store tests cover the rest.
 */
class UnreachableStore implements MetricStore {
  closed = false;
  private fail(): Promise<never> {
    return Promise.reject(new StoreUnavailableError('connect ECONNREFUSED 10.0.0.7:6379'));
  }
  push = () => this.fail();
  delete = () => this.fail();
  wipe = () => this.fail();
  getGroups = () => this.fail();
  ready = () => Promise.resolve(false);
  close = () => {
    this.closed = true;
    return Promise.resolve();
  };
}

describe('health endpoints', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  it.each(['/-/healthy', '/-/ready'])('GET %s: 200 OK', async (path) => {
    const res = await request(t.url).get(path);
    expect(res.status).toBe(200);
    expect(res.text).toBe('OK');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('PUT /-/quit without --web.enable-lifecycle: 403', async () => {
    for (const method of ['put', 'post'] as const) {
      const res = await request(t.url)[method]('/-/quit');
      expect(res.status).toBe(403);
      expect(res.text).toBe('Lifecycle API is not enabled.');
    }
    expect((await request(t.url).get('/-/healthy')).status).toBe(200);
  });
});

describe('POST /-/quit with --web.enable-lifecycle', () => {
  it('answers, then stops the gateway gracefully', async () => {
    const t = await startTestGateway(['--web.enable-lifecycle']);
    const res = await request(t.url).post('/-/quit');
    expect(res.status).toBe(200);
    expect(res.text).toBe('Requesting termination... Goodbye!');
    await t.gw.closed;
    await expect(request(t.url).get('/-/healthy')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('with an unreachable store', () => {
  let t: TestGateway;
  const store = new UnreachableStore();
  beforeAll(async () => {
    t = await startTestGateway([], { store });
  });
  afterAll(() => t.close());

  it.each([
    ['put', '/metrics/job/j'],
    ['post', '/metrics/job/j'],
    ['delete', '/metrics/job/j'],
    ['get', '/metrics'],
    ['get', '/'],
  ] as const)('%s %s: 503 with Retry-After, no internals', async (method, path) => {
    const res = await request(t.url)[method](path).send('a 1\n');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.text).toBe('metric store unavailable, try again later\n');
    expect(res.text).not.toContain('10.0.0.7');
  });

  it('answers the API with upstream’s JSON error envelope', async () => {
    const res = await request(t.url).get('/api/v1/metrics');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.text)).toEqual({
      status: 'error',
      errorType: 'unavailable',
      error: 'metric store unavailable, try again later',
    });
  });

  it('is not ready, but healthy', async () => {
    const ready = await request(t.url).get('/-/ready');
    expect(ready.status).toBe(503);
    expect(ready.headers['retry-after']).toBe('1');
    expect((await request(t.url).get('/-/healthy')).status).toBe(200);
  });

  it('still rejects a bad path with 400 before touching the store', async () => {
    expect((await request(t.url).put('/metrics/job/j/odd').send('a 1\n')).status).toBe(400);
  });

  it('logs the cause at error level', () => {
    const record = t.logs.find((r) => r.level === 'error' && r.status === 503);
    expect(JSON.stringify(record)).toContain('10.0.0.7');
  });

  it('closes the store it was given', async () => {
    await t.close();
    expect(store.closed).toBe(true);
  });
});

describe('a handler that fails unexpectedly', () => {
  it('answers 500 with a generic body and logs the details', async () => {
    const broken: MetricStore = {
      push: () =>
        Promise.reject(new TypeError('cannot read properties of undefined (reading "x")')),
      delete: () => Promise.resolve(),
      wipe: () => Promise.resolve(),
      getGroups: () => Promise.resolve([]),
      ready: () => Promise.resolve(true),
      close: () => Promise.resolve(),
    };
    const t = await startTestGateway([], { store: broken });
    try {
      const res = await request(t.url).put('/metrics/job/j').send('a 1\n');
      expect(res.status).toBe(500);
      expect(res.text).toBe('internal server error\n');
      expect(JSON.stringify(t.logs.find((r) => r.level === 'error'))).toContain('reading \\"x\\"');
    } finally {
      await t.close();
    }
  });
});
