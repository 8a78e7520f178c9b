// nginx.conf, tested in front of three real upstream Pushgateways: a request answered through
// nginx is answered as the node itself answers it (raw request target, `//`, escapes, bodies and
// their Content-Encoding untouched), and a node that stops is routed around without a failed
// request. Needs nothing of Pushgate, so it pins nginx's part of the cluster on its own.
import { createServer, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { httpRequest, type HttpRequest, type HttpResponse } from '../support/http-request';
import { startNginx, type AccessLogEntry, type RunningNginx } from '../support/nginx';
import type { ServerProcess } from '../support/server-process';
import { startUpstream, upstreamUnavailableReason } from '../support/upstream-pushgateway';
import { waitFor } from '../support/wait-for';

const unavailable = upstreamUnavailableReason();
if (unavailable) console.warn(`[cluster] skipping nginx-proxy.test.ts: ${unavailable}`);
const describeWithUpstream = unavailable ? describe.skip : describe;

/** What a client can tell apart in a response (nginx adds Server, Date and Connection). */
function visible(res: HttpResponse): Record<string, unknown> {
  const h = res.headers;
  return {
    status: res.status,
    body: res.body.toString('latin1'),
    'content-type': h['content-type'],
    'content-encoding': h['content-encoding'],
    location: h.location,
    allow: h.allow,
    'x-content-type-options': h['x-content-type-options'],
  };
}

const TEXT = { 'content-type': 'text/plain; version=0.0.4' };

/**
 * Requests whose answer does not depend on which node gets them (the three upstreams hold
 * different groups, so nothing here depends on stored state).
 */
const SAME_ANSWER: Array<[string, HttpRequest]> = [
  ['a push', { method: 'PUT', path: '/metrics/job/j', headers: TEXT, body: 'a 1\n' }],
  ['a POST', { method: 'POST', path: '/metrics/job/j/x/1', headers: TEXT, body: 'a 1\n' }],
  ['a delete', { method: 'DELETE', path: '/metrics/job/j' }],
  ['`//` in a push path: 301 from the node', { method: 'PUT', path: '/metrics/job//j', body: '' }],
  ['`//` before the route', { method: 'GET', path: '//metrics' }],
  ['`/./` in a push path', { method: 'PUT', path: '/metrics/job/j/./x/y', body: '' }],
  ['`/../` inside the path', { method: 'GET', path: '/metrics/job/../../metrics' }],
  ['`%2F` splits a value', { method: 'PUT', path: '/metrics/job/a%2Fb', body: '' }],
  ['`%2F` in a label value', { method: 'PUT', path: '/metrics/job/j/x/a%2Fb/c', body: '' }],
  [
    '`@base64` value with `/` encoded',
    { method: 'PUT', path: '/metrics/job@base64/YS9i', body: '' },
  ],
  ['`@base64` empty value', { method: 'PUT', path: '/metrics/job/j/x@base64/=', body: '' }],
  ['invalid base64', { method: 'PUT', path: '/metrics/job/j/x@base64/Y', body: '' }],
  ['non-ASCII via escapes', { method: 'PUT', path: '/metrics/job/%CE%A0', body: '' }],
  ['`+` stays literal', { method: 'PUT', path: '/metrics/job/a+b', body: '' }],
  ['trailing slash: empty value', { method: 'PUT', path: '/metrics/job/j/inst/', body: '' }],
  ['empty job: 307', { method: 'PUT', path: '/metrics/job/', body: '' }],
  ['trailing slash on a GET: 301', { method: 'GET', path: '/metrics/' }],
  ['odd number of components', { method: 'PUT', path: '/metrics/job/j/x', body: '' }],
  ['unknown path: 404', { method: 'GET', path: '/nothing/here' }],
  ['HEAD /metrics: 405 with Allow', { method: 'HEAD', path: '/metrics' }],
  ['OPTIONS on a push path', { method: 'OPTIONS', path: '/metrics/job/j' }],
  ['a query string', { method: 'GET', path: '/-/healthy?x=%2F//' }],
  [
    'a gzip body: Content-Encoding passed on',
    {
      method: 'PUT',
      path: '/metrics/job/gz',
      headers: { ...TEXT, 'content-encoding': 'gzip' },
      body: gzipSync('a 1\n'),
    },
  ],
  [
    'a body that is not gzip but says so',
    {
      method: 'PUT',
      path: '/metrics/job/gz',
      headers: { ...TEXT, 'content-encoding': 'gzip' },
      body: 'a 1\n',
    },
  ],
  ['a text parse error', { method: 'PUT', path: '/metrics/job/j', headers: TEXT, body: 'a{ 1\n' }],
  [
    'a 2 MiB body (buffered to a temp file by nginx)',
    {
      method: 'PUT',
      path: '/metrics/job/big',
      headers: TEXT,
      body: Array.from({ length: 60000 }, (_, i) => `big_series{n="${i}"} ${i}\n`).join(''),
    },
  ],
  ['scrape with gzip', { method: 'GET', path: '/-/ready', headers: { 'accept-encoding': 'gzip' } }],
];

/** A valid push (one long comment line) one byte over nginx's client_max_body_size of 16 MiB. */
function overLimitComment(): Buffer {
  const body = Buffer.alloc(16 * 1024 * 1024 + 1, 'x');
  body.write('# ');
  body.write('\n', body.length - 1);
  return body;
}

describeWithUpstream('nginx.conf in front of three upstream Pushgateways', () => {
  let nodes: ServerProcess[] = [];
  let nginx: RunningNginx | undefined;

  beforeAll(async () => {
    const started = await Promise.allSettled([startUpstream(), startUpstream(), startUpstream()]);
    nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    nginx = await startNginx(nodes.map((n) => new URL(n.url).host));
  }, 30000);

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
  });

  function viaNginx(req: HttpRequest): Promise<HttpResponse> {
    if (!nginx) throw new Error('nginx did not start (see beforeAll)');
    return httpRequest(nginx.url, req);
  }

  it.each(SAME_ANSWER)('%s: the same answer as from a node', async (_what, req) => {
    const [direct, proxied] = [await httpRequest(nodes[0]?.url ?? '', req), await viaNginx(req)];
    expect(visible(proxied)).toEqual(visible(direct));
  });

  it('forwards the request target byte for byte', async () => {
    const path = '/metrics/job//a%2Fb/./c/%2e%2e/x@base64/YS9i?q=%2F';
    const req = { method: 'PUT', path, body: '' };
    const [direct, proxied] = [await httpRequest(nodes[0]?.url ?? '', req), await viaNginx(req)];
    // nginx logs after answering, and its stdout reaches us through a pipe: wait for the line.
    await waitFor('the access log line', () =>
      (nginx?.accessLog() ?? []).some((e) => e.uri === path),
    );
    expect(nginx?.accessLog().filter((e) => e.uri === path)).toHaveLength(1);
    // The node cleans `//`, `/./`, `%2F` and `%2e%2e` itself: a proxy that did any of it first
    // would change the redirect.
    expect(proxied.status).toBe(301);
    expect(proxied.headers.location).toBe(direct.headers.location);
  });

  // Where nginx answers by itself, before any node sees the request; docs/operations.md lists
  // these (no client of a Pushgateway sends any of them).
  it.each<[string, HttpRequest, number, number]>([
    [
      'a body over client_max_body_size',
      { method: 'PUT', path: '/metrics/job/j', body: overLimitComment() },
      413,
      200,
    ],
    [
      'a NUL byte escaped in a value',
      { method: 'PUT', path: '/metrics/job/a%00b', body: '' },
      400,
      200,
    ],
    ['a path that climbs above the root', { method: 'GET', path: '/../metrics' }, 400, 301],
    ['an invalid percent escape', { method: 'GET', path: '/metrics/%ZZ' }, 400, 400],
    ['TRACE (no Allow header)', { method: 'TRACE', path: '/metrics' }, 405, 405],
    [
      'a request line over 16 KiB',
      { method: 'PUT', path: `/metrics/job/${'x'.repeat(17000)}`, body: '' },
      414,
      200,
    ],
  ])('nginx itself answers %s', async (_what, req, nginxStatus, nodeStatus) => {
    const [direct, proxied] = [await httpRequest(nodes[0]?.url ?? '', req), await viaNginx(req)];
    expect({ nginx: proxied.status, server: proxied.headers.server, node: direct.status }).toEqual({
      nginx: nginxStatus,
      server: 'nginx',
      node: nodeStatus,
    });
  });

  it('routes around a stopped node without failing a request', async () => {
    await nodes[1]?.stop();
    const before = nginx?.accessLog().length ?? 0;
    const requests: HttpRequest[] = Array.from({ length: 30 }, (_, i) => ({
      method: ['PUT', 'POST', 'DELETE'][i % 3] ?? 'PUT',
      path: `/metrics/job/failover/n/${i}`,
      headers: TEXT,
      body: 'a 1\n',
    }));
    const statuses = [];
    for (const req of requests) statuses.push((await viaNginx(req)).status);
    expect(statuses).toEqual(requests.map((r) => (r.method === 'DELETE' ? 202 : 200)));

    const logged = (): AccessLogEntry[] => (nginx?.accessLog() ?? []).slice(before);
    await waitFor('every request in the access log', () => logged().length === requests.length);
    const retried = logged().filter((e) => e.upstream_addr.includes(','));
    // The stopped node is tried once, then skipped for fail_timeout.
    expect(retried.length).toBeGreaterThanOrEqual(1);
    expect(retried[0]?.upstream_status).toMatch(/^502, 20[02]$/);
  });

  it('answers 503 with Retry-After when no node can be reached', async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    const res = await viaNginx({
      method: 'PUT',
      path: '/metrics/job/j',
      headers: TEXT,
      body: 'a 1\n',
    });
    expect({
      status: res.status,
      retryAfter: res.headers['retry-after'],
      body: res.body.toString(),
    }).toEqual({
      status: 503,
      retryAfter: '1',
      body: 'no Pushgate node reachable, try again later\n',
    });
  });
});

