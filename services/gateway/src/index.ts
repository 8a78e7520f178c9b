// Public surface of @pushgate/gateway: build and run a node in-process (tests, embedding).
export { createGateway, type Gateway, type GatewayDeps, type ListeningAddress } from './gateway';
export {
  loadConfig,
  parseCommandLine,
  usage,
  ConfigError,
  type GatewayConfig,
  type CommandLine,
} from './config';
export { createApp } from './app';
export type { AppContext } from './context';
export { createLogger, type Logger, type LoggerOptions } from './logger';
export { GatewayMetrics } from './metrics';
export { currentBuildInfo, type BuildInfo } from './build-info';
export type { ListenAddress } from './settings/listen-address';
