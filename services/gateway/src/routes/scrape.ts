import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { filterFamilies, mergeGroups, parseSelectors, type SeriesSelector } from '@pushgate/core';
import {
  type MetricFamily,
  SCRAPE_CONTENT_TYPES,
  type ScrapeFormat,
  encodeDelimited,
  negotiateScrapeFormat,
  renderProtoText,
  renderText,
} from '@pushgate/exposition';
import { acceptsGzip } from '../accept-encoding';
import type { AppContext } from '../context';
import { queryOf } from '../http-types';
import { send } from '../respond';
import type { GzipStats } from '../scrape-gzip';
import { sendTextScrape } from '../scrape-response';
import type { RouteHandler } from './route-handler';

const gzipAsync = promisify(gzip);

function encode(format: ScrapeFormat, families: readonly MetricFamily[]): Buffer {
  switch (format) {
    case 'protobuf-delimited':
      return encodeDelimited(families);
    case 'protobuf-text':
      return Buffer.from(renderProtoText(families, false), 'utf8');
    case 'protobuf-compact-text':
      return Buffer.from(renderProtoText(families, true), 'utf8');
    case 'text':
      return Buffer.from(renderText(families), 'utf8');
  }
}

/**
 * GET <prefix><telemetry-path>: every stored group, merged with this node's own metrics in
 * single-node mode (not in cluster mode, where they are on the node-metrics listener), in text
 * 0.0.4, delimited protobuf (or a protobuf debug text) as the Accept header asks, gzipped when
 * the client takes it. Not counted in pushgateway_http_requests_total (upstream counts no scrapes).
 *
 * Text comes from the node's scrape cache, which applies only what changed since the previous
 * scrape (the bytes are those of the simple path below); the protobuf formats, rarely asked for,
 * take the simple path: read every group, merge, encode.
 */
export function scrapeRoute({
  store,
  metrics,
  ops,
  reservedFamilies,
  clusterMode,
  scrapeCache,
}: Pick<
  AppContext,
  'store' | 'metrics' | 'ops' | 'reservedFamilies' | 'clusterMode' | 'scrapeCache'
>): RouteHandler {
  return async (req, res) => {
    const started = performance.now();
    const format = negotiateScrapeFormat(req.headers.accept);
    const gzipped = acceptsGzip(req.headers['accept-encoding']);
    res.once('finish', () => {
      if (res.statusCode !== 200) return;
      const seconds = (performance.now() - started) / 1000;
      ops.observeScrape(format, gzipped ? 'gzip' : 'identity', seconds);
    });

    // `match[]` (Prometheus /federate syntax): parsed before touching the store, so a bad
    // selector is a 400 (SelectorParseError, mapped in http-errors.ts) whatever the store's state.
    const selectors = matchSelectors(queryOf(req)['match[]']);

    if (format === 'text' && scrapeCache !== undefined && selectors === undefined) {
      const snapshot = await scrapeCache.snapshot();
      const stats: GzipStats = { cached: 0, compressed: 0 };
      await sendTextScrape(
        res,
        snapshot,
        gzipped ? { cache: scrapeCache.gzip, stats } : undefined,
        req.method === 'HEAD',
      );
      ops.gzipSegmentsServed(stats.cached, stats.compressed);
      return;
    }

    const [groups, own] = await Promise.all([
      store.getGroups(),
      clusterMode ? [] : metrics.families(),
    ]);
    const merged = mergeGroups(groups, own, reservedFamilies);
    const families = selectors === undefined ? merged : filterFamilies(merged, selectors);
    const body = encode(format, families);
    const headers: Record<string, string> = { 'Content-Type': SCRAPE_CONTENT_TYPES[format] };
    if (gzipped) {
      headers['Content-Encoding'] = 'gzip';
      send(res, 200, await gzipAsync(body), headers);
    } else {
      send(res, 200, body, headers);
    }
  };
}

/** The `match[]` query parameters as selectors, or undefined when there are none. */
function matchSelectors(raw: unknown): SeriesSelector[] | undefined {
  if (raw === undefined) return undefined;
  const texts = (Array.isArray(raw) ? raw : [raw]).map((value) => String(value));
  return parseSelectors(texts);
}
