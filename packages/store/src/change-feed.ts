import type { MetricGroup } from '@pushgate/core';
import type { MetricStore } from './metric-store';

/**
 * Change feeds (an extension for the gateway's scrape cache): a reader learns what changed in a
 * store since it last asked, so a derived view (a node's rendered scrape) stays current at the
 * cost of the changes rather than of the whole store. The memory store records changes as writes
 * happen; the Redis store answers "what changed since version V" from indexes its write scripts
 * keep (docs/architecture.md, "Scrapes").
 */

/** A group a feed reports as added or changed. */
export interface ChangedGroup {
  /** The store's identity of the group (its id, its hash), the same in `removed`. */
  readonly key: string;
  /**
   * The group as the store holds it now, expiry included (expired or not), or undefined if it is
   * gone by now (a later `next()` reports the removal). Call it once: it may decode the group.
   * The result may be shared with the store: it must not be modified.
   */
  read(): MetricGroup | undefined;
}

/** What changed in a store since the feed's previous `next()`. */
export interface StoreChanges {
  /**
   * The reader must forget every group first: `changed` is then the whole store (the first
   * `next()`, after a wipe or a restart(), or when the feed fell too far behind).
   */
  readonly reset: boolean;
  /** Keys of the groups removed. */
  readonly removed: readonly string[];
  /**
   * Groups added or changed, in batches, fetched while they are iterated; in core groupId order
   * (a reader keeping series sorted mostly appends then).
   */
  readonly changed: AsyncIterable<readonly ChangedGroup[]>;
  /** No reset, nothing removed, no group changed. */
  readonly unchanged: boolean;
  /** The store's time (Unix seconds) at which to judge the groups' expiry. */
  readonly now: number;
}

/**
 * One reader's view of a store's changes. Every `next()` covers the writes applied before it was
 * called. A reader whose application of the changes fails part-way (a batch rejected with
 * StoreUnavailableError) must drop its view and call `restart()`: the feed then starts over.
 */
export interface ChangeFeed {
  /** The changes since the previous call; rejects with StoreUnavailableError. */
  next(): Promise<StoreChanges>;
  /** Makes the next `next()` a reset. */
  restart(): void;
  /** Releases what the feed holds (listeners); the feed must not be used afterwards. */
  close(): void;
}

/** A store that offers change feeds. */
export interface ChangeFeedSource {
  changeFeed(): ChangeFeed;
}

/** True when `store` offers change feeds. */
export function hasChangeFeed(store: MetricStore): store is MetricStore & ChangeFeedSource {
  return typeof (store as Partial<ChangeFeedSource>).changeFeed === 'function';
}

/** A StoreChanges with nothing in it. */
export function noChanges(now: number): StoreChanges {
  return { reset: false, removed: [], changed: noBatches(), unchanged: true, now };
}

async function* noBatches(): AsyncGenerator<readonly ChangedGroup[]> {}
