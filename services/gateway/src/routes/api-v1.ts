import { formatRfc3339Nano, toApiGroupsJsonWithTtl } from '@pushgate/core';
import type { ServerResponse } from 'node:http';
import type { AppContext } from '../context';
import { goJson, send, sendEmpty } from '../respond';
import type { RouteHandler } from './route-handler';

/** Headers upstream sets on every /api/v1 answer (api/v1/api.go `setCORS`). */
export const API_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Headers': 'Accept, Authorization, Content-Type, Origin',
  'Access-Control-Allow-Methods': 'GET, POST, DELETE, OPTIONS',
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Date',
  'Cache-Control': 'no-cache, no-store, must-revalidate',
};

/** Upstream's success envelope around `data`, already JSON-encoded. */
function sendSuccess(res: ServerResponse, dataJson: string): void {
  send(res, 200, `{"status":"success","data":${dataJson}}`, {
    ...API_HEADERS,
    'Content-Type': 'application/json',
  });
}

function sortedKeys<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** GET /api/v1/status: build information, effective flags (all strings) and start time. */
export function apiStatusRoute({
  build,
  config,
  startTime,
}: Pick<AppContext, 'build' | 'config' | 'startTime'>): RouteHandler {
  const buildInformation = sortedKeys({
    branch: build.branch,
    buildDate: build.buildDate,
    buildUser: build.buildUser,
    goVersion: build.goVersion,
    revision: build.revision,
    version: build.version,
  });
  const flags = sortedKeys(config.flags);
  const started = formatRfc3339Nano(startTime.getTime() / 1000);
  const data = goJson({ build_information: buildInformation, flags, start_time: started });
  return (_req, res) => sendSuccess(res, data);
}

/**
 * GET /api/v1/metrics: every group with its families, in upstream's JSON shape; groups with a TTL
 * (extension) also carry `ttl-seconds` and `expires-at`.
 */
export function apiMetricsRoute({ store }: Pick<AppContext, 'store'>): RouteHandler {
  return async (_req, res) => sendSuccess(res, toApiGroupsJsonWithTtl(await store.getGroups()));
}

/** OPTIONS on anything below /api/v1/: the CORS preflight answer. */
export function apiOptionsRoute(): RouteHandler {
  return (_req, res) => sendEmpty(res, 200, API_HEADERS);
}

/**
 * PUT /api/v1/admin/wipe (only routed with --web.enable-admin-api). Upstream answers 202 before
 * queueing the deletes; here the wipe is applied first, so a push sent after the 202 is never
 * wiped by it.
 */
export function wipeRoute({ store, logger }: Pick<AppContext, 'store' | 'logger'>): RouteHandler {
  return async (_req, res) => {
    await store.wipe();
    logger.info('wiped all metric groups via the admin API');
    sendEmpty(res, 202);
  };
}
