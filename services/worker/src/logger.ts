import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

export interface WorkerLoggerOptions {
  level: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Where lines go; stderr by default. */
  destination?: DestinationStream;
}

/** The worker's structured logger: JSON lines with the gateway's keys (`ts`, `level`, `msg`). */
export function createWorkerLogger({ level, destination }: WorkerLoggerOptions): Logger {
  return pino(
    {
      level,
      base: { component: 'worker' },
      timestamp: () => `,"ts":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 2, sync: true }),
  );
}
