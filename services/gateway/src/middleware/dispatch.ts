import type { IncomingMessage } from 'node:http';
import type { GatewayResponse } from '../http-types';
import type { GatewayMetrics, HandlerLabel } from '../metrics';
import { goHtmlEscape } from '../routing/go-url';
import type { GoRouter } from '../routing/go-router';
import type { RouteName } from '../routing/route-table';
import { send, sendEmpty, sendGoError } from '../respond';
import type { RouteHandler } from '../routes/route-handler';

/** Upstream's `handler` label per route; routes without one (scrape, quit) are not counted. */
const HANDLER_LABELS: Partial<Record<RouteName, HandlerLabel>> = {
  push: 'push',
  'push-base64': 'push',
  delete: 'delete',
  'delete-base64': 'delete',
  wipe: 'wipe',
  healthy: 'healthy',
  ready: 'ready',
  'status-page': 'status',
  'api-status': 'api/v1/status',
  'api-metrics': 'api/v1/metrics',
  'api-options': 'api/v1/options',
};

const API_ROUTES: ReadonlySet<RouteName> = new Set([
  'api-status',
  'api-metrics',
  'api-options',
  'wipe',
]);

/**
 * The one request handler in front of the route handlers: resolves the raw request target with
 * the Go-compatible router and either answers at router level (redirect, OPTIONS, 405, 404, 400;
 * never counted, as upstream) or runs the route's handler, counting its answer.
 */
export function dispatch(
  router: GoRouter<RouteName>,
  handlers: Readonly<Record<RouteName, RouteHandler>>,
  metrics: GatewayMetrics,
): (req: IncomingMessage, res: GatewayResponse) => Promise<void> {
  return async (req, res) => {
    const method = req.method ?? '';
    const resolution = router.resolve(method, req.url ?? '');
    switch (resolution.kind) {
      case 'handle': {
        const label = HANDLER_LABELS[resolution.route];
        if (label) res.once('finish', () => metrics.countRequest(label, method, res.statusCode));
        if (API_ROUTES.has(resolution.route)) res.locals.api = true;
        await handlers[resolution.route](req, res, resolution.params);
        return;
      }
      case 'redirect': {
        // Go's http.Redirect: a short HTML body for GET only.
        res.setHeader('Location', resolution.location);
        if (method === 'GET' || method === 'HEAD') {
          const body = `<a href="${goHtmlEscape(resolution.location)}">${resolution.status === 301 ? 'Moved Permanently' : 'Temporary Redirect'}</a>.\n\n`;
          send(res, resolution.status, method === 'GET' ? body : '', {
            'Content-Type': 'text/html; charset=utf-8',
          });
        } else {
          sendEmpty(res, resolution.status);
        }
        return;
      }
      case 'options':
        sendEmpty(res, 200, { Allow: resolution.allow });
        return;
      case 'method-not-allowed':
        sendGoError(res, 405, 'Method Not Allowed', { Allow: resolution.allow });
        return;
      case 'not-found':
        sendGoError(res, 404, '404 page not found');
        return;
      case 'bad-request':
        // What Go's HTTP server itself answers to a request target it cannot parse.
        send(res, 400, '400 Bad Request', {
          'Content-Type': 'text/plain; charset=utf-8',
          Connection: 'close',
        });
        return;
    }
  };
}
