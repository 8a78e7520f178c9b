// What the cluster tests do as clients: send requests with bounded concurrency, remember which
// ones were acknowledged, and read back the series a scrape holds.
import { parseText } from '@pushgate/exposition';
import { httpRequest, type HttpRequest, type HttpResponse } from '../support/http-request';

export const TEXT = { 'content-type': 'text/plain; version=0.0.4' };

/** One request's fate: its response, or the error that stood in for one. */
export type Outcome<T> = {
  job: T;
  /** performance.now() when the request was sent and when it settled. */
  sentAt: number;
  settledAt: number;
} & ({ response: HttpResponse; error?: undefined } | { response?: undefined; error: Error });

export function acknowledged<T>(outcome: Outcome<T>): boolean {
  const status = outcome.response?.status ?? 0;
  return status >= 200 && status < 300;
}

/**
 * Sends `jobs` from `clients` concurrent clients, each sending its next request once the last
 * one is answered; `onSettled` sees every outcome as it comes (a test can act mid-way). `jobs`
 * may be an endless generator that stops when the test says so.
 */
export async function runClients<T>(
  clients: number,
  jobs: Iterable<T>,
  send: (job: T) => { url: string; request: HttpRequest },
  onSettled?: (outcome: Outcome<T>, settledSoFar: number) => Promise<void> | void,
): Promise<Array<Outcome<T>>> {
  const outcomes: Array<Outcome<T>> = [];
  const queue = jobs[Symbol.iterator]();
  const client = async (): Promise<void> => {
    for (let next = queue.next(); !next.done; next = queue.next()) {
      const job = next.value;
      const { url, request } = send(job);
      const sentAt = performance.now();
      const outcome: Outcome<T> = await httpRequest(url, request).then(
        (response) => ({ job, sentAt, settledAt: performance.now(), response }),
        (error: unknown) => ({
          job,
          sentAt,
          settledAt: performance.now(),
          error: error instanceof Error ? error : new Error(String(error)),
        }),
      );
      outcomes.push(outcome);
      await onSettled?.(outcome, outcomes.length);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return outcomes;
}

/** 0, 1, 2, ... until `stopped()` says so. */
export function* counter(stopped: () => boolean): Generator<number> {
  for (let i = 0; !stopped(); i++) yield i;
}

/** A PUT of one gauge to its own group, `/metrics/job/<job>/instance/i<i>`, valued `i`. */
export function pushOf(url: string, job: string, i: number): { url: string; request: HttpRequest } {
  return {
    url,
    request: {
      method: 'PUT',
      path: `/metrics/job/${job}/instance/i${i}`,
      headers: TEXT,
      body: `# TYPE ${job}_value gauge\n${job}_value ${i}\n`,
    },
  };
}

/** The acknowledged pushOf(…, job, i) whose value is not in `samples`. */
export function missingPushes(
  outcomes: ReadonlyArray<Outcome<number>>,
  job: string,
  samples: ReadonlyMap<string, number>,
): number[] {
  return outcomes
    .filter(acknowledged)
    .map((o) => o.job)
    .filter((i) => samples.get(seriesKey(`${job}_value`, { instance: `i${i}`, job })) !== i)
    .sort((a, b) => a - b);
}

/** `name{labels}` → value for every sample of a text scrape (labels sorted by name). */
export async function scrapeSamples(baseUrl: string): Promise<Map<string, number>> {
  const res = await httpRequest(baseUrl, { method: 'GET', path: '/metrics' }, 30000);
  if (res.status !== 200)
    throw new Error(`GET /metrics answered ${res.status}: ${res.body.toString('utf8')}`);
  const samples = new Map<string, number>();
  for (const family of parseText(res.body)) {
    for (const metric of family.metric) {
      const value = metric.gauge?.value ?? metric.counter?.value ?? metric.untyped?.value;
      if (value === undefined) continue;
      samples.set(seriesKey(family.name, metric.label), value);
    }
  }
  return samples;
}

export function seriesKey(
  name: string,
  labels: ReadonlyArray<{ name: string; value: string }> | Record<string, string>,
): string {
  const pairs = Array.isArray(labels)
    ? labels.map((l) => [l.name, l.value] as const)
    : Object.entries(labels);
  const sorted = [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${name}{${sorted.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}

/** A short description of failed outcomes for assertion messages. */
export function describeFailures<T>(outcomes: ReadonlyArray<Outcome<T>>): string[] {
  return outcomes
    .filter((o) => !acknowledged(o))
    .map((o) =>
      o.error
        ? `${JSON.stringify(o.job)}: ${o.error.message}`
        : `${JSON.stringify(o.job)}: ${o.response?.status} ${o.response?.body.toString('utf8').trim()}`,
    );
}
