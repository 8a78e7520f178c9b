import type { GroupingLabels, MetricGroup, PushRequest } from '@pushgate/core';

/**
 * Where metric groups live. Handlers only ever see this interface; the in-memory store
 * (single node) and the Redis store (cluster) implement it, and one contract suite
 * (packages/store/tests/contract) runs against both.
 *
 * Contract
 * - Atomicity: each `push`, `delete` and `wipe` is applied entirely or not at all. No reader
 *   ever observes a half-applied group (some families of a PUT but not others).
 * - Ordering: writes are linearisable. When a promise resolves, the write is applied and every
 *   later read, on this node or any other node sharing the backend, observes it. Writes to the
 *   same group from one caller, awaited in sequence, apply in that order.
 * - Durability: a resolved `push` means the backend holds the write (for Redis: the script ran;
 *   with AOF the data survives a Redis restart). A node crash after resolution loses nothing.
 * - Consistency: `push` runs the full rules (core `preparePush` + `checkAgainstStore`) against
 *   the state it is applied to, so the stored state always renders to a valid scrape. A rejected
 *   push throws PushRejectedError and changes nothing except the group's failure bookkeeping
 *   (`push_failure_time_seconds` = receivedAt; the group is created holding only the two
 *   bookkeeping gauges if it did not exist) — and not even that when the grouping key itself
 *   is the cause (e.g. its bookkeeping gauges would collide with another group's).
 * - `delete` removes exactly one grouping key (no prefix match); deleting a missing group is a
 *   no-op. `wipe` removes every group.
 * - Reads return plain data owned by the caller (mutating it does not affect the store), with
 *   groups ordered by core `groupId`.
 * - Unavailability: when the backend cannot be reached every method rejects with
 *   StoreUnavailableError quickly (bounded by the store's command timeout); it never hangs.
 */
export interface MetricStore {
  /** Applies a PUT (mode 'replace') or POST (mode 'merge'). Rejects with PushRejectedError. */
  push(request: PushRequest): Promise<void>;

  /** Removes the group with exactly these grouping labels, with its bookkeeping gauges. */
  delete(labels: GroupingLabels): Promise<void>;

  /** Removes every group. */
  wipe(): Promise<void>;

  /** Every group, ordered by groupId. */
  getGroups(): Promise<MetricGroup[]>;

  /** True while the backend answers. Never throws. */
  ready(): Promise<boolean>;

  /** Flushes what must be flushed (persistence) and releases connections and timers. */
  close(): Promise<void>;
}

/** The backend cannot be reached or did not answer in time (HTTP 503 with Retry-After). */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}
