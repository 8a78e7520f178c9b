import type { IncomingMessage } from 'node:http';
import type { GatewayResponse } from '../http-types';
import type { Params } from '../routing/route-pattern';

/**
 * A handler for one resolved route. `params` are the route's path parameters as byte strings
 * (one char per byte of the percent-decoded path). Throw to answer with an error: the error
 * handler is the only place that turns errors into responses.
 */
export type RouteHandler = (
  req: IncomingMessage,
  res: GatewayResponse,
  params: Params,
) => Promise<void> | void;
