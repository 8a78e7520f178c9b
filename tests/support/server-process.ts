import { spawn } from 'node:child_process';
import { freePort } from './free-port';
import { httpRequest } from './http-request';

/** A gateway process (upstream or Pushgate) listening on 127.0.0.1. */
export interface ServerProcess {
  /** Base URL without route prefix or trailing slash, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** The last part of everything the process wrote to stdout and stderr. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited after 5 s. Idempotent. */
  stop(): Promise<void>;
  /** Resolves true once the process has exited by itself, false if it still runs after `timeoutMs`. */
  exited(timeoutMs: number): Promise<boolean>;
}

export interface ServerSpec {
  /** For messages, e.g. `prometheus-pushgateway`. */
  label: string;
  command: string;
  /** Arguments for a given listen address (`127.0.0.1:PORT`). */
  args(listenAddress: string): string[];
  /** Path that answers 200 once the server is ready, e.g. `/-/ready` (route prefix included). */
  readyPath: string;
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
}

const OUTPUT_LIMIT = 16384;
const BIND_RETRIES = 3;

/**
 * Starts the server on a free port and waits until `readyPath` answers 200. A process that exits
 * during start fails at once, with its output in the error. The port is picked before the process
 * binds it, so another process on this machine can take it in between: an "address already in
 * use" exit is retried on a new port.
 */
export async function startServerProcess(spec: ServerSpec): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(spec);
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt >= BIND_RETRIES) throw err;
    }
  }
}

class PortTakenError extends Error {
  override name = 'PortTakenError';
}

async function startOnce(spec: ServerSpec): Promise<ServerProcess> {
  const listen = `127.0.0.1:${await freePort()}`;
  const url = `http://${listen}`;
  const child = spawn(spec.command, spec.args(listen), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: spec.env ?? process.env,
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  let exitReason: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitReason = `exited with ${signal ?? `code ${code}`}`;
      resolve();
    });
    child.once('error', (err) => {
      exitReason = `could not be started: ${err.message}`;
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    if (exitReason !== undefined) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };

  const deadline = Date.now() + (spec.startTimeoutMs ?? 15000);
  for (;;) {
    const ready = await httpRequest(url, { method: 'GET', path: spec.readyPath }, 2000).then(
      (res) => res.status === 200,
      () => false,
    );
    // A foreign server that took the port first would answer too, while our child dies with
    // "address already in use": checking the child is alive narrows that window (the port comes
    // from the OS's ephemeral range, so such a collision is rare to begin with).
    if (ready && exitReason === undefined) break;
    if (exitReason !== undefined || Date.now() > deadline) {
      const problem =
        exitReason ??
        `not ready at ${url}${spec.readyPath} after ${spec.startTimeoutMs ?? 15000} ms`;
      await stop();
      const message = `${spec.label} ${problem}\n--- output ---\n${output}`;
      throw /address already in use/i.test(output)
        ? new PortTakenError(message)
        : new Error(message);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const waitForExit = (timeoutMs: number): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    return Promise.race([exited.then(() => true), timeout]).finally(() => clearTimeout(timer));
  };
  return { url, output: () => output, stop, exited: waitForExit };
}

/** The route prefix a flag list sets, normalised as upstream does (`/pg/` → `/pg`, `/` → ``). */
export function routePrefixOf(flags: readonly string[]): string {
  let raw = '';
  for (const flag of flags) {
    const m = /^--web\.route-prefix=(.*)$/.exec(flag);
    if (m) raw = m[1] ?? '';
  }
  const trimmed = raw.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}
