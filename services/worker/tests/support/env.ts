import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { DestinationStream } from 'pino';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

/** The Redis of this test run (jest's global setup spawns one unless REDIS_URL is set). */
export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: run through jest (global setup spawns Redis)');
  return url;
}

/** A BullMQ prefix no other test uses, so queues of different tests never meet. */
export function uniquePrefix(): string {
  return `{pgw-test-${randomBytes(6).toString('hex')}}`;
}

/** A connection as the worker opens them (BullMQ's blocking reads need `maxRetriesPerRequest: null`). */
export function connect(): Redis {
  return new Redis(redisUrl(), { maxRetriesPerRequest: null });
}

/** A log record of the worker, parsed. */
export type LogRecord = Record<string, unknown> & { level: string; msg: string };

/** A pino destination collecting parsed records. */
export function logSink(): { destination: DestinationStream; records: LogRecord[] } {
  const records: LogRecord[] = [];
  return {
    records,
    destination: {
      write(line: string) {
        for (const part of line.split('\n')) if (part) records.push(JSON.parse(part) as LogRecord);
      },
    },
  };
}

let build: Promise<void> | undefined;

/**
 * Builds services/worker (and the packages it references) once per jest worker, for tests that
 * run it as a separate process. Builds queue on the lock the gateway's test builds use, since
 * both write the packages' dist/.
 */
export function buildWorker(): Promise<string> {
  build ??= new Promise<void>((resolve, reject) => {
    execFile(
      'flock',
      [
        '/tmp/pushgate-gateway-build.lock',
        join(REPO_ROOT, 'node_modules', '.bin', 'tsc'),
        '-b',
        'services/worker',
      ],
      { cwd: REPO_ROOT, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`building services/worker failed:\n${stdout}${stderr}`)) : resolve(),
    );
  });
  return build.then(() => join(REPO_ROOT, 'services', 'worker', 'dist'));
}

export { REPO_ROOT };
