import { type PushMode, PushRejectedError, resolveTtl, TTL_HEADER } from '@pushgate/core';
import { readBody } from '../body';
import type { AppContext } from '../context';
import { header } from '../http-types';
import { approximateRequestSize } from '../request-size';
import { sendEmpty } from '../respond';
import { groupingKeyFromPath } from './grouping-key';
import { decodePushBody } from './push-body';
import type { RouteHandler } from './route-handler';

/**
 * PUT (replace the group) and POST (replace the families named in the body) on
 * `/metrics/job{@base64}/<job>{/<name>/<value>}`.
 *
 * Order as upstream: path first (400 before the body is even read), then body, then the store.
 * The answer comes only after the store applied the write: 200, or 400 when it rejected it.
 *
 * The group's TTL (extension) is decided here, from the Pushgate-TTL header or the --ttl.* flags,
 * and stored with the group; a malformed header is a 400 before the body is read.
 *
 * With --push.disable-consistency-check the answer is 202 whatever the store said. Unlike
 * upstream, the store still checks and rejects: nothing inconsistent is ever stored, so scrapes
 * keep working; the rejection is logged and recorded in push_failure_time_seconds.
 */
export function pushRoute(
  ctx: Pick<AppContext, 'store' | 'config' | 'metrics' | 'logger' | 'clock'>,
  jobBase64: boolean,
): RouteHandler {
  const { store, config, metrics, logger, clock } = ctx;
  return async (req, res, params) => {
    const started = performance.now();
    const method = req.method === 'PUT' ? 'put' : 'post';
    const mode: PushMode = method === 'put' ? 'replace' : 'merge';
    let wireBytes = 0;
    try {
      const labels = groupingKeyFromPath(params, jobBase64);
      res.locals.groupingKey = labels;
      const ttlSeconds = resolveTtl(config.ttl, labels, header(req, TTL_HEADER.toLowerCase()));
      const read = await readBody(req, config.maxBodyBytes);
      wireBytes = read.wireBytes;
      const families = decodePushBody(read, req.headers['content-type']);
      const request = { labels, families, mode, receivedAt: clock(), ttlSeconds };
      if (!config.disableConsistencyCheck) {
        await store.push(request);
        sendEmpty(res, 200);
        return;
      }
      try {
        await store.push(request);
      } catch (err) {
        if (!(err instanceof PushRejectedError)) throw err;
        logger.warn(
          { groupingKey: labels, reason: err.message },
          'push rejected (answered 202: --push.disable-consistency-check)',
        );
      }
      sendEmpty(res, 202);
    } finally {
      metrics.observePush(
        method,
        (performance.now() - started) / 1000,
        approximateRequestSize(req, wireBytes),
      );
    }
  };
}
