import type { HttpResponse } from '../support/http-request';
import { normalizeTextScrape, type NormalizedFamily } from '../support/normalize-scrape';
import { decoded } from './compare';
import type { Run } from './scenario';

// Accessors for the explicit assertions of deliberate differences.

export function response(run: Run, step: number): HttpResponse {
  const res = run.responses[step];
  if (!res) throw new Error(`no response for step ${step}`);
  return res;
}

export function statusOf(run: Run): number[] {
  return run.responses.map((r) => r.status);
}

export function bodyText(res: HttpResponse | undefined): string {
  return res ? decoded(res).toString('utf8') : '<no response>';
}

/** The final scrape's families (gateway-own series removed), asserting it was a 200. */
export function families(run: Run): NormalizedFamily[] {
  expect({
    status: run.scrape?.status,
    body: run.scrape?.status === 200 ? '' : bodyText(run.scrape),
  }).toEqual({ status: 200, body: '' });
  return normalizeTextScrape(decoded(run.scrape as HttpResponse)).families;
}

export function family(run: Run, name: string): NormalizedFamily | undefined {
  return families(run).find((f) => f.name === name);
}

/** `labels` strings of the family's series, e.g. `{instance="",job="j"}`. */
export function seriesLabels(run: Run, name: string): string[] {
  return (family(run, name)?.series ?? []).map((s) => (s as { labels: string }).labels);
}

/** Grouping labels of every group in the final /api/v1/metrics, sorted. */
export function groups(run: Run): string[] {
  expect(run.api?.status).toBe(200);
  const parsed = JSON.parse(bodyText(run.api)) as {
    data: Array<{ labels: Record<string, string> }>;
  };
  return parsed.data
    .map((g) => JSON.stringify(Object.fromEntries(Object.entries(g.labels).sort())))
    .sort();
}
