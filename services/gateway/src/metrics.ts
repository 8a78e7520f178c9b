import type { ReservedFamily } from '@pushgate/core';
import { type MetricFamily, type MetricType, parseText } from '@pushgate/exposition';
import { Counter, Gauge, Registry, Summary, collectDefaultMetrics } from 'prom-client';
import type { BuildInfo } from './build-info';

/** Upstream's fixed `handler` label values (never the path: it would explode cardinality). */
export type HandlerLabel =
  | 'push'
  | 'delete'
  | 'wipe'
  | 'healthy'
  | 'ready'
  | 'status'
  | 'api/v1/status'
  | 'api/v1/metrics'
  | 'api/v1/options';

export type PushMethodLabel = 'put' | 'post';

const NON_COUNTERS_NAMED_TOTAL = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

const TYPES: Readonly<Record<string, MetricType>> = {
  counter: 'COUNTER',
  gauge: 'GAUGE',
  histogram: 'HISTOGRAM',
  summary: 'SUMMARY',
};

/**
 * This node's own metrics, in a registry of its own (never prom-client's global one, so any
 * number of gateways can live in one process). Names, HELP texts and labels are upstream's.
 * Every event has one method here, so label values cannot drift between call sites.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'code' | 'handler' | 'method'>;
  private readonly pushDuration: Summary<'method'>;
  private readonly pushSize: Summary<'method'>;
  /**
   * Label children, bound once: prom-client hashes a label object on every call otherwise, and
   * these are counted on every request. Bounded: routed methods × handlers × status codes.
   */
  private readonly requestChildren = new Map<string, Counter.Internal>();
  private readonly pushChildren = new Map<
    PushMethodLabel,
    { duration: Summary.Internal<'method'>; size: Summary.Internal<'method'> }
  >();

  constructor(build: BuildInfo) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'pushgateway_http_requests_total',
      help: 'Total HTTP requests processed by the Pushgateway, excluding scrapes.',
      labelNames: ['code', 'handler', 'method'],
      registers,
    });
    // Go's summary defaults: quantiles over a 10-minute window in 5 age buckets.
    const summary = {
      labelNames: ['method'] as const,
      percentiles: [0.1, 0.5, 0.9],
      maxAgeSeconds: 600,
      ageBuckets: 5,
      registers,
    };
    this.pushDuration = new Summary({
      name: 'pushgateway_http_push_duration_seconds',
      help: 'HTTP request duration for pushes to the Pushgateway.',
      ...summary,
    });
    this.pushSize = new Summary({
      name: 'pushgateway_http_push_size_bytes',
      help: 'HTTP request size for pushes to the Pushgateway.',
      ...summary,
    });
    new Gauge({
      name: 'pushgateway_build_info',
      help: "A metric with a constant '1' value labeled by version, revision, branch, goversion from which pushgateway was built, and the goos and goarch for the build.",
      labelNames: ['branch', 'goarch', 'goos', 'goversion', 'revision', 'version'],
      registers,
    }).set(
      {
        branch: build.branch,
        goarch: build.goarch,
        goos: build.goos,
        goversion: build.goVersion,
        revision: build.revision,
        version: build.version,
      },
      1,
    );
    collectDefaultMetrics({ register: this.registry });
    // prom-client names these gauges with the `_total` suffix Prometheus reserves for counters
    // (promtool check metrics flags every scrape of ours otherwise); the per-type gauges without
    // the suffix (nodejs_active_handles{type=...}, ...) carry the same numbers.
    for (const name of NON_COUNTERS_NAMED_TOTAL) this.registry.removeSingleMetric(name);
  }

  /** One request answered by `handler` (method as received, lower-cased like upstream). */
  countRequest(handler: HandlerLabel, method: string, code: number): void {
    const key = `${code} ${handler} ${method}`;
    let child = this.requestChildren.get(key);
    if (child === undefined) {
      child = this.requests.labels({ code: String(code), handler, method: method.toLowerCase() });
      this.requestChildren.set(key, child);
    }
    child.inc();
  }

  /** One push (any outcome): its duration and approximate request size. */
  observePush(method: PushMethodLabel, seconds: number, bytes: number): void {
    let children = this.pushChildren.get(method);
    if (children === undefined) {
      children = {
        duration: this.pushDuration.labels({ method }),
        size: this.pushSize.labels({ method }),
      };
      this.pushChildren.set(method, children);
    }
    children.duration.observe(seconds);
    children.size.observe(bytes);
  }

  /** The registry's current families, in the exposition model (for the scrape). */
  async families(): Promise<MetricFamily[]> {
    return parseText(await this.registry.metrics());
  }

  /**
   * Name, type and HELP of every family this node exposes, for the store's consistency rules.
   * `presentAtStartup` is true for families that already have samples (upstream rewrites the
   * HELP of pushed families with such names instead of rejecting them).
   */
  async reservedFamilies(): Promise<Map<string, ReservedFamily>> {
    const out = new Map<string, ReservedFamily>();
    for (const m of await this.registry.getMetricsAsJSON()) {
      const type = TYPES[String(m.type)];
      if (type === undefined) continue;
      out.set(m.name, { type, help: m.help, presentAtStartup: m.values.length > 0 });
    }
    return out;
  }
}
