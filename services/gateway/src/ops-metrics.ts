import type { MetricStore } from '@pushgate/store';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Outcome of bringing the scrape cache up to date before a scrape. */
export type CacheRefreshResult = 'unchanged' | 'updated' | 'reloaded';

/** Content-Encoding of a scrape. */
export type ScrapeEncoding = 'identity' | 'gzip';

/**
 * Pushgate's own operational metrics (extensions, named `pushgate_*`), in a registry of their
 * own: they are served on the node-metrics listener only, never merged into /metrics, where a
 * single node keeps upstream's families and a cluster serves pushed groups alone. Every event
 * has one method here.
 */
export class OpsMetrics {
  readonly registry = new Registry();
  private readonly scrapeDuration: Histogram<'format' | 'encoding'>;
  private readonly refreshes: Counter<'result'>;
  private readonly groupsApplied: Counter;
  private readonly blocksRendered: Counter;
  private readonly gzipSegments: Counter<'result'>;
  private readonly cacheSeries: Gauge;
  private readonly cacheBytes: Gauge;

  constructor(store: MetricStore) {
    const registers = [this.registry];
    new Gauge({
      name: 'pushgate_store_up',
      help: '1 when the metric store (Redis in cluster mode) answers, 0 while it does not.',
      registers,
      async collect() {
        this.set((await store.ready()) ? 1 : 0);
      },
    });
    this.scrapeDuration = new Histogram({
      name: 'pushgate_scrape_duration_seconds',
      help: 'Time to serve a scrape of the pushed groups (GET /metrics), until the last byte was handed to the socket.',
      labelNames: ['format', 'encoding'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.refreshes = new Counter({
      name: 'pushgate_scrape_cache_refreshes_total',
      help: 'Text scrapes by what the scrape cache had to do first: nothing (unchanged, a cache hit), apply the groups changed since its version (updated), or load every group (reloaded).',
      labelNames: ['result'],
      registers,
    });
    this.groupsApplied = new Counter({
      name: 'pushgate_scrape_cache_groups_applied_total',
      help: 'Group changes (pushes, deletions, expiries) applied to the scrape cache, counting full loads.',
      registers,
    });
    this.blocksRendered = new Counter({
      name: 'pushgate_scrape_cache_blocks_rendered_total',
      help: 'Blocks of rendered series the scrape cache rebuilt because a group in them changed.',
      registers,
    });
    this.gzipSegments = new Counter({
      name: 'pushgate_scrape_gzip_segments_total',
      help: 'Segments of gzipped scrapes: compressed for this scrape, or reused from an earlier one (cached).',
      labelNames: ['result'],
      registers,
    });
    this.cacheSeries = new Gauge({
      name: 'pushgate_scrape_cache_series',
      help: 'Series held by the scrape cache as of its last refresh.',
      registers,
    });
    this.cacheBytes = new Gauge({
      name: 'pushgate_scrape_cache_text_bytes',
      help: 'Size of the text scrape the cache held as of its last refresh.',
      registers,
    });
  }

  observeScrape(format: string, encoding: ScrapeEncoding, seconds: number): void {
    this.scrapeDuration.observe({ format, encoding }, seconds);
  }

  cacheRefreshed(result: CacheRefreshResult, groupsApplied: number, blocksRendered: number): void {
    this.refreshes.inc({ result });
    if (groupsApplied > 0) this.groupsApplied.inc(groupsApplied);
    if (blocksRendered > 0) this.blocksRendered.inc(blocksRendered);
  }

  cacheSize(series: number, textBytes: number): void {
    this.cacheSeries.set(series);
    this.cacheBytes.set(textBytes);
  }

  gzipSegmentsServed(cached: number, compressed: number): void {
    if (cached > 0) this.gzipSegments.inc({ result: 'cached' }, cached);
    if (compressed > 0) this.gzipSegments.inc({ result: 'compressed' }, compressed);
  }
}
