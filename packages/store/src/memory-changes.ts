/**
 * Change feeds of the in-memory store: the store reports every write as it applies it, and each
 * open feed collects the ids of the groups written since its reader last asked. Nothing is
 * copied: a reader reads the stored (immutable) group objects when it applies them.
 */
import type { MetricGroup } from '@pushgate/core';
import type { ChangeFeed, ChangedGroup, StoreChanges } from './change-feed';
import { noChanges } from './change-feed';

/** What a feed needs of the store. */
export interface MemoryGroups {
  ids(): Iterable<string>;
  get(id: string): MetricGroup | undefined;
  /** The store's clock, Unix seconds. */
  nowSeconds(): number;
}

/** Groups handed to the reader per batch of a reset: bounds the work between awaits. */
const RESET_BATCH = 1000;

/** The store's side: the open feeds, told about every write. */
export class MemoryChangeLog {
  private readonly feeds = new Set<MemoryChangeFeed>();

  /** Group `id` was written (added, replaced or removed). */
  changed(id: string): void {
    for (const feed of this.feeds) feed.dirty.add(id);
  }

  /** Every group was removed. */
  wiped(): void {
    for (const feed of this.feeds) feed.restart();
  }

  open(groups: MemoryGroups): ChangeFeed {
    const feed = new MemoryChangeFeed(groups, () => this.feeds.delete(feed));
    this.feeds.add(feed);
    return feed;
  }
}

class MemoryChangeFeed implements ChangeFeed {
  /** Ids written since the last next(). */
  readonly dirty = new Set<string>();
  private startOver = true;

  constructor(
    private readonly groups: MemoryGroups,
    private readonly detach: () => void,
  ) {}

  async next(): Promise<StoreChanges> {
    const now = this.groups.nowSeconds();
    if (this.startOver) {
      this.startOver = false;
      this.dirty.clear();
      // Ids as of now; groups are read when the reader gets to them, and a write in between is
      // reported again by the following next().
      // In id order: mostly the scrape's order, so the reader's inserts are mostly appends.
      const ids = [...this.groups.ids()].sort();
      return { reset: true, removed: [], changed: this.batches(ids), unchanged: false, now };
    }
    if (this.dirty.size === 0) return noChanges(now);
    const changed: string[] = [];
    const removed: string[] = [];
    for (const id of this.dirty) (this.groups.get(id) === undefined ? removed : changed).push(id);
    this.dirty.clear();
    return { reset: false, removed, changed: this.batches(changed), unchanged: false, now };
  }

  restart(): void {
    this.startOver = true;
    this.dirty.clear();
  }

  close(): void {
    this.detach();
  }

  private async *batches(ids: readonly string[]): AsyncGenerator<readonly ChangedGroup[]> {
    for (let i = 0; i < ids.length; i += RESET_BATCH) {
      yield ids.slice(i, i + RESET_BATCH).map((key) => ({ key, read: () => this.groups.get(key) }));
    }
  }
}
