import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkerMetrics } from './metrics';

export interface WorkerHttpOptions {
  metrics: WorkerMetrics;
  /** True while the worker can do its jobs: store and queues reachable, workers running. */
  ready: () => Promise<boolean>;
}

/**
 * The worker's own endpoints: `/metrics` (its metrics), `/-/healthy` (the process serves HTTP)
 * and `/-/ready` (it can run jobs; 503 otherwise). Anything else is 404. GET and HEAD only.
 */
export function createWorkerServer({ metrics, ready }: WorkerHttpOptions): Server {
  return createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, 'internal server error\n');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://worker').pathname;
    if (!['/metrics', '/-/healthy', '/-/ready'].includes(path)) {
      reply(res, 404, '404 page not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      reply(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    if (path === '/metrics') {
      const { contentType, body } = await metrics.text();
      reply(res, 200, body, { 'Content-Type': contentType });
    } else if (path === '/-/healthy') {
      reply(res, 200, 'OK');
    } else if (await ready()) {
      reply(res, 200, 'OK');
    } else {
      reply(res, 503, 'store or job queues unavailable\n', { 'Retry-After': '1' });
    }
  }
}

function reply(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Listens on `host:port` (port 0: any free one) and returns the bound URL. */
export async function listen(
  server: Server,
  address: { host: string | undefined; port: number },
): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return `http://${host}:${bound.port}`;
}
