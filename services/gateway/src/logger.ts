import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogFormat, LogLevel } from './settings/flag-table';

export type { Logger };

export interface LoggerOptions {
  level: LogLevel | 'silent';
  format: LogFormat;
  /** Where lines go; stderr (as upstream) by default. */
  destination?: DestinationStream;
}

/**
 * The node's structured logger. Keys follow upstream's (`ts`, `level`, `msg`), so log queries
 * written for the Go binary keep working; `logfmt` renders the same record as key=value pairs.
 */
export function createLogger({ level, format, destination }: LoggerOptions): Logger {
  const sink = destination ?? pino.destination({ dest: 2, sync: true });
  return pino(
    {
      level,
      base: undefined,
      timestamp: () => `,"ts":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    format === 'logfmt' ? logfmtStream(sink) : sink,
  );
}

function logfmtStream(sink: DestinationStream): DestinationStream {
  return {
    write(line: string) {
      sink.write(`${toLogfmt(JSON.parse(line) as Record<string, unknown>)}\n`);
    },
  };
}

/** `{"level":"info","ts":"…","msg":"a b"}` → `ts=… level=info msg="a b"` (upstream's order). */
export function toLogfmt(record: Record<string, unknown>): string {
  const { ts, level, msg, ...rest } = record;
  const head = Object.entries({ ts, level, msg }).filter(([, v]) => v !== undefined);
  return [...head, ...Object.entries(rest)]
    .map(([key, value]) => `${key}=${logfmtValue(value)}`)
    .join(' ');
}

function logfmtValue(value: unknown): string {
  let s: string;
  if (typeof value === 'string') s = value;
  else if (
    value !== null &&
    typeof value === 'object' &&
    'message' in value &&
    typeof value.message === 'string'
  )
    s = value.message;
  else s = JSON.stringify(value) ?? String(value);
  return s === '' || /[\s="\\]/.test(s) ? JSON.stringify(s) : s;
}
