import { z } from 'zod';
import { parseByteSize } from './byte-size';
import { formatGoDuration, parseDuration } from './duration';
import { type ListenAddress, parseListenAddress } from './listen-address';

/**
 * One command-line flag: upstream's name, how parseArgs reads it, its default (as text, like a
 * value given on the command line), the help line, and the zod schema turning the text into
 * the typed value. `echo` renders the effective value the way upstream's /api/v1/status does.
 */
export interface FlagSpec<T> {
  kind: 'string' | 'boolean';
  default: string;
  help: string;
  schema: z.ZodType<T, string>;
  echo?: (value: T) => string;
}

function flag<T>(spec: FlagSpec<T>): FlagSpec<T> {
  return spec;
}

/** A string schema whose parse failures carry `expected` as their message. */
function parsed<T>(parse: (s: string) => T | undefined, expected: string): z.ZodType<T, string> {
  return z.string().transform((s, ctx) => {
    const v = parse(s);
    if (v === undefined) {
      ctx.addIssue({ code: 'custom', message: expected });
      return z.NEVER;
    }
    return v;
  });
}

const bool = z.string().transform((s, ctx) => {
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  ctx.addIssue({ code: 'custom', message: 'expected true or false' });
  return z.NEVER;
});

function oneOf<const T extends string>(values: readonly T[]): z.ZodType<T, string> {
  return parsed((s) => values.find((v) => v === s), `expected one of ${values.join(', ')}`);
}

function absoluteUrl(s: string): string | undefined {
  if (s === '') return s;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? s : undefined;
  } catch {
    return undefined;
  }
}

/** An absolute, already clean path other than `/` (what the Go router can register). */
function telemetryPath(s: string): string | undefined {
  if (!s.startsWith('/') || s === '/' || s.endsWith('/')) return undefined;
  const segments = s.slice(1).split('/');
  return segments.every((seg) => seg !== '' && seg !== '.' && seg !== '..' && !/[?#]/.test(seg))
    ? s
    : undefined;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'logfmt'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Every flag, under upstream's names (help texts as upstream's where the flag exists there). */
export const FLAGS = {
  'web.listen-address': flag<ListenAddress>({
    kind: 'string',
    default: ':9091',
    help: 'Address to listen on for the web interface, API, and telemetry.',
    schema: parsed(parseListenAddress, 'expected [host]:port, e.g. :9091 or 127.0.0.1:9091'),
  }),
  'web.telemetry-path': flag<string>({
    kind: 'string',
    default: '/metrics',
    help: 'Path under which to expose metrics.',
    schema: parsed(telemetryPath, 'expected an absolute path like /metrics'),
  }),
  'web.external-url': flag<string>({
    kind: 'string',
    default: '',
    help: 'The URL under which the Pushgateway is externally reachable.',
    schema: parsed(
      absoluteUrl,
      'expected an absolute http(s) URL like https://example.com/pushgateway/',
    ),
  }),
  'web.route-prefix': flag<string>({
    kind: 'string',
    default: '',
    help: 'Prefix for the internal routes of web endpoints. Defaults to the path of --web.external-url.',
    schema: z.string(),
  }),
  'web.enable-lifecycle': flag<boolean>({
    kind: 'boolean',
    default: 'false',
    help: 'Enable shutdown via HTTP request.',
    schema: bool,
  }),
  'web.enable-admin-api': flag<boolean>({
    kind: 'boolean',
    default: 'false',
    help: 'Enable API endpoints for admin control actions.',
    schema: bool,
  }),
  'persistence.file': flag<string>({
    kind: 'string',
    default: '',
    help: 'File to persist metrics. If empty, metrics are only kept in memory.',
    schema: z.string(),
  }),
  'persistence.interval': flag<number>({
    kind: 'string',
    default: '5m',
    help: 'The minimum interval at which to write out the persistence file.',
    schema: parsed(parseDuration, 'expected a duration like 5m'),
    echo: formatGoDuration,
  }),
  'push.disable-consistency-check': flag<boolean>({
    kind: 'boolean',
    default: 'false',
    help: 'Answer pushes with 202 instead of 200 and never report inconsistent pushes to the client (they are still rejected and logged).',
    schema: bool,
  }),
  'push.max-body-bytes': flag<number>({
    kind: 'string',
    default: '16MiB',
    help: 'Maximum size of a push body after decompression; larger pushes get 413.',
    schema: parsed(parseByteSize, 'expected a size like 16MiB or 1048576'),
    echo: String,
  }),
  'log.level': flag<LogLevel>({
    kind: 'string',
    default: 'info',
    help: `Only log messages with the given severity or above. One of: [${LOG_LEVELS.join(', ')}]`,
    schema: oneOf(LOG_LEVELS),
  }),
  'log.format': flag<LogFormat>({
    kind: 'string',
    default: 'json',
    help: `Output format of log messages. One of: [${LOG_FORMATS.join(', ')}]`,
    schema: oneOf(LOG_FORMATS),
  }),
} as const;

export type FlagName = keyof typeof FLAGS;
export type FlagValues = {
  [K in FlagName]: (typeof FLAGS)[K] extends FlagSpec<infer T> ? T : never;
};

/** `web.listen-address` → `PUSHGATE_WEB_LISTEN_ADDRESS`. */
export function envVarName(flagName: string): string {
  return `PUSHGATE_${flagName.toUpperCase().replace(/[.-]/g, '_')}`;
}
