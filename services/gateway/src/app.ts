import type { AppContext } from './context';
import type { GatewayResponse, RequestListener } from './http-types';
import { dispatch } from './middleware/dispatch';
import { errorHandler } from './middleware/error-handler';
import { createRouter, type RouteName } from './routing/route-table';
import { apiMetricsRoute, apiOptionsRoute, apiStatusRoute, wipeRoute } from './routes/api-v1';
import { deleteRoute } from './routes/delete';
import { healthyRoute, readyRoute } from './routes/health';
import { quitGetRoute, quitRoute } from './routes/lifecycle';
import { pushRoute } from './routes/push';
import type { RouteHandler } from './routes/route-handler';
import { scrapeRoute } from './routes/scrape';
import { statusPageRoute } from './routes/status-page';

/**
 * The request listener of one node: the Go-compatible dispatcher (routing, router-level answers,
 * handlers, request counting), then the one error handler for whatever a handler throws.
 *
 * Plain node:http, no framework (see http-types.ts for why): the router is ours, because
 * express' decodes parameters after matching (so `%2F` could never split a segment), matches
 * case-insensitively and ignores trailing slashes, all unlike upstream.
 */
export function createApp(ctx: AppContext): RequestListener {
  const handlers: Record<RouteName, RouteHandler> = {
    push: pushRoute(ctx, false),
    'push-base64': pushRoute(ctx, true),
    delete: deleteRoute(ctx, false),
    'delete-base64': deleteRoute(ctx, true),
    scrape: scrapeRoute(ctx),
    healthy: healthyRoute(),
    ready: readyRoute(ctx),
    'status-page': statusPageRoute(ctx),
    quit: quitRoute(ctx),
    'quit-get': quitGetRoute(),
    'api-status': apiStatusRoute(ctx),
    'api-metrics': apiMetricsRoute(ctx),
    'api-options': apiOptionsRoute(),
    wipe: wipeRoute(ctx),
  };
  const router = createRouter({
    routePrefix: ctx.config.routePrefix,
    telemetryPath: ctx.config.telemetryPath,
    enableAdminApi: ctx.config.enableAdminApi,
  });
  const handle = dispatch(router, handlers, ctx.metrics);
  const onError = errorHandler(ctx.logger);

  return (req, res) => {
    const response = res as GatewayResponse;
    response.locals = {};
    handle(req, response).catch((err: unknown) => {
      try {
        onError(err, req, response);
      } catch (failure) {
        // The error handler itself failed: nothing sensible can be sent any more.
        ctx.logger.error({ err: failure }, 'error handler failed');
        response.destroy();
      }
    });
  };
}
