import { parseArgs } from 'node:util';
import {
  formatGoDuration,
  InvalidTtlError,
  NO_TTL,
  parseTtl,
  parseTtlRule,
  type TtlPolicy,
} from '@pushgate/core';
import {
  FLAGS,
  type FlagName,
  type FlagSpec,
  type FlagValues,
  type LogFormat,
  type LogLevel,
  envVarName,
} from './settings/flag-table';
import {
  CLUSTER_FLAG_NAMES,
  CLUSTER_USAGE,
  clusterSettings,
  type StoreSettings,
} from './settings/cluster-flags';
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
  /** TTLs given to pushes (extension; upstream's default is none: groups live until deleted). */
  ttl: TtlPolicy;
  /** Where the groups live: this process (single node) or Redis (cluster mode). */
  store: StoreSettings;
  /** Where this node serves its own metrics on a listener of their own (see cluster-flags.ts). */
  nodeMetricsAddress: ListenAddress | undefined;
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

/** What parseArgs returns: one value per flag, a list for a repeatable one. */
type ParsedValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

const FLAG_NAMES = Object.keys(FLAGS) as FlagName[];

/**
 * Reads the flags (`--flag=value`, `--flag value`, `--bool`, `--no-bool`, `--bool=false`) and
 * their `PUSHGATE_<FLAG>` environment variables; a flag wins over its variable. Every value is
 * validated, and all problems are reported at once.
 */
export function parseCommandLine(argv: readonly string[], env: Env): CommandLine {
  const options: Record<
    string,
    { type: 'string' | 'boolean'; short?: string; multiple?: boolean }
  > = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
    [TTL_DEFAULT]: { type: 'string' },
    [TTL_RULE]: { type: 'string', multiple: true },
    ...Object.fromEntries(CLUSTER_FLAG_NAMES.map((name) => [name, { type: 'string' as const }])),
  };
  for (const name of FLAG_NAMES) options[name] = { type: FLAGS[name].kind };

  let values: ParsedValues;
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
  const ttl = ttlPolicy(values, env, problems, flags);
  const cluster = clusterSettings(
    values,
    env,
    (effective['persistence.file'] as string | undefined) ?? '',
    problems,
    flags,
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    action: 'run',
    config: { ...toConfig(effective as FlagValues, ttl, flags), ...cluster },
  };
}

// The TTL flags (an extension) are not in the flag table: --ttl.rule repeats, which the table's
// one-value-per-flag model does not cover.
const TTL_DEFAULT = 'ttl.default';
const TTL_RULE = 'ttl.rule';
const TTL_USAGE: ReadonlyArray<[string, string]> = [
  [
    `    --${TTL_DEFAULT}="0"`,
    `TTL of groups whose push has no Pushgate-TTL header and matches no --${TTL_RULE} (e.g. 15m); 0 = never expire.\nenv ${envVarName(TTL_DEFAULT)}`,
  ],
  [
    `    --${TTL_RULE}=<job regex>=<duration> ...`,
    `Per-job TTL, e.g. 'backup-.*=2h': the regex must match the whole job name; repeatable, the first match wins.\nenv ${envVarName(TTL_RULE)}, one rule per line`,
  ],
];

/**
 * The TTL policy from --ttl.default and --ttl.rule (or their variables; flags win). The values
 * are echoed in `flags` only when set, so that without TTLs /api/v1/status shows upstream's flags.
 */
function ttlPolicy(
  values: ParsedValues,
  env: Env,
  problems: string[],
  flags: Record<string, string>,
): TtlPolicy {
  const defaultFlag = values[TTL_DEFAULT];
  const ruleFlags = values[TTL_RULE];
  const defaultSource =
    typeof defaultFlag === 'string' ? `--${TTL_DEFAULT}` : envVarName(TTL_DEFAULT);
  const ruleSource = Array.isArray(ruleFlags) ? `--${TTL_RULE}` : envVarName(TTL_RULE);
  const defaultText = typeof defaultFlag === 'string' ? defaultFlag : env[envVarName(TTL_DEFAULT)];
  const ruleTexts = Array.isArray(ruleFlags)
    ? ruleFlags.map(String)
    : (env[envVarName(TTL_RULE)]?.split('\n').filter((line) => line.trim() !== '') ?? []);
  if (defaultText === undefined && ruleTexts.length === 0) return NO_TTL;

  const collect = <T>(parse: () => T, context: string): T | undefined => {
    try {
      return parse();
    } catch (err) {
      if (!(err instanceof InvalidTtlError)) throw err;
      problems.push(context === '' ? err.message : `${context}: ${err.message}`);
      return undefined;
    }
  };
  const defaultSeconds =
    defaultText === undefined ? 0 : (collect(() => parseTtl(defaultText, defaultSource), '') ?? 0);
  const rules = ruleTexts.flatMap((text) => collect(() => parseTtlRule(text), ruleSource) ?? []);
  flags[TTL_DEFAULT] = formatGoDuration(defaultSeconds * 1000);
  flags[TTL_RULE] = rules.map((rule) => rule.text).join('\n');
  return { defaultSeconds, rules };
}

/** The config for `argv` and `env`; throws ConfigError, also for `--help` and `--version`. */
export function loadConfig(argv: readonly string[] = [], env: Env = {}): GatewayConfig {
  const cl = parseCommandLine(argv, env);
  if (cl.action !== 'run') throw new ConfigError([`--${cl.action} does not produce a config`]);
  return cl.config;
}

function toConfig(
  v: FlagValues,
  ttl: TtlPolicy,
  flags: Record<string, string>,
): Omit<GatewayConfig, 'store' | 'nodeMetricsAddress'> {
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
    ttl,
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
  rows.push(...TTL_USAGE);
  rows.push(...CLUSTER_USAGE);
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
