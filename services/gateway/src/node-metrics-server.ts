import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from './logger';
import { sendGoError, send } from './respond';

/** The path the node-metrics listener serves (nothing else). */
export const NODE_METRICS_PATH = '/metrics';

/**
 * The node-metrics listener (`--web.node-metrics-address`): this node's own metrics, i.e. what a
 * single node merges into /metrics (pushgateway_*, process_*, nodejs_*) plus Pushgate's
 * operational pushgate_* metrics. In cluster mode nginx balances /metrics over the nodes, so
 * per-node counters there would jump between nodes from scrape to scrape; here each node is
 * scraped as a target of its own, which nginx does not expose.
 */
export function createNodeMetricsServer(registries: readonly Registry[], logger: Logger): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== NODE_METRICS_PATH) {
      sendGoError(res, 404, '404 page not found');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendGoError(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
      return;
    }
    // Node leaves the body out of a HEAD answer itself, Content-Length stays that of the GET.
    render(registries).then(
      (text) =>
        send(res, 200, text, {
          'Content-Type': registries[0]?.contentType ?? 'text/plain; version=0.0.4; charset=utf-8',
        }),
      (err: unknown) => {
        logger.error({ err }, 'rendering the node metrics failed');
        sendGoError(res, 500, 'An error has occurred while serving metrics');
      },
    );
  });
}

/** The registries' texts one after the other: their family names never overlap. */
async function render(registries: readonly Registry[]): Promise<string> {
  const texts = await Promise.all(registries.map((r) => r.metrics()));
  return texts.map((t) => (t === '' || t.endsWith('\n') ? t : `${t}\n`)).join('');
}
