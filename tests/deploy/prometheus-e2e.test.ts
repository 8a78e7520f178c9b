// deploy/prometheus end to end: the real Prometheus server, with the repository's prometheus.yml
// and alert rules, scrapes a local cluster (Redis, 2 gateway nodes, nginx, worker). Only what the
// compose network provides differs: target addresses, and intervals short enough for a test.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gauge, Pushgateway, Registry } from 'prom-client';
import { buildWorker } from '../../services/worker/tests/support/env';
import { startCluster, type RunningCluster } from '../support/cluster';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { waitFor } from '../support/wait-for';
import { repoPath } from './deploy-files';
import {
  PROMETHEUS,
  replaceOnce,
  startPrometheus,
  type RunningPrometheus,
  type VectorSample,
} from './support/prometheus';

const PROMETHEUS_DIR = repoPath('deploy', 'prometheus');
// The stale-group threshold for the test. Long enough that a group pushed every 500 ms never
// crosses it (scrape and evaluation each lag up to 1 s), short enough to keep the test quick.
const STALE_AFTER_SECONDS = 6;

const hostPort = (url: string): string => new URL(url).host;

/** deploy/prometheus/prometheus.yml with the compose addresses swapped for the local ones. */
function localConfig(cluster: RunningCluster, worker: ServerProcess, self: string): string {
  let config = readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8');
  // scrape_timeout may not exceed scrape_interval, so it shrinks with it.
  for (const [from, to] of [
    ['scrape_interval: 15s', 'scrape_interval: 1s'],
    ['scrape_timeout: 10s', 'scrape_timeout: 1s'],
    ['evaluation_interval: 15s', 'evaluation_interval: 1s'],
    ["targets: ['nginx:9091']", `targets: ['${hostPort(cluster.url)}']`],
    [
      // The compose file runs 3 nodes; this cluster has 2.
      "targets: ['gateway-1:9096', 'gateway-2:9096', 'gateway-3:9096']",
      `targets: [${cluster.nodes.map((n) => `'${hostPort(n.metricsUrl)}'`).join(', ')}]`,
    ],
    ["targets: ['worker:9092']", `targets: ['${hostPort(worker.url)}']`],
    ["targets: ['localhost:9090']", `targets: ['${self}']`],
  ] as const)
    config = replaceOnce(config, from, to);
  return config;
}

/** The rules with PushgateGroupStale's threshold and `for` shortened, nothing else changed. */
function testRules(): string {
  const rules = readFileSync(join(PROMETHEUS_DIR, 'rules', 'pushgate.rules.yml'), 'utf8');
  return replaceOnce(
    rules,
    'expr: time() - (push_time_seconds > 0) > 3600\n        for: 5m',
    `expr: time() - (push_time_seconds > 0) > ${STALE_AFTER_SECONDS}\n        for: 0s`,
  );
}

/** `{job, instance} = value` of every series, sorted: comparable with toEqual. */
function byTarget(samples: VectorSample[]): string[] {
  return samples
    .map((s) => `${s.metric.job ?? ''} ${s.metric.instance ?? ''} = ${s.value[1]}`)
    .sort();
}

function gaugeRegistry(name: string, value: number): Registry {
  const registry = new Registry();
  new Gauge({
    name,
    help: `${name} for the Prometheus end-to-end test.`,
    registers: [registry],
  }).set(value);
  return registry;
}

const haveProm = existsSync(PROMETHEUS);
if (!haveProm)
  console.log(
    `[deploy tests] ${PROMETHEUS} is missing (Debian package prometheus); skipping the Prometheus end-to-end test`,
  );

