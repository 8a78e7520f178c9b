/**
 * The scheduling guarantees on a real Redis: any number of replicas run each task once per tick,
 * never two runs of a task at once, and the job of a replica that is killed mid-run is run again,
 * for the same tick, by another one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import {
  startScheduler,
  queueName,
  type PeriodicTask,
  type Scheduler,
  type Tick,
} from '../src/scheduler';
import { buildWorker, connect, REPO_ROOT, redisUrl, uniquePrefix } from './support/env';

interface Run {
  task: string;
  replica: number;
  tick: Tick;
  start: number;
  end: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `inspect` on a task's queue through a connection of its own. */
async function withQueue<T>(
  prefix: string,
  task: string,
  inspect: (queue: Queue) => Promise<T>,
): Promise<T> {
  const connection = connect();
  const queue = new Queue(queueName(task), { connection, prefix });
  try {
    return await inspect(queue);
  } finally {
    await queue.close();
    await connection.quit();
  }
}

function recordingTask(
  name: string,
  everyMs: number,
  replica: number,
  runs: Run[],
  workMs: number,
): PeriodicTask {
  return {
    name,
    everyMs,
    async run(tick) {
      const start = Date.now();
      await sleep(workMs);
      runs.push({ task: name, replica, tick, start, end: Date.now() });
    },
  };
}

describe('startScheduler with 3 replicas', () => {
  let schedulers: Scheduler[] = [];
  afterEach(async () => {
    await Promise.all(schedulers.map((s) => s.close()));
    schedulers = [];
  });

  it('runs each task once per tick, one run at a time, however many replicas there are', async () => {
    const prefix = uniquePrefix();
    const runs: Run[] = [];
    const errors: Error[] = [];
    for (let replica = 0; replica < 3; replica++) {
      schedulers.push(
        await startScheduler({
          connect,
          prefix,
          // The sweep's run takes longer than its interval: without global concurrency 1 the
          // next tick's job would start while it runs.
          tasks: [
            recordingTask('sweep', 150, replica, runs, 200),
            recordingTask('snapshot', 250, replica, runs, 20),
          ],
          lockDurationMs: 5000,
          workerName: `replica-${replica}`,
          onError: (err) => errors.push(err),
        }),
      );
    }
    expect(schedulers.every((s) => s.running())).toBe(true);
    await sleep(4000);
    await Promise.all(schedulers.map((s) => s.close()));

    expect(errors).toEqual([]);
    for (const task of ['sweep', 'snapshot']) {
      const ofTask = runs.filter((r) => r.task === task).sort((a, b) => a.start - b.start);
      const ticks = ofTask.map((r) => r.tick.ms);
      expect(new Set(ticks).size).toBe(ticks.length); // once per tick
      expect(ticks).toEqual([...ticks].sort((a, b) => a - b));
      expect(ofTask.every((r) => r.tick.attempt === 1)).toBe(true);
      expect(ofTask.length).toBeGreaterThanOrEqual(5);
      const every = task === 'sweep' ? 150 : 250;
      expect(ticks.every((t) => (t - (ticks[0] as number)) % every === 0)).toBe(true);
      // Never two runs of a task at once.
      for (let i = 1; i < ofTask.length; i++)
        expect((ofTask[i] as Run).start).toBeGreaterThanOrEqual((ofTask[i - 1] as Run).end);
    }
  });

  it('keeps one job scheduler per task however often replicas start', async () => {
    const prefix = uniquePrefix();
    for (let replica = 0; replica < 3; replica++) {
      schedulers.push(
        await startScheduler({
          connect,
          prefix,
          tasks: [recordingTask('sweep', 60_000, replica, [], 0)],
          lockDurationMs: 5000,
          onError: () => undefined,
        }),
      );
    }
    await withQueue(prefix, 'sweep', async (queue) => {
      expect(await queue.getJobSchedulersCount()).toBe(1);
      expect(await queue.getDelayedCount()).toBe(1);
    });
  });
});

describe('a replica killed mid-run', () => {
  let child: ChildProcess | undefined;
  let survivor: Scheduler | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    await survivor?.close();
  });

  it('has its job run again, for the same tick, by another replica', async () => {
    const dist = await buildWorker();
    const prefix = uniquePrefix();
    // The doomed replica: the compiled scheduler in its own process, stuck in its first run.
    child = spawn(
      process.execPath,
      [
        '-e',
        `
        const { Redis } = require('ioredis');
        const { startScheduler } = require(${JSON.stringify(join(dist, 'scheduler.js'))});
        startScheduler({
          connect: () => new Redis(${JSON.stringify(redisUrl())}, { maxRetriesPerRequest: null }),
          prefix: ${JSON.stringify(prefix)},
          tasks: [{ name: 'sweep', everyMs: 300, run: (tick) => {
            process.stdout.write(JSON.stringify(tick) + '\\n');
            return new Promise(() => {});
          } }],
          lockDurationMs: 1000,
          onError: () => {},
        });`,
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const stuck = await new Promise<Tick>((resolve, reject) => {
      child?.stdout?.once('data', (data: Buffer) => resolve(JSON.parse(String(data)) as Tick));
      child?.once('exit', (code) => reject(new Error(`doomed replica exited early (${code})`)));
    });
    child.kill('SIGKILL');

    const runs: Run[] = [];
    survivor = await startScheduler({
      connect,
      prefix,
      tasks: [recordingTask('sweep', 300, 1, runs, 0)],
      lockDurationMs: 1000,
      onError: () => undefined,
    });
    const deadline = Date.now() + 15_000;
    while (!runs.some((r) => r.tick.ms === stuck.ms) && Date.now() < deadline) await sleep(50);

    const retried = runs.filter((r) => r.tick.ms === stuck.ms);
    expect(retried).toEqual([expect.objectContaining({ tick: { ms: stuck.ms, attempt: 2 } })]);
    expect(
      await withQueue(prefix, 'sweep', (queue) => queue.getJobState(`repeat:sweep:${stuck.ms}`)),
    ).toBe('completed');
    // Later ticks go on as usual, once each.
    await sleep(1000);
    const ticks = runs.map((r) => r.tick.ms);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks.filter((t) => t > stuck.ms).length).toBeGreaterThan(0);
  });
});
