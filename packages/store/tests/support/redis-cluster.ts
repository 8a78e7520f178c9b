import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../../../tests/support/free-port';
import { waitFor } from '../../../../tests/support/wait-for';

const run = promisify(execFile);

/** A local Redis Cluster of `masters` masters and no replicas, started by this test file. */
export interface SpawnedRedisCluster {
  /** host/port of every master, as ioredis' `Cluster` constructor takes them. */
  nodes: { host: string; port: number }[];
  /** Kills master `index` (SIGTERM: with AOF on, its data is flushed first). */
  stopNode(index: number): Promise<void>;
  /** Starts master `index` again, same port and directory, and waits until the cluster is ok. */
  restartNode(index: number): Promise<void>;
  /** Stops every redis-server and removes the temp directory. */
  stop(): Promise<void>;
}

interface Node {
  port: number;
  busPort: number;
  dir: string;
  process: ChildProcess;
  exited: boolean;
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), ...args], {
    encoding: 'utf8',
    timeout: 10000,
  });
  return stdout;
}

async function startNode(dir: string, appendOnly: boolean): Promise<Node> {
  const port = await freePort();
  // The cluster bus defaults to port+10000, which may be taken or exceed 65535: pick it too.
  const busPort = await freePort();
  const nodeDir = join(dir, String(port));
  mkdirSync(nodeDir);
  return launch(port, busPort, nodeDir, appendOnly);
}

async function launch(
  port: number,
  busPort: number,
  nodeDir: string,
  appendOnly: boolean,
): Promise<Node> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--cluster-port',
      String(busPort),
      '--bind',
      '127.0.0.1',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      '2000',
      '--save',
      '',
      '--appendonly',
      appendOnly ? 'yes' : 'no',
      '--dir',
      nodeDir,
    ],
    { stdio: 'ignore' },
  );
  const node: Node = { port, busPort, dir: nodeDir, process: child, exited: false };
  child.on('exit', () => (node.exited = true));
  await waitFor(`cluster node on port ${port}`, async () => {
    if (node.exited) throw new Error('redis-server exited during start');
    return (await cli(port, 'ping')).trim() === 'PONG';
  });
  return node;
}

async function stopNode(node: Node): Promise<void> {
  if (node.exited) return;
  const done = new Promise((resolve) => node.process.once('exit', resolve));
  node.process.kill('SIGTERM');
  await done;
}

async function clusterOk(nodes: readonly Node[]): Promise<void> {
  await waitFor(
    'cluster_state:ok on every node',
    async () => {
      for (const n of nodes) {
        const info = await cli(n.port, 'cluster', 'info');
        if (
          !info.includes('cluster_state:ok') ||
          !info.includes(`cluster_known_nodes:${nodes.length}`)
        )
          return false;
      }
      return true;
    },
    20000,
    100,
  );
}

/**
 * Starts `masters` `redis-server --cluster-enabled yes` processes on free ports in a temp dir,
 * joins them with `redis-cli --cluster create … --cluster-replicas 0`, and waits until every
 * node reports `cluster_state:ok` and knows all masters (so the first client sees full slots).
 * With `appendOnly`, nodes keep their data across stopNode/restartNode.
 */
export async function spawnRedisCluster(
  masters = 3,
  { appendOnly = false } = {},
): Promise<SpawnedRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'pushgate-redis-cluster-'));
  const nodes: Node[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map(stopNode));
    rmSync(dir, { recursive: true, force: true });
  };
  const node = (index: number): Node => {
    const n = nodes[index];
    if (!n) throw new RangeError(`no cluster node ${index}`);
    return n;
  };
  try {
    for (let i = 0; i < masters; i++) nodes.push(await startNode(dir, appendOnly));
    await cli(
      node(0).port,
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    );
    await clusterOk(nodes);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    nodes: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })),
    stopNode: (index) => stopNode(node(index)),
    async restartNode(index) {
      const old = node(index);
      nodes[index] = await launch(old.port, old.busPort, old.dir, appendOnly);
      await clusterOk(nodes);
    },
    stop,
  };
}
