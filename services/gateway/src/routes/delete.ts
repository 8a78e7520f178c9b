import type { AppContext } from '../context';
import { sendEmpty } from '../respond';
import { groupingKeyFromPath } from './grouping-key';
import type { RouteHandler } from './route-handler';

/**
 * DELETE on a push path: removes exactly that group, bookkeeping gauges included (202, also when
 * it did not exist). The body is never read.
 */
export function deleteRoute(
  { store }: Pick<AppContext, 'store'>,
  jobBase64: boolean,
): RouteHandler {
  return async (_req, res, params) => {
    const labels = groupingKeyFromPath(params, jobBase64);
    res.locals.groupingKey = labels;
    await store.delete(labels);
    sendEmpty(res, 202);
  };
}
