import type { AppContext } from '../context';
import { send } from '../respond';
import { renderStatusPage } from '../ui/status-page';
import type { RouteHandler } from './route-handler';

/** GET `/` and `/status`: the HTML status page. */
export function statusPageRoute(
  ctx: Pick<AppContext, 'store' | 'build' | 'config' | 'startTime'>,
): RouteHandler {
  return async (_req, res) => {
    const html = renderStatusPage({
      groups: await ctx.store.getGroups(),
      build: ctx.build,
      flags: ctx.config.flags,
      startTime: ctx.startTime,
      adminApi: ctx.config.enableAdminApi,
    });
    send(res, 200, html, { 'Content-Type': 'text/html; charset=utf-8' });
  };
}
