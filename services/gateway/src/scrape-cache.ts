import { ScrapeModel, type ReservedFamilies, type ScrapeSnapshot } from '@pushgate/core';
import type { MetricFamily } from '@pushgate/exposition';
import type { ChangeFeed, StoreChanges } from '@pushgate/store';
import type { CacheRefreshResult, OpsMetrics } from './ops-metrics';
import { GzipSegmentCache } from './scrape-gzip';
import { TimeSlicer } from './time-slicer';

/**
 * A large batch of changes (a full load) is committed every so many groups: rendered lines wait
 * as strings until a commit writes them into blocks, and holding all of a 50,000-group store's at
 * once would double the heap a load needs. Feeds deliver groups in id order, which is the series
 * order of most families, so such commits mostly write new blocks at the ends and are cheap; when
 * they rebuild many blocks instead (series of different groups interleave), they are made rarer.
 */
const COMMIT_GROUPS_MIN = 1000;
const COMMIT_GROUPS_MAX = 16_000;
/** Blocks rebuilt per group applied above which intermediate commits are spaced out. */
const COSTLY_COMMIT_BLOCKS_PER_GROUP = 0.25;

export interface ScrapeCacheOptions {
  /** The store's change feed; the cache owns it (closes it). */
  feed: ChangeFeed;
  reserved: ReservedFamilies;
  /** The node's own families, merged into every scrape (single-node mode); none if undefined. */
  ownFamilies?: () => Promise<MetricFamily[]>;
  ops: OpsMetrics;
  /** Longest stretch of synchronous work before yielding to the event loop. */
  sliceMs?: number;
}

/**
 * A node's text scrape, kept current from the store's change feed (docs/architecture.md,
 * "Scrapes"): before each scrape the cache applies what changed since the previous one, in
 * slices of at most `sliceMs`, and re-renders only the blocks those changes touched. Its gzip
 * pieces are cached too.
 *
 * Refreshes run one at a time. A scrape always gets a refresh that started after it arrived
 * (writes acknowledged before the scrape are in it); scrapes arriving while one is queued share it.
 */
export class ScrapeCache {
  readonly gzip = new GzipSegmentCache();
  private readonly model: ScrapeModel;
  private readonly sliceMs: number;
  /** The end of the last refresh started (settled either way). */
  private tail: Promise<unknown> = Promise.resolve();
  /** A refresh waiting for the running one: later callers join it. */
  private queued: Promise<ScrapeSnapshot> | undefined;
  private closed = false;

  constructor(private readonly options: ScrapeCacheOptions) {
    this.model = new ScrapeModel({ reserved: options.reserved });
    this.sliceMs = options.sliceMs ?? 4;
  }

  /** The scrape, current with every write acknowledged before the call. */
  snapshot(): Promise<ScrapeSnapshot> {
    if (this.queued !== undefined) return this.queued;
    const run = this.tail.then(() => {
      this.queued = undefined;
      return this.refresh();
    });
    this.queued = run;
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Waits for the refresh in progress, then releases the feed. */
  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
    this.options.feed.close();
  }

  private async refresh(): Promise<ScrapeSnapshot> {
    if (this.closed) throw new Error('the scrape cache is closed');
    const { feed, ops } = this.options;
    const work: Work = { slicer: new TimeSlicer(this.sliceMs), blocks: 0 };
    const changes = await feed.next();
    let applied: number;
    try {
      applied = await this.apply(changes, work);
    } catch (err) {
      // Part of the changes is applied: only starting over gives a consistent view again.
      feed.restart();
      this.model.clear();
      throw err;
    }
    applied += this.model.expire(changes.now);
    if (this.options.ownFamilies) this.model.setOwnFamilies(await this.options.ownFamilies());
    const snapshot = await this.commit(work);
    const result: CacheRefreshResult = changes.reset
      ? 'reloaded'
      : changes.unchanged && applied === 0
        ? 'unchanged'
        : 'updated';
    ops.cacheRefreshed(result, applied, work.blocks);
    ops.cacheSize(this.model.series, snapshot.bytes);
    return snapshot;
  }

  /** Applies the store's changes to the model; returns how many groups changed. */
  private async apply(changes: StoreChanges, work: Work): Promise<number> {
    if (changes.reset) this.model.clear();
    for (const key of changes.removed) this.model.deleteGroup(key);
    let applied = changes.removed.length;
    let interval = COMMIT_GROUPS_MIN;
    let sinceCommit = 0;
    for await (const batch of changes.changed) {
      for (const changed of batch) {
        const group = changed.read();
        if (group === undefined) this.model.deleteGroup(changed.key);
        else this.model.setGroup(changed.key, group, changes.now);
        applied++;
        if (++sinceCommit >= interval) {
          const before = work.blocks;
          await this.commit(work);
          const costly = work.blocks - before > sinceCommit * COSTLY_COMMIT_BLOCKS_PER_GROUP;
          interval = costly ? Math.min(2 * interval, COMMIT_GROUPS_MAX) : COMMIT_GROUPS_MIN;
          sinceCommit = 0;
        }
        await work.slicer.tick();
      }
    }
    return applied;
  }

  /** Runs a commit of the model in slices. */
  private async commit(work: Work): Promise<ScrapeSnapshot> {
    const commit = this.model.commit();
    let step = commit.next();
    while (!step.done) {
      work.blocks++;
      await work.slicer.tick();
      step = commit.next();
    }
    return step.value;
  }
}

/** The running refresh's time slices, and the blocks its commits rebuilt. */
interface Work {
  slicer: TimeSlicer;
  blocks: number;
}
