import type { AppContext } from '../context';
import { sendText } from '../respond';
import type { RouteHandler } from './route-handler';

/** `/-/healthy`: the process is up and serving HTTP. */
export function healthyRoute(): RouteHandler {
  return (_req, res) => sendText(res, 200, 'OK');
}

/**
 * `/-/ready`: this node can serve pushes and scrapes, i.e. its store answers. Load balancers use
 * it to route around a node that lost its backend.
 */
export function readyRoute({ store }: Pick<AppContext, 'store'>): RouteHandler {
  return async (_req, res) => {
    if (await store.ready()) sendText(res, 200, 'OK');
    else sendText(res, 503, 'metric store unavailable\n', { 'Retry-After': '1' });
  };
}
