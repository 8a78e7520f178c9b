import express, { type Express } from 'express';
import type { AppContext } from './context';
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
 * The express app of one node, assembled in a fixed order: the Go-compatible dispatcher (routing,
 * router-level answers, handlers, request counting), then the one error handler.
 *
 * Express' own routing is not used: it decodes parameters after matching (so `%2F` could never
 * split a segment), matches case-insensitively and ignores trailing slashes, all unlike upstream.
 */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

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

  app.use(dispatch(router, handlers, ctx.metrics));
  app.use(errorHandler(ctx.logger));
  return app;
}
