import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

/** A redis-server process this test run started, on its own port and directory. */
export interface SpawnedRedis {
  url: string;
  port: number;
  dir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface SpawnRedisOptions {
  port?: number;
  /** Extra redis-server arguments, e.g. ['--appendonly', 'yes']. */
  args?: string[];
  dir?: string;
}

function ping(port: number): boolean {
  try {
    return (
      execFileSync('redis-cli', ['-p', String(port), 'ping'], {
        encoding: 'utf8',
        timeout: 2000,
      }).trim() === 'PONG'
    );
  } catch {
    return false;
  }
}

/** Starts `redis-server` on a free 127.0.0.1 port and waits until it answers PING. */
export async function spawnRedis(opts: SpawnRedisOptions = {}): Promise<SpawnedRedis> {
  const port = opts.port ?? (await freePort());
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'pushgate-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...(opts.args ?? []),
    ],
    { stdio: 'ignore' },
  );
  let exited = false;
  child.on('exit', () => (exited = true));
  await waitFor(`redis-server on port ${port}`, () => {
    if (exited) throw new Error('redis-server exited during start');
    return ping(port);
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    process: child,
    async stop() {
      if (!exited) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await done;
      }
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