(haveProm ? describe : describe.skip)(
  'Prometheus with deploy/prometheus, scraping a cluster',
  () => {
    let dir: string;
    let cluster: RunningCluster | undefined;
    let worker: ServerProcess | undefined;
    let prometheus: RunningPrometheus | undefined;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'pushgate-prometheus-e2e-'));
      mkdirSync(join(dir, 'rules'));
      writeFileSync(join(dir, 'rules', 'pushgate.rules.yml'), testRules());

      // One after the other: a cluster started while the worker's build fails would never stop.
      const workerDist = await buildWorker();
      const started = await startCluster({ nodes: 2 });
      cluster = started;
      const redisUrl = cluster.redisUrl;
      // As the cluster helper does for nodes: no PUSHGATE_* or REDIS_URL from jest's environment.
      const env = Object.fromEntries(
        Object.entries(process.env).filter(
          ([k]) => !k.startsWith('PUSHGATE_') && k !== 'REDIS_URL',
        ),
      );
      worker = await startServerProcess({
        label: 'pushgate worker',
        command: process.execPath,
        args: (listen) => [
          join(workerDist, 'bin.js'),
          `--redis.url=${redisUrl}`,
          `--web.listen-address=${listen}`,
        ],
        readyPath: '/-/ready',
        env,
      });
      const workerProcess = worker;
      prometheus = await startPrometheus(dir, (self) => localConfig(started, workerProcess, self));
    });

    afterAll(async () => {
      const stops = [prometheus?.stop(), worker?.stop(), cluster?.stop()];
      await Promise.all(stops);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('scrapes every target of prometheus.yml: up is 1', async () => {
      const p = prometheus as RunningPrometheus;
      const c = cluster as RunningCluster;
      const expected = [
        `prometheus ${hostPort(p.url)} = 1`,
        `pushgate ${hostPort(c.url)} = 1`,
        ...c.nodes.map((n) => `pushgate-nodes ${hostPort(n.metricsUrl)} = 1`),
        `pushgate-worker ${hostPort((worker as ServerProcess).url)} = 1`,
      ].sort();
      let last: string[] = [];
      await waitFor(
        'up to be 1 for every target',
        async () => {
          last = byTarget(await p.query('up'));
          return JSON.stringify(last) === JSON.stringify(expected);
        },
        20000,
        250,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\nlast up: ${JSON.stringify(last)}\n${p.output()}`);
      });
    });

    it('serves a metric pushed with prom-client under its pushed job and instance', async () => {
      const p = prometheus as RunningPrometheus;
      const gateway = new Pushgateway(
        (cluster as RunningCluster).url,
        {},
        gaugeRegistry('e2e_queue_depth', 42),
      );
      const group = { jobName: 'e2e_batch', groupings: { instance: 'batch-host-1' } };
      await gateway.push(group);

      let samples: VectorSample[] = [];
      try {
        await waitFor(
          'e2e_queue_depth in Prometheus',
          async () => (samples = await p.query('e2e_queue_depth')).length > 0,
          15000,
          250,
        );
      } finally {
        // Left in place, the group would turn stale during the next test and fire its alert too.
        await gateway.delete(group);
      }
      // honor_labels: the pushed job and instance, not the scrape's pushgate / nginx address.
      expect(samples).toEqual([
        {
          metric: { __name__: 'e2e_queue_depth', job: 'e2e_batch', instance: 'batch-host-1' },
          value: [expect.any(Number), '42'],
        },
      ]);
    });

    it('fires PushgateGroupStale for a group not pushed within the threshold, not for one pushed since', async () => {
      const p = prometheus as RunningPrometheus;
      const url = (cluster as RunningCluster).url;
      await new Pushgateway(url, {}, gaugeRegistry('e2e_last_run', 1)).push({
        jobName: 'e2e_stale',
        groupings: { instance: 'nightly' },
      });
      const pushedAt = Date.now() / 1000;

      const fresh = new Pushgateway(url, {}, gaugeRegistry('e2e_last_run', 2));
      const pushFresh = () =>
        fresh.push({ jobName: 'e2e_fresh', groupings: { instance: 'often' } });
      await pushFresh();
      let pushing = Promise.resolve();
      const timer = setInterval(() => {
        pushing = pushing.then(pushFresh).then(() => undefined);
      }, 500);

      let stale: Awaited<ReturnType<RunningPrometheus['alerts']>> = [];
      try {
        await waitFor(
          'PushgateGroupStale to fire',
          async () => {
            stale = (await p.alerts()).filter((a) => a.labels.alertname === 'PushgateGroupStale');
            return stale.some((a) => a.state === 'firing');
          },
          STALE_AFTER_SECONDS * 1000 + 15000,
          250,
        );
      } finally {
        clearInterval(timer);
        await pushing;
      }
      expect(stale).toEqual([
        expect.objectContaining({
          state: 'firing',
          labels: {
            alertname: 'PushgateGroupStale',
            severity: 'warning',
            job: 'e2e_stale',
            instance: 'nightly',
          },
        }),
      ]);
      // The value is the group's age at evaluation: past the threshold, since its one push.
      const age = Number(stale[0]?.value);
      expect(age).toBeGreaterThan(STALE_AFTER_SECONDS);
      expect(age).toBeLessThanOrEqual(Date.now() / 1000 - pushedAt + 1);
    });
  },
);
