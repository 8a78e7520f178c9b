/**
 * The cluster-mode settings (an extension; upstream has no shared store): where Redis is, and
 * where a node serves its own metrics. They are read outside the flag table because their
 * sources combine (exactly one of three ways to reach Redis; REDIS_URL as a fallback) and because
 * they are echoed on /api/v1/status only when set, so a single node shows upstream's flags.
 */
import type { RedisConnectionSpec } from '@pushgate/store';
import { type ListenAddress, parseListenAddress } from './listen-address';
import { envVarName } from './flag-table';

/** Where the groups live. */
export type StoreSettings =
  | { kind: 'memory' }
  | {
      kind: 'redis';
      connection: RedisConnectionSpec;
      /** Prefix of every key; undefined: the store's default. */
      keyPrefix: string | undefined;
      /** Where it connects, without credentials (for logs). */
      target: string;
    };

export interface ClusterSettings {
  store: StoreSettings;
  /**
   * Where this node serves its own metrics (pushgateway_*, process_*, nodejs_*, pushgate_*) on a
   * listener of their own; undefined: nowhere but, in single-node mode, /metrics.
   */
  nodeMetricsAddress: ListenAddress | undefined;
}

export const REDIS_URL = 'redis.url';
export const REDIS_CLUSTER_NODES = 'redis.cluster-nodes';
export const REDIS_SENTINELS = 'redis.sentinels';
export const REDIS_SENTINEL_MASTER = 'redis.sentinel-master';
export const REDIS_KEY_PREFIX = 'redis.key-prefix';
export const NODE_METRICS_ADDRESS = 'web.node-metrics-address';

/**
 * Default of --web.node-metrics-address in cluster mode: next to upstream's 9091, clear of
 * Alertmanager (9093, and 9094 for its cluster gossip) and of the 9095 gRPC port of Loki/Mimir.
 */
export const DEFAULT_NODE_METRICS_ADDRESS = ':9096';

/** The variable every Redis client library and PaaS knows; used when nothing more specific is set. */
const GENERIC_REDIS_URL_ENV = 'REDIS_URL';

/** The flags this module reads, as node:util parseArgs options. */
export const CLUSTER_FLAG_NAMES = [
  REDIS_URL,
  REDIS_CLUSTER_NODES,
  REDIS_SENTINELS,
  REDIS_SENTINEL_MASTER,
  REDIS_KEY_PREFIX,
  NODE_METRICS_ADDRESS,
] as const;

/** `--help` rows: flag with its default, then help text (continuation lines after `\n`). */
export const CLUSTER_USAGE: ReadonlyArray<[string, string]> = [
  [
    `    --${REDIS_URL}=<url>`,
    `Cluster mode: keep groups in this standalone Redis, e.g. redis://:password@redis:6379/0 (or rediss://).\nenv ${envVarName(REDIS_URL)}, else ${GENERIC_REDIS_URL_ENV}`,
  ],
  [
    `    --${REDIS_CLUSTER_NODES}=<host:port,...>`,
    `Cluster mode on a Redis Cluster, reached through any of these nodes.\nenv ${envVarName(REDIS_CLUSTER_NODES)}`,
  ],
  [
    `    --${REDIS_SENTINELS}=<host:port,...>`,
    `Cluster mode on the Redis master these Sentinels name (with --${REDIS_SENTINEL_MASTER}).\nenv ${envVarName(REDIS_SENTINELS)}`,
  ],
  [
    `    --${REDIS_SENTINEL_MASTER}=<name>`,
    `Name of the master set the Sentinels monitor.\nenv ${envVarName(REDIS_SENTINEL_MASTER)}`,
  ],
  [
    `    --${REDIS_KEY_PREFIX}="pushgate"`,
    `Prefix of every Redis key (no braces); gateways with different prefixes share a Redis without seeing each other.\nenv ${envVarName(REDIS_KEY_PREFIX)}`,
  ],
  [
    `    --${NODE_METRICS_ADDRESS}=<[host]:port>`,
    `Where this node serves its own metrics. Cluster mode: default "${DEFAULT_NODE_METRICS_ADDRESS}", "" = nowhere, never on /metrics. Single node: off unless set; /metrics keeps them as upstream does.\nenv ${envVarName(NODE_METRICS_ADDRESS)}`,
  ],
];

