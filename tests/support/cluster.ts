import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { httpRequest } from './http-request';
import { startNginx, type RunningNginx } from './nginx';
import { buildPushgate } from './pushgate-node';
import { spawnRedis, type SpawnedRedis } from './redis-server';
import { routePrefixOf, type ServerProcess } from './server-process';

const ENTRY = join(__dirname, '..', '..', 'services', 'gateway', 'dist', 'bin.js');
const OUTPUT_LIMIT = 16384;
const START_TIMEOUT_MS = 20000;

export interface ClusterOptions {
  /** Gateway nodes behind nginx (default 3). */
  nodes?: number;
  /** A Redis to use instead of one of the cluster's own; stopRedis/startRedis then refuse. */
  redisUrl?: string;
  /**
   * The cluster's own Redis persists every write before acknowledging it
   * (`--appendonly yes --appendfsync always`), so a Redis restart loses nothing acknowledged.
   */
  aof?: boolean;
  /**
   * Flags for every node, after `--web.listen-address`, `--redis.url` and
   * `--web.node-metrics-address` (each node gets a port of its own for the latter).
   */
  extraFlags?: readonly string[];
}

/** One gateway node; its address stays the same across restarts (nginx's list is fixed). */
export interface ClusterNode {
  /** `http://127.0.0.1:PORT`, the node itself (not through nginx). */
  readonly url: string;
  /** `127.0.0.1:PORT`, as nginx's upstream block names it. */
  readonly address: string;
  /** The node's own metrics listener (`--web.node-metrics-address`), not behind nginx. */
  readonly metricsUrl: string;
  /** False after killNode until restartNode, and once the node exited by itself. */
  readonly running: boolean;
  /** The node exited without being told to (e.g. after `/-/quit`). */
  readonly quit: boolean;
  /** The last part of what the node wrote to stdout and stderr (all its runs). */
  output(): string;
}

export interface RunningCluster {
  /** nginx in front of the nodes: what clients use. */
  readonly url: string;
  readonly nginx: RunningNginx;
  readonly nodes: readonly ClusterNode[];
  readonly redisUrl: string;
  /** SIGKILL, no drain: in-flight requests die with the node. Resolves once it has exited. */
  killNode(index: number): Promise<void>;
  /** Starts a killed node again on its address and waits for /-/ready. */
  restartNode(index: number): Promise<void>;
  /**
   * Stops the cluster's own Redis: SIGKILL (a crash; with `aof` nothing acknowledged is lost) or
   * SIGTERM (a clean shutdown).
   */
  stopRedis(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Starts it again on the same port and directory (so an AOF is replayed). */
  startRedis(): Promise<void>;
  /** Stops nginx, every node and the cluster's own Redis, and removes their directories. */
  stop(): Promise<void>;
}

/**
 * Starts a Pushgate cluster as the compose topology runs it: Redis, `nodes` gateway nodes with
 * `--redis.url`, and the repository's nginx.conf in front of them. Everything runs on 127.0.0.1
 * ports of its own; anything started is stopped again if a later part fails to start.
 */
export async function startCluster(opts: ClusterOptions = {}): Promise<RunningCluster> {
  await buildPushgate();
  const cleanup: Array<() => Promise<void>> = [];
  try {
    const redis = opts.redisUrl === undefined ? await OwnRedis.start(opts.aof ?? false) : undefined;
    if (redis) cleanup.push(() => redis.stop());
    const redisUrl = opts.redisUrl ?? (redis as OwnRedis).url;

    const nodes: NodeProcess[] = [];
    for (let i = 0; i < (opts.nodes ?? 3); i++) {
      const [port, metricsPort] = [await freePort(), await freePort()];
      const flags = [
        `--redis.url=${redisUrl}`,
        // Every node needs its own: the cluster-mode default (:9096) is one port per host.
        `--web.node-metrics-address=127.0.0.1:${metricsPort}`,
        ...(opts.extraFlags ?? []),
      ];
      const node = new NodeProcess(port, metricsPort, flags);
      nodes.push(node);
      cleanup.push(() => node.stop());
    }
    await Promise.all(nodes.map((node) => node.start()));
    const nginx = await startNginx(nodes.map((n) => n.address));
    cleanup.push(() => nginx.stop());

    const nodeAt = (index: number): NodeProcess => {
      const node = nodes[index];
      if (!node) throw new RangeError(`no node ${index} (the cluster has ${nodes.length})`);
      return node;
    };
    const ownRedis = (): OwnRedis => {
      if (!redis) throw new Error('the cluster uses a Redis it did not start (opts.redisUrl)');
      return redis;
    };
    return {
      url: nginx.url,
      nginx,
      nodes,
      redisUrl,
      killNode: (index) => nodeAt(index).kill('SIGKILL'),
      restartNode: (index) => nodeAt(index).start(),
      stopRedis: (signal = 'SIGKILL') => ownRedis().kill(signal),
      startRedis: () => ownRedis().restart(),
      stop: () => stopAll(cleanup),
    };
  } catch (err) {
    await stopAll(cleanup);
    throw err;
  }
}

/** Stops in reverse start order (nginx, nodes, Redis); every stop runs even if one fails. */
async function stopAll(cleanup: Array<() => Promise<void>>): Promise<void> {
  const stops = cleanup.splice(0).reverse();
  const results = [];
  for (const stop of stops)
    results.push(
      await stop().then(
        () => undefined,
        (err: unknown) => err,
      ),
    );
  const failed = results.find((r) => r !== undefined);
  if (failed !== undefined) throw failed;
}

/** A redis-server of the cluster's own, restartable on its port and directory. */
class OwnRedis {
  private current: SpawnedRedis | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly args: string[],
  ) {}

