import { cleanPath, escapePath } from './go-url';
import { createRouter } from './route-table';

const router = createRouter({ routePrefix: '', telemetryPath: '/metrics', enableAdminApi: true });
const PUSH_ALLOW = 'DELETE, OPTIONS, POST, PUT';

// Expectations observed on prometheus-pushgateway 1.5.1 unless marked otherwise.
describe('createRouter (default prefix)', () => {
  it.each([
    ['PUT', '/metrics/job/j', 'push', { job: 'j' }],
    ['POST', '/metrics/job/j/a/b', 'push', { job: 'j', labels: '/a/b' }],
    ['PUT', '/metrics/job/j/', 'push', { job: 'j', labels: '/' }],
    ['DELETE', '/metrics/job/j/inst/', 'delete', { job: 'j', labels: '/inst/' }],
    ['PUT', '/metrics/job@base64/Zm9v', 'push-base64', { job: 'Zm9v' }],
    [
      'DELETE',
      '/metrics/job@base64/Zm9v/a@base64/YQ',
      'delete-base64',
      { job: 'Zm9v', labels: '/a@base64/YQ' },
    ],
    ['PUT', '/metrics/job/a%2Fb', 'push', { job: 'a', labels: '/b' }],
    ['PUT', '/metrics/job/j/sp/a%20b', 'push', { job: 'j', labels: '/sp/a b' }],
    ['PUT', '/metrics/job/j/plus/a+b', 'push', { job: 'j', labels: '/plus/a+b' }],
    ['PUT', '/metrics/job/%CE%A0', 'push', { job: '\xce\xa0' }],
    ['PUT', '/metrics/job/%FF?x=1', 'push', { job: '\xff' }],
    ['GET', '/metrics', 'scrape', {}],
    ['GET', '/metrics?foo=bar', 'scrape', {}],
    ['GET', '/-/healthy', 'healthy', {}],
    ['GET', '/-/ready', 'ready', {}],
    ['GET', '/', 'status-page', {}],
    ['GET', '/status', 'status-page', {}],
    ['PUT', '/-/quit', 'quit', {}],
    ['POST', '/-/quit', 'quit', {}],
    ['GET', '/-/quit', 'quit-get', {}],
    ['GET', '/api/v1/status', 'api-status', {}],
    ['GET', '/api/v1/metrics', 'api-metrics', {}],
    ['OPTIONS', '/api/v1/metrics', 'api-options', { path: '/metrics' }],
    ['OPTIONS', '/api/v1/whatever/else', 'api-options', { path: '/whatever/else' }],
    ['PUT', '/api/v1/admin/wipe', 'wipe', {}],
    ['GET', 'http://example.com:9091/metrics?x', 'scrape', {}],
  ])('%s %s → %s', (method, target, route, params) => {
    expect(router.resolve(method, target)).toEqual({ kind: 'handle', route, params });
  });

  it.each([
    ['PUT', '/metrics/job/j/a//b/c', 301, '/metrics/job/j/a/b/c'],
    ['DELETE', '/metrics/job/j/./b/c', 301, '/metrics/job/j/b/c'],
    ['PUT', '/metrics/job/j/../x', 301, '/metrics/job/x'],
    ['GET', '//metrics?x=1', 301, '/metrics?x=1'],
    ['GET', '/metrics/job/a%2F%2Fb', 301, '/metrics/job/a/b'],
    ['PUT', '/metrics/job/%CE%A0//x/y', 301, '/metrics/job/%CE%A0/x/y'],
    ['PUT', '/metrics/job/', 307, '/metrics/job'],
    ['GET', '/metrics/', 301, '/metrics'],
    ['GET', '/-/healthy/', 301, '/-/healthy'],
    ['GET', '/status/', 301, '/status'],
    ['GET', '/api/v1/status/', 301, '/status'],
    ['GET', '/api/v1/Status', 301, '/status'],
    ['GET', '/api/v1', 301, '/api/v1/'],
    ['PUT', '/api/v1', 301, '/api/v1/'],
    ['GET', '/Metrics', 301, '/metrics'],
    ['GET', '/-/Healthy', 301, '/-/healthy'],
    ['PUT', '/Metrics/job/X', 307, '/metrics/job/X'],
    ['POST', '/METRICS/JOB/x/A/b', 307, '/metrics/job/x/A/b'],
    ['GET', '/metrics/?a=b', 301, '/metrics?a=b'],
  ])('%s %s → %i %s', (method, target, status, location) => {
    expect(router.resolve(method, target)).toEqual({ kind: 'redirect', status, location });
  });

  it.each([
    ['GET', '/metrics/job/j', 'method-not-allowed', PUSH_ALLOW],
    ['PATCH', '/metrics/job/j', 'method-not-allowed', PUSH_ALLOW],
    ['OPTIONS', '/metrics/job/j', 'options', PUSH_ALLOW],
    ['OPTIONS', '/metrics/job@base64/x/a/b', 'options', PUSH_ALLOW],
    ['OPTIONS', '/metrics', 'options', 'GET, OPTIONS'],
    ['HEAD', '/metrics', 'method-not-allowed', 'GET, OPTIONS'],
    ['POST', '/metrics', 'method-not-allowed', 'GET, OPTIONS'],
    ['POST', '/-/healthy', 'method-not-allowed', 'GET, OPTIONS'],
    ['DELETE', '/-/quit', 'method-not-allowed', 'GET, OPTIONS, POST, PUT'],
    ['POST', '/api/v1/status', 'method-not-allowed', 'GET, OPTIONS'],
    ['GET', '/api/v1/admin/wipe', 'method-not-allowed', 'OPTIONS, PUT'],
    ['DELETE', '/api/v1/admin/wipe', 'method-not-allowed', 'OPTIONS, PUT'],
  ])('%s %s → %s with Allow: %s', (method, target, kind, allow) => {
    expect(router.resolve(method, target)).toEqual({ kind, allow });
  });

  it.each([
    ['GET', '/nope'],
    ['PUT', '/metrics/job'],
    ['PUT', '/metrics/job@base64/'],
    ['PUT', '/metrics/job@base64'],
    ['GET', '/metrics/job/'],
    ['GET', '/api/v1/whatever'],
    ['GET', '/api/v1/'],
    ['GET', '/static/app.js'],
  ])('%s %s → 404', (method, target) => {
    expect(router.resolve(method, target)).toEqual({ kind: 'not-found' });
  });

  it.each(['/metrics/job/%zz', '/metrics/job/%F', '/a%'])(
    'rejects the malformed escape in %s',
    (target) => {
      expect(router.resolve('PUT', target)).toEqual({ kind: 'bad-request' });
    },
  );

  it('has no wipe route without --web.enable-admin-api', () => {
    const plain = createRouter({
      routePrefix: '',
      telemetryPath: '/metrics',
      enableAdminApi: false,
    });
    expect(plain.resolve('PUT', '/api/v1/admin/wipe')).toEqual({ kind: 'not-found' });
    expect(plain.resolve('GET', '/api/v1/admin/wipe')).toEqual({ kind: 'not-found' });
  });
});

