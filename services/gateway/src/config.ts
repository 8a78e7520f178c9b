import { parseArgs } from 'node:util';
import {
  FLAGS,
  type FlagName,
  type FlagSpec,
  type FlagValues,
  type LogFormat,
  type LogLevel,
  envVarName,
} from './settings/flag-table';
import type { ListenAddress } from './settings/listen-address';

/** The validated settings of one gateway node. Build it with `loadConfig` (tests included). */
export interface GatewayConfig {
  listenAddress: ListenAddress;
  /** Scrape path below the route prefix, e.g. `/metrics`. */
  telemetryPath: string;
  externalUrl: string;
  /** Normalised: `''` (none) or `/name` without trailing slash. */
  routePrefix: string;
  enableLifecycle: boolean;
  enableAdminApi: boolean;
  /** Empty: keep metrics in memory only. */
  persistenceFile: string;
  persistenceIntervalMs: number;
  disableConsistencyCheck: boolean;
  /** Limit on a push body after decompression. */
  maxBodyBytes: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** Effective value of every flag as text, as /api/v1/status and the status page show them. */
  flags: Readonly<Record<string, string>>;
}

/** What the command line asks for. */
export type CommandLine =
  | { action: 'run'; config: GatewayConfig }
  | { action: 'help'; text: string }
  | { action: 'version' };

/** A setting has a bad value or the command line is malformed; the message names the setting. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const FLAG_NAMES = Object.keys(FLAGS) as FlagName[];

/**
 * Reads the flags (`--flag=value`, `--flag value`, `--bool`, `--no-bool`, `--bool=false`) and
 * their `PUSHGATE_<FLAG>` environment variables; a flag wins over its variable. Every value is
 * validated, and all problems are reported at once.
 */
export function parseCommandLine(argv: readonly string[], env: Env): CommandLine {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
  };
  for (const name of FLAG_NAMES) options[name] = { type: FLAGS[name].kind };

  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: normaliseBooleanFlags(argv),
      options,
      strict: true,
      allowPositionals: false,
      allowNegative: true,
    }));
  } catch (err) {
    throw new ConfigError([describeParseArgsError(err)]);
  }
  if (values.help === true) return { action: 'help', text: usage() };
  if (values.version === true) return { action: 'version' };

  const problems: string[] = [];
  const effective: Record<string, unknown> = {};
  const flags: Record<string, string> = {};
  for (const name of FLAG_NAMES) {
    const spec = FLAGS[name] as FlagSpec<unknown>;
    const fromFlag = values[name];
    const fromEnv = env[envVarName(name)];
    const raw = fromFlag !== undefined ? String(fromFlag) : (fromEnv ?? spec.default);
    const setting =
      fromFlag !== undefined
        ? `--${name}`
        : fromEnv !== undefined
          ? envVarName(name)
          : `--${name} (default)`;
    const result = spec.schema.safeParse(raw);
    if (!result.success) {
      const reason = result.error.issues.map((i) => i.message).join('; ');
      problems.push(`invalid ${setting} ${JSON.stringify(raw)}: ${reason}`);
      continue;
    }
    effective[name] = result.data;
    flags[name] = spec.echo ? spec.echo(result.data) : raw;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { action: 'run', config: toConfig(effective as FlagValues, flags) };
}

/** The config for `argv` and `env`; throws ConfigError, also for `--help` and `--version`. */
export function loadConfig(argv: readonly string[] = [], env: Env = {}): GatewayConfig {
  const cl = parseCommandLine(argv, env);
  if (cl.action !== 'run') throw new ConfigError([`--${cl.action} does not produce a config`]);
  return cl.config;
}

function toConfig(v: FlagValues, flags: Record<string, string>): GatewayConfig {
  return {
    listenAddress: v['web.listen-address'],
    telemetryPath: v['web.telemetry-path'],
    externalUrl: v['web.external-url'],
    routePrefix: routePrefix(v['web.route-prefix'], v['web.external-url']),
    enableLifecycle: v['web.enable-lifecycle'],
    enableAdminApi: v['web.enable-admin-api'],
    persistenceFile: v['persistence.file'],
    persistenceIntervalMs: v['persistence.interval'],
    disableConsistencyCheck: v['push.disable-consistency-check'],
    maxBodyBytes: v['push.max-body-bytes'],
    logLevel: v['log.level'],
    logFormat: v['log.format'],
    flags,
  };
}

/** Upstream's rule: default to the external URL's path; leading `/`, no trailing `/`, `/` = none. */
function routePrefix(flag: string, externalUrl: string): string {
  const raw = flag !== '' ? flag : externalUrl !== '' ? new URL(externalUrl).pathname : '';
  const trimmed = raw.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}

/** parseArgs rejects `--bool=false`; kingpin (upstream) accepts it, so rewrite it to `--no-bool`. */
function normaliseBooleanFlags(argv: readonly string[]): string[] {
  return argv.map((arg) => {
    const m = /^--([^=]+)=(true|false)$/.exec(arg);
    const name = m?.[1];
    if (!m || name === undefined || !(name in FLAGS) || FLAGS[name as FlagName].kind !== 'boolean')
      return arg;
    return m[2] === 'true' ? `--${name}` : `--no-${name}`;
  });
}

function describeParseArgsError(err: unknown): string {
  // Node's own wording names its API ("positional arguments", "option argument"), not our flags.
  const { code, message } = err as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(err);
  const quoted = /'([^']*)'/.exec(text)?.[1] ?? '';
  const option = quoted.split(' ')[0] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${option} (see --help)`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${JSON.stringify(quoted)} (flags look like --name=value)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (text.includes('does not take an argument'))
        return `flag ${option} takes no value other than true or false`;
      if (text.includes('ambiguous'))
        return `flag ${option} needs a value (write ${option}=-value for a value starting with "-")`;
      return `flag ${option} needs a value`;
    default:
      return text;
  }
}

/** The `--help` text. */
export function usage(): string {
  const rows: Array<[string, string]> = [
    ['-h, --help', 'Show this help.'],
    ['    --version', 'Show version information.'],
  ];
  for (const name of FLAG_NAMES) {
    const spec = FLAGS[name] as FlagSpec<unknown>;
    const left =
      spec.kind === 'boolean'
        ? `    --[no-]${name}`
        : `    --${name}=${JSON.stringify(spec.default)}`;
    rows.push([left, `${spec.help}\n${' '.repeat(4)}env ${envVarName(name)}`]);
  }
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  const body = rows
    .map(([l, r]) => {
      const [first, ...rest] = r.split('\n');
      return [
        `  ${l.padEnd(width)}${first ?? ''}`,
        ...rest.map((line) => `  ${' '.repeat(width)}${line.trim()}`),
      ].join('\n');
    })
    .join('\n');
  return `usage: pushgate [<flags>]\n\nA Prometheus Pushgateway node. Flags win over PUSHGATE_* environment variables.\n\nFlags:\n${body}\n`;
}