type Env = Readonly<Record<string, string | undefined>>;
type Values = Readonly<Record<string, string | boolean | Array<string | boolean> | undefined>>;

/** One setting: its text and where it came from (for messages). */
interface Raw {
  text: string;
  source: string;
}

/**
 * Reads the cluster settings from the parsed flags and the environment; every problem is added to
 * `problems`, and the effective values are echoed into `flags` (credentials masked).
 * `persistenceFile` is the --persistence.file in effect: it has no meaning with Redis.
 */
export function clusterSettings(
  values: Values,
  env: Env,
  persistenceFile: string,
  problems: string[],
  flags: Record<string, string>,
): ClusterSettings {
  const raw = (name: string): Raw | undefined => {
    const flag = values[name];
    if (typeof flag === 'string') return { text: flag, source: `--${name}` };
    const fromEnv = env[envVarName(name)];
    return fromEnv === undefined ? undefined : { text: fromEnv, source: envVarName(name) };
  };
  const store = storeSettings(raw, env, persistenceFile, problems, flags);
  const nodeMetricsAddress = nodeMetrics(raw(NODE_METRICS_ADDRESS), store, problems, flags);
  return { store, nodeMetricsAddress };
}

function storeSettings(
  raw: (name: string) => Raw | undefined,
  env: Env,
  persistenceFile: string,
  problems: string[],
  flags: Record<string, string>,
): StoreSettings {
  let url = raw(REDIS_URL);
  const clusterNodes = raw(REDIS_CLUSTER_NODES);
  const sentinels = raw(REDIS_SENTINELS);
  const master = raw(REDIS_SENTINEL_MASTER);
  const prefix = raw(REDIS_KEY_PREFIX);
  // REDIS_URL is a generic variable other software sets too: it only counts when nothing
  // Pushgate-specific says where Redis is.
  if (url === undefined && clusterNodes === undefined && sentinels === undefined) {
    const generic = env[GENERIC_REDIS_URL_ENV];
    if (generic !== undefined && generic !== '')
      url = { text: generic, source: GENERIC_REDIS_URL_ENV };
  }

  const given = [url, clusterNodes, sentinels].filter((r): r is Raw => r !== undefined);
  if (given.length === 0) {
    if (master !== undefined) problems.push(`${master.source} needs --${REDIS_SENTINELS}`);
    if (prefix !== undefined)
      problems.push(
        `${prefix.source} needs a Redis (--${REDIS_URL}, --${REDIS_CLUSTER_NODES} or --${REDIS_SENTINELS})`,
      );
    return { kind: 'memory' };
  }
  if (given.length > 1) {
    problems.push(
      `${given.map((r) => r.source).join(' and ')}: give exactly one of --${REDIS_URL}, --${REDIS_CLUSTER_NODES}, --${REDIS_SENTINELS}`,
    );
    return { kind: 'memory' };
  }
  if (persistenceFile !== '') {
    problems.push(
      `--persistence.file does not apply in cluster mode: Redis holds the groups (use Redis persistence, AOF or RDB)`,
    );
  }

  const keyPrefix = prefix === undefined ? undefined : keyPrefixOf(prefix, problems);
  if (keyPrefix !== undefined) flags[REDIS_KEY_PREFIX] = keyPrefix;
  if (master !== undefined && sentinels === undefined) {
    problems.push(`${master.source} only applies with --${REDIS_SENTINELS}`);
  }

  if (url !== undefined) {
    const parsed = redisUrl(url, problems);
    if (parsed === undefined) return { kind: 'memory' };
    flags[REDIS_URL] = parsed.masked;
    return { kind: 'redis', connection: { url: url.text }, keyPrefix, target: parsed.masked };
  }
  if (clusterNodes !== undefined) {
    const nodes = hostPorts(clusterNodes, problems);
    if (nodes === undefined) return { kind: 'memory' };
    const text = nodes.map(formatHostPort).join(',');
    flags[REDIS_CLUSTER_NODES] = text;
    return { kind: 'redis', connection: { cluster: nodes }, keyPrefix, target: `cluster ${text}` };
  }
  const sentinelList = hostPorts(sentinels as Raw, problems);
  if (master === undefined || master.text === '') {
    problems.push(
      `--${REDIS_SENTINELS} needs --${REDIS_SENTINEL_MASTER} (the monitored master's name)`,
    );
    return { kind: 'memory' };
  }
  if (sentinelList === undefined) return { kind: 'memory' };
  const text = sentinelList.map(formatHostPort).join(',');
  flags[REDIS_SENTINELS] = text;
  flags[REDIS_SENTINEL_MASTER] = master.text;
  return {
    kind: 'redis',
    connection: { sentinels: sentinelList, name: master.text },
    keyPrefix,
    target: `master ${master.text} via sentinels ${text}`,
  };
}

