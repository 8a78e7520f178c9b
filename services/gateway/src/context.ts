import type { ReservedFamilies } from '@pushgate/core';
import type { MetricStore } from '@pushgate/store';
import type { BuildInfo } from './build-info';
import type { GatewayConfig } from './config';
import type { Logger } from './logger';
import type { GatewayMetrics } from './metrics';

/** Everything a handler may use, built once by the composition root and passed down. */
export interface AppContext {
  config: GatewayConfig;
  store: MetricStore;
  metrics: GatewayMetrics;
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
