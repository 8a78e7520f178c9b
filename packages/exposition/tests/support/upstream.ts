import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from '../../../../tests/support/free-port';
import { waitFor } from '../../../../tests/support/wait-for';

/** The real pushgateway 1.5.1 (Debian package), used as the oracle. */
export const UPSTREAM_BINARY = '/usr/bin/prometheus-pushgateway';

export function upstreamAvailable(): boolean {
  return existsSync(UPSTREAM_BINARY);
}

export interface Upstream {
  url: string;
  stop(): Promise<void>;
}

/** Starts the upstream binary on a free port, without persistence, and waits until it is ready. */
export async function startUpstream(): Promise<Upstream> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    UPSTREAM_BINARY,
    [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file='],
    {
      stdio: 'ignore',
    },
  );
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`pushgateway on port ${port}`, async () => {
    if (exited) throw new Error('prometheus-pushgateway exited during start');
    try {
      return (await fetch(`${url}/-/ready`)).ok;
    } catch {
      return false;
    }
  });
  return {
    url,
    async stop() {
      if (exited) return;
      const done = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await done;
    },
  };
}

/** The gateway's own families, which a golden scrape leaves out. */
export function isOwnFamily(name: string): boolean {
  return (
    name.startsWith('go_') ||
    name.startsWith('process_') ||
    name.startsWith('pushgateway_') ||
    name === 'push_time_seconds' ||
    name === 'push_failure_time_seconds'
  );
}

/** The families of a text 0.0.4 scrape whose names pass `keep`, in scrape order. */
export function filterFamilies(scrape: string, keep: (name: string) => boolean): string {
  let kept = true;
  let out = '';
  for (const line of scrape.split(/(?<=\n)/)) {
    const comment = /^# (?:HELP|TYPE) (\S+)/.exec(line);
    if (comment) kept = keep(comment[1] as string);
    if (kept) out += line;
  }
  return out;
}
