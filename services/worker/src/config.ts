import { parseArgs } from 'node:util';
import { formatGoDuration, parseDuration } from '@pushgate/core';

/**
 * The validated settings of one worker. Every replica of a deployment must run with the same
 * values: the job schedulers are shared, and the last replica to start sets their interval.
 *
 * The worker has no TTL values of its own: gateways resolve a push's TTL (--ttl.default,
 * --ttl.rule, the Pushgate-TTL header) and store it with the group, and the sweep deletes what
 * the stored expiry times say. Only how often and in what batches it sweeps is set here.
 */
export interface WorkerConfig {
  /** The Redis holding both the metric store and the job queues. */
  redisUrl: string;
  /** Key prefix of the metric store; must be the gateways' (RedisMetricStore `keyPrefix`). */
  storeKeyPrefix: string;
  /** BullMQ key prefix; the braces make it a hash tag, so queues work on Redis Cluster too. */
  queuePrefix: string;
  /** Where /metrics, /-/healthy and /-/ready are served. */
  listenAddress: { host: string | undefined; port: number };
  sweepIntervalMs: number;
  sweepBatchSize: number;
  snapshotIntervalMs: number;
  /** Empty: no snapshots are taken (and none is restored). */
  snapshotDir: string;
  snapshotKeep: number;
  restoreOnEmpty: boolean;
  /**
   * How long a job is locked by the worker running it. A worker that dies mid-job loses the lock
   * after this, and another worker runs the job again.
   */
  lockDurationMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Effective value of every flag as text (for the start-up log). */
  flags: Readonly<Record<string, string>>;
}

/** A setting has a bad value or the command line is malformed; every problem is listed. */
export class WorkerConfigError extends Error {
  override name = 'WorkerConfigError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

type Env = Readonly<Record<string, string | undefined>>;

interface Flag<T> {
  kind: 'string' | 'boolean';
  default: string;
  help: string;
  /**
   * Variables read, in order, when the flag is not given; PUSHGATE_<FLAG> (as the gateway's)
   * unless set.
   */
  env?: readonly string[];
  parse(text: string): T | undefined;
  expected: string;
  echo?: (value: T) => string;
}

const duration = (min: number) => ({
  parse: (s: string) => {
    const ms = parseDuration(s);
    return ms !== undefined && ms >= min ? ms : undefined;
  },
  expected: `a duration like 10s or 5m, at least ${formatGoDuration(min)}`,
  echo: formatGoDuration,
});

const count = (min: number) => ({
  parse: (s: string) => (/^[0-9]+$/.test(s) && Number(s) >= min ? Number(s) : undefined),
  expected: `a whole number, at least ${min}`,
  echo: String,
});

const bool = {
  parse: (s: string) =>
    s === 'true' || s === '1' ? true : s === 'false' || s === '0' ? false : undefined,
  expected: 'true or false',
  echo: String,
};

const text = { parse: (s: string) => s, expected: 'text' };

function redisUrl(s: string): string | undefined {
  try {
    return ['redis:', 'rediss:'].includes(new URL(s).protocol) ? s : undefined;
  } catch {
    return undefined;
  }
}

/** `:9092`, `127.0.0.1:9092`, `[::1]:9092` (Go's host:port, as the gateway's flag). */
function listenAddress(s: string): WorkerConfig['listenAddress'] | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:[\]\s/]*)):([0-9]{1,5})$/.exec(s);
  if (m === null || Number(m[3]) > 65535) return undefined;
  const host = m[1] ?? m[2];
  return { host: host === '' ? undefined : host, port: Number(m[3]) };
}

