import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from '../../support/server-process';

/** Debian's Prometheus server (package `prometheus`). */
export const PROMETHEUS = '/usr/bin/prometheus';

/** One series of an instant-query vector, as /api/v1/query returns it. */
export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** One alert, as /api/v1/alerts returns it. */
export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  value: string;
}

export interface RunningPrometheus extends ServerProcess {
  /** The instant vector of `expr` now (`/api/v1/query`); anything but a vector fails. */
  query(expr: string): Promise<VectorSample[]>;
  /** Every pending or firing alert (`/api/v1/alerts`). */
  alerts(): Promise<PrometheusAlert[]>;
}

/**
 * `text` with its one occurrence of `from` replaced by `to`. Fails when `from` occurs any other
 * number of times: a deployment file edited since the test was written must break the test, not
 * silently leave the original value (a 15s interval, a `gateway-1:9096` target) in the copy.
 */
export function replaceOnce(text: string, from: string, to: string): string {
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`expected exactly one ${JSON.stringify(from)}, found ${count}`);
  return text.replace(from, () => to);
}

/**
 * Starts the real Prometheus server with `<dir>/prometheus.yml` (rule files relative to it, as
 * usual) and its TSDB in `<dir>/data`, on a free 127.0.0.1 port; resolves once /-/ready answers.
 * The configuration is written by `config(listenAddress)` right before the start, because its
 * `prometheus` job scrapes Prometheus itself and so needs the address it is about to listen on.
 */
export async function startPrometheus(
  dir: string,
  config: (listenAddress: string) => string,
): Promise<RunningPrometheus> {
  const configFile = join(dir, 'prometheus.yml');
  const server = await startServerProcess({
    label: PROMETHEUS,
    command: PROMETHEUS,
    args: (listen) => {
      writeFileSync(configFile, config(listen));
      return [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=${listen}`,
      ];
    },
    readyPath: '/-/ready',
    startTimeoutMs: 30000,
  });

  async function api<T>(path: string): Promise<T> {
    const res = await fetch(`${server.url}${path}`);
    const body = (await res.json()) as { status: string; data?: T; error?: string };
    if (res.status !== 200 || body.status !== 'success' || body.data === undefined)
      throw new Error(`GET ${path}: HTTP ${res.status}, ${body.error ?? JSON.stringify(body)}`);
    return body.data;
  }

  return {
    ...server,
    async query(expr) {
      const data = await api<{ resultType: string; result: VectorSample[] }>(
        `/api/v1/query?query=${encodeURIComponent(expr)}`,
      );
      if (data.resultType !== 'vector') throw new Error(`${expr} is a ${data.resultType}`);
      return data.result;
    },
    async alerts() {
      return (await api<{ alerts: PrometheusAlert[] }>('/api/v1/alerts')).alerts;
    },
  };
}
