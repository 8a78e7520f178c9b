import { gunzipSync } from 'node:zlib';
import type { HttpResponse } from '../support/http-request';
import { normalizeApiMetrics, type Json } from '../support/normalize-api';
import {
  normalizeProtobufScrape,
  normalizeTextScrape,
  OWN_FAMILY,
  type NormalizedScrape,
} from '../support/normalize-scrape';
import { normalizeErrorMessage } from './error-message';
import type { Extra, Run, Scenario, Step } from './scenario';
import { CLUSTER } from './target-mode';

/**
 * What two gateways must agree on for one scenario, as plain data: `toEqual` on two views then
 * reports each difference together with the request it belongs to.
 */
export interface RunView {
  /** Keyed `#01 PUT /metrics/job/j`, so that a diff names the request next to the difference. */
  steps: Record<string, StepView>;
  scrape?: ScrapeView;
  api?: { status: number; body: Json | string };
}

interface StepView {
  status: number;
  message?: string;
  location?: string;
  allow?: string;
  extras?: Record<string, unknown>;
}

interface ScrapeView {
  status: number;
  /** Whether the gateway exposed metrics about itself (runtime and pushgateway_* families). */
  ownFamilies?: { runtime: boolean; pushgateway: boolean };
  orderViolations?: string[];
  families?: NormalizedScrape['families'];
  /** The body, when it is not a 200 scrape. */
  body?: string;
}

export function viewOf(scenario: Scenario, run: Run): RunView {
  const view: RunView = { steps: {} };
  scenario.steps.forEach((step, i) => {
    const key = `#${String(i).padStart(2, '0')} ${step.method} ${step.path}`;
    view.steps[key] = stepView(step, run.responses[i] as HttpResponse);
  });
  if (run.scrape) view.scrape = scrapeView(run.scrape);
  if (run.api) view.api = apiView(run.api);
  return view;
}

function stepView(step: Step, res: HttpResponse): StepView {
  const view: StepView = { status: res.status };
  if (res.status >= 400 && res.status < 500) {
    const message = normalizeErrorMessage(res.body.toString('utf8'));
    // A pattern (where upstream's wording is random) is checked on each side; the views are
    // then equal when both matched, and show the message that did not.
    const matched = step.message?.test(message) ?? false;
    view.message = matched ? `matches ${String(step.message)}` : message;
  }
  if (res.status >= 300 && res.status < 400) view.location = res.headers.location ?? '<none>';
  if (res.status === 405) view.allow = res.headers.allow ?? '<none>';
  if (step.compare?.length) {
    view.extras = Object.fromEntries(step.compare.map((extra) => [extra, extraView(extra, res)]));
  }
  return view;
}

function extraView(extra: Extra, res: HttpResponse): unknown {
  if (extra.startsWith('header:'))
    return res.headers[extra.slice('header:'.length).toLowerCase()] ?? '<none>';
  switch (extra) {
    case 'body':
      return res.body.toString('utf8');
    case 'text-scrape':
      return tryParse(() => scrapeBody(normalizeTextScrape(decoded(res))), res);
    case 'protobuf-scrape':
      return tryParse(() => scrapeBody(normalizeProtobufScrape(decoded(res))), res);
    default:
      throw new Error(`unknown comparison ${extra}`);
  }
}

function scrapeView(res: HttpResponse): ScrapeView {
  if (res.status !== 200) return { status: res.status, body: res.body.toString('utf8') };
  return {
    status: res.status,
    ...tryParse(() => scrapeBody(normalizeTextScrape(decoded(res))), res),
  };
}

function scrapeBody(scrape: NormalizedScrape): Omit<ScrapeView, 'status'> {
  return {
    // A cluster serves each node's own metrics on the node's own listener, not through nginx
    // (tests/cluster checks that), so only a single node is compared on their presence.
    ...(CLUSTER
      ? {}
      : {
          ownFamilies: {
            runtime: scrape.ownFamilies.some(
              (n) => OWN_FAMILY.test(n) && !n.startsWith('pushgateway_'),
            ),
            pushgateway: scrape.ownFamilies.some((n) => n.startsWith('pushgateway_')),
          },
        }),
    orderViolations: scrape.orderViolations,
    families: scrape.families,
  };
}

function apiView(res: HttpResponse): RunView['api'] {
  return { status: res.status, body: tryParse(() => normalizeApiMetrics(res.body), res) };
}

/** The body with any Content-Encoding: gzip removed. */
export function decoded(res: HttpResponse): Buffer {
  return res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.body) : res.body;
}

/** A body that fails to parse shows up in the diff as the error and the (decompressed) text. */
function tryParse<T>(parse: () => T, res: HttpResponse): T | { unparseable: string; raw: string } {
  try {
    return parse();
  } catch (err) {
    let raw: Buffer;
    try {
      raw = decoded(res);
    } catch {
      raw = res.body;
    }
    return {
      unparseable: err instanceof Error ? err.message : String(err),
      raw: raw.toString('utf8'),
    };
  }
}
