/**
 * The worker as deployed, in-process: real BullMQ on a real Redis, the real sweep and snapshot
 * tasks, against a MemoryMetricStore standing in for the cluster's store (the Redis store runs
 * the same code through the MaintainableMetricStore interface).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseText } from '@pushgate/exposition';
import {
  MemoryMetricStore,
  SnapshotDirectory,
  type MaintainableMetricStore,
} from '@pushgate/store';
import { loadWorkerConfig } from '../src/config';
import { createWorkerLogger } from '../src/logger';
import { createWorker, type PushgateWorker } from '../src/worker';
import { ManualClock } from '../../../packages/store/tests/contract/manual-clock';
import { logSink, redisUrl, uniquePrefix, type LogRecord } from './support/env';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let workers: PushgateWorker[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pushgate-worker-'));
  workers = [];
});
afterEach(async () => {
  await Promise.all(workers.map((w) => w.close()));
  rmSync(dir, { recursive: true, force: true });
});

function config(prefix: string, ...argv: string[]) {
  return loadWorkerConfig([
    `--redis.url=${redisUrl()}`,
    `--queue.prefix=${prefix}`,
    '--web.listen-address=127.0.0.1:0',
    '--jobs.lock-duration=2s',
    ...argv,
  ]);
}

/** The store of several in-process replicas: shared, and closed by the test, not by them. */
function shared(store: MaintainableMetricStore): MaintainableMetricStore {
  return {
    push: (request) => store.push(request),
    delete: (labels) => store.delete(labels),
    wipe: () => store.wipe(),
    getGroups: () => store.getGroups(),
    ready: () => store.ready(),
    sweepExpired: (now, batch) => store.sweepExpired(now, batch),
    restoreGroups: (groups) => store.restoreGroups(groups),
    close: async () => undefined,
  };
}

async function start(
  prefix: string,
  argv: string[],
  store: MaintainableMetricStore,
  name?: string,
  clock?: () => number,
): Promise<{ worker: PushgateWorker; logs: LogRecord[] }> {
  const sink = logSink();
  const worker = await createWorker(config(prefix, ...argv), {
    store,
    name,
    clock,
    logger: createWorkerLogger({ level: 'debug', destination: sink.destination }),
  });
  workers.push(worker);
  return { worker, logs: sink.records };
}

async function pushTtl(
  store: MaintainableMetricStore,
  job: string,
  ttlSeconds: number | undefined,
  at = Date.now() / 1000,
) {
  await store.push({
    labels: { job },
    families: parseText(`m_${job.replace(/\W/g, '_')} 1\n`),
    mode: 'replace',
    receivedAt: at,
    ttlSeconds,
  });
}

describe('three worker replicas', () => {
  it('run each sweep and each snapshot once per tick', async () => {
    const prefix = uniquePrefix();
    const store = new MemoryMetricStore();
    for (let i = 0; i < 20; i++)
      await pushTtl(store, `j${i}`, i % 2 === 0 ? 0.5 + i / 10 : undefined);
    const argv = [
      '--ttl.sweep-interval=200ms',
      '--snapshot.interval=300ms',
      `--snapshot.dir=${dir}`,
      '--snapshot.keep=1000',
      '--log.level=debug',
    ];
    const logs: LogRecord[][] = [];
    for (let i = 0; i < 3; i++)
      logs.push((await start(prefix, argv, shared(store), `replica-${i}`)).logs);
    await sleep(4000);
    await Promise.all(workers.map((w) => w.close()));

    const runs = (msg: string) =>
      logs.flatMap((records, replica) =>
        records
          .filter((r) => r.msg === msg)
          .map((r) => ({ replica, tick: r.tick as number, attempt: r.attempt })),
      );
    const sweeps = runs('TTL sweep done');
    const snapshots = runs('snapshot written');
    for (const done of [sweeps, snapshots]) {
      const ticks = done.map((r) => r.tick);
      expect(new Set(ticks).size).toBe(ticks.length);
      expect(ticks.length).toBeGreaterThanOrEqual(5);
    }
    expect(logs.flat().filter((r) => r.level === 'error')).toEqual([]);
    // One file per snapshot tick, named after it.
    const files = readdirSync(dir).sort();
    expect(files).toEqual(
      snapshots
        .map((s) => s.tick)
        .sort((a, b) => a - b)
        .map((tick) => new SnapshotDirectory(dir).fileFor(tick).slice(dir.length + 1)),
    );
    // Every TTL group is gone (their TTLs ran out during the run); the others are untouched.
    expect((await store.getGroups()).map((g) => g.labels.job).sort()).toEqual(
      ['j1', 'j3', 'j5', 'j7', 'j9', 'j11', 'j13', 'j15', 'j17', 'j19'].sort(),
    );
    await store.close();
  });
});

