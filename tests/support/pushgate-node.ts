import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { routePrefixOf, startServerProcess, type ServerProcess } from './server-process';

const REPO_ROOT = join(__dirname, '..', '..');
const ENTRY = join(REPO_ROOT, 'services', 'gateway', 'dist', 'bin.js');
const TSC = join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
// Every jest worker may build at once; tsc -b writing the same outputs concurrently corrupts
// them, so builds queue on one lock file (flock is in util-linux, on every Linux box and CI).
const BUILD_LOCK = '/tmp/pushgate-gateway-build.lock';

let build: Promise<void> | undefined;

/**
 * Builds services/gateway (and the packages it references) once per jest worker. `tsc -b` is
 * incremental, so this is quick when dist/ is current, and a stale dist/ can never be tested.
 */
export function buildPushgate(): Promise<void> {
  build ??= new Promise<void>((resolve, reject) => {
    execFile(
      'flock',
      [BUILD_LOCK, TSC, '-b', 'services/gateway'],
      { cwd: REPO_ROOT, timeout: 300000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err)
          reject(
            new Error(
              `building services/gateway failed (${err.message.split('\n')[0]}):\n${stdout}${stderr}`,
            ),
          );
        else resolve();
      },
    );
  });
  return build;
}

/**
 * Starts a Pushgate node (`node services/gateway/dist/bin.js`) with upstream-style flags on a
 * free 127.0.0.1 port and waits for /-/ready. Builds first if this worker has not yet.
 */
export async function startPushgate(flags: readonly string[] = []): Promise<ServerProcess> {
  await buildPushgate();
  // PUSHGATE_* variables, and REDIS_URL (which jest's global setup sets and the gateway honours),
  // would configure the node behind the test's back: a single node must use the in-memory store
  // unless the test passes --redis.url itself.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('PUSHGATE_') && k !== 'REDIS_URL'),
  );
  return startServerProcess({
    label: 'pushgate node',
    command: process.execPath,
    args: (listen) => [ENTRY, `--web.listen-address=${listen}`, ...flags],
    readyPath: `${routePrefixOf(flags)}/-/ready`,
    env,
  });
}
