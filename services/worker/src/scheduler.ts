/**
 * Periodic tasks that run once per tick across any number of worker replicas, on BullMQ.
 *
 * Each task has its own queue, and every replica, at start:
 *   - upserts the task's job scheduler (same id everywhere, so there is one scheduler, and one
 *     job per tick, whose id `repeat:<task>:<tick ms>` is unique to the tick);
 *   - sets the queue's global concurrency to 1, so a slow run is never overlapped by the next
 *     tick's (BullMQ creates the next job when the current one starts);
 *   - runs a BullMQ Worker on the queue.
 * A replica that dies mid-run loses the job's lock after `lockDurationMs`; the stalled-job check
 * of a live replica then puts the job back and one of them runs that same tick again. Tasks must
 * therefore be idempotent per tick (the sweep is by nature; a snapshot rewrites its tick's file).
 * Ticks that pass while a run is late are skipped, not caught up: the next run does their work.
 */
import { hostname } from 'node:os';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';

/** One run of a task: the tick it is for and which attempt at it this is. */
export interface Tick {
  /** The scheduled time of the tick (Unix ms). */
  ms: number;
  /** 1 for the first run of the tick; more when a replica died running it. */
  attempt: number;
}

export interface PeriodicTask {
  /** Names the queue (`pushgate-<name>`), the job scheduler and the jobs. */
  name: string;
  everyMs: number;
  /** The work of one tick; rejects when it failed (the next tick tries again). */
  run(tick: Tick): Promise<void>;
}

export interface SchedulerOptions {
  /** Opens a new ioredis connection (BullMQ's blocking reads need one each; `maxRetriesPerRequest: null`). */
  connect: () => Redis;
  /** BullMQ key prefix. */
  prefix: string;
  tasks: readonly PeriodicTask[];
  lockDurationMs: number;
  /** Shown on the jobs this replica runs (default: host:pid). */
  workerName?: string;
  /** Called with errors of BullMQ itself (connection trouble, stalled-job checks). */
  onError(error: Error, task: string): void;
}

/** The running schedulers and workers of this replica. */
export interface Scheduler {
  /** True while every task's worker is running. */
  running(): boolean;
  /** Stops taking jobs, lets running ones finish, and closes every connection. Idempotent. */
  close(): Promise<void>;
}

/** The queue of a task. */
export function queueName(task: string): string {
  return `pushgate-${task}`;
}

/**
 * The tick of a scheduler job. Scheduler job ids end in the tick's time, which, unlike the job's
 * timestamp (when the job was created, the previous run's start), is the same for every attempt.
 */
export function tickOf(job: Pick<Job, 'id' | 'timestamp' | 'attemptsStarted'>): Tick {
  const fromId = Number(job.id?.slice(job.id.lastIndexOf(':') + 1));
  return {
    ms: Number.isSafeInteger(fromId) && fromId > 0 ? fromId : job.timestamp,
    attempt: Math.max(1, job.attemptsStarted),
  };
}

export async function startScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const { connect, prefix, lockDurationMs } = options;
  const workerName = options.workerName ?? `${hostname()}:${process.pid}`;
  const connections: Redis[] = [];
  const open = (): Redis => {
    const connection = connect();
    connections.push(connection);
    return connection;
  };
  const queues: Queue[] = [];
  const workers: Worker[] = [];
  let closing: Promise<void> | undefined;

  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await Promise.allSettled(workers.map((worker) => worker.close()));
      await Promise.allSettled(queues.map((queue) => queue.close()));
      await Promise.allSettled(connections.map((connection) => connection.quit()));
    })());

  try {
    for (const task of options.tasks) {
      const name = queueName(task.name);
      const queue = new Queue(name, { connection: open(), prefix });
      queues.push(queue);
      queue.on('error', (err) => options.onError(err, task.name));
      await queue.upsertJobScheduler(
        task.name,
        { every: task.everyMs },
        {
          name: task.name,
          opts: {
            // A failed run is not retried: the next tick does the same work.
            attempts: 1,
            removeOnComplete: { count: 100 },
            removeOnFail: { count: 100 },
          },
        },
      );
      await queue.setGlobalConcurrency(1);
      const worker = new Worker(name, (job: Job) => task.run(tickOf(job)), {
        connection: open(),
        prefix,
        name: workerName,
        concurrency: 1,
        lockDuration: lockDurationMs,
        stalledInterval: Math.max(100, Math.round(lockDurationMs / 2)),
        // One recovery per tick: a job that kills every worker that runs it must not loop.
        maxStalledCount: 1,
      });
      workers.push(worker);
      worker.on('error', (err) => options.onError(err, task.name));
    }
    await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  } catch (err) {
    await close();
    throw err;
  }

  return {
    running: () => closing === undefined && workers.every((worker) => worker.isRunning()),
    close,
  };
}
