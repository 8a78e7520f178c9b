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

  /** Every group, ordered by groupId; expired ones excluded (see MaintainableMetricStore). */
  getGroups(): Promise<MetricGroup[]>;

  /** True while the backend answers. Never throws. */
  ready(): Promise<boolean>;

  /** Flushes what must be flushed (persistence) and releases connections and timers. */
  close(): Promise<void>;
}

/**
 * What a store offers beyond MetricStore so that the worker can maintain it: group expiry (TTL),
 * snapshots and restore (extensions; upstream has none of them). The gateway only needs
 * MetricStore; both implementations implement this, and `describeTtlContract`
 * (tests/contract/ttl.contract.ts) checks it.
 *
 * Contract
 * - Recording: a successful push sets the group's `expiry` from `PushRequest.ttlSeconds` as core
 *   `expiryAfterPush` says (`expiresAt` = receivedAt + ttlSeconds; none when the TTL is undefined
 *   or 0, which also drops a TTL the group had). A rejected push keeps an existing group's expiry
 *   and gives a group it creates the push's TTL (core `expiryAfterFailure`). Reads return `expiry`
 *   with every group that has one; a group without one is never expired, swept or otherwise
 *   touched by anything in this interface.
 * - Expired means `expiry.expiresAt <= now`, `now` being the store's clock (injectable; the system
 *   clock by default; with several nodes every node's own clock, so keep them NTP-synchronised).
 *   From that instant an expired group is gone for every operation, on every node, whether or not
 *   a sweep has deleted it yet:
 *   - `getGroups` never returns it (so /metrics and /api/v1/metrics drop it at once);
 *   - a push to its grouping key starts from no group: a POST keeps none of its families, and the
 *     bookkeeping gauges start afresh;
 *   - it takes no part in the consistency rules: a push conflicting only with expired groups is
 *     accepted. (A store may delete due groups before checking, or, when a check fails while
 *     groups are due, delete those and check again; a failure must then be recorded only if the
 *     second check fails too.)
 * - `sweepExpired(nowSeconds, batchSize)` deletes up to `batchSize` groups whose
 *   `expiresAt <= nowSeconds`, earliest first, exactly as `delete` would (indexes, persistence).
 *   Each deletion re-checks the expiry atomically with the delete, so a push that lands between
 *   the listing and the delete (its group now expiring later, or never) is never lost. `more` is
 *   true when groups due at `nowSeconds` may remain; callers repeat until it is false.
 * - Snapshots: `getGroups()` is a consistent point-in-time copy of every live group, expiry
 *   included; a snapshot is that list written out.
 * - `restoreGroups(groups)` puts groups back exactly as a snapshot holds them (families with their
 *   timestamps, bookkeeping gauges, expiry), without running the push rules. Each group is
 *   restored atomically, and only into a free grouping key: it is skipped with reason
 *   - 'exists' when a live group has its grouping key (that group is newer than the snapshot),
 *   - 'expired' when its expiry time has passed,
 *   - 'conflict' when its families would break the store's consistency (a family stored with
 *     another type, or a series another group holds).
 *   So restoring is idempotent, never overwrites newer data, and is safe while pushes arrive.
 *   The caller's objects are not retained.
 */
export interface MaintainableMetricStore extends MetricStore {
  /** Deletes up to `batchSize` groups expired at `nowSeconds` (Unix seconds), re-checking each. */
  sweepExpired(nowSeconds: number, batchSize: number): Promise<SweepResult>;

  /** Restores snapshot groups into free grouping keys (see the contract above). */
  restoreGroups(groups: readonly MetricGroup[]): Promise<RestoreResult>;
}

/** What one sweepExpired call did. */
export interface SweepResult {
  /** Groups deleted. */
  deleted: number;
  /** Groups due at the sweep's time may remain (the batch was full). */
  more: boolean;
}

/** Why restoreGroups left a group out. */
export type RestoreSkipReason = 'exists' | 'expired' | 'conflict';

/** What one restoreGroups call did. */
export interface RestoreResult {
  restored: number;
  skipped: Array<{ labels: GroupingLabels; reason: RestoreSkipReason }>;
}

/** True when `store` also implements MaintainableMetricStore. */
export function isMaintainable(store: MetricStore): store is MaintainableMetricStore {
  const candidate = store as Partial<MaintainableMetricStore>;
  return (
    typeof candidate.sweepExpired === 'function' && typeof candidate.restoreGroups === 'function'
  );
}

/** The backend cannot be reached or did not answer in time (HTTP 503 with Retry-After). */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}
