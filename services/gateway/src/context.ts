import type { ReservedFamilies } from '@pushgate/core';
import type { MetricStore } from '@pushgate/store';
import type { BuildInfo } from './build-info';
import type { GatewayConfig } from './config';
import type { Logger } from './logger';
import type { GatewayMetrics } from './metrics';
import type { OpsMetrics } from './ops-metrics';
import type { ScrapeCache } from './scrape-cache';

/** Everything a handler may use, built once by the composition root and passed down. */
export interface AppContext {
  config: GatewayConfig;
  store: MetricStore;
  metrics: GatewayMetrics;
  /** Pushgate's operational metrics (node-metrics listener only). */
  ops: OpsMetrics;
  /**
   * True with a shared store (Redis): the node's own metrics stay off /metrics (they would flip
   * between nodes behind a load balancer) and the rules reserve upstream's own families only.
   */
  clusterMode: boolean;
  /** The node's incremental text scrape; undefined for a store without a change feed. */
  scrapeCache: ScrapeCache | undefined;
  logger: Logger;
  /** Families pushes must not contradict: upstream's own plus this node's (see reservedFamilies). */
  reservedFamilies: ReservedFamilies;
  build: BuildInfo;
  /** When this node started. */
  startTime: Date;
  /** Current Unix time in seconds, with sub-millisecond precision. */
  clock: () => number;
  /** Starts a graceful stop (used by `/-/quit`); returns at once. */
  requestShutdown: () => void;
}