describe('one worker', () => {
  it('sweeps expired groups in batches and counts them in its metrics', async () => {
    // The store's timers never run (the clock only jumps), so the sweep is what deletes.
    const clock = new ManualClock(Date.now());
    const store = new MemoryMetricStore({ clock });
    for (let i = 0; i < 7; i++) await pushTtl(store, `e${i}`, 60, clock.seconds());
    await pushTtl(store, 'forever', undefined, clock.seconds());
    clock.jump(60_000);
    expect(store.size).toBe(8);
    const { worker, logs } = await start(
      uniquePrefix(),
      ['--ttl.sweep-interval=200ms', '--ttl.sweep-batch-size=3'],
      store,
      'w',
      () => clock.seconds(),
    );
    const deadline = Date.now() + 10_000;
    while (store.size > 1 && Date.now() < deadline) await sleep(50);
    expect(store.size).toBe(1);
    const done = logs.find((r) => r.msg === 'TTL sweep done' && r.deleted === 7);
    expect(done).toMatchObject({ batches: 3, attempt: 1 });

    const url = await worker.listen();
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('pushgate_worker_expired_groups_total 7\n');
    expect(metrics).toMatch(/pushgate_worker_sweeps_total\{outcome="success"\} [1-9]/);
    expect(metrics).toContain('pushgate_worker_sweeps_total{outcome="failure"} 0\n');
    expect(metrics).toMatch(/pushgate_worker_sweep_last_success_timestamp_seconds \d/);
    expect(metrics).toContain('process_cpu_user_seconds_total');
  });

  it('serves /-/healthy and /-/ready, and says not ready when its store is gone', async () => {
    const store = new MemoryMetricStore();
    const { worker } = await start(uniquePrefix(), [], store);
    const url = await worker.listen();
    expect([
      (await fetch(`${url}/-/healthy`)).status,
      (await fetch(`${url}/-/ready`)).status,
    ]).toEqual([200, 200]);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    expect((await fetch(`${url}/-/ready`, { method: 'POST' })).status).toBe(405);
    await store.close();
    const ready = await fetch(`${url}/-/ready`);
    expect([ready.status, await ready.text()]).toEqual([503, 'store or job queues unavailable\n']);
    expect((await fetch(`${url}/-/healthy`)).status).toBe(200);
  });

  it('takes snapshots with their size and duration in its metrics, keeping the newest N', async () => {
    const store = new MemoryMetricStore();
    await pushTtl(store, 'a', undefined);
    const { worker } = await start(
      uniquePrefix(),
      ['--snapshot.interval=200ms', `--snapshot.dir=${dir}`, '--snapshot.keep=2'],
      store,
    );
    const deadline = Date.now() + 10_000;
    const snapshots = new SnapshotDirectory(dir);
    while (
      (await worker.metrics.text()).body.includes(
        'pushgate_worker_snapshots_total{outcome="success"} 3\n',
      ) === false &&
      Date.now() < deadline
    )
      await sleep(50);
    const { body } = await worker.metrics.text();
    expect(body).toContain('pushgate_worker_snapshots_total{outcome="success"} 3\n');
    expect(body).toContain('pushgate_worker_snapshot_groups 1\n');
    const size = Number(/pushgate_worker_snapshot_size_bytes (\d+)/.exec(body)?.[1]);
    expect(size).toBeGreaterThan(100);
    expect(body).toMatch(/pushgate_worker_snapshot_duration_seconds \d/);
    expect((await snapshots.list()).length).toBeLessThanOrEqual(2);
  });
});

describe('restore on start', () => {
  async function snapshotOf(
    groups: Array<[string, number | undefined]>,
    tickMs: number,
  ): Promise<string> {
    const source = new MemoryMetricStore();
    for (const [job, ttl] of groups) await pushTtl(source, job, ttl);
    const { file } = await new SnapshotDirectory(dir).write(tickMs, await source.getGroups());
    await source.close();
    return file;
  }

  it('restores the newest intact snapshot into an empty store, refusing a corrupt newer one', async () => {
    await snapshotOf([['old', undefined]], Date.now() - 120_000);
    await snapshotOf(
      [
        ['intact', undefined],
        ['expiring', 3600],
      ],
      Date.now() - 60_000,
    );
    const corrupt = await snapshotOf([['corrupt', undefined]], Date.now());
    writeFileSync(corrupt, 'garbage');
    const store = new MemoryMetricStore();
    const { worker, logs } = await start(
      uniquePrefix(),
      [`--snapshot.dir=${dir}`, '--snapshot.restore-on-empty'],
      store,
    );
    expect((await store.getGroups()).map((g) => [g.labels.job, g.expiry?.ttlSeconds])).toEqual([
      ['expiring', 3600],
      ['intact', undefined],
    ]);
    expect(logs.find((r) => r.msg === 'snapshot refused, trying the previous one')).toMatchObject({
      file: corrupt,
      err: expect.objectContaining({
        message: expect.stringContaining('is unusable: not a pushgate-memory-store file'),
      }),
    });
    expect((await worker.metrics.text()).body).toContain(
      'pushgate_worker_restored_groups_total{outcome="restored"} 2\n',
    );
  });

  it('leaves a store that holds groups alone', async () => {
    await snapshotOf([['snap', undefined]], Date.now());
    const store = new MemoryMetricStore();
    await pushTtl(store, 'live', undefined);
    await start(uniquePrefix(), [`--snapshot.dir=${dir}`, '--snapshot.restore-on-empty'], store);
    expect((await store.getGroups()).map((g) => g.labels.job)).toEqual(['live']);
  });

  it('restores once when several replicas start on the same empty store', async () => {
    await snapshotOf([['snap', undefined]], Date.now());
    const prefix = uniquePrefix();
    const store = new MemoryMetricStore();
    const argv = [`--snapshot.dir=${dir}`, '--snapshot.restore-on-empty'];
    const started = await Promise.all(
      [0, 1, 2].map((i) => start(prefix, argv, shared(store), `r${i}`)),
    );
    const restored = started.flatMap(({ logs }) =>
      logs.filter((r) => r.msg === 'store was empty: restored the newest intact snapshot'),
    );
    expect(restored).toHaveLength(1);
    expect((await store.getGroups()).map((g) => g.labels.job)).toEqual(['snap']);
    await store.close();
  });

  it('does nothing without the flag', async () => {
    await snapshotOf([['snap', undefined]], Date.now());
    const store = new MemoryMetricStore();
    await start(uniquePrefix(), [`--snapshot.dir=${dir}`], store);
    expect(await store.getGroups()).toEqual([]);
  });
});