const FLAGS = {
  'redis.url': {
    kind: 'string',
    default: '',
    env: ['PUSHGATE_REDIS_URL', 'REDIS_URL'],
    help: 'Redis of the metric store and the job queues, e.g. redis://redis:6379/0.',
    // Empty is checked on its own below, with a message that says what to do.
    parse: (s: string) => (s === '' ? s : redisUrl(s)),
    expected: 'a redis:// or rediss:// URL',
  } satisfies Flag<string>,
  'redis.key-prefix': {
    kind: 'string',
    default: 'pushgate',
    help: "Key prefix of the metric store: the gateways' value.",
    parse: (s: string) => (s !== '' && !/[{}]/.test(s) ? s : undefined),
    expected: 'non-empty text without { or }',
  } satisfies Flag<string>,
  'queue.prefix': {
    kind: 'string',
    default: '{pushgate-worker}',
    help: 'Key prefix of the job queues (keep a {hash tag} for Redis Cluster).',
    parse: (s: string) => (s !== '' ? s : undefined),
    expected: 'non-empty text',
  } satisfies Flag<string>,
  'web.listen-address': {
    kind: 'string',
    default: ':9092',
    help: 'Address of /metrics, /-/healthy and /-/ready.',
    parse: listenAddress,
    expected: '[host]:port, e.g. :9092 or 127.0.0.1:9092',
  } satisfies Flag<WorkerConfig['listenAddress']>,
  'ttl.sweep-interval': {
    kind: 'string',
    default: '10s',
    help: 'How often expired groups are deleted (they are invisible from their expiry on anyway).',
    ...duration(100),
  } satisfies Flag<number>,
  'ttl.sweep-batch-size': {
    kind: 'string',
    default: '500',
    help: 'Groups deleted per store call during a sweep.',
    ...count(1),
  } satisfies Flag<number>,
  'snapshot.interval': {
    kind: 'string',
    default: '5m',
    help: 'How often a snapshot of all groups is written.',
    ...duration(100),
  } satisfies Flag<number>,
  'snapshot.dir': {
    kind: 'string',
    default: '',
    help: 'Directory of the snapshot files. Empty: no snapshots.',
    ...text,
  } satisfies Flag<string>,
  'snapshot.keep': {
    kind: 'string',
    default: '12',
    help: 'Number of snapshots kept; older ones are deleted.',
    ...count(1),
  } satisfies Flag<number>,
  'snapshot.restore-on-empty': {
    kind: 'boolean',
    default: 'false',
    help: 'At start, restore the newest intact snapshot if the store holds no group.',
    ...bool,
  } satisfies Flag<boolean>,
  'jobs.lock-duration': {
    kind: 'string',
    default: '30s',
    help: 'How soon another worker re-runs the job of a worker that died (about 1.5 times this).',
    ...duration(200),
  } satisfies Flag<number>,
  'log.level': {
    kind: 'string',
    default: 'info',
    help: 'Only log messages with the given severity or above. One of: [debug, info, warn, error]',
    parse: (s: string) =>
      (['debug', 'info', 'warn', 'error'] as const).find((level) => level === s),
    expected: 'one of debug, info, warn, error',
  } satisfies Flag<WorkerConfig['logLevel']>,
} as const;

type FlagName = keyof typeof FLAGS;
const FLAG_NAMES = Object.keys(FLAGS) as FlagName[];

/** What the command line asks for. */
export type WorkerCommandLine =
  { action: 'run'; config: WorkerConfig } | { action: 'help'; text: string };

/**
 * Reads the flags (`--flag=value`, `--flag value`, `--bool`, `--no-bool`, `--bool=false`) and
 * their environment variables; a flag wins over its variable. All problems are reported at once.
 */