/**
 * A node that reads a request and dies before answering (as a SIGKILLed node does): nginx has
 * sent the request, so without `non_idempotent` it would not retry a POST.
 */
function startDyingNode(
  method: string,
): Promise<{ address: string; hits(): number; close(): Promise<void> }> {
  let hits = 0;
  const server = createServer((socket) => {
    socket.once('data', (head: Buffer) => {
      // Other requests (startNginx's readiness probe) get an answer, so only `method` fails.
      if (!head.toString('latin1').startsWith(`${method} `)) {
        socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      hits++;
      socket.destroy();
    });
    socket.on('error', () => undefined);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        address: `127.0.0.1:${port}`,
        hits: () => hits,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

describeWithUpstream('nginx.conf when a node dies with the request in flight', () => {
  it.each(['PUT', 'POST', 'DELETE'])('%s is replayed on the next node', async (method) => {
    const [dying, node] = await Promise.all([startDyingNode(method), startUpstream()]);
    const nginx = await startNginx([dying.address, new URL(node.url).host]).catch(
      async (err: unknown) => {
        await Promise.all([dying.close(), node.stop()]);
        throw err;
      },
    );
    try {
      const req = { method, path: '/metrics/job/replayed', headers: TEXT, body: 'a 1\n' };
      // Round robin sends one of the first two requests to the dying node.
      const statuses = [
        (await httpRequest(nginx.url, req)).status,
        (await httpRequest(nginx.url, req)).status,
      ];
      expect(dying.hits()).toBe(1);
      expect(statuses).toEqual(method === 'DELETE' ? [202, 202] : [200, 200]);
      // nginx writes the log line after the response, so it may lag behind it a little.
      const logged = (): AccessLogEntry[] => nginx.accessLog().filter((e) => e.method === method);
      await waitFor('both requests in the access log', () => logged().length === 2);
      expect(logged().map((e) => e.upstream_status)).toContainEqual(`502, ${statuses[0]}`);
    } finally {
      await Promise.all([nginx.stop(), dying.close(), node.stop()]);
    }
  });
});
