// Public surface of @pushgate/worker: build and run a worker in-process (tests, embedding).
export { createWorker, type PushgateWorker, type WorkerDeps } from './worker';
export {
  loadWorkerConfig,
  parseWorkerCommandLine,
  workerUsage,
  WorkerConfigError,
  type WorkerConfig,
  type WorkerCommandLine,
} from './config';
export {
  startScheduler,
  queueName,
  tickOf,
  type PeriodicTask,
  type Scheduler,
  type SchedulerOptions,
  type Tick,
} from './scheduler';
export {
  restoreFile,
  restoreSnapshot,
  restoreOnEmpty,
  RestoreRefusedError,
  type RestoreMode,
} from './restore';
export { createWorkerLogger, type Logger } from './logger';
export { WorkerMetrics } from './metrics';