export function parseWorkerCommandLine(argv: readonly string[], env: Env): WorkerCommandLine {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const name of FLAG_NAMES) options[name] = { type: FLAGS[name].kind };
  let values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv.map(booleanAssignment),
      options,
      strict: true,
      allowPositionals: false,
      allowNegative: true,
    }));
  } catch (err) {
    throw new WorkerConfigError([(err as Error).message]);
  }
  if (values.help === true) return { action: 'help', text: workerUsage() };

  const problems: string[] = [];
  const parsed: Record<string, unknown> = {};
  const flags: Record<string, string> = {};
  for (const name of FLAG_NAMES) {
    const spec = FLAGS[name] as Flag<unknown>;
    const fromFlag = values[name];
    const variable = envVarsOf(name).find((v) => env[v] !== undefined);
    const fromEnv = variable === undefined ? undefined : env[variable];
    const raw = fromFlag !== undefined ? String(fromFlag) : (fromEnv ?? spec.default);
    const source = fromFlag !== undefined ? `--${name}` : (variable ?? `--${name} (default)`);
    const value = spec.parse(raw);
    if (value === undefined) {
      problems.push(`invalid ${source} ${JSON.stringify(raw)}: expected ${spec.expected}`);
      continue;
    }
    parsed[name] = value;
    flags[name] = spec.echo ? spec.echo(value) : raw;
  }
  if (problems.length === 0 && parsed['redis.url'] === '')
    problems.push(
      'no Redis: set --redis.url, PUSHGATE_REDIS_URL or REDIS_URL (the worker needs the cluster store)',
    );
  if (problems.length > 0) throw new WorkerConfigError(problems);
  const v = parsed as { [K in FlagName]: NonNullable<ReturnType<(typeof FLAGS)[K]['parse']>> };
  return {
    action: 'run',
    config: {
      redisUrl: v['redis.url'],
      storeKeyPrefix: v['redis.key-prefix'],
      queuePrefix: v['queue.prefix'],
      listenAddress: v['web.listen-address'],
      sweepIntervalMs: v['ttl.sweep-interval'],
      sweepBatchSize: v['ttl.sweep-batch-size'],
      snapshotIntervalMs: v['snapshot.interval'],
      snapshotDir: v['snapshot.dir'],
      snapshotKeep: v['snapshot.keep'],
      restoreOnEmpty: v['snapshot.restore-on-empty'],
      lockDurationMs: v['jobs.lock-duration'],
      logLevel: v['log.level'],
      flags,
    },
  };
}

/** The config for `argv` and `env`; throws WorkerConfigError, also for `--help`. */
export function loadWorkerConfig(argv: readonly string[] = [], env: Env = {}): WorkerConfig {
  const cl = parseWorkerCommandLine(argv, env);
  if (cl.action !== 'run') throw new WorkerConfigError(['--help does not produce a config']);
  return cl.config;
}

/** The variables of flag `name`: `web.listen-address` → PUSHGATE_WEB_LISTEN_ADDRESS. */
function envVarsOf(name: FlagName): readonly string[] {
  const spec = FLAGS[name] as Flag<unknown>;
  return spec.env ?? [`PUSHGATE_${name.toUpperCase().replace(/[.-]/g, '_')}`];
}

/** parseArgs rejects `--bool=false`; rewrite it to `--no-bool` (and `=true` to `--bool`). */
function booleanAssignment(arg: string): string {
  const m = /^--([^=]+)=(true|false)$/.exec(arg);
  const name = m?.[1];
  if (
    m === null ||
    name === undefined ||
    !(name in FLAGS) ||
    FLAGS[name as FlagName].kind !== 'boolean'
  )
    return arg;
  return m[2] === 'true' ? `--${name}` : `--no-${name}`;
}

/** The `--help` text. */
export function workerUsage(): string {
  const rows = FLAG_NAMES.map((name) => {
    const spec = FLAGS[name] as Flag<unknown>;
    const left =
      spec.kind === 'boolean' ? `--[no-]${name}` : `--${name}=${JSON.stringify(spec.default)}`;
    return [left, `${spec.help} (env ${envVarsOf(name).join(', ')})`] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    'usage: pushgate-worker [<flags>]',
    '',
    'Runs the TTL sweep and the snapshots of a Pushgate cluster (any number of replicas: each',
    'job runs once per tick). Flags win over environment variables.',
    '',
    'Flags:',
    '  -h, --help'.padEnd(width + 2) + 'Show this help.',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`),
    '',
  ].join('\n');
}
