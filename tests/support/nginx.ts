import { spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { httpRequest } from './http-request';

/** The repository's nginx.conf: the file the compose topology runs, tested as is. */
export const NGINX_CONF = join(__dirname, '..', '..', 'nginx.conf');
export const NGINX_BINARY = 'nginx';

const SERVERS_START = '# pushgate:servers:start';
const SERVERS_END = '# pushgate:servers:end';
const LISTEN_MARK = '# pushgate:listen';
const LISTEN_LINE = /^\s*listen\s+[^;]+;\s*# pushgate:listen\s*$/;

/** A mistake in nginx.conf's markers: the file can no longer be adapted as documented. */
export class NginxConfTemplateError extends Error {
  override name = 'NginxConfTemplateError';
}

/**
 * nginx.conf with its node list and public port replaced, the two substitutions the file
 * documents; everything else is kept byte for byte. Each node gets the parameters of the first
 * `server` line between the markers (`max_fails=...`), so the tested failover is the shipped one.
 */
export function renderNginxConf(
  template: string,
  servers: readonly string[],
  listen: string,
): string {
  if (servers.length === 0)
    throw new NginxConfTemplateError('at least one upstream server is needed');
  const lines = template.split('\n');
  const start = lines.findIndex((l) => l.trim() === SERVERS_START);
  const end = lines.findIndex((l) => l.trim() === SERVERS_END);
  if (start < 0 || end < start)
    throw new NginxConfTemplateError(`nginx.conf lacks "${SERVERS_START}" ... "${SERVERS_END}"`);
  const first = lines
    .slice(start + 1, end)
    .map((l) => /^(\s*)server\s+\S+((?:\s+[^;\s]+)*)\s*;\s*$/.exec(l))
    .find((m) => m !== null);
  if (!first)
    throw new NginxConfTemplateError('no `server <address> ...;` line between the markers');
  const [, indent = '', params = ''] = first;
  const serverLines = servers.map((s) => `${indent}server ${s}${params};`);

  const isListen = (l: string): boolean => LISTEN_LINE.test(l);
  if (lines.filter(isListen).length !== 1)
    throw new NginxConfTemplateError(
      `nginx.conf needs exactly one "listen ...; ${LISTEN_MARK}" line`,
    );
  const out = [...lines.slice(0, start + 1), ...serverLines, ...lines.slice(end)].map((l) =>
    isListen(l) ? l.replace(/listen\s+[^;]+;/, `listen ${listen};`) : l,
  );
  return out.join('\n');
}

/** One line of nginx.conf's JSON access log (only the fields tests read are typed). */
export interface AccessLogEntry {
  method: string;
  uri: string;
  status: number;
  /** Every node tried, comma-separated in order (`a:1, b:2` after one retry). */
  upstream_addr: string;
  /** The status of each try; a node that could not be reached shows as 502 (or 504). */
  upstream_status: string;
  [field: string]: unknown;
}

export interface RunningNginx {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Access log entries so far (nginx writes one per request, after the response). */
  accessLog(): AccessLogEntry[];
  /** The last part of the error log (stderr). */
  errors(): string;
  /** Fast shutdown (SIGTERM; the master stops its workers), then removes the prefix directory. */
  stop(): Promise<void>;
}

const OUTPUT_LIMIT = 16384;
const BIND_RETRIES = 3;

/** Runs `nginx -t` on nginx.conf rendered for `servers`; resolves to nginx's output or throws it. */
export function checkNginxConf(servers: readonly string[]): Promise<string> {
  const prefix = preparePrefix(servers, '127.0.0.1:1');
  return new Promise((resolve, reject) => {
    // stdout goes to /dev/null: nginx -t opens the access log (/dev/stdout) and reports on stderr.
    const child = spawn(NGINX_BINARY, ['-t', '-p', prefix.dir, '-c', prefix.conf], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      rmSync(prefix.dir, { recursive: true, force: true });
      if (code === 0) resolve(output);
      else reject(new Error(`nginx -t failed (exit ${code}):\n${output}`));
    });
  });
}

/**
 * Starts nginx in the foreground with nginx.conf in front of `upstreams` (`host:port` each),
 * listening on a free 127.0.0.1 port, in a fresh prefix directory (pid, temp files). Resolves
 * once nginx answers HTTP.
 */
export async function startNginx(upstreams: readonly string[]): Promise<RunningNginx> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(upstreams);
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt >= BIND_RETRIES) throw err;
    }
  }
}

class PortTakenError extends Error {
  override name = 'PortTakenError';
}

interface Prefix {
  dir: string;
  conf: string;
}

function preparePrefix(servers: readonly string[], listen: string): Prefix {
  const dir = mkdtempSync(join(tmpdir(), 'pushgate-nginx-'));
  // Started as root, nginx runs its workers as `nobody`; they must reach the temp directories.
  chmodSync(dir, 0o755);
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, renderNginxConf(readFileSync(NGINX_CONF, 'utf8'), servers, listen));
  return { dir, conf };
}

async function startOnce(upstreams: readonly string[]): Promise<RunningNginx> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const prefix = preparePrefix(upstreams, `127.0.0.1:${port}`);
  // nginx.conf logs requests to /dev/stdout. Node's stdio pipes are socketpairs, which cannot be
  // opened through /dev/stdout (ENXIO), so stdout is a file in the prefix, read back on demand.
  const accessLogFile = join(prefix.dir, 'access.log');
  const stdout = openSync(accessLogFile, 'a');
  const child = spawn(NGINX_BINARY, ['-p', prefix.dir, '-c', prefix.conf, '-g', 'daemon off;'], {
    stdio: ['ignore', stdout, 'pipe'],
  });
  closeSync(stdout);
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  });

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
    if (exitReason === undefined) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(prefix.dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 10000;
  for (;;) {
    // Any HTTP answer will do: nginx is up even when no node is.
    const up = await httpRequest(url, { method: 'GET', path: '/-/healthy' }, 2000).then(
      () => true,
      () => false,
    );
    if (up && exitReason === undefined) break;
    if (exitReason !== undefined || Date.now() > deadline) {
      const problem = exitReason ?? `not answering at ${url} after 10 s`;
      await stop();
      const message = `nginx ${problem}\n--- error log ---\n${errors}`;
      throw /Address already in use/i.test(errors)
        ? new PortTakenError(message)
        : new Error(message);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const accessLog = (): AccessLogEntry[] =>
    readFileSync(accessLogFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as AccessLogEntry);
  return { url, accessLog, errors: () => errors, stop };
}
