import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../../../tests/support/free-port';
import { waitFor } from '../../../../tests/support/wait-for';

/** A redis-sentinel this test file started, monitoring one master as `name`. */
export interface SpawnedSentinel {
  host: string;
  port: number;
  name: string;
  stop(): Promise<void>;
}

/**
 * Starts `redis-server <conf> --sentinel` on a free port, monitoring the master at `masterPort`
 * (quorum 1), and waits until it reports that master.
 */
export async function spawnSentinel(
  masterPort: number,
  name = 'pushgate',
): Promise<SpawnedSentinel> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pushgate-sentinel-'));
  const conf = join(dir, 'sentinel.conf');
  // Sentinel rewrites its config file, so it must be writable and its own.
  writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
  let exited = false;
  child.on('exit', () => (exited = true));
  const probe = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  try {
    await waitFor(`sentinel on port ${port}`, async () => {
      if (exited) throw new Error('redis-sentinel exited during start');
      if (probe.status !== 'ready') await probe.connect().catch(() => undefined);
      const master = (await probe.call('SENTINEL', 'get-master-addr-by-name', name)) as
        string[] | null;
      return master?.[1] === String(masterPort);
    });
  } finally {
    probe.disconnect();
  }
  return {
    host: '127.0.0.1',
    port,
    name,
    async stop() {
      if (!exited) {
        const done = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