  static async start(aof: boolean): Promise<OwnRedis> {
    const dir = mkdtempSync(join(tmpdir(), 'pushgate-cluster-redis-'));
    const args = aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : [];
    const redis = new OwnRedis(await freePort(), dir, args);
    try {
      await redis.restart();
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    if (this.current) throw new Error('redis-server is already running');
    this.current = await spawnRedis({ port: this.port, dir: this.dir, args: this.args });
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.current?.process;
    this.current = undefined;
    if (child) await killAndWait(child, signal);
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One `node services/gateway/dist/bin.js` on a fixed port, restartable there. */
class NodeProcess implements ClusterNode {
  readonly address: string;
  readonly url: string;
  readonly metricsUrl: string;
  private readonly readyPath: string;
  private child: ChildProcess | undefined;
  private log = '';
  private exitedBySelf = false;

  constructor(
    port: number,
    metricsPort: number,
    private readonly flags: readonly string[],
  ) {
    this.address = `127.0.0.1:${port}`;
    this.url = `http://${this.address}`;
    this.metricsUrl = `http://127.0.0.1:${metricsPort}`;
    this.readyPath = `${routePrefixOf(flags)}/-/ready`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** The node exited without being told to (e.g. after `/-/quit`). */
  get quit(): boolean {
    return this.exitedBySelf;
  }

  output(): string {
    return this.log;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error(`node ${this.address} is already running`);
    this.exitedBySelf = false;
    // PUSHGATE_* variables (and REDIS_URL, which jest's global setup sets and the gateway reads
    // as a fallback) would configure the node behind the test's back.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('PUSHGATE_') && k !== 'REDIS_URL'),
    );
    const child = spawn(
      process.execPath,
      [ENTRY, `--web.listen-address=${this.address}`, ...this.flags],
      { stdio: ['ignore', 'pipe', 'pipe'], env },
    );
    this.child = child;
    const keep = (chunk: Buffer): void => {
      this.log = (this.log + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exit: string | undefined;
    child.once('exit', (code, signal) => {
      exit = `exited with ${signal ?? `code ${code}`}`;
      if (this.child !== child) return;
      this.child = undefined;
      this.exitedBySelf = true;
    });
    child.once('error', (err) => (exit = `could not be started: ${err.message}`));

    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const ready = await httpRequest(this.url, { method: 'GET', path: this.readyPath }, 2000).then(
        (res) => res.status === 200,
        () => false,
      );
      if (ready && exit === undefined) return;
      if (exit !== undefined || Date.now() > deadline) {
        await this.stop();
        const problem = exit ?? `not ready after ${START_TIMEOUT_MS} ms`;
        throw new Error(`gateway node ${this.address} ${problem}\n--- output ---\n${this.log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child) await killAndWait(child, signal);
  }

  stop(): Promise<void> {
    return this.kill('SIGTERM');
  }
}

/** Sends `signal` and waits for the exit; SIGKILL follows after 5 s if the process lingers. */
async function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killer);
}

/**
 * A cluster as one gateway for harnesses written for a single node (the differential suite):
 * `url` is nginx, `exited` resolves true once any node exits by itself (a `/-/quit` through nginx
 * stops the one node it reached), `stop` stops everything.
 */
export async function startClusterServer(
  flags: readonly string[],
  opts: Omit<ClusterOptions, 'extraFlags'> = {},
): Promise<ServerProcess> {
  const cluster = await startCluster({ ...opts, extraFlags: flags });
  return {
    url: cluster.url,
    output: () =>
      cluster.nodes
        .map((n) => `--- node ${n.address} ---\n${n.output()}`)
        .concat(`--- nginx error log ---\n${cluster.nginx.errors()}`)
        .join('\n'),
    stop: () => cluster.stop(),
    async exited(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!cluster.nodes.some((n) => n.quit)) {
        if (Date.now() > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return true;
    },
  };
}
