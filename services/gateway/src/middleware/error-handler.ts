import type { IncomingMessage } from 'node:http';
import { toErrorReply } from '../http-errors';
import type { GatewayResponse } from '../http-types';
import type { Logger } from '../logger';
import { goJson, send, sendGoError } from '../respond';
import { API_HEADERS } from '../routes/api-v1';

/**
 * Turns whatever a handler threw into the answer `toErrorReply` decides, and logs it: client
 * mistakes at warn with the reason and grouping key (the log is their only trace), failures of
 * our own at error with the full error (which never reaches the client).
 */
export function errorHandler(
  logger: Logger,
): (err: unknown, req: IncomingMessage, res: GatewayResponse) => void {
  return (err, req, res) => {
    const reply = toErrorReply(err);
    const context = {
      method: req.method,
      path: req.url,
      status: reply.status,
      groupingKey: res.locals.groupingKey,
    };
    if (reply.level === 'error') logger.error({ ...context, err }, 'request failed');
    else
      logger[reply.level](
        { ...context, reason: err instanceof Error ? err.message : String(err) },
        'request rejected',
      );

    if (res.headersSent) {
      // Half an answer is already out; only cutting the connection tells the client.
      res.destroy();
      return;
    }
    if (res.locals.api === true) {
      // api/v1 clients expect upstream's JSON envelope.
      const errorType =
        reply.status === 503 ? 'unavailable' : reply.status >= 500 ? 'internal' : 'bad_data';
      send(res, reply.status, goJson({ status: 'error', errorType, error: reply.message }), {
        ...API_HEADERS,
        ...reply.headers,
        'Content-Type': 'application/json',
      });
      return;
    }
    sendGoError(res, reply.status, reply.message, reply.headers);
  };
}
