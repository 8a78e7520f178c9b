import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ReservedFamilies, UPSTREAM_OWN_FAMILIES } from '@pushgate/core';
import type { MetricStore } from '@pushgate/store';
import type { Express } from 'express';
import { createApp } from './app';
import { type BuildInfo, currentBuildInfo } from './build-info';
import type { GatewayConfig } from './config';
import type { AppContext } from './context';
import { type Logger, createLogger } from './logger';
import { GatewayMetrics } from './metrics';
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

/** Where a listening gateway can be reached. */
export interface ListeningAddress {
  host: string;
  port: number;
  /** `http://host:port` (IPv6 hosts bracketed), no trailing slash. */
  url: string;
}

/** One Pushgate node. */
export interface Gateway {
  readonly app: Express;
  readonly config: GatewayConfig;
  readonly store: MetricStore;
  readonly logger: Logger;
  /**
   * Starts serving on `address` (default: the config's `web.listen-address`; port 0 picks a
   * free one). Call once.
   */
  listen(address?: ListenAddress): Promise<ListeningAddress>;
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
 * The composition root of a node: metrics, logger, store, express app and HTTP server, all
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
  const reservedFamilies = await reservedFamiliesOf(metrics);
  const store = deps.store ?? createStore(config, reservedFamilies, logger);

  let server: Server | undefined;
  let closing: Promise<void> | undefined;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));

  const close = (drainMs = 10_000): Promise<void> => {
    closing ??= (async () => {
      try {
        if (server) await stopServer(server, drainMs);
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
    async listen(address = config.listenAddress) {
      if (server) throw new Error('gateway is already listening');
      const srv = createServer(app);
      server = srv;
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(address.port, address.host, () => {
          srv.off('error', reject);
          resolve();
        });
      });
      const bound = srv.address() as AddressInfo;
      const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
      logger.info({ address: `${host}:${bound.port}` }, 'listening');
      return { host: bound.address, port: bound.port, url: `http://${host}:${bound.port}` };
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

/** Stops accepting, closes idle keep-alive connections as they become idle, cuts the rest at the deadline. */
async function stopServer(server: Server, drainMs: number): Promise<void> {
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  // server.close() only closes connections idle at that moment; keep-alive connections whose
  // request is still running become idle later and must be closed then.
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => server.closeAllConnections(), drainMs);
  server.closeIdleConnections();
  try {
    await stopped;
  } finally {
    clearInterval(sweep);
    clearTimeout(deadline);
  }
}
