import type { AppContext } from '../context';
import { sendText } from '../respond';
import type { RouteHandler } from './route-handler';

/**
 * PUT/POST `/-/quit`: with `--web.enable-lifecycle`, answers and then stops the node gracefully
 * (in-flight requests finish, the store persists), exactly as SIGTERM does.
 */
export function quitRoute({
  config,
  requestShutdown,
}: Pick<AppContext, 'config' | 'requestShutdown'>): RouteHandler {
  return (_req, res) => {
    if (!config.enableLifecycle) {
      sendText(res, 403, 'Lifecycle API is not enabled.');
      return;
    }
    res.once('finish', requestShutdown);
    sendText(res, 200, 'Requesting termination... Goodbye!');
  };
}

/** GET `/-/quit` (registered without the route prefix, as upstream does). */
export function quitGetRoute(): RouteHandler {
  return (_req, res) => sendText(res, 405, 'Only POST or PUT requests allowed.');
}
