import { type Server, createServer } from 'node:http';
import { type ReservedFamilies, UPSTREAM_OWN_FAMILIES } from '@pushgate/core';
import { hasChangeFeed, type MetricStore } from '@pushgate/store';
import { createApp } from './app';
import type { RequestListener } from './http-types';
import { type BuildInfo, currentBuildInfo } from './build-info';
import type { GatewayConfig } from './config';
import type { AppContext } from './context';
import { type ListeningAddress, listenOn, stopServer } from './http-listen';
import { type Logger, createLogger } from './logger';
import { GatewayMetrics } from './metrics';
import { createNodeMetricsServer } from './node-metrics-server';
import { OpsMetrics } from './ops-metrics';
import { ScrapeCache } from './scrape-cache';
import type { ListenAddress } from './settings/listen-address';
import { createStore } from './store-factory';

/** Optional replacements for what createGateway would otherwise build from the config. */
export interface GatewayDeps {
  /** The store to use instead of the one the config describes. The gateway closes it on close(). */
  store?: MetricStore;
  logger?: Logger;
  /** Current Unix time in seconds (sub-millisecond precision); defaults to the system clock. */
  clock?: () => number;
  build?: BuildInfo;
}

export type { ListeningAddress } from './http-listen';

/** One Pushgate node. */
export interface Gateway {
  readonly app: RequestListener;
  readonly config: GatewayConfig;
  readonly store: MetricStore;
  readonly logger: Logger;
  /**
   * Starts serving on `address` (default: the config's `web.listen-address`; port 0 picks a
   * free one), and the node-metrics listener on `--web.node-metrics-address` if there is one.
   * Call once.
   */
  listen(address?: ListenAddress): Promise<ListeningAddress>;
  /** Where the node-metrics listener serves, once listening (undefined: it does not run). */
  readonly nodeMetricsAddress: ListeningAddress | undefined;
  /**
   * Graceful stop: stop accepting connections, let in-flight requests finish (connections still
   * busy after `drainMs`, default 10 s, are cut), then close the store (which persists).
   * Idempotent; `/-/quit` calls it too.
   */
  close(drainMs?: number): Promise<void>;
  /** Settles when the gateway has stopped, however the stop was requested. */
  readonly closed: Promise<void>;
}

function systemClock(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}

/**
 * The composition root of a node: metrics, logger, store, request listener and HTTP server, all
 * built here from the config and passed down; nothing global. Integration suites use it to run a
 * node in-process:
 *
 *   const gw = await createGateway(loadConfig(['--web.listen-address=127.0.0.1:0']));
 *   const { url } = await gw.listen();
 *   ...
 *   await gw.close();
 */
export async function createGateway(
  config: GatewayConfig,
  deps: GatewayDeps = {},
): Promise<Gateway> {
  const logger = deps.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const build = deps.build ?? currentBuildInfo();
  logger.info({ version: build.version, runtime: build.goVersion }, 'starting pushgate');
  const metrics = new GatewayMetrics(build);
  // Cluster mode: the rules must be the same on every node (and node versions), and the node's
  // own families are not on /metrics there, so only upstream's own families are reserved.
  const clusterMode = config.store.kind === 'redis';
  const reservedFamilies = clusterMode ? UPSTREAM_OWN_FAMILIES : await reservedFamiliesOf(metrics);
  const store = deps.store ?? (await createStore(config, reservedFamilies, logger));
  const ops = new OpsMetrics(store);
  const scrapeCache = hasChangeFeed(store)
    ? new ScrapeCache({
        feed: store.changeFeed(),
        reserved: reservedFamilies,
        ownFamilies: clusterMode ? undefined : () => metrics.families(),
        ops,
      })
    : undefined;
  // Load the scrape cache now rather than on the first scrape (a large store takes seconds).
  scrapeCache?.snapshot().catch((err: unknown) => {
    logger.warn({ err }, 'could not load the scrape cache yet; the first scrape will retry');
  });

  let server: Server | undefined;
  let nodeMetricsServer: Server | undefined;
  let nodeMetricsAddress: ListeningAddress | undefined;
  let closing: Promise<void> | undefined;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));

  const close = (drainMs = 10_000): Promise<void> => {
    closing ??= (async () => {
      try {
        await Promise.all(
          [server, nodeMetricsServer].map((srv) => srv && stopServer(srv, drainMs)),
        );
        await scrapeCache?.close();
        await store.close();
        logger.info('gateway stopped');
      } finally {
        markClosed();
      }
    })();
    return closing;
  };

  const ctx: AppContext = {
    config,
    store,
    metrics,
    ops,
    clusterMode,
    scrapeCache,
    logger,
    reservedFamilies,
    build,
    startTime: new Date(),
    clock: deps.clock ?? systemClock,
    requestShutdown: () => {
      logger.warn('received termination request via web service, exiting gracefully...');
      close().catch((err: unknown) => logger.error({ err }, 'graceful stop failed'));
    },
  };
  const app = createApp(ctx);

  return {
    app,
    config,
    store,
    logger,
    closed,
    close,
    get nodeMetricsAddress() {
      return nodeMetricsAddress;
    },
    async listen(address = config.listenAddress) {
      if (server) throw new Error('gateway is already listening');
      server = createServer(app);
      const bound = await listenOn(server, address);
      logger.info({ address: `${bound.url.slice('http://'.length)}` }, 'listening');
      if (config.nodeMetricsAddress) {
        nodeMetricsServer = createNodeMetricsServer([metrics.registry, ops.registry], logger);
        try {
          nodeMetricsAddress = await listenOn(nodeMetricsServer, config.nodeMetricsAddress);
        } catch (err) {
          // Serve both or neither.
          nodeMetricsServer = undefined;
          await stopServer(server, 0);
          throw new Error(
            `cannot listen on --web.node-metrics-address ${config.flags['web.node-metrics-address'] ?? ''}: ${(err as Error).message}`,
            { cause: err },
          );
        }
        logger.info(
          { address: nodeMetricsAddress.url.slice('http://'.length) },
          'serving node metrics',
        );
      }
      return bound;
    },
  };
}

/**
 * The families pushes must not contradict: upstream's own (so pushes rejected by upstream are
 * rejected here too) and this node's, whose type and HELP win where both have a family.
 */
async function reservedFamiliesOf(metrics: GatewayMetrics): Promise<ReservedFamilies> {
  return new Map([...UPSTREAM_OWN_FAMILIES, ...(await metrics.reservedFamilies())]);
}
