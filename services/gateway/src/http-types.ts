import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString, type ParsedUrlQuery } from 'node:querystring';

/**
 * The node answers on node:http directly. Routing is our own Go-compatible router (express'
 * could not match upstream: it decodes before matching, ignores case and trailing slashes), so a
 * framework added nothing but its per-request cost, measured at 60–70 µs of CPU per request on
 * the benchmark machine, a fifth of a push (docs/benchmarks.md, 4F).
 */

/** What a request's handler tells the error handler, should it throw. */
export interface RequestLocals {
  /** The grouping key of a push or delete, for the log line of a rejection. */
  groupingKey?: unknown;
  /** An /api/v1 route: errors are answered with upstream's JSON envelope. */
  api?: boolean;
}

/** A response with its request's locals. */
export type GatewayResponse = ServerResponse & { locals: RequestLocals };

/** What node:http calls for each request. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** A request header (lower-case name), as one string; Node joins repeated headers with ", ". */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The query of the raw request target, parsed as express' default ("simple") query parser did:
 * node:querystring, so `a=1&a=2` gives an array and `+` is a space.
 */
export function queryOf(req: IncomingMessage): ParsedUrlQuery {
  const target = req.url ?? '';
  const q = target.indexOf('?');
  if (q < 0) return {};
  const hash = target.indexOf('#', q);
  return parseQueryString(target.slice(q + 1, hash < 0 ? undefined : hash));
}