describe('createRouter with --web.route-prefix=/pg and --web.telemetry-path=/internal', () => {
  const pg = createRouter({
    routePrefix: '/pg',
    telemetryPath: '/internal',
    enableAdminApi: false,
  });

  it.each([
    ['PUT', '/pg/metrics/job/x', 'push'],
    ['GET', '/pg/internal', 'scrape'],
    ['GET', '/pg/', 'status-page'],
    ['GET', '/pg/api/v1/status', 'api-status'],
    ['GET', '/-/quit', 'quit-get'],
    ['PUT', '/pg/-/quit', 'quit'],
  ])('%s %s → %s', (method, target, route) => {
    expect(pg.resolve(method, target)).toMatchObject({ kind: 'handle', route });
  });

  it.each([
    ['PUT', '/metrics/job/x'],
    ['GET', '/metrics'],
    ['GET', '/pg/metrics'],
    ['GET', '/api/v1/status'],
  ])('%s %s → 404', (method, target) => {
    expect(pg.resolve(method, target)).toEqual({ kind: 'not-found' });
  });

  it('answers an unprefixed PUT /-/quit with 405, because of the unprefixed GET stub', () => {
    expect(pg.resolve('PUT', '/-/quit')).toEqual({
      kind: 'method-not-allowed',
      allow: 'GET, OPTIONS',
    });
  });

  it.each([
    ['GET', '/pg', 301, '/pg/'],
    ['PUT', '/pg/metrics/job/', 307, '/pg/metrics/job'],
    ['GET', '/pg/api/v1', 301, '/pg/api/v1/'],
    ['GET', '/pg/api/v1/status/', 301, '/status'],
  ])('%s %s → %i %s', (method, target, status, location) => {
    expect(pg.resolve(method, target)).toEqual({ kind: 'redirect', status, location });
  });
});

describe('Go URL helpers', () => {
  it.each([
    ['', '/'],
    ['/a//b', '/a/b'],
    ['/a/./b/', '/a/b/'],
    ['/a/../../b', '/b'],
    ['/..', '/'],
    ['//', '/'],
    ['/a/b/..', '/a'],
  ])('cleanPath(%p) = %p', (p, want) => {
    expect(cleanPath(p)).toBe(want);
  });

  it('escapes paths like url.URL.EscapedPath', () => {
    expect(escapePath("/a b/?x!*'()%/$&+,:;=@~")).toBe('/a%20b/%3Fx%21%2A%27%28%29%25/$&+,:;=@~');
    expect(escapePath('/\xce\xa0')).toBe('/%CE%A0');
  });
});
