import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { mergeGroups } from '@pushgate/core';
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
import { send } from '../respond';
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
 * GET <prefix><telemetry-path>: every stored group merged with this node's own metrics, in text
 * 0.0.4, delimited protobuf (or a protobuf debug text) as the Accept header asks, gzipped when the client takes it.
 * Not counted in pushgateway_http_requests_total (upstream counts no scrapes).
 */
export function scrapeRoute({
  store,
  metrics,
  reservedFamilies,
}: Pick<AppContext, 'store' | 'metrics' | 'reservedFamilies'>): RouteHandler {
  return async (req, res) => {
    const [groups, own] = await Promise.all([store.getGroups(), metrics.families()]);
    const families = mergeGroups(groups, own, reservedFamilies);
    const format = negotiateScrapeFormat(req.headers.accept);
    const body = encode(format, families);
    const headers: Record<string, string> = { 'Content-Type': SCRAPE_CONTENT_TYPES[format] };
    if (acceptsGzip(req.headers['accept-encoding'])) {
      headers['Content-Encoding'] = 'gzip';
      send(res, 200, await gzipAsync(body), headers);
    } else {
      send(res, 200, body, headers);
    }
  };
}