function nodeMetrics(
  raw: Raw | undefined,
  store: StoreSettings,
  problems: string[],
  flags: Record<string, string>,
): ListenAddress | undefined {
  const text = raw?.text ?? (store.kind === 'redis' ? DEFAULT_NODE_METRICS_ADDRESS : '');
  if (raw !== undefined || store.kind === 'redis') flags[NODE_METRICS_ADDRESS] = text;
  if (text === '') return undefined;
  const address = parseListenAddress(text);
  if (address === undefined) {
    problems.push(
      `invalid ${raw?.source ?? `--${NODE_METRICS_ADDRESS} (default)`} ${JSON.stringify(text)}: expected [host]:port, e.g. :9096 or 127.0.0.1:9096, or "" for none`,
    );
  }
  return address;
}

function redisUrl(raw: Raw, problems: string[]): { masked: string } | undefined {
  const invalid = (reason: string) => {
    problems.push(
      `invalid ${raw.source} ${JSON.stringify(maskPassword(raw.text))}: ${reason} (expected redis://[[user]:password@]host[:port][/db] or rediss://…)`,
    );
    return undefined;
  };
  let url: URL;
  try {
    url = new URL(raw.text);
  } catch {
    return invalid('not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    return invalid(`scheme ${url.protocol.slice(0, -1)} is not redis or rediss`);
  if (url.hostname === '') return invalid('no host');
  if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d+$/.test(url.pathname))
    return invalid('the path must be a database number');
  return { masked: maskPassword(raw.text) };
}

/** The URL with its password replaced by `***` (the flags are shown on /api/v1/status). */
export function maskPassword(text: string): string {
  try {
    const url = new URL(text);
    if (url.password === '') return text;
    url.password = '***';
    return url.toString();
  } catch {
    return text.replace(/\/\/([^@/]*):[^@/]*@/, '//$1:***@');
  }
}

function keyPrefixOf(raw: Raw, problems: string[]): string | undefined {
  if (raw.text === '' || /[{}]/.test(raw.text)) {
    problems.push(
      `invalid ${raw.source} ${JSON.stringify(raw.text)}: must be non-empty and free of '{' and '}' (the store builds its own hash tags)`,
    );
    return undefined;
  }
  return raw.text;
}

/** `host:port,host:port` (IPv6 hosts in brackets); undefined, with a problem, if malformed. */
function hostPorts(raw: Raw, problems: string[]): { host: string; port: number }[] | undefined {
  const items = raw.text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const nodes = items.map((item) => ({ item, address: parseListenAddress(item) }));
  const bad = nodes.filter(
    ({ address }) => address === undefined || address.host === undefined || address.port === 0,
  );
  if (items.length === 0 || bad.length > 0) {
    const what = bad.length > 0 ? `${bad.map((b) => JSON.stringify(b.item)).join(', ')} ` : '';
    problems.push(
      `invalid ${raw.source} ${JSON.stringify(raw.text)}: ${what}expected a comma-separated list of host:port (IPv6 hosts in brackets)`,
    );
    return undefined;
  }
  return nodes.map(({ address }) => ({
    host: (address as ListenAddress).host as string,
    port: (address as ListenAddress).port,
  }));
}

function formatHostPort({ host, port }: { host: string; port: number }): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
